"""The SQLite recorder of the ledger: eventsourcing's, loading an aggregate without BEGIN.

eventsourcing 9.5 wraps the one ``SELECT`` that loads an aggregate's events in an explicit
``BEGIN`` ... ``ROLLBACK`` (its connections run in autocommit mode). A single statement is
already its own read transaction in SQLite, with the same snapshot, so the two extra round
trips buy nothing; they were half the cost of a load (36 µs → 19 µs a lookup on the 1 M-event
ledger). Every command loads three or four aggregates, and an import checks each new
household, helper and account against the store. The statement is eventsourcing's own.

A save is refused while the file holds a trigger (``ledger.schema``): the ledger creates
none, and one can rewrite every row as it is inserted.

A save's read guards (``ledger.guards``, since session 25) are checked in its transaction once
it holds the write lock, before its keys and events: a record its command read and did not
save that has a later version now, or an event of a topic it scanned recorded since the scan,
refuses the save as a lost race (``IntegrityError``; the command runs again on fresh state).

A save's new household keys are inserted through the save's cursor before its events
(``ledger.privacy.HOUSEHOLD_KEYS``): a key and the events it opens commit together, in one
durable commit instead of two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteTransaction

from ledger.guards import MOVED, READ_GUARDS, ReadGuards
from ledger.privacy import HOUSEHOLD_KEYS
from ledger.schema import refuse_triggers

__all__ = ["FIRST_SAVE", "NOT_EMPTY", "LedgerSQLiteRecorder"]

#: A save's keyword for the recorders: insert only into a ledger without events (``fupin
#: init``). Checked in the save's own transaction, so of two ``init``s at once one succeeds.
FIRST_SAVE = "ledger_first_save"

#: What a first save says when the ledger holds events by the time it inserts.
NOT_EMPTY = "the ledger holds events already"


class LedgerSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's application recorder; an aggregate's events read in one statement, and
    a save's new household keys inserted in its transaction (``ledger.privacy``)."""

    writes_household_keys = True
    checks_read_guards = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Each connection's schema version its last trigger check found clean.
        self._schema_read: dict[int, tuple[Any, int]] = {}

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        guards = kwargs.get(READ_GUARDS)
        if kwargs.get(FIRST_SAVE) or guards:
            # The write lock first, by a write that changes nothing (a transaction that has
            # read cannot wait for it: it fails at once, "database is locked"); then of two
            # inits the second waits, finds the first's events and is refused as such, and
            # the guards read what every save before this one committed.
            c.execute(
                f"UPDATE {self.events_table_name} SET originator_version = originator_version "
                "WHERE 0"
            )
        if kwargs.get(FIRST_SAVE):
            c.execute(f"SELECT 1 FROM {self.events_table_name} LIMIT 1")
            if c.fetchone() is not None:
                raise IntegrityError(NOT_EMPTY)
        if guards:
            self._check_guards(c, guards)
        write_keys = kwargs.get(HOUSEHOLD_KEYS)
        if write_keys is not None:
            write_keys(c)
        ids = super()._insert_events(c, stored_events, **kwargs)
        # Then, in the same transaction: a trigger (the ledger makes none) has rewritten the
        # rows as they were inserted, so the save is refused and rolled back, the trigger's
        # writes with it (ledger.schema). Read once the rows are in, so the save holds the
        # write lock already (a read first would make it fail at once on a busy store, not
        # wait). The schema is read whole by a connection's first save, and again only once
        # its version moved (a trigger made since: ``PRAGMA schema_version`` counts every
        # change a connection loads its schema by; one a process makes behind that count is
        # not loaded by this connection either, and the next process reads the schema whole).
        connection = c.sqlite_cursor.connection
        c.execute("PRAGMA schema_version")
        (version,) = c.fetchone()
        if self._schema_read.get(id(connection)) != (connection, version):
            refuse_triggers(c)
            # The connection is kept with its version, so that its id names no other.
            self._schema_read[id(connection)] = (connection, version)
        return ids

    def _check_guards(self, c: SQLiteCursor, guards: ReadGuards) -> None:
        """Refuse the save if anything its command read moved since (``ledger.guards``): one
        query, the events recorded since the guards' start (a range of row ids at the log's
        end, normally a handful). Under the write lock every earlier save has committed, and
        saves commit in row id order, so the range holds every event the reads did not see."""
        c.execute(
            f"SELECT rowid, originator_id, originator_version, topic FROM "
            f"{self.events_table_name} WHERE rowid>?",
            (guards.start,),
        )
        if guards.moved_by((row[0], UUID(row[1]), row[2], row[3]) for row in c.sqlite_cursor):
            raise IntegrityError(MOVED)

    def max_notification_id(self) -> int:
        """The log's head, read as ``select_events`` reads (one statement, no ``BEGIN`` …
        ``ROLLBACK``): every save's read guards take it once (``ledger.guards``), and
        eventsourcing's own transaction around it cost more than the read (session 25)."""
        head: int = self._one_statement(self.select_max_notification_id_statement, ())[0][0]
        return head

    def _one_statement(self, statement: str, params: Sequence[Any]) -> list[Any]:
        """The rows of one read: the pool's reader lock as eventsourcing takes it; no BEGIN: one
        statement, one snapshot (the connection is in autocommit mode)."""
        with self.datastore.get_connection(commit=False) as connection:
            cursor = connection.cursor()
            try:
                cursor.execute(statement, params)
                rows: list[Any] = cursor.fetchall()
            except Exception as exc:
                # Raised as eventsourcing's own transactions raise it (a store error becomes
                # its persistence error): the same mapping, without a second copy of it.
                SQLiteTransaction(connection, commit=False).__exit__(
                    type(exc), exc, exc.__traceback__
                )
                raise
        return rows

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        statement = self.select_events_statement
        params: list[Any] = [
            originator_id.hex if isinstance(originator_id, UUID) else originator_id
        ]
        if gt is not None:
            statement += "AND originator_version>? "
            params.append(gt)
        if lte is not None:
            statement += "AND originator_version<=? "
            params.append(lte)
        statement += "ORDER BY originator_version " + ("DESC " if desc else "ASC ")
        if limit is not None:
            statement += "LIMIT ? "
            params.append(limit)
        rows = self._one_statement(statement, params)
        convert = self.convert_originator_id
        return [
            StoredEvent(
                originator_id=convert(row["originator_id"]),
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=row["state"],
            )
            for row in rows
        ]
