"""Schema objects of a store that the ledger never creates: a SQLite file altered outside it.

The ledger creates no trigger and no view in a SQLite file (only tables and their indexes).
A trigger added with ``sqlite3`` (``AFTER INSERT ON stored_events ... UPDATE stored_events SET
state = ...``) rewrites every save as it is written, in the save's own transaction, before
any check could read it back; a view changes nothing but is no part of a ledger either.
``fupin verify`` reports each (``foreign_objects``); a save, and any write to the household
key table, is refused while a trigger is there (``refuse_triggers``), and so is a restore of a
backup holding one (``projections.backup``).

On PostgreSQL the ledger creates its own triggers (``projections.pg.protect_events``,
``ledger.keys.KEY_TABLE_GUARD``); ``fupin verify`` reports any other on the events table or
the key table, and notes its own disabled, dropped, never installed or (the events'
function) replaced (``own_trigger_notes``).
"""

from __future__ import annotations

import re
from typing import Any

from ledger.errors import LedgerError

__all__ = [
    "APPEND_ONLY_BODY",
    "LEDGER_PG_TRIGGERS",
    "SQLITE_FOREIGN",
    "StoreAlteredError",
    "foreign_objects",
    "foreign_reason",
    "listed",
    "own_trigger_notes",
    "refuse_triggers",
    "sqlite_foreign",
]

#: Every schema object of a SQLite file the ledger never creates: (type, name, table, sql).
#: Told by the type in any case and by the text SQLite builds the schema from (``sql``, which
#: ``PRAGMA writable_schema`` can leave disagreeing with ``type``: a trigger whose type reads
#: 'TRIGGER' still runs); anything not plainly a table or an index is one.
SQLITE_FOREIGN = (
    "SELECT type, name, tbl_name, sql FROM sqlite_master "
    "WHERE lower(type) NOT IN ('table', 'index') OR (sql IS NOT NULL "
    "AND upper(sql) NOT GLOB 'CREATE TABLE *' AND upper(sql) NOT GLOB 'CREATE INDEX *' "
    "AND upper(sql) NOT GLOB 'CREATE UNIQUE INDEX *') ORDER BY name"
)
_CREATES = re.compile(r"\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?(TRIGGER|VIEW)\b", re.IGNORECASE)

#: pg_trigger.tgtype's bits: FOR EACH ROW, BEFORE, and the events it fires on.
_ROW, _BEFORE, _INSERT, _DELETE, _UPDATE, _TRUNCATE = 1, 2, 4, 8, 16, 32

#: The triggers the ledger itself creates on PostgreSQL, by name: the table they are on
#: ('events' or 'keys'), the function they run (in the ledger's schema) and their type
#: (pg_trigger.tgtype: timing, level and events), as ``projections.pg.protect_events`` and
#: ``ledger.keys.KEY_TABLE_GUARD`` create them. A trigger with one of these names is the
#: ledger's only when all three agree (since session 22).
LEDGER_PG_TRIGGERS: dict[str, tuple[str, str, int]] = {
    "fupin_append_only": ("events", "fupin_events_append_only", _ROW | _BEFORE | _UPDATE | _DELETE),
    "fupin_no_truncate": ("events", "fupin_events_append_only", _BEFORE | _TRUNCATE),
    "fupin_keys_erased_only": (
        "keys",
        "fupin_household_keys_guard",
        _ROW | _BEFORE | _INSERT | _UPDATE | _DELETE,
    ),
    "fupin_keys_no_truncate": ("keys", "fupin_household_keys_guard", _BEFORE | _TRUNCATE),
}
#: The user triggers on the events table and the key table of a PostgreSQL store, with what
#: tells the ledger's own: its table, its function's schema and name, its type.
_PG_TRIGGERS = (
    "SELECT 'trigger' AS type, t.tgname AS name, c.relname AS tbl_name, "
    "CASE WHEN t.tgrelid = to_regclass(%s) THEN 'events' ELSE 'keys' END AS role, "
    "n.nspname AS function_schema, p.proname AS function, t.tgtype AS tgtype "
    "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE NOT t.tgisinternal AND t.tgrelid IN (to_regclass(%s), to_regclass(%s)) "
    "ORDER BY t.tgname"
)
#: The ledger's own triggers on a PostgreSQL store (found as ``_PG_TRIGGERS`` finds them, with
#: ``pg_trigger.tgenabled``), whether the key table is there, and which of the ledger's two
#: trigger functions the ledger's schema holds: ``protect_events`` creates them, and dropping
#: a trigger leaves its function, so a function there and no trigger running it says the
#: store had the trigger (nothing else records that ``protect_events`` was run).
_PG_OWN_TRIGGERS = (
    "SELECT t.tgname, CASE WHEN t.tgrelid = to_regclass(%s) THEN 'events' ELSE 'keys' END, "
    "n.nspname, p.proname, t.tgtype, t.tgenabled "
    "FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
    "JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE NOT t.tgisinternal AND t.tgrelid IN (to_regclass(%s), to_regclass(%s))"
)
#: The body of ``fupin_events_append_only`` as ``protect_events`` installs it (pg_proc.prosrc;
#: the same since it was written, 23b9525): a function of that name running another one (``CREATE
#: OR REPLACE FUNCTION`` by the table's owner: tester h, session 32, F1) is noted as replaced.
APPEND_ONLY_BODY = """
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END """
#: The ledger's own trigger functions in its schema, with the body each runs.
_PG_OWN_FUNCTIONS = (
    "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE n.nspname = %s AND p.proname IN ('fupin_events_append_only', "
    "'fupin_household_keys_guard')"
)
#: What each of the ledger's trigger functions guards, as a note says it.
_GUARDS = {
    "fupin_events_append_only": (
        "events",
        "the append-only triggers on {table} (refusing UPDATE, DELETE and TRUNCATE for every role)",
    ),
    "fupin_household_keys_guard": (
        "keys",
        "the key table's triggers on household_keys (refusing a key destroyed without a "
        "recorded erasure, a key row deleted and the table emptied, for every role)",
    ),
}


