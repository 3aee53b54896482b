"""Entries made late, dated before others already recorded: what holds now is decided by
effective date, in the aggregate (the rules commands check) and in the read models alike."""

from __future__ import annotations

from datetime import date

import pytest
from ledger.application import Ledger
from ledger.errors import RuleError
from ledger.household import Personal
from projections import api

from tests.integration.test_projections_accountability import exit_household, section
from tests.support import id_card, identify, refuses, register, stamp


@pytest.fixture
def ledger(store_ledger: Ledger) -> Ledger:
    """Every test here runs on SQLite and on PostgreSQL (the ``store`` fixture)."""
    return store_ledger


def people(app: Ledger, as_of: date | None = None) -> int:
    totals: dict[str, int] = api.caseload(app, as_of=as_of)["totals"]
    return totals["people"]


def change(app: Ledger, day: date, members: int, card: int = 1) -> None:
    names = tuple(f"成员{n}" for n in range(members))
    personal = Personal(names[0], id_card(card), "", "", names)
    app.change_members(stamp("jn-01", day, f"{members} 人"), "JH-1", members, personal)


def test_an_older_assessment_entered_late_does_not_replace_the_latest(ledger: Ledger) -> None:
    # "A later assessment of the same year supersedes the earlier" (events.md): later in time.
    register(ledger, "JH-1")
    ledger.assess_income(stamp("jn-01", date(2017, 1, 8)), "JH-1", 2016, 700_000)
    ledger.assess_income(stamp("jn-01", date(2017, 1, 2)), "JH-1", 2016, 900_000)  # entered late

    refused = refuses(
        ledger,
        RuleError,
        "income",
        lambda: ledger.propose_exit(stamp("jn-01", date(2017, 1, 10)), "JH-1", 2016),
    )

    assert "7000.00 yuan is below" in str(refused)
    assert ledger.household("JH-1").incomes[2016] == 700_000


def test_an_exit_fault_is_not_hidden_by_an_older_assessment_entered_late(
    ledger: Ledger,
) -> None:
    register(ledger, "JH-1")
    exit_household(ledger, "JH-1")  # 9000 yuan, assessed 10 January 2017
    ledger.assess_income(stamp("jn-01", date(2017, 2, 1)), "JH-1", 2016, 700_000)
    ledger.assess_income(stamp("jn-01", date(2017, 1, 15)), "JH-1", 2016, 950_000)  # late

    faults = section(ledger, "exit_faults")

    assert [(f["household"], f["fault"]) for f in faults] == [("JH-1", "income-below")]


def test_a_change_of_members_entered_late_does_not_set_the_members_now(ledger: Ledger) -> None:
    register(ledger, "JH-1")  # 3 members
    change(ledger, date(2018, 3, 1), 2)
    change(ledger, date(2017, 9, 1), 4)  # a birth in 2017, entered after the 2018 change

    household = ledger.household("JH-1")

    assert (household.members, len(household.personal.member_names)) == (2, 2)
    assert people(ledger) == 2
    assert people(ledger, as_of=date(2018, 6, 30)) == 2
    assert people(ledger, as_of=date(2017, 12, 31)) == 4
    assert people(ledger, as_of=date(2017, 6, 30)) == 3


