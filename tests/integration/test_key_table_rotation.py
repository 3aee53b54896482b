"""``keys rotate-master`` is recorded: ``MasterKeyRotated`` says who rotated the master key,
when, on which document, the new master key's id and how many keys were re-wrapped; it is
saved in the re-wrapping's own transaction, so it never claims a rotation that did not happen
(docs/privacy.md). On both stores."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError
from eventsourcing.utils import get_topic
from ledger.application import Ledger
from ledger.errors import AlreadyExistsError, LedgerError, RuleError
from ledger.notice import MasterKeyRotation
from ledger.privacy import (
    KEY_TABLE,
    SealBrokenError,
    generate_master_key,
    master_key_id,
    parse_master_key,
)
from ledger.verification import verify_ledger

from tests.integration.test_key_table_support import change_key_row, key_row
from tests.support import DOC, identify, register, reopen, reopened, stamp

ROTATED = get_topic(vars(MasterKeyRotation)["MasterKeyRotated"])


@pytest.fixture
def app(store_ledger: Ledger) -> Ledger:
    register(store_ledger, "JH-0001", serial=1)
    register(store_ledger, "JH-0002", serial=2)
    register(store_ledger, "JH-0003", serial=3)
    store_ledger.erase(stamp("admin", date(2016, 8, 2)), "JH-0003", "本人申请")
    return store_ledger


def rotations(app: Ledger) -> list[Any]:
    return [event for _, event in app.events_by_topic([ROTATED])]


def master_of(app: Ledger) -> bytes:
    master = app.household_keys.master
    assert master is not None
    return master


def all_states(app: Ledger) -> bytes:
    return b"".join(
        bytes(n.state) for n in app.recorder.select_notifications(start=None, limit=10_000)
    )


def test_a_rotation_is_recorded_with_who_when_which_document_and_how_many(app: Ledger) -> None:
    old = master_key_id(master_of(app))
    new = generate_master_key()
    before = app.event_count()

    count = app.rotate_master(stamp("admin", date(2016, 9, 1), note="年度轮换"), new)

    [event] = rotations(app)
    assert count == 2  # JH-0003's key is erased: nothing to re-wrap
    assert app.event_count() == before + 1
    assert event.previous_master_id == old
    assert event.master_id == master_key_id(master_of(app)) != old
    assert event.rewrapped == 2
    assert (event.prov.actor, event.prov.role, event.prov.document) == ("admin", "admin", DOC)
    assert event.prov.effective == date(2016, 9, 1)
    assert new.encode() not in all_states(app)  # the key's id, never the key
    report = verify_ledger(app.recorder, app.mapper)  # an admin may record it
    assert report.ok, report.problems


def test_a_rotation_whose_save_fails_rewraps_nothing_and_records_nothing(
    app: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The keys are re-wrapped in the save's transaction, before its events are inserted:
    # the insert failing rolls the re-wrapping back with it.
    household = str(app.household("JH-0001").id)
    wrapped_before = key_row(app, household)
    parent = type(app.recorder).__mro__[1]

    def refuse(*_: Any, **__: Any) -> None:
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(parent, "_insert_events", refuse)
    with pytest.raises(LedgerError, match="nothing was rotated"):
        app.rotate_master(stamp("admin"), generate_master_key())
    monkeypatch.undo()

    assert rotations(app) == []
    assert key_row(app, household) == wrapped_before
    fresh = reopen(app)  # the old master key still opens everything
    try:
        assert fresh.household("JH-0001").personal.head_name == "户主1"
    finally:
        fresh.close()
    assert app.household("JH-0002").personal.head_name == "户主2"


def test_a_rotation_that_cannot_rewrap_a_key_records_nothing(app: Ledger) -> None:
    household = str(app.household("JH-0002").id)
    first = key_row(app, str(app.household("JH-0001").id))[0]
    change_key_row(  # JH-0001's wrapped key copied onto JH-0002: it fails authentication
        app, f"UPDATE {KEY_TABLE} SET wrapped_key = ? WHERE household_id = ?", (first, household)
    )

    with pytest.raises(SealBrokenError):
        app.rotate_master(stamp("admin"), generate_master_key())

    assert rotations(app) == []
    assert key_row(app, household)[0] == first


def test_a_key_made_between_the_count_and_the_lock_is_counted_in_the_recorded_rotation(
    app: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = app.household_keys
    real_count = keys.live_count
    counts: list[int] = []

    def count_then_a_new_household(self_count: Callable[[], int] = real_count) -> int:
        counted = self_count()
        counts.append(counted)
        if len(counts) == 1:  # another officer's new household lands right after the count
            with reopened(app) as other:
                identify(other, "JH-0009", serial=9)
        return counted

    monkeypatch.setattr(keys, "live_count", count_then_a_new_household)
    count = app.rotate_master(stamp("admin"), generate_master_key())

    [event] = rotations(app)
    assert counts == [2, 3]  # the first save wrote nothing and was made again
    assert count == event.rewrapped == 3
    assert app.household("JH-0009").personal.head_name == "户主9"


def test_a_master_key_made_current_before_is_not_made_current_again(app: Ledger) -> None:
    first, second = generate_master_key(), generate_master_key()
    app.rotate_master(stamp("admin"), first)
    app.rotate_master(stamp("admin"), second)
    before = app.event_count()

    with pytest.raises(AlreadyExistsError, match="made current before"):
        app.rotate_master(stamp("admin"), first)

    assert app.event_count() == before
    assert [e.master_id for e in rotations(app)] == [
        master_key_id(parse_master_key(k)) for k in (first, second)
    ]


def test_the_first_master_key_is_not_made_current_again_after_a_rotation(app: Ledger) -> None:
    # The first master key (init's) has no MasterKeyRotation of its own: A -> B -> A was
    # accepted, making a retired key current again.
    first = master_of(app)
    app.rotate_master(stamp("admin"), generate_master_key())
    before = app.event_count()
    back = base64.b64encode(first).decode("ascii")

    with pytest.raises(AlreadyExistsError, match="made current before") as refused:
        app.rotate_master(stamp("admin"), back)

    assert f"master key {master_key_id(first)} was made current before" in str(refused.value)
    assert "fupin keys new-master" in str(refused.value)
    assert app.event_count() == before
    assert len(rotations(app)) == 1
    assert master_key_id(master_of(app)) != master_key_id(first)
    assert app.household("JH-0001").personal.head_name == "户主1"


def test_a_retired_master_key_is_refused_by_a_process_that_never_saw_it(app: Ledger) -> None:
    # A -> B -> C, then C -> A from a fresh process holding C: A is named only as the first
    # rotation's previous master.
    first = base64.b64encode(master_of(app)).decode("ascii")
    second, third = generate_master_key(), generate_master_key()
    app.rotate_master(stamp("admin"), second)
    app.rotate_master(stamp("admin"), third)
    with reopened(app, {"LEDGER_MASTER_KEY": third}) as other:
        with pytest.raises(AlreadyExistsError, match="made current before"):
            other.rotate_master(stamp("admin"), first)
        with pytest.raises(AlreadyExistsError, match="made current before"):
            other.rotate_master(stamp("admin"), second)
        assert len(rotations(other)) == 2


def test_a_rotation_is_not_made_inside_a_batch(app: Ledger) -> None:
    with pytest.raises(RuleError, match="on its own"), app.batch():
        app.rotate_master(stamp("admin"), generate_master_key())

    assert rotations(app) == []
