"""Left from session 29: a number cell of an xlsx import whose format adds a code's letters to
its digits (``"JN"000000`` shows 12 as JN000012) was read as the number it holds, 12 yuan
recorded where the officer sees a code. Letters beside the digits in capitals, or touching
them before, are refused as ``"JN-"000000`` is, in every column; a currency's sign or code
(``¥``, ``[$¥-804]``, ``RMB``, ``CNY``), a unit's word (``元``, ``yuan``), thousands separators
and a label set apart by a space are an amount's, and read (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger.application import open_ledger
from ledger.funds import FundAccount

from tests.cli.conftest import (
    ALLOCATION_COLUMNS,
    Fupin,
    identify_sheet,
    import_refused,
    saved,
    workbook,
)

STORE_INDEPENDENT = "the workbook is read before the store is written: SQLite is enough"


def _allocation(path: Path, number_format: str, column: str = "G") -> Path:
    """A receive_allocation sheet of 12 yuan into city-2016 (document 拨款1), the cell of
    ``column`` formatted ``number_format``; in document's (D), the number 999002."""
    row = ["R-1", "qu-01", "2016-09-01", 999002 if column == "D" else "拨款1", "", "city-2016", 12]
    sheet = workbook("receive_allocation", ALLOCATION_COLUMNS, row)
    return saved(sheet, path, {f"{column}2": number_format})


@pytest.mark.parametrize("dry_run", ["--dry-run ", ""])
@pytest.mark.parametrize(
    ("number_format", "word"),
    [
        ('"JN"000000', "JN"),  # Excel shows 12 as JN000012
        ('"JN "000000', "JN"),  # JN 000012
        ('"ＪＮ"000000', "ＪＮ"),  # full-width, typed with a Chinese input method
        ("\\J\\N000000", "JN"),
        ('[Red]"HH"0', "HH"),
        ('"jn"0', "jn"),  # small letters touching the digits before them
        ('000000"A"', "A"),  # 000012A
        ('"JN"G/通用格式', "JN"),  # General as Chinese Excel writes it
    ],
)
def test_an_amount_shown_with_a_codes_letters_is_refused_nothing_written(
    seeded: Fupin, tmp_path: Path, dry_run: str, number_format: str, word: str
) -> None:
    path = _allocation(tmp_path / "b.xlsx", number_format)
    before = seeded.event_count()

    result = seeded(f"import {dry_run}{path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert seeded.event_count() == before
    said = " ".join(result.stderr.split())
    assert (
        f"{path} [receive_allocation] row 2, amount: holds 12, but its number format adds "
        f"{word!r} to it (the format {number_format!r}): what it shows is not what it holds; "
        "type the number as it is meant"
    ) in said


def test_a_whole_number_shown_with_a_codes_letters_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = saved(identify_sheet({}), tmp_path / "i.xlsx", {"I2": '"HH"0'})

    said = import_refused(seeded, path, "jn-01")

    assert (
        "[identify] row 2, members: holds 3, but its number format adds 'HH' to it (the format "
        "'\"HH\"0'): what it shows is not what it holds; type the number as it is meant and "
        "format the cell General"
    ) in said


def test_a_number_in_a_text_column_shown_with_a_codes_letters_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    said = import_refused(seeded, _allocation(tmp_path / "b.xlsx", '"JN"000000', "D"))

    assert (
        "row 2, document: is a number in the spreadsheet, not text: it holds 999002, but its "
        "number format adds 'JN' to it (the format '\"JN\"000000')"
    ) in said


@pytest.mark.parametrize(
    "number_format",
    [
        '"¥"0.00',
        "¥#,##0.00",
        "#,##0.00",
        "[$¥-804]#,##0.00",
        '"RMB"0.00',  # a currency's code, touching the digits or not
        '"RMB "#,##0.00',
        '#,##0.00" CNY"',
        '"人民币"#,##0.00',
        '0.00"元"',  # a unit's word
        '0.00" yuan"',
        '0.00"Yuan"',
        '"US$"0.00',  # another currency's sign, read as before
        '"Total "0.00',  # a label set apart by a space
        '0"笔"',
    ],
)
def test_an_amount_shown_with_a_currency_or_a_unit_is_imported(
    seeded: Fupin, tmp_path: Path, number_format: str
) -> None:
    result = seeded(f"import {_allocation(tmp_path / 'b.xlsx', number_format)}", "qu-01")

    assert (result.exit_code, _balance_fen(seeded)) == (0, 100_000 + 1_200), result.output


def _balance_fen(fupin: Fupin) -> int:
    """The balance of city-2016 (1,000 yuan in ``seeded``), in fen."""
    app = open_ledger(fupin.store)
    try:
        return app.load(FundAccount, "city-2016", "account").balance_fen
    finally:
        app.close()
