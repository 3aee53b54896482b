"""Round 15 (tester G, PostgreSQL): a lock another session held on the household key table
(``LOCK TABLE household_keys IN ACCESS EXCLUSIVE MODE``) stopped a save's, a reader's and
``fupin verify``'s read of it after a tenth of ``LEDGER_LOCK_TIMEOUT`` (libpq's ``PGOPTIONS``
tenth, meant for eventsourcing's statements, which it tries ten times), and ``verify`` then
reported the table "could not be checked" as a problem found (exit code 1: an alarm). Its
statements now wait the whole timeout, and a lock held past it is a busy store (exit 2)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from ledger.application import Ledger
from ledger.errors import ConflictError
from ledger.privacy import KEY_TABLE
from ledger.verification import verify_ledger

from tests.integration.test_key_table_support import dsn, short_lock_timeout
from tests.support import register, reopen

pytestmark = pytest.mark.parametrize("store", ["postgres"], indirect=True)


@contextmanager
def locked_for(app: Ledger, seconds: float | None) -> Iterator[Any]:
    """Another session holding every lock on the key table, released after ``seconds`` (or
    when the block ends)."""
    holder = psycopg.connect(dsn(app))
    holder.execute(f"LOCK TABLE {KEY_TABLE} IN ACCESS EXCLUSIVE MODE")
    timer = None if seconds is None else threading.Timer(seconds, holder.rollback)
    if timer is not None:
        timer.start()
    try:
        yield holder
    finally:
        if timer is not None:
            timer.join()
        holder.rollback()
        holder.close()


def test_a_lock_released_within_the_timeout_is_waited_for(
    store_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(store_ledger, "JH-0001", serial=1)
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "3")
    monkeypatch.setenv("PGOPTIONS", "")  # set again by open_ledger, restored afterwards
    app = reopen(store_ledger)
    try:
        with locked_for(app, 1.0):  # a tenth of 3 s is 0.3 s: the read gave up then
            report = verify_ledger(app.recorder, app.mapper)
        assert report.problems == []
    finally:
        app.close()


def test_verify_behind_a_lock_held_past_the_timeout_is_a_busy_store(
    store_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(store_ledger, "JH-0001", serial=1)
    app = short_lock_timeout(store_ledger, monkeypatch)  # LEDGER_LOCK_TIMEOUT=1
    try:
        with locked_for(app, None):
            began = time.monotonic()
            with pytest.raises(ConflictError) as refused:
                verify_ledger(app.recorder, app.mapper)
            waited = time.monotonic() - began
        assert refused.value.field == "store"
        assert "household key table was locked by another session" in str(refused.value)
        assert "\n" not in str(refused.value)
        assert waited >= 0.9  # the whole timeout, not a tenth of it
    finally:
        app.close()
