"""Rules that hold in time as well as in sequence: pairing before visits, exit steps in date
order, no approval during the exit notice, corrections that would undercut a later step, a
return that puts the household in next year's plan, and who may touch which money."""

from __future__ import annotations

from datetime import date

from ledger.application import Ledger
from ledger.errors import PermissionRefusedError, RuleError
from ledger.funds import Disbursement, FundAccount
from ledger.helpers import Helper
from ledger.values import replayed_as_recorded

from tests.support import refuses, register, stamp

JN, QU = "jn-01", "qu-01"


def on(day: str, actor: str = JN) -> object:
    return stamp(actor, date.fromisoformat(day))


def exit_to_notice(app: Ledger, number: str = "JH-1") -> None:
    register(app, number)
    app.assess_income(stamp(JN, date(2016, 11, 1)), number, 2016, 900_000)
    app.propose_exit(stamp(JN, date(2016, 11, 2)), number, 2016)
    app.verify_exit(stamp(JN, date(2016, 11, 5)), number)
    app.post_exit_notice(
        stamp(JN, date(2016, 11, 6)), number, date(2016, 11, 6), date(2016, 11, 12)
    )


def test_a_visit_dated_before_the_pairing_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp(JN, date(2016, 9, 1)), "JH-1", "c-1")

    refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.record_visit(stamp(JN, date(2016, 8, 20)), "JH-1", "c-1"),
    )


def test_an_exit_approved_while_its_notice_runs_is_refused(ledger: Ledger) -> None:
    exit_to_notice(ledger)

    refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.approve_exit(stamp(QU, date(2016, 11, 12)), "JH-1"),
    )


def test_an_exit_approved_after_its_notice_is_accepted(ledger: Ledger) -> None:
    exit_to_notice(ledger)

    ledger.approve_exit(stamp(QU, date(2016, 11, 13)), "JH-1")

    assert ledger.household("JH-1").stage == "exited"


def test_an_exit_step_dated_before_the_previous_one_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.assess_income(stamp(JN, date(2016, 11, 1)), "JH-1", 2016, 900_000)
    ledger.propose_exit(stamp(JN, date(2016, 11, 10)), "JH-1", 2016)

    refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.verify_exit(stamp(JN, date(2016, 11, 9)), "JH-1"),
    )


