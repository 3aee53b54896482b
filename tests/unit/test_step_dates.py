"""A step never takes effect before the step it follows (docs/cli.md): the household's dates.

Each rule is checked with the dates an officer entering records late could type wrongly, and
with the nearest dates the rule accepts: the exit notice after the verification, the return
steps after the exit and after each other, an assessment year begun and not before the
registration, the registration after the signature, measures and money after the registration
and the plan, the exit after the household's last payment, and a signature given again after
a correction that came after the exit.
"""

from __future__ import annotations

from datetime import date

import pytest
from ledger.application import Ledger
from ledger.base import Provenance
from ledger.core import Stamp
from ledger.errors import RuleError
from ledger.funds import Disbursement
from ledger.household import Household, Stage
from ledger.values import replayed_as_recorded

from tests.support import DOC, bare_household, identify, refuses, register, stamp

JN, QU = "jn-01", "qu-01"
#: The household of ``register`` signs on 5 August 2016 and is registered on 10 August.
REGISTERED = date(2016, 8, 10)


def on(day: str, actor: str = JN) -> Stamp:
    return stamp(actor, date.fromisoformat(day))


def d(day: str) -> date:
    return date.fromisoformat(day)


def verified(app: Ledger, number: str = "JH-1") -> None:
    """The worked example of docs/cli.md: proposed 1 December 2016, verified 5 December."""
    register(app, number)
    app.assess_income(on("2016-11-20"), number, 2016, 900_000)
    app.propose_exit(on("2016-12-01"), number, 2016)
    app.verify_exit(on("2016-12-05"), number)


def exited(app: Ledger, number: str = "JH-1") -> None:
    """Noticed 6 to 12 December 2016, approved 20 December."""
    verified(app, number)
    app.post_exit_notice(on("2016-12-06"), number, d("2016-12-06"), d("2016-12-12"))
    app.approve_exit(on("2016-12-20", QU), number)


def registered_on_10_march_2017(app: Ledger, number: str = "JH-7") -> None:
    """Identified in 2016, reviewed, noticed and registered in 2017."""
    identify(app, number)
    app.review(on("2017-03-01"), number, True)
    app.post_notice(on("2017-03-02"), number, d("2017-03-02"), d("2017-03-08"))
    app.sign(on("2017-03-04"), number)
    app.register(on("2017-03-10"), number, True)


def paid_account(app: Ledger) -> None:
    app.open_account(on("2016-08-01", QU), "city-2016", "city", 2016)
    app.receive_allocation(on("2016-08-01", QU), "city-2016", 1_000_000)


def payment(amount_fen: int = 100_000) -> Disbursement:
    return Disbursement(amount_fen, "industry", "household", "JH-1", "m1")


# -- 1. the exit notice 退出公示 starts after the verification ---------------------------------


def test_an_exit_notice_starting_before_the_exit_was_proposed_is_refused(ledger: Ledger) -> None:
    verified(ledger)

    refused = refuses(
        ledger,
        RuleError,
        "start",
        lambda: ledger.post_exit_notice(on("2016-12-06"), "JH-1", d("2016-08-01"), d("2016-08-07")),
    )

    assert "the exit notice starts 2016-08-01; the exit was proposed only on 2016-12-01" in str(
        refused
    )


def test_an_exit_notice_starting_between_proposal_and_verification_is_refused(
    ledger: Ledger,
) -> None:
    verified(ledger)

    refused = refuses(
        ledger,
        RuleError,
        "start",
        lambda: ledger.post_exit_notice(on("2016-12-06"), "JH-1", d("2016-12-03"), d("2016-12-09")),
    )

    assert "the exit was verified only on 2016-12-05" in str(refused)


def test_an_exit_notice_starting_on_the_day_of_the_verification_is_accepted(
    ledger: Ledger,
) -> None:
    verified(ledger)

    ledger.post_exit_notice(on("2016-12-05"), "JH-1", d("2016-12-05"), d("2016-12-11"))

    assert ledger.household("JH-1").exit_steps[-1] == "noticed"


# -- 2. the return 返贫 after the exit, each step after the one before ------------------------


