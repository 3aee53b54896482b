"""A ledger moved to a new store 迁移: ``fupin export events``, then ``fupin import --create``.

The export ends with one closing line, ``{"skipped": {...}, "rows": N, "last_position": P}``
(since session 23 always written, and counting its rows): an import into a new store reads it
to know it has the whole export, not a file cut at a line (``check_whole_export``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import orjson

from ledger.application import Ledger
from ledger.carried import CarriedKeys, read_carried
from ledger.core import Stamp
from ledger.errors import InputError
from ledger.imports import Rebuild, Row, RowError, register_at, register_version
from ledger.keys import key_id, parse_public_key
from ledger.officers import Officer
from ledger.transparency import log_origin, register_log_key, register_signing_key

__all__ = [
    "ExportEnd",
    "Rebuilt",
    "check_carried",
    "check_importer",
    "check_whole_export",
    "export_end",
    "is_export_end",
    "last_effective",
    "move_day",
    "rebuild",
]

#: The keys of an export's closing line (``rows``, ``last_position`` and ``keys`` since
#: session 23).
_END_KEYS = frozenset({"skipped", "rows", "last_position", "keys"})


def is_export_end(item: Any) -> bool:
    """Whether a JSONL line's object is an export's closing line."""
    return isinstance(item, dict) and "skipped" in item and set(item) <= _END_KEYS


@dataclass(frozen=True)
class ExportEnd:
    """What an export's closing line says of the rows before it (None: an export written
    before session 23, which did not count them)."""

    rows: int | None
    last_position: int | None
    #: Its ``keys`` as written (``ledger.carried``; None before session 23), read when used:
    #: a plain import ignores the closing line.
    keys: Any = None
    #: Its ``rows`` and ``last_position`` as written, when they are no count (a text "7",
    #: null, missing) in a closing line that must count: one of an export written since
    #: session 23 (it carries ``keys``) or one giving either (``check_whole_export``).
    uncounted: dict[str, Any] = field(default_factory=dict)

    def carried(self) -> CarriedKeys:
        """The keys the export carries (none, for an export written before session 23)."""
        return CarriedKeys() if self.keys is None else read_carried(self.keys)


def export_end(data: bytes) -> ExportEnd | None:
    """The closing line of the export ``data`` holds, if its last line that is not blank is
    one; None otherwise (a file cut short, or no export)."""
    end = len(data)  # (not ``data.rstrip()``: a copy of a file of up to 1 GiB)
    while end and data[end - 1 : end].isspace():
        end -= 1
    last = data[data.rfind(b"\n", 0, end) + 1 : end]
    try:
        item = orjson.loads(last)
    except orjson.JSONDecodeError:
        return None
    if not is_export_end(item):
        return None
    counts = {"rows", "last_position", "keys"} & set(item)
    uncounted = {
        name: item.get(name, _MISSING)
        for name in ("rows", "last_position")
        if counts and _count(item.get(name)) is None
    }
    return ExportEnd(
        _count(item.get("rows")), _count(item.get("last_position")), item.get("keys"), uncounted
    )


#: A key the closing line lacks (``ExportEnd.uncounted``).
_MISSING = object()


def _count(value: Any) -> int | None:
    """A whole count (an int, not below 0), or None (since session 23: -40 passed as a count,
    and the export was refused as missing rows)."""
    whole = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value if whole else None


_AGAIN = (
    "rows after it could never be added (a new store judges them by today's rules): export "
    "again (fupin export events) and import the whole file; nothing was written"
)


def check_whole_export(name: str, rows: list[Row], end: ExportEnd | None) -> RowError | None:
    """Why the rows of ``name``, an export read into a new store, are not the whole export
    (None: they are, or ``name`` is no export: none of its rows has a ``position``). Its
    rows' positions increase (they are the log's, with gaps where events were not exported:
    seals, keys, a disbursement's receipt; and on PostgreSQL gaps of its own), and its closing
    line is there and counts them. Tester, session 23: ``head -n 7000 ev.jsonl`` imported
    with exit 0 as if whole."""
    read = [(row.where, row.position) for row in rows if row.position is not None]
    if not read:
        return None
    where, position = read[0]
    for at, then in read[1:]:
        if then <= position:
            return RowError(
                at,
                "position",
                f"is {then}, after position {position} ({where}): an export's rows follow "
                f"the log, their positions increasing; this file is no whole export as "
                f"written: {_AGAIN}",
            )
        where, position = at, then
    last = f"the last row read is position {position} ({where})"
    if end is None:
        return RowError(
            name,
            "file",
            f'has no export\'s closing line ({{"skipped": …}}), which every export ends with: '
            f"it was cut short, and {last}; {_AGAIN}",
        )
    for count, value in end.uncounted.items():
        written = "is missing" if value is _MISSING else f"is {orjson.dumps(value).decode()}"
        if isinstance(value, int) and not isinstance(value, bool):  # below 0
            what = "a whole count of rows" if count == "rows" else "a position in the log"
            written += f" (a negative number, not {what})"
        return RowError(
            name,
            count,
            f"{written} in the export's closing line, which counts the export's rows (rows: how "
            "many, last_position: the last one's position, each a whole number, as every export "
            "since session 23 writes them): the file was altered, and whether it is whole "
            "cannot be told; export again (fupin export events) and import that file; nothing "
            "was written",
        )
    if end.rows is not None and (end.rows, end.last_position) != (len(rows), position):
        return RowError(
            name,
            "file",
            f"holds {len(rows)} row(s), and {last}; its closing line says the export wrote "
            f"{end.rows}, the last at position {end.last_position}: rows are missing; {_AGAIN}",
        )
    return None


_CLOSING = "the export's closing line"


def check_carried(rows: list[Row], end: ExportEnd) -> None:
    """Refuse, before a row is written, the keys of an export's closing line that cannot be
    registered again (``ExportEnd.carried``; a key for an officer no row registers), saying
    the refusal comes from the closing line (since session 23: ``refused officer: no officer
    'ghost' on record`` named no file and no line)."""
    try:
        carried = end.carried()
    except InputError as exc:
        raise InputError("keys", f"{_CLOSING}: {exc.rule}") from None
    registered = {
        str(row.values.get("actor" if row.command == "initialise" else "officer"))
        for row in rows
        if row.command in ("initialise", "register_officer")
    }
    for officer in sorted(carried.officers):
        if officer not in registered:
            raise InputError(
                "keys",
                f"{_CLOSING} names a key for officer {officer!r}, who is not in its rows (no "
                "row registers them): the file was altered, and the move would register a key "
                "for no officer; export again (fupin export events); nothing was written",
            )
    # A key held by an officer no row registers: as altered (since session 23, it passed).
    for kid, holder in sorted(carried.held.items()):
        if holder and holder not in registered:
            raise InputError(
                "keys",
                f"{_CLOSING} names, in held, key {kid} held by officer {holder!r}, who is not "
                "in its rows (no row registers them): the file was altered, and the move would "
                "record a key as held by no officer; export again (fupin export events); "
                "nothing was written",
            )


def check_importer(rows: list[Row], end: ExportEnd, importer: str) -> None:
    """Refuse, before a row is written, a move recorded by an importing admin whose key was
    revoked and not replaced in the old store (its closing line's carried keys), when an
    admin with a key in force at the export can run it (named): such an officer records
    nothing there (docs/audit-guide.md §1), and the move is theirs to record here. Since the
    session 24 re-test (it was taken). When no admin of the export holds a key in force it is
    taken, as before: refusing it would leave the ledger with no way to move; the move then
    records that admin's revoked key too (``RevokedKeyCarried``), and they record nothing
    more here until another admin with a key in force registers a new key."""
    carried = end.carried()
    if importer in carried.officers:
        return
    theirs = [kid for kid, holder in carried.held.items() if holder == importer]
    revoked = [kid for kid in carried.revoked if kid in theirs]
    if not revoked:
        return
    roles: dict[str, str] = {}
    active: dict[str, bool] = {}
    for row in rows:
        values = row.values
        if row.command == "initialise":
            roles[str(values.get("actor"))] = "admin"
            active[str(values.get("actor"))] = True
        elif row.command in ("register_officer", "change_officer"):
            roles[str(values.get("officer"))] = str(values.get("role"))
            active.setdefault(str(values.get("officer")), True)
        elif row.command == "retire_officer":
            active[str(values.get("officer"))] = False
    keyed = [
        officer
        for officer in sorted(carried.officers)
        if roles.get(officer) == "admin" and active.get(officer, False)
    ]
    if not keyed:
        return
    raise InputError(
        "as",
        f"{importer}'s key {revoked[-1]} was revoked in the store this export came from, and "
        f"no new key was registered: {importer} records nothing there, nor this move here; run "
        f"the move as an admin with a key in force at the export ({', '.join(keyed)}): "
        "fupin --as ADMIN import --create …; nothing was written",
    )


def last_effective(rows: list[Row]) -> date:
    """The latest effective date of an export's rows (checked by the import that applied
    them): what the record of the move and the keys registered again are dated, as an import's
    batch is (the move adds no later fact to the programme)."""
    found = [row.values.get("effective") for row in rows]
    return max(date.fromisoformat(value) for value in found if isinstance(value, str))


def move_day(rows: list[Row], keys: CarriedKeys) -> date:
    """What the record of a move and the keys it registers again are dated: the export's last
    row's day (``last_effective``), or, when later, the day of the old store's latest key
    event (its closing line's ``last_key_event``; since session 24: before, a log key
    registered on 2016-08-07 after a last row of 2016-08-06 was 2016-08-06 here, and a
    revocation of 2016-08-10 was lost, so a replacement key or a checkpoint dated before it
    was taken here that the old store refused)."""
    day = last_effective(rows)
    if keys.last_key_event:
        day = max(day, date.fromisoformat(keys.last_key_event))
    return day


@dataclass
class Rebuilt:
    """What ``rebuild`` registered again: each officer's key (officer id, key id), the log
    key's id ("" none), the revoked key ids it recorded, the officers whose key it did not
    register (retired: they save nothing more), and the export's SHA-256 it recorded."""

    officers: list[tuple[str, str]] = field(default_factory=list)
    log: str = ""
    revoked: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    sha256: str = ""
    #: The active officers who held a key and had none in force at the export, with the key
    #: of theirs last revoked (officer id, key id): the move recorded it (``RevokedKeyCarried``;
    #: since session 24), and they record nothing until a new key is registered.
    carried: list[tuple[str, str]] = field(default_factory=list)
    #: The origin the new log signs its checkpoints under (``ledger.transparency.log_origin``:
    #: its first batch's hash, since session 25).
    origin: str = ""


