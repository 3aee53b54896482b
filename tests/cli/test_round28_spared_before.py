"""Session 28, re-tester P, finding 3: the rules added in session 28 that an export's replay
spares (``import --create``: a late registration, an officer's retirement dated before their
entries, a talk under a street inspection, a fund account's code differing in case only) were
spared whatever the replayed row's own ``recorded_at``: a 2019 registration slipped into an
export with today's recorded_at was moved, and verify called it an older fupin's. An export is
no evidence of the old store: a rule is spared only for a row recorded before it existed
(``ledger.values.SPARED_BEFORE``, one time per rule); a later row is refused as the command
would refuse it, the whole move with it, nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from ledger.funding import FundCommands

from tests.cli.conftest import Fupin, reimported, rule_came_in
from tests.cli.test_round28_account_case import OPEN
from tests.cli.test_round28_late_registration import _recorded_by_an_older_fupin
from tests.cli.test_round28_officer_dates import _recorded_as_an_older_fupin_took_it
from tests.cli.test_round28_talks import _talk_as_an_older_fupin_held_it

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def _moved_events(folder: Path) -> int:
    fresh = folder / "fresh.db"
    if not fresh.exists():
        return 0
    with sqlite3.connect(fresh) as db:
        tables = {t for (t,) in db.execute("SELECT name FROM sqlite_master")}
        found = (
            db.execute("SELECT count(*) FROM stored_events").fetchone()[0]
            if "stored_events" in tables
            else 0
        )
    db.close()
    return int(found)


def _refused_move(seeded: Fupin, folder: Path, *said: str) -> None:
    moved = reimported(seeded, folder)
    assert moved.exit_code == 2, moved.output
    text = " ".join(moved.stderr.split())
    assert "events.jsonl line " in text
    for words in said:
        assert words in text
    assert _moved_events(folder) == 0


def test_a_late_registration_recorded_after_the_rule_is_not_moved(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _recorded_by_an_older_fupin(seeded)
    rule_came_in(monkeypatch, "late_registration", after_now=False)

    _refused_move(seeded, tmp_path, "effective: ", "2018-12-31")


def test_a_retirement_before_entries_recorded_after_the_rule_is_not_moved(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _recorded_as_an_older_fupin_took_it(seeded)
    rule_came_in(monkeypatch, "post_ended_before_entries", after_now=False)

    _refused_move(seeded, tmp_path, "effective: ", "retirement")


def test_a_talk_under_a_street_inspection_recorded_after_the_rule_is_not_moved(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _talk_as_an_older_fupin_held_it(seeded)
    rule_came_in(monkeypatch, "talk_under_street_inspection", after_now=False)

    _refused_move(seeded, tmp_path, "inspection: SI-JN is a street inspection of 江南")


def test_an_account_differing_in_case_recorded_after_the_rule_is_not_moved(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as before_the_rule:
        before_the_rule.setattr(FundCommands, "check_no_lookalike", lambda *args: None)
        seeded.ok(OPEN.format("CITY-2016"), "qu-01")
    rule_came_in(monkeypatch, "account_case_lookalike", after_now=False)

    _refused_move(seeded, tmp_path, "'CITY-2016' differs from 'city-2016', on record, only in")
