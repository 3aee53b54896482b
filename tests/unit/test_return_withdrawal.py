"""A return to poverty under way can be withdrawn 撤回返贫 (the district's review or the city's
approval turned it down, or it was recognised against the wrong household): before, once
recognised it could only go on, so a later, real disaster could never be recorded. A return
that would join a plan after the programme is refused; only the recognition names the
disaster and the department."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from ledger.application import Ledger
from ledger.core import Stamp
from ledger.errors import RuleError
from ledger.household import Stage

from tests.support import TickingClock, refuses, register, stamp

JN, QU = "jn-01", "qu-01"


def on(day: str, actor: str = JN) -> Stamp:
    return stamp(actor, date.fromisoformat(day))


def exited_in(app: Ledger, year: int) -> None:
    """JH-1 registered in 2016, exited on ``year``'s income on 20 November of that year."""
    register(app, "JH-1")
    app.assess_income(on(f"{year}-11-01"), "JH-1", year, 2_000_000)
    app.propose_exit(on(f"{year}-11-02"), "JH-1", year)
    app.verify_exit(on(f"{year}-11-03"), "JH-1")
    app.post_exit_notice(on(f"{year}-11-04"), "JH-1", date(year, 11, 4), date(year, 11, 10))
    app.approve_exit(on(f"{year}-11-20", QU), "JH-1")


def recognised_and_applied(app: Ledger) -> None:
    exited_in(app, 2016)
    app.advance_return(on("2017-06-01"), "JH-1", "recognised", "暴雨", "江海区民政局")
    app.advance_return(on("2017-06-05"), "JH-1", "applied")


def test_a_return_turned_down_is_withdrawn_and_a_later_disaster_recognised(
    ledger: Ledger,
) -> None:
    recognised_and_applied(ledger)

    ledger.withdraw_return(on("2017-06-20", QU), "JH-1", "区审核不通过")

    household = ledger.household("JH-1")
    assert household.stage == Stage.EXITED
    assert household.return_steps == []
    ledger.advance_return(on("2018-09-20"), "JH-1", "recognised", "台风山竹", "江海区民政局")
    ledger.advance_return(on("2018-09-25"), "JH-1", "applied")
    ledger.advance_return(on("2018-10-05", QU), "JH-1", "reviewed")
    ledger.advance_return(on("2018-10-20", QU), "JH-1", "approved")
    household = ledger.household("JH-1")
    assert household.stage == Stage.RETURNED
    assert household.plan_year == 2019
    history = ledger.history("JH-1")
    withdrawn = [e for e in history if e["event"] == "ReturnWithdrawn"]
    assert [e["details"]["reason"] for e in withdrawn] == ["区审核不通过"]


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("nothing under way", "return"),
        ("approved", "return"),
        ("no reason", "reason"),
        ("before its last step", "effective"),
    ],
)
def test_a_return_withdrawal_is_refused_without_a_return_under_way_a_reason_or_its_order(
    ledger: Ledger, case: str, field: str
) -> None:
    if case == "nothing under way":
        exited_in(ledger, 2016)
    else:
        recognised_and_applied(ledger)
    if case == "approved":
        ledger.advance_return(on("2017-06-10", QU), "JH-1", "reviewed")
        ledger.advance_return(on("2017-06-15", QU), "JH-1", "approved")
    day = "2017-06-04" if case == "before its last step" else "2017-06-20"
    reason = "  " if case == "no reason" else "区审核不通过"

    refused = refuses(
        ledger, RuleError, field, lambda: ledger.withdraw_return(on(day), "JH-1", reason)
    )

    if case == "before its last step":
        assert "return applied took effect only on 2017-06-05" in str(refused)


def test_a_return_recognised_again_is_not_dated_before_the_withdrawal(ledger: Ledger) -> None:
    recognised_and_applied(ledger)
    ledger.withdraw_return(on("2017-06-20"), "JH-1", "认定户号录错")

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.advance_return(
            on("2017-06-19"), "JH-1", "recognised", "暴雨", "江海区民政局"
        ),
    )

    assert "the return before it was withdrawn only on 2017-06-20" in str(refused)


@pytest.mark.parametrize("step", ["recognised", "approved"])
def test_a_return_that_would_join_a_plan_after_the_programme_is_refused(
    ledger: Ledger, ticking: TickingClock, step: str
) -> None:
    # Approved in 2019 it joined the 2020 plan, which nothing can be recorded for: stuck.
    ticking.current = datetime(2019, 6, 1, tzinfo=UTC)
    exited_in(ledger, 2018)
    if step == "approved":
        ledger.advance_return(on("2018-12-01"), "JH-1", "recognised", "台风", "江海区民政局")
        ledger.advance_return(on("2018-12-05"), "JH-1", "applied")
        ledger.advance_return(on("2018-12-20", QU), "JH-1", "reviewed")
    named = ("台风", "江海区民政局") if step == "recognised" else ()
    actor = QU if step == "approved" else JN

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.advance_return(on("2019-03-20", actor), "JH-1", step, *named),
    )

    assert "joins the 2020 plan" in str(refused)
    assert ledger.household("JH-1").stage == Stage.EXITED
    if step == "approved":  # the half-done return is withdrawn instead
        ledger.withdraw_return(on("2019-03-20", QU), "JH-1", "市审批: 2020年不再纳入计划")
        assert ledger.household("JH-1").return_steps == []


@pytest.mark.parametrize(
    ("step", "option"),
    [("applied", "disaster"), ("reviewed", "authority"), ("approved", "disaster")],
)
def test_a_later_return_step_naming_a_disaster_or_department_is_refused(
    ledger: Ledger, step: str, option: str
) -> None:
    exited_in(ledger, 2016)
    steps = ("recognised", "applied", "reviewed", "approved")
    for done in steps[: steps.index(step)]:
        named = ("台风天鸽", "江海区民政局") if done == "recognised" else ()
        ledger.advance_return(on("2017-08-25", QU), "JH-1", done, *named)
    given = {"disaster": ("另一场洪水", ""), "authority": ("", "雄光村委会")}[option]

    refused = refuses(
        ledger,
        RuleError,
        option,
        lambda: ledger.advance_return(on("2017-08-28", QU), "JH-1", step, *given),
    )

    assert "only the recognised step of a return names" in str(refused)
    assert f"leave --{option} out of return {step}" in str(refused)
