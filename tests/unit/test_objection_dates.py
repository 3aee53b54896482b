"""Objections 异议 in time: an objection is raised during the public notice, so never dated
before the notice began; its answer is never dated before the objection; a registration never
before the answer to an objection. Dated earlier, ``--as-of`` saw a household rejected (or
registered with an objection open) on a day nobody had objected yet."""

from __future__ import annotations

from datetime import date
from functools import partial

from ledger.application import Ledger
from ledger.errors import RuleError
from ledger.household import Stage
from projections.api import caseload

from tests.support import refuses, stamp
from tests.unit.test_household import under_notice

JN = "jn-01"
#: The notice of ``under_notice`` runs from 3 to 9 August 2016.
NOTICE_START = date(2016, 8, 3)


def test_an_objection_dated_before_the_notice_began_is_refused(ledger: Ledger) -> None:
    under_notice(ledger, "JH-1")

    for day in (date(1900, 1, 1), date(2016, 8, 1), date(2016, 8, 2)):
        error = refuses(
            ledger,
            RuleError,
            "effective",
            partial(ledger.raise_objection, stamp(JN, day), "JH-1", "o-1", "有车"),
        )
        assert error.rule == (
            f"the objection is dated {day}; the notice it objects to began only on 2016-08-03"
        )


def test_an_objection_on_the_notice_s_first_day_is_recorded(ledger: Ledger) -> None:
    under_notice(ledger, "JH-1")

    ledger.raise_objection(stamp(JN, NOTICE_START), "JH-1", "o-1", "有车")

    assert ledger.household("JH-1").objections == {"o-1": False}


def test_an_answer_dated_before_its_objection_is_refused(ledger: Ledger) -> None:
    under_notice(ledger, "JH-1")
    ledger.raise_objection(stamp(JN, date(2016, 8, 5)), "JH-1", "o-1", "有车")

    for day in (date(1899, 12, 31), date(2016, 8, 4)):
        error = refuses(
            ledger,
            RuleError,
            "effective",
            partial(ledger.resolve_objection, stamp(JN, day), "JH-1", "o-1", True),
        )
        assert error.rule == (
            f"the answer is dated {day}; objection 'o-1' was raised only on 2016-08-05"
        )
    assert ledger.household("JH-1").stage == Stage.UNDER_NOTICE


def test_an_answer_on_the_objection_s_day_is_recorded(ledger: Ledger) -> None:
    under_notice(ledger, "JH-1")
    ledger.raise_objection(stamp(JN, date(2016, 8, 5)), "JH-1", "o-1", "有车")

    ledger.resolve_objection(stamp(JN, date(2016, 8, 5)), "JH-1", "o-1", True)

    assert ledger.household("JH-1").stage == Stage.REJECTED


def test_a_registration_dated_before_an_objection_s_answer_is_refused(ledger: Ledger) -> None:
    under_notice(ledger, "JH-1")
    ledger.sign(stamp(JN, date(2016, 8, 5)), "JH-1")
    ledger.raise_objection(stamp(JN, date(2016, 8, 6)), "JH-1", "o-1", "有车")
    ledger.resolve_objection(stamp(JN, date(2016, 8, 12)), "JH-1", "o-1", False)

    error = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.register(stamp(JN, date(2016, 8, 11)), "JH-1", True),
    )

    assert error.rule == (
        "the registration is dated 2016-08-11; objection 'o-1' was answered only on 2016-08-12"
    )
    ledger.register(stamp(JN, date(2016, 8, 12)), "JH-1", True)
    assert ledger.household("JH-1").stage == Stage.REGISTERED


def test_the_caseload_before_the_objection_does_not_count_the_household_rejected(
    ledger: Ledger,
) -> None:
    # The fuzzing audit's case: an objection upheld, both dated in 1900, made --as-of
    # 2016-08-05 count the household rejected. Now the dates are refused, and an objection
    # dated in its notice counts from its own day.
    under_notice(ledger, "JH-1")
    refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.raise_objection(stamp(JN, date(1900, 1, 1)), "JH-1", "o-1", "有车"),
    )
    ledger.raise_objection(stamp(JN, date(2016, 8, 6)), "JH-1", "o-1", "有车")
    ledger.resolve_objection(stamp(JN, date(2016, 8, 8)), "JH-1", "o-1", True)

    before = caseload(ledger, as_of=date(2016, 8, 5))
    after = caseload(ledger, as_of=date(2016, 8, 8))

    assert [row["status"] for row in before["by_status"]] == [Stage.UNDER_NOTICE]
    assert [row["status"] for row in after["by_status"]] == [Stage.REJECTED]
