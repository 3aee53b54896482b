"""Session 27, tester E (and C4): an amount typed with a currency sign or a unit (``¥100``,
``100元``, ``159.2万``, ``￥1,234.50``) was refused as "not an amount in yuan", ``¥100`` adding
that it held "U+00A5 YEN SIGN, a character new keys are not written in" (about keys, not
amounts), ``100元`` and ``159.2万`` with no hint. The refusal says the sign or unit is what
stops it and how to write it (digits in yuan, e.g. 1234.50), the same on the command line and
in an import's row, and names the amount in yuan when the rest is one."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own messages: SQLite is enough (tests/conftest.py)"

STAMP = ("-d", "拨款", "-e", "2016-09-01")
HOW = "an amount is digits in yuan, with no currency sign or unit, e.g. 1234.50"
CASES = [
    ("¥100", "'¥100' holds the currency sign '¥'", "100.00"),
    ("100元", "'100元' holds the unit '元'", "100.00"),
    ("159.2万", "'159.2万' holds the unit '万' (10,000 yuan)", "1592000.00"),
    ("￥1,234.50", "'￥1,234.50' holds the currency sign '￥'", "1234.50"),
    ("人民币100元", "'人民币100元' holds the currency sign '人民币' and the unit '元'", "100.00"),
    # Re-tester M, session 27: '100万元整' was said to hold '元整', with no figure.
    ("100万元整", "'100万元整' holds the unit '万元整' (10,000 yuan)", "1000000.00"),
    # Fuzzer Q, session 27: 万亿 (10^12) was named as the unit 亿.
    ("0.5万亿", "'0.5万亿' holds the unit '万亿' (1,000,000,000,000 yuan)", "500000000000.00"),
]


@pytest.mark.parametrize(("amount", "held", "plain"), CASES)
def test_an_amount_with_a_sign_or_unit_is_refused_saying_so(
    seeded: Fupin, amount: str, held: str, plain: str
) -> None:
    before = seeded.event_count()

    result = seeded.runner.invoke(
        app,
        ["--as", "qu-01", "fund", "allocate", "city-2016", "--amount", amount, *STAMP],
    )

    assert_refused(result, "amount", f"{held}: {HOW} (this one: {plain})")
    assert "new keys" not in result.stderr
    assert seeded.event_count() == before


@pytest.mark.parametrize(("amount", "held", "plain"), CASES)
def test_an_import_rows_amount_is_refused_the_same(
    seeded: Fupin, tmp_path: Path, amount: str, held: str, plain: str
) -> None:
    sheet = tmp_path / "receive_allocation.csv"
    sheet.write_text(
        "ref,actor,effective,document,note,account,amount\n"
        f'r-1,qu-01,2016-09-01,拨款,,city-2016,"{amount}"\n',
        encoding="utf-8",
    )
    before = seeded.event_count()

    result = seeded(f"import {sheet}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"amount: {held}: {HOW} (this one: {plain})" in result.stderr
    assert seeded.event_count() == before


def test_a_sign_before_what_is_no_amount_still_says_how_to_write_one(seeded: Fupin) -> None:
    result = seeded(f"household assess JH-0001 2016 --income ¥九千 {doc('2016-11-30')}", "jn-01")

    assert_refused(result, "income", f"'¥九千' holds the currency sign '¥': {HOW}")
    assert "this one" not in result.stderr
