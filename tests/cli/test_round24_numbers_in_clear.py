"""Session 24 (a re-tester of the erasure changes, on a copy of the demo): the check that no
ID-card or mobile number is recorded in clear read only 18 or 11 ASCII digits in one run.

- An ID card split by blanks, dashes, U+3000, U+00A0 or a zero-width space, or typed in
  full-width digits (its check ``Ｘ`` too), was recorded in clear: its digits are read as one
  number, and refused.
- A phone written as phones are (``138 0013 8000``, ``+8613800138000``, after ``电话：``) was
  recorded in clear: refused. But a bare 11-digit number from 13… to 19… was refused too, and
  that is an accounting voucher's or a contract's number (yymmdd and a serial) as often as a
  phone: it passes unless the text shows it is a phone.
"""

from __future__ import annotations

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

VISIT = f"household visit JH-0001 --helper c-1 {doc('2016-09-10')} --summary 入户走访 --note "
CARD = "440704198708067078"  # passes the checksum and the birth date
WITH_X = id_card(6)  # 44070419800101006X
IN_CLEAR = "personal data goes only into the sealed personal fields"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else c for c in text)


@pytest.mark.parametrize(
    "note",
    [
        f"身份证{CARD[:6]} {CARD[6:14]} {CARD[14:]}",
        f"{CARD[:6]}-{CARD[6:14]}-{CARD[14:]}",
        f"{CARD[:6]}\u3000{CARD[6:]}",
        f"{CARD[:6]}\u00a0{CARD[6:]}",
        f"{CARD[:9]}\u200b{CARD[9:]}",
        _full_width(CARD),
        _full_width(WITH_X[:-1]) + "Ｘ",
        f"{WITH_X[:-1]}x",
    ],
    ids=["blanks", "dashes", "ideo-space", "nbsp", "zero-width", "full-width", "wide-X", "x"],
)
def test_an_id_card_written_apart_or_in_full_width_is_refused(seeded: Fupin, note: str) -> None:
    before = seeded.event_count()

    refused = seeded(f"{VISIT}'{note}'", "jn-01")

    assert_refused(refused, "note", "holds an ID-card number (characters ")
    assert IN_CLEAR in refused.stderr
    assert CARD not in refused.stderr
    assert WITH_X[:-1] not in refused.stderr
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    "note",
    [
        "138 0013 8000",
        "138-0013-8000",
        "138.0013.8000",
        "138\u30000013\u30008000",
        "138\u00a00013\u00a08000",
        "+8613800138000",
        "8613800138000",
        "(+86) 13800138000",
        "联系电话：13800138000",
        "手机 " + _full_width("13800138000"),
        "Tel: 13800138000",
        "PHONE 138 00138000",
    ],
)
def test_a_mobile_written_as_a_phone_is_refused(seeded: Fupin, note: str) -> None:
    before = seeded.event_count()

    refused = seeded(f"{VISIT}'{note}'", "jn-01")

    assert_refused(refused, "note", "holds a mobile phone number (characters ")
    assert "written as a phone" in refused.stderr
    assert "0013" not in refused.stderr
    assert "00138000" not in refused.stderr
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    "note",
    [
        "记账凭证17010100001",
        "HT-16120100001",
        "江财〔2017〕13812345678号",
        "拨付15000000000分",
        "13800138000",  # bare: a voucher as often as a phone
        "hotel13800138000",
    ],
)
def test_a_bare_eleven_digit_number_passes(seeded: Fupin, note: str) -> None:
    seeded.ok(f"{VISIT}'{note}'", "jn-01")


def test_a_payment_with_a_voucher_number_as_its_document_is_recorded(seeded: Fupin) -> None:
    seeded.ok(
        "fund disburse city-2016 --amount 8 --category working --purpose working "
        "-d 记账凭证18120300015 -e 2016-09-01",
        "admin",
    )
