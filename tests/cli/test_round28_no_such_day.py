"""Session 28 (carried from session 27): ``-e 2016-8-40`` was told to "give the month and the
day in two digits (YYYY-MM-DD)", though no spelling of it is a day; ``2016年8月40号`` to write
日 for 号. A short date that names no day says so, and why."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the options' own refusals: SQLite is enough"

FORMS = "is not a date YYYY-MM-DD (ISO 8601) or YYYY年M月D日"
NO_DAY = "and it names no day of the calendar"


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("2016-8-40", "month 8 of 2016 has 31 days, not 40"),
        ("2017-2-29", "month 2 of 2017 has 28 days, not 29"),
        ("2016-2-30", "month 2 of 2016 has 29 days, not 30"),
        ("2016-13-4", "no month 13"),
        ("2016-8-0", "no day 0"),
        ("2016年8月40号", "month 8 of 2016 has 31 days, not 40"),
    ],
)
def test_a_short_date_that_names_no_day_says_so(seeded: Fupin, typed: str, why: str) -> None:
    before = seeded.event_count()

    result = seeded(f"household visit JH-0001 --helper c-1 -d 走访 -e {typed}", "jn-01")

    assert_refused(result, "effective", f"'{typed}' {FORMS}; {NO_DAY} ({why})")
    assert "two digits" not in result.stderr
    assert "号" not in result.stderr.split(";")[1]
    assert seeded.event_count() == before
