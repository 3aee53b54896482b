"""Session 34, tester a: an exit withdrawn in error could not be voided (``ExitWithdrawn`` was
no correctable entry), and proposed anew it started over: a 2018 exit withdrawn by a slip in
late January 2019 could no longer be noticed and approved by the last day, and the street owed
a talk 约谈 for a typing error. A withdrawal is voided now: the exit is under way again as it
stood, to be carried on or withdrawn again; the read models, rebuilt or caught up, agree."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc, exit_noticed, last_entry

STORE_INDEPENDENT = "a household's exit steps and their read models: SQLite is enough"

JN = "jn-01"


def _noticed_then_withdrawn(fupin: Fupin) -> int:
    """JH-0001's 2016 exit noticed to 2016-12-10 and withdrawn on the 11th: its entry."""
    exit_noticed(fupin)
    fupin.ok(f"household withdraw-exit JH-0001 --reason 录错户 {doc('2016-12-11')}", JN)
    return last_entry(fupin, "JH-0001", "ExitWithdrawn")


def _steps(fupin: Fupin) -> list[str]:
    shown = orjson.loads(fupin.ok("household show JH-0001 --format json", "admin").stdout)
    return [str(step["step"]) for step in shown["exit_steps"]]


def test_a_withdrawal_voided_puts_the_exit_back_where_it_stood(seeded: Fupin) -> None:
    entry = _noticed_then_withdrawn(seeded)
    assert _steps(seeded)[-1] == "withdrawn"

    seeded.ok(f"correct household JH-0001 {entry} --reason 误撤回 {doc('2016-12-12')}", JN)

    assert _steps(seeded) == ["proposed", "verified", "noticed"]
    seeded.ok(f"household approve-exit JH-0001 {doc('2016-12-12')}", "qu-01")
    assert _steps(seeded) == ["proposed", "verified", "noticed", "approved"]
    shown = orjson.loads(seeded.ok("household show JH-0001 --format json", "admin").stdout)
    assert shown["facts"][0]["stage"] == "exited"
    seeded.ok("projections check", "admin")  # the read models equal a rebuild's
    seeded.ok("verify", "admin")


def test_only_the_withdrawal_of_the_latest_exit_is_voided(seeded: Fupin) -> None:
    entry = _noticed_then_withdrawn(seeded)
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-12')}", JN)
    before = seeded.event_count()

    refused = seeded(f"correct household JH-0001 {entry} --reason 误撤回 {doc('2016-12-13')}", JN)

    assert_refused(
        refused,
        "version",
        "an exit of JH-0001 was proposed since this withdrawal: only the withdrawal of the "
        "latest exit is voided",
    )
    assert seeded.event_count() == before


def test_a_withdrawal_is_not_voided_once_the_assessment_of_its_exit_is(seeded: Fupin) -> None:
    # Re-tester r, session 34: the exit came back under way on no income, said "corrected"
    entry = _noticed_then_withdrawn(seeded)
    assessed = last_entry(seeded, "JH-0001", "IncomeAssessed")
    seeded.ok(f"correct household JH-0001 {assessed} --reason 录错 {doc('2016-12-12')}", JN)
    before = seeded.event_count()

    refused = seeded(f"correct household JH-0001 {entry} --reason 误撤回 {doc('2016-12-13')}", JN)

    assert_refused(
        refused,
        "version",
        f"the 2016 income assessment the withdrawn exit rested on (entry {assessed}) was voided "
        "since: the exit cannot stand as it stood; propose it anew",
    )
    assert seeded.event_count() == before


def test_a_withdrawal_is_not_voided_once_the_household_was_amended_since(seeded: Fupin) -> None:
    # Re-tester r, session 34: amended (to urban, no key target) after the withdrawal, the household
    # then exited on the voided withdrawal
    entry = _noticed_then_withdrawn(seeded)
    amend = "household amend JH-0001 --area urban --reason 核实为城镇"
    seeded.ok(f"{amend} {doc('2016-12-12')}", JN)
    before = seeded.event_count()

    refused = seeded(f"correct household JH-0001 {entry} --reason 误撤回 {doc('2016-12-13')}", JN)

    assert_refused(
        refused,
        "version",
        f"entries other than visits were recorded on JH-0001 since this withdrawal (entry {entry}; "
        "its latest entry is",
    )
    assert "propose it anew (fupin household propose-exit JH-0001 2016)" in refused.stderr
    assert seeded.event_count() == before


def test_a_withdrawal_is_voided_past_visits_recorded_since(seeded: Fupin) -> None:
    entry = _noticed_then_withdrawn(seeded)
    seeded.ok(f"household visit JH-0001 --helper c-1 --summary 走访 {doc('2016-12-12')}", JN)

    seeded.ok(f"correct household JH-0001 {entry} --reason 误撤回 {doc('2016-12-13')}", JN)

    assert _steps(seeded) == ["proposed", "verified", "noticed"]
