"""Session 20, tester T (a verifiable-log expert hired to break ``fupin verify``): corrections
and amendments the commands refuse for the street they reach passed verify when written into
the file otherwise: a street inspector's correction of the district's talk, a street officer's
of a city account's entry, a street inspector's move of their inspection to another street,
another street's correction of an employment; and an amendment to a village added only
afterwards. Verify judges each as its command's ``check_permission`` does, on the record as it
stood just before it, and the other records as they stood when it was recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.base import LedgerAggregate, Provenance
from ledger.core import Stamp
from ledger.funds import FundAccount
from ledger.helpers import Helper
from ledger.household import Household
from ledger.inspections import Inspection

from tests.cli.conftest import Fupin, doc
from tests.cli.test_round20_inspection_amend import STREET_INSPECTOR_ADDED
from tests.support import TickingClock

STREET_INSPECTOR = Provenance("insp-ll", "inspector", date(2017, 2, 1), "伪造", "")


def _with_street_inspector(fupin: Fupin) -> None:
    """insp-ll, an inspector of 礼乐; a district inspection with a talk with 礼乐's leaders,
    and 礼乐's own street inspection, each recorded through the commands."""
    fupin.ok(STREET_INSPECTOR_ADDED, "admin")
    fupin.ok(f"inspection open DI-1 --level district --year 2016 {doc('2017-01-05')}", "insp-1")
    fupin.ok(
        f"inspection talk DI-1 --street 礼乐 --year 2016 --reason 未完成 {doc('2017-02-01')}",
        "insp-1",
    )
    fupin.ok(
        f"inspection open SI-LL --level street --street 礼乐 --year 2016 {doc('2017-01-05')}",
        "insp-ll",
    )


def _forge(
    fupin: Fupin, change: Callable[[Ledger], LedgerAggregate], at: datetime | None = None
) -> None:
    """An event written past its command's permission: through the aggregate, then saved
    (recorded ``at`` a time of a ticking clock, if given)."""
    ledger = open_ledger(fupin.store)
    try:
        if at is None:
            ledger.save(change(ledger))
        else:
            with clock.using_clock(TickingClock(at)):
                ledger.save(change(ledger))
    finally:
        ledger.close()


def _verified(fupin: Fupin) -> str:
    found = fupin("verify", "admin")
    assert found.exit_code == 1, found.output
    return " ".join(found.output.split())


def test_a_street_inspectors_correction_of_the_districts_talk_is_reported(
    seeded: Fupin,
) -> None:
    _with_street_inspector(seeded)

    def void_talk(ledger: Ledger) -> LedgerAggregate:
        inspection = ledger.load(Inspection, "DI-1", "inspection")
        inspection.correct(2, "撤销", STREET_INSPECTOR)
        return inspection

    _forge(seeded, void_talk)

    assert "an officer of street '礼乐' corrected an entry of the district, beyond their own" in (
        _verified(seeded)
    )


def test_a_street_inspectors_move_of_their_inspection_to_another_street_is_reported(
    seeded: Fupin,
) -> None:
    _with_street_inspector(seeded)

    def move(ledger: Ledger) -> LedgerAggregate:
        inspection = ledger.load(Inspection, "SI-LL", "inspection")
        inspection.amend({"street": "江南"}, "改街道", STREET_INSPECTOR)
        return inspection

    _forge(seeded, move)

    assert "an officer of street '礼乐' amended a record of street '江南', beyond their own" in (
        _verified(seeded)
    )


def test_a_street_officers_correction_of_a_city_accounts_entry_is_reported(
    seeded: Fupin,
) -> None:
    def void_allocation(ledger: Ledger) -> LedgerAggregate:
        account = ledger.load(FundAccount, "city-2016", "fund")
        account.correct(2, "撤销", Provenance("jn-01", "officer", date(2016, 9, 1), "伪造", ""))
        return account

    _forge(seeded, void_allocation)

    assert "an officer of street '江南' corrected an entry of the district, beyond their own" in (
        _verified(seeded)
    )


def test_another_streets_correction_of_an_employment_is_reported(seeded: Fupin) -> None:
    seeded.ok(f"helper employ e-1 JH-0001 --since 2016-09-01 {doc('2016-09-01')}", "jn-01")

    def void_employment(ledger: Ledger) -> LedgerAggregate:
        enterprise = ledger.load(Helper, "e-1", "helper")
        employment = max(enterprise.entries)
        prov = Provenance("ll-01", "officer", date(2016, 9, 2), "伪造", "")
        enterprise.correct(employment, "撤销", prov)
        return enterprise

    _forge(seeded, void_employment)

    assert "an officer of street '礼乐' corrected an entry of street '江南', beyond their own" in (
        _verified(seeded)
    )


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the rules' own replay
def test_an_amendment_to_a_village_added_afterwards_stays_reported(seeded: Fupin) -> None:
    """Added years after (past the officers' clocks' tolerance of 10 minutes)."""

    def to_new_village(ledger: Ledger) -> LedgerAggregate:
        household = ledger.load(Household, "JH-0001", "household")
        prov = Provenance("jn-01", "officer", date(2016, 8, 20), "伪造", "")
        household.amend({"village": "新村"}, "改村", prov)
        return household

    _forge(seeded, to_new_village, datetime(2020, 1, 1, tzinfo=UTC))  # before the commands
    seeded.ok(f"place add-village 江南 新村 {doc('2016-08-21')}", "admin")

    assert "its record's rules refuse it (village: '新村' is not a village of street 江南)" in (
        _verified(seeded)
    )


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_lawful_amendment_to_a_village_added_by_a_clock_ahead_verifies(seeded: Fupin) -> None:
    """The reviewer: judged by recording times, a village added by an officer whose clock ran
    5 minutes ahead was missing to an amendment made a minute later on a right clock (the
    ledger takes a save up to 10 minutes behind the last). Judged by place in the log now."""
    ledger = open_ledger(seeded.store)
    try:
        ahead = datetime.now(UTC) + timedelta(minutes=5)
        with clock.using_clock(TickingClock(ahead)):
            ledger.add_village(Stamp("admin", date(2016, 8, 19), "增村", ""), "江南", "新村", False)
    finally:
        ledger.close()
    seeded.ok(
        f"household amend JH-0001 --village 新村 --reason 村录错 {doc('2016-08-20')}", "jn-01"
    )

    found = seeded("verify", "admin")

    assert found.exit_code == 0, found.output
