"""Session 27, tester C (a clerk importing Excel/WPS workbooks): a value shown in a merged
OPTIONAL cell was read as empty, and took its default: a budget merged over two rows (J2:J3,
showing 5,000.00 on both) went in as 0.00 on row 3, 残疾 merged over two rows (showing 是) as
false, exit 0. Refused as a merged required cell is, when the merge's top-left cell holds a
value and the range spans more than one data row (docs/import.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

REVIEW = ["ref", "actor", "effective", "document", "note", "household", "accepted"]
PLAN = ["ref", "actor", "effective", "document", "note", "household", "measure", "category"]
PLAN += ["description", "budget"]
DAY = date(2016, 8, 20)


def _workbook(
    path: Path, title: str, headers: list[str], rows: list[list[object]], *merges: str
) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    book.save(path)
    path.chmod(0o600)
    return path


def test_a_budget_merged_over_two_rows_is_refused_not_read_as_zero(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        ["MG-1", "jn-01", DAY, "一户一策", "", "JH-0001", "MG1", "relief", "灾后重建", 5000],
        ["MG-2", "jn-01", DAY, "一户一策", "", "JH-0001", "MG2", "relief", "灾后重建二", None],
    ]
    book = _workbook(tmp_path / "b.xlsx", "plan_measure", PLAN, rows, "J2:J3")
    before = seeded.event_count()

    result = seeded(f"import {book}", actor="jn-01")

    assert result.exit_code == 2, result.output
    assert (
        "b.xlsx [plan_measure] row 3, budget: is empty, but the sheet shows a value there (the "
        "cell is in merged range J2:J3, whose value only its top-left cell J2 holds: unmerge "
        "the range and fill each cell)"
    ) in result.output
    assert "row 2" not in result.output
    assert "Traceback" not in result.output
    assert seeded.event_count() == before


def test_a_note_merged_over_three_rows_is_refused_on_each_row_below_the_first(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        [f"M-{i}", "jn-01", DAY, "评议", "甲" if i == 0 else None, household, True]
        for i, household in enumerate(["JH-0002", "JH-0003", "JH-0004"])
    ]
    book = _workbook(tmp_path / "m.xlsx", "review", REVIEW, rows, "E2:E4")

    result = seeded(f"import --dry-run {book}", actor="jn-01")

    assert result.exit_code == 2, result.output
    for row in (3, 4):
        assert f"m.xlsx [review] row {row}, note: is empty, but the sheet shows" in result.output
    assert "row 2," not in result.output


def test_a_merge_across_one_row_or_an_empty_merge_is_read_as_before(
    seeded: Fupin, tmp_path: Path
) -> None:
    """The documented exceptions: a merge within one row (I2:J2) shows its value on that row
    only, its other cells read as empty; an empty merge (E2:E3) shows nothing."""
    rows: list[list[object]] = [
        ["MG-1", "jn-01", DAY, "一户一策", None, "JH-0001", "MG1", "relief", "灾后重建", None],
        ["MG-2", "jn-01", DAY, "一户一策", None, "JH-0001", "MG2", "relief", "灾后重建二", 10],
    ]
    book = _workbook(tmp_path / "b.xlsx", "plan_measure", PLAN, rows, "I2:J2", "E2:E3")

    result = seeded(f"import --dry-run {book}", actor="jn-01")

    assert result.exit_code == 0, result.output
