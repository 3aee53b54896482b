"""Session 27, re-tester G (L1): a time cell (Chinese Excel makes 10:30 typed in 摘要 one) or a
TRUE/FALSE cell in a text column was reported only on the run after the date cells', as date
cells were before tester C's fix; and 50% typed in 内容, kept by Excel as 0.5 shown 50%, was
told money's advice ("type the number as it is meant (yuan, not 万元)"). Each is reported as the
sheet is read, in one run, with the text column's advice (docs/import.md)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from openpyxl import Workbook

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

DAY = date(2016, 8, 20)
AGAIN = "format the column as text (文本) and type it again"


def _visits(path: Path, summaries: list[object], formats: dict[str, str]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "record_visit"
    sheet.append(
        ["ref", "actor", "effective", "document", "note", "household", "helper", "summary"]
    )
    for n, summary in enumerate(summaries, 1):
        sheet.append([f"V-{n}", "jn-01", DAY, "走访记录", "", "JH-0001", "c-1", summary])
    for cell, number_format in formats.items():
        sheet[cell].number_format = number_format
    book.save(path)
    path.chmod(0o600)
    return path


def test_time_and_true_false_cells_are_reported_with_the_date_cells(
    seeded: Fupin, tmp_path: Path
) -> None:
    book = _visits(
        tmp_path / "v.xlsx",
        [datetime(2016, 12, 6), time(10, 30), True, "入户"],
        {"H2": "yyyy-mm-dd", "H3": "h:mm"},
    )
    before = seeded.event_count()

    result = seeded(f"import {book}", "jn-01")

    assert result.exit_code == 2, result.output
    said = result.stderr
    assert f"row 2, summary: expects text, not a date cell: {AGAIN}" in said
    assert f"row 3, summary: expects text, not a time cell: {AGAIN}" in said
    assert f"row 4, summary: expects text, not true/false (a TRUE/FALSE cell: {AGAIN})" in said
    assert "refused: 3 error(s) in 4 row(s)" in said
    assert seeded.event_count() == before


def test_a_percent_cell_in_a_text_column_gets_the_text_advice(
    seeded: Fupin, tmp_path: Path
) -> None:
    book = _visits(tmp_path / "v.xlsx", [0.5], {"H2": "0%"})

    result = seeded(f"import --dry-run {book}", "jn-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert (
        "row 2, summary: is a number in the spreadsheet, not text: it holds 0.5, but its number "
        f"format shows a percentage (x100): what it shows is not what it holds; {AGAIN}"
    ) in said
    assert "万元" not in said
    assert "yuan" not in said
