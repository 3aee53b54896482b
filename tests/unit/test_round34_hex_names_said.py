"""A name the ledger writes in hex (a master key's 16-digit id, a hash, a UUID) is said in a
refusal as it stands, wherever its digits fall; a personal number beside it is still withheld
(ledger.errors.unquoted, since session 34: one master key id in ~2,000 holds a run like a bare
mobile number, and the refusal naming it said "holds 11 digits from 13… to 19…" instead)."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger.errors import BARE_MOBILE, NEVER_QUOTED, InputError, unquoted
from ledger.privacy import master_key_id

from tests.support import id_card

#: Ids seen to hold a run like a bare mobile number (the first failed CI's kind).
_UNLUCKY = ["7334b14872925669", "19944301942ab1e7", "13813936094ae5cd", "0e18335972432e9d"]
_HEX = st.text(alphabet="0123456789abcdef", min_size=1, max_size=64)


@pytest.mark.parametrize("key", _UNLUCKY)
def test_a_master_key_id_is_named_whatever_its_digits(key: str) -> None:
    rule = f"master key {key} is not the current one: give the current master key"

    assert unquoted(rule) == rule
    assert key in str(InputError("master_key", rule))


@given(st.binary(min_size=1, max_size=64), st.uuids())
def test_no_id_hash_or_uuid_the_ledger_writes_is_withheld(master: bytes, ident: uuid.UUID) -> None:
    digest = hashlib.sha256(master).hexdigest()
    rule = (
        f"master key {master_key_id(master)} is not the current one; root {digest}; "
        f"event {ident} ('{ident}')"
    )

    assert unquoted(rule) == rule


@given(_HEX.filter(lambda t: any(c in "abcdef" for c in t) and len(t) >= 16))
def test_a_phone_or_card_beside_a_hex_name_is_still_withheld(name: str) -> None:
    for personal in ("13800138000", id_card(7), "138-0013-8000"):
        for rule in (f"key {name} and {personal}", f"'{personal}' is not a date; key {name}"):
            assert unquoted(rule).endswith(NEVER_QUOTED), rule
            assert personal not in unquoted(rule)


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",  # bare
        "x13800138000",  # joined to a letter, not hex-only
        "ABCDEF13800138000",  # capitals: not how the ledger writes hex
        "abc-13800138000",  # joined by a hyphen: no UUID
    ],
)
def test_a_phone_not_in_a_hex_name_is_still_withheld(typed: str) -> None:
    rule = f"{typed!r} is not an amount"

    assert BARE_MOBILE in unquoted(rule) or "mobile" in unquoted(rule)
    assert typed not in unquoted(rule)
