"""What every command shares: the store and actor options, the stamp of an event, parsing
typed text into domain values, rendering answers, and turning refusals into one clear line.

The CLI is a thin adapter: it parses strings, calls one application method, renders the answer.
No rule of the programme lives here.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import wraps
from typing import Annotated, Any, ParamSpec, TypeVar

import orjson
import typer
from eventsourcing.persistence import InterfaceError, OperationalError, PersistenceError
from ledger import clock
from ledger.application import Ledger, StoreError, not_a_ledger, open_ledger
from ledger.core import Stamp, discard_saves
from ledger.errors import InputError, LedgerError
from ledger.newstore import publish, staged
from ledger.pgwaiting import SESSION_NAME
from ledger.store import (
    DEFAULT_STORE,
    SQLITE_FULL,
    SQLITE_IOERR,
    StoreLocation,
    disk_full,
    held_lock,
    lost_server,
    parse_store,
    pool_exhausted,
    server_gone_message,
    server_short,
)
from ledger.values import ReadNow, parse_date, parse_yuan, today
from ledger.waiting import probe_sessions
from ledger.written import SAVES_BEGUN
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from typer._click.globals import get_current_context

from cli.outputs import check_new_store, is_folder
from cli.screen import screen_widths
from cli.settings import Settings, settings

__all__ = [
    "MAX_TABLE_CELLS",
    "ActorOption",
    "DocumentOption",
    "EffectiveOption",
    "EffectiveTodayOption",
    "KnownAtOption",
    "NoteOption",
    "Settings",
    "check_tables",
    "console",
    "describe_changes",
    "emit_json",
    "err_console",
    "ledger_session",
    "make_stamp",
    "money",
    "on_date",
    "refusals",
    "render_rows",
    "settings",
    "table_cells",
    "too_large_for_table",
]

# Text officers typed is shown as typed: rich would read "[...]" in it as markup (a document
# named "[/doc]" crashed a table; "[red]x[/red]" lost its brackets) and ":name:" as an emoji.
# Style goes through rich.text.Text, never through markup in a string.
console = Console(markup=False, emoji=False)
err_console = Console(stderr=True, markup=False, emoji=False)


class _Notes(logging.Handler):
    """The ``projections`` and ``ledger`` layers' warnings (read models read as they are, a
    save waiting for a lock...): one line each, as a note on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        err_console.print(f"note: {record.getMessage()}", markup=False, soft_wrap=True)


# The ledger's own notes: a save waiting for another writer's lock (``ledger.core``).
for _layer in ("projections", "ledger"):
    _notes = logging.getLogger(_layer)
    _notes.addHandler(_Notes(logging.WARNING))
    _notes.propagate = False
#: Wide enough for any table's natural width.
_UNBOUNDED = 100_000

P = ParamSpec("P")
R = TypeVar("R")

#: Exit code of a refused command (bad input, broken rule, no permission, store error).
REFUSED = 2


DocumentOption = Annotated[
    str,
    typer.Option(
        "--document", "-d", help="Source document 文件 the event rests on (number or reference)."
    ),
]
EffectiveOption = Annotated[
    str | None,
    typer.Option(
        "--effective",
        "-e",
        # Tester X, session 20: the help said "today" where a step of the programme, after
        # it, is refused without -e.
        help="Date it took effect 生效日期 "
        "(YYYY-MM-DD or YYYY年M月D日); default: today in China, while the "
        "programme runs (after it, a step of the programme needs -e).",
    ),
]
#: ``-e`` of a command that is no step of the programme (``ledger.authority.PROGRAMME_STEPS``):
#: a correction, an amendment, an erasure, reference data, keys. It defaults to today after
#: the programme too (docs/cli.md, ``-e``): since session 26 (tester Y, L1: ``correct --help``
#: said "after it, a step of the programme needs -e", and a correction without -e was dated
#: today, as the rule wants).
EffectiveTodayOption = Annotated[
    str | None,
    typer.Option(
        "--effective",
        "-e",
        help="Date it took effect 生效日期 "
        "(YYYY-MM-DD or YYYY年M月D日); default: today in China, after the "
        "programme too (no step of the programme: dated the day it is recorded).",
    ),
]
#: ``--known-at``, as every command taking it has it (the reports, ``household show``,
#: ``report html``, ``export report``, ``officer list``; ``history`` and ``notice`` since
#: session 25), read by ``known_at_moment`` (``cli.reports.times``).
KnownAtOption = Annotated[
    str | None,
    typer.Option(
        "--known-at",
        help="Only what was recorded by this time (ISO 8601; a date, YYYY-MM-DD or YYYY年M月D日, "
        "is its end in China).",
    ),
]
NoteOption = Annotated[
    str,
    typer.Option(
        "--note",
        help=(
            "Optional note 备注; a reason for corrections. A step of the programme dated "
            "more than two years after its last year (after 2020 for 2016-2018, 2021 for "
            "2016-2019) says why here, naming its year (2025年…)."
        ),
    ),
]
ActorOption = Annotated[
    str | None,
    typer.Option(
        "--as", help="Officer id recording this; default: LEDGER_ACTOR.", show_default=False
    ),
]


