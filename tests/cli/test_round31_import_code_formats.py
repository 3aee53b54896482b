"""Left from session 29: a number cell of an xlsx import whose format adds a code's letters to
its digits (``"JN"000000`` shows 12 as JN000012) was read as the number it holds, 12 yuan
recorded where the officer sees a code. Letters beside the digits in capitals, or touching
them before, are refused as ``"JN-"000000`` is, in every column; a currency's sign or code
(``¥``, ``[$¥-804]``, ``RMB``, ``CNY``), a unit's word (``元``, ``yuan``), thousands separators
and a label set apart by a space are an amount's, and read (docs/import.md). Session 31,
tester l: Excel's currency code (``[$JN-804]000000``) and a yes/no word's letters
(``"NO"000000``) are a code's too, and another currency's sign (``$#,##0.00``) is refused as
``$12`` typed is; yuan's (``[$RMB-804]``, ``[$CNY]``) are read."""

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


def _currency(sign: str) -> str:
    """What a format showing another currency's ``sign`` is said to add (session 31, tester
    l: such a cell was read as yuan, though ``$12`` typed as text is refused)."""
    return f"{sign!r} (another currency's, where an amount is in yuan)"


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
        # Session 31, tester l: Excel's currency code shows its text (JN000012), and a yes/no
        # word's letters are a code's outside a yes/no column (N000012): read as 12 yuan.
        ("[$JN-804]000000", "JN"),
        ("[$JN]000000", "JN"),
        ("[$JN-804]0.00", "JN"),
        ("[Red][$JN]0", "JN"),
        ('"N"000000', "N"),
        ('"NO"000000', "NO"),
        ('"Y"000000', "Y"),
        ('000000"N"', "N"),
        ('"TRUE"0', "TRUE"),
        # Session 31, tester l: another currency, $12.00, read as 12 yuan.
        ("$#,##0.00", _currency("$")),
        ('"$"#,##0.00', _currency("$")),
        ("[$$-409]#,##0.00", _currency("$")),  # Excel's own US dollars
        ("[$€-2] #,##0.00", _currency("€")),
        ("#,##0.00 [$€-1]", _currency("€")),
        ("[$USD] #,##0.00", _currency("USD")),
        ('"US$"0.00', _currency("US$")),
        ('"HKD"0.00', _currency("HKD")),
        ('"HK$"#,##0.00', _currency("HK$")),  # session 26 read it: no scale's k
        ('#,##0.00"美元"', _currency("美元")),
        ('"USD"000000', _currency("USD")),
    ],
)
def test_an_amount_shown_with_a_codes_letters_or_another_currency_is_refused(
    seeded: Fupin, tmp_path: Path, dry_run: str, number_format: str, word: str
) -> None:
    path = _allocation(tmp_path / "b.xlsx", number_format)
    before = seeded.event_count()

    result = seeded(f"import {dry_run}{path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert seeded.event_count() == before
    said = " ".join(result.stderr.split())
    added = word if word.startswith("'") else repr(word)
    assert (
        f"{path} [receive_allocation] row 2, amount: holds 12, but its number format adds "
        f"{added} to it (the format {number_format!r}): what it shows is not what it holds; "
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
        '"Total "0.00',  # a label set apart by a space
        '0"笔"',
        "[$RMB-804]0.00",  # session 31, tester l: yuan's code in Excel's currency syntax
        "[$CNY]0.00",
        "[$-804]0.00",  # a locale alone
        "[Red][$¥-804]0.00",
        '"CNY "000000',
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
