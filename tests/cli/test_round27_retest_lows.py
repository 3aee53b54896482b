"""Session 27, re-tester I, two lows: ``report html``'s heading said "the last recorded" for
``recorded_through``, the recording time of the last event counted in log order, while an event
counted was recorded later (L2); and a record not on record yet as known at a time was refused
ending "(it is now)" by ``household show``, not by ``history`` (L3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from ledger import clock

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import TickingClock

STORE_INDEPENDENT = "the commands' own words: SQLite is enough (tests/conftest.py)"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

START = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@SQLITE
def test_report_html_says_what_recorded_through_is(seeded: Fupin, tmp_path: Path) -> None:
    amend = "household amend JH-0004 --{}labour --reason 勾选错误 " + doc("2016-08-04")
    for minutes, labour in ((20, "no-"), (12, "")):  # the last in log order is not the latest
        with clock.using_clock(TickingClock(START + timedelta(minutes=minutes))):
            seeded.ok(amend.format(labour), "jn-01")
    page = tmp_path / "report.html"
    seeded.ok(f"report html --out {page}", "ana-1")
    stamp = orjson.loads(seeded.ok("report caseload --format json", "ana-1").stdout)
    text = page.read_text(encoding="utf-8")

    assert f"the last counted (in log order) recorded at {stamp['recorded_through']}" in text
    assert "the last recorded" not in text


@SQLITE
@pytest.mark.parametrize("command", ["history JH-0001", "household show JH-0001"])
def test_not_on_record_yet_is_worded_alike(seeded: Fupin, command: str) -> None:
    result = seeded(f"{command} --known-at 2016-01-01", "admin")

    assert_refused(
        result,
        "household",
        "'JH-0001' was not on record yet as known at 2016-01-01T23:59:59.999999+08:00 (it is now)",
    )