def make_stamp(document: str, effective: str | None, note: str = "") -> Stamp:
    """The event's stamp: actor from ``--as`` / ``LEDGER_ACTOR``, effective date, document."""
    actor = settings.actor or os.environ.get("LEDGER_ACTOR", "")
    # Given but empty (-e "$DAY" with DAY unset) is a mistake, not "today".
    day = today() if effective is None else parse_date(effective, "effective")
    return Stamp(
        actor=actor, effective=day, document=document, note=note, dated=effective is not None
    )


def describe_changes(restated: dict[str, tuple[Any, Any]]) -> str:
    """``labour yes → no, name 王 → 黄``: what an amendment restated, old and new, as recorded."""

    def shown(value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value) if value != "" else "(none)"  # a unit or scope left out

    return ", ".join(
        f"{field} {shown(was)} → {shown(now)}" for field, (was, now) in restated.items()
    )


def money(text: str, field: str, negative: str = "") -> int:
    """Yuan typed by an officer (``1234.56``) into fen; ``negative`` as ``parse_yuan`` takes
    it."""
    return parse_yuan(text, field, negative)


def on_date(text: str, field: str) -> date:
    return parse_date(text, field)


def name_sessions() -> None:
    """Name the PostgreSQL sessions this command opens ``fupin <command>`` (the pool's and
    the read models'): another command's waiting note names them (since session 28; before,
    the read models' were ``fupin``, the ledger's unnamed)."""
    context = get_current_context(silent=True)
    names: list[str] = []
    while context is not None and context.parent is not None:
        names.append(context.info_name or "")
        context = context.parent
    SESSION_NAME[0] = " ".join(["fupin", *reversed(names)])[:63]


def watch_sessions(location: StoreLocation) -> None:
    """Have every lasting lock wait of this command's sessions on PostgreSQL said once,
    naming what holds the lock (``projections.pg_waits``, since session 28), until
    ``ledger_session`` ends."""
    from projections.pg_waits import SessionProbe  # psycopg: PostgreSQL's alone

    wait = location.env["POSTGRES_LOCK_TIMEOUT"]
    probe_sessions(SessionProbe(location.env), location.display, wait)


@contextmanager
def ledger_session(
    create: bool = False, keep: Callable[[], bool] = lambda: True
) -> Iterator[Ledger]:
    """Open the ledger for one command and always close it (``_ledger_session``); its
    sessions' lock waits are no longer watched once it ends, opened or refused."""
    try:
        with _ledger_session(create, keep) as app:
            if not create:  # a new store has no officers yet (init names its admin)
                _judge_recorder(app)
            yield app
    finally:
        probe_sessions(None, "", "")


def _judge_recorder(app: Ledger) -> None:
    """A recording command's actor (``--as`` / ``LEDGER_ACTOR``) is judged registered and
    active as the ledger opens, before the command looks up any record it names, as every
    reader's is (since session 29, helper a: ``--as GHOST household sign JH-0004`` said
    whether JH-0004 is on record). A command records when it takes the document ``-d`` its
    entry rests on (``DocumentOption``); an import judges each row's actor itself."""
    actor = settings.actor or os.environ.get("LEDGER_ACTOR", "")
    context = get_current_context(silent=True)
    if not actor.strip() or context is None:
        return
    if any(p.name == "document" and "-d" in p.opts for p in context.command.params):
        app.active_officer(actor)