def rebuild(app: Ledger, stamp: Stamp, move: Rebuild, keys: CarriedKeys) -> Rebuilt:
    """Record that this new store was rebuilt from an export (``ImportLedger.record_rebuild``,
    with the revoked and held key ids, and the ids of the keys it registers again, in order),
    then register again the log key and each officer's key in force at the export, each on its
    own save, recorded by ``stamp``'s admin; the admin's own key last, as a key is in force
    from the save after it. Since session 23: before, a move dropped every key, and an officer
    who had to sign saved unsigned. Since session 24 it also records, first, each active
    officer's key revoked with none in force at the export (``_revoked_last``, the importing
    admin's own after the registrations): they record nothing here, as there."""
    prov = app.authorise(stamp, "register_key")
    done = Rebuilt(revoked=list(move.revoked), sha256=move.sha256)
    again: list[tuple[str, str]] = []  # (officer id, public key) registered again
    for officer, public in sorted(keys.officers.items(), key=lambda o: o[0] == stamp.actor):
        holder = app.get_by_id(Officer.create_id(officer))
        if isinstance(holder, Officer) and not holder.active:
            done.retired.append(officer)
        else:
            again.append((officer, public))
    # What verify --require-signatures exempts after the record, each once (since session 23:
    # any key registration of the importing admin that followed was taken for the move's).
    ids = [key_id(parse_public_key(public)) for _officer, public in again]
    registers = tuple([key_id(parse_public_key(keys.log))] if keys.log else []) + tuple(ids)

    def attempt() -> list[Any]:
        register = register_at(app, register_version(app))
        assert register is not None, "called after the export's rows are imported"
        register.record_rebuild(replace(move, registers=registers), prov)
        return [register]

    app.execute(attempt)
    done.origin = log_origin(app)
    done.carried = _revoked_last(app, keys)
    # The importing admin's own revocation last: they record nothing after it.
    own = [(officer, kid) for officer, kid in done.carried if officer == stamp.actor]
    for officer, kid in [c for c in done.carried if c[0] != stamp.actor]:
        _carry(app, prov, officer, kid)
    app.moving_keys = True  # its admin registers them all, their own last
    try:
        if keys.log:
            done.log = register_log_key(app, stamp, keys.log)
        for officer, public in again:
            done.officers.append((officer, register_signing_key(app, stamp, officer, public)))
    finally:
        app.moving_keys = False
    for officer, kid in own:
        _carry(app, prov, officer, kid)
    return done


