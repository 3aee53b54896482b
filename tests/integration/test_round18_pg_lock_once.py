"""Session 18, tester L (the district's operator on PostgreSQL): behind an ``ACCESS EXCLUSIVE``
lock on the events table every command waited about twice ``LEDGER_LOCK_TIMEOUT``: the check
that the table holds a ledger waited once, answered "yes", and the command met the lock again.
It is refused at the first wait, naming the lock; and a save refused behind a lock says so,
not that the store is "busy or unreachable"."""

from __future__ import annotations

import pytest

from tests.integration.test_pg_operator_findings import STREET, events, run_behind_lock
from tests.integration.test_postgres_store import INIT, fupin
from tests.pgserver import PgConnInfo


@pytest.mark.parametrize("command", [STREET, ("report", "caseload"), ("verify",)])
def test_a_command_behind_an_exclusive_lock_is_refused_after_one_wait(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    assert fupin(pg_database.dsn, *INIT).exit_code == 0
    before = events(pg_database.dsn)
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "2")
    result, waited = run_behind_lock(pg_database.dsn, "ACCESS EXCLUSIVE", command)

    # The one note that it waits comes first (since session 28), naming the lock's holder.
    said, refusal = result.stderr.strip().splitlines()
    assert said.startswith("note: waiting for "), said
    assert "another session (pid " in said, said
    assert "holds a lock on ledger_events" in said, said
    assert result.exit_code == 2, result.output
    assert refusal.startswith("refused store: another session (pid "), refusal
    assert "held a lock on ledger_events past LEDGER_LOCK_TIMEOUT (2 s)" in refusal, refusal
    assert "Traceback" not in result.output
    assert waited < 3.0, waited  # within 1.5 x LEDGER_LOCK_TIMEOUT, not twice it
    assert events(pg_database.dsn) == before