def test_a_return_recognised_before_the_exit_was_approved_is_refused(ledger: Ledger) -> None:
    exited(ledger)

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.advance_return(
            on("2016-08-25"), "JH-1", "recognised", "台风妮妲", "江海区民政局"
        ),
    )

    assert "the exit of JH-1 was approved only on 2016-12-20" in str(refused)
    assert "2016-08-25" in str(refused)


#: The return of the worked example (docs/cli.md): typhoon 天鸽, August-September 2017.
RETURN = (
    ("recognised", JN, "2017-08-25"),
    ("applied", JN, "2017-08-28"),
    ("reviewed", QU, "2017-09-05"),
    ("approved", QU, "2017-09-20"),
)


@pytest.mark.parametrize("taken", [1, 2, 3])
def test_a_return_step_dated_before_the_step_it_follows_is_refused(
    ledger: Ledger, taken: int
) -> None:
    exited(ledger)
    for step, actor, day in RETURN[:taken]:
        named = ("台风天鸽", "江海区民政局") if step == "recognised" else ()
        ledger.advance_return(on(day, actor), "JH-1", step, *named)
    previous, _, previous_day = RETURN[taken - 1]
    step, actor, _ = RETURN[taken]
    the_day_before = str(d(previous_day).replace(day=d(previous_day).day - 1))

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.advance_return(on(the_day_before, actor), "JH-1", step),
    )

    assert (
        f"return {step} is dated {the_day_before}; return {previous} took effect only on "
        f"{previous_day}" in str(refused)
    )
    ledger.advance_return(on(previous_day, actor), "JH-1", step)


def test_return_steps_in_date_order_put_the_household_back(ledger: Ledger) -> None:
    exited(ledger)

    ledger.advance_return(on("2016-12-20"), "JH-1", "recognised", "台风", "江海区民政局")
    ledger.advance_return(on("2016-12-20"), "JH-1", "applied")
    ledger.advance_return(on("2016-12-28", QU), "JH-1", "reviewed")
    ledger.advance_return(on("2017-01-05", QU), "JH-1", "approved")

    household = ledger.household("JH-1")
    assert (household.stage, household.plan_year) == (Stage.RETURNED, 2018)


# -- 3. the assessment year 评估年度 ----------------------------------------------------------


def test_an_income_assessment_dated_before_its_year_began_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.assess_income(on("2016-11-05"), "JH-1", 2018, 900_000),
    )

    assert "the 2018 income assessment is dated 2016-11-05; 2018 begins only on 2018-01-01" in str(
        refused
    )


