"""A retired or unrecorded master key wraps no household key, on either store, while the key
table holds no key yet (docs/privacy.md, rotation): the latest recorded ``MasterKeyRotated``
names the current master; before 2026-11-29 only the key table's rows were asked, and an
empty table let any master key wrap the ledger's first keys."""

from __future__ import annotations

import pytest
from eventsourcing.utils import get_topic
from ledger import privacy
from ledger.application import Ledger
from ledger.errors import InputError
from ledger.household import Household
from ledger.notice import MasterKeyRotation
from ledger.privacy import KEY_TABLE, generate_master_key, master_key_id, parse_master_key

from tests.support import identify, reopen, stamp


def key_rows(app: Ledger) -> int:
    with app.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"SELECT COUNT(*) AS n FROM {KEY_TABLE}")
        return int(cursor.fetchall()[0]["n"])


def test_the_recorded_rotations_topic_is_the_events() -> None:
    assert get_topic(vars(MasterKeyRotation)["MasterKeyRotated"]) == privacy._ROTATED


def test_a_process_that_read_its_master_before_a_rotation_stores_no_first_key(
    store_ledger: Ledger,
) -> None:
    # The import that started before the rotation, on a ledger with no household yet.
    app = store_ledger
    stale = reopen(app)
    try:
        old = stale.household_keys.master
        assert old is not None
        new = generate_master_key()
        assert app.rotate_master(stamp("admin"), new) == 0
        before = stale.event_count()

        with pytest.raises(InputError) as refused:
            identify(stale, "JH-0009", serial=9)

        assert refused.value.field == "master_key"
        assert f"master key {master_key_id(old)} is not the current one" in refused.value.rule
        assert master_key_id(parse_master_key(new)) in refused.value.rule
        assert stale.event_count() == before
        assert not stale.exists(Household, "JH-0009")
        assert key_rows(app) == 0
    finally:
        stale.close()
    with_new = reopen(app, {"LEDGER_MASTER_KEY": new})
    try:
        identify(with_new, "JH-0009", serial=9)
        assert with_new.household("JH-0009").personal.head_name == "户主9"
    finally:
        with_new.close()


def test_a_rotation_from_a_retired_master_is_refused_on_an_empty_key_table(
    store_ledger: Ledger,
) -> None:
    # m1 -> m2 recorded; a rotation still run with m1 would record m1 -> m3, a second branch.
    app = store_ledger
    stale = reopen(app)
    try:
        assert stale.household_keys.master is not None
        app.rotate_master(stamp("admin"), generate_master_key())

        with pytest.raises(InputError, match="is not the current one"):
            stale.rotate_master(stamp("admin"), generate_master_key())
    finally:
        stale.close()
