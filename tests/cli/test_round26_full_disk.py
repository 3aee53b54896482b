"""Session 26, a full disk (tester B, crash safety):

- with the disk holding the store nearly full, the read models' catch-up failed at its COMMIT
  and every reader (reports, query, ``projections check`` and ``rebuild``) said "internal
  error: OperationalError: database or disk is full", exit 1 (which ``projections check``
  gives a table that differs): now one line naming the store and the full disk, exit 2;
- with no room at all (SQLite could not make its -shm), every command said "cannot read …:
  disk I/O error", which docs/cli.md gives a damaged store ("restore the last backup", losing
  the records made since): now it names the full disk and says the store is not damaged;
- a save on a full disk said "database or disk is full; try again", without the store or
  that nothing was written: now it names both, and trying again is not said to help;
- a store on a read-only mount said "cannot read …: unable to open database file": now the
  read-only folder is named, as docs/operations.md says.

SQLite itself reports the full disk here: the read models' connection may grow the file by no
page (``PRAGMA max_page_count``), as on a disk with no room left."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import orjson
import pytest
from eventsourcing.persistence import OperationalError
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool
from ledger import core, store
from ledger.application import open_ledger
from ledger.sqliterecorder import LedgerSQLiteRecorder
from projections import storage

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import register

STORE_INDEPENDENT = "SQLite's own full-disk error on a SQLite file (tests/conftest.py)"


def _no_room(monkeypatch: pytest.MonkeyPatch, spare: int = 0) -> None:
    """Every read-model connection opened from now on may grow the file by ``spare`` pages at
    most: SQLITE_FULL past them."""
    connect = storage._connect

    def full(target: str, *, uri: bool = False) -> sqlite3.Connection:
        connection = connect(target, uri=uri)
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
        connection.execute(f"PRAGMA max_page_count = {pages + spare}")
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
    # A rebuild's first transaction (the tables emptied and made again) needs one page more
    # than the file had since schema 29 added a table; with it, the rebuild empties the read
    # models and stops part way on the pages of its first batch (4 pages are already enough
    # for the whole rebuild of this small store).
    _no_room(monkeypatch, spare=1 if line == "projections rebuild" else 0)
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


# -- 2. a disk with no room for SQLite's -shm: not a damaged store ---------------------------


def _opened_on(
    monkeypatch: pytest.MonkeyPatch, free: int | None, said: str = "disk I/O error"
) -> None:
    """Opening the store fails as on a disk with ``free`` bytes left: SQLite's "disk I/O error"
    (it could not make its 32 KiB -shm file beside the store)."""

    def failed(self: object) -> int:
        raise OperationalError(said)

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


# -- 4. a save on a full disk: no "try again", the store named, nothing written --------------


def _no_room_for_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every connection eventsourcing opens to the store from now on may not grow the file."""
    create = SQLiteConnectionPool._create_connection

    def full(self: SQLiteConnectionPool) -> SQLiteConnection:
        connection = create(self)
        cursor = connection.cursor()
        cursor.execute("PRAGMA page_count")
        (pages,) = cursor.fetchone()
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    monkeypatch.setattr(SQLiteConnectionPool, "_create_connection", full)


def test_a_save_on_a_full_disk_names_the_store_and_says_nothing_was_written(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seeded.event_count()
    _no_room_for_events(monkeypatch)
    summary = "入户走访" * 475  # 5.7 kB: more than the room left in the file
    result = seeded(
        f"household visit JH-0001 --helper c-1 --summary {summary} {doc('2016-09-01')}", "jn-01"
    )
    assert_refused(result, "store", f"the disk holding {seeded.path} is full")
    assert (
        "SQLite said: database or disk is full); nothing was written: free space" in result.stderr
    )
    assert "try again" not in result.stderr
    monkeypatch.undo()
    assert seeded.event_count() == before


def test_an_import_on_a_full_disk_names_the_store_and_says_nothing_was_written(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rows = "".join(f"V-{n},2016-09-01,走访{n},JH-0001,c-1,{'入户走访' * 100}\n" for n in range(40))
    sheet = tmp_path / "record_visit.csv"
    sheet.write_text(f"ref,effective,document,household,helper,summary\n{rows}", "utf-8")
    before = seeded.event_count()
    monkeypatch.setattr(core, "SAVES_COMMITTED", [])  # as a command starts (cli.main.run)
    _no_room_for_events(monkeypatch)
    result = seeded(f"import {sheet}", "jn-01")
    assert_refused(result, "store", f"the disk holding {seeded.path} is full")
    assert (
        "SQLite said: database or disk is full); nothing was written: free space" in result.stderr
    )
    assert "try again" not in result.stderr
    monkeypatch.undo()
    assert seeded.event_count() == before


def test_a_disk_io_error_met_while_reading_is_not_said_worth_trying_again(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failed(self: object, *args: object, **kwargs: object) -> object:
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(LedgerSQLiteRecorder, "select_events", failed)
    monkeypatch.setattr(core, "SAVES_COMMITTED", [])
    result = seeded("log", actor="admin")
    assert_refused(result, "store", f"{seeded.path}: disk I/O error; nothing was written")
    assert "try again" not in result.stderr


# -- 3. a store on a read-only mount -------------------------------------------------------------


def test_a_store_on_a_read_only_mount_is_said_to_be_in_a_read_only_folder(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a read-only mount SQLite cannot make the -shm of a WAL store: "unable to open
    database file", which the tests (run as root, that may write any folder) cannot mount."""
    _opened_on(monkeypatch, 0, "unable to open database file")
    folder = seeded.path.parent
    access = os.access

    def read_only_folder(path: object, mode: int) -> bool:
        return False if path == folder and mode == os.W_OK else access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", read_only_folder)  # as ledger.application looks
    result = seeded("report caseload", actor="admin")
    assert_refused(result, "store", f"cannot read {seeded.path}: its folder {folder} is read-only")
    assert "(a read-only mount or share, or the folder's mode)" in result.stderr
    assert "copy the store to one that is" in result.stderr
    assert "full" not in result.stderr
