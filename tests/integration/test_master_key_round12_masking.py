"""Masking 脱敏 always hides something (docs/privacy.md, what each reader sees): a short phone
or an odd, short ID-card number of an old register is masked whole, never shown in full to an
analyst or another street's officer. Through the masking functions and ``Reader``: the command
line no longer takes such a phone (phones are checked), but records made before it may hold
one."""

from __future__ import annotations

import pytest
from ledger.household import ERASED, SEALED, Personal
from ledger.privacy import ANONYMOUS, Reader, mask_id_card, mask_name, mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("5678", "****"),  # was shown whole: 5678
        ("678", "***"),
        ("8", "*"),
        ("", ""),
        ("12345", "****5"),  # was *2345: one character hidden
        ("1234567", "****567"),
        ("12345678", "****5678"),
        ("13800001234", "*******1234"),
    ],
)
def test_a_phone_always_hides_four_characters_or_all_of_a_shorter_one(
    phone: str, masked: str
) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("44070419800", "***********"),  # 11 characters: was 440704*9800, one hidden
        ("44070419800101", "**************"),
        ("440704800101123", "440704*****1123"),  # the first-generation 15 digits
        ("440704198001011234", "440704********1234"),
    ],
)
def test_an_id_card_shorter_than_fifteen_characters_is_masked_whole(
    number: str, masked: str
) -> None:
    assert mask_id_card(number) == masked


def test_every_masked_value_hides_at_least_one_character() -> None:
    for length in range(1, 25):
        value = "1" * length
        for mask in (mask_name, mask_id_card, mask_phone):
            assert "*" in mask(value), (mask.__name__, length)


def test_an_analyst_and_another_streets_officer_see_a_short_phone_masked_whole() -> None:
    personal = Personal("李", "44070419800", "5678", "江海区某路1号", ("李",))

    for reader in (Reader("ana-1", "analyst"), Reader("ll-01", "officer", "礼乐"), ANONYMOUS):
        seen = reader.personal(personal, "江南")
        assert (seen.head_name, seen.id_card, seen.phone, seen.address, seen.member_names) == (
            "*",
            "***********",
            "****",
            "",
            ("*",),
        )
    assert Reader("jn-01", "officer", "江南").personal(personal, "江南") == personal


def test_the_placeholders_of_erased_and_sealed_data_are_not_masked() -> None:
    for mark in (ERASED, SEALED):
        assert (mask_name(mark), mask_id_card(mark), mask_phone(mark)) == (mark, mark, mark)
