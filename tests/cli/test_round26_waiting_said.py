"""A single command waiting for another writer's lock says so (operator, session 25: a visit
saved behind a bulk import waited ~5 s saying nothing). Since session 26 a save still under way
after ``SLOW_SAVE_SECONDS`` prints one note on stderr: what it waits for, and for how long at
most (``LEDGER_LOCK_TIMEOUT``); then it saves, or is refused with nothing written."""

from __future__ import annotations

import pytest
from ledger import waiting

from tests.cli.conftest import Fupin, doc
from tests.cli.test_round26_waiting_reports import write_lock_held

STORE_INDEPENDENT = "SQLite's write lock held by another connection; PostgreSQL's is the same code"

WAITING = "note: waiting for "


@pytest.fixture(autouse=True)
def _soon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(waiting, "SLOW_SAVE_SECONDS", 0.2, raising=False)


def test_a_save_behind_another_writer_says_it_waits_then_saves(seeded: Fupin) -> None:
    before = seeded.event_count()

    with write_lock_held(seeded, 1.0):
        result = seeded.ok(f"place add-village 江南 新村甲 {doc('2016-08-01')}", "admin")

    assert result.stderr.count(WAITING) == 1, result.stderr
    said = result.stderr.strip()
    assert said.startswith(f"{WAITING}{seeded.path}: another writer (an import?) holds its write")
    assert "waits up to LEDGER_LOCK_TIMEOUT (10 s), then saves, or is refused" in said
    assert "village 新村甲 added" in result.stdout
    assert seeded.event_count() == before + 1


def test_a_save_that_waits_past_the_timeout_is_refused_after_saying_so(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    before = seeded.event_count()

    with write_lock_held(seeded, 2.5):
        result = seeded(f"place add-village 江南 新村乙 {doc('2016-08-01')}", "admin")

    assert result.exit_code == 2, result.output
    assert WAITING in result.stderr
    assert "(1 s)" in result.stderr
    assert "refused store:" in result.stderr
    assert seeded.event_count() == before


def test_a_save_with_nobody_in_the_way_says_nothing(seeded: Fupin) -> None:
    result = seeded.ok(f"place add-village 江南 新村丙 {doc('2016-08-01')}", "admin")

    assert result.stderr == ""


def test_a_short_timeout_says_it_waits_before_the_refusal(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Re-test J, session 26: with LEDGER_LOCK_TIMEOUT=1 the note came with the refusal, after
    # the whole wait. It comes after half of it when that is sooner than SLOW_SAVE_SECONDS.
    monkeypatch.setattr(waiting, "SLOW_SAVE_SECONDS", 30.0, raising=False)
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "2")

    with write_lock_held(seeded, 1.6):
        result = seeded.ok(f"place add-village 江南 新村丁 {doc('2016-08-01')}", "admin")

    assert result.stderr.count(WAITING) == 1, result.stderr
