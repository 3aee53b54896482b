"""Brief a, session 30: a view as known before a move was refused giving the time typed in
the offset it was typed in, and the move's time in UTC beside its China day (``import
--create on 2026-12-02 (2026-12-01T20:00:00+00:00)``). Both times are given in China first,
the UTC time in brackets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from cli.main import app
from ledger import clock
from ledger.values import CHINA_STANDARD_TIME

from tests.cli.conftest import Fupin, assert_refused, reimported
from tests.cli.test_round29_move_day import _evening_utc

STORE_INDEPENDENT = "a moved SQLite ledger's views: SQLite is enough (tests/conftest.py)"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "2017-07-01T00:00-05:00",
            "2017-07-01T13:00:00+08:00 (2017-07-01T05:00:00+00:00 UTC) is before",
        ),
        (
            "2017-07-01",
            "2017-07-01T23:59:59.999999+08:00 (2017-07-01T15:59:59.999999+00:00 UTC) is before",
        ),
    ],
)
def test_a_view_known_before_a_move_gives_both_times_in_china_then_utc(
    seeded: Fupin, tmp_path: Path, typed: str, said: str
) -> None:
    moment = _evening_utc()  # 04:00 the next day in China

    with clock.using_clock(lambda: moment):
        moved = reimported(seeded, tmp_path)
        fresh = ["--store", str(tmp_path / "fresh.db")]
        before = seeded.runner.invoke(app, [*fresh, "report", "caseload", "--known-at", typed])

    assert moved.exit_code == 0, moved.output
    # the time the entries the move replayed carry (session 32, re-tester h: not its record's)
    first = seeded.runner.invoke(app, [*fresh, "--as", "admin", "log", "--limit", "1"])
    replayed = datetime.fromisoformat(orjson.loads(first.stdout)["recorded_at"])
    assert replayed - moment < timedelta(seconds=1)  # the clock stood still but for the import's
    china = replayed.astimezone(CHINA_STANDARD_TIME)
    assert_refused(before, "known-at", said)
    assert (
        f"rebuilt from an export by import --create on {china.date().isoformat()}, at "
        f"{china.isoformat()} ({replayed.astimezone(UTC).isoformat()} UTC): the move"
    ) in before.stderr
