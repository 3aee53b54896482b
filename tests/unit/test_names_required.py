"""A household's head and its members have names: a blank one (``--head-name ""``, a
``--member-name " "`` among others) was recorded, and the notice list printed an empty name.
No names at all stays allowed (member names are optional; in a change of members an empty
tuple records none)."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date
from functools import partial

import pytest
from ledger.application import Ledger
from ledger.casework import PersonalChange
from ledger.errors import InputError
from ledger.household import Household, Personal

from tests.support import id_card, identify, refuses, stamp
from tests.unit.test_household import facts

JN = "jn-01"
CHANGED = stamp(JN, date(2016, 9, 1), note="新生儿出生")


@pytest.mark.parametrize("head", ["", " ", "\t\n", "\u3000"])
def test_identification_without_a_head_name_is_refused(ledger: Ledger, head: str) -> None:
    personal = Personal(head, id_card(9), member_names=("甲", "乙"))

    error = refuses(
        ledger,
        InputError,
        "head_name",
        lambda: ledger.identify(stamp(JN), facts(personal=personal)),
    )

    assert error.rule == "must not be empty"
    assert not ledger.exists(Household, "JH-9")


@pytest.mark.parametrize("names", [("", ""), ("甲", " "), ("\u3000", "乙")])
def test_identification_with_a_blank_member_name_is_refused(
    ledger: Ledger, names: tuple[str, ...]
) -> None:
    personal = Personal("户主", id_card(9), member_names=names)

    error = refuses(
        ledger,
        InputError,
        "member_names",
        lambda: ledger.identify(stamp(JN), facts(personal=personal)),
    )

    blank = next(i for i, name in enumerate(names) if not name.strip()) + 1
    assert error.rule == f"the name of member {blank} of 2 is blank: give every member's name"


def test_identification_without_member_names_is_recorded(ledger: Ledger) -> None:
    ledger.identify(stamp(JN), facts(personal=Personal("户主", id_card(9))))

    assert ledger.household("JH-9").personal.member_names == ()


def test_names_are_recorded_trimmed_and_composed(ledger: Ledger) -> None:
    head = unicodedata.normalize("NFD", " Zoë ")
    personal = Personal(head, id_card(9), member_names=(head, " 乙"))

    ledger.identify(stamp(JN), facts(personal=personal))

    recorded = ledger.household("JH-9").personal
    assert recorded.head_name == "Zoë" == unicodedata.normalize("NFC", "Zoë")
    assert recorded.member_names == ("Zoë", "乙")


def test_a_change_of_members_without_a_head_name_is_refused(ledger: Ledger) -> None:
    identify(ledger, "JH-1", members=1)
    for personal in (
        Personal(" ", id_card(1)),
        PersonalChange("", id_card(1)),
    ):
        refuses(
            ledger,
            InputError,
            "head_name",
            partial(ledger.change_members, CHANGED, "JH-1", 1, personal),
        )


def test_a_change_of_members_with_a_blank_member_name_is_refused(ledger: Ledger) -> None:
    identify(ledger, "JH-1", members=1)
    for personal in (
        Personal("户主1", id_card(1), member_names=("户主1", "")),
        PersonalChange("户主1", id_card(1), member_names=("户主1", " ")),
    ):
        error = refuses(
            ledger,
            InputError,
            "member_names",
            partial(ledger.change_members, CHANGED, "JH-1", 2, personal),
        )
        assert error.rule == "the name of member 2 of 2 is blank: give every member's name"


def test_a_change_of_members_recording_no_names_is_still_allowed(ledger: Ledger) -> None:
    identify(ledger, "JH-1", members=1)
    ledger.change_members(
        CHANGED, "JH-1", 1, PersonalChange("户主1", id_card(1), member_names=("户主1",))
    )
    later = replace(CHANGED, effective=date(2016, 9, 2))

    ledger.change_members(later, "JH-1", 2, PersonalChange("户主1", id_card(1), member_names=()))

    assert ledger.household("JH-1").personal.member_names == ()
    assert ledger.household("JH-1").members == 2
