"""``--as-of`` at the ends of the calendar: every report, the HTML report, ``export report``
and ``household show`` treat a date alike. A day after today is refused, naming the option
(``--as-of 9999-12-31`` was an internal error in the accountability and HTML reports, and
counted every quarter to the end of the calendar as a visit missed); any day up to today is
taken, ``0001-01-01`` included. The dates are the store's business nowhere: SQLite only."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from ledger.application import open_ledger
from ledger.values import CHINA
from projections import accountability, api
from projections.rules import quarter_bounds

from tests.cli.conftest import Fupin, assert_refused

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

COMMANDS = [
    "report caseload",
    "report funds",
    "report accountability",
    "report accountability --format json",
    "export report accountability",
    "export report funds --format csv",
    "household show JH-0001",
]


@SQLITE
@pytest.mark.parametrize("command", [*COMMANDS, "report html --out {tmp}/r.html"])
@pytest.mark.parametrize("day", ["9999-12-31", "tomorrow"])
def test_a_day_after_today_is_refused_by_every_report(
    seeded: Fupin, tmp_path: Path, command: str, day: str
) -> None:
    today = datetime.now(CHINA).date()
    when = (today + timedelta(days=1)).isoformat() if day == "tomorrow" else day

    result = seeded(f"{command.format(tmp=tmp_path)} --as-of {when}", actor="admin")

    assert_refused(result, "as-of", f"{when} is after today ({today})")
    assert not (tmp_path / "r.html").exists()


@SQLITE
@pytest.mark.parametrize("command", [*COMMANDS[:-1], "report html --out {tmp}/r.html"])
@pytest.mark.parametrize("day", ["0001-01-01", "today"])
def test_any_day_up_to_today_is_taken(
    seeded: Fupin, tmp_path: Path, command: str, day: str
) -> None:
    when = datetime.now(CHINA).date().isoformat() if day == "today" else day

    seeded.ok(f"{command.format(tmp=tmp_path)} --as-of {when}", actor="admin")


@SQLITE
def test_a_household_as_of_the_first_day_of_the_calendar_was_not_on_record(seeded: Fupin) -> None:
    result = seeded("household show JH-0001 --as-of 0001-01-01", actor="admin")

    assert_refused(result, "household", "'JH-0001' was not on record yet as of 0001-01-01")


def test_the_last_quarter_of_the_calendar_has_its_bounds() -> None:
    assert quarter_bounds(9999, 4) == (date(9999, 10, 1), date(9999, 12, 31))
    assert quarter_bounds(2016, 1) == (date(2016, 1, 1), date(2016, 3, 31))
    assert quarter_bounds(2016, 4) == (date(2016, 10, 1), date(2016, 12, 31))


@SQLITE
def test_the_accountability_report_reaches_the_last_day_of_the_calendar(seeded: Fupin) -> None:
    # The Python API takes any date. Visits are owed no later than the year after the
    # programme's last (session 17): 2019Q4 for 2016-2018, as of the calendar's last day too.
    app = open_ledger(seeded.store)
    try:
        report = api.accountability(app, as_of=date.max)
    finally:
        app.close()

    assert report["missed_visits"][-1]["quarter"] == "2019Q4"


def test_the_quarters_owed_stop_at_the_last_quarter_of_the_calendar() -> None:
    due = accountability._quarters_due("9999-01-01", None, [("9999-01-01", None)], date.max)

    assert due == [(9999, 1), (9999, 2), (9999, 3), (9999, 4)]
