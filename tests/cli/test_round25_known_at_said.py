"""Session 25 re-test: ``fupin history … --known-at T`` and ``fupin notice … --known-at T``
never said which time they show; a time at or after now is read as now and labelled with the
moment read (docs/reports.md "Two times"), which they did not say either. They say it: in the
table's title and on the HTML page (in Chinese since the session 27 re-test), and on standard
error beside CSV and JSON (whose shape scripts read, unchanged)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from ledger import clock
from ledger.values import CHINA_STANDARD_TIME

from tests.cli.conftest import Fupin
from tests.support import TickingClock

STORE_INDEPENDENT = "the commands' own labels: SQLite is enough (tests/conftest.py)"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

START = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
AHEAD = (START + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
NOTICE = "notice --street 江南 --from 2016-08-01 --to 2016-08-31"


def _moment_read(said: str, now: datetime) -> None:
    """``said`` names a moment no later than ``now``, as the moment read."""
    line = next(line for line in said.splitlines() if "as known at " in line).strip()
    # A moment just read is provisional (since session 27): 10 minutes on, it is final.
    moment, _, rest = line.split("as known at ")[1].partition(" (the moment read; ")
    assert START <= datetime.fromisoformat(moment) <= now, line
    until = (datetime.fromisoformat(moment) + clock.CLOCK_TOLERANCE).isoformat()
    assert rest.startswith(f"provisional until {until}: "), line


@SQLITE
def test_history_says_the_time_it_shows(seeded: Fupin) -> None:
    ticking = TickingClock(START)
    with clock.using_clock(ticking):
        table = seeded.ok(f"history JH-0001 --known-at {AHEAD}", "admin")
        listed = seeded.ok(f"history JH-0001 --format json --known-at {AHEAD}", "admin")
        plain = seeded.ok("history JH-0001 --format json", "admin")
    recorded = str(orjson.loads(plain.stdout)[-1]["recorded_at"])  # a time that has passed
    past = seeded.ok(f"history JH-0001 --known-at {recorded}", "admin")

    assert "household JH-0001 as known at " in table.stdout
    _moment_read(table.stdout, ticking.current)
    _moment_read(listed.stderr, ticking.current)
    assert orjson.loads(listed.stdout) == orjson.loads(plain.stdout)  # its shape unchanged
    assert f"household JH-0001 as known at {recorded}" in past.stdout
    assert "the moment read" not in past.stdout
    assert "as known at" not in plain.stdout + plain.stderr


@SQLITE
def test_notice_says_the_time_it_shows(seeded: Fupin) -> None:
    ticking = TickingClock(START)
    with clock.using_clock(ticking):
        listed = seeded.ok(f"{NOTICE} --known-at {AHEAD}", "jn-01")
        plain = seeded.ok(NOTICE, "jn-01")
        recorded = str(
            orjson.loads(seeded.ok("history JH-0004 --format json").stdout)[-1]["recorded_at"]
        )
        page = seeded.ok(f"{NOTICE} --format html --known-at {AHEAD}", "jn-01")
    past = seeded.ok(f"{NOTICE} --format html --known-at {recorded}", "jn-01")

    _moment_read(listed.stderr, ticking.current)
    assert listed.stdout == plain.stdout  # the CSV's columns and rows unchanged
    assert "as known at" not in plain.stdout + plain.stderr
    # The printed page says it in Chinese, in China (since the session 27 re-test, tester H):
    # the moment read to the second, a time typed as typed.
    said = page.stdout.split('<p class="known-at">')[1].split("</p>")[0]
    read = START.astimezone(CHINA_STANDARD_TIME)
    assert said.startswith(f"截至{read.year}年{read.month}月{read.day}日{read.hour}时"), said
    assert said.endswith("（读取时）的记录") or "（读取时）的记录（暂定：" in said, said
    at = datetime.fromisoformat(recorded).astimezone(CHINA_STANDARD_TIME)
    said = f"截至{at.year}年{at.month}月{at.day}日{at.hour}时{at.minute}分{at.second}"
    assert f'<p class="known-at">{said}' in past.stdout
    assert "as known at" not in page.stdout + past.stdout
