"""A public notice's dates, and the identification's, are bounded (docs/events.md).

A notice 张榜公示 / 退出公示 has begun by today, takes effect on its first day (its start is its
effective date), runs at least 7 and at most ``MAX_NOTICE_DAYS`` days, and is dated no earlier
than the step it follows; an identification 识别 takes effect no earlier than the programme
opened and its street and village were registered. Each rule through the aggregate and through
the application (nothing written); the CLI's refusals are in tests/cli/test_notice_dates_cli.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from ledger.application import Ledger
from ledger.base import Provenance
from ledger.casework import Identification
from ledger.core import Stamp
from ledger.errors import InputError, RuleError
from ledger.household import MAX_NOTICE_DAYS, Household, Personal, Stage

from tests.support import DOC, bare_household, id_card, identify, refuses, register, stamp

JN, QU = "jn-01", "qu-01"
#: ``tests.support``: identified 1 August 2016; the programme, streets and villages 26 July.
REVIEWED = date(2016, 8, 2)
FAR = date(2099, 1, 1)


def on(day: date, actor: str = JN) -> Stamp:
    return stamp(actor, day)


def prov(day: date) -> Provenance:
    return Provenance(JN, "officer", day, DOC)


def reviewed() -> Household:
    """A household of the aggregate alone, identified 1 August 2016, reviewed on the 2nd."""
    household = bare_household("JH-9", 9, prov(date(2016, 8, 1)))
    household.review(True, prov(REVIEWED))
    return household


def verified(app: Ledger, number: str = "JH-1") -> None:
    """Registered 10 August 2016; exit proposed 1 December, verified 5 December."""
    register(app, number)
    app.assess_income(on(date(2016, 11, 20)), number, 2016, 900_000)
    app.propose_exit(on(date(2016, 12, 1)), number, 2016)
    app.verify_exit(on(date(2016, 12, 5)), number)


def facts(number: str, street: str = "江南", village: str = "雄光") -> Identification:
    personal = Personal("户主", id_card(7))
    return Identification(number, street, village, "rural", 1, True, True, False, True, personal)


# -- the identification notice 张榜公示 --------------------------------------------------------


def test_a_notice_starting_after_today_is_refused(ledger: Ledger) -> None:
    # Finding 1: a notice of 2099 dated 2016 left the household stuck for good.
    identify(ledger, "JH-1")
    ledger.review(on(REVIEWED), "JH-1", True)

    refused = refuses(
        ledger,
        InputError,
        "start",
        lambda: ledger.post_notice(on(date(2016, 8, 3)), "JH-1", FAR, FAR + timedelta(days=6)),
    )

    assert "2099-01-01 is after today" in str(refused)
    assert ledger.household("JH-1").stage == Stage.REVIEWED


@pytest.mark.parametrize("start", [date(2016, 8, 4), date(2016, 8, 2)])
def test_a_notice_starting_on_another_day_than_its_effective_date_is_refused(
    ledger: Ledger, start: date
) -> None:
    identify(ledger, "JH-1")
    ledger.review(on(REVIEWED), "JH-1", True)
    end = start + timedelta(days=6)

    refused = refuses(
        ledger,
        RuleError,
        "start",
        lambda: ledger.post_notice(on(date(2016, 8, 3)), "JH-1", start, end),
    )

    assert f"the notice starts {start} and is dated 2016-08-03" in str(refused)


def test_a_notice_dated_before_the_review_is_refused(ledger: Ledger) -> None:
    # Finding 2: effective 30 July, its start (3 August) after the review (2 August).
    identify(ledger, "JH-1")
    ledger.review(on(REVIEWED), "JH-1", True)

    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.post_notice(
            on(date(2016, 7, 30)), "JH-1", date(2016, 8, 3), date(2016, 8, 9)
        ),
    )

    assert "the notice is dated 2016-07-30; the village review took effect only on 2016-08-02" in (
        str(refused)
    )


def test_a_notice_longer_than_the_longest_is_refused_and_the_longest_accepted(
    ledger: Ledger,
) -> None:
    # An end a year too late held the registration up a year; posted on the review day.
    identify(ledger, "JH-1")
    ledger.review(on(REVIEWED), "JH-1", True)
    end = REVIEWED + timedelta(days=MAX_NOTICE_DAYS - 1)

    refused = refuses(
        ledger,
        RuleError,
        "end",
        lambda: ledger.post_notice(on(REVIEWED), "JH-1", REVIEWED, end + timedelta(days=1)),
    )
    ledger.post_notice(on(REVIEWED), "JH-1", REVIEWED, end)

    assert f"a public notice runs at most {MAX_NOTICE_DAYS}" in str(refused)
    assert ledger.household("JH-1").notice == (REVIEWED, end)


def test_the_aggregate_refuses_a_notice_not_starting_on_its_effective_date() -> None:
    household = reviewed()

    with pytest.raises(RuleError) as refused:
        household.post_notice(date(2016, 8, 10), date(2016, 8, 16), 7, prov(date(2016, 8, 3)))

    assert refused.value.field == "start"
    assert household.stage == Stage.REVIEWED


def test_the_aggregate_refuses_a_notice_dated_before_the_review() -> None:
    household = reviewed()

    with pytest.raises(RuleError) as refused:
        household.post_notice(REVIEWED, date(2016, 8, 8), 7, prov(date(2016, 8, 1)))

    assert refused.value.field == "effective"


def test_a_programme_asking_for_a_longer_notice_than_the_longest_gets_it() -> None:
    household = reviewed()
    end = REVIEWED + timedelta(days=44)

    with pytest.raises(RuleError):
        household.post_notice(REVIEWED, end + timedelta(days=1), 45, prov(REVIEWED))
    household.post_notice(REVIEWED, end, 45, prov(REVIEWED))

    assert household.notice == (REVIEWED, end)


# -- the exit notice 退出公示 -----------------------------------------------------------------


def test_an_exit_notice_starting_after_today_is_refused(ledger: Ledger) -> None:
    verified(ledger)

    refuses(
        ledger,
        InputError,
        "start",
        lambda: ledger.post_exit_notice(
            on(date(2016, 12, 6)), "JH-1", FAR, FAR + timedelta(days=6)
        ),
    )


def test_an_exit_notice_starting_after_its_effective_date_is_refused(ledger: Ledger) -> None:
    verified(ledger)

    refused = refuses(
        ledger,
        RuleError,
        "start",
        lambda: ledger.post_exit_notice(
            on(date(2016, 12, 6)), "JH-1", date(2016, 12, 7), date(2016, 12, 13)
        ),
    )

    assert "takes effect the day it is posted" in str(refused)


def test_an_exit_notice_longer_than_the_longest_is_refused(ledger: Ledger) -> None:
    verified(ledger)
    start = date(2016, 12, 6)

    refuses(
        ledger,
        RuleError,
        "end",
        lambda: ledger.post_exit_notice(on(start), "JH-1", start, date(2017, 12, 12)),
    )
    ledger.post_exit_notice(on(start), "JH-1", start, start + timedelta(days=MAX_NOTICE_DAYS - 1))

    assert ledger.household("JH-1").exit_steps[-1] == "noticed"


# -- the identification 识别: not before the programme, the street, the village ---------------


def test_an_identification_before_the_programme_opened_is_refused(ledger: Ledger) -> None:
    # Finding 5: a household identified in 1940; the programme opened on 26 July 2016.
    refused = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.identify(on(date(2016, 7, 25)), facts("JH-1")),
    )
    ledger.identify(on(date(2016, 7, 26)), facts("JH-1"))

    assert "the programme opened only on 2016-07-26" in str(refused)
    assert ledger.household("JH-1").identified_on == date(2016, 7, 26)


def test_a_street_and_village_added_late_do_not_shut_out_earlier_identifications(
    ledger: Ledger,
) -> None:
    # Added with the default date (today), they bounded every earlier identification entered
    # late, for good (their dates are not amended): only the programme's opening bounds it.
    admin = on(date(2016, 9, 1), "admin")
    ledger.register_street(admin, "外海")
    ledger.add_village(admin, "外海", "外海社区", False)

    ledger.identify(on(date(2016, 8, 15), QU), facts("WH-1", "外海", "外海社区"))

    assert ledger.household("WH-1").identified_on == date(2016, 8, 15)
