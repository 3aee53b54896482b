"""A voided entry no longer sets the reports' "today" (``pj_clock.latest_effective``, the
latest day that still has one of the programme's events in force, ``pj_days``). A visit typed
2026 for 2016 and then corrected kept 2026 as "today": every quarter up to it ended, each with
its missed visits (36 rows for one household), and no entry could undo it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ledger import clock
from ledger.application import Ledger
from ledger.funds import Disbursement, FundAccount
from ledger.household import Household
from projections import api

from tests.support import TickingClock, register, stamp

TYPO = date(2018, 3, 1)  # 2016 typed as 2018 (the tests' recording clock is in 2019)


def visited(ledger: Ledger) -> None:
    """JH-1 registered (2016-08-10), paired with c-1 and visited in each quarter of 2016."""
    register(ledger, "JH-1")
    ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")
    ledger.record_visit(stamp("jn-01", date(2016, 9, 1)), "JH-1", "c-1")
    ledger.record_visit(stamp("jn-01", date(2016, 12, 1)), "JH-1", "c-1")


def last_version(ledger: Ledger) -> int:
    return ledger.load(Household, "JH-1", "household").version


def today(ledger: Ledger, **view: object) -> tuple[str, int]:
    report = api.accountability(ledger, **view)  # type: ignore[arg-type]
    return report["today"], len(report["missed_visits"])


def test_a_voided_visit_typed_years_late_no_longer_sets_today(store_ledger: Ledger) -> None:
    visited(store_ledger)
    before = today(store_ledger)
    store_ledger.record_visit(stamp("jn-01", TYPO), "JH-1", "c-1")
    typo = today(store_ledger)

    store_ledger.correct(
        stamp("jn-01", date(2018, 12, 2)), "household", "JH-1", last_version(store_ledger), "年份"
    )

    assert before == ("2016-12-01", 0)
    assert typo[0] == "2018-03-01"
    assert typo[1] == 4  # every quarter up to 2018 ended, each missed: 2017Q1 to 2017Q4
    assert today(store_ledger) == before
    api.rebuild(store_ledger)
    assert today(store_ledger) == before


def test_an_entry_and_its_correction_read_in_one_page_leave_today(store_ledger: Ledger) -> None:
    # No report between them: both are applied in the same transaction.
    visited(store_ledger)
    store_ledger.record_visit(stamp("jn-01", TYPO), "JH-1", "c-1")
    store_ledger.correct(
        stamp("jn-01", date(2018, 12, 2)), "household", "JH-1", last_version(store_ledger), "年份"
    )

    assert today(store_ledger) == ("2016-12-01", 0)


def test_what_was_known_before_the_correction_still_shows_the_typo(
    ledger: Ledger, ticking: TickingClock
) -> None:
    visited(ledger)
    ledger.record_visit(stamp("jn-01", TYPO), "JH-1", "c-1")
    known = ticking.current  # after the typo was recorded, before its correction
    ledger.correct(
        stamp("jn-01", date(2018, 12, 2)), "household", "JH-1", last_version(ledger), "年份"
    )

    assert today(ledger, known_at=known)[0] == "2018-03-01"
    assert today(ledger) == ("2016-12-01", 0)


def test_a_second_entry_on_the_same_day_keeps_that_day(ledger: Ledger) -> None:
    # Two visits on 2016-12-01, one voided: the day still has one in force.
    visited(ledger)
    ledger.record_visit(stamp("jn-01", date(2016, 12, 1)), "JH-1", "c-1", "复访")
    ledger.correct(
        stamp("jn-01", date(2016, 12, 2)), "household", "JH-1", last_version(ledger), "重复"
    )

    assert today(ledger)[0] == "2016-12-01"


def test_a_voided_payment_income_and_employment_typed_late_leave_today(ledger: Ledger) -> None:
    visited(ledger)
    ledger.plan_measure(stamp("jn-01", date(2016, 8, 11)), "JH-1", "m1", "industry", "养鸡")
    ledger.open_account(stamp("qu-01", date(2016, 8, 11)), "city-2016", "city", 2016)
    ledger.receive_allocation(stamp("qu-01", date(2016, 8, 11)), "city-2016", 100_000)
    before = today(ledger)

    payment = Disbursement(50_000, "industry", "household", "JH-1", "m1")
    ledger.disburse(stamp("qu-01", date(2018, 8, 12)), "city-2016", payment)
    paid = ledger.load(FundAccount, "city-2016", "account").version
    ledger.correct(stamp("qu-01", date(2018, 12, 30)), "fund", "city-2016", paid, "年份")
    after_payment = today(ledger)
    ledger.assess_income(stamp("jn-01", date(2018, 10, 5)), "JH-1", 2016, 700_000)
    ledger.correct(
        stamp("jn-01", date(2018, 12, 30)), "household", "JH-1", last_version(ledger), "年份"
    )
    after_income = today(ledger)
    ledger.employ_worker(stamp("jn-01", date(2018, 11, 1)), "e-1", "JH-1", date(2016, 9, 1))
    employed = [e for e in ledger.history("e-1", kind="helper") if e["event"] == "WorkerEmployed"]
    ledger.correct(
        stamp("jn-01", date(2018, 12, 30)), "helper", "e-1", employed[-1]["version"], "年份"
    )

    assert after_payment == before
    assert after_income == before
    assert today(ledger) == before
    api.rebuild(ledger)
    assert today(ledger) == before


def test_a_correction_recorded_today_never_set_today(ledger: Ledger) -> None:
    visited(ledger)
    with clock.using_clock(lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC)):
        ledger.correct(
            stamp("jn-01", date(2026, 11, 30)), "household", "JH-1", last_version(ledger), "重复"
        )

    assert today(ledger)[0] == "2016-09-01"  # the voided visit's day is gone, not the 2026
