"""Session 18 (tester F, a street office clerk importing spreadsheets):

- a whole number of more than 4,300 digits (CPython's limit for ``int()`` of a text) ended an
  import with an internal error, exit code 1; it is refused as out of range;
- a cell whose number format shows nothing of it (``;;;``, Excel's way to hide a value, or a
  format of text alone) was read, so a blank-looking amount went in; it is refused, and so is
  a text cell whose format has a fourth section without ``@``;
- a value refused was quoted whole: a 32,000-character cell made one line of 32,083."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cli.importing import read_bytes
from cli.xlsx_number_formats import shown_otherwise
from openpyxl import Workbook

from tests.cli.conftest import Fupin, assert_refused

HEADER = ["ref", "actor", "effective", "document", "account", "amount"]


def _workbook(rows: list[tuple[object, str, str]]) -> bytes:
    """Allocation rows of ``(amount, the amount's format, the document's format)``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(HEADER)
    for n, (value, amount_format, document_format) in enumerate(rows, 1):
        sheet.append([f"R-{n}", "qu-01", "2016-09-01", f"拨款{n}", "city-2016", value])
        sheet.cell(sheet.max_row, 4).number_format = document_format
        sheet.cell(sheet.max_row, 6).number_format = amount_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _errors(rows: list[tuple[object, str, str]]) -> tuple[int, list[str]]:
    found, errors = read_bytes("money.xlsx", _workbook(rows))
    return len(found), [str(e) for e in errors]


def test_a_cell_whose_format_shows_nothing_of_it_is_refused() -> None:
    _, errors = _errors(
        [
            (100, ";;;", "General"),
            (200, '"";""', "General"),
            (300, '"元"', "General"),
            (400, "General", ";;;"),
            (500, "General", ';;;"N/A"'),
        ]
    )

    tail = ": what it shows is not what it holds; "
    assert errors == [
        "money.xlsx [receive_allocation] row 2, amount: holds 100, but its number format "
        f"shows nothing (the format ';;;' hides it){tail}type the number as it is meant (yuan, "
        "not 万元) and format the cell General",
        "money.xlsx [receive_allocation] row 3, amount: holds 200, but its number format "
        f'shows no digit of it (the format \'"";""\'){tail}type the number as it is meant '
        "(yuan, not 万元) and format the cell General",
        "money.xlsx [receive_allocation] row 4, amount: holds 300, but its number format "
        f"shows no digit of it (the format '\"元\"'){tail}type the number as it is meant "
        "(yuan, not 万元) and format the cell General",
        "money.xlsx [receive_allocation] row 5, document: holds '拨款4', but its number format "
        f"shows nothing in place of it (the format ';;;'){tail}format the cell General or "
        "Text (文本)",
        "money.xlsx [receive_allocation] row 6, document: holds '拨款5', but its number format "
        f"shows 'N/A' in place of it (the format ';;;\"N/A\"'){tail}format the cell General "
        "or Text (文本)",
    ]


def test_formats_that_show_the_value_are_read() -> None:
    rows, errors = _errors(
        [
            (100, "[Red]General", "@"),
            # a text section that shows the text as it is (one adding text is refused since
            # session 29: test_round29_import_text_formats)
            (200, "0", "0;-0;0;[Red]@"),
            (300, "#,##0", "0.00"),  # a text cell shows its text whatever its number section
            # a ';' in quotes is no section's end (the reviewer)
            (400, '"编号;"0', '"a;b"0;-0;0;@'),
            # General as Chinese Excel and WPS write it
            (500.5, "G/通用格式", "G/通用格式"),
            (600.25, 'G/通用格式"元"', "@"),
            (700.75, "[DBNum1][$-804]G/通用格式", "@"),
            (800.5, '"x"@', "@"),  # a text section alone: a number shows as General
            (900.5, "G/通用格式元", "@"),  # a word unquoted after it (no fraction)
        ]
    )

    assert (rows, errors) == (9, [])
    assert shown_otherwise(1.5, "[Red]General") == ""


def test_general_with_a_scale_is_still_refused() -> None:
    assert shown_otherwise(5.0, 'G/通用格式"万元"') == (
        "adds the text '万元', which makes it read as another number"
    )


_SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the CLI's own reading


@_SQLITE
@pytest.mark.parametrize("zeros", [0, 4400])  # zeros count towards int()'s limit (reviewer)
def test_a_whole_number_too_long_for_int_is_refused_as_out_of_range(
    seeded: Fupin, tmp_path: Path, zeros: int
) -> None:
    year = "0" * zeros + "2" * 5000
    sheet = tmp_path / "assess_income.csv"
    sheet.write_text(
        f"ref,actor,effective,document,household,year,income\nA-1,jn-01,2016-12-20,核查,"
        f"JH-0001,{year},100\n",
        encoding="utf-8",
    )
    before = seeded.event_count()

    result = seeded(f"import {sheet}", actor="jn-01")

    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert (
        f"row 2, year: {year[:60]}… ({len(year):,} digits) is out of range (whole "
        "numbers are at most 10^12)"
    ) in result.stderr
    assert seeded.event_count() == before


@_SQLITE
def test_a_huge_value_refused_is_quoted_to_its_first_characters(seeded: Fupin) -> None:
    result = seeded(f"household visit JH-0001 --helper c-1 -d 走访 -e {'2' * 1500}", actor="jn-01")

    assert_refused(
        result, "effective", f"'{'2' * 60}'… (1,500 characters) is not a date YYYY-MM-DD"
    )
    assert len(result.stderr) < 300


def test_a_year_with_thousands_of_leading_zeros_is_read_as_its_number() -> None:
    from ledger.commands import _int

    assert _int("year", "0" * 4400 + "2016") == 2016
