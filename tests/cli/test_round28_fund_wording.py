"""Tester A, session 28 (a district finance officer): ``fund disburse --amount -0`` was refused
saying "an amount is never negative", though -0 is not negative; it is 0, told what 0.00 is
told. ``--purpose organisation --category working`` said "a organisation payment's category
is …"; an 800 number's length was told as "a 800 number"."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own messages: SQLite is enough (tests/conftest.py)"

STAMP = ["-d", "拨款", "-e", "2016-09-01"]


@pytest.mark.parametrize("amount", ["-0", "-0.00", "−0", "0.00"])
def test_a_payment_of_minus_zero_is_told_what_zero_is(seeded: Fupin, amount: str) -> None:
    before = seeded.event_count()

    result = seeded.runner.invoke(
        app,
        [
            *("--as", "qu-01", "fund", "disburse", "city-2016", "--amount", amount),
            *("--purpose", "working", "--category", "working", *STAMP),
        ],
    )

    assert_refused(result, "amount", "a disbursement is a positive amount")
    assert "negative" not in result.stderr
    assert seeded.event_count() == before


def test_an_allocation_of_minus_zero_too(seeded: Fupin) -> None:
    result = seeded.runner.invoke(
        app, ["--as", "qu-01", "fund", "allocate", "city-2016", "--amount", "-0", *STAMP]
    )

    assert_refused(result, "amount", "an allocation is a positive amount")


def test_a_fen_below_zero_is_still_negative(seeded: Fupin) -> None:
    result = seeded.runner.invoke(
        app, ["--as", "qu-01", "fund", "allocate", "city-2016", "--amount", "-0.01", *STAMP]
    )

    assert_refused(result, "amount", "an amount is never negative")


def test_an_organisation_payment_is_named_with_an(seeded: Fupin) -> None:
    result = seeded.runner.invoke(
        app,
        [
            *("--as", "qu-01", "fund", "disburse", "city-2016", "--amount", "5"),
            *("--purpose", "organisation", "--category", "working", *STAMP),
        ],
    )

    assert_refused(
        result,
        "category",
        "an organisation payment's category is social-work 社工组织, not working 工作经费",
    )


def test_an_800_number_is_named_with_an(seeded: Fupin) -> None:
    result = seeded(
        "household identify JH-0301 --street 江南 --village 雄光 --area rural --members 1 "
        f"--head-name 甲 --id-card 440704198001013017 --phone 800812312 {doc('2016-08-01')}",
        "jn-01",
    )

    assert_refused(result, "phone", "begins with 800 and has 9 digits: an 800 number is 10")