def test_the_personal_data_now_and_as_of_follow_the_effective_dates(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    change(ledger, date(2018, 3, 1), 2)
    change(ledger, date(2017, 9, 1), 4)  # entered late

    now = ledger.personal_data("JH-1")
    mid_2018 = ledger.personal_data("JH-1", as_of=date(2018, 6, 30))
    end_2017 = ledger.personal_data("JH-1", as_of=date(2017, 12, 31))

    assert len(now["member_names"]) == 2
    assert len(mid_2018["member_names"]) == 2
    assert len(end_2017["member_names"]) == 4


def test_a_head_entered_late_dated_earlier_is_not_compared_as_the_head_now(
    ledger: Ledger,
) -> None:
    register(ledger, "JH-1", serial=1)
    register(ledger, "JH-2", serial=55)
    change(ledger, date(2018, 3, 1), 2, card=1)
    change(ledger, date(2017, 9, 1), 4, card=55)  # entered late: JH-2's head, then

    assert ledger.shared_id_cards() == []
    change(ledger, date(2018, 4, 1), 2, card=55)  # now JH-2's head heads JH-1 too
    assert [s["households"] for s in ledger.shared_id_cards()] == [["JH-1", "JH-2"]]


def test_a_household_turned_down_shares_its_heads_id_card_with_none(ledger: Ledger) -> None:
    """Tester X, session 20: a household identified in error, turned down at its review as
    the refusal of a correction advises, and identified again under another number was
    listed as one person heading two households."""
    identify(ledger, "JH-1", serial=7)
    ledger.review(stamp("jn-01", date(2016, 8, 2)), "JH-1", False)
    identify(ledger, "JH-2", serial=7)
    identify(ledger, "JH-3", serial=8)
    ledger.review(stamp("jn-01", date(2016, 8, 2)), "JH-3", True)
    notice = (date(2016, 8, 3), date(2016, 8, 9))
    ledger.post_notice(stamp("jn-01", date(2016, 8, 3)), "JH-3", *notice)
    ledger.raise_objection(stamp("jn-01", date(2016, 8, 4)), "JH-3", "o-1", "收入不符")
    ledger.resolve_objection(stamp("jn-01", date(2016, 8, 5)), "JH-3", "o-1", True)
    identify(ledger, "JH-4", serial=8)

    assert ledger.shared_id_cards() == []
    identify(ledger, "JH-5", serial=7)  # not turned down: one person, two households
    assert [s["households"] for s in ledger.shared_id_cards()] == [["JH-2", "JH-5"]]


def test_a_change_of_members_before_the_identification_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")  # identified 1 August 2016

    refused = refuses(ledger, RuleError, "effective", lambda: change(ledger, date(2016, 7, 1), 2))

    assert "was identified" in str(refused)


def test_an_unpairing_after_an_exit_approval_entered_late_is_not_early(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")
    s = stamp("jn-01", date(2017, 1, 10))
    ledger.assess_income(s, "JH-1", 2016, 900_000)
    ledger.propose_exit(s, "JH-1", 2016)
    ledger.verify_exit(stamp("jn-01", date(2017, 1, 12)), "JH-1")
    ledger.post_exit_notice(
        stamp("jn-01", date(2017, 1, 13)), "JH-1", date(2017, 1, 13), date(2017, 1, 19)
    )
    ledger.unpair(stamp("jn-01", date(2017, 2, 1)), "JH-1", "c-1", "调岗", replacement="c-2")
    ledger.approve_exit(stamp("qu-01", date(2017, 1, 20)), "JH-1")  # entered after it

    assert section(ledger, "early_unpairings") == []
    assert section(ledger, "early_unpairings", as_of=date(2017, 1, 31)) == []


def test_an_exit_recorded_before_the_rule_rests_on_the_assessment_its_income_names(
    ledger: Ledger,
) -> None:
    # Recorded before 2026-11-29, an exit was proposed on the latest assessment entered, not
    # the latest by effective date: its event's income says which, and that one must stand.
    register(ledger, "JH-1")
    ledger.assess_income(stamp("jn-01", date(2017, 1, 8)), "JH-1", 2016, 950_000)  # version 6
    ledger.assess_income(stamp("jn-01", date(2017, 1, 2)), "JH-1", 2016, 900_000)  # 7: latest in
    household = ledger.household("JH-1")
    prov = ledger.authorise(stamp("jn-01", date(2017, 1, 10)), "propose_exit", household.street)
    household._exit_proposed(2016, 900_000, 800_000, prov)  # as the older command recorded it
    ledger.save(household)

    refused = refuses(
        ledger,
        RuleError,
        "version",
        lambda: ledger.correct(stamp("jn-01", date(2017, 1, 11)), "household", "JH-1", 7, "x"),
    )
    ledger.correct(stamp("jn-01", date(2017, 1, 11)), "household", "JH-1", 6, "录入错误")

    assert "the 2016 exit rests on this assessment" in str(refused)
