"""PostgreSQL: the trigger on ``household_keys`` (``ledger.keys.KEY_TABLE_GUARD``) refuses a
key's destruction that no ``PersonalDataErased`` event records and any change of a live key
but a rotation's, and lets erasure and rotation through, a rotation even past a row destroyed
before the guard stood (PostgreSQL only: SQLite has no roles to guard against)."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from ledger.application import Ledger
from ledger.errors import RuleError
from ledger.keys import guard_household_keys
from ledger.privacy import KEY_TABLE, generate_master_key
from ledger.verification import verify_ledger

from tests.integration.test_key_table_support import dsn, key_row
from tests.support import register, reopen, stamp


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


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ("wrapped_key = 'AAAA'", "re-wrapped only under a new master"),
        ("wrapped_key = (SELECT wrapped_key FROM {keys} WHERE household_id = %(other)s)",
         "re-wrapped only under a new master"),
        ("master_id = 'ffffffffffffffff'", "re-wrapped only under a new master"),
        ("key_version = 2", "key version of"),
        ("key_version = 2, master_id = 'ffffffffffffffff', wrapped_key = 'AAAA'", "key version"),
    ],
)  # fmt: skip
def test_a_live_key_is_not_changed_but_by_a_rotation(
    guarded: Ledger, change: str, refusal: str
) -> None:
    # Each of these passed the guard and left JH-0002 unreadable while `fupin verify` passed.
    household = str(guarded.household("JH-0002").id)
    other = str(guarded.household("JH-0001").id)
    before = key_row(guarded, household)

    with (
        psycopg.connect(dsn(guarded)) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match=refusal),
    ):
        connection.execute(
            f"UPDATE {KEY_TABLE} SET {change.format(keys=KEY_TABLE)} "
            "WHERE household_id = %(household)s",
            {"household": household, "other": other},
        )

    assert key_row(guarded, household) == before
    fresh = reopen(guarded)
    try:
        assert fresh.household("JH-0002").personal.head_name == "户主2"
    finally:
        fresh.close()


def _destroyed_unrecorded(app: Ledger) -> str:
    """JH-0002's key shredded before the guard stood: wrapped key NULL, not marked destroyed,
    no PersonalDataErased (a state `fupin verify` reports)."""
    household = str(app.household("JH-0002").id)
    with psycopg.connect(dsn(app)) as connection:
        connection.execute(
            f"UPDATE {KEY_TABLE} SET wrapped_key = NULL WHERE household_id = %s", (household,)
        )
    return household


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_rotation_remarks_a_key_destroyed_before_the_guard_stood(store_ledger: Ledger) -> None:
    # Re-marking that row with the new master destroys nothing more: the guard let nothing
    # rotate any more ("… is destroyed only after its erasure is recorded …; try again").
    app = store_ledger
    register(app, "JH-0001", serial=1)
    register(app, "JH-0002", serial=2)
    register(app, "JH-0003", serial=3)
    app.erase(stamp("admin", date(2016, 8, 2)), "JH-0003", "本人申请")
    shredded = _destroyed_unrecorded(app)
    with psycopg.connect(dsn(app)) as owner:
        guard_household_keys(owner)
    new = generate_master_key()

    assert app.rotate_master(stamp("admin"), new) == 1

    fresh = reopen(app, {"LEDGER_MASTER_KEY": new})
    try:
        assert fresh.household("JH-0001").personal.head_name == "户主1"
        report = verify_ledger(fresh.recorder, fresh.mapper)
    finally:
        fresh.close()
    assert [p.event for p in report.problems] == [f"{KEY_TABLE} {shredded}"]  # still reported
    assert key_row(app, shredded) == (None, None)  # and still destroyed


#: The guard as installed before 2026-12 (a store whose owner has not run protect_events
#: again since): it refused a rotation's re-marking of a row destroyed with no erasure.
EARLIER_GUARD = """
CREATE OR REPLACE FUNCTION public.fupin_household_keys_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.wrapped_key IS NULL OR NEW.destroyed_at IS NOT NULL)
       AND (TG_OP = 'INSERT' OR OLD.wrapped_key IS NOT NULL OR OLD.destroyed_at IS NULL)
       AND NOT EXISTS (
           SELECT 1 FROM public.ledger_events
           WHERE originator_id = NEW.household_id::uuid
             AND topic = 'ledger.household:Household.PersonalDataErased')
    THEN
        RAISE EXCEPTION 'household_keys: the key of % is destroyed only after its erasure is '
            'recorded (fupin erase)', NEW.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS fupin_keys_erased_only ON public.household_keys;
CREATE TRIGGER fupin_keys_erased_only BEFORE INSERT OR UPDATE ON public.household_keys
    FOR EACH ROW EXECUTE FUNCTION public.fupin_household_keys_guard();
"""


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_rotation_an_earlier_guard_refuses_names_the_household_and_the_remedy(
    store_ledger: Ledger,
) -> None:
    app = store_ledger
    register(app, "JH-0001", serial=1)
    register(app, "JH-0002", serial=2)
    shredded = _destroyed_unrecorded(app)
    with psycopg.connect(dsn(app)) as owner:
        owner.execute(EARLIER_GUARD)
    before = app.event_count()
    live = key_row(app, str(app.household("JH-0001").id))

    with pytest.raises(RuleError) as refused:
        app.rotate_master(stamp("admin"), generate_master_key())

    message = str(refused.value)
    assert message.startswith("store: nothing was rotated: ")
    assert f"household {shredded}" in message
    assert "destroyed with no recorded erasure" in message
    assert "fupin verify" in message
    assert "protect_events" in message
    assert "try again" not in message
    assert app.event_count() == before
    assert key_row(app, str(app.household("JH-0001").id)) == live


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("DELETE FROM {keys} WHERE household_id = %(household)s", "is never deleted"),
        ("DELETE FROM {keys}", "is never deleted"),
        ("TRUNCATE {keys}", "never emptied"),
    ],
)
def test_a_key_row_is_not_deleted_nor_the_table_emptied(
    guarded: Ledger, statement: str, refusal: str
) -> None:
    # A row deleted shreds a household as surely as a key destroyed, with no record at all:
    # the owner (these connections) could, and the guard let it through.
    household = str(guarded.household("JH-0002").id)
    before = key_row(guarded, household)

    with (
        psycopg.connect(dsn(guarded)) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match=refusal),
    ):
        connection.execute(statement.format(keys=KEY_TABLE), {"household": household})

    assert key_row(guarded, household) == before
    fresh = reopen(guarded)
    try:
        assert fresh.household("JH-0002").personal.head_name == "户主2"
    finally:
        fresh.close()


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_the_guard_installed_again_over_an_earlier_one_refuses_deletion(
    store_ledger: Ledger,
) -> None:
    # A store guarded before DELETE was refused gets it when the owner runs protect_events
    # again (guard_household_keys replaces the function and its triggers).
    app = store_ledger
    register(app, "JH-0001", serial=1)
    household = str(app.household("JH-0001").id)
    with psycopg.connect(dsn(app)) as owner:
        owner.execute(EARLIER_GUARD)
    with psycopg.connect(dsn(app)) as owner:
        guard_household_keys(owner)
        triggers = owner.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
            "ORDER BY tgname",
            (KEY_TABLE,),
        ).fetchall()

    with (
        psycopg.connect(dsn(app)) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="is never deleted"),
    ):
        connection.execute(f"DELETE FROM {KEY_TABLE} WHERE household_id = %s", (household,))

    assert [name for (name,) in triggers] == ["fupin_keys_erased_only", "fupin_keys_no_truncate"]
    assert key_row(app, household)[0] is not None
