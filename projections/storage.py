"""Where the read models live: plain SQL tables beside the events, behind a thin adapter.

The adapter speaks ``?``-style parameters and standard SQL, so a PostgreSQL backend only has to
translate placeholders and open its own connection. Three ways to open it:

- ``open_database(location)``: the ledger's own SQLite file, read-write, for the read models;
- ``open_readonly(location)``: the same file, read-only (``mode=ro`` and ``query_only``), for
  analysts' SQL;
- ``memory_database()``: a private in-memory database, for reports as of a past date.

On a PostgreSQL store the first two open the ledger's own database instead, through
``projections.pg`` (same SQL, translated; analysts' SQL in a read-only transaction).

Read-model handlers write through ``Database.write``: within a transaction their statements
are queued and reach the driver a batch at a time (``executemany``), in an order that cannot
change the outcome; ``memo``/``held`` keep what a handler read or wrote for the rest of the
transaction, and ``peek`` reads what no queued write can change without running the queue.
"""

from __future__ import annotations

import os
import re
import sqlite3
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, nullcontext, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from ledger.errors import ConflictError, InputError, LedgerError
from ledger.schema import sqlite_foreign
from ledger.store import (
    SQLITE_IOERR,
    SQLITE_LOCKED,
    StoreLocation,
    disk_full,
    lock_timeout,
    lost_server,
    read_only,
    sqlite_lock_held,
)
from ledger.waiting import Holder, waiting_words, watching

__all__ = [
    "READ_ONLY",
    "Database",
    "QueryError",
    "WriteFailedError",
    "memory_database",
    "open_database",
    "open_readonly",
]

Row = tuple[Any, ...]
T = TypeVar("T")


class WriteFailedError(LedgerError):
    """SQLite failed a read-model update, rolled back (a full disk, a failed disk): ``lead``
    says why, ``what`` what stands, ``after`` what to do (since session 26)."""

    def __init__(self, lead: str, what: str, after: str = "") -> None:
        super().__init__("store", f"{lead}: {what}{after}")
        self.lead = lead
        self.after = after


class QueryError(LedgerError):
    """An analyst's query was refused or failed (not a single SELECT, a write, bad SQL)."""


#: The read models' SQLite page cache, in KiB.
READ_MODEL_CACHE_KIB = 65_536

#: How long an analyst's query may run (``fupin query``), on SQLite as on PostgreSQL.
QUERY_SECONDS = 60

_TOO_LONG = f"ran past the limit of {QUERY_SECONDS} s; ask for less (a WHERE, a LIMIT)"

#: Rows queued for one statement at most, then sent (``Database.write``).
QUEUED_ROWS = 1000

#: Rows of an analyst's answer fetched at a time (``fupin query``), each batch measured
#: (``Measure``: cells, characters) before the next is fetched.
FETCH_ROWS = 10_000

#: Looks at a batch of an answer's rows (its columns, the rows) and raises past a bound.
Measure = Callable[[Sequence[str], Sequence[Row]], None]


