"""A rebuild keeps SQLite's write-ahead log small: no read of the events is open when it
commits, so each checkpoint copies the whole log and the next transaction starts it again.

Before, the reader of the events held a read transaction across every commit, and the log
grew to the size of all the rebuild wrote (~300 MB a million events; ~3 GB at ten million).
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from ledger.application import Ledger
from projections import api, catchup, engine, storage
from projections.storage import Database

from tests.support import register, stamp


def _checkpointing_after_every_commit(location: object) -> Database:
    db = storage.open_database(location)  # type: ignore[arg-type]
    db.execute("PRAGMA wal_autocheckpoint=1")
    return db


def _wal_pages(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size // 4096 if wal.exists() else 0


def test_a_rebuild_keeps_the_write_ahead_log_to_about_one_transaction(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(12):
        register(ledger, f"JH-{n}")
        ledger.pair(stamp("jn-01", date(2016, 8, 11)), f"JH-{n}", "c-1")
        for k in range(25):
            ledger.record_visit(
                stamp("jn-01", date(2016, 9, 1) + timedelta(days=k)), f"JH-{n}", "c-1"
            )
    path = tmp_path / "ledger.db"
    api.catch_up(ledger)
    # Small pages and transactions, and a checkpoint after every commit: what a rebuild of a
    # million events does a thousand times over, at the size of a test.
    monkeypatch.setattr(engine, "PAGE", 10)
    monkeypatch.setattr(catchup, "REBUILD_PAGES", 2)
    monkeypatch.setattr(catchup, "open_database", _checkpointing_after_every_commit)
    with sqlite3.connect(path) as db:  # the log starts from nothing
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()

    applied = api.rebuild(ledger)

    # ~20 transactions of ~20 events (393 in all): the log is reused from its start after
    # each one, and holds about the largest (emptying the tables: ~55 pages). Before, it held
    # every page the rebuild wrote (230). (80 until session 24, whose read models empty one
    # table more, pj_employment_ends: 82; 90 until session 26, whose read models make two
    # more, pj_rules_amendments and pj_key_target_amendments: 91.)
    assert applied > 350
    assert _wal_pages(path) <= 100, _wal_pages(path)


def test_a_catch_up_still_applies_every_page_once(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")
    for k in range(37):
        ledger.record_visit(stamp("jn-01", date(2016, 9, 1) + timedelta(days=k)), "JH-1", "c-1")
    monkeypatch.setattr(engine, "PAGE", 5)
    monkeypatch.setattr(catchup, "REBUILD_PAGES", 3)

    rebuilt = api.rebuild(ledger)
    again = api.catch_up(ledger)
    db = storage.open_database(ledger.location)
    try:
        visits = db.one("SELECT COUNT(*) FROM pj_visits")
        tracked = set(engine.positions(db).values())
    finally:
        db.close()

    last = ledger.recorder.max_notification_id()
    assert (rebuilt, again) == (last, 0)
    assert visits == (37,)
    assert tracked == {last}
