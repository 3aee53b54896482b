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
the key table.
"""

from __future__ import annotations

from typing import Any

from ledger.errors import LedgerError

__all__ = [
    "LEDGER_PG_TRIGGERS",
    "SQLITE_FOREIGN",
    "StoreAlteredError",
    "foreign_objects",
    "foreign_reason",
    "refuse_triggers",
]

#: Every schema object of a SQLite file the ledger never creates: (type, name, table).
SQLITE_FOREIGN = (
    "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('trigger', 'view') "
    "ORDER BY type, name"
)
_SQLITE_TRIGGERS = "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"

#: The triggers the ledger itself creates on PostgreSQL (events table, household key table).
LEDGER_PG_TRIGGERS = frozenset(
    {"fupin_append_only", "fupin_no_truncate", "fupin_keys_erased_only", "fupin_keys_no_truncate"}
)
#: The user triggers on the events table and the key table of a PostgreSQL store.
_PG_TRIGGERS = (
    "SELECT 'trigger' AS type, t.tgname AS name, c.relname AS tbl_name "
    "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "WHERE NOT t.tgisinternal AND t.tgrelid IN (to_regclass(%s), to_regclass(%s)) "
    "ORDER BY t.tgname"
)


class StoreAlteredError(LedgerError):
    """The store holds a trigger the ledger never creates: nothing is written to it."""


def foreign_objects(recorder: Any) -> list[tuple[str, str, str]]:
    """(type, name, table) of each schema object of the store the ledger did not create: a
    SQLite file's triggers and views; a PostgreSQL store's triggers on its events and key
    tables other than the ledger's own (``LEDGER_PG_TRIGGERS``)."""
    datastore = recorder.datastore
    sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
    with datastore.transaction(commit=False) as cursor:
        if sqlite:
            cursor.execute(SQLITE_FOREIGN)
        else:
            schema = _quoted(getattr(datastore, "schema", "") or "public")
            tables = (f"{schema}.{_quoted(recorder.events_table_name)}", f"{schema}.household_keys")
            cursor.execute(_PG_TRIGGERS, tables)
        rows = [_triple(row) for row in cursor.fetchall()]
    return [row for row in rows if sqlite or row[1] not in LEDGER_PG_TRIGGERS]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _triple(row: Any) -> tuple[str, str, str]:
    if isinstance(row, dict):
        return str(row["type"]), str(row["name"]), str(row["tbl_name"])
    return str(row[0]), str(row[1]), str(row[2])


def foreign_reason(kind: str, table: str) -> str:
    """Why ``fupin verify`` reports a schema object of ``kind`` the ledger did not create."""
    if kind == "trigger":
        return (
            f"a trigger on {table} that fupin never creates: the store was altered outside "
            "the ledger, and a trigger can rewrite what every save writes; every command "
            "that writes is refused while it is there: examine what it did, then remove it "
            "(DROP TRIGGER)"
        )
    return f"a {kind} that fupin never creates: the store was altered outside the ledger"


def refuse_triggers(cursor: Any) -> None:
    """In a write's own transaction on a SQLite store: refuse it while the file holds a
    trigger (the ledger creates none). One read of ``sqlite_master``, a few microseconds."""
    cursor.execute(_SQLITE_TRIGGERS)
    found = [(str(row[0]), str(row[1])) for row in cursor.fetchall()]
    if not found:
        return
    names = ", ".join(f"{name!r} on {table}" for name, table in found[:3])
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    raise StoreAlteredError(
        "store",
        f"the store holds trigger {names}{more}, which fupin never creates: the file was "
        "altered outside the ledger, and a trigger can rewrite what a save writes; nothing was "
        "written. Run fupin verify, examine what it changed, remove the trigger (DROP "
        "TRIGGER), then try again",
    )
