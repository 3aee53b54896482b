"""Bulk import 批量导入 of officers' spreadsheets and logs, and the record of what was imported.

A file is a list of rows, each naming a command of ``ledger.commands`` with its reference 编号,
provenance and arguments. ``import_rows`` applies them all in one unit of work: if any row is
refused, or on a dry run, nothing is written, and the report names every bad row (row, column,
rule). Each applied row's reference is recorded in the ``ImportLedger`` aggregate
(``BatchImported``, with the file's SHA-256), in the same transaction as the rows' own events,
so importing the same file again skips every row and records nothing new. A save that loses
a race to an officer's save on the same records is run again, whole, on fresh state; one that
another import overtook is refused (``import_rows``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import Snapshot, event
from eventsourcing.utils import get_topic

from ledger import clock
from ledger.application import Ledger
from ledger.base import LedgerAggregate, Provenance, natural_id
from ledger.carried import KeyTrail
from ledger.clock import CLOCK_TOLERANCE
from ledger.commands import (
    COMMANDS,
    PROVENANCE,
    REFUSED_COLUMNS,
    Arg,
    CommandSpec,
    coded_as_recorded,
    parse_value,
    trimmed_keys,
)
from ledger.core import AGGREGATE_KINDS, Stamp
from ledger.errors import (
    ConflictError,
    LedgerError,
    PermissionRefusedError,
    RecorderRefusedError,
    RequiredError,
    RuleError,
    personal_in,
    unquoted,
)
from ledger.household import Personal, names_shown
from ledger.privacy import Reader, check_live_keys
from ledger.transparency import erased_households, notification_page
from ledger.values import (
    CHINA,
    REPLAY_SPARED,
    check_phone,
    check_recorded_text,
    check_text,
    deferred_personal_data,
    format_yuan,
    id_card_cell_problem,
)
from ledger.verification import household_number

__all__ = [
    "ImportLedger",
    "ImportResult",
    "IncreasingClock",
    "Row",
    "RowError",
    "export_commands",
    "import_rows",
    "recorded_refs",
    "recorded_rows",
    "register_at",
    "register_version",
    "row_mark",
    "sha256",
]

#: Called as ``progress(done, total)`` while rows are applied.
Progress = Callable[[int, int], None]

_IMPORTS_KEY = "imports"

#: References recorded per ``BatchImported`` event.
REFS_PER_EVENT = 10_000


@dataclass(frozen=True)
class Rebuild:
    """What ``ImportLedger.record_rebuild`` records of an export replayed into a new store:
    its files, their SHA-256, how many rows, the key ids the old store had revoked, and each
    key id it had given a holder (an officer id, or "" for the district's log key); and the
    key ids the move registers again right after it, in order (``ledger.moves.rebuild``)."""

    source: str
    sha256: str
    rows: int
    revoked: tuple[str, ...]
    held: tuple[tuple[str, str], ...]
    registers: tuple[str, ...] = ()


class ImportLedger(LedgerAggregate):
    """The references 编号 of every row ever imported, batch by batch, in its events.

    It keeps nothing of them in memory. The register of a ledger of 10 M imported rows is 9.4 M
    references; loading it to import one row took 7.8 s and 1.8 GB. ``recorded_refs`` reads
    its events a page at a time for the references a file has, and ``register_at`` gives the
    register at a version without replaying it, to append the next batch there."""

    @staticmethod
    def create_id() -> UUID:
        return natural_id("imports", _IMPORTS_KEY)

    @event("ImportsStarted")
    def __init__(self, prov: Provenance) -> None:
        pass

    def record_batch(
        self,
        sha: str,
        source: str,
        refs: tuple[str, ...],
        marks: tuple[str, ...],
        prov: Provenance,
    ) -> None:
        """A file's applied rows, by reference and by the mark of their content (``row_mark``),
        and the file's SHA-256: one event per ``REFS_PER_EVENT`` references, so no stored
        event grows with the file (a rebuild or a verify reads each event whole; a million
        references in one would take ~100 MiB)."""
        assert len(refs) == len(marks)
        for start in range(0, max(len(refs), 1), REFS_PER_EVENT):
            end = start + REFS_PER_EVENT
            self._batch_recorded(sha, source, refs[start:end], marks[start:end], prov)

    @event("BatchRecorded")
    def _batch_recorded(
        self,
        sha256: str,
        source: str,
        refs: tuple[str, ...],
        marks: tuple[str, ...],
        prov: Provenance,
    ) -> None:
        pass  # the references and marks stay in the event (``recorded_rows``)

    def record_rebuild(self, rebuild: Rebuild, prov: Provenance) -> None:
        """This ledger was rebuilt by ``import --create`` from an export of another store 迁移
        (``ledger.moves``): a new log, which that store's checkpoints do not cover, carrying
        the signing keys that store had revoked and every key it had given a holder, so that
        a key revoked there is never registered here, nor a key held there for another holder
        (``ledger.transparency.key_holder_fault``). Since session 23."""
        self._rebuilt_from_export(
            rebuild.source,
            rebuild.sha256,
            rebuild.rows,
            rebuild.revoked,
            tuple(key for key, _holder in rebuild.held),
            tuple(holder for _key, holder in rebuild.held),
            prov,
            rebuild.registers,
        )

    @event("RebuiltFromExport")
    def _rebuilt_from_export(
        self,
        source: str,
        sha256: str,
        rows: int,
        revoked: tuple[str, ...],
        held_keys: tuple[str, ...],
        held_by: tuple[str, ...],
        prov: Provenance,
        registers: tuple[str, ...] = (),
    ) -> None:
        """``registers``: the key ids the move registers again after it, in order, which
        ``fupin verify --require-signatures`` exempts, each once (since session 23; a record
        without it was made before, earlier the same session)."""

    @event("BatchImported")
    def _batch_imported(
        self, sha256: str, source: str, refs: tuple[str, ...], prov: Provenance
    ) -> None:
        """Batches recorded before 2026-11-29: references only, no marks."""


#: Register events read per query by ``recorded_refs`` (each holds up to REFS_PER_EVENT refs).
_REGISTER_PAGE = 20


def recorded_refs(
    app: Ledger, wanted: set[str] | frozenset[str] | None = None, *, upto: int | None = None
) -> set[str]:
    """The references recorded as imported (by the register up to version ``upto``, if
    given): those of ``wanted``, or all of them (``recorded_rows``)."""
    refs, _marks = recorded_rows(app, wanted, frozenset(), upto=upto)
    return set(refs)


def recorded_rows(
    app: Ledger,
    refs: set[str] | frozenset[str] | None,
    marks: set[str] | frozenset[str],
    *,
    upto: int | None = None,
) -> tuple[dict[str, str | None], dict[str, str]]:
    """What the register (up to version ``upto``, if given) holds of a file: each of its
    references recorded, with the mark of the row recorded under it (None for batches
    recorded before rows were marked), or every reference if ``refs`` is None; and each of
    its rows' marks recorded, with the reference it was recorded under.

    Reads the register's events ``_REGISTER_PAGE`` at a time, each parsed and let go (the
    references are a tagged tuple, ``{"__tuple__": [...]}``, ledger.transcoder), so memory
    stays flat however many rows were ever imported; ~0.6 s for 9.4 M references."""
    register_id = ImportLedger.create_id()
    found: dict[str, str | None] = {}
    marked: dict[str, str] = {}
    if refs is not None and not refs and not marks:
        return found, marked
    after = 0
    while True:
        page = app.recorder.select_events(register_id, gt=after, lte=upto, limit=_REGISTER_PAGE)
        for stored in page:
            state = orjson.loads(stored.state)
            if "refs" not in state:
                continue
            listed: list[str] = state["refs"]["__tuple__"]
            signs: list[str] | None = state["marks"]["__tuple__"] if "marks" in state else None
            hits = listed if refs is None else refs.intersection(listed)
            by_ref = dict(zip(listed, signs, strict=True)) if signs and hits else {}
            for ref in hits:
                found[ref] = by_ref.get(ref)
            if signs and marks and not marks.isdisjoint(signs):
                for ref, mark in zip(listed, signs, strict=True):
                    if mark in marks:
                        marked.setdefault(mark, ref)
        if len(page) < _REGISTER_PAGE:
            return found, marked
        after = page[-1].originator_version


def row_mark(command: str, stamp: Stamp, args: dict[str, Any]) -> str:
    """A row's content, hashed: its command, effective date, document, note and arguments,
    not its reference, its officer (a colleague may import the same file) or personal data
    (the register must not hold a trace of a household's personal data after that data is
    erased). 16 hex digits: the register compares the marks of one ledger's rows."""
    kept = {k: v for k, v in args.items() if k not in _PERSONAL_ARGS}
    content = [command, stamp.effective, stamp.document, stamp.note, kept]
    data = orjson.dumps(content, default=_plain_value, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(data).hexdigest()[:16]


def _marks_of(rows: Iterable[_Parsed]) -> set[str]:
    """The marks the register is asked for: each row's, and its mark as typed where that
    differs (``_Parsed.typed_mark``)."""
    return {mark for parsed in rows for mark in (parsed.mark, parsed.typed_mark) if mark}


def _compared(row: Row, parsed: _Parsed) -> str:
    """What ``row_mark`` compares of ``row``, and what it leaves out, as a refusal says it:
    its personal columns by their headers (since session 29, tester of session 28: the
    refusal said "values", of two rows told apart by their head's name alone)."""
    personal = [
        row.columns.get(a.name, a.name) for a in parsed.spec.args if a.name in _PERSONAL_ARGS
    ]
    if not personal:
        return "command, date, document, note and values; not its ref or its officer"
    return (
        "command, date, document, note and its other values; not its ref, its officer, nor "
        f"its personal data ({', '.join(personal)}), which is never compared"
    )


def _plain_value(value: Any) -> Any:
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"no mark for a value of type {type(value).__name__}")