def test_a_year_is_assessed_in_it_or_early_the_next_year(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    ledger.assess_income(on("2016-11-05"), "JH-1", 2016, 700_000)
    ledger.assess_income(on("2017-01-10"), "JH-1", 2016, 900_000)
    ledger.assess_income(on("2017-01-01"), "JH-1", 2017, 900_000)

    assert ledger.household("JH-1").incomes == {2016: 900_000, 2017: 900_000}


def test_an_income_assessment_for_a_year_before_the_registration_is_refused(
    ledger: Ledger,
) -> None:
    registered_on_10_march_2017(ledger)

    refused = refuses(
        ledger,
        RuleError,
        "year",
        lambda: ledger.assess_income(on("2017-03-20"), "JH-7", 2016, 900_000),
    )

    assert "JH-7 was registered on 2017-03-10" in str(refused)
    ledger.assess_income(on("2017-11-05"), "JH-7", 2017, 900_000)


def test_an_exit_proposed_before_its_year_began_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.assess_income(on("2017-01-02"), "JH-1", 2017, 1_200_000)

    refused = refuses(
        ledger, RuleError, "effective", lambda: ledger.propose_exit(on("2016-12-20"), "JH-1", 2017)
    )

    assert "2017 begins only on 2017-01-01" in str(refused)


def test_an_exit_proposed_before_the_assessment_it_rests_on_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.assess_income(on("2017-01-10"), "JH-1", 2016, 900_000)

    refused = refuses(
        ledger, RuleError, "effective", lambda: ledger.propose_exit(on("2016-12-20"), "JH-1", 2016)
    )

    assert "its 2016 income was first assessed only on 2017-01-10" in str(refused)
    ledger.propose_exit(on("2017-01-10"), "JH-1", 2016)


def a_household(**state: object) -> Household:
    household = bare_household("JH-7", 7, Provenance(JN, "officer", d("2016-08-01"), DOC))
    for name, value in state.items():
        setattr(household, name, value)
    return household


def test_an_exit_for_a_year_before_the_registration_is_refused() -> None:
    # A 2016 assessment the ledger now refuses, as an older ledger recorded it.
    household = a_household(
        stage=Stage.REGISTERED,
        key_target=True,
        registered_on=d("2017-03-10"),
        incomes={2016: 900_000},
    )

    with pytest.raises(RuleError) as refused:
        household.propose_exit(
            2016,
            810_000,
            Provenance(JN, "officer", d("2017-03-20"), DOC),
            threshold=lambda year, area: 810_000,
            notice_days=7,
            last_year=2018,
        )

    assert refused.value.field == "year"
    assert "registered on 2017-03-10: no exit proposal for 2016" in str(refused.value)


# -- 4. the registration 建档立卡 after the signature 签字确认 ----------------------------------


def test_a_registration_dated_before_the_signature_is_refused(ledger: Ledger) -> None:
    identify(ledger, "JH-1")
    ledger.review(on("2016-08-02"), "JH-1", True)
    ledger.post_notice(on("2016-08-03"), "JH-1", d("2016-08-03"), d("2016-08-09"))
    ledger.sign(on("2016-08-20"), "JH-1")

    refused = refuses(
        ledger, RuleError, "effective", lambda: ledger.register(on("2016-08-12"), "JH-1", True)
    )

    assert (
        "the registration is dated 2016-08-12; JH-1 signed to confirm 签字确认 only on 2016-08-20"
        in str(refused)
    )
    ledger.register(on("2016-08-20"), "JH-1", True)


# -- 5. measures 一户一策, money and income after the registration and the plan --------------


def test_a_measure_planned_before_the_registration_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.plan_measure(on("2016-08-05"), "JH-1", "m1", "industry", "养鸡"),
    )

    assert "measure m1 is dated 2016-08-05; JH-1 was registered only on 2016-08-10" in str(refused)
    ledger.plan_measure(on("2016-08-10"), "JH-1", "m1", "industry", "养鸡")


def test_a_measure_completed_before_it_was_planned_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.plan_measure(on("2016-09-01"), "JH-1", "m1", "industry", "养鸡")

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.complete_measure(on("2016-08-20"), "JH-1", "m1", "已落实"),
    )

    assert "the completion is dated 2016-08-20; m1 was planned only on 2016-09-01" in str(refused)
    ledger.complete_measure(on("2016-09-01"), "JH-1", "m1", "已落实")


def test_the_planned_date_is_read_from_the_stored_plan(ledger: Ledger) -> None:
    # From the stored MeasurePlanned's provenance: no event gains a field.
    register(ledger, "JH-1")
    ledger.plan_measure(on("2016-09-01"), "JH-1", "m1", "industry", "养鸡")

    assert ledger.household("JH-1").measures_planned_on == {"m1": d("2016-09-01")}


def test_money_paid_before_the_registration_is_refused(ledger: Ledger) -> None:
    paid_account(ledger)
    register(ledger, "JH-1")
    ledger.plan_measure(on("2016-08-10"), "JH-1", "m1", "industry", "养鸡")

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.disburse(on("2016-08-05", QU), "city-2016", payment()),
    )

    assert "the payment is dated 2016-08-05; JH-1 was registered only on 2016-08-10" in str(refused)
    assert ledger.household("JH-1").received_fen == 0


def test_money_paid_before_its_measure_was_planned_is_refused(ledger: Ledger) -> None:
    paid_account(ledger)
    register(ledger, "JH-1")
    ledger.plan_measure(on("2016-09-01"), "JH-1", "m1", "industry", "养鸡")

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.disburse(on("2016-08-20", QU), "city-2016", payment()),
    )

    assert "measure m1 was planned only on 2016-09-01" in str(refused)
    ledger.disburse(on("2016-09-01", QU), "city-2016", payment())
    assert ledger.household("JH-1").received_fen == 100_000


