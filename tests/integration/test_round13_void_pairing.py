"""Round 13: a household's ``HelperPaired`` entry typed in error is voided by a correction 更正.

The household is left exactly as if the pairing had never been recorded (its helpers, their
pairing days, its first pairing, the cadre places), replayed from the store as live; an
enterprise's own record of its pairings releases it in the same save, so it pairs another
household 一对一, even one dated before the voided pairing; and the read models forget it
from the start: the clock's ``today`` too (a pairing typed 2018 for 2016), while a view known
before the correction still shows it. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from ledger.application import Ledger
from ledger.errors import RuleError
from ledger.helpers import EnterprisePairings
from ledger.household import Household
from projections import api

from tests.support import TickingClock, register, stamp

JN = "jn-01"


@pytest.fixture
def ledger(store_ledger: Ledger) -> Ledger:
    """Every test here runs on SQLite and on PostgreSQL (the ``store`` fixture)."""
    return store_ledger


def pairing_state(household: Household) -> tuple[Any, ...]:
    """What a pairing changes on a household (the version and entries aside)."""
    cadres = list(household.helpers.values()).count("cadre")
    return (
        household.helpers,
        household.paired_on,
        household.first_paired_on,
        household.unpaired_on,
        household.past_pairings,
        {helper: household.entries[v][1] for helper, v in household.pairing_entries.items()},
        cadres,
    )


def last_version(ledger: Ledger, number: str) -> int:
    return ledger.household(number).version


def void_pairing(ledger: Ledger, number: str, day: date, version: int) -> None:
    ledger.correct(stamp(JN, day), "household", number, version, "录错户")


def test_the_household_is_as_if_the_pairing_was_never_recorded(ledger: Ledger) -> None:
    for serial, number in enumerate(("JH-1", "JH-2"), start=1):
        register(ledger, number, serial=serial)
    # JH-1: c-2 paired by mistake before c-1, its first pairing; JH-2 never had it.
    ledger.pair(stamp(JN, date(2016, 8, 10)), "JH-1", "c-2")
    wrong = last_version(ledger, "JH-1")
    for number in ("JH-1", "JH-2"):
        ledger.pair(stamp(JN, date(2016, 8, 11)), number, "c-1")
        ledger.pair(stamp(JN, date(2016, 8, 11)), number, "sw-1")

    void_pairing(ledger, "JH-1", date(2016, 8, 20), wrong)

    live = ledger.household("JH-1")
    twin = ledger.household("JH-2")
    assert pairing_state(live) == pairing_state(twin)
    assert live.first_paired_on == date(2016, 8, 11)
    # The agreement rule reads the first pairing left: none on the voided one's day.
    with pytest.raises(RuleError, match="its first helper was paired only on 2016-08-11"):
        ledger.sign_agreement(stamp(JN, date(2016, 8, 10)), "JH-1")
    ledger.pair(stamp(JN, date(2016, 8, 10)), "JH-1", "c-2")  # the right day, after all
    assert ledger.household("JH-1").first_paired_on == date(2016, 8, 10)


def test_voiding_a_pairing_frees_a_cadre_place(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.register_helper(stamp(), "c-3", "cadre", "赵干部", "区农业局", rank="section")
    ledger.register_helper(stamp(), "c-4", "cadre", "钱干部", "区水利局", rank="section")
    for helper in ("c-1", "c-2", "c-3"):
        ledger.pair(stamp(JN, date(2016, 8, 11)), "JH-1", helper)
    wrong = last_version(ledger, "JH-1")
    with pytest.raises(RuleError, match="already has 3 cadre"):
        ledger.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "c-4")

    void_pairing(ledger, "JH-1", date(2016, 8, 12), wrong)
    ledger.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "c-4")

    assert sorted(ledger.household("JH-1").helpers) == ["c-1", "c-2", "c-4"]


def test_an_enterprise_pairing_voided_is_released_on_the_day_it_began(ledger: Ledger) -> None:
    for serial, number in enumerate(("JH-1", "JH-2"), start=1):
        register(ledger, number, serial=serial)
    ledger.pair(stamp(JN, date(2016, 9, 1)), "JH-1", "e-1")  # meant for JH-2
    wrong = last_version(ledger, "JH-1")
    record_id = EnterprisePairings.create_id("e-1")
    before = len(list(ledger.repository.event_store.get(record_id)))

    void_pairing(ledger, "JH-1", date(2016, 9, 5), wrong)

    events = list(ledger.repository.event_store.get(record_id))
    assert len(events) == before + 1
    released = events[-1]
    assert type(released).__name__ == "PairingReleased"
    assert (released.household, released.until) == ("JH-1", date(2016, 9, 1))  # type: ignore[attr-defined]
    assert released.prov.effective == date(2016, 9, 5)  # type: ignore[attr-defined]
    record = ledger.get_by_id(record_id)
    assert isinstance(record, EnterprisePairings)
    assert record.running_since("JH-1") is None
    # Dated before the voided pairing began: the pairing never was, so nothing overlaps it.
    ledger.pair(stamp(JN, date(2016, 8, 11)), "JH-2", "e-1")
    assert ledger.household("JH-2").helpers == {"e-1": "enterprise"}
    assert "e-1" not in ledger.household("JH-1").helpers


def test_a_refused_void_writes_nothing_on_either_side(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp(JN, date(2016, 9, 1)), "JH-1", "e-1")
    wrong = last_version(ledger, "JH-1")
    ledger.record_visit(stamp(JN, date(2016, 9, 10)), "JH-1", "e-1")
    count = ledger.event_count()

    with pytest.raises(RuleError, match="correct its visits first"):
        void_pairing(ledger, "JH-1", date(2016, 9, 12), wrong)

    assert ledger.event_count() == count
    assert ledger.household("JH-1").helpers == {"e-1": "enterprise"}


def today(ledger: Ledger, **view: Any) -> tuple[str, int]:
    report = api.accountability(ledger, **view)
    return report["today"], len(report["missed_visits"])


def test_a_voided_pairing_typed_years_late_no_longer_sets_today(
    ledger: Ledger, ticking: TickingClock
) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "c-1")
    ledger.record_visit(stamp(JN, date(2016, 9, 1)), "JH-1", "c-1")
    before = today(ledger)
    ledger.pair(stamp(JN, date(2018, 3, 1)), "JH-1", "c-2")  # 2016 typed as 2018
    wrong = last_version(ledger, "JH-1")
    typo = today(ledger)
    known = ticking.current  # after the typo was recorded, before its correction

    void_pairing(ledger, "JH-1", date(2018, 3, 2), wrong)

    assert before == ("2016-09-01", 0)
    assert typo[0] == "2018-03-01"
    assert typo[1] > 0  # c-1 owed every quarter from 2016Q4 on
    assert today(ledger) == before
    assert today(ledger, known_at=known)[0] == "2018-03-01"
    api.rebuild(ledger)
    assert today(ledger) == before
