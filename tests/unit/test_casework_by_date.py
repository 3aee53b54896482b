"""Casework judged on its effective date, not on today's stage: an unpairing dated between an
exit and a later return, and a pairing, agreement, measure or employment dated before an exit
and entered after it (the accountability report's no-assistance fault then clears); nothing
dated after the exit slips through. And an employment is not dated before the registration,
nor overlaps the same worker's previous employment there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ledger.application import Ledger
from ledger.errors import RuleError
from ledger.helpers import Helper
from projections import api

from tests.support import refuses, register, stamp

JN, QU = "jn-01", "qu-01"
EXITED = date(2016, 12, 10)
RETURNED = date(2017, 9, 20)


def exit_2016(app: Ledger, number: str = "JH-1") -> None:
    """Exit approved 10 December 2016 (rural threshold 2016)."""
    app.assess_income(stamp(JN, date(2016, 11, 30)), number, 2016, 900_000)
    app.propose_exit(stamp(JN, date(2016, 12, 1)), number, 2016)
    app.verify_exit(stamp(JN, date(2016, 12, 2)), number)
    app.post_exit_notice(stamp(JN, date(2016, 12, 3)), number, date(2016, 12, 3), date(2016, 12, 9))
    app.approve_exit(stamp(QU, EXITED), number)


def return_2017(app: Ledger, number: str = "JH-1") -> None:
    """Return approved 20 September 2017."""
    app.advance_return(
        stamp(JN, date(2017, 8, 25)), number, "recognised", "台风天鸽", "江海区民政局"
    )
    app.advance_return(stamp(JN, date(2017, 8, 28)), number, "applied")
    app.advance_return(stamp(QU, date(2017, 9, 5)), number, "reviewed")
    app.advance_return(stamp(QU, RETURNED), number, "approved")


def test_an_unpairing_dated_between_an_exit_and_a_later_return_is_accepted(
    ledger: Ledger,
) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "e-1")
    exit_2016(ledger)
    return_2017(ledger)

    ledger.unpair(stamp(JN, date(2017, 1, 15)), "JH-1", "e-1", "脱贫后解除结对")

    assert "e-1" not in ledger.household("JH-1").helpers


def test_an_unpairing_dated_after_the_return_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "c-1")
    exit_2016(ledger)
    return_2017(ledger)

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.unpair(stamp(JN, RETURNED), "JH-1", "c-1", "返贫后解除"),
    )
    assert "不脱贫不脱钩" in str(refused)


def exit_faults(app: Ledger) -> list[str]:
    """JH-1's exit faults but ``missing-roles`` (its 4+1 helpers, since session 28: judged in
    tests/cli/test_round28_exit_roles.py)."""
    found = api.accountability(app, as_of=date(2018, 12, 31))["exit_faults"]
    return [
        fault["fault"]
        for fault in found
        if fault["household"] == "JH-1" and fault["fault"] != "missing-roles"
    ]


def late_casework(app: Ledger, day: date) -> list[Callable[[], object]]:
    return [
        lambda: app.pair(stamp(JN, day), "JH-1", "sw-1"),
        lambda: app.sign_agreement(stamp(JN, day), "JH-1"),
        lambda: app.plan_measure(stamp(JN, day), "JH-1", "m-1", "employment", "就业"),
        lambda: app.employ_worker(stamp(JN, day), "e-1", "JH-1", day),
    ]


def test_casework_dated_before_an_exit_is_entered_after_it_and_clears_the_fault(
    ledger: Ledger,
) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "c-1")
    exit_2016(ledger)
    assert exit_faults(ledger) == ["no-assistance"]

    for command in late_casework(ledger, date(2016, 8, 20)):
        command()

    household = ledger.household("JH-1")
    assert household.agreement_on == date(2016, 8, 20)
    assert "m-1" in household.measures
    assert "sw-1" in household.helpers
    assert "JH-1" in ledger.load(Helper, "e-1", "helper").workers
    assert exit_faults(ledger) == []


def test_casework_dated_after_an_exit_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "c-1")
    exit_2016(ledger)

    for command in late_casework(ledger, date(2016, 12, 11)):
        refused = refuses(ledger, RuleError, "effective", command)
        assert "JH-1 exited on 2016-12-10" in str(refused)


def test_casework_dated_between_an_exit_and_a_return_is_refused_after_the_return(
    ledger: Ledger,
) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "c-1")
    exit_2016(ledger)
    return_2017(ledger)

    for command in late_casework(ledger, date(2017, 3, 1)):
        refused = refuses(ledger, RuleError, "effective", command)
        assert f"its return approved on {RETURNED}" in str(refused)


def test_an_employment_dated_before_the_registration_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")  # registered 10 August 2016

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.employ_worker(stamp(JN, date(2015, 6, 1)), "e-1", "JH-1", date(2015, 1, 1)),
    )
    assert "JH-1 was registered only on 2016-08-10" in str(refused)
    # a job that began before the programme, recorded once the household is registered: fine
    ledger.employ_worker(stamp(JN, date(2016, 8, 10)), "e-1", "JH-1", date(2015, 1, 1))


def test_an_employment_since_a_day_before_the_last_one_there_ended_is_refused(
    ledger: Ledger,
) -> None:
    register(ledger, "JH-1")
    ledger.employ_worker(stamp(JN, date(2016, 9, 1)), "e-1", "JH-1", date(2016, 9, 1))
    first = ledger.load(Helper, "e-1", "helper").version
    ledger.end_employment(stamp(JN, date(2016, 10, 1)), "e-1", "JH-1")

    refused = refuses(
        ledger,
        RuleError,
        "since",
        lambda: ledger.employ_worker(
            stamp(JN, date(2016, 10, 15)), "e-1", "JH-1", date(2016, 9, 15)
        ),
    )
    assert "last employment by e-1 ended only on 2016-10-01" in str(refused)
    # once the ended employment is voided (never was), it bounds the next one no more
    ledger.correct(
        stamp(JN, date(2016, 10, 15)), "helper", "e-1", first, "the contract was never signed"
    )
    ledger.employ_worker(stamp(JN, date(2016, 10, 15)), "e-1", "JH-1", date(2016, 9, 15))
    assert ledger.load(Helper, "e-1", "helper").workers == {"JH-1": date(2016, 9, 15)}