@contextmanager
def _ledger_session(create: bool, keep: Callable[[], bool]) -> Iterator[Ledger]:
    """Open the ledger for one command and always close it.

    ``create``: a SQLite store that does not exist is made beside its path and takes its name
    only if the command ends without an error and ``keep()`` (``ledger.newstore``): a refused
    or tried command leaves no store behind. A PostgreSQL database without a ledger gets its
    tables dropped again in those cases (``projections.pg.undone_unless_kept``)."""
    extra = {"LEDGER_KEY": settings.key} if settings.key else None
    location = parse_store(settings.store)  # a path the system cannot look up is refused
    if location.kind == "postgres":
        name_sessions()
        watch_sessions(location)  # the ledger's opening may wait too (its first read)
    if create:
        check_new_store(location)
    if create and location.path is not None and not os.path.lexists(location.path):
        if not is_folder(location.path.parent):
            raise StoreError("store", f"folder {location.path.parent} does not exist")
        with staged(location.path) as temp:
            kept = False
            try:
                app = open_ledger(str(temp), create=True, extra_env=extra)
                try:
                    yield app
                finally:
                    app.close()
                if keep():
                    publish(temp, location.path)
                    kept = True
            finally:
                if not kept:  # the new store is removed: what was saved in it stands nowhere
                    discard_saves()
        return
    # A PostgreSQL store: fail in milliseconds with the server's reason, not after a timeout.
    if location.kind == "postgres":
        # psycopg is loaded for PostgreSQL stores only
        from projections.pg import preflight, undone_unless_kept

        if not preflight(settings.store, create=create) and create:
            # A new ledger: what the command made is dropped unless it ends well and keep()
            # (a dry run, or a refused row, leaves the database as it found it).
            with undone_unless_kept(settings.store, keep) as made:
                app = open_ledger(settings.store, create=create, extra_env=extra)
                made.opened = True
                try:
                    yield app
                finally:
                    app.close()
            return
    elif not create and location.path is not None:
        # Looked at read-only first: opening it as a ledger would already switch another
        # SQLite database to WAL journaling.
        from projections.storage import holds_events

        if holds_events(location.path) is False:
            raise not_a_ledger(location.display)
    app = open_ledger(settings.store, create=create, extra_env=extra)
    try:
        yield app
    finally:
        app.close()


def server_gone(reason: str, lead: str = "the server closed the connection") -> str:
    """The refusal of a command whose server was lost: one that had begun no save recorded
    nothing, and is not told to look for what it may have recorded (since session 28)."""
    return server_gone_message(reason, lead, saved=bool(SAVES_BEGUN))


