"""Session 27, re-tester G (L3): the command line reads 2016年8月1日 since tester E's fix, but its
date refusal named only YYYY-MM-DD (``--as-of 2016年8月``, ``--as-of 二〇一六年八月一日``,
``--known-at 2016年8月``), and a month typed alone was not told its day is missing. The refusal
names the forms read and what is amiss (docs/cli.md, Dates)."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the options' own refusals: SQLite is enough"

FORMS = "is not a date YYYY-MM-DD (ISO 8601) or YYYY年M月D日"
MISSING = "a day is missing: it names a month; give the day too (2016-08-01, 2016年8月1日)"


@pytest.mark.parametrize("typed", ["2016年8月", "2016-08", "2016年 8月"])
def test_a_month_alone_is_told_its_day_is_missing(seeded: Fupin, typed: str) -> None:
    result = seeded(f"report caseload --as-of '{typed}'", "admin")

    assert_refused(result, "as-of", f"'{typed}' {FORMS}; {MISSING}")


def test_known_at_names_the_chinese_form_and_the_missing_day(seeded: Fupin) -> None:
    result = seeded("report caseload --known-at 2016年8月", "admin")

    assert_refused(
        result,
        "known-at",
        "'2016年8月' is not an ISO 8601 date or timestamp (YYYY-MM-DD or YYYY年M月D日, or "
        f"YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+08:00]); {MISSING}",
    )


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("二〇一六年八月一日", "write the year, month and day in digits 0-9 (2016年8月1日)"),
        ("2016-8-1", "give the month and the day in two digits (2016-08-01)"),
        ("2016年8月1号", "write 日 after the day, not 号 (2016年8月1日)"),
        ("2016/8/1", "YYYY/M/D is read in a spreadsheet's cell only: type 2016-08-01"),
        ("2016/2/30", "YYYY/M/D is read in a spreadsheet's cell only: type YYYY-MM-DD"),
    ],
)
def test_an_effective_date_says_what_is_amiss(seeded: Fupin, typed: str, hint: str) -> None:
    result = seeded(f"household visit JH-0001 --helper c-1 -d 走访 -e {typed}", "jn-01")

    assert_refused(result, "effective", f"'{typed}' {FORMS}; {hint}")
