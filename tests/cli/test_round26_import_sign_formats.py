"""Session 26, tester H (hostile import files): a number format that shows another sign
(``-0.00``, ``\\-0.00``, ``"-"0.00``, ``[Red]-0.00``, ``(0.00)``) or a percent sign as text
(``0.00\\%``) was read as the number held: a cell showing -100.00 went in as 100. Refused as
other formats that show another number are (docs/import.md)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

HEADERS = ["ref", "actor", "effective", "document", "note", "account", "amount"]


def _allocation(path: Path, number_format: str) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(HEADERS)
    sheet.append(["R-1", "qu-01", "2016-09-01", "拨款1", "", "city-2016", 100])
    sheet["G2"].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(
    "number_format", ["-0.00", "\\-0.00", '"-"0.00', "[Red]-0.00", "(0.00)", "0.00-"]
)
def test_a_format_showing_a_negative_number_is_refused(
    seeded: Fupin, tmp_path: Path, number_format: str
) -> None:
    path = _allocation(tmp_path / "book.xlsx", number_format)
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path} [receive_allocation] row 2, amount: holds 100, but its number format shows it "
        "as a negative number (a minus sign or parentheses): what it shows is not what it holds"
    ) in result.stderr
    assert seeded.event_count() == before


def test_a_format_adding_a_percent_sign_as_text_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    path = _allocation(tmp_path / "book.xlsx", "0.00\\%")

    result = seeded(f"import --dry-run {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        "amount: holds 100, but its number format adds the text '%', which makes it read as "
        "another number"
    ) in result.stderr


@pytest.mark.parametrize(
    ("number_format", "text"),
    [
        ('0.00 "％"', "％"),  # full-width, typed with a Chinese input method
        ('0.00"‰"', "‰"),
        ("0.00﹪", "﹪"),
        ('0.00"k"', "k"),  # shows 100.00k
        ('#,##0.00 "W"', "W"),  # 万, as some write it
        # re-check B2, session 26: a scale's letter, then a unit of money, was read as written
        ('0.00"K元"', "K元"),
        ('0.00"k yuan"', "k yuan"),
        ('0.00"w元"', "w元"),
        ('0.00"M 元"', "M 元"),
        ('0.00"W RMB"', "W RMB"),
        # its re-test: full-width signs and letters, 人民币, and what follows the unit
        ('0.00"K￥"', "K￥"),
        ('0.00"K人民币"', "K人民币"),
        ('0.00"Ｋ元"', "Ｋ元"),
        ('0.00"Ｗ"', "Ｗ"),
        ('0.00"k元整"', "k元整"),
        ('0.00"K 元/户"', "K 元/户"),
    ],
)
def test_a_format_adding_another_percent_sign_or_a_scales_letter_is_refused(
    seeded: Fupin, tmp_path: Path, number_format: str, text: str
) -> None:
    # tester K, session 26: read as the number held, the cell showing 100.00 ％ or 100.00k
    path = _allocation(tmp_path / "book.xlsx", number_format)

    result = seeded(f"import --dry-run {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"amount: holds 100, but its number format adds the text '{text}', which makes it "
        "read as another number"
    ) in result.stderr


@pytest.mark.parametrize(
    "number_format",
    [
        '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',  # Excel's Accounting
        "¥#,##0.00;¥-#,##0.00",  # a minus in the negative section only
        '0.00"(元)"',
        "+0.00",
        '0.00"kg"',  # a word holding a scale's letter is no scale ("HK$": session 31, refused)
        '0.00"km"',
        '0.00"元"',
    ],
)
def test_a_format_showing_the_number_as_it_is_is_read(
    seeded: Fupin, tmp_path: Path, number_format: str
) -> None:
    path = _allocation(tmp_path / "book.xlsx", number_format)

    result = seeded.ok(f"import --dry-run {path}", "qu-01")

    assert "1 row(s) would be applied" in result.stdout
