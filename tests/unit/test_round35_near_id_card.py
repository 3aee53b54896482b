"""Session 35, tester f (F7): a refusal quoted an ID-card number typed with one digit wrong, or
cut of its check character, whole (`refused members: 440704198512124561 is out of range`): it
failed the card's check, so no rule read it as one. A refusal withholds digits written as an
ID card is (a region code, then a birth date) too; what the ledger records is judged as
before."""

from __future__ import annotations

import pytest
from ledger.errors import NEAR_ID_CARD, unquoted
from ledger.values import personal_number

from tests.support import id_card


@pytest.mark.parametrize(
    "typed",
    [
        id_card(1)[:-1] + str((int(id_card(1)[-1], 36) + 1) % 10),  # the check digit wrong
        id_card(1)[:-1],  # cut of its check character
        id_card(1)[:-2],  # 16 digits
        "44070420010101123X",
        # re-tester r, session 35: a digit too many, the month or the day mistyped
        id_card(1) + "4",
        "440704199013010013",
        "440704199001320013",
    ],
)
def test_a_refusal_withholds_digits_written_as_an_id_card(typed: str) -> None:
    said = unquoted(f"'{typed}' is not a date")

    assert typed not in said
    assert NEAR_ID_CARD in said


@pytest.mark.parametrize(
    "text",
    [
        "amount 12345678 too large",  # 8 digits
        "entry 440704 of JH-0001",
        "log id 1234567890123456789012 is past the end",  # no birth date in it
        "dated 20161205, after 20161130",
        "140704185513124561",  # no birth year 19xx or 20xx
        "1234567890123456789012",  # 22 digits: no ID card's length
        "9223372036854775808 is past the largest",  # a bound refusals name: no province 9x
    ],
)
def test_a_refusal_of_other_numbers_is_said_as_it_stands(text: str) -> None:
    assert unquoted(text) == text


def test_what_the_ledger_records_is_judged_as_before() -> None:
    # a note of a bank account (the card's check fails) is no personal number there
    assert personal_number("账号 440704198512124561") is None