def _revoked_last(app: Ledger, keys: CarriedKeys) -> list[tuple[str, str]]:
    """Each active officer who held a key in the old store and had none in force at the
    export, with the key of theirs revoked last (a rotation always leaves a key in force, so
    their last key was revoked), in the order of ``keys.revoked``. None for an export written
    before session 23 (no keys) or of a ledger that held none."""
    last: dict[str, str] = {}
    for kid in keys.revoked:
        holder = keys.held.get(kid, "")
        if holder and holder not in keys.officers:
            last.pop(holder, None)  # in the order the last ones were revoked
            last[holder] = kid
    found = []
    for officer, kid in last.items():
        held = app.get_by_id(Officer.create_id(officer))
        if isinstance(held, Officer) and held.active and not held.signing_key_id:
            found.append((officer, kid))
    return found


def _carry(app: Ledger, prov: Any, officer: str, kid: str) -> None:
    """Record, on its own save, that ``officer``'s key ``kid`` was revoked before the move
    (``Officer.carry_revoked_key``; since session 24: the move left them free to record
    unsigned, and anyone typing ``--as`` them could)."""

    def attempt() -> list[Any]:
        held = app.load(Officer, officer, "officer")
        held.carry_revoked_key(kid, prov)
        return [held]

    app.execute(attempt)
