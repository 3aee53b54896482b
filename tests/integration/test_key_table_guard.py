"""PostgreSQL: the proposed trigger on ``household_keys`` (``ledger.keys.KEY_TABLE_GUARD``)
refuses a key's destruction that no ``PersonalDataErased`` event records, and lets erasure
and rotation through (PostgreSQL only: SQLite has no roles to guard against)."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from ledger.application import Ledger
from ledger.keys import guard_household_keys
from ledger.privacy import KEY_TABLE, generate_master_key
from ledger.verification import verify_ledger

from tests.integration.test_key_table_support import dsn, key_row
from tests.support import register, stamp


@pytest.fixture
def guarded(store_ledger: Ledger) -> Ledger:
    register(store_ledger, "JH-0001", serial=1)
    register(store_ledger, "JH-0002", serial=2)
    with psycopg.connect(dsn(store_ledger)) as owner:
        guard_household_keys(owner)
    return store_ledger


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
@pytest.mark.parametrize(
    "change",
    [
        "wrapped_key = NULL, destroyed_at = now()::text",
        "destroyed_at = now()::text",
        "wrapped_key = NULL",
    ],
)
def test_a_key_is_not_destroyed_without_a_recorded_erasure(guarded: Ledger, change: str) -> None:
    household = str(guarded.household("JH-0002").id)

    with (
        psycopg.connect(dsn(guarded)) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="erasure is recorded"),
    ):
        connection.execute(
            f"UPDATE {KEY_TABLE} SET {change} WHERE household_id = %s",
            (household,),
        )

    assert key_row(guarded, household)[0] is not None
    assert guarded.household("JH-0002").personal.head_name == "户主2"


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_erasure_and_rotation_pass_and_a_destroyed_key_is_not_put_back(guarded: Ledger) -> None:
    erased = str(guarded.household("JH-0001").id)
    guarded.erase(stamp("admin", date(2016, 8, 2)), "JH-0001", "本人申请")
    assert guarded.rotate_master(stamp("admin"), generate_master_key()) == 1
    live = key_row(guarded, str(guarded.household("JH-0002").id))[0]

    with (
        psycopg.connect(dsn(guarded)) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="not put back"),
    ):
        connection.execute(
            f"UPDATE {KEY_TABLE} SET wrapped_key = %s WHERE household_id = %s", (live, erased)
        )

    assert key_row(guarded, erased)[0] is None
    assert verify_ledger(guarded.recorder, guarded.mapper).ok