#: Arguments that carry a household's personal data (``Personal``): left out of row marks.
_PERSONAL_ARGS = frozenset(f.name for f in fields(Personal))


def register_version(app: Ledger) -> int:
    """The register's latest version; 0 before the first import."""
    last = app.recorder.select_events(ImportLedger.create_id(), desc=True, limit=1)
    return last[0].originator_version if last else 0


def register_at(app: Ledger, version: int) -> ImportLedger | None:
    """The register at ``version`` (None for 0: no import yet), made from its first event and
    that one without replaying the others (it keeps no state from them: eventsourcing's own
    ``Snapshot`` rebuilds it). An import reads the version first, looks its references up in
    the register as it was then, and appends its batch to the register at that version: if
    another import recorded a batch meanwhile, the save fails on the version (or, before any
    import, on creating the register) and nothing of the import is written."""
    if version == 0:
        return None
    register_id = ImportLedger.create_id()
    first = app.recorder.select_events(register_id, lte=1)
    then = app.recorder.select_events(register_id, lte=version, desc=True, limit=1)
    created = app.mapper.to_domain_event(first[0])
    latest = app.mapper.to_domain_event(then[0])
    assert latest.originator_version == version, "the register's events have no gaps"
    state = {
        "_created_on": created.timestamp,  # type: ignore[attr-defined]
        "_modified_on": latest.timestamp,  # type: ignore[attr-defined]
        "voided": {},  # it has no correctable entries (LedgerAggregate)
        "entries": {},
        "entry_dates": {},
        "corrections": {},
    }
    register = Snapshot(
        originator_id=register_id,
        originator_version=version,
        timestamp=latest.timestamp,  # type: ignore[attr-defined]
        topic=get_topic(ImportLedger),
        state=state,
    ).mutate(None)
    assert isinstance(register, ImportLedger)
    return register


@dataclass(frozen=True)
class Row:
    """One row of a file: where it is, which command, its raw values by argument name, the
    column each argument was read from (for error messages), and the merged range each empty
    value lies under, if any (``D2:D5``: only its top-left cell holds the value)."""

    where: str
    command: str
    values: dict[str, Any]
    columns: dict[str, str] = field(default_factory=dict)
    merged: dict[str, str] = field(default_factory=dict)
    #: Of those, the arguments whose merged range the sheet shows a value over: its top-left
    #: cell holds one and it spans more than one data row (since session 27). An optional cell
    #: there is refused, not read as empty: the sheet shows a value the cell does not hold.
    shown: frozenset[str] = frozenset()
    #: Read from a spreadsheet's cells (CSV, XLSX), or else a JSONL line's JSON values: a
    #: number's refusal advises what fits (a cell's formula, or the program writing the file).
    cells: bool = True
    #: A JSONL line's ``position`` (written by ``fupin export events``), if it has one.
    position: int | None = None
    #: A JSONL line's ``recorded_at`` (written by ``fupin export events``), if it has one.
    recorded_at: str | None = None
    #: A JSONL line's ``imported_by`` (written by ``fupin export events`` for an event its
    #: actor did not record, since session 28), if it has one.
    imported_by: str | None = None
    #: Its ``imported_by_role``, the recorder's role the export names (checked, not read
    #: again: re-tester P, session 28), if it has one.
    imported_by_role: str | None = None


@dataclass(frozen=True)
class RowError:
    """A bad row: where, which column, which rule."""

    where: str
    column: str
    rule: str

    def __str__(self) -> str:
        # A header or a sheet name is the file's text: shown with its control characters
        # escaped, so a file cannot clear the screen or forge lines in the refusal. The rule
        # passes through ``unquoted`` here, where every import refusal is said, as a
        # LedgerError's does: a rule made outside one (a file's encoding, a cell's format)
        # quotes a cell too (since session 28, re-tester O: a GBK cell's ID card was shown).
        return f"{_printable(self.where)}, {_column_said(self.column)}: {unquoted(self.rule)}"


def _column_said(column: str) -> str:
    """``column`` as a refusal names it: a header holding a personal number (a data row read
    as the header row) said without it."""
    found = personal_in(column)
    if found is None:
        return _printable(column)
    return f"a header holding {found} (not quoted)"


def _printable(text: str) -> str:
    """``text`` with each character that is not printable as its escape (``\\x1b``)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass
class ImportResult:
    """What an import did (or, on a dry run or with errors, would have done)."""

    rows: int = 0
    applied: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    #: What rows did besides, as their commands say it (``_Seen.said``): said after the count.
    said: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.errors and not self.dry_run and self.applied > 0


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class _Parsed:
    ref: str
    stamp: Stamp
    spec: CommandSpec
    args: dict[str, Any]
    mark: str  # ``row_mark``, of its coded values as recorded (``coded_as_recorded``)
    #: The mark of its coded values as typed, when that differs: how rows were marked before
    #: session 34, so a file imported then is still skipped (``_apply``).
    typed_mark: str = ""
    #: An export's row: its refusals for personal data in text recorded in clear
    #: (``check_no_personal_data``), made when it is applied unless it is replayed into the
    #: empty store it rebuilds, as recorded (since session 24, ``_apply``).
    in_clear: tuple[RowError, ...] = ()
    #: Its refusals by a rule of the cells that judges new rows only (an ID card ending in
    #: 000, one Excel cut): made in ``_apply`` unless the row is recorded already, and skipped
    #: (re-tester G, session 27: a 台账 re-run with new rows was refused for a recorded row).
    unless_recorded: tuple[RowError, ...] = ()


#: Per command: its provenance and own arguments, by name, in order (built once).
_EVERY_ARG = {
    name: {a.name: a for a in (*PROVENANCE, *spec.args)} for name, spec in COMMANDS.items()
}


def parse_row(row: Row, default_actor: str) -> _Parsed | list[RowError]:
    """The row's command, stamp and typed arguments, or every error found in it."""
    spec = COMMANDS.get(row.command)
    if spec is None:
        return [RowError(row.where, "command", f"{row.command!r} is not a command")]
    errors: list[RowError] = []
    typed: dict[str, Any] = {}
    every = _EVERY_ARG[spec.name]
    if not row.values.keys() <= every.keys():
        for name in sorted(row.values.keys() - every.keys()):
            rule = REFUSED_COLUMNS.get(spec.name, {}).get(name, "unknown column")
            errors.append(RowError(row.where, row.columns.get(name, name), rule))
    # An export's row (its ref and recording time) may be replayed into the empty store it
    # rebuilds, as recorded: its text is checked for personal data when it is applied.
    ref = row.values.get("ref")
    exported = (
        isinstance(ref, str) and bool(_EXPORTED.fullmatch(ref)) and row.recorded_at is not None
    )
    none: list[tuple[str, str]] = []
    new_only: list[RowError] = []
    if_refused: list[RowError] = []
    with deferred_personal_data() if exported else nullcontext(none) as in_clear:
        _parse_cells(row, every, typed, errors, new_only, if_refused, exported)
    if typed.get("ref") == "":
        # A blank reference ("" or spaces, which JSONL can carry) is no reference: it would
        # not be looked up in the register, so every re-import would apply the row again.
        errors.append(RowError(row.where, row.columns.get("ref", "ref"), "is required"))
    if errors:
        return errors + new_only + if_refused  # refused anyway: every refusal in one run
    actor = typed["actor"] or default_actor
    stamp = Stamp(actor, typed["effective"], typed["document"], typed["note"])
    args = {a.name: typed[a.name] for a in spec.args}
    # Marked as trimmed (``trimmed_keys``): a row imported before keys were read as typed;
    # and its coded values as recorded (产业 is industry), since session 34: as typed before.
    trimmed = trimmed_keys(args, spec)
    mark = row_mark(spec.name, stamp, coded_as_recorded(trimmed, spec))
    typed_mark = row_mark(spec.name, stamp, trimmed)
    refused: dict[str, RowError] = {}
    for name, text in in_clear:
        try:
            check_recorded_text(name, text)
        except LedgerError as exc:
            where = row.columns.get(name, name)
            refused.setdefault(name, RowError(row.where, where, _in_columns(exc.rule, row)))
    in_clear_refused = tuple(refused.values())
    return _Parsed(
        typed["ref"],
        stamp,
        spec,
        args,
        mark,
        "" if typed_mark == mark else typed_mark,
        in_clear_refused,
        tuple(new_only),
    )


