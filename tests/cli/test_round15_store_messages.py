"""Round 15 (tester G, PostgreSQL): a lock held on the events table past the timeout was
refused as "canceling statement due to lock timeout; try again", naming neither the lock nor
the setting; an analysts' role's save of a record with no personal data as "permission denied
for table ledger_events", naming no remedy (a save that needs the keys did)."""

from __future__ import annotations

from cli.common import _store_problem
from eventsourcing.persistence import OperationalError, ProgrammingError
from ledger.waiting import begin_command


def test_a_lock_held_past_the_timeout_is_named() -> None:
    begin_command()  # no holder named by the server (an earlier test's forgotten)
    said = _store_problem(OperationalError("canceling statement due to lock timeout\nLINE 1: …"))

    assert said == (
        "another session held a lock this command needs past LEDGER_LOCK_TIMEOUT (canceling "
        "statement due to lock timeout); try again"
    )


def test_a_role_that_may_not_record_is_told_which_may() -> None:
    said = _store_problem(ProgrammingError("permission denied for table ledger_events"))

    assert said.endswith(": run it as the officers' role or the owner")
    assert said.startswith("permission denied for table ledger_events: this role may not record")