class Database:
    """A connection with ``?`` parameters and explicit transactions (no autocommit surprises)."""

    #: The driver's errors, which an analyst's bad query raises.
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, connection: sqlite3.Connection, path: Path | None = None) -> None:
        self._conn = connection
        self.path = path  # the SQLite file, when there is one
        self._depth = 0
        self._lasting: dict[str, dict[Any, Any]] = {}
        self._forget()

    def lasting(self, name: str) -> dict[Any, Any]:
        """A dict kept across transactions for the life of the connection: only for what
        follows from the log alone and never changes, whatever commits or rolls back (the place
        a household was identified in). The caller keeps it bounded."""
        found = self._lasting.get(name)
        if found is None:
            found = self._lasting[name] = {}
        return found

    def _forget(self) -> None:
        """Drop the queued writes and the memos (a transaction begins or ends)."""
        self._queue: dict[str, list[Sequence[Any]]] = {}  # statement -> rows, in order
        self._queued_tables: dict[str, str] = {}  # table ("*": any) -> its queued statement
        self._memos: dict[str, Any] = {}
        self._before_flush: dict[str, Callable[[Database], None]] = {}

    def before_flush(self, name: str, write: Callable[[Database], None]) -> None:
        """Have ``write`` queue its writes the next time the queue runs (once per ``name``):
        a handler that holds rows and writes each back once, not once per change."""
        self._before_flush[name] = write

    def memo(self, name: str) -> dict[Any, Any]:
        """A dict that lives as long as the current transaction: handlers keep there what they
        read or wrote that nothing can change before the transaction ends (a household's
        number and street), instead of reading it again for every event. Outside a
        transaction, a new empty dict each time."""
        return self.held(name, dict)

    def held(self, name: str, make: Callable[[], T]) -> T:
        """``memo``, with any object ``make`` makes."""
        found = self._memos.get(name)  # always empty outside a transaction
        if found is None:
            found = make()
            if self._depth:
                self._memos[name] = found
        return found

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        if self._queue or self._before_flush:
            self.flush()
        return self._conn.execute(sql, params).rowcount

    def write(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a statement whose row count nobody needs, as if right now.

        Inside a transaction it is queued, and the queue reaches the driver one
        ``executemany`` per statement (a page of visits in one call) when anything reads, or
        the transaction ends. Queued writes keep their order wherever it could matter: a
        plain ``INSERT INTO t VALUES`` or ``UPDATE t`` (no ``SELECT``) touches its table only,
        so it waits behind earlier writes of the same table and commutes with the other
        tables' writes; any other statement runs after everything queued before it and
        before everything queued after it. An error surfaces when the queue runs, still in
        the transaction, which then rolls back."""
        rows = self._queue.get(sql)
        if rows is not None:  # the only statement queued for its table: just one more row
            rows.append(params)
            if len(rows) >= QUEUED_ROWS:  # memory stays flat: it may run now, nothing waits
                self._send_many(sql, rows)
                rows.clear()
        elif self._depth:
            self._enqueue(sql, params)
        else:
            self.execute(sql, params)

    def _enqueue(self, sql: str, params: Sequence[Any]) -> None:
        table = _table_written(sql)
        if table == "*" or "*" in self._queued_tables:
            self.flush()
        elif table in self._queued_tables:  # another statement on this table: it runs first
            earlier = self._queued_tables.pop(table)
            self._send_many(earlier, self._queue.pop(earlier))
        self._queue[sql] = [params]
        self._queued_tables[table] = sql

    def flush(self) -> None:
        """Run the queued writes now (after the writes held for ``before_flush``)."""
        while self._before_flush:
            held, self._before_flush = self._before_flush, {}
            for write in held.values():
                write(self)
        queue, self._queue, self._queued_tables = self._queue, {}, {}
        for sql, rows in queue.items():
            self._send_many(sql, rows)

    def _send_many(self, sql: str, rows: list[Sequence[Any]]) -> None:
        if not rows:
            return
        if len(rows) == 1:
            self._conn.execute(sql, rows[0])
        else:
            self._conn.executemany(sql, rows)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if self._queue or self._before_flush:
            self.flush()
        self._conn.executemany(sql, rows)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        if self._queue or self._before_flush:
            self.flush()
        return [tuple(row) for row in self._conn.execute(sql, params).fetchall()]

    def stream(self, sql: str) -> Iterator[Row]:
        """The rows of a query one at a time, never all in memory (a whole table)."""
        if self._queue or self._before_flush:
            self.flush()
        for row in self._conn.execute(sql):
            yield tuple(row)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        if self._queue or self._before_flush:
            self.flush()
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else tuple(row)

    def peek(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """``one`` without running the queued writes first: only for what no queued write can
        change (a household's number, written once by the handler that remembers it)."""
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else tuple(row)

    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[Row]]:
        """Column names and rows of a query."""
        if self._queue or self._before_flush:
            self.flush()
        cursor = self._conn.execute(sql, params)
        columns = [d[0] for d in cursor.description or ()]
        return columns, [tuple(row) for row in cursor.fetchall()]

    def dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        columns, rows = self.query(sql, params)
        return [dict(zip(columns, row, strict=True)) for row in rows]

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see the tables as they stood at the first of them, whatever another
        process commits meanwhile (a deferred read transaction: WAL keeps the snapshot),
        then it is ended: a report's figures and what it says it reflects (``pj_clock``) are
        read from one state (the reviewer, session 19: a catch-up by another process between
        them made a report claim events its figures did not count). Within a transaction,
        the transaction's own state."""
        if self._depth:
            yield
            return
        self.flush()
        self._statement(self.SNAPSHOT)
        try:
            yield
        finally:
            self._statement("ROLLBACK")

    #: What begins ``snapshot``'s transaction (SQLite's deferred ``BEGIN`` keeps one state of a
    #: WAL store from its first read).
    SNAPSHOT = "BEGIN"

    def _statement(self, sql: str) -> None:
        """Run a statement of transaction control on the connection."""
        self._conn.execute(sql)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: everything inside is committed together or not at all.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so two processes catching up at
        once run one after the other and the second sees the first one's tracking position.
        """
        if self._depth:
            raise RuntimeError("transactions do not nest")
        try:
            # The lock is taken here or waited for: a wait past a second is said (since
            # session 26: a report behind a bulk import waited saying nothing, re-test J).
            wait = lock_timeout()
            with watching(read_models_waiting(str(self.path or "the store"), wait), wait):
                self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # locked or busy past the timeout
            if read_only(exc):  # a file beside the store (-wal, -shm) not writable
                raise InputError(
                    "store", f"this connection cannot write ({exc}){self.read_only_advice}"
                ) from None
            if SQLITE_LOCKED in str(exc):  # as a save says it (since session 21)
                raise ConflictError("store", f"{sqlite_lock_held()}; try again") from None
            raise ConflictError("store", f"another process is writing; try again ({exc})") from None
        self._depth = 1
        self._forget()
        try:
            yield
            self.flush()
            self._conn.execute("COMMIT")
        except BaseException as exc:
            self._forget()
            refusal = self._not_written(exc)
            # A failed COMMIT may have rolled back already; a disk that failed may fail the
            # ROLLBACK too (SQLite then rolls back from the -wal at the next open).
            with suppress(sqlite3.Error) if refusal else nullcontext():
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
            if refusal is None:
                raise
            raise refusal from None
        finally:
            self._depth = 0
            self._forget()

    def _not_written(self, exc: BaseException) -> WriteFailedError | None:
        """The refusal of a write transaction SQLite failed, rolled back: a full disk (tester
        B, session 26: every report, query and check said "internal error", exit 1, which
        `projections check` gives a table that differs) or a failed read or write of the disk
        (a -wal removed under it). None for any other error, raised as it was."""
        if not isinstance(exc, sqlite3.OperationalError) or self.path is None:
            return None
        said = str(exc)
        full = disk_full(said, self.path, str(self.path))
        if full is not None:
            return WriteFailedError(full, READ_MODELS_NOT_WRITTEN, AFTER_FREEING)
        if SQLITE_IOERR in said:
            return WriteFailedError(f"cannot write {self.path}: {said}", READ_MODELS_NOT_WRITTEN)
        return None

    def missing_relations(self, names: Iterable[str]) -> list[str]:
        """Which of the tables and indexes ``names`` are not there (a look: nothing is
        written, no lock is taken)."""
        wanted = list(dict.fromkeys(names))
        marks = ", ".join("?" for _ in wanted)
        found = {
            str(name)
            for (name,) in self.rows(
                f"SELECT name FROM sqlite_master WHERE name IN ({marks})", wanted
            )
        }
        return [name for name in wanted if name not in found]

    def foreign_schema(self) -> list[tuple[str, str, str]]:
        """(kind, name, table) of each trigger or view of the SQLite file, which the ledger
        never creates (``ledger.schema.sqlite_foreign``): one read of ``sqlite_master``."""
        return sqlite_foreign(self._conn.cursor())

    #: What to do when ``cannot_write`` says why not, after the reason (docs/operations.md).
    read_only_advice = ": make the file writable (or read a copy of it), then try again"

    def cannot_write(self) -> str | None:
        """Why this connection may not update the read models (None: it may). A SQLite file
        the user may not write (an inspector's read-only copy: its read models are read as
        they are, with a note); PostgreSQL says read-only (a replica, an analysts' role) or a
        role without the right to update them."""
        if self.path is None:
            return None
        # SQLite writes the store and the -wal and -shm files beside it (when they are there).
        for path in (self.path, *(self.path.with_name(self.path.name + s) for s in _SIDE)):
            if not os.access(path, os.W_OK) and (path == self.path or path.exists()):
                return f"{path} is read-only"
        return None

    def duplicate_in(self, exc: BaseException) -> str | None:
        """The table in which ``exc`` met a row already there (a UNIQUE or PRIMARY KEY
        constraint), or None for any other error: a catch-up writing again what the read
        models hold (``projections.catchup``)."""
        if isinstance(exc, sqlite3.IntegrityError):
            found = _UNIQUE_FAILED.match(str(exc))
            if found is not None:
                return found[1]
        return None

    def reshape_tables(self, statements: Sequence[str], trial: bool = False) -> None:
        """Make again the read models' tables an older ``fupin`` left in a shape other than
        the DDL ``statements`` make (inside the rebuild's transaction); a ``trial`` changes
        nothing and only refuses what that would refuse. Nothing on SQLite:
        ``clear_tables`` drops every table, and the schema makes them as this version says."""

    def clear_tables(self, tables: Iterable[str]) -> None:
        """Empty ``tables`` for a rebuild (inside a transaction). SQLite drops them (faster
        than deleting every row); the schema then makes them again."""
        for table in tables:
            self.execute(f"DROP TABLE IF EXISTS {table}")

    def read_only(self, sql: str, measure: Measure | None = None) -> tuple[list[str], list[Row]]:
        """Run an analyst's query (the connection itself is read-only here), stopped after
        ``QUERY_SECONDS`` (a recursive query could otherwise run for ever). Its rows are
        fetched ``FETCH_ROWS`` at a time, each batch given to ``measure`` before the next is
        fetched: an answer past its bounds is refused there, with no more rows in memory."""
        deadline = time.monotonic() + QUERY_SECONDS
        self._conn.set_progress_handler(lambda: time.monotonic() > deadline, 100_000)
        try:
            cursor = self._conn.execute(sql)
            columns = [d[0] for d in cursor.description or ()]
            return columns, fetched_in_batches(cursor.fetchmany, columns, measure)
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise QueryError("sql", _TOO_LONG) from None
            raise
        finally:
            self._conn.set_progress_handler(None, 0)

    def close(self) -> None:
        self._conn.close()


_UNIQUE_FAILED = re.compile(r"UNIQUE constraint failed: (\w+)\.")
_SIMPLE_WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE)\s+(\w+)\s", re.IGNORECASE)
_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)


@lru_cache(maxsize=512)
def _table_written(sql: str) -> str:
    """The one table a plain INSERT ... VALUES or UPDATE touches; "*" for anything else."""
    found = _SIMPLE_WRITE.match(sql)
    return "*" if found is None or _SELECT.search(sql) else found[1].lower()


def read_models_waiting(
    store: str, seconds: str, holder: Holder | None = None, *, server: bool = False
) -> str:
    """What the read models' update says while it waits for another writer's lock (on
    PostgreSQL, the ``holder`` the server names)."""
    return waiting_words(store, seconds, _UPDATE_WAITS, holder, server=server)


#: What the read models' update does once the lock it waits for is free.
_UPDATE_WAITS = (
    "the read models are brought up to date once it ends, waiting up to LEDGER_LOCK_TIMEOUT "
    "({seconds} s), or this command is refused with nothing written"
)


#: What a refused read-model update wrote (its transaction rolled back); the ledger's events
#: are not touched by it.
READ_MODELS_NOT_WRITTEN = (
    "the read models were not brought up to date and nothing of this update was written "
    "(the ledger's events are as they were)"
)
#: What to do about a full disk.
AFTER_FREEING = ": free space on that disk, then run the command again"


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    timeout = float(lock_timeout())
    connection = sqlite3.connect(target, uri=uri, isolation_level=None, timeout=timeout)
    connection.execute("PRAGMA foreign_keys=OFF")
    return connection


#: The files SQLite keeps beside a store in WAL mode.
_SIDE = ("-wal", "-shm")


def open_database(location: StoreLocation | None) -> Database:
    """The read models' tables in the ledger's own SQLite file (or PostgreSQL database)."""
    if location is not None and location.kind == "postgres":
        from projections.pg import open_pg

        return open_pg(location)
    path = _sqlite_path(location)
    try:
        connection = _connect(str(path))
        # Read models hold no personal data: freed pages need not be zeroed (dropping the
        # tables for a rebuild took longer than the raw read of every event). Deleted cells
        # are still overwritten where that costs no extra I/O.
        connection.execute("PRAGMA secure_delete=FAST")
        # A page cache of 64 MiB (SQLite's default is 2 MiB): at a million events the read
        # models' indexes outgrow the default, and every household lookup went to the OS.
        connection.execute(f"PRAGMA cache_size=-{READ_MODEL_CACHE_KIB}")
        return Database(connection, path)
    except sqlite3.Error as exc:
        raise LedgerError("store", f"cannot open {path}: {exc}") from None


def open_readonly(location: StoreLocation | None) -> Database:
    """The ledger's SQLite file opened so that no statement can write to it."""
    if location is not None and location.kind == "postgres":
        from projections.pg import read_only_pg

        return read_only_pg(location)
    path = _sqlite_path(location)
    try:
        connection = _connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        connection.execute("PRAGMA query_only=ON")
        connection.set_authorizer(_authorizer(_outside_read_models(connection)))
        # No value larger than an answer may show (cli.query): SQLite refuses to make one
        # (`randomblob(1e9)` was built whole, ~2 GB, before it was refused).
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, QUERY_VALUE_BYTES)
    except sqlite3.Error as exc:
        raise LedgerError("store", f"cannot open {path} read-only: {exc}") from None
    return Database(connection)


#: The largest value an analyst's query may make or read on SQLite, in bytes (64 MiB: above
#: the most a cell shows, 16 MiB, so that the command line names the cell and says what to
#: do; far below the 1,000,000,000 bytes SQLite would build before refusing).
QUERY_VALUE_BYTES = 64 * 1024 * 1024

#: Tables no query may read: wrapped household keys are nobody's business but the ledger's.
#: Written in lower case: SQLite's names are compared so (``_hidden``).
HIDDEN_TABLES = frozenset({"household_keys"})

#: What the read models' tables are named with: ``fupin query`` reads them alone (and SQLite's
#: schema table, ``sqlite_master``), since session 28: every other table of the store is
#: refused (``not_read_model``), the events table first of all.
READ_MODEL_PREFIX = "pj_"

#: The events table, on SQLite and on PostgreSQL.
EVENTS_TABLES = frozenset({"stored_events", "ledger_events"})


def not_read_model(table: str) -> str:
    """Why no query may read ``table``, a table of the store that is no read model (as
    ``refused sql: not authorized: …`` says it)."""
    if table in HIDDEN_TABLES:
        return _HIDDEN_SAID
    if table in EVENTS_TABLES:
        # Its events hold text in clear beside the sealed personal fields: documents, reasons,
        # visit summaries (tester I, session 28: every event's JSON was shown to any officer).
        return (
            f"no query may read {table}, the events: `fupin query` reads the read models "
            "(pj_* tables) only; events are read by role with `fupin history`, `fupin log` "
            "and `fupin export events` (docs/privacy.md)"
        )
    return (
        f"no query may read {table}: `fupin query` reads the read models (pj_* tables) only "
        "(docs/reports.md)"
    )


def _outside_read_models(connection: sqlite3.Connection) -> frozenset[str]:
    """The tables and views of the store's file that are no read model, in lower case (as
    ``_hidden`` compares them): the events, the keys, SQLite's own (``sqlite_sequence``,
    ``sqlite_stat1``…), any a DBA added. ``sqlite_master`` is not among them."""
    names = connection.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
    ).fetchall()
    lowered = {str(name).translate(_ASCII_LOWER) for (name,) in names}
    return HIDDEN_TABLES | {n for n in lowered if not n.startswith(READ_MODEL_PREFIX)}


#: Functions no query may call on SQLite, and why (``refused sql: not authorized: no query
#: may call fts3_tokenizer(): …``). SQLite's other built-in functions compute values only:
#: ``readfile``/``writefile``/``edit`` are its shell's, not the library's.
DENIED_FUNCTIONS = {
    "load_extension": "extensions cannot be loaded (a query runs SQLite's own functions only)",
    "fts3_tokenizer": (
        "it shows a full-text tokenizer's address in the process's memory, and replaces it "
        "given a value"
    ),
    "rtreenode": (
        "an r-tree debugging function that decodes a value as raw node bytes (it read past "
        "the value's end before SQLite 3.28, CVE-2019-8457)"
    ),
}


class _Denial(threading.local):
    """What the authorizer last refused in this thread (``run_readonly`` names it): a read of
    ``HIDDEN_TABLES`` or a call of one of ``DENIED_FUNCTIONS``, each as its refusal reads."""

    said: str | None = None


_DENIAL = _Denial()


def _authorizer(hidden: frozenset[str]) -> Callable[..., int]:
    """The read-only connection's authorizer: no read of a table of ``hidden`` (``arg1``, the
    table: ``HIDDEN_TABLES`` and every other table that is no read model), no call of
    ``DENIED_FUNCTIONS`` (``arg2``, the function's name). The first refusal of a statement
    is kept for its message."""

    def authorize(action: int, arg1: str | None, arg2: str | None, *_: str | None) -> int:
        said = None
        if action == sqlite3.SQLITE_READ and _hidden(arg1, hidden):
            said = not_read_model((arg1 or "").translate(_ASCII_LOWER))
        elif action == sqlite3.SQLITE_READ and (arg1 or "").translate(_ASCII_LOWER) == "dbstat":
            # SQLite's page statistics: the key table's pages, rows per page and their sizes
            # (tester I, session 22).
            said = "no query may read dbstat: it shows every table's pages, the key table's too"
        elif action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
            name = (arg2 or "").lower()
            said = f"no query may call {name}(): {DENIED_FUNCTIONS[name]}"
        if said is None:
            return sqlite3.SQLITE_OK
        if _DENIAL.said is None:
            _DENIAL.said = said
        return sqlite3.SQLITE_DENY

    return authorize


def _hidden(table: str | None, hidden: frozenset[str] = HIDDEN_TABLES) -> bool:
    """Whether ``table``, as the authorizer names it, is one of ``hidden``. SQLite
    names a table read for a column as it was created, but one read for no column
    (``COUNT(*)``) as the query spelled it (``Household_Keys``, ``main.HOUSEHOLD_KEYS``):
    its names ignore case (ASCII letters only), so the comparison does too. Before session
    22 it did not, and ``SELECT count(*) FROM Household_Keys`` ran."""
    return table is not None and table.translate(_ASCII_LOWER) in hidden


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def holds_events(path: Path) -> bool | None:
    """Whether the SQLite file at ``path`` has a ledger's events table, looked at without
    writing anything; None when it is missing, empty or not SQLite at all (opening it says
    why). With nothing in its write-ahead log the file is read as immutable: no lock taken, no
    ``-shm`` made, never in use by another process's lock."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    wal = Path(f"{path}-wal")
    immutable = not (wal.is_file() and wal.stat().st_size > 0)
    uri = f"{path.resolve().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}"
    try:
        with closing(_connect(uri, uri=True)) as db:
            found = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stored_events'"
            ).fetchone()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ConflictError("store", f"{path} is in use; try again") from None
        return None  # not a database: the opening says so
    return found is not None


def memory_database() -> Database:
    """A private, empty in-memory database (reports as of a past date or time)."""
    return Database(_connect(":memory:"))


def scratch_database() -> Database:
    """A private, empty database in a temporary file SQLite removes when it is closed: the
    read models of a whole ledger, with only a page cache in memory."""
    connection = _connect("")
    connection.execute(f"PRAGMA cache_size=-{READ_MODEL_CACHE_KIB}")  # as the read models'
    return Database(connection)


def _sqlite_path(location: StoreLocation | None) -> Any:
    if location is None:
        raise InputError("store", "the ledger was not opened with open_ledger; no store known")
    if location.kind != "sqlite" or location.path is None:
        raise InputError(
            "store", f"read models are kept in a SQLite file for now, not in {location.display}"
        )
    return location.path


def fetched_in_batches(
    fetch: Callable[[int], list[Any]], columns: Sequence[str], measure: Measure | None
) -> list[Row]:
    """Every row ``fetch`` gives, ``FETCH_ROWS`` at a time, each batch measured first."""
    rows: list[Row] = []
    while batch := [tuple(row) for row in fetch(FETCH_ROWS)]:
        if measure is not None:
            measure(columns, batch)
        rows += batch
    return rows


def run_readonly(
    db: Database, sql: str, measure: Measure | None = None
) -> tuple[list[str], list[Row]]:
    """Run an analyst's query; driver errors become one-line ``QueryError``s (``measure``
    sees each batch of rows as it is fetched: ``Database.read_only``)."""
    _DENIAL.said = None
    try:
        return db.read_only(sql, measure)
    except db.errors as exc:
        if lost_server(exc):
            raise  # the server went away: not the query's fault (cli.common.refusals)
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        if _wrote(exc, lines[0]):  # a write behind a WITH (``WITH x AS (…) DELETE …``)
            raise QueryError("sql", READ_ONLY) from None
        if lines[0] == "string or blob too big":
            raise QueryError(
                "sql", f"a value of more than {QUERY_VALUE_BYTES // 2**20} MiB: query less"
            ) from None
        if lines[0].startswith("access to ") and lines[0].endswith(" is prohibited"):
            # a column of one: named by what the authorizer refused first, in the words of a
            # read of no column (since session 28: ``access to household_keys.household_id is
            # prohibited: …`` beside ``not authorized: …`` for a COUNT(*))
            raise QueryError("sql", f"not authorized: {_DENIAL.said or _HIDDEN_SAID}") from None
        # Any other refusal of the authorizer SQLite says only as "not authorized" (a hidden
        # table read with no column, COUNT(*)) or "not authorized to use function: X" (3.39
        # on): it is named as the authorizer noted it.
        denied = _DENIAL.said
        if denied is not None and lines[0].startswith("not authorized"):
            raise QueryError("sql", f"not authorized: {denied}") from None
        raise QueryError("sql", lines[0]) from None
    finally:
        _DENIAL.said = None


#: What an analyst is told of any statement that is no read, before it runs or as it runs.
READ_ONLY = "read-only: only a SELECT (or WITH ... SELECT) statement runs"


def _wrote(exc: Exception, said: str) -> bool:
    """Whether the driver refused a write of the analyst's statement: SQLite's read-only
    connection ("attempt to write a readonly database"), PostgreSQL's read-only transaction
    (SQLSTATE 25006, "cannot execute DELETE in a read-only transaction"). Until session 24
    their own words were shown."""
    return said == "attempt to write a readonly database" or getattr(exc, "sqlstate", "") == "25006"


#: What an analyst is told of a read of ``HIDDEN_TABLES`` refused on SQLite.
_HIDDEN_SAID = (
    f"no query may read {', '.join(sorted(HIDDEN_TABLES))} (the wrapped household keys are "
    "the ledger's alone, docs/privacy.md)"
)
