"""An exit under way can be withdrawn 撤回退出 when its verification 核实 fails: before, a
proposal could never be dropped, so a household whose verification found its income below
the threshold could never exit in a later year."""

from __future__ import annotations

from datetime import date

import pytest
from ledger.application import Ledger
from ledger.core import Stamp
from ledger.errors import RuleError
from ledger.household import Stage
from projections import api

from tests.support import refuses, register, stamp

JN, QU = "jn-01", "qu-01"


def on(day: str, actor: str = JN) -> Stamp:
    return stamp(actor, date.fromisoformat(day))


def proposed_for_2016(app: Ledger) -> int:
    """Proposed on the 2016 assessment, which the verification then finds wrong; returns the
    version of that assessment."""
    register(app, "JH-1")
    # Assisted 精准扶持 before any exit: a helper, the agreement 扶贫协议, a measure 一户一策
    # (an exit without them is an exit fault, ``no-assistance``), the four helpers of 4+1
    # (since session 28, an exit with fewer is one too, ``missing-roles``).
    for helper in ("c-1", "e-1", "sw-1", "v-1"):
        app.pair(on("2016-08-11"), "JH-1", helper)
    app.sign_agreement(on("2016-08-11"), "JH-1")
    app.plan_measure(on("2016-08-11"), "JH-1", "M1", "industry", "种养")
    app.assess_income(on("2016-11-30"), "JH-1", 2016, 900_000)
    assessed = app.household("JH-1").version
    app.propose_exit(on("2016-12-01"), "JH-1", 2016)
    app.assess_income(on("2016-12-03"), "JH-1", 2016, 500_000)  # 核实: 5,000 yuan
    return assessed


def test_an_exit_whose_verification_failed_is_withdrawn_and_a_later_exit_proposed(
    ledger: Ledger,
) -> None:
    proposed_for_2016(ledger)
    # Before, stuck: "refused exit: an exit is already proposed".
    refuses(ledger, RuleError, "exit", lambda: ledger.propose_exit(on("2017-12-01"), "JH-1", 2017))

    ledger.withdraw_exit(on("2016-12-05"), "JH-1", "核实未通过: 收入低于标准")
    ledger.assess_income(on("2017-11-30"), "JH-1", 2017, 1_000_000)
    ledger.propose_exit(on("2017-12-01"), "JH-1", 2017)
    ledger.verify_exit(on("2017-12-02"), "JH-1")
    ledger.post_exit_notice(on("2017-12-03"), "JH-1", date(2017, 12, 3), date(2017, 12, 9))
    ledger.approve_exit(on("2017-12-15", QU), "JH-1")

    household = ledger.household("JH-1")
    assert household.stage == Stage.EXITED
    assert household.exit_year == 2017
    cases = api.caseload(ledger)
    assert [(e["year"], e["households"]) for e in cases["exits"]] == [(2017, 1)]
    assert api.accountability(ledger, as_of=date(2018, 12, 31))["exit_faults"] == []
    steps = api.household(ledger, "JH-1")["exit_steps"]
    assert [(s["exit_cycle"], s["step"]) for s in steps] == [
        (0, "proposed"),
        (0, "withdrawn"),
        (1, "proposed"),
        (1, "verified"),
        (1, "noticed"),
        (1, "approved"),
    ]


def test_the_withdrawn_proposals_assessment_may_then_be_corrected(ledger: Ledger) -> None:
    assessed = proposed_for_2016(ledger)
    refuses(
        ledger,
        RuleError,
        "version",
        lambda: ledger.correct(on("2016-12-04"), "household", "JH-1", assessed, "误录"),
    )

    ledger.withdraw_exit(on("2016-12-05"), "JH-1", "核实未通过")
    ledger.correct(on("2016-12-06"), "household", "JH-1", assessed, "误录")

    assert ledger.household("JH-1").incomes[2016] == 500_000


@pytest.mark.parametrize(
    ("case", "field"),
    [("nothing under way", "exit"), ("no reason", "reason"), ("before the proposal", "effective")],
)
def test_a_withdrawal_is_refused_without_an_exit_under_way_a_reason_or_its_order(
    ledger: Ledger, case: str, field: str
) -> None:
    if case == "nothing under way":
        register(ledger, "JH-1")
        refuses(
            ledger, RuleError, field, lambda: ledger.withdraw_exit(on("2016-12-05"), "JH-1", "x")
        )
        return
    proposed_for_2016(ledger)
    day, reason = ("2016-12-05", "  ") if case == "no reason" else ("2016-11-30", "核实未通过")
    refuses(ledger, RuleError, field, lambda: ledger.withdraw_exit(on(day), "JH-1", reason))


def test_an_approved_exit_is_not_withdrawn(ledger: Ledger) -> None:
    proposed_for_2016(ledger)
    ledger.assess_income(on("2016-12-04"), "JH-1", 2016, 900_000)
    ledger.verify_exit(on("2016-12-05"), "JH-1")
    ledger.post_exit_notice(on("2016-12-06"), "JH-1", date(2016, 12, 6), date(2016, 12, 12))
    ledger.approve_exit(on("2016-12-20", QU), "JH-1")

    refuses(ledger, RuleError, "exit", lambda: ledger.withdraw_exit(on("2016-12-21"), "JH-1", "x"))


def test_an_exit_proposed_again_is_not_dated_before_the_withdrawal(ledger: Ledger) -> None:
    # Dated before it, an --as-of view before the withdrawal saw proposed -> proposed in one
    # exit cycle and reported a skipped step that was never skipped.
    proposed_for_2016(ledger)
    ledger.withdraw_exit(on("2016-12-15"), "JH-1", "核实未通过")
    ledger.assess_income(on("2016-12-13"), "JH-1", 2016, 900_000)

    refused = refuses(
        ledger, RuleError, "effective", lambda: ledger.propose_exit(on("2016-12-14"), "JH-1", 2016)
    )

    assert "the exit before it was withdrawn only on 2016-12-15" in str(refused)
    ledger.propose_exit(on("2016-12-16"), "JH-1", 2016)
