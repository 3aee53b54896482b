"""Session 28 (carried from session 27's testers): ``-¥100`` was refused for its sign alone,
though it is negative too; ``100 yuan`` for holding "spaces, invisible or full-width
characters", though its unit is what stops it; ``100円`` (the yen's character) as "not an
amount", with no hint that it is another currency. Each now says what it holds."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the commands' own messages: SQLite is enough (tests/conftest.py)"

STAMP = ("-d", "拨款", "-e", "2016-09-01")
HOW = "an amount is digits in yuan, with no currency sign or unit, e.g. 1234.50"
NEVER = "an amount is never negative (money paid out is recorded with fund disburse"
CASES = [
    ("-¥100", f"'-¥100' holds the currency sign '¥': {HOW}; {NEVER}"),
    ("¥-100", f"'¥-100' holds the currency sign '¥': {HOW}; {NEVER}"),
    ("-100元", f"'-100元' holds the unit '元': {HOW}; {NEVER}"),
    ("100 yuan", f"'100 yuan' holds the unit 'yuan': {HOW} (this one: 100.00)"),
    ("100 Yuan", f"'100 Yuan' holds the unit 'Yuan': {HOW} (this one: 100.00)"),
    ("100円", "'100円' is in another currency ('円'), not yuan"),
]


@pytest.mark.parametrize(("amount", "said"), CASES)
def test_an_amount_is_refused_for_what_it_holds(seeded: Fupin, amount: str, said: str) -> None:
    before = seeded.event_count()

    result = seeded.runner.invoke(
        app,
        ["--as", "qu-01", "fund", "allocate", "city-2016", "--amount", amount, *STAMP],
    )

    assert_refused(result, "amount", said)
    assert "invisible" not in result.stderr
    assert seeded.event_count() == before
