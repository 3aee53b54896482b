"""A step never takes effect before the step it follows (docs/cli.md): an inspection's findings,
rectifications, closings, notices and talks 约谈 [六(三)、(七)], and employment 就业 [四(十一)]."""

from __future__ import annotations

from datetime import date

import pytest
from ledger.application import Ledger
from ledger.errors import RuleError
from ledger.helpers import Helper
from ledger.inspections import Inspection

from tests.support import refuses, register, reopen, stamp

INSP = "insp-1"
CODE = "DC-2016"
OPENED = date(2016, 12, 1)
FOUND = date(2016, 12, 5)
RECTIFIED = date(2017, 1, 20)


def opened(app: Ledger) -> None:
    app.open_inspection(stamp(INSP, OPENED), CODE, "district", 2016, scope="年度督查")


def find(app: Ledger, day: date = FOUND, finding_id: str = "f1") -> None:
    app.record_finding(
        stamp(INSP, day), CODE, finding_id, "village", "雄光", "台账不全", date(2017, 3, 31)
    )


def rectify(app: Ledger, day: date = RECTIFIED, finding_id: str = "f1", note: str = "补录") -> None:
    """A report entered after its deadline (by the tests' clock), saying so (session 22)."""
    app.report_rectification(stamp("qu-01", day, note), CODE, finding_id, "台账已补齐")


def inspection(app: Ledger) -> Inspection:
    return app.load(Inspection, CODE, "inspection")


# -- an inspection's steps ---------------------------------------------------------------------


def test_a_finding_before_the_inspection_opened_is_refused(ledger: Ledger) -> None:
    opened(ledger)

    error = refuses(ledger, RuleError, "effective", lambda: find(ledger, date(2016, 11, 30)))

    assert error.rule == f"{CODE} was opened only on 2016-12-01"


def test_a_finding_on_the_day_the_inspection_opened_is_recorded(ledger: Ledger) -> None:
    opened(ledger)

    find(ledger, OPENED)

    assert inspection(ledger).found_on == {"f1": OPENED}


def test_a_rectification_before_its_finding_is_refused(ledger: Ledger) -> None:
    opened(ledger)
    find(ledger)

    error = refuses(ledger, RuleError, "effective", lambda: rectify(ledger, date(2016, 12, 4)))

    assert error.rule == "f1 was recorded only on 2016-12-05"


def test_a_rectification_on_the_day_of_its_finding_is_reported(ledger: Ledger) -> None:
    opened(ledger)
    find(ledger)

    rectify(ledger, FOUND)

    assert inspection(ledger).rectified == {"f1": FOUND}


def test_a_closing_before_the_rectification_was_reported_is_refused(ledger: Ledger) -> None:
    opened(ledger)
    find(ledger)
    rectify(ledger)

    error = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.close_finding(stamp(INSP, date(2017, 1, 19)), CODE, "f1"),
    )

    assert error.rule == "f1's rectification was reported only on 2017-01-20"


def test_a_closing_on_the_day_of_the_rectification_closes_the_finding(ledger: Ledger) -> None:
    opened(ledger)
    find(ledger)
    rectify(ledger)

    ledger.close_finding(stamp(INSP, RECTIFIED), CODE, "f1")

    assert inspection(ledger).closed == {"f1"}


def test_a_finding_closes_once_its_first_rectification_was_reported(ledger: Ledger) -> None:
    opened(ledger)
    find(ledger)
    rectify(ledger, date(2017, 2, 10))
    # An earlier report, entered late, says so (session 19: it needed no word, and a report
    # backdated before a deadline took a missed one off the overdue list).
    refuses(ledger, RuleError, "note", lambda: rectify(ledger, RECTIFIED, note=""))
    rectify(ledger, RECTIFIED, note="1月20日已报送纸质整改报告，补录")

    ledger.close_finding(stamp(INSP, date(2017, 1, 25)), CODE, "f1")

    assert inspection(ledger).rectified == {"f1": RECTIFIED}


def test_each_finding_keeps_its_own_dates(ledger: Ledger) -> None:
    opened(ledger)
    find(ledger, FOUND, "f1")
    find(ledger, date(2017, 2, 1), "f2")

    refuses(ledger, RuleError, "effective", lambda: rectify(ledger, date(2017, 1, 31), "f2"))
    rectify(ledger, date(2017, 1, 31), "f1")

    assert inspection(ledger).rectified == {"f1": date(2017, 1, 31)}


def test_a_notice_before_the_inspection_opened_is_refused(ledger: Ledger) -> None:
    opened(ledger)

    error = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.notice_criticism(
            stamp(INSP, date(2016, 11, 30)), CODE, "江南街道", "进度缓慢"
        ),
    )

    assert error.rule == f"{CODE} was opened only on 2016-12-01"