class StoreAlteredError(LedgerError):
    """The store holds a trigger the ledger never creates: nothing is written to it."""


def foreign_objects(recorder: Any) -> list[tuple[str, str, str]]:
    """(type, name, table) of each schema object of the store the ledger did not create: a
    SQLite file's triggers and views (``sqlite_foreign``); a PostgreSQL store's triggers on
    its events and key tables other than the ledger's own (``LEDGER_PG_TRIGGERS``)."""
    datastore = recorder.datastore
    sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
    with datastore.transaction(commit=False) as cursor:
        if sqlite:
            return sqlite_foreign(cursor)
        schema = getattr(datastore, "schema", "") or "public"
        events = f"{_quoted(schema)}.{_quoted(recorder.events_table_name)}"
        cursor.execute(_PG_TRIGGERS, (events, events, f"{_quoted(schema)}.household_keys"))
        rows = [(_triple(row), _ledgers(row, schema)) for row in cursor.fetchall()]
    return [row for row, own in rows if not own]


def own_trigger_notes(recorder: Any) -> list[str]:
    """What ``fupin verify`` notes of the ledger's own triggers on a PostgreSQL store
    (``LEDGER_PG_TRIGGERS``; none on SQLite, which has none): each one disabled (``ALTER TABLE
    … DISABLE TRIGGER``, pg_trigger.tgenabled 'D') or firing only for replication ('R'), or
    missing from a store that had it (its function is there), and the guards a store never
    had (``protect_events`` not run). Notes, not problems: a trigger's state changes no event,
    and the table's owner, who may disable one, may enable it again, so its state now proves
    nothing of what was done meanwhile; what was done shows in the checkpoints and in the read
    models' position (since session 32, tester e: verify said nothing of triggers disabled
    and dropped by the owner)."""
    datastore = recorder.datastore
    if type(datastore).__module__ == "eventsourcing.sqlite":
        return []
    schema = getattr(datastore, "schema", "") or "public"
    table = recorder.events_table_name
    events = f"{_quoted(schema)}.{_quoted(table)}"
    keys = f"{_quoted(schema)}.household_keys"
    with datastore.transaction(commit=False) as cursor:
        cursor.execute(_PG_OWN_TRIGGERS, (events, events, keys))
        found = [_row(row, 6) for row in cursor.fetchall()]
        cursor.execute(_PG_OWN_FUNCTIONS, (schema,))
        bodies = {str(name): str(body) for name, body in map(_pair, cursor.fetchall())}
        functions = set(bodies)
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (keys,))
        has_keys = bool(_row(cursor.fetchone(), 1)[0])
    states = {
        str(name): str(enabled)
        for name, role, where, function, tgtype, enabled in found
        if LEDGER_PG_TRIGGERS.get(str(name)) == (role, function, int(tgtype)) and where == schema
    }
    notes: list[str] = []
    for function, (role, guards) in _GUARDS.items():
        if role == "keys" and not has_keys:
            continue
        said = guards.format(table=table)
        names = [name for name, (on, *_rest) in LEDGER_PG_TRIGGERS.items() if on == role]
        if function not in functions and not any(name in states for name in names):
            notes.append(_never(said, function, role, functions, states))
            continue
        if role == "events" and function in functions and _replaced(bodies[function]):
            notes.append(
                f"note: {said}: their function {function} was replaced (CREATE OR REPLACE "
                "FUNCTION): it is not the one protect_events installs, and may refuse nothing "
                "while its triggers are there and enabled: not a problem verify can judge (it "
                "changes no event), but while it refuses nothing a role the table's grants "
                "allow (the officers' UPDATE, held for LOCK TABLE) may change or remove events, "
                f"and {_SHOWS_ONLY}. {_RUN_AGAIN} it"
            )
        if role == "keys" and function in functions:
            earlier = _earlier_key_guard(bodies[function], events)
            if earlier is not None:
                notes.append(earlier.format(said=said, function=function, again=_RUN_AGAIN))
        off = [f"{name} {_off(states.get(name))}" for name in names if _off(states.get(name))]
        if off:
            notes.append(
                f"note: {said}: {'; '.join(off)}: not a problem verify can judge (a trigger's "
                "state changes no event, and the table's owner, not only a superuser, may "
                "disable a trigger, change the table and enable it again): while one does not "
                "fire, a role the table's grants allow may change or remove what it guards, and "
                f"{_SHOWS_ONLY}. {_RUN_AGAIN} them"
            )
    return notes


