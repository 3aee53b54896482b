"""Session 26, a full disk (tester B, crash safety):

- with the disk holding the store nearly full, the read models' catch-up failed at its COMMIT
  and every reader (reports, query, ``projections check`` and ``rebuild``) said "internal
  error: OperationalError: database or disk is full", exit 1 (which ``projections check``
  gives a table that differs): now one line naming the store and the full disk, exit 2.

SQLite itself reports the full disk here: the read models' connection may grow the file by no
page (``PRAGMA max_page_count``), as on a disk with no room left."""

from __future__ import annotations

import sqlite3

import orjson
import pytest
from ledger.application import open_ledger
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