def _parse_cells(
    row: Row,
    every: dict[str, Arg],
    typed: dict[str, Any],
    errors: list[RowError],
    new_only: list[RowError],
    if_refused: list[RowError],
    exported: bool = False,
) -> None:
    """Each cell of the row read into ``typed`` by its argument, or its refusal into
    ``errors``; a refusal by a rule that judges new rows only (an ID card Excel cut) into
    ``new_only``; a bad phone into ``if_refused``, said with the row's other refusals (a row
    refused for nothing else has it judged by its command, in its order). An export's row
    (``exported``) has its phone judged when it is applied: replayed into the store it
    rebuilds, today's phone rule spares it."""
    for arg in every.values():
        try:
            typed[arg.name] = value = _parse_cell(arg, row.values.get(arg.name), cells=row.cells)
            if arg.name in row.shown:
                # An optional cell the sheet shows a value in, read as empty, would take its
                # default (a budget 0.00, disabled false): since session 27 it is refused.
                rule = "is empty, but the sheet shows a value there"
            elif arg.name == "id_card" and row.cells and isinstance(value, str):
                problem = id_card_cell_problem(value)  # one Excel cut (since session 27)
                if problem is not None:
                    where = row.columns.get(arg.name, arg.name)
                    new_only.append(RowError(row.where, where, _in_columns(problem, row)))
                continue
            elif arg.name == "phone" and isinstance(value, str) and not exported:
                # Judged with the row's other cells, so that a row refused for another cell
                # names a bad phone in the same run (re-tester M, session 27: only on the
                # next); a rule for new rows, as the command judges it (check_phone).
                try:
                    check_phone(value)
                except LedgerError as exc:
                    where = row.columns.get(arg.name, arg.name)
                    if_refused.append(RowError(row.where, where, _in_columns(exc.rule, row)))
                continue
            else:
                continue
        except LedgerError as exc:
            rule = exc.rule
        if arg.name in row.merged:  # the sheet shows a value there, the cell has none
            ref = row.merged[arg.name]
            rule += (
                f" (the cell is in merged range {ref}, whose value only its top-left cell "
                f"{ref.split(':')[0]} holds: unmerge the range and fill each cell)"
            )
        column = row.columns.get(arg.name, arg.name)
        if row.cells and arg.name not in row.values and rule == "is required":
            # no column for it (since session 37, session 36's tester i F8: told in English,
            # row by row, never as a missing column; the refusal says such rows once)
            column, rule = f"{arg.zh} {arg.name}", NO_COLUMN.format(zh=arg.zh, name=arg.name)
        errors.append(RowError(row.where, column, _in_columns(rule, row)))


#: A command-line option in a rule (``--note``, ``--not-key-target``).
_OPTION = re.compile(r"(?<![\w-])--([a-z][a-z-]*)")
#: Where a part of a rule ends: a command line it suggests (``fupin household amend X
#: --labour``) runs from ``fupin`` to the first of them.
_PART_ENDS = re.compile(r"[(),;`]")


#: The refusal of a required argument a spreadsheet has no column for (``_parse_cells``).
NO_COLUMN = (
    "is required, and the sheet has no column for it: add one, headed {zh}, {name} or '{zh} {name}'"
)


def _in_columns(rule: str, row: Row) -> str:
    """``rule`` as said of an import row: an option of the command line (``--note``) that is
    one of the row's columns, named as the row names it (``备注 note``; in JSONL ``note``); a
    flag's negative (``--not-key-target``) as that column false. A command line the rule
    suggests (``fupin household amend X --labour``) is left as it is. The command line's
    ``--as`` is the row's ``actor``. Since session 23 (the import re-tester: a row was told to
    say why ``(--note)``, an option no spreadsheet has)."""
    if "--" not in rule:
        return rule
    every = _EVERY_ARG.get(row.command, {})

    def column(found: re.Match[str]) -> str:
        before = rule[: found.start()]
        part = _PART_ENDS.split(before)[-1]
        if "fupin " in part:
            return found[0]
        name = found[1].replace("-", "_")
        if name == "as":
            name = "actor"
        if name in every:
            return _printable(row.columns.get(name, name))
        for negative in ("not_", "no_"):
            flag = every.get(name.removeprefix(negative))
            if name.startswith(negative) and flag is not None and flag.kind == "bool":
                return f"{_printable(row.columns.get(flag.name, flag.name))}: false"
        return found[0]

    return _OPTION.sub(column, rule)


def _parse_cell(arg: Arg, value: Any, *, cells: bool = True) -> Any:
    """``parse_value``, but the ``actor`` cell read as typed, spaces included, as ``--as`` is
    (`` jn-01`` is no registered officer there, and so not here: refused naming the column).
    Before session 16 the cell was trimmed. A blank one is no officer: ``--as`` then."""
    if arg.name == "actor" and isinstance(value, str) and value.strip():
        check_text(arg.name, value)
        return value
    return parse_value(arg, value, cells=cells)


#: Runs of an import whose save lost a race to another writer's save on its records (an
#: officer's visit to one of its households): the whole batch is run again on fresh state.
_IMPORT_TRIES = 3


class _LostRace(Exception):
    """An import's save lost a race to a save that was not another import's: run it again."""


