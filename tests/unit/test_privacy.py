"""Masking, sealing personal data, master keys and who reads what (ledger.privacy)."""

from __future__ import annotations

import os
from pathlib import Path
from uuid import uuid4

import pytest
from ledger.errors import InputError
from ledger.household import Personal
from ledger.privacy import (
    ANONYMOUS,
    Reader,
    SealBrokenError,
    generate_master_key,
    load_master_key,
    mask_id_card,
    mask_name,
    mask_personal,
    mask_phone,
    open_sealed,
    seal,
    write_master_key,
)

PERSONAL = Personal(
    "张三丰", "440704198001011234", "13800001234", "江海区礼乐街道1号", ("张三丰", "李四")
)
KEY = bytes(range(32))


def test_a_name_keeps_its_first_character_only() -> None:
    assert [mask_name(n) for n in ("张三", "欧阳娜娜", "李")] == ["张*", "欧***", "*"]


def test_an_id_card_number_keeps_the_region_code_and_last_four() -> None:
    assert mask_id_card("440704198001011234") == "440704********1234"


def test_a_phone_keeps_its_last_four_digits() -> None:
    assert mask_phone("13800001234") == "*******1234"


def test_a_masked_household_shows_no_address_and_masks_every_member() -> None:
    masked = mask_personal(PERSONAL)

    assert masked == Personal("张**", "440704********1234", "*******1234", "", ("张**", "李*"))


def test_sealed_personal_data_opens_for_the_same_household_and_version() -> None:
    household = uuid4()

    sealed = seal(KEY, household, 3, PERSONAL)

    assert open_sealed(KEY, household, 3, sealed) == PERSONAL
    assert "张三丰" not in repr(sealed)
    assert "440704198001011234" not in repr(sealed)


def test_sealing_the_same_event_twice_gives_the_same_bytes() -> None:
    household = uuid4()

    assert seal(KEY, household, 1, PERSONAL) == seal(KEY, household, 1, PERSONAL)


@pytest.mark.parametrize("moved", ["version", "household", "key"])
def test_a_ciphertext_moved_to_another_event_or_key_does_not_open(moved: str) -> None:
    household = uuid4()
    sealed = seal(KEY, household, 1, PERSONAL)
    key = bytes(32) if moved == "key" else KEY
    target = uuid4() if moved == "household" else household
    version = 2 if moved == "version" else 1

    with pytest.raises(SealBrokenError):
        open_sealed(key, target, version, sealed)


def test_the_master_key_comes_from_the_environment_or_an_owner_only_file(tmp_path: Path) -> None:
    text = generate_master_key()
    path = tmp_path / "master.key"
    write_master_key(path, text)

    from_env = load_master_key({"LEDGER_MASTER_KEY": text})
    from_file = load_master_key({"LEDGER_MASTER_KEY_FILE": str(path)})

    assert from_env == from_file
    assert from_env is not None
    assert len(from_env) == 32
    assert load_master_key({}) is None


def test_a_master_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    write_master_key(path, generate_master_key())
    os.chmod(path, 0o644)

    with pytest.raises(InputError, match="chmod 600"):
        load_master_key({"LEDGER_MASTER_KEY_FILE": str(path)})


def test_a_malformed_master_key_is_refused_without_showing_it() -> None:
    with pytest.raises(InputError) as refused:
        load_master_key({"LEDGER_MASTER_KEY": "c2hvcnQ="})

    assert "c2hvcnQ=" not in str(refused.value)


@pytest.mark.parametrize(
    ("reader", "street", "unmasked"),
    [
        (Reader("admin", "admin"), "礼乐", True),
        (Reader("insp-1", "inspector"), "江南", True),
        (Reader("jn-01", "officer", "江南"), "江南", True),
        (Reader("jn-01", "officer", "江南"), "礼乐", False),
        (Reader("qu-01", "officer", ""), "礼乐", True),
        (Reader("ana-1", "analyst"), "江南", False),
        (ANONYMOUS, "江南", False),
    ],
)
def test_who_sees_a_households_personal_data_unmasked(
    reader: Reader, street: str, unmasked: bool
) -> None:
    shown = reader.personal(PERSONAL, street)

    assert (shown == PERSONAL) is unmasked
    assert reader.unmasked(street) is unmasked