#: What a note of the ledger's guards not firing says of what would show a removal, and asks.
_SHOWS_ONLY = (
    "events removed from the end after the last checkpoint file you kept show only in the read "
    "models' position, which verify compares (until they are rebuilt)"
)
_RUN_AGAIN = (
    'The store\'s owner runs protect_events again (docs/operations.md, "Roles and grants"); '
    "find out who changed"
)


def _earlier_key_guard(body: str, events: str) -> str | None:
    """The note of the key table's trigger function running ``body`` (``events``: the events
    table, quoted), ``{said}``, ``{function}`` and ``{again}`` to fill: an earlier fupin's
    (``ledger.keys.EARLIER_KEY_GUARDS``: it lets through what it names), one replaced by hand,
    or None: the one ``protect_events`` installs now (whitespace aside). Since session 34: the
    key table's function was not compared, and an owner's no-op function left its triggers
    enabled and verify silent, as the events' did before session 32."""
    from ledger.keys import EARLIER_KEY_GUARDS, key_guard_body  # cryptography: verify's only

    words = body.split()
    if words == key_guard_body(events).split():
        return None
    for lets, template in EARLIER_KEY_GUARDS:
        if words == key_guard_body(events, template).split():
            return (
                "note: {said}: their function {function} is an earlier fupin's, which lets "
                f"through {lets}: not a problem verify can judge (it changes no event), but "
                "a role the table's grants allow may do so. protect_events run again installs "
                "the current one. {again} it"
            )
    return (
        "note: {said}: their function {function} was replaced (CREATE OR REPLACE FUNCTION): "
        "it is not one protect_events installs, and may refuse nothing while its triggers "
        "are there and enabled: not a problem verify can judge (it changes no event), but "
        "while it refuses nothing a role the table's grants allow (the officers' UPDATE, for "
        "rotation and erasure) may overwrite or destroy household keys unrecorded, which "
        "verify finds only of a key destroyed (`fupin keys check` finds a key overwritten). "
        "{again} it"
    )


def _pair(row: Any) -> tuple[Any, ...]:
    return _row(row, 2)


def _replaced(body: str) -> bool:
    """Whether the events' trigger function runs another body than ``APPEND_ONLY_BODY``
    (whitespace aside: no change of it alone refuses less)."""
    return body.split() != APPEND_ONLY_BODY.split()


def _never(said: str, function: str, role: str, functions: set[str], states: dict[str, str]) -> str:
    """The note of guards a store does not have, function and triggers both: never installed,
    unless the other table's guards, which the same ``protect_events`` installs, are there
    (tester h, session 32, F4: ``DROP FUNCTION fupin_events_append_only() CASCADE`` by the
    owner was said "never were … protect_events was not run")."""
    others = [name for name, (on, *_rest) in LEDGER_PG_TRIGGERS.items() if on != role]
    other = next(f for f, (on, _said) in _GUARDS.items() if on != role)
    if role == "events" and (other in functions or any(name in states for name in others)):
        return (
            f"note: {said} are not on this store, nor their function {function}, while the "
            "key table's triggers, which the same protect_events installs with them, are "
            "there: they were removed (DROP FUNCTION … CASCADE removes the function and both "
            "triggers at once): not a problem verify can judge (it changes no event), but "
            "until protect_events is run again the events are kept by the store's grants "
            f"alone, and {_SHOWS_ONLY}. {_RUN_AGAIN} them"
        )
    return (
        f"note: {said} are not on this store, and never were (no {function} function): "
        'protect_events was not run on it (docs/operations.md, "Roles and grants"); '
        "until it is, the events are kept by the store's grants alone"
    )