def refusals(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a ``LedgerError`` into one line on stderr and exit code 2; never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except LedgerError as exc:
            err_console.print(
                Text.assemble(("refused", "red"), f" {exc}"), highlight=False, soft_wrap=True
            )
            _say_notes(exc)
            raise typer.Exit(REFUSED) from None
        except PersistenceError as exc:  # the store is locked, busy, gone or damaged
            gone = lost_server(exc)
            problem = server_gone(gone) if gone else _store_problem(exc)
            err_console.print(f"refused store: {problem}", markup=False, soft_wrap=True)
            _say_notes(exc)
            raise typer.Exit(REFUSED) from None
        except typer.Exit:
            raise  # a command's own exit code (an unfinished erasure's 3): never remapped
        except Exception as exc:  # psycopg's own, from the read models' connection
            gone = lost_server(exc)
            # SQLite's own, from a read-model connection outside a write transaction (a disk
            # that failed a read): the store's trouble, not a defect (since session 26).
            said = _sqlite_said(exc) if gone is None else server_gone(gone)
            short = server_short(exc, _store_shown())  # the server's disk full (session 26)
            if short is not None:
                said = f"{short[0]}; {_what_stands()}{short[1]}"
            if said is None:
                raise  # a defect: cli.main.run says "internal error"
            err_console.print(f"refused store: {said}", markup=False, soft_wrap=True)
            _say_notes(exc)
            raise typer.Exit(REFUSED) from None

    return wrapper


def _sqlite_said(exc: BaseException) -> str | None:
    """The refusal of the sqlite3 driver's ``OperationalError`` (not a lock's: those are
    refused where they happen), or None for any other error."""
    kind = type(exc)
    said = str(exc)
    if kind.__module__ != "sqlite3" or kind.__name__ != "OperationalError":
        return None
    if not any(words in said for words in (SQLITE_FULL, SQLITE_IOERR)):
        return None  # "no such table", a syntax error: a defect, said as one
    return sqlite_problem(said.strip().splitlines()[0])


def _say_notes(exc: BaseException) -> None:
    """What a refused command left behind, after its refusal: a new PostgreSQL ledger it
    could not drop (``projections.pg.undone_unless_kept``, since session 24)."""
    for note in getattr(exc, "__notes__", ()):
        err_console.print(str(note), markup=False, soft_wrap=True)


#: How a store says it is damaged: SQLite's "database disk image is malformed" and "file is
#: not a database", PostgreSQL's "invalid page in block" and "could not read block".
_DAMAGED = re.compile(
    r"malformed|file is not a database|invalid page in block|could not read block"
)


def _store_problem(exc: PersistenceError) -> str:
    """The refusal of a store's error: "try again" only where trying again may help (the
    store locked or busy past the timeout, the server unreachable); a damaged file is
    unreadable, as docs/cli.md says, whatever the number of tries."""
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if _DAMAGED.search(reason):
        return f"cannot read {_store_shown()}: {reason}"
    locked = held_lock(reason)  # PostgreSQL's lock_timeout: another session's lock
    if locked is not None:
        return locked
    if "permission denied for table" in reason:  # a role that may not record (analysts)
        return (
            f"{reason}: this role may not record (an analysts' role only reads): run it as "
            "the officers' role or the owner"
        )
    if pool_exhausted(reason):  # the pool's: the server stopped or restarted
        # mid-command (tester E, session 17: the pool's words alone, no store, no warning)
        return server_gone(reason, f"{_store_shown()} could not be reached")
    short = server_short(exc, _store_shown())  # the server's disk full (since session 26)
    if short is not None:
        return f"{short[0]}; {_what_stands()}{short[1]}"
    if isinstance(exc, OperationalError | InterfaceError):
        return sqlite_problem(reason) or f"{reason}; try again"
    return reason


def sqlite_problem(reason: str) -> str | None:
    """The refusal of SQLite's ``reason`` for a failed statement that was not a lock (those
    ``held_lock`` says, "try again"): a full disk, a failed disk, a -wal gone. Trying again
    does not help, so it is not said (tester B, session 26: "database or disk is full; try
    again", without the store); the store is named, and what was written. None for a store
    that is not a SQLite file (a PostgreSQL server's disk full is `server_short`'s)."""
    location = _sqlite_store()
    if location is None or location.path is None:
        return None
    full = disk_full(reason, location.path, location.display)
    lead = full or f"{location.display}: {reason}"
    after = ": free space on that disk, then run the command again" if full else ""
    return f"{lead}; {_what_stands()}{after}"


def _sqlite_store() -> StoreLocation | None:
    try:
        location = parse_store(settings.store or os.environ.get("LEDGER_STORE") or DEFAULT_STORE)
    except LedgerError:
        return None
    return location if location.kind == "sqlite" else None


def _what_stands() -> str:
    """What a command that SQLite failed had written: its failed save was rolled back, but the
    saves it had committed before stand (``ledger.core.SAVES_COMMITTED``)."""
    from ledger.core import SAVES_COMMITTED

    if not SAVES_COMMITTED:
        return "nothing was written"
    return (
        f"the {len(SAVES_COMMITTED)} save(s) it had committed before stand (fupin log shows "
        "them last); the one that failed was not written"
    )


def _store_shown() -> str:
    """The store as refusals name it (a PostgreSQL URL without its password)."""
    try:
        return parse_store(settings.store).display
    except LedgerError:
        return settings.store or os.environ.get("LEDGER_STORE") or DEFAULT_STORE


def emit_json(value: Any) -> None:
    """Write ``value`` as JSON to stdout (UTF-8, Chinese kept as is)."""
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


#: The most cells a table shows (``--format table``, the default of ``query`` and the
#: reports); a line of a cell past its first counts as one more. rich lays a table out whole
#: before it prints a line, ~80 µs a cell: 10,000 cells (1,250 rows of ``pj_visits``) take
#: about a second, and an answer of 168 k cells took 34 s and 171 MB where its JSON took 0.9 s
#: (a tester, session 24). CSV and JSON are written as they come, with no such bound.
MAX_TABLE_CELLS = 10_000


def table_cells(width: int, rows: Iterable[Sequence[Any]]) -> int:
    """The cells ``rows`` of ``width`` columns show in a table (a row of no columns counts as
    one cell, a line of a cell past its first as one more). A carriage return not before a line
    feed ends a line too (since session 28: 12,000 lines parted by CR were shown where as many
    parted by LF were refused; ``fupin query``'s table shows it as ``␍`` and a line break), and
    so does every other line end ``str.splitlines`` knows (since session 28: 12,000 lines
    parted by U+0085 NEL, U+2028 or U+2029 were shown)."""
    rows = list(rows)
    breaks = (
        len(_LINE_ENDS.findall(cell)) for row in rows for cell in row if isinstance(cell, str)
    )
    return max(width, 1) * len(rows) + sum(breaks)


#: Every line end ``str.splitlines`` knows, a CR LF one.
_LINE_ENDS = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def too_large_for_table(what: str, instead: str) -> InputError:
    """The refusal of a table past ``MAX_TABLE_CELLS`` (``what``: which answer and where it
    crossed the bound; ``instead``: what else to ask for), before anything is written."""
    return InputError(
        "format",
        f"the table format shows at most {MAX_TABLE_CELLS:,} cells (a cell's lines past its "
        f"first count as cells); {what}: use --format csv or --format json{instead}",
    )


def check_tables(tables: Iterable[tuple[Sequence[str], Sequence[Sequence[Any]]]]) -> None:
    """Refuse tables (columns, rows) that together show more than ``MAX_TABLE_CELLS``: a
    report's sections, checked before the first is written."""
    shown = sum(table_cells(len(columns), rows) for columns, rows in tables)
    if shown > MAX_TABLE_CELLS:
        raise too_large_for_table(f"this report's tables show {shown:,}", "")


def known_at_said(typed: datetime | None, settled: datetime | None) -> str:
    """``as known at 2026-12-01T07:35:03+00:00 (the moment read)``: the time a ``--known-at``
    view shows (``settled``, ``projections.api.settle_known_at``), "the moment read" when the
    time typed was read as now (``ReadNow``), and, since session 27, "provisional until …"
    when a later run as known at it may still count more (``clock.provisional_said``); ""
    without ``--known-at``. Since the session 25
    re-test, ``history`` and ``notice`` say it (in a table's title, on an HTML page, on
    standard error beside CSV and JSON), as the reports do in their ``known_at``."""
    if settled is None:
        return ""
    read = ""
    if isinstance(typed, ReadNow) and settled != typed.typed:
        # Read as now: the moment read, or an entry's recording time ahead of this machine's
        # clock (tester N, session 27: an entry 200 s ahead was called "the moment read").
        read = (
            "the moment read"
            if settled <= clock.now()
            else "the latest recording time on record, after this machine's clock"
        )
    said = "; ".join(part for part in (read, clock.provisional_said(settled)) if part)
    return f"as known at {settled.isoformat()}" + (f" ({said})" if said else "")


def say_known_at(said: str) -> None:
    """``known_at_said`` on standard error, beside CSV or JSON whose shape scripts read."""
    if said:
        err_console.print(said, markup=False, highlight=False, soft_wrap=True)


def say_of_exit(said: str) -> None:
    """What an entry just recorded does to the household's exit on record (``Household.
    exit_below``, ``exit_on_other_members``), on the line after what was recorded: still
    recorded, exit 0 (``household assess`` since session 29; ``household members``,
    ``correct`` and ``import`` since session 30)."""
    if said:
        console.print(said, soft_wrap=True, markup=False, highlight=False)


def render_rows(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A rich table of plain values; on a screen, its values are never cut (``cli.screen``)."""
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")  # never "…": a word wider than it folds
    for row in cells:
        table.add_row(*row)
    if console.is_terminal and not console.is_dumb_terminal:  # TERM=dumb: 80 columns, a guess
        widths = screen_widths(columns, cells, console.width)
        if widths is not None:
            for shown, width in zip(table.columns, widths, strict=True):
                shown.width = width
            console.print(table)
            return
    # Into a pipe or a file (``history … | less``, ``> report.txt``) there is no screen to fit:
    # rich would squeeze the table into 80 columns and cut dates and documents ("2016-08-…").
    # It gets the width its cells need instead, as on a screen too narrow for its values.
    # (A console prints no wider than its own width, so a wider one prints it.)
    needed = Measurement.get(console, console.options.update(width=_UNBOUNDED), table).maximum
    Console(markup=False, emoji=False, width=max(needed, console.width)).print(table)
