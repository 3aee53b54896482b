"""Plain rows of the store's tables, read without eventsourcing converting them.

eventsourcing's ``select_notifications`` makes a ``Notification`` and a ``UUID`` of every
row: one row whose id is no id fails the whole page, and the objects cost time on readers
that touch a million rows once. The readers that must see each row as it is stored (the
read models' fact stream, ``fupin log``, ``fupin verify``) read here instead; the mapper or
the verifier then says what is wrong with a damaged row.

A stored row is ``(position, originator_id, originator_version, topic, state)``. On SQLite
the position is the rowid, on PostgreSQL the notification id (ids there can have gaps: it
orders the log, it does not count it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

__all__ = ["IN_CHUNK", "Row", "positions_of", "rows_after", "select_in", "whole_log"]

Row = tuple[Any, Any, Any, Any, Any]

#: Ids bound per ``IN (...)`` (under SQLite's 999 parameters).
IN_CHUNK = 500


@contextmanager
def rows_after(recorder: ApplicationRecorder, after: int, size: int) -> Iterator[Iterable[Row]]:
    """The (at most ``size``) stored rows after position ``after``, in log order, inside one
    read transaction that ends with the block. SQLite: plain tuples straight from the cursor
    (the page is never held whole); other stores: one page of ``select_notifications``."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        # The table's name is the recorder's own (eventsourcing checks it), never user input.
        statement = (
            "SELECT rowid, originator_id, originator_version, topic, state "
            f"FROM {recorder.events_table_name} WHERE rowid > ? ORDER BY rowid LIMIT ?"
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            rows = cursor.sqlite_cursor
            rows.row_factory = None  # plain tuples, not the connection's sqlite3.Row
            yield rows.execute(statement, (after, size))
        return
    found = recorder.select_notifications(start=after, limit=size, inclusive_of_start=False)
    yield [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in found]


@contextmanager
def whole_log(recorder: SQLiteApplicationRecorder) -> Iterator[Iterator[Row]]:
    """Every stored row of a SQLite store, its rowid first, in one read transaction: a
    consistent snapshot read in O(1) memory (WAL lets writers go on meanwhile)."""
    statement = (
        "SELECT rowid, originator_id, originator_version, topic, state "
        f"FROM {recorder.events_table_name} ORDER BY rowid"
    )
    with recorder.datastore.transaction(commit=False) as cursor:
        rows = cursor.sqlite_cursor
        rows.row_factory = None
        yield rows.execute(statement)


def positions_of(recorder: ApplicationRecorder, aggregate_id: UUID) -> dict[int, int]:
    """Each stored version of ``aggregate_id`` and its position in the log: one read by the
    events' primary key (originator id, version), not a read of the log (since session 27:
    what ``ledger.known`` compares with a prefix's cut for a view of one aggregate)."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        # The table's name is the recorder's own (eventsourcing checks it), never user input.
        statement = (
            "SELECT originator_version, rowid "
            f"FROM {recorder.events_table_name} WHERE originator_id = ?"
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            rows = cursor.sqlite_cursor
            rows.row_factory = None
            return dict(rows.execute(statement, (aggregate_id.hex,)))
    # eventsourcing.postgres is looked up, not imported: importing it loads psycopg and libpq
    # into every process, ~16 MiB (bench: rebuild and verify on SQLite, session 27); a
    # recorder of it exists only once it is loaded.
    postgres = sys.modules.get("eventsourcing.postgres")
    if postgres is not None and isinstance(recorder, postgres.PostgresApplicationRecorder):
        datastore = recorder.datastore
        table = ".".join(
            '"' + name.replace('"', '""') + '"'
            for name in (datastore.schema, recorder.events_table_name)
        )
        as_text = datastore.originator_id_type == "text"
        with datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT originator_version, notification_id FROM {table} WHERE originator_id = %s",
                (str(aggregate_id) if as_text else aggregate_id,),
            )
            return {row["originator_version"]: row["notification_id"] for row in cursor.fetchall()}
    found: dict[int, int] = {}  # another store: the log read once
    after = 0
    while True:
        with rows_after(recorder, after, 2000) as stored:
            page = [(row[0], row[1], row[2]) for row in stored]
        for position, originator, version in page:
            if UUID(str(originator)) == aggregate_id:
                found[version] = position
        if len(page) < 2000:
            return found
        after = page[-1][0]


def select_in(
    cursor: Any, head: str, ids: Sequence[Any], mark: str, before: Sequence[Any] = ()
) -> Iterator[Any]:
    """Every row of ``{head} IN (ids)``, run ``IN_CHUNK`` ids a query; ``before`` binds the
    parameters ``head`` itself takes. ``mark`` is the driver's placeholder (``?`` or ``%s``)."""
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start : start + IN_CHUNK]
        cursor.execute(f"{head} IN ({', '.join([mark] * len(chunk))})", (*before, *chunk))
        yield from cursor.fetchall()