def test_a_household_whose_signature_was_voided_signs_again(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    signed = next(
        v for v, (kind, _) in ledger.household("JH-1").entries.items() if kind == "Signed"
    )
    with replayed_as_recorded():  # as a fupin before session 29 took it
        ledger.correct(
            stamp(JN, date(2016, 8, 20)), "household", "JH-1", signed, "signed by a neighbour"
        )

    ledger.sign(stamp(JN, date(2016, 8, 20), "户主补签"), "JH-1")  # saying why (session 29)

    assert ledger.household("JH-1").signed_on == date(2016, 8, 20)


def test_the_income_an_exit_rests_on_cannot_be_voided(ledger: Ledger) -> None:
    exit_to_notice(ledger)
    assessed = next(
        v for v, (kind, _) in ledger.household("JH-1").entries.items() if kind == "IncomeAssessed"
    )

    refuses(
        ledger,
        RuleError,
        "version",
        lambda: ledger.correct(stamp(JN), "household", "JH-1", assessed, "wrong figure"),
    )


def test_after_a_return_an_exit_for_a_year_before_its_plan_year_is_refused(ledger: Ledger) -> None:
    exit_to_notice(ledger)
    ledger.approve_exit(stamp(QU, date(2016, 11, 13)), "JH-1")
    ledger.advance_return(
        stamp(JN, date(2017, 8, 25)), "JH-1", "recognised", "台风天鸽", "区民政局"
    )
    ledger.advance_return(stamp(JN, date(2017, 8, 28)), "JH-1", "applied")
    ledger.advance_return(stamp(QU, date(2017, 9, 5)), "JH-1", "reviewed")
    ledger.advance_return(stamp(QU, date(2017, 9, 20)), "JH-1", "approved")

    assert ledger.household("JH-1").plan_year == 2018
    refuses(
        ledger,
        RuleError,
        "year",
        lambda: ledger.propose_exit(stamp(JN, date(2017, 12, 1)), "JH-1", 2016),
    )


def test_voiding_an_ended_employment_leaves_the_live_one(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.employ_worker(stamp(JN, date(2016, 9, 1)), "e-1", "JH-1", date(2016, 9, 1))
    first = ledger.load(Helper, "e-1", "helper").version
    ledger.end_employment(stamp(JN, date(2016, 10, 1)), "e-1", "JH-1")
    ledger.employ_worker(stamp(JN, date(2016, 11, 1)), "e-1", "JH-1", date(2016, 11, 1))

    ledger.correct(
        stamp(JN, date(2016, 11, 1)), "helper", "e-1", first, "the first contract was never signed"
    )

    assert ledger.load(Helper, "e-1", "helper").workers == {"JH-1": date(2016, 11, 1)}


def test_a_street_officer_employs_only_households_of_their_street(ledger: Ledger) -> None:
    register(ledger, "LL-1", "礼乐", village="新创")

    refuses(
        ledger,
        PermissionRefusedError,
        "as",
        lambda: ledger.employ_worker(stamp(JN), "e-1", "LL-1", date(2016, 9, 1)),
    )


def test_a_street_officer_cannot_pay_out_of_the_city_fund(ledger: Ledger) -> None:
    ledger.open_account(stamp(QU), "city-2016", "city", 2016)
    ledger.receive_allocation(stamp(QU), "city-2016", 1_000_000)
    register(ledger, "JH-1")
    ledger.plan_measure(stamp(JN, date(2016, 8, 11)), "JH-1", "m1", "industry", "养鸡", 300_000)
    payment = Disbursement(100_000, "industry", "household", "JH-1", "m1")

    refuses(
        ledger,
        PermissionRefusedError,
        "as",
        lambda: ledger.disburse(stamp(JN), "city-2016", payment),
    )
    ledger.disburse(stamp(QU, date(2016, 8, 12)), "city-2016", payment)
    assert ledger.household("JH-1").received_fen == 100_000


def test_a_payment_dated_before_the_money_arrived_is_refused(ledger: Ledger) -> None:
    ledger.open_account(stamp(QU), "city-2016", "city", 2016)
    ledger.receive_allocation(stamp(QU, date(2016, 12, 1)), "city-2016", 1_000_000)
    register(ledger, "JH-1")
    ledger.plan_measure(stamp(JN, date(2016, 8, 11)), "JH-1", "m1", "industry", "养鸡", 300_000)
    payment = Disbursement(100_000, "industry", "household", "JH-1", "m1")

    refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.disburse(stamp(QU, date(2016, 9, 1)), "city-2016", payment),
    )
    ledger.disburse(stamp(QU, date(2016, 12, 1)), "city-2016", payment)
    assert ledger.load(FundAccount, "city-2016", "account").balance_fen == 900_000


def test_voiding_an_allocation_that_earlier_payments_relied_on_is_refused(ledger: Ledger) -> None:
    ledger.open_account(stamp(QU), "city-2016", "city", 2016)
    ledger.receive_allocation(stamp(QU, date(2016, 8, 1)), "city-2016", 100_000)
    first = ledger.load(FundAccount, "city-2016", "account").version
    register(ledger, "JH-1")
    ledger.plan_measure(stamp(JN, date(2016, 8, 11)), "JH-1", "m1", "industry", "养鸡", 300_000)
    ledger.disburse(
        stamp(QU, date(2016, 9, 1)),
        "city-2016",
        Disbursement(100_000, "industry", "household", "JH-1", "m1"),
    )
    ledger.receive_allocation(stamp(QU, date(2016, 12, 1)), "city-2016", 100_000)

    refuses(
        ledger,
        RuleError,
        "version",
        lambda: ledger.correct(stamp(QU), "fund", "city-2016", first, "entered twice"),
    )
