"""Session 22, a finance officer's small findings on amounts:

- ``fund disburse … --amount -5`` (and an import's ``disburse`` row) was told that money paid
  out is recorded with fund disburse, the advice for ``fund allocate``: each says what fits it;
- a JSONL line's ``"amount": 0.30000000000000004`` was told to round "the cell's formula" (a
  JSON number has neither), and ``-0.0`` that it is no amount with at most 2 decimals, where
  0 is told that a payment is a positive amount;
- ``--amount ５`` (a full-width digit) and ``--category " working"`` were told only that they
  are no amount, or not one of the choices: each says what it holds, as a key does (not taken
  as the plain value)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

PAY = "--category education --purpose household --household JH-0001 --measure m-1"
PAYMENT_SIGN = (
    "an amount is never negative (a payment is typed as the amount paid out; one typed wrong "
    "is voided with fupin correct)"
)
ALLOCATION_SIGN = "an amount is never negative (money paid out is recorded with fund disburse"


def _import_jsonl(fupin: Fupin, path: Path, command: str, args: dict[str, object]) -> str:
    row = {
        "command": command,
        "ref": "r-1",
        "actor": "qu-01",
        "effective": "2016-09-01",
        "document": "拨款",
        "args": {"account": "city-2016", **args},
    }
    path.write_bytes(orjson.dumps(row) + b"\n")
    before = fupin.event_count()
    result = fupin(f"import {path}", "qu-01")
    assert result.exit_code == 2, result.output
    assert fupin.event_count() == before
    return result.stderr


# -- a negative amount: the advice of its own command ----------------------------------------


def test_a_negative_payment_is_not_told_to_use_fund_disburse(seeded: Fupin) -> None:
    result = seeded(f"fund disburse city-2016 --amount -5 {PAY} {doc('2016-09-01')}", "qu-01")

    assert_refused(result, "amount", PAYMENT_SIGN)
    assert "recorded with fund disburse" not in result.stderr


def test_a_negative_allocation_is_still_told_to_use_fund_disburse(seeded: Fupin) -> None:
    result = seeded(f"fund allocate city-2016 --amount -5 {doc('2016-09-01')}", "qu-01")

    assert_refused(result, "amount", ALLOCATION_SIGN)


def test_a_negative_income_is_told_only_that_amounts_are_never_negative(seeded: Fupin) -> None:
    result = seeded(f"household assess JH-0001 2016 --income -5 {doc('2016-12-01')}", "jn-01")

    assert_refused(result, "income", "an amount is never negative")
    assert "fund disburse" not in result.stderr


@pytest.mark.parametrize("amount", [-5, -5.5, "-5"])
def test_an_import_rows_negative_payment_gets_the_payments_advice(
    seeded: Fupin, tmp_path: Path, amount: object
) -> None:
    args = {"amount": amount, "category": "education", "purpose": "household"}
    args |= {"household": "JH-0001", "measure": "m-1"}

    stderr = _import_jsonl(seeded, tmp_path / "pay.jsonl", "disburse", args)

    assert f"line 1, amount: '{amount}' is not an amount" in stderr
    assert PAYMENT_SIGN in stderr


def test_an_import_csv_rows_negative_payment_gets_the_payments_advice(
    seeded: Fupin, tmp_path: Path
) -> None:
    sheet = tmp_path / "disburse.csv"
    sheet.write_text(
        "ref,actor,effective,document,note,account,amount,category,purpose,household,measure\n"
        "r1,qu-01,2016-09-01,拨款,,city-2016,-5,education,household,JH-0001,m-1\n",
        encoding="utf-8",
    )

    result = seeded(f"import {sheet}", "qu-01")

    assert result.exit_code == 2, result.output
    assert PAYMENT_SIGN in result.stderr


def test_an_import_rows_negative_allocation_gets_the_allocations_advice(
    seeded: Fupin, tmp_path: Path
) -> None:
    stderr = _import_jsonl(seeded, tmp_path / "in.jsonl", "receive_allocation", {"amount": -5})

    assert ALLOCATION_SIGN in stderr


# -- a JSON number: no cell, no formula ---------------------------------------------------------


def test_a_json_amount_with_binary_leftovers_is_not_told_of_a_cells_formula(
    seeded: Fupin, tmp_path: Path
) -> None:
    stderr = _import_jsonl(
        seeded, tmp_path / "in.jsonl", "receive_allocation", {"amount": 0.1 + 0.2}
    )

    assert (
        "line 1, amount: 0.30000000000000004 is not an amount in yuan with at most 2 decimals: "
        "it has 17 decimals, and amounts are to the fen (0.01 yuan); a sum of binary floats "
        "leaves such digits: round the amount to 2 decimals where the file is written, or "
        'write it as text ("0.30")'
    ) in stderr
    assert "cell" not in stderr
    assert "ROUND" not in stderr


@pytest.mark.parametrize(
    ("command", "args", "rule"),
    [
        ("receive_allocation", {}, "an allocation is a positive amount"),
        (
            "disburse",
            {"category": "education", "purpose": "household", "household": "JH-0001"}
            | {"measure": "m-1"},
            "a disbursement is a positive amount",
        ),
    ],
)
@pytest.mark.parametrize("zero", [-0.0, 0.0, 0])
def test_a_json_amount_of_minus_zero_is_refused_as_zero_is(
    seeded: Fupin, tmp_path: Path, command: str, args: dict[str, object], rule: str, zero: float
) -> None:
    stderr = _import_jsonl(seeded, tmp_path / "in.jsonl", command, {"amount": zero, **args})

    assert f"line 1, amount: {rule}" in stderr


# -- full-width digits and spaces in amounts and choices -----------------------------------------

STAMP = ("-d", "拨款", "-e", "2016-09-01")
STAMPED = " ".join(STAMP)
HINT = "(it holds spaces, invisible or full-width characters: {!r}?)"


@pytest.mark.parametrize(("amount", "plain"), [("５", "5"), ("1２.50", "12.50"), ("5\u200b", "5")])
def test_an_amount_typed_with_full_width_or_invisible_characters_says_so(
    seeded: Fupin, amount: str, plain: str
) -> None:
    before = seeded.event_count()

    result = seeded.runner.invoke(
        app,
        ["--as", "qu-01", "fund", "allocate", "city-2016", "--amount", amount, *STAMP],
    )

    assert_refused(result, "amount", f"{amount!r} is not an amount in yuan with at most 2 decimals")
    assert HINT.format(plain) in result.stderr
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    ("option", "value", "plain"),
    [
        # Spaces around a category or a purpose are no part of it since session 24 (as around
        # an area): `` working`` is read as ``working``, as an import always read it.
        ("--category", "ｗｏｒｋｉｎｇ", "working"),
        ("--purpose", "ｗｏｒｋｉｎｇ", "working"),
    ],
)
def test_a_choice_typed_with_spaces_or_full_width_letters_says_so(
    seeded: Fupin, option: str, value: str, plain: str
) -> None:
    given = {"--category": "working", "--purpose": "working", option: value}
    args = [arg for name, choice in given.items() for arg in (name, choice)]

    result = seeded.runner.invoke(
        app,
        ["--as", "qu-01", "fund", "disburse", "city-2016", "--amount", "5", *args, *STAMP],
    )

    field = option.removeprefix("--")
    assert_refused(result, field, f"{value!r} is not one of")
    assert HINT.format(plain) in result.stderr


def test_a_choice_merely_misspelt_gets_no_hint(seeded: Fupin) -> None:
    result = seeded(
        f"fund disburse city-2016 --amount 5 --category working --purpose workng {STAMPED}", "qu-01"
    )

    # Each with its Chinese term since session 24 (到户 and 到村 are read too).
    assert_refused(result, "purpose", "'workng' is not one of household 到户, village 到村")
    assert "holds" not in result.stderr


def test_an_import_rows_full_width_amount_says_so(seeded: Fupin, tmp_path: Path) -> None:
    stderr = _import_jsonl(seeded, tmp_path / "in.jsonl", "receive_allocation", {"amount": "５"})

    assert HINT.format("5") in stderr
