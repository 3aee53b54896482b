"""Session 27, re-tester G (L2) of tester E's amounts with a currency sign or unit: a sign after
the digits (``100RMB``, ``100CNY``, ``100人民币``) was plainly "not an amount", ``100¥`` said to
hold "a character new keys are not written in", ``100 RMB`` told to write '100RMB' (itself
refused), ``$100`` given "(this one: 100.00)", dollars called yuan, and ``100美元`` said to hold
the unit '元'. A sign after the digits is named as one before them; another currency is refused
as not yuan, with no figure in yuan (docs/cli.md, Values)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the commands' own messages: SQLite is enough (tests/conftest.py)"

STAMP = ("-d", "拨款", "-e", "2016-09-01")
HOW = "an amount is digits in yuan, with no currency sign or unit, e.g. 1234.50"
AFTER = [
    ("100RMB", "RMB"),
    ("100 RMB", "RMB"),
    ("100CNY", "CNY"),
    ("100人民币", "人民币"),
    ("100¥", "¥"),
    ("100 ￥", "￥"),
]
FOREIGN = [
    ("$100", "$"),
    ("100美元", "美元"),
    ("100港元", "港元"),
    ("100欧元", "欧元"),
    ("100 USD", "USD"),
    ("HKD 100", "HKD"),
    ("HK$100", "HK$"),
]
NOT_YUAN = "not yuan: the ledger records amounts in yuan (人民币); convert it, and type the yuan"


def _allocate(seeded: Fupin, amount: str) -> str:
    result = seeded.runner.invoke(
        app, ["--as", "qu-01", "fund", "allocate", "city-2016", "--amount", amount, *STAMP]
    )
    assert_refused(result, "amount", "")
    return result.stderr


@pytest.mark.parametrize(("amount", "sign"), AFTER)
def test_a_sign_after_the_digits_is_named_as_before_them(
    seeded: Fupin, amount: str, sign: str
) -> None:
    said = _allocate(seeded, amount)

    assert f"'{amount}' holds the currency sign '{sign}': {HOW} (this one: 100.00)" in said
    assert "new keys" not in said
    assert "'100RMB'?" not in said


@pytest.mark.parametrize(("amount", "sign"), FOREIGN)
def test_another_currency_is_refused_as_not_yuan_with_no_figure_in_yuan(
    seeded: Fupin, amount: str, sign: str
) -> None:
    said = _allocate(seeded, amount)

    assert f"'{amount}' is in another currency ('{sign}'), {NOT_YUAN}" in said
    assert "this one" not in said
    assert "the unit '元'" not in said


def test_an_import_rows_amount_is_refused_the_same(seeded: Fupin, tmp_path: Path) -> None:
    sheet = tmp_path / "receive_allocation.csv"
    sheet.write_text(
        "ref,actor,effective,document,note,account,amount\n"
        "r-1,qu-01,2016-09-01,拨款,,city-2016,100RMB\n"
        "r-2,qu-01,2016-09-01,拨款,,city-2016,100美元\n",
        encoding="utf-8",
    )

    result = seeded(f"import --dry-run {sheet}", "qu-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert (
        f"row 2, amount: '100RMB' holds the currency sign 'RMB': {HOW} (this one: 100.00)" in said
    )
    assert f"row 3, amount: '100美元' is in another currency ('美元'), {NOT_YUAN}" in said


def test_a_character_no_amount_has_is_not_told_of_keys(seeded: Fupin) -> None:
    said = _allocate(seeded, "100\\")

    assert "it holds a backslash, which no amount has" in said
    assert "new keys" not in said
