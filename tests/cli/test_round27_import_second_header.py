"""Session 27, tester C: a sheet with the Chinese headers repeated in row 2, below the
English ones (or the English below the Chinese), was refused as one bad date (``row 2,
effective: '生效日期' is not a date …``). Refused as what it is: a second header row, to be
deleted (docs/import.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

ENGLISH = ["ref", "actor", "effective", "document", "note", "household", "helper", "summary"]
CHINESE = ["编号", "记录人", "生效日期", "文件", "备注", "户号", "帮扶人编号", "摘要"]
ROW = ["V-1", "jn-01", date(2016, 8, 20), "走访记录", "", "JH-0001", "c-1", "入户"]
SAID = (
    "v.xlsx [record_visit] row 2, header row: repeats the headers (a second header row, the "
    "Chinese below the English or the other way round): row 1 alone holds them, in English, "
    "Chinese or both; delete row 2"
)


@pytest.mark.parametrize(("first", "second"), [(ENGLISH, CHINESE), (CHINESE, ENGLISH)])
def test_a_second_header_row_is_refused_as_such(
    seeded: Fupin, tmp_path: Path, first: list[str], second: list[str]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "record_visit"
    for row in (first, second, ROW):
        sheet.append(row)
    book.save(tmp_path / "v.xlsx")
    before = seeded.event_count()

    result = seeded(f"import {tmp_path / 'v.xlsx'}", "jn-01")

    assert result.exit_code == 2, result.output
    assert SAID in result.stderr
    assert "is not a date" not in result.stderr
    assert seeded.event_count() == before


def test_a_csv_with_a_second_header_row_is_refused_as_such(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_text(
        f"{','.join(ENGLISH)}\n{','.join(CHINESE)}\nV-1,jn-01,2016-08-20,走访记录,,JH-0001,c-1,入户\n",
        encoding="utf-8",
    )

    result = seeded(f"import --dry-run {path}", "jn-01")

    assert result.exit_code == 2, result.output
    assert "record_visit.csv row 2, header row: repeats the headers" in result.stderr


def test_a_row_whose_summary_is_a_header_word_is_read_as_a_row(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_text(
        f"{','.join(ENGLISH)}\nV-1,jn-01,2016-08-20,文件,备注,JH-0001,c-1,摘要\n", encoding="utf-8"
    )

    result = seeded(f"import --dry-run {path}", "jn-01")

    assert result.exit_code == 0, result.output
