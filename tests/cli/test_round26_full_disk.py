"""Session 26, a full disk (tester B, crash safety):

- with the disk holding the store nearly full, the read models' catch-up failed at its COMMIT
  and every reader (reports, query, ``projections check`` and ``rebuild``) said "internal
  error: OperationalError: database or disk is full", exit 1 (which ``projections check``
  gives a table that differs): now one line naming the store and the full disk, exit 2;
- with no room at all (SQLite could not make its -shm), every command said "cannot read …:
  disk I/O error", which docs/cli.md gives a damaged store ("restore the last backup", losing
  the records made since): now it names the full disk and says the store is not damaged.

SQLite itself reports the full disk here: the read models' connection may grow the file by no
page (``PRAGMA max_page_count``), as on a disk with no room left."""

from __future__ import annotations

import sqlite3

import orjson
import pytest
from eventsourcing.persistence import OperationalError
from ledger import store
from ledger.application import open_ledger
from ledger.sqliterecorder import LedgerSQLiteRecorder
from projections import storage

from tests.cli.conftest import Fupin, assert_refused
from tests.support import register

STORE_INDEPENDENT = "SQLite's own full-disk error on a SQLite file (tests/conftest.py)"


def _no_room(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every read-model connection opened from now on may not grow the file: SQLITE_FULL."""
    connect = storage._connect

    def full(target: str, *, uri: bool = False) -> sqlite3.Connection:
        connection = connect(target, uri=uri)
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
        connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    monkeypatch.setattr(storage, "_connect", full)


@pytest.mark.parametrize(
    "line",
    [
        "report caseload",
        "report funds",
        "projections check",
        "projections rebuild",
        "query 'select 1'",
    ],
)
def test_a_full_disk_refuses_a_reader_naming_the_store_and_writes_nothing(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    seeded.ok("report caseload", actor="admin")  # the read models made, then 200 events more
    app = open_ledger(seeded.store)
    try:
        for serial in range(5, 45):
            register(app, f"JH-{serial:04d}", serial=serial)
    finally:
        app.close()
    _no_room(monkeypatch)
    result = seeded(line, actor="admin")
    assert_refused(result, "store", f"the disk holding {seeded.path} is full")
    assert "SQLite said: database or disk is full" in result.stderr
    assert "free space on that disk, then run the command again" in result.stderr
    monkeypatch.undo()
    status = seeded.ok("projections status --format json", actor="admin")
    behind = {row["behind"] for row in orjson.loads(status.stdout)}
    if line == "projections rebuild":  # emptied in its first transaction, then stopped
        assert "the rebuild stopped part way" in result.stderr
        assert behind == {237}
    else:
        assert "the read models were not brought up to date and nothing" in result.stderr
        assert behind == {200}  # as they were
    seeded.ok(line, actor="admin")


# -- 2. a disk with no room for SQLite's -shm: not a damaged store ---------------------------------


def _opened_on(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    """Opening the store fails as on a disk with ``free`` bytes left: SQLite's "disk I/O error"
    (it could not make its 32 KiB -shm file beside the store)."""

    def failed(self: object) -> int:
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(LedgerSQLiteRecorder, "max_notification_id", failed)
    monkeypatch.setattr(store, "free_bytes", lambda folder: free)


@pytest.mark.parametrize("line", ["log", "verify", "report caseload", "projections status"])
def test_a_store_on_a_disk_with_no_room_is_said_full_not_damaged(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    _opened_on(monkeypatch, 8192)
    result = seeded(line, actor="admin")
    assert_refused(result, "store", f"the disk holding {seeded.path} is full (8 KiB free; ")
    assert "SQLite said: disk I/O error" in result.stderr
    assert "the store is not damaged (restore no backup" in result.stderr
    assert "free space on that disk, then run the command again" in result.stderr


def test_a_disk_io_error_with_room_on_the_disk_is_said_as_sqlite_said_it(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    _opened_on(monkeypatch, 50 << 20)
    result = seeded("log", actor="admin")
    assert_refused(result, "store", f"cannot read {seeded.path}: disk I/O error")
    assert "full" not in result.stderr
