"""A report whose read models wait for another writer's lock says so (re-test J, session 26:
a report behind a write lock waited ~4 s saying nothing, then was refused). The read models'
update takes its lock at once (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock): a wait
there past ``SLOW_SAVE_SECONDS`` is said once on stderr, on either store."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from ledger import waiting
from projections.pg import READ_MODEL_LOCK

from tests.cli.conftest import Fupin, doc

WAITING = "note: waiting for "


@contextmanager
def write_lock_held(fupin: Fupin, seconds: float) -> Iterator[None]:
    """Another process holding, for ``seconds``, the lock the read models' update takes (on
    SQLite the store's write lock, which a save takes too)."""
    if fupin.store.startswith("postgresql://"):
        import psycopg

        holder = psycopg.connect(fupin.store, autocommit=True)
        holder.execute("SELECT pg_advisory_lock(%s)", (READ_MODEL_LOCK,))
        release = threading.Timer(
            seconds, lambda: holder.execute("SELECT pg_advisory_unlock(%s)", (READ_MODEL_LOCK,))
        )
    else:
        other = sqlite3.connect(fupin.path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(seconds, other.rollback)
    release.start()
    try:
        yield
    finally:
        release.join()
        if fupin.store.startswith("postgresql://"):
            holder.close()
        else:
            other.close()


def test_a_report_whose_read_models_wait_says_so_then_reports(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waiting, "SLOW_SAVE_SECONDS", 0.2)
    seeded.ok("report caseload")
    seeded.ok(f"place add-village 江南 新村甲 {doc('2016-08-01')}", "admin")  # one to catch up

    with write_lock_held(seeded, 1.0):
        result = seeded.ok("report caseload --format json")

    assert result.stderr.count(WAITING) == 1, result.stderr
    assert "the read models are brought up to date once it ends" in result.stderr


def test_a_report_with_read_models_caught_up_waits_for_nothing(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waiting, "SLOW_SAVE_SECONDS", 0.2)
    seeded.ok("report caseload")

    with write_lock_held(seeded, 1.0):
        result = seeded.ok("report caseload --format json")

    assert WAITING not in result.stderr


@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_save_waiting_on_a_server_says_the_server_may_be_slow_too(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The code reviewer, session 26: on PostgreSQL a save waits for a pool's connection too
    # (a server stopped), not only for another writer's lock.
    import psycopg

    monkeypatch.setattr(waiting, "SLOW_SAVE_SECONDS", 0.2)
    holder = psycopg.connect(seeded.store)
    holder.execute("LOCK TABLE ledger_events IN EXCLUSIVE MODE")
    release = threading.Timer(1.0, holder.rollback)
    release.start()
    try:
        result = seeded.ok(f"place add-village 江南 新村乙 {doc('2016-08-01')}", "admin")
    finally:
        release.join()
        holder.close()

    assert result.stderr.count(WAITING) == 1, result.stderr
    # Since session 28 the server names the lock's holder (a test's session: no name); a
    # wait it cannot name is "… holds a lock this command needs (or the server is slow …)".
    assert "another session (pid " in result.stderr
    assert "holds a lock on ledger_events" in result.stderr