def test_a_payment_refused_for_its_date_leaves_the_account_as_it_was_within_a_batch(
    ledger: Ledger,
) -> None:
    # Every check comes before either aggregate changes: an import keeps one account in
    # memory for its whole batch, and the refused row had already taken the money from it.
    paid_account(ledger)  # 10,000 yuan
    register(ledger, "JH-1")
    ledger.plan_measure(on("2016-09-01"), "JH-1", "m1", "industry", "养鸡")

    with ledger.batch():
        with pytest.raises(RuleError):
            ledger.disburse(on("2016-08-20", QU), "city-2016", payment(1_000_000))
        ledger.disburse(on("2016-09-01", QU), "city-2016", payment(1_000_000))

    assert ledger.household("JH-1").received_fen == 1_000_000


def test_income_assessed_before_the_registration_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.assess_income(on("2016-08-09"), "JH-1", 2016, 900_000),
    )

    assert "JH-1 was registered only on 2016-08-10" in str(refused)
    ledger.assess_income(on(str(REGISTERED)), "JH-1", 2016, 900_000)


# -- 6. no exit before a payment the household received ---------------------------------------


def noticed_and_paid(app: Ledger) -> None:
    paid_account(app)
    verified(app)
    app.plan_measure(on("2016-08-10"), "JH-1", "m1", "industry", "养鸡")
    app.post_exit_notice(on("2016-12-06"), "JH-1", d("2016-12-06"), d("2016-12-12"))
    app.disburse(on("2016-12-28", QU), "city-2016", payment())


def test_an_exit_approved_before_a_payment_the_household_received_is_refused(
    ledger: Ledger,
) -> None:
    noticed_and_paid(ledger)

    refused = refuses(
        ledger, RuleError, "effective", lambda: ledger.approve_exit(on("2016-12-20", QU), "JH-1")
    )

    assert "the exit approval is dated 2016-12-20" in str(refused)
    assert "received a payment dated 2016-12-28" in str(refused)
    ledger.approve_exit(on("2016-12-28", QU), "JH-1")
    assert ledger.household("JH-1").stage == Stage.EXITED


def test_a_voided_payment_does_not_hold_the_exit_back(ledger: Ledger) -> None:
    noticed_and_paid(ledger)
    paid = ledger.household("JH-1").receipts
    ((_, version),) = paid
    ledger.correct(on("2016-12-29", QU), "fund", "city-2016", version, "paid to the wrong measure")

    ledger.approve_exit(on("2016-12-20", QU), "JH-1")

    assert ledger.household("JH-1").stage == Stage.EXITED


# -- 7. a signature voided after the exit is given again ---------------------------------------
# (a ledger an older fupin recorded: since session 29 a signature under a registration stands)


def signature_version(app: Ledger, number: str = "JH-1") -> int:
    entries = app.household(number).entries.items()
    return next(v for v, (kind, _) in entries if kind == "Signed")


def test_a_household_whose_signature_was_voided_after_its_exit_signs_again(
    ledger: Ledger,
) -> None:
    exited(ledger)
    with replayed_as_recorded():  # as a fupin before session 29 took it
        ledger.correct(on("2017-02-01"), "household", "JH-1", signature_version(ledger), "代签")

    ledger.sign(stamp(JN, d("2017-02-10"), "户主补签"), "JH-1")  # saying why (session 29)

    household = ledger.household("JH-1")
    assert (household.stage, household.signed_on) == (Stage.EXITED, d("2017-02-10"))
    refuses(ledger, RuleError, "stage", lambda: ledger.sign(on("2017-02-11"), "JH-1"))


def test_a_signature_given_again_is_dated_from_the_notice_it_confirms(ledger: Ledger) -> None:
    # The correction may have been of the date: the new signature may be earlier than the
    # voided one (5 August), but not before the notice began (3 August).
    exited(ledger)
    with replayed_as_recorded():  # as a fupin before session 29 took it
        ledger.correct(on("2017-02-01"), "household", "JH-1", signature_version(ledger), "日期录错")

    said = "户主补签"  # a signature after the registration says why (session 29)
    refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.sign(stamp(JN, d("2016-08-02"), said), "JH-1"),
    )
    ledger.sign(stamp(JN, d("2016-08-04"), said), "JH-1")

    assert ledger.household("JH-1").signed_on == d("2016-08-04")
