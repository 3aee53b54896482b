"""An enterprise or cooperative pairs one household 一对一, kept by its own record of its
pairings (``EnterprisePairings``): a pairing saves the household and that record together, so
two officers pairing one enterprise with two households at once collide on the record's
version and the one who loses is refused on the retry (the households alone never collided;
a review saw both succeed). One registered before such records were kept (untracked) is still
judged by the log's pairings. The ``Helper``'s own versions, which corrections name, are left
as they were."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from ledger.application import Ledger
from ledger.casework import CaseworkCommands
from ledger.errors import RuleError
from ledger.helpers import ROLE_OF_KIND, EnterprisePairings, Helper

from tests.support import refuses, register, reopened, stamp

JN = "jn-01"
PAIRED = date(2016, 8, 11)


def registered(app: Ledger, *numbers: str) -> None:
    for serial, number in enumerate(numbers, start=1):
        register(app, number, serial=serial)


def event_names(app: Ledger, helper_id: str, record: bool = True) -> list[str]:
    """The events of the helper's record of its pairings (``record``), or of the Helper."""
    uid = EnterprisePairings.create_id(helper_id) if record else Helper.create_id(helper_id)
    return [type(e).__name__ for e in app.repository.event_store.get(uid)]


def record_of(app: Ledger, helper_id: str) -> EnterprisePairings | None:
    found = app.get_by_id(EnterprisePairings.create_id(helper_id))
    assert found is None or isinstance(found, EnterprisePairings)
    return found


@contextmanager
def meanwhile(app: Ledger, other: Callable[[], None]) -> Iterator[list[bool]]:
    """Run ``other`` (another officer's command, in another application) just before ``app``
    saves its first attempt: both checked the rule on the same state."""
    ran: list[bool] = []
    save = app._save_events

    def save_after_the_other(*args: Any, **kwargs: Any) -> Any:
        if not ran:
            ran.append(True)
            other()
        return save(*args, **kwargs)

    app._save_events = save_after_the_other  # type: ignore[method-assign]
    try:
        yield ran
    finally:
        del app._save_events


def loses(app: Ledger, field: str, other: Callable[[], None], command: Callable[[], None]) -> str:
    """Run ``command`` in ``app`` while ``other`` wins the race; ``command`` must be refused
    on ``field`` and write nothing (only ``other``'s events are added). Returns the rule."""
    before = app.event_count()
    added: list[int] = []

    def counted() -> None:
        start = app.event_count()
        other()
        added.append(app.event_count() - start)

    with meanwhile(app, counted), pytest.raises(RuleError) as refused:
        command()
    assert refused.value.field == field
    assert added
    assert added[0] > 0
    assert app.event_count() == before + added[0]
    return refused.value.rule