def _off(enabled: str | None) -> str:
    """How one of the ledger's triggers, in pg_trigger.tgenabled state ``enabled`` (None:
    missing), does not fire ('' when it fires)."""
    if enabled in ("O", "A"):
        return ""
    if enabled is None:
        return "is missing (dropped: its function is still there)"
    if enabled == "R":
        return (
            "fires only for replication (ALTER TABLE … ENABLE REPLICA TRIGGER), never for "
            "fupin's connections"
        )
    return "is disabled (ALTER TABLE … DISABLE TRIGGER)"


def _row(row: Any, width: int) -> tuple[Any, ...]:
    """A catalogue row as a tuple, from a tuple or a dict row."""
    return tuple(row.values())[:width] if isinstance(row, dict) else tuple(row)[:width]


def _ledgers(row: Any, schema: str) -> bool:
    """Whether a trigger found on PostgreSQL is one the ledger created: its name, table,
    function (in the ledger's schema) and type all as the ledger makes them."""
    name, role, where, function, tgtype = (
        (row["name"], row["role"], row["function_schema"], row["function"], row["tgtype"])
        if isinstance(row, dict)
        else (row[1], row[3], row[4], row[5], row[6])
    )
    return LEDGER_PG_TRIGGERS.get(str(name)) == (role, function, int(tgtype)) and where == schema


def sqlite_foreign(cursor: Any) -> list[tuple[str, str, str]]:
    """(kind, name, table) of each object of a SQLite file the ledger never creates, by a
    cursor (``sqlite3`` or the recorder's): one read of ``sqlite_master``. The kind is
    'trigger' or 'view' when its type or its text says so, else 'schema object'."""
    cursor.execute(SQLITE_FOREIGN)
    found = [(_kind(str(row[0]), row[3]), str(row[1]), str(row[2])) for row in cursor.fetchall()]
    return sorted(found, key=lambda row: (row[0], row[1]))


def _kind(kind: str, sql: object) -> str:
    said = _CREATES.match(sql) if isinstance(sql, str) else None
    if said is not None:
        return said.group(1).lower()
    return kind.lower() if kind.lower() in ("trigger", "view") else "schema object"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _triple(row: Any) -> tuple[str, str, str]:
    if isinstance(row, dict):
        return str(row["type"]), str(row["name"]), str(row["tbl_name"])
    return str(row[0]), str(row[1]), str(row[2])


def foreign_reason(kind: str, table: str, name: str = "") -> str:
    """Why ``fupin verify`` reports a schema object of ``kind`` the ledger did not create."""
    if kind == "trigger":
        namesake = (
            " (named as one of the ledger's own, on another table, running another function "
            "or firing otherwise)"
            if name in LEDGER_PG_TRIGGERS
            else ""
        )
        return (
            f"a trigger on {table} that fupin never creates{namesake}: the store was altered "
            "outside the ledger, and a trigger can rewrite what every save writes; every command "
            "that writes is refused while it is there: examine what it did, then remove it "
            "(DROP TRIGGER)"
        )
    if kind == "view":
        return "a view that fupin never creates: the store was altered outside the ledger"
    return (
        f"an object on {table} that is neither a table, an index nor a view as SQLite reads "
        "it (its type or text in sqlite_master was altered; it may be a trigger), which "
        "fupin never creates: every command that writes is refused while it is there"
    )


def refuse_triggers(cursor: Any) -> None:
    """In a write's own transaction on a SQLite store: refuse it while the file holds a
    trigger (the ledger creates none), or an object that is neither a table, an index nor a
    view (its type or text altered: it may be a trigger). One read of ``sqlite_master``, a few
    microseconds."""
    found = [(name, table) for kind, name, table in sqlite_foreign(cursor) if kind != "view"]
    if not found:
        return
    names = listed([f"{name!r} on {table}" for name, table in found])
    raise StoreAlteredError(
        "store",
        f"the store holds trigger {names}, which fupin never creates: the file was "
        "altered outside the ledger, and a trigger can rewrite what a save writes; nothing was "
        "written. Run fupin verify, examine what it changed, remove the trigger (DROP "
        "TRIGGER), then try again",
    )


def listed(items: list[str], shown: int = 3) -> str:
    """The first ``shown`` of ``items`` joined, and how many more (``'t' on x and 2 more``)."""
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more
