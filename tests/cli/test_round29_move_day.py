"""Session 29 (tester of session 28): ``verify`` on a store made by ``import --create`` gave
the move's day in UTC (``import --create on 2026-12-01``) beside the China days of the rest of
its note: a move run between 16:00 and 24:00 UTC, the next day in China, was dated a day
early. Every message naming a move gives its China day now."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cli.main import app
from ledger import clock
from ledger.values import CHINA

from tests.cli.conftest import Fupin, reimported, rule_came_in
from tests.cli.test_round28_late_registration import _recorded_by_an_older_fupin

STORE_INDEPENDENT = "the move's record and verify's notes: SQLite is enough (tests/conftest.py)"


def _evening_utc() -> datetime:
    """20:00 UTC on a day to come, after every event recorded so far: 04:00 the next day in
    China."""
    now = clock.now()
    evening = now.replace(hour=20, minute=0, second=0, microsecond=0)
    return evening if evening > now else evening + timedelta(days=1)


def test_verify_dates_a_move_run_in_the_utc_evening_by_its_china_day(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _recorded_by_an_older_fupin(seeded)
    rule_came_in(monkeypatch, "late_registration", after_now=False)
    moment = _evening_utc()

    with clock.using_clock(lambda: moment):
        moved = reimported(seeded, tmp_path)
        fresh = ["--store", str(tmp_path / "fresh.db")]
        verified = seeded.runner.invoke(app, [*fresh, "verify"])
        before = seeded.runner.invoke(
            app, [*fresh, "report", "caseload", "--known-at", "2017-07-01"]
        )

    assert moved.exit_code == 0, moved.output
    assert verified.exit_code == 0, verified.output
    said = " ".join(verified.stdout.split())
    china = moment.astimezone(CHINA).date()
    assert china == moment.date() + timedelta(days=1)
    assert f"recorded before the move, import --create on {china.isoformat()};" in said
    assert f"import --create on {moment.date().isoformat()}" not in said
    # every message naming the move gives the same day: a view as known before it, refused
    assert f"rebuilt from an export by import --create on {china.isoformat()}, at " in before.stderr