@contextmanager
def legacy_registration(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Register helpers as before this change: no record of their pairings is opened."""
    with monkeypatch.context() as before:
        before.setattr("ledger.reference.ROLE_OF_KIND", dict.fromkeys(ROLE_OF_KIND, "none"))
        yield


# -- the race --------------------------------------------------------------------------------


def test_two_officers_pairing_one_enterprise_at_once_one_is_refused(store_ledger: Ledger) -> None:
    registered(store_ledger, "JH-1", "JH-2")
    with reopened(store_ledger) as other:
        rule = loses(
            store_ledger,
            "helper",
            lambda: other.pair(stamp(JN, PAIRED), "JH-2", "e-1"),
            lambda: store_ledger.pair(stamp(JN, PAIRED), "JH-1", "e-1"),
        )

    assert "e-1 is paired with household JH-2" in rule
    assert "e-1" not in store_ledger.household("JH-1").helpers
    assert "e-1" in store_ledger.household("JH-2").helpers


def test_a_replacement_racing_a_pairing_of_one_enterprise_is_refused(
    store_ledger: Ledger,
) -> None:
    registered(store_ledger, "JH-1", "JH-2")
    store_ledger.register_helper(stamp(), "e-2", "enterprise", "江海五金厂")
    store_ledger.pair(stamp(JN, PAIRED), "JH-1", "e-2")
    with reopened(store_ledger) as other:
        rule = loses(
            store_ledger,
            "replacement",
            lambda: other.pair(stamp(JN, PAIRED), "JH-2", "e-1"),
            lambda: store_ledger.unpair(
                stamp(JN, date(2016, 9, 1)), "JH-1", "e-2", "企业搬迁", "e-1"
            ),
        )

    assert "e-1 is paired with household JH-2" in rule
    assert set(store_ledger.household("JH-1").helpers) == {"e-2"}


def test_two_pairings_of_an_untracked_enterprise_at_once_collide_too(
    store_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Registered before this change: its first pairing since opens its record, so the second
    # officer's save fails on opening it too and the retry sees the first.
    with legacy_registration(monkeypatch):
        store_ledger.register_helper(stamp(), "e-9", "enterprise", "旧企业")
    registered(store_ledger, "JH-1", "JH-2")
    with reopened(store_ledger) as other:
        loses(
            store_ledger,
            "helper",
            lambda: other.pair(stamp(JN, PAIRED), "JH-2", "e-9"),
            lambda: store_ledger.pair(stamp(JN, PAIRED), "JH-1", "e-9"),
        )

    assert "e-9" in store_ledger.household("JH-2").helpers
    assert "e-9" not in store_ledger.household("JH-1").helpers


# -- the enterprise's own record ---------------------------------------------------------------


def test_an_enterprise_keeps_its_pairings(ledger: Ledger) -> None:
    registered(ledger, "JH-1", "JH-2")
    ledger.register_helper(stamp(), "coop-1", "cooperative", "雄光合作社")
    ledger.pair(stamp(JN, PAIRED), "JH-1", "e-1")
    ledger.unpair(stamp(JN, date(2016, 9, 1)), "JH-1", "e-1", "企业搬迁", "coop-1")
    ledger.pair(stamp(JN, date(2016, 9, 2)), "JH-2", "e-1")

    e1, coop = record_of(ledger, "e-1"), record_of(ledger, "coop-1")
    assert e1 is not None
    assert coop is not None
    assert e1.tracked
    assert e1.pairings == [("JH-1", PAIRED, date(2016, 9, 1)), ("JH-2", date(2016, 9, 2), None)]
    assert coop.pairings == [("JH-1", date(2016, 9, 1), None)]
    assert event_names(ledger, "e-1") == [
        "PairingsOpened",
        "PairingTaken",
        "PairingReleased",
        "PairingTaken",
    ]
    # The Helper's versions, which a correction of an employment names, are its own.
    assert event_names(ledger, "e-1", record=False) == ["HelperRegistered"]


def test_other_helpers_record_no_pairings(ledger: Ledger) -> None:
    registered(ledger, "JH-1")
    ledger.pair(stamp(JN, PAIRED), "JH-1", "c-1")

    assert event_names(ledger, "c-1", record=False) == ["HelperRegistered"]
    assert record_of(ledger, "c-1") is None


def test_a_tracked_enterprise_is_judged_without_reading_the_log(
    store_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_scan(self: CaseworkCommands) -> dict[str, set[Any]]:
        raise AssertionError("the log was scanned for a tracked enterprise")

    monkeypatch.setattr(CaseworkCommands, "_paired_employers", no_scan)
    registered(store_ledger, "JH-1", "JH-2")
    store_ledger.pair(stamp(JN, PAIRED), "JH-1", "e-1")
    with reopened(store_ledger) as other:
        error = refuses(
            other, RuleError, "helper", lambda: other.pair(stamp(JN, PAIRED), "JH-2", "e-1")
        )

    assert "e-1 is paired with household JH-1" in error.rule


def test_a_tracked_enterprise_judges_an_ended_pairing_by_date(ledger: Ledger) -> None:
    registered(ledger, "JH-1", "JH-2")
    ledger.register_helper(stamp(), "e-2", "enterprise", "江海五金厂")
    ledger.pair(stamp(JN, PAIRED), "JH-1", "e-1")
    ledger.unpair(stamp(JN, date(2017, 3, 1)), "JH-1", "e-1", "企业搬迁", "e-2")
    with reopened(ledger) as other:
        error = refuses(
            other,
            RuleError,
            "helper",
            lambda: other.pair(stamp(JN, date(2016, 9, 1)), "JH-2", "e-1"),
        )
        other.pair(stamp(JN, date(2017, 3, 1)), "JH-2", "e-1")  # hands over on the day

    assert "until 2017-03-01, after 2016-09-01" in error.rule


def test_an_enterprise_paired_before_it_kept_its_pairings_is_still_refused_elsewhere(
    store_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Registered and paired before this change: the pairing is on the household alone.
    with legacy_registration(monkeypatch):
        store_ledger.register_helper(stamp(), "e-9", "enterprise", "旧企业")
    registered(store_ledger, "JH-1", "JH-2")
    with monkeypatch.context() as before:
        before.setattr(EnterprisePairings, "take_pairing", lambda *args: None)
        store_ledger.pair(stamp(JN, PAIRED), "JH-1", "e-9")
    record = record_of(store_ledger, "e-9")
    assert record is not None
    assert not record.tracked
    assert record.pairings == []

    with reopened(store_ledger) as other:
        error = refuses(
            other, RuleError, "helper", lambda: other.pair(stamp(JN, PAIRED), "JH-2", "e-9")
        )

    assert "e-9 is paired with household JH-1" in error.rule


def test_a_record_opened_by_a_pairing_is_recorded_after_the_households_event(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review: the record of a legacy enterprise was made before the household's event but
    stored after it, so one save's recording times ran backwards (by ~18 ms)."""
    with legacy_registration(monkeypatch):
        ledger.register_helper(stamp(), "e-9", "enterprise", "旧企业")
    registered(ledger, "JH-1")
    ledger.pair(stamp(JN, PAIRED), "JH-1", "e-9")

    # the last save: HelperPaired, PairingsOpened, PairingTaken
    saved = ledger.recorder.select_notifications(start=1, limit=1_000_000)[-3:]
    events = [ledger.mapper.to_domain_event(n) for n in saved]
    assert [type(e).__name__ for e in events] == ["HelperPaired", "PairingsOpened", "PairingTaken"]
    times = [vars(e)["timestamp"] for e in events]
    assert times == sorted(times)