def test_a_talk_before_the_inspection_opened_is_refused(ledger: Ledger) -> None:
    ledger.open_inspection(stamp(INSP, date(2017, 3, 1)), CODE, "district", 2016)

    error = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.hold_talk(stamp(INSP, date(2017, 2, 1)), CODE, "礼乐", 2016, "未完成"),
    )

    assert error.rule == f"{CODE} was opened only on 2017-03-01"


def test_the_dates_hold_for_an_inspection_read_again_from_the_store(ledger: Ledger) -> None:
    opened(ledger)
    find(ledger)
    again = reopen(ledger)
    try:
        refuses(again, RuleError, "effective", lambda: rectify(again, date(2016, 12, 4)))
    finally:
        again.close()


# -- a leadership talk 约谈 about a year, once the year is over [六(七)] ---------------------------
# Over once its closing day (31 January of the next year) has passed, since session 24: until
# then an exit of the year still counts for it, and a street on target by 31 January is not
# due a talk (before, a talk was taken from 31 December).


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (2016, date(2016, 12, 30)),
        (2017, date(2017, 6, 30)),
        (2017, date(2016, 12, 31)),
        (2016, date(2016, 12, 31)),
        (2016, date(2017, 1, 31)),
    ],
)
def test_a_talk_about_a_year_before_its_closing_day_has_passed_is_refused(
    ledger: Ledger, year: int, day: date
) -> None:
    opened(ledger)

    error = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.hold_talk(stamp(INSP, day), CODE, "礼乐", year, "未完成年度减贫任务"),
    )

    assert error.rule == (
        f"a talk 约谈 about 礼乐's {year} target only from {year + 1}-02-01, once {year}'s "
        f"closing day ({year + 1}-01-31: an exit of {year} approved by then counts for it) has "
        f"passed and the target is known missed [六(七)] (not {day})"
    )


def test_a_talk_about_a_year_is_held_from_the_day_after_its_closing_day(ledger: Ledger) -> None:
    # The day the accountability report first lists it as due (today > 31 January next year).
    opened(ledger)

    ledger.hold_talk(stamp(INSP, date(2017, 2, 1)), CODE, "礼乐", 2016, "未完成年度减贫任务")

    assert inspection(ledger).talks == [("礼乐", 2016)]


# -- employment 就业 [四(十一)] ------------------------------------------------------------------


def employ(app: Ledger, since: date, day: date = date(2016, 10, 1)) -> None:
    app.employ_worker(stamp("jn-01", day), "e-1", "JH-1", since)


@pytest.mark.parametrize(
    ("since", "day"),
    [(date(2030, 1, 1), date(2016, 10, 1)), (date(2016, 10, 2), date(2016, 10, 1))],
)
def test_employment_since_after_it_takes_effect_is_refused(
    ledger: Ledger, since: date, day: date
) -> None:
    register(ledger, "JH-1")

    error = refuses(ledger, RuleError, "since", lambda: employ(ledger, since, day))

    assert error.rule == f"employed since {since}, after the employment takes effect ({day})"


def test_employment_since_before_it_was_recorded_is_kept(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    employ(ledger, date(2016, 9, 1), date(2016, 10, 1))

    assert ledger.load(Helper, "e-1", "helper").workers == {"JH-1": date(2016, 9, 1)}


def test_a_worker_employed_before_the_programme_is_recorded_with_the_day_the_job_began(
    ledger: Ledger,
) -> None:
    # A worker the enterprise already employed in 2015 is a real fact (the plan counts
    # employment of a year or more [四(十一)]): refusing it made officers type a false date.
    register(ledger, "JH-1")

    employ(ledger, date(2015, 6, 1))

    assert ledger.load(Helper, "e-1", "helper").workers == {"JH-1": date(2015, 6, 1)}


def test_an_employment_since_a_mistyped_year_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    error = refuses(ledger, RuleError, "since", lambda: employ(ledger, date(16, 9, 1)))

    assert error.rule == "employed since 0016-09-01: not a date of anyone's working life"


def test_an_end_of_employment_before_it_began_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    employ(ledger, date(2016, 9, 1), date(2016, 10, 1))

    error = refuses(
        ledger,
        RuleError,
        "effective",
        lambda: ledger.end_employment(stamp("jn-01", date(2016, 8, 31)), "e-1", "JH-1"),
    )

    assert error.rule == "JH-1 was employed by e-1 only on 2016-09-01"


def test_an_employment_may_end_the_day_it_began(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    employ(ledger, date(2016, 9, 1), date(2016, 10, 1))

    ledger.end_employment(stamp("jn-01", date(2016, 9, 1)), "e-1", "JH-1")

    assert ledger.load(Helper, "e-1", "helper").workers == {}
