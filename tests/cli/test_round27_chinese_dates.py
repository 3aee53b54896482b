"""Session 27, tester E (item 3) and tester C: a date written 2018年12月1日 (or 2018年6月3日, no
leading zeros) has one meaning, but CSV import refused it (a 台账 column formatted so reaches
a CSV as that text, while the workbook's date cell was read) and so did the command line
(``-e 2017年6月3日``, with no hint). It is read as that day in CSV cells, in a workbook's text
cells and on the command line (-e, --as-of, --known-at: the end of that day in China); one not
on the calendar (2018年2月30日) is refused as other such dates are (docs/import.md, docs/cli.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger.values import today
from openpyxl import Workbook

from tests.cli.conftest import Fupin, assert_refused, history_rows

STORE_INDEPENDENT = "the dates' own reading: SQLite is enough (tests/conftest.py)"

REVIEW = "ref,actor,effective,document,household,accepted\n"


def _effective(fupin: Fupin, number: str) -> str:
    return str(history_rows(fupin, number)[-1]["effective"])


@pytest.mark.parametrize("typed", ["2016年8月2日", "2016年08月02日", " 2016年8月2日 "])
def test_a_chinese_date_on_the_command_line_is_that_day(seeded: Fupin, typed: str) -> None:
    seeded.ok(f"household review JH-0002 -d 评议 -e '{typed}'", "jn-01")

    assert _effective(seeded, "JH-0002") == "2016-08-02"


def test_a_chinese_date_not_on_the_calendar_is_refused(seeded: Fupin) -> None:
    result = seeded("household review JH-0002 -d 评议 -e 2016年2月30日", "jn-01")

    assert_refused(result, "effective", "'2016年2月30日' is no day of the calendar")


@pytest.mark.parametrize("typed", ["2016年8月2日", "2016年8月2日 0:00"])
def test_a_chinese_date_in_a_csv_cell_is_that_day(
    seeded: Fupin, tmp_path: Path, typed: str
) -> None:
    path = tmp_path / "review.csv"
    path.write_text(f"{REVIEW}R-1,jn-01,{typed},评议,JH-0002,yes\n", encoding="utf-8")

    seeded.ok(f"import {path}", "jn-01")

    assert _effective(seeded, "JH-0002") == "2016-08-02"


def test_a_chinese_date_in_a_csv_cell_not_on_the_calendar_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "review.csv"
    path.write_text(f"{REVIEW}R-1,jn-01,2016年2月30日,评议,JH-0002,yes\n", encoding="utf-8")
    before = seeded.event_count()

    result = seeded(f"import {path}", "jn-01")

    assert result.exit_code == 2, result.output
    assert "row 2, effective: '2016年2月30日' is no day of the calendar" in result.stderr
    assert seeded.event_count() == before


def test_a_chinese_date_in_a_workbooks_text_cell_is_that_day(seeded: Fupin, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "review"
    sheet.append(REVIEW.strip().split(","))
    sheet.append(["R-1", "jn-01", "2016年8月2日", "评议", "JH-0002", "yes"])
    book.save(tmp_path / "review.xlsx")

    seeded.ok(f"import {tmp_path / 'review.xlsx'}", "jn-01")

    assert _effective(seeded, "JH-0002") == "2016-08-02"


def test_as_of_and_known_at_read_a_chinese_date_as_the_iso_one(seeded: Fupin) -> None:
    iso = seeded.ok("officer list --format json --as-of 2016-12-31", "admin").stdout
    chinese = seeded.ok("officer list --format json --as-of 2016年12月31日", "admin").stdout
    assert chinese == iso

    # --known-at: a date is the end of that day in China, written either way: today's is now
    # (what was recorded a moment ago is known), a later one has not come.
    day = today()
    iso = seeded.ok(f"history JH-0001 --format json --known-at {day}", "admin").stdout
    written = f"{day.year}年{day.month}月{day.day}日"
    chinese = seeded.ok(f"history JH-0001 --format json --known-at {written}", "admin").stdout
    assert chinese == iso
    assert "Registered" in chinese or "registered" in chinese.lower()
    later = seeded("history JH-0001 --known-at 2999年1月1日", "admin")
    assert_refused(later, "known-at", "'2999年1月1日' has not come yet")