def import_rows(
    app: Ledger,
    rows: Iterable[Row],
    *,
    source: str,
    digest: str,
    default_actor: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Apply ``rows`` in order as one unit of work: all of them, or none (see the module).

    A save that loses a race to another writer's save on the same records (an officer's
    visit to one of the file's households meanwhile) is run again, the whole batch on fresh
    state, up to ``_IMPORT_TRIES`` runs: rows recorded since are skipped as imported, rows a
    change meanwhile makes wrong are refused. An import overtaken by another import (the
    register's version moved) is refused at once, as are runs that keep losing."""
    # Who runs the import is an active officer, as every reader is (tester O, session 19: a
    # name no officer has was told which rows of a file are on record, exit 0); but for an
    # export replayed into an empty store, whose rows register its officers.
    if default_actor.strip() and app.recorder.max_notification_id():
        app.reader(default_actor)
    rows = list(rows)
    parsed = [parse_row(row, default_actor) for row in rows]
    runs = 1
    while True:
        try:
            return _import_once(app, rows, parsed, source, digest, default_actor, dry_run, progress)
        except _LostRace:
            if runs == _IMPORT_TRIES:
                raise ConflictError(
                    "store",
                    "other writers kept changing the same records while the import ran "
                    f"({runs} tries); nothing of the batch was written; run it again",
                ) from None
            runs += 1


def _import_once(
    app: Ledger,
    rows: list[Row],
    parsed: list[_Parsed | list[RowError]],
    source: str,
    digest: str,
    default_actor: str,
    dry_run: bool,
    progress: Progress | None,
) -> ImportResult:
    """One run of ``import_rows`` on the ledger as it is now; ``_LostRace`` if its save lost a
    race to a save that was not another import's."""
    result = ImportResult(rows=len(parsed), dry_run=dry_run)
    applied: list[_Parsed] = []
    first_actor = ""
    latest = date.min
    pinned: int | None = None
    try:
        with clock.using_clock(IncreasingClock()), app.batch(stamped_at_save=True):
            # The register as it is now: its references are skipped, and the batch is
            # appended to it at this version, so an import that records a batch meanwhile
            # makes this one fail on the version instead of applying the same rows twice.
            pinned = register_version(app)
            rows_read = [p for p in parsed if not isinstance(p, list)]
            recorded = recorded_rows(
                app, {p.ref for p in rows_read}, _marks_of(rows_read), upto=pinned
            )
            seen = _Seen(into_empty=not app.recorder.max_notification_id())
            for done, (row, read) in enumerate(zip(rows, parsed, strict=True), 1):
                recorder = default_actor or first_actor  # who records the rows
                outcome = (
                    read
                    if isinstance(read, list)
                    else _apply(app, row, read, recorded, seen, recorder)
                )
                if isinstance(outcome, list):
                    result.errors.extend(outcome)
                elif outcome is None:
                    result.skipped += 1
                else:
                    applied.append(outcome)
                    first_actor = first_actor or outcome.stamp.actor
                    latest = max(latest, outcome.stamp.effective)
                if progress is not None and (done % 200 == 0 or done == len(parsed)):
                    progress(done, len(parsed))
            if result.errors and register_version(app) != pinned:
                # Judged in part against the rows another import recorded meanwhile (tester
                # G, session 26: two imports of one file at once, the loser's rows refused as
                # "the same visit recorded twice?"): refused as overtaken, below.
                raise ConflictError("store", "another import recorded its batch meanwhile")
            result.applied = len(applied)
            result.said = seen.said
            batch = Stamp(
                default_actor or first_actor, latest, f"import {source}", f"sha256 {digest}"
            )
            if applied and not result.errors:
                # Who may record the batch, judged before a dry run ends too: a dry run
                # refuses what the import would.
                # (An importer who is no admin had another officer's row refused as it was
                # applied: ``Ledger._imported_by``, since session 28.)
                app.authorise(batch, "import_batch")
                # the save signs: its refusals too (the real save's, in _record)
                if dry_run and not result.errors:
                    _check_signing(app, applied, batch.actor, seen.into_empty)
            elif seen.recorder_refused and not seen.into_empty:
                # An importer who may not import at all (an analyst) is told so, not that
                # only an admin imports others' rows (the words before session 28).
                app.authorise(batch, "import_batch")
            if result.errors or dry_run:
                app.discard_batch()
            elif applied:
                _record_batch(app, batch, applied, pinned)
    except ConflictError:
        # The batch's save failed on a version: another import's (the register moved on) is
        # a refusal (docs/import.md); an officer's save on one of its records is run again.
        if pinned is None:
            raise
        if register_version(app) != pinned:
            # Said with what to do (tester S, session 19: "another writer changed the same
            # records; nothing of the batch was written", and no word of trying again).
            raise ConflictError(
                "store",
                "another import recorded its batch meanwhile; nothing of the batch was written: "
                "run it again, and what the other recorded is skipped",
            ) from None
        raise _LostRace from None
    return result


def _check_signing(
    app: Ledger, applied: list[_Parsed], importer: str, into_empty: bool = False
) -> None:
    """Refuse a dry run as its save would be refused when it signs (``Sealer.seal``, run by
    the save a dry run never makes): the importer, who records every row (since session 28;
    an export replayed into an empty store: each row's officer), has a signing key in
    force and its private key is not at hand (``--key``, ``LEDGER_KEY``); or a key file is
    given and signs nothing of the batch, whose officers have no key in force. Before
    session 16 a dry run passed both, and the import was then refused."""
    registering = {
        p.stamp.actor if p.spec.name == "initialise" else p.args.get("officer")
        for p in applied
        if p.spec.name in ("initialise", "register_officer")
    }
    recorders = [p.stamp.actor for p in applied] if into_empty else []
    app.sealer.check_signers(
        [*recorders, importer],
        app.stored_officer,
        {str(actor) for actor in registering if actor},
    )


@dataclass
class IncreasingClock:
    """The clock in force (the system's, unless a test or the demo set one), made strictly
    increasing while the import's commands run (their checks of today). The events are
    recorded at one time, the save's (``Ledger.batch(stamped_at_save=True)``), so "as known
    at" sees all of an import's save or none of it."""

    source: clock.Clock = field(default_factory=clock.current)
    last: datetime = field(default_factory=lambda: datetime.min.replace(tzinfo=UTC))

    def __call__(self) -> datetime:
        self.last = max(self.source(), self.last + timedelta(microseconds=1))
        return self.last


#: The ref of a row ``export_commands`` wrote: the event it came from (``household:JN-1@7``,
#: one of the aggregate kinds). Such a row names one recorded event; two of them alike are two
#: events the ledger holds (a visit entered twice), so they are not refused as one row
#: imported twice. (An officer who types refs of this shape gets no such check: the check is
#: there for slips, renumbering and dropped zeros, and nobody types these by mistake; a
#: second row recorded on purpose needs no trick either, only a note.)
_EXPORTED = re.compile(rf"({'|'.join(AGGREGATE_KINDS)}):(.+)@([1-9][0-9]*)")


def _held_already(app: Ledger, found: re.Match[str] | None) -> str | None:
    """Why a row ``export_commands`` wrote (``found``: its ref matched by ``_EXPORTED``) cannot
    be applied here, if the event its ref names is one this ledger already holds (None: it may
    be). Replayed into a new store, every row
    makes its aggregate's next entry, the one its ref names; the ledger it was exported from
    (or a copy) holds that entry, and applying the row again would record it twice (three
    allocations lines of an export re-imported by mistake added 1.2 M yuan to an account)."""
    if found is None or found[3] == "1":
        # A record's first entry is its creation, which its command refuses for a record on
        # file (an identification of a number on record): no store lookup for a record that
        # may not be there, once for every new record of a replay.
        return None
    kind, key, version = found[1], found[2], int(found[3])
    aggregate = app.get_by_id(natural_id(kind, key))
    if aggregate is None or aggregate.version < version:
        return None
    return (
        f"names entry {version} of {kind} {key}, which this ledger holds already (it is at "
        f"entry {aggregate.version}): the row was exported from this ledger or a copy of it, "
        "and importing it again would record it twice. An export is replayed into a new store "
        "(`fupin import FILE --create`)"
    )


@dataclass
class _Seen:
    """The rows of this import so far: where each reference and each mark was first seen."""

    refs: dict[str, str] = field(default_factory=dict)
    marks: dict[str, str] = field(default_factory=dict)
    #: Whether the import began on an empty store: an export replayed whole (``--create``).
    into_empty: bool = False
    #: Replaying an export into an empty store: for each officer's record (kind, key), the
    #: entry each exported row made in the old store (its ref's ``@N``) -> the one it made
    #: here (``_renumbered``). They differ: an officer's key registrations and revocations are
    #: no command, not exported, and numbered entries of the officer's record there.
    versions: dict[tuple[str, str], dict[int, int]] = field(default_factory=dict)
    #: Replaying an export: the latest ``recorded_at`` read so far, and the row that had it.
    recorded: tuple[datetime, str] | None = None
    #: Whether a row was refused for who records it (``RecorderRefusedError``): the batch's
    #: importer is then judged too, as one who may not import at all is refused so first.
    recorder_refused: bool = False
    #: What rows applied did besides (``CommandSpec.call``), each after its row's place.
    said: list[str] = field(default_factory=list)
    #: The entries (record, version) rows of this file made, unsaved, and the row of each:
    #: a refusal advising ``fupin correct`` of one of them says so (``_unwritten_entry``).
    made: dict[tuple[UUID, int], str] = field(default_factory=dict)


def _apply(
    app: Ledger,
    row: Row,
    parsed: _Parsed,
    recorded: tuple[dict[str, str | None], dict[str, str]],
    seen: _Seen,
    importer: str = "",
) -> _Parsed | list[RowError] | None:
    """Apply a row, skip it (None: imported before) or refuse it. ``importer``: the officer
    running the import, who records the row (named in its provenance when that is not the
    row's officer, since session 28).

    A reference names one row for good. Imported before with the same content, the row is
    skipped; with other content, it is refused: the officer numbered rows 1, 2, 3 again in
    another file, or inserted a row and renumbered. Skipping it would lose the new row
    without a word, and applying it could record money twice. A row whose content was
    imported under another reference (``001`` saved as ``1``) is refused for the same
    reason. Batches recorded before rows were marked name references only: those are
    skipped by reference, as they always were."""
    refs, marks = recorded
    ref, mark = parsed.ref, parsed.mark
    column = row.columns.get("ref", "ref")
    if ref in seen.refs:
        return [RowError(row.where, column, f"{ref!r} is also the ref of {seen.refs[ref]}")]
    seen.refs[ref] = row.where
    if ref in refs:
        if refs[ref] in (None, mark) or (parsed.typed_mark and refs[ref] == parsed.typed_mark):
            return None
        rule = (
            f"{ref!r} was imported before for another row: a ref names one row for good. "
            "Give a new row a ref of its own (a file's refs are best prefixed with its "
            "name), and correct a recorded row with the correct command"
        )
        return [RowError(row.where, row.columns.get("ref", "ref"), rule), *parsed.unless_recorded]
    if parsed.unless_recorded:
        return list(parsed.unless_recorded)
    exported = _EXPORTED.fullmatch(ref)
    held = _held_already(app, exported)
    if held is not None:
        return [RowError(row.where, row.columns.get("ref", "ref"), held)]
    twin = None
    if exported is None:
        twin = seen.marks.get(mark)
        earlier = next((m for m in (mark, parsed.typed_mark) if m and m in marks), None)
        if twin is None and earlier is not None:
            twin = f"ref {marks[earlier]!r} of an earlier import"
    if (
        twin is not None
        and row.command == "identify"
        and isinstance(row.values.get("household"), str)
    ):
        # Personal data is never compared: two families given one number by a slip read as
        # one row, and the advice to set it apart led to "already identified" (tester i,
        # session 36): said on the number, which is what the officer mends.
        number = str(row.values["household"]).strip()
        rule = (
            f"{number} is identified by {twin} too, alike in all that is compared "
            f"({_compared(row, parsed)}): a household is identified once, so if this is "
            "another household, give it its own number; if the same, leave this row out"
        )
        return [RowError(row.where, row.columns.get("household", "household"), rule)]
    if twin is not None:
        rule = (
            f"the same row as {twin} in all that is compared ({_compared(row, parsed)}): "
            "importing it again would record it twice. If it is another one, or enters "
            "again an entry voided with fupin correct, say what sets it apart in its note "
            "or document (e.g. 重新录入)"
        )
        return [RowError(row.where, row.columns.get("ref", "ref"), rule)]
    seen.marks[mark] = row.where
    # A row of an export names one recorded event: an allocation or payment like one on record
    # is then one the ledger held twice, replayed as it was (``FundAccount.check_not_alike``).
    app.replaying_export = _replays_flow(app, exported, parsed, seen.into_empty)
    # Judged as entered then only with the time it was entered (re-test P: a row whose
    # recorded_at was deleted passed the rules of today unjudged): without one, by today's.
    app.rebuilding_export = seen.into_empty and exported is not None and row.recorded_at is not None
    if app.rebuilding_export:
        late = _after_its_recording(parsed.stamp.effective, row, seen)
        if late:
            app.replaying_export = app.rebuilding_export = False
            # the recording time's own fault is recorded_at's (re-tester W, session 28: said
            # under effective); an effective date after it, effective's
            field = "recorded_at" if late.startswith("recorded_at ") else "effective"
            return [RowError(row.where, row.columns.get(field, field), late)]
    if parsed.in_clear and not app.rebuilding_export:
        # Personal data in text recorded in clear: spared only for an export's row replayed
        # into the empty store it rebuilds (the old store holds it so; since session 24).
        app.replaying_export = False
        return list(parsed.in_clear)
    args = parsed.args
    # An export's rows replayed into the empty store they rebuild: officers' entries mapped,
    # with or without their recording time (the reviewer: a row without one was applied with
    # the old store's entry number).
    replayed = seen.into_empty and exported is not None
    if (row.imported_by is not None or row.imported_by_role is not None) and not replayed:
        # who records a row is who imports it: a cell does not say it
        app.replaying_export = app.rebuilding_export = False
        field = "imported_by" if row.imported_by is not None else "imported_by_role"
        return [RowError(row.where, field, _IMPORTED_BY_RULE)]
    if replayed:
        unlike = _recorder_unlike(row, parsed.stamp.actor)
        if unlike is not None:
            app.replaying_export = app.rebuilding_export = False
            return [unlike]
    # Who records the row (since session 28): the importer; an export's row replayed into the
    # store it rebuilds, as recorded then (whoever runs the move records the move itself), in
    # the role the export names, which the ledger checks (``Ledger._imported_by``).
    app.importing_by = (row.imported_by or "") if replayed else importer
    app.importing_role = (row.imported_by_role or "") if replayed else ""
    spared = REPLAY_SPARED.set(app.rebuilding_export)
    try:
        if replayed and parsed.spec.name == "correct":
            args = _renumbered(parsed.args, seen.versions)
        if parsed.spec.name != "initialise" and parsed.stamp.actor.strip():
            # The row's actor, registered and active, judged before the command looks up any
            # record it names, as --as is (since session 30, re-tester R: a GHOST row was told
            # "no household 'JH-0004' on record"); initialise names the admin it registers.
            app.active_officer(parsed.stamp.actor)
        before = app.batch_length()
        said = parsed.spec.call(app, parsed.stamp, args)
        seen.made.update(dict.fromkeys(app.batch_made(before), row.where))
        if isinstance(said, str) and said and not replayed:
            # what the command line says after it (a household's exit: since session 30,
            # re-tester R); an export replayed into a new store is history, moved as it was
            seen.said.append(f"{row.where}: {said}")
        if replayed and exported is not None and exported[1] == "officer":
            officer = app.get_by_id(natural_id("officer", exported[2]))
            if officer is not None:
                kept = seen.versions.setdefault(("officer", exported[2]), {})
                kept[int(exported[3])] = officer.version
    except RequiredError as exc:  # each value missing, as the cells parsed one by one say
        return [RowError(row.where, row.columns.get(f, f), exc.rule) for f in exc.fields]
    except LedgerError as exc:
        seen.recorder_refused = seen.recorder_refused or isinstance(exc, RecorderRefusedError)
        # Who records a row is its actor column (the command line's --as is "as").
        field = "actor" if exc.field == "as" else exc.field
        rule = _in_columns(exc.rule, row) + _unwritten_entry(exc.rule, seen.made)
        return [RowError(row.where, _field_said(row, field), rule)]
    finally:
        REPLAY_SPARED.reset(spared)
        app.replaying_export = app.rebuilding_export = False
        app.importing_by = app.importing_role = ""
        app.forget_unsaid_late()
    return parsed


def _field_said(row: Row, field: str) -> str:
    """The column a refusal of a row's command names for ``field``: the row's own, as the file
    heads it; or, for a field the row has no column of (an exit refused for the household's
    income on record), the field said as no column: ``income (not a column of this row)``
    (since session 34, tester c: a 拟退出 sheet's row was refused under an
    ``income`` its sheet does not have, the income being a 收入核查 row's)."""
    if field in row.columns or field in row.values or field in _ROW_FIELDS:
        return row.columns.get(field, field)
    return f"{field} (not a column of this row)"


#: What every row has, given or not: its command and its provenance's columns, and the keys
#: of an export's line (``position``, ``recorded_at``, ``imported_by``, ``imported_by_role``).
_ROW_FIELDS = frozenset(
    {"command", "as", "position", "recorded_at", "imported_by", "imported_by_role"}
    | {arg.name for arg in PROVENANCE}
)

#: A refusal's advice to void an entry: ``fupin correct household JH-0001 9 --reason …``.
_CORRECT_ADVICE = re.compile(r"fupin correct (\w+) (\S+) (\d+)")


def _unwritten_entry(rule: str, made: dict[tuple[UUID, int], str]) -> str:
    """What a refusal advising ``fupin correct`` of an entry an earlier row of the file made
    adds: that entry is never written, so mend the file (docs checker T, session 30: a file's
    closure then an exit step dated before it was told to void entry 9, the file's own
    closure, and "there is no entry 9")."""
    for kind, key, version in _CORRECT_ADVICE.findall(rule):
        where = made.get((natural_id(kind, key), int(version)))
        if where is not None:
            return (
                f" (entry {version} of {key} is the one {where} records: nothing was written, "
                "so there is none to void; mend the file: put its rows in the order they "
                "happened, or leave that row out)"
            )
    return ""


_IMPORTED_BY_RULE = (
    "is written by fupin export events, for an entry an admin recorded for its officer, and "
    "read only when the export is replayed into a new store (import --create); who records "
    "an imported row is who imports it (--as)"
)


def _recorder_unlike(row: Row, actor: str) -> RowError | None:
    """Why an export's row may not name its recorder as it does (None: it may): the export
    writes ``imported_by`` and ``imported_by_role`` both, for an entry whose recorder was not
    its actor, or neither (re-tester P, session 28: a role was read again, and a recorder
    naming the actor dropped, where fupin verify fails both in the ledger exported)."""
    if (row.imported_by is None) != (row.imported_by_role is None):
        given, missing = (
            ("imported_by", "imported_by_role")
            if row.imported_by is not None
            else ("imported_by_role", "imported_by")
        )
        return RowError(
            row.where,
            missing,
            f"missing: fupin export events writes {given} with {missing}, or neither",
        )
    if row.imported_by == actor:
        return RowError(
            row.where,
            "imported_by",
            f"names {actor}, the row's actor: fupin export events names a recorder only for "
            "an entry its actor did not record",
        )
    return None


def _after_its_recording(effective: date, row: Row, seen: _Seen) -> str:
    """Why an export's row replayed into the empty store it rebuilds may not be (""
    if it may): it takes effect after the day it was recorded (in China). Such a row is judged
    as it was entered then, by the rules of that day, and then no entry took effect after
    the day it was entered (``-e`` is never after today): an export edited by hand (re-test
    M, session 23: a 2018 visit redated 2025 was replayed, and moved every report's today).
    Its ``recorded_at`` is a time with its offset, as the export writes it, and no earlier
    than the rows' before it by more than the clocks' tolerance: an export is written in
    recording order (re-test P: a row given a later one passed). A row without one is judged
    by today's rules, as any row (``_apply``)."""
    recorded_at = row.recorded_at
    if recorded_at is None:  # judged by today's rules instead (``_apply``)
        return ""
    try:
        moment = datetime.fromisoformat(recorded_at)
    except (ValueError, TypeError):
        moment = None
    if moment is None or moment.tzinfo is None:
        return f"recorded_at {recorded_at!r} is not a time as fupin export events writes one"
    before = seen.recorded
    if before is not None and moment < before[0] - CLOCK_TOLERANCE:
        return (
            f"recorded_at {recorded_at} is before {before[1]}'s ({before[0].isoformat()}) by "
            f"more than the {CLOCK_TOLERANCE.seconds // 60} minutes officers' clocks may "
            "differ: an export is written in recording order, so the export was altered; "
            "export it again from its store"
        )
    if before is None or moment > before[0]:
        seen.recorded = (moment, row.where)
    day = moment.astimezone(CHINA).date()
    if effective <= day:
        return ""
    return (
        f"{effective} is after the day this row was recorded ({day}, recorded_at "
        f"{recorded_at}): an entry never takes effect after the day it is entered, so the "
        "export was altered; export it again from its store"
    )


def _renumbered(
    args: dict[str, Any], versions: dict[tuple[str, str], dict[int, int]]
) -> dict[str, Any]:
    """A ``correct`` row of an export replayed into an empty store, naming the entry of the
    new store that the entry it names in the old one became (since session 23). An officer's
    record held there its key registrations and revocations, which no command makes and the
    export leaves out (the move registers the keys in force again, after the rows): each of its
    later entries is numbered lower here, and ``correct officer ID N`` named a wrong entry or
    none (the migration tester, session 23). Other records' entries are numbered alike in both
    stores (every entry of theirs is a row, or made by one), and their rows are not changed."""
    kind, key, version = args.get("kind"), args.get("key"), args.get("version")
    found = versions.get((str(kind), str(key)))
    if found is None or not isinstance(version, int):
        return args
    if version not in found:
        raise RuleError(
            "version",
            f"names entry {version} of {kind} {key} in the store the export came from, which "
            "is no entry of the export (a key registration or revocation, which no command "
            "makes): a correction of it was never recorded there; the export was altered",
        )
    return {**args, "version": found[version]}


def _replays_flow(
    app: Ledger, found: re.Match[str] | None, parsed: _Parsed, into_empty: bool = False
) -> bool:
    """Whether the row is an export's allocation or payment (or a household's visit), replayed: its
    ref (``found``) names the account the row pays into or out of, at the entry the row makes
    there (the account is at the one before). Only then may it be like one on record (a ledger
    may hold two alike). A row that only borrowed an export's ref form (``fund:nosuch@1``, or
    another record the payment touches: ``household:H@N``) was spared the check of money
    recorded twice (tester D and the reviewer, session 16); an account's entries are all
    exported, so a genuine row's ref always names the next one."""
    if found is not None and found[1] == "household" and parsed.spec.name == "record_visit":
        # A visit like one in force (``Household.check_visit_not_alike``), replayed at the
        # household's next entry, as an account's flows are (since session 21).
        number = parsed.args.get("household")
        if not isinstance(number, str) or found[2] != number:
            return False
        household = app.get_by_id(natural_id("household", number))
        return household is not None and household.version == int(found[3]) - 1
    if found is not None and found[1] == "inspection" and parsed.spec.name in _INSPECTION_ROWS:
        # A rectification report entered after its finding's deadline, dated by it, says why
        # (``Inspection.report_rectification``): judged when entered, not when an export
        # replays it at the inspection's next entry (since session 22), into the empty store
        # it rebuilds (``import --create``): a row of an existing ledger's import that
        # borrows the export's ref form is entered now (tester E, session 22). So is a talk
        # 约谈 dated in its year's closing month, taken before session 24
        # (``Inspection.hold_talk``).
        if not into_empty:
            return False
        code = parsed.args.get("inspection")
        if not isinstance(code, str) or found[2] != code:
            return False
        inspection = app.get_by_id(natural_id("inspection", code))
        return inspection is not None and inspection.version == int(found[3]) - 1
    if found is None or found[1] != "fund" or parsed.spec.name not in _FLOWS:
        return False
    account = parsed.args.get("account")
    if not isinstance(account, str) or found[2] != account:
        return False
    if parsed.spec.name == "open_account":
        # An opening a ledger holds with a donor on another kind of account (refused since
        # session 18, recorded for good before) replays as recorded (the reviewer), and so
        # does one dated after the end of the year after its account's (since session 22).
        return found[3] == "1"
    held = app.get_by_id(natural_id("fund", account))
    return held is not None and held.version == int(found[3]) - 1


#: The commands whose rows an export replays as recorded: ``FundAccount.check_not_alike``
#: spares an allocation or payment, ``FundAccount.check_opening`` an opening's donor (and
#: ``Household.check_visit_not_alike`` a visit, above).
_FLOWS = frozenset({"receive_allocation", "disburse", "open_account"})
#: The commands of an inspection replayed from an export as recorded: a rectification report
#: and a talk 约谈.
_INSPECTION_ROWS = frozenset({"report_rectification", "hold_talk"})


def _record_batch(app: Ledger, stamp: Stamp, rows: list[_Parsed], version: int) -> None:
    """Record the batch's refs in the register at ``version`` (``register_at``), attributed to
    the importing officer. Its effective date is the latest of its rows' (the batch adds no
    later fact); its recording time is now."""
    prov = app.authorise(stamp, "import_batch")
    digest = stamp.note.removeprefix("sha256 ")

    def attempt() -> list[LedgerAggregate]:
        register = register_at(app, version) or ImportLedger(prov=prov)
        refs = tuple(row.ref for row in rows)
        register.record_batch(digest, stamp.document, refs, tuple(r.mark for r in rows), prov)
        return [register]

    app.execute(attempt)


def plain_cell(value: Any) -> Any:
    """A cell value for export: dates as ISO text, everything else as is."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# -- export: the log as command lines that re-import to the same history ---------------------

#: Events recorded with another event of the same command (the household's side of a
#: disbursement) or by the ledger itself (imports, seals, keys): not exported as commands.
_SILENT = frozenset(
    {
        "FundsReceived",
        "ReceiptVoided",
        # An enterprise's side of its registration and pairings (register_helper, pair, unpair).
        "PairingsOpened",
        "PairingTaken",
        "PairingRetaken",
        "PairingReleased",
        "ImportsStarted",
        "BatchImported",
        "RebuiltFromExport",
    }
)


def export_commands(app: Ledger, reader: Reader | None = None) -> Iterable[dict[str, Any]]:
    """Every officer's command, with households' personal data in clear (the new store encrypts
    it under its own keys; an erased household's reads ``[erased]``), so only a ``reader`` who
    sees every household unmasked may export (docs/privacy.md)."""
    if reader is not None and not reader.sees_all:
        raise PermissionRefusedError(
            "as",
            f"{reader.actor or 'an anonymous reader'} ({reader.role}) may not export: the export "
            "carries personal data in clear (an admin, or a district inspector or officer: one "
            "of no street)",
        )
    # Without it every household would export as [sealed]: a file no store re-imports.
    master = app.household_keys.require_master("the export carries personal data in clear")
    _refuse_unreadable(app, master)
    return _export_commands(app)


#: How many unreadable households an export's refusal names (the rest are counted).
_NAMED = 5


def _refuse_unreadable(app: Ledger, master: bytes) -> None:
    """Refuse the export, before a byte is written, if any household's personal data cannot
    be read (its key fails authentication or has no key row). An export is a full copy to
    re-import: written without that household's personal data (or with it as stored, sealed
    under a key the new store does not have) it would lose it without a word. One pass over
    the key table and one scan of the events by topic (``check_live_keys``, as `fupin keys
    check`), memory flat; the households are named by number (docs/cli.md)."""
    found: list[str] = []
    count = 0

    def problem(household: str, what: str) -> None:
        nonlocal count
        count += 1
        if len(found) < _NAMED:
            found.append(household)

    recorder: Any = app.recorder
    check_live_keys(recorder.datastore, master, problem, recorder.events_table_name)
    if not count:
        return
    named = ", ".join(household_number(app.recorder, h) or h for h in found)
    more = f" and {count - len(found)} more" if count > len(found) else ""
    raise RuleError(
        "household_keys",
        f"the personal data of {count} household(s) cannot be read ({named}{more}): their key "
        "fails authentication or has no key row, and an export would lose it; nothing was "
        "written. `fupin keys check` lists them; restore each key row from a backup, then "
        "export (docs/privacy.md)",
    )


def _export_commands(app: Ledger) -> Iterable[dict[str, Any]]:
    """Every officer's command, rebuilt from the stored events in recording order, with its
    provenance (actor, role, effective date, document, note) and original recording time.

    Re-importing the lines into an empty store replays the same commands in the same order, so
    aggregates get the same versions (corrections name versions) and reports are identical;
    only the recording times are new. Events that no officer command produces (signing keys,
    seals, import records) are skipped and counted in the last line, which carries the keys
    (``ledger.carried``).
    """
    keys: dict[UUID, tuple[str, str]] = {}
    skipped: dict[str, int] = {}
    rows = last = 0
    trail = KeyTrail()
    # One view of the ledger (since session 32, tester e: an export racing `fupin erase` read
    # the household's key before its erasure and the erasure after it, and wrote the erased
    # data in clear beside the erasure it counted): the events up to the log's end as it is
    # now, and the household keys read at once just after, never again.
    end = app.recorder.max_notification_id() or 0
    app.household_keys.read_as_of_now()
    erased_in_view: set[UUID] = set()
    for position, stored in _events(app, end):
        name = type(stored).__qualname__.rsplit(".", 1)[-1]
        fields = vars(stored)
        if name == "PersonalDataErased":
            erased_in_view.add(stored.originator_id)
        _remember_key(keys, stored.originator_id, name, fields)
        kind, holder = keys.get(stored.originator_id, ("", ""))
        trail.observe(name, holder if kind == "officer" else None, fields)
        line = _command_line(name, fields, keys.get(stored.originator_id), position)
        if line is None:
            skipped[name] = skipped.get(name, 0) + 1
            continue
        prov: Provenance = fields["prov"]
        command, args = line
        rows, last = rows + 1, position
        yield {
            "command": command,
            "ref": f"{_ref(keys, stored.originator_id)}@{stored.originator_version}",
            "actor": prov.actor,
            "effective": prov.effective.isoformat(),
            "document": prov.document,
            "note": prov.note,
            "args": {k: plain_cell(v) for k, v in args.items()},
            "role": prov.role,
            "recorded_at": stored.timestamp.isoformat(),
            "position": position,
            # who recorded it, when not its actor (since session 28): replayed as recorded
            **(
                {"imported_by": prov.imported_by, "imported_by_role": prov.imported_by_role}
                if prov.imported_by
                else {}
            ),
        }
    _refuse_erased_meanwhile(app, keys, erased_in_view)
    # Always written, last (since session 23): what an import of the file into a new store
    # checks to know it has the whole export, not one cut at a line (``check_whole_export``),
    # and the keys, which a new store registers again (``ledger.carried``).
    yield {
        "skipped": dict(sorted(skipped.items())),
        "rows": rows,
        "last_position": last,
        "keys": trail.keys.to_json(),
    }


def _refuse_erased_meanwhile(
    app: Ledger, exported: dict[UUID, tuple[str, str]], erased_in_view: set[UUID]
) -> None:
    """Refuse the export, before its closing line (a file written with ``-o`` is then not
    written at all; standard output is left without the line every import of an export
    asks for), if a household it wrote in clear has an erasure on record now: one recorded
    while the export ran, or one recorded before whose key was still readable when the export
    read the keys (an erasure unfinished, or finishing meanwhile). Erasures are few: one scan
    of the events by topic (``erased_households``), each household's key as the export read
    it (``HouseholdKeys.read_as_of_now``); nothing is decoded."""
    household_keys = app.household_keys
    found = [
        UUID(hid)
        for hid in sorted(erased_households(app.recorder))
        if UUID(hid) in exported and household_keys.key(UUID(hid))  # written in clear
    ]
    if not found:
        return
    meanwhile = [exported[h][1] for h in found if h not in erased_in_view]
    unfinished = [exported[h][1] for h in found if h in erased_in_view]
    said = []
    if meanwhile:
        said.append(f"{_named(meanwhile, 'was', 'were')} erased while the export ran")
    if unfinished:
        erasure, its = (
            ("erasure", "its key was") if len(unfinished) == 1 else ("erasures", "their keys were")
        )
        said.append(
            f"the {erasure} of {_named(unfinished, 'is', 'are')} recorded, but {its} not "
            "destroyed yet when the export read the keys: finish it first, unless it is "
            f"finishing now (`fupin erase {unfinished[0]} --reason … -d …` again: it records "
            "nothing new)"
        )
    raise RuleError(
        "household",
        f"{'; '.join(said)}: run the export again (this one would carry the erased personal "
        "data in clear, so it stops here, with no closing line, which no import takes; a file "
        "given with -o is not written)",
    )


def _named(numbers: list[str], one: str, many: str) -> str:
    """``household JN-000001 was``, ``households JN-000001, WH-000002 were`` (the first
    ``_NAMED``, the rest counted)."""
    shown = ", ".join(sorted(numbers)[:_NAMED])
    more = f" and {len(numbers) - _NAMED} more" if len(numbers) > _NAMED else ""
    if len(numbers) == 1:
        return f"household {shown} {one}"
    return f"households {shown}{more} {many}"


#: How many events an export reads at a time.
_PAGE = 1000


def _events(app: Ledger, end: int) -> Iterable[tuple[int, Any]]:
    """The stored events up to position ``end``, decoded, in the log's order."""
    start: int | None = None
    while True:
        page = notification_page(app.recorder, start, _PAGE, end)
        if not page:
            return
        for notification in page:
            yield notification.id, app.mapper.to_domain_event(notification)
        start = page[-1].id


_CREATED = {
    "Opened": ("programme", "code"),
    "StreetRegistered": ("street", "name"),
    "OfficerRegistered": ("officer", "officer_id"),
    "HelperRegistered": ("helper", "helper_id"),
    "Identified": ("household", "number"),
    "AccountOpened": ("fund", "code"),
    "InspectionOpened": ("inspection", "code"),
}


def _remember_key(
    keys: dict[UUID, tuple[str, str]], originator: UUID, name: str, fields: dict[str, Any]
) -> None:
    if name in _CREATED:
        kind, attribute = _CREATED[name]
        keys[originator] = (kind, str(fields[attribute]))


def _ref(keys: dict[UUID, tuple[str, str]], originator: UUID) -> str:
    kind, key = keys.get(originator, ("aggregate", str(originator)))
    return f"{kind}:{key}"


def _command_line(
    name: str, f: dict[str, Any], key: tuple[str, str] | None, position: int
) -> tuple[str, dict[str, Any]] | None:
    """The command and arguments that produced event ``name`` with fields ``f``."""
    if name in _SILENT or key is None:
        return None
    kind, natural = key
    builder = _BUILDERS.get((kind, name))
    if builder is None:
        return None
    if name == "OfficerRegistered" and position == 1:
        return "initialise", {"name": f["name"]}
    return builder(natural, f)


def _personal(f: dict[str, Any]) -> dict[str, Any]:
    # None: an erased household's count of members recorded alone (since session 24): written
    # with its personal fields null, as a change_members row records the count alone (before,
    # ``[erased]``, which no import takes).
    if f["personal"] is None:
        return {field.name: None for field in fields(Personal)}
    # once erased, one "[erased]" for each member the row counts, never [] ("none recorded")
    # nor one for them all (since session 29, tester J)
    p = names_shown(f["personal"], f["members"])
    names = list(p.member_names)
    return {
        "head_name": p.head_name,
        "id_card": p.id_card,
        "phone": p.phone,
        "address": p.address,
        "member_names": names,
    }


Builder = Callable[[str, dict[str, Any]], tuple[str, dict[str, Any]]]


def _rules(f: dict[str, Any]) -> dict[str, Any]:
    values = asdict(f["rules"])
    values["reduction_shares"] = ":".join(str(s) for s in values["reduction_shares"])
    return {"title": f["title"], **values}


def _rules_amended(f: dict[str, Any]) -> dict[str, Any]:
    """The rules an amendment restated (since session 22), as ``amend_rules`` takes them."""
    now, was = asdict(f["rules"]), asdict(f["was"])
    values = {name: value for name, value in now.items() if value != was[name]}
    if "reduction_shares" in values:
        values["reduction_shares"] = ":".join(str(s) for s in values["reduction_shares"])
    return {**values, "reason": f["reason"]}


def _payment(f: dict[str, Any]) -> dict[str, Any]:
    p = f["payment"]
    return {
        "amount": format_yuan(p.amount_fen),
        "category": p.category,
        "purpose": p.purpose,
        "household": p.household,
        "measure": p.measure_id,
        "street": p.street,
        "village": p.village,
    }


def _return_advanced(k: str, f: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A return step. Only the recognition names the disaster and the department; a later
    step recorded before they were refused there (2026-11-29) may carry them, unchecked: they
    are left out of its row, which the import would refuse (``advance_return``)."""
    named = f["step"] == "recognised"
    return "advance_return", {
        "household": k,
        "step": f["step"],
        "disaster": f["disaster"] if named else "",
        "authority": f["authority"] if named else "",
    }


_BUILDERS: dict[tuple[str, str], Builder] = {
    ("programme", "Opened"): lambda k, f: ("open_programme", _rules(f)),
    ("programme", "YearParametersSet"): lambda k, f: (
        "set_year",
        {
            "year": f["params"].year,
            "urban_dibao": format_yuan(f["params"].urban_dibao_standard_fen),
            "rural_income": format_yuan(f["params"].rural_income_fen),
        },
    ),
    ("programme", "RulesAmended"): lambda k, f: ("amend_rules", _rules_amended(f)),
    ("street", "StreetRegistered"): lambda k, f: ("register_street", {"street": k}),
    ("street", "VillageAdded"): lambda k, f: (
        "add_village",
        {"street": k, "village": f["name"], "relatively_poor": f["relatively_poor"]},
    ),
    ("street", "VillageAmended"): lambda k, f: (
        "amend_village",
        {
            "street": k,
            "village": f["name"],
            "relatively_poor": f["relatively_poor"],
            "reason": f["reason"],
        },
    ),
    ("officer", "OfficerRegistered"): lambda k, f: (
        "register_officer",
        {
            "officer": k,
            "name": f["name"],
            "role": f["role"],
            "street": f["street"],
            "unit": f["unit"],
        },
    ),
    ("officer", "OfficerRoleChanged"): lambda k, f: (
        "change_officer",
        {"officer": k, "role": f["role"], "street": f["street"]},
    ),
    ("officer", "OfficerRetired"): lambda k, f: (
        "retire_officer",
        {"officer": k, "reason": f["reason"]},
    ),
    ("helper", "HelperRegistered"): lambda k, f: (
        "register_helper",
        {
            "helper": k,
            "kind": f["kind"],
            "name": f["name"],
            "unit": f["unit"],
            "rank": f["rank"],
            "team_size": f["team_size"],
        },
    ),
    ("helper", "WorkerEmployed"): lambda k, f: (
        "employ_worker",
        {"enterprise": k, "household": f["household"], "since": f["since"]},
    ),
    ("helper", "EmploymentEnded"): lambda k, f: (
        "end_employment",
        {"enterprise": k, "household": f["household"]},
    ),
    ("household", "Identified"): lambda k, f: (
        "identify",
        {
            "household": k,
            "street": f["street"],
            "village": f["village"],
            "area": f["area"],
            "members": f["members"],
            "labour": f["labour"],
            "willing": f["willing"],
            "disabled": f["disabled"],
            "dibao": f["dibao"],
            **_personal(f),
        },
    ),
    ("household", "MembersChanged"): lambda k, f: (
        "change_members",
        {"household": k, "members": f["members"], **_personal(f)},
    ),
    ("household", "Closed"): lambda k, f: (
        "close",
        {"household": k, "because": f["because"], "into": f["into"], "reason": f["reason"]},
    ),
    ("household", "Moved"): lambda k, f: (
        "move",
        {"household": k, "village": f["village"], "reason": f["reason"]},
    ),
    ("household", "Reviewed"): lambda k, f: ("review", {"household": k, "accepted": f["accepted"]}),
    ("household", "NoticePosted"): lambda k, f: (
        "post_notice",
        {"household": k, "start": f["start"], "end": f["end"]},
    ),
    ("household", "ObjectionRaised"): lambda k, f: (
        "raise_objection",
        {"household": k, "objection": f["objection_id"], "summary": f["summary"]},
    ),
    ("household", "ObjectionResolved"): lambda k, f: (
        "resolve_objection",
        {"household": k, "objection": f["objection_id"], "upheld": f["upheld"]},
    ),
    ("household", "Signed"): lambda k, f: ("sign", {"household": k}),
    ("household", "Registered"): lambda k, f: (
        "register",
        {"household": k, "key_target": f["key_target"]},
    ),
    ("household", "HelperPaired"): lambda k, f: ("pair", {"household": k, "helper": f["helper"]}),
    ("household", "HelperUnpaired"): lambda k, f: (
        "unpair",
        {
            "household": k,
            "helper": f["helper"],
            "reason": f["reason"],
            "replacement": f["replacement"],
        },
    ),
    ("household", "AgreementSigned"): lambda k, f: ("sign_agreement", {"household": k}),
    ("household", "VisitRecorded"): lambda k, f: (
        "record_visit",
        {"household": k, "helper": f["helper"], "summary": f["summary"]},
    ),
    ("household", "MeasurePlanned"): lambda k, f: (
        "plan_measure",
        {
            "household": k,
            "measure": f["measure"].measure_id,
            "category": f["measure"].category,
            "description": f["measure"].description,
            "budget": format_yuan(f["measure"].budget_fen),
        },
    ),
    ("household", "MeasureCompleted"): lambda k, f: (
        "complete_measure",
        {"household": k, "measure": f["measure_id"], "outcome": f["outcome"]},
    ),
    ("household", "IncomeAssessed"): lambda k, f: (
        "assess_income",
        {"household": k, "year": f["year"], "income": format_yuan(f["income_fen"])},
    ),
    ("household", "ExitProposed"): lambda k, f: (
        "propose_exit",
        {"household": k, "year": f["year"]},
    ),
    ("household", "ExitNoticed"): lambda k, f: (
        "post_exit_notice",
        {"household": k, "start": f["start"], "end": f["end"]},
    ),
    ("household", "ExitAdvanced"): lambda k, f: (
        "verify_exit" if f["step"] == "verified" else "approve_exit",
        {"household": k},
    ),
    ("household", "ExitWithdrawn"): lambda k, f: (
        "withdraw_exit",
        {"household": k, "reason": f["reason"]},
    ),
    ("household", "ReturnAdvanced"): _return_advanced,
    ("household", "ReturnWithdrawn"): lambda k, f: (
        "withdraw_return",
        {"household": k, "reason": f["reason"]},
    ),
    ("fund", "AccountOpened"): lambda k, f: (
        "open_account",
        {
            "account": k,
            "source": f["source"],
            "year": f["year"],
            "street": f["street"],
            "donor": f["donor"],
        },
    ),
    ("fund", "AllocationReceived"): lambda k, f: (
        "receive_allocation",
        {"account": k, "amount": format_yuan(f["amount_fen"])},
    ),
    ("fund", "Disbursed"): lambda k, f: ("disburse", {"account": k, **_payment(f)}),
    ("inspection", "InspectionOpened"): lambda k, f: (
        "open_inspection",
        {
            "inspection": k,
            "level": f["level"],
            "year": f["year"],
            "street": f["street"],
            "scope": f["scope"],
        },
    ),
    ("inspection", "FindingRecorded"): lambda k, f: (
        "record_finding",
        {
            "inspection": k,
            "finding": f["finding_id"],
            "subject_kind": f["subject_kind"],
            "subject": f["subject"],
            "description": f["description"],
            "deadline": f["deadline"],
        },
    ),
    ("inspection", "RectificationReported"): lambda k, f: (
        "report_rectification",
        {"inspection": k, "finding": f["finding_id"], "summary": f["summary"]},
    ),
    ("inspection", "FindingClosed"): lambda k, f: (
        "close_finding",
        {"inspection": k, "finding": f["finding_id"]},
    ),
    ("inspection", "CriticismNoticed"): lambda k, f: (
        "notice_criticism",
        {"inspection": k, "unit": f["unit"], "reason": f["reason"]},
    ),
    ("inspection", "LeadershipTalkHeld"): lambda k, f: (
        "hold_talk",
        {"inspection": k, "street": f["street"], "year": f["year"], "reason": f["reason"]},
    ),
}

for _kind in ("household", "helper", "officer", "inspection", "fund"):
    _BUILDERS[(_kind, "Amended")] = lambda k, f, kind=_kind: (  # type: ignore[misc]
        "amend",
        {"kind": kind, "key": k, **f["changes"], "reason": f["reason"]},
    )

for _kind in ("programme", "street", "officer", "helper", "household", "fund", "inspection"):
    _BUILDERS[(_kind, "Corrected")] = lambda k, f, kind=_kind: (  # type: ignore[misc]
        "correct",
        {"kind": kind, "key": k, "version": f["corrects"], "reason": f["reason"]},
    )
