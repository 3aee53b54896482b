"""PostgreSQL, re-tester Q of session 28: a save behind two locks waited about twice
``LEDGER_LOCK_TIMEOUT``. With it 6 s, one psql session holding ``household_keys`` for 5.5 s and
another ``ledger_events`` for 16 s, a ``household visit`` said at 1.7 s that the first held a
lock ("… each wait up to LEDGER_LOCK_TIMEOUT (6 s)") and was refused at 11.2 s naming nobody:
the key table's read before the save waited its own whole timeout, then the insert another.
Now a save's waits, the key table's read before it among them, end together
``LEDGER_LOCK_TIMEOUT`` after the first of them began, and the refusal names who held the lock
at the end."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

from tests.cli.conftest import Fupin, doc

pytestmark = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@contextmanager
def held(dsn: str, name: str, table: str, mode: str, seconds: float) -> Iterator[int]:
    """``table`` locked in ``mode`` by a session named ``name`` for ``seconds``; its pid."""
    holder = psycopg.connect(dsn, autocommit=False, application_name=name)
    holder.execute(sql.SQL("LOCK TABLE {} IN " + mode + " MODE").format(sql.Identifier(table)))
    release = threading.Timer(seconds, holder.rollback)
    release.start()
    try:
        yield holder.info.backend_pid
    finally:
        release.cancel()
        holder.rollback()
        holder.close()


def test_a_save_behind_two_locks_is_refused_at_one_deadline_naming_the_last_holder(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded.ok("report caseload", "jn-01")  # the read models caught up: only the save waits
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "6")
    line = f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}"
    with (
        held(seeded.store, "holdK", "household_keys", "ACCESS EXCLUSIVE", 5.5),
        held(seeded.store, "holdE", "ledger_events", "EXCLUSIVE", 16) as events_holder,
    ):
        started = time.monotonic()
        result = seeded(line, "jn-01")
        waited = time.monotonic() - started

    assert result.exit_code == 2, result.output
    assert waited < 6 * 1.5, waited  # it was 11.2 s: each wait its own 6 s
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    note, refusal = lines
    assert note.startswith("note: waiting for "), note
    assert "(holdK, pid " in note, note
    assert "each wait up to" not in note, note
    assert refusal.startswith(
        f"refused store: another session (holdE, pid {events_holder}) held a lock on "
        "ledger_events past LEDGER_LOCK_TIMEOUT (6 s)"
    ), refusal
