"""The PostgreSQL recorder of the ledger: eventsourcing's, inserting without pipeline mode.

eventsourcing 9.5 inserts a save's events inside a psycopg pipeline: the table lock, the
notification and ONE ``INSERT`` whose parameter is an array of every event of the save. For a
large save (an import of thousands of rows is one save) that message runs to megabytes, and
psycopg 3.3 then hung now and then in ``pipeline.sync()`` with the message half sent: the
server waiting on ClientRead, the client polling for results (the round-trip import test hung
about one run in four; psycopg issue #685 reports the same symptom). Here the same statements
run in the same order in one ordinary transaction, where psycopg sends each message whole
before it waits: two more round trips per save, which a save's own cost dwarfs.

A save's lock waits are bounded by one deadline, ``LEDGER_LOCK_TIMEOUT`` after the save began
(docs/operations.md "Bounded waits"). eventsourcing sets ``lock_timeout`` to the whole setting
before its table lock and tries a failed save up to 10 times, so a held lock made a save wait
about ten times the setting; here each try may wait only what is left of the deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

from ledger.guards import MOVED, READ_GUARDS, ReadGuards
from ledger.pgwaiting import SESSION_NAME, register_session
from ledger.privacy import HOUSEHOLD_KEYS
from ledger.sqliterecorder import FIRST_SAVE, NOT_EMPTY
from ledger.store import pool_exhausted, schema_options, server_short
from ledger.waiting import lock_deadline

__all__ = ["LedgerPostgresRecorder"]

#: PostgreSQL's SQLSTATE for a lock wait past ``lock_timeout`` (lock_not_available).
_LOCK_NOT_AVAILABLE = "55P03"


class LedgerPostgresRecorder(PostgresApplicationRecorder):
    """eventsourcing's application recorder, its inserts outside pipeline mode; a save's new
    household keys inserted in its transaction, before its events (``ledger.privacy``)."""

    writes_household_keys = True
    checks_read_guards = True

    #: How many times a save is tried (eventsourcing's number) when it fails on a dropped
    #: connection or a conflict, and the pause between tries (seconds).
    attempts = 10
    pause = 0.2

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        # A ledger in its own schema (POSTGRES_SCHEMA) searches that schema alone on every
        # connection: eventsourcing names it in its own statements, and the ledger's
        # (household keys, read models) then find and make their tables there too, never in
        # ``public`` beside another ledger's. Set before the pool opens its first connection.
        options = schema_options({"POSTGRES_SCHEMA": datastore.schema})
        if options is not None:
            pool: Any = datastore.pool
            pool.kwargs = {**(pool.kwargs or {}), "options": options}
        _fail_fast_once_gone(datastore)
        _registering_sessions(datastore)
        super().__init__(datastore, **kwargs)
        # The lock timeout is set once per try, for the whole transaction (insert_events);
        # eventsourcing's own ``SET LOCAL lock_timeout`` before the table lock would reset
        # it to the whole LEDGER_LOCK_TIMEOUT on every try.
        self.lock_table_statements = [
            statement
            for statement in self.lock_table_statements
            if "lock_timeout" not in str(statement)
        ]

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
        guards = kwargs.get(READ_GUARDS)
        if guards:
            # Under the same table lock: every save before this one has committed, and none
            # after it can insert until this one ends (``ledger.guards``, since session 25).
            self._lock_table(curs)
            self._check_guards(curs, guards)
        super()._insert_stored_events(curs, stored_events, **kwargs)

    def _check_guards(self, curs: Any, guards: ReadGuards) -> None:
        """Refuse the save if anything its command read moved since (``ledger.guards``): one
        query, the events recorded since the guards' start, a range on the notification id
        index (normally a handful of rows).

        Sound though ids have gaps and are taken before commit: every insert takes this table
        lock first (eventsourcing's, held to its commit) and its ids from the sequence under
        it, so saves take ids and commit one at a time, in id order. The start was the largest
        id committed when it was read (``max(notification_id)``), before the first read; a
        save not committed then held the lock or took it later, so all its ids are above the
        start. Read here, under the lock, the range holds every save committed since (read
        committed, the server's default, which the ledger keeps: this statement's snapshot is
        taken after the lock was granted), and no save can commit until this one ends. An
        event at or below the start was committed before the first read, which saw it; a gap
        (a rolled-back save's ids) holds nothing."""
        table = ".".join(
            '"' + name.replace('"', '""') + '"'
            for name in (self.datastore.schema, self.events_table_name)
        )
        curs.execute(
            f"SELECT notification_id, originator_id, originator_version, topic FROM {table} "
            "WHERE notification_id>%s",
            (guards.start,),
        )
        as_text = self.datastore.originator_id_type == "text"
        rows = (
            (
                row["notification_id"],
                UUID(row["originator_id"]) if as_text else row["originator_id"],
                row["originator_version"],
                row["topic"],
            )
            for row in curs
        )
        if guards.moved_by(rows):
            raise IntegrityError(MOVED)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert a save, tried again after a dropped connection or a conflict, its lock
        waits together ending ``LEDGER_LOCK_TIMEOUT`` after it began."""
        # Within a command's save, the deadline its read of the key table began (since
        # session 28: that read waited its own whole LEDGER_LOCK_TIMEOUT first).
        deadline = lock_deadline(max(self.datastore.lock_timeout, 1))
        tried = 0
        while True:
            tried += 1
            try:
                return self._insert_once(stored_events, deadline, **kwargs)
            except (InterfaceError, OperationalError) as exc:
                # The driver's LockNotAvailable (SQLSTATE 55P03), seen through eventsourcing.
                cause = exc.__cause__
                waited_out = getattr(cause, "sqlstate", None) == _LOCK_NOT_AVAILABLE
                # No try begins past the deadline, whatever failed, and none after the pool
                # gave up on a connection (the server unreachable for the connect timeout):
                # before session 24 a save whose server stopped was tried up to 10 times, a
                # connect timeout each (a tester: refused after ~24 s, with 5 s timeouts).
                if (
                    tried >= self.attempts
                    or time.monotonic() >= deadline
                    or pool_exhausted(str(exc))
                    or server_short(exc, "") is not None  # a full disk: no try mends it
                ):
                    raise
                if not waited_out:
                    time.sleep(self.pause)

    def _insert_once(
        self, stored_events: Sequence[StoredEvent], deadline: float, **kwargs: Any
    ) -> Sequence[int] | None:
        # What is left of the deadline, at least a millisecond (0 would mean forever).
        left = max(int((deadline - time.monotonic()) * 1000), 1)
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            # For every statement of the save (the household keys, the table lock, the
            # insert): libpq's PGOPTIONS tenth is for reads, tried again on their own.
            curs.execute(f"SET LOCAL lock_timeout = '{left}ms'")
            self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return None
            self._insert_stored_events(curs, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)


def _registering_sessions(datastore: PostgresDatastore) -> None:
    """Name each connection the pool opens as the command is named, and count it among this
    command's sessions, whose lock waits the waiting note says (``ledger.pgwaiting``). The
    pool is not open yet."""
    pool: Any = datastore.pool
    pool.kwargs = {**(pool.kwargs or {}), "application_name": SESSION_NAME[0]}
    configure = pool._configure

    def configured(connection: Any) -> None:
        if configure is not None:
            configure(connection)
        register_session(connection)

    pool._configure = configured


def _fail_fast_once_gone(datastore: PostgresDatastore) -> None:
    """Have ``datastore`` refuse at once every connection asked for after its pool gave up
    on one (``couldn't get a connection after N sec``: the server unreachable for the whole
    ``LEDGER_CONNECT_TIMEOUT``), until one is had again. eventsourcing tries each read up to
    10 times (``retry``): a server stopped during a command's reads made it wait the connect
    timeout on every try (tester G, session 26: refused ~22-27 s after the stop, though the
    refusal said "after 5.00 sec" and docs/operations.md "Bounded waits" about 10 s)."""
    get_connection: Callable[[], AbstractContextManager[Any]] = datastore.get_connection
    given_up: list[OperationalError] = []

    @contextmanager
    def connection() -> Iterator[Any]:
        if given_up:
            said = given_up[-1]
            raise OperationalError(str(said)) from said.__cause__
        try:
            with get_connection() as conn:
                given_up.clear()
                yield conn
        except OperationalError as exc:
            if pool_exhausted(str(exc)):
                given_up.append(exc)
            raise

    setattr(datastore, "get_connection", connection)  # noqa: B010 (a method of the instance)
