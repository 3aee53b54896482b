"""The PostgreSQL recorder of the ledger: eventsourcing's, inserting without pipeline mode.

eventsourcing 9.5 inserts a save's events inside a psycopg pipeline: the table lock, the
notification and ONE ``INSERT`` whose parameter is an array of every event of the save. For a
large save (an import of thousands of rows is one save) that message runs to megabytes, and
psycopg 3.3 then hung now and then in ``pipeline.sync()`` with the message half sent: the
server waiting on ClientRead, the client polling for results (the round-trip import test hung
about one run in four; psycopg issue #685 reports the same symptom). Here the same statements
run in the same order in one ordinary transaction, where psycopg sends each message whole
before it waits: two more round trips per save, which a save's own cost dwarfs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry

from ledger.privacy import HOUSEHOLD_KEYS
from ledger.sqliterecorder import FIRST_SAVE, NOT_EMPTY

__all__ = ["LedgerPostgresRecorder"]


class LedgerPostgresRecorder(PostgresApplicationRecorder):
    """eventsourcing's application recorder, its inserts outside pipeline mode; a save's new
    household keys inserted in its transaction, before its events (``ledger.privacy``)."""

    writes_household_keys = True

    def _insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        write_keys = kwargs.get(HOUSEHOLD_KEYS)
        if write_keys is not None:
            write_keys(curs)
        super()._insert_events(curs, stored_events, **kwargs)

    def _insert_stored_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        if kwargs.get(FIRST_SAVE):
            # Under the table lock every insert takes first (eventsourcing's): of two
            # ``init``s at once, the second sees the first's events and inserts nothing.
            self._lock_table(curs)
            curs.execute(self.max_notification_id_statement)
            found = curs.fetchone()
            if found is not None and found["max"] is not None:
                raise IntegrityError(NOT_EMPTY)
        super()._insert_stored_events(curs, stored_events, **kwargs)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return None
            self._insert_stored_events(curs, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
