"""Where the read models live: plain SQL tables beside the events, behind a thin adapter.

The adapter speaks ``?``-style parameters and standard SQL, so a PostgreSQL backend only has to
translate placeholders and open its own connection. Three ways to open it:

- ``open_database(location)``: the ledger's own SQLite file, read-write, for the read models;
- ``open_readonly(location)``: the same file, read-only (``mode=ro`` and ``query_only``), for
  analysts' SQL;
- ``memory_database()``: a private in-memory database, for reports as of a past date.

On a PostgreSQL store the first two open the ledger's own database instead, through
``projections.pg`` (same SQL, translated; analysts' SQL in a read-only transaction).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ledger.errors import ConflictError, InputError, LedgerError
from ledger.store import StoreLocation, lock_timeout

__all__ = ["Database", "QueryError", "memory_database", "open_database", "open_readonly"]

Row = tuple[Any, ...]


class QueryError(LedgerError):
    """An analyst's query was refused or failed (not a single SELECT, a write, bad SQL)."""


class Database:
    """A connection with ``?`` parameters and explicit transactions (no autocommit surprises)."""

    #: The driver's errors, which an analyst's bad query raises.
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        return self._conn.execute(sql, params).rowcount

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._conn.executemany(sql, rows)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(row) for row in self._conn.execute(sql, params).fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else tuple(row)

    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[Row]]:
        """Column names and rows of a query."""
        cursor = self._conn.execute(sql, params)
        columns = [d[0] for d in cursor.description or ()]
        return columns, [tuple(row) for row in cursor.fetchall()]

    def dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        columns, rows = self.query(sql, params)
        return [dict(zip(columns, row, strict=True)) for row in rows]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: everything inside is committed together or not at all.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so two processes catching up at
        once run one after the other and the second sees the first one's tracking position.
        """
        if self._depth:
            raise RuntimeError("transactions do not nest")
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # locked or busy past the timeout
            raise ConflictError("store", f"another process is writing; try again ({exc})") from None
        self._depth = 1
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._depth = 0

    def read_only(self, sql: str) -> tuple[list[str], list[Row]]:
        """Run an analyst's query (the connection itself is read-only here)."""
        return self.query(sql)

    def close(self) -> None:
        self._conn.close()


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    timeout = float(lock_timeout())
    connection = sqlite3.connect(target, uri=uri, isolation_level=None, timeout=timeout)
    connection.execute("PRAGMA foreign_keys=OFF")
    return connection


def open_database(location: StoreLocation | None) -> Database:
    """The read models' tables in the ledger's own SQLite file (or PostgreSQL database)."""
    if location is not None and location.kind == "postgres":
        from projections.pg import open_pg

        return open_pg(location)
    path = _sqlite_path(location)
    try:
        return Database(_connect(str(path)))
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
        connection.set_authorizer(_hide_key_table)
    except sqlite3.Error as exc:
        raise LedgerError("store", f"cannot open {path} read-only: {exc}") from None
    return Database(connection)


#: Tables no query may read: wrapped household keys are nobody's business but the ledger's.
HIDDEN_TABLES = frozenset({"household_keys"})


def _hide_key_table(action: int, table: str | None, *_: str | None) -> int:
    if action == sqlite3.SQLITE_READ and table in HIDDEN_TABLES:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def memory_database() -> Database:
    """A private, empty in-memory database (reports as of a past date or time)."""
    return Database(_connect(":memory:"))


def _sqlite_path(location: StoreLocation | None) -> Any:
    if location is None:
        raise InputError("store", "the ledger was not opened with open_ledger; no store known")
    if location.kind != "sqlite" or location.path is None:
        raise InputError(
            "store", f"read models are kept in a SQLite file for now, not in {location.display}"
        )
    return location.path


def run_readonly(db: Database, sql: str) -> tuple[list[str], list[Row]]:
    """Run an analyst's query; driver errors become one-line ``QueryError``s."""
    try:
        return db.read_only(sql)
    except db.errors as exc:
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        raise QueryError("sql", lines[0]) from None
