"""An XLSX report holds each figure exactly (``cli.exporting.write_xlsx``)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from cli import exporting


def test_a_whole_number_past_15_digits_is_written_exactly_as_text() -> None:
    # Session 37's tester l (F1): a sum of 95 accounts of 999,999,999,999.99 yuan,
    # 9499999999999905 fen, was written 9499999999999904 (through a float), while JSON, CSV
    # and the table said ...905; a spreadsheet keeps 15 significant digits of a number
    report = {
        "report": "funds",
        "by_source_year": [
            {"source": "city", "allocated_fen": 9_499_999_999_999_905, "disbursed_fen": 0},
            {"source": "district", "allocated_fen": 999_999_999_999_999, "disbursed_fen": 5},
        ],
    }
    buffer = io.BytesIO()
    exporting.write_xlsx(report, buffer)

    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["by_source_year"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("city", "9499999999999905", 0),
        ("district", 999_999_999_999_999, 5),  # 15 digits: a number, exact
    ]
