"""The funds report's money rules [六(四)] count what the plan counts.

* 人均不少于 2 万元 / 1194 万元 is 财政资金: the city fund, the district and the streets. Social
  donations 社会扶贫资金 are reported beside it and never make the rule kept. 全区三年 is the
  programme's years (its ``Opened`` event): fiscal money paid before or after them is shown
  apart, not counted.
* 每年投入不少于 159.2 万元 (district and street each 79.6 万元): a year's minimums and its 6:4
  split count only what reached the year's accounts by 31 December of that year (the budget
  year 预算年度 is the calendar year); money that arrived later is shown, not counted. A year
  with no fiscal allocation in time keeps no 6:4 split (a ratio of nothing is not kept).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.funds import Disbursement
from ledger.programme import ProgrammeRules
from projections import api
from projections.html_report import render
from projections.series import gather

from tests.support import DOC, TickingClock, register, stamp

QU, JN = "qu-01", "jn-01"
YUAN = 100
#: JH-1 is a key target of 3 people: the rule needs 3 × 20,000 yuan.
REQUIRED_FEN = 3 * 20_000 * YUAN
OPENED = date(2016, 8, 15)


def key_target_with_measure(app: Ledger) -> None:
    register(app, "JH-1")
    app.plan_measure(stamp(JN, date(2016, 8, 11)), "JH-1", "m1", "industry", "养鸡", 0)


def account(app: Ledger, code: str, source: str, year: int, received: date, amount_fen: int) -> str:
    """Open ``code`` (a 江南 account if a street's) and receive one allocation on ``received``."""
    street = "江南" if source == "street" else ""
    donor = "江海电子厂" if source == "donation" else ""
    who = JN if street else QU
    app.open_account(stamp(who, min(OPENED, received)), code, source, year, street, donor)
    app.receive_allocation(stamp(who, received), code, amount_fen)
    return who


def pay_household(
    app: Ledger, code: str, who: str, amount_fen: int, day: date = date(2016, 10, 10)
) -> None:
    payment = Disbursement(amount_fen, "industry", "household", "JH-1", "m1")
    app.disburse(stamp(who, day), code, payment)


def pay_working_costs(app: Ledger, code: str, amount_fen: int, day: date) -> None:
    """扶贫工作经费 paid by the district office: no household, no village."""
    app.disburse(stamp(QU, day), code, Disbursement(amount_fen, "working", "working"))


def per_person(app: Ledger) -> dict[str, Any]:
    rows: list[dict[str, Any]] = api.funds(app)["per_person"]
    assert len(rows) == 1
    return rows[0]


def split(report: dict[str, Any], year: int) -> dict[str, Any]:
    return next(row for row in report["splits"] if row["year"] == year)


# -- 人均 2 万元: fiscal money only ------------------------------------------------------------


def test_no_key_target_person_keeps_no_per_person_rule(store_ledger: Ledger) -> None:
    row = per_person(store_ledger)  # nobody registered yet, no money: 0 >= 0 is no rule kept

    assert (row["key_target_people"], row["required_fen"], row["disbursed_fen"]) == (0, 0, 0)
    assert row["meets_rule"] is False


def test_a_donation_alone_does_not_keep_the_per_person_rule(store_ledger: Ledger) -> None:
    key_target_with_measure(store_ledger)
    who = account(store_ledger, "gift-2016", "donation", 2016, OPENED, 300_000 * YUAN)
    pay_household(store_ledger, "gift-2016", who, REQUIRED_FEN)

    row = per_person(store_ledger)

    assert row["disbursed_fen"] == 0
    assert row["donation_disbursed_fen"] == REQUIRED_FEN
    assert row["per_person_fen"] == 0
    assert row["required_fen"] == REQUIRED_FEN
    assert row["meets_rule"] is False


def test_city_district_and_street_money_counts_and_donations_stand_beside_it(
    store_ledger: Ledger,
) -> None:
    key_target_with_measure(store_ledger)
    for code, source, amount in (
        ("city-2016", "city", 30_000 * YUAN),
        ("district-2016", "district", 20_000 * YUAN),
        ("street-JN-2016", "street", 10_000 * YUAN - 1),
        ("gift-2016", "donation", 50_000 * YUAN),
    ):
        who = account(store_ledger, code, source, 2016, OPENED, amount)
        pay_household(store_ledger, code, who, amount)

    row = per_person(store_ledger)

    # One fen of fiscal money short: 50,000 yuan of donations do not make up for it.
    assert row["disbursed_fen"] == REQUIRED_FEN - 1
    assert row["donation_disbursed_fen"] == 50_000 * YUAN
    assert row["per_person_fen"] == (REQUIRED_FEN - 1) // 3
    assert row["meets_rule"] is False

    who = account(store_ledger, "street-JN-2016b", "street", 2016, OPENED, 1)
    pay_household(store_ledger, "street-JN-2016b", who, 1)

    assert per_person(store_ledger)["disbursed_fen"] == REQUIRED_FEN
    assert per_person(store_ledger)["meets_rule"] is True


# -- 每年投入不少于: received by the year's end ---------------------------------------------------

LOCAL_HALF = 796_000 * YUAN  # each of district and street, a year
CITY = 2_388_000 * YUAN  # 6 : 4 of the local 1,592,000 yuan


def test_money_for_2016_received_in_december_2018_keeps_no_2016_minimum(
    store_ledger: Ledger,
) -> None:
    late = date(2018, 12, 10)
    account(store_ledger, "city-2016", "city", 2016, date(2016, 9, 1), CITY)
    account(store_ledger, "district-2016", "district", 2016, late, LOCAL_HALF)
    account(store_ledger, "street-JN-2016", "street", 2016, late, LOCAL_HALF)

    now = api.funds(store_ledger)
    then = api.funds(store_ledger, as_of=date(2016, 12, 31))
    row = split(now, 2016)

    assert (row["city_fen"], row["district_fen"], row["street_fen"], row["local_fen"]) == (
        CITY,
        0,
        0,
        0,
    )
    assert (row["city_late_fen"], row["district_late_fen"], row["street_late_fen"]) == (
        0,
        LOCAL_HALF,
        LOCAL_HALF,
    )
    assert row["district_ok"] is False
    assert row["street_ok"] is False
    assert row["local_total_ok"] is False
    assert row["city_local_ok"] is False  # 0 local against 2,388,000 yuan of the city's
    # Read now, 2016 is judged as it stood at the end of 2016: the later money changes nothing.
    flags = ("city_local_ok", "district_ok", "street_ok", "local_total_ok")
    assert {f: row[f] for f in flags} == {f: split(then, 2016)[f] for f in flags}
    # Nor does it count for the year it arrived in: the account is 2016's.
    assert split(now, 2018)["local_fen"] == 0
    # The accounts themselves still show every allocation.
    by = {(a["source"], a["year"]): a["allocated_fen"] for a in now["by_source_year"]}
    assert by["district", 2016] == by["street", 2016] == LOCAL_HALF


def test_the_year_ends_on_31_december_money_of_1_january_is_late(store_ledger: Ledger) -> None:
    account(store_ledger, "city-2016", "city", 2016, date(2016, 9, 1), CITY)
    account(store_ledger, "district-2016", "district", 2016, date(2016, 12, 31), LOCAL_HALF)
    account(store_ledger, "street-JN-2016", "street", 2016, date(2017, 1, 1), LOCAL_HALF)

    row = split(api.funds(store_ledger), 2016)

    assert row["district_ok"] is True
    assert row["street_ok"] is False
    assert row["local_total_ok"] is False
    assert (row["district_fen"], row["street_fen"], row["street_late_fen"]) == (
        LOCAL_HALF,
        0,
        LOCAL_HALF,
    )


def test_a_years_money_received_before_the_year_began_counts_for_it(
    store_ledger: Ledger,
) -> None:
    early = date(2016, 12, 20)
    account(store_ledger, "city-2017", "city", 2017, early, CITY)
    account(store_ledger, "district-2017", "district", 2017, early, LOCAL_HALF)
    account(store_ledger, "street-JN-2017", "street", 2017, early, LOCAL_HALF)

    report = api.funds(store_ledger)
    row = split(report, 2017)

    assert (row["city_fen"], row["local_fen"], row["district_late_fen"]) == (
        CITY,
        2 * LOCAL_HALF,
        0,
    )
    assert row["city_local_ok"] is True
    assert row["district_ok"] is True
    assert row["street_ok"] is True
    assert row["local_total_ok"] is True
    assert split(report, 2016)["local_fen"] == 0


def test_a_voided_allocation_counts_neither_in_time_nor_late(store_ledger: Ledger) -> None:
    account(store_ledger, "district-2016", "district", 2016, date(2017, 3, 1), LOCAL_HALF)
    store_ledger.receive_allocation(stamp(QU, date(2016, 11, 1)), "district-2016", LOCAL_HALF)
    versions = [2, 3]  # opened (1), the late allocation (2), the one in time (3)
    for version in versions:
        store_ledger.correct(stamp(QU, date(2017, 6, 1)), "fund", "district-2016", version, "错账")

    row = split(api.funds(store_ledger), 2016)

    assert (row["district_fen"], row["district_late_fen"]) == (0, 0)


# -- 全区三年投入: paid within the programme's years --------------------------------------------


def test_fiscal_money_paid_after_the_programmes_last_year_is_shown_apart_not_counted(
    store_ledger: Ledger, ticking: TickingClock
) -> None:
    # Recorded in March 2019, so that 2019-01-01 is a day that has come.
    ticking.current = datetime(2019, 3, 1, tzinfo=UTC)
    key_target_with_measure(store_ledger)
    who = account(store_ledger, "city-2018", "city", 2018, date(2018, 3, 1), REQUIRED_FEN)
    pay_household(store_ledger, "city-2018", who, 1, date(2018, 12, 31))
    pay_household(store_ledger, "city-2018", who, REQUIRED_FEN - 1, date(2019, 1, 1))

    report = api.funds(store_ledger)
    row = report["per_person"][0]

    # Every fen of the rule was paid, but all but one after 2018: not 三年投入.
    assert row["meets_rule"] is False
    assert (row["disbursed_fen"], row["late_disbursed_fen"], row["early_disbursed_fen"]) == (
        1,
        REQUIRED_FEN - 1,
        0,
    )
    assert row["per_person_fen"] == 0
    # The accounts still show every payment.
    assert sum(a["disbursed_fen"] for a in report["accounts"]) == REQUIRED_FEN


@pytest.fixture
def opened_in_2015(store: str, ticking: TickingClock) -> Iterator[Ledger]:
    """The 2016-2018 programme opened in December 2015, before its first year."""
    ticking.current = datetime(2019, 3, 1, tzinfo=UTC)
    with clock.using_clock(ticking):
        app = open_ledger(store, create=True)
        try:
            day = date(2015, 12, 1)
            app.initialise("admin", "区扶贫办", DOC, day)
            app.open_programme(stamp(day=day), "精准扶贫", ProgrammeRules())
            app.register_officer(stamp(day=day), QU, "区专干", "officer", "", "区扶贫办")
            yield app
        finally:
            app.close()


def test_fiscal_money_paid_before_the_programmes_first_year_is_shown_apart_not_counted(
    opened_in_2015: Ledger,
) -> None:
    # A programme opened in December 2015 lets a 2016 account be opened and paid from then.
    early = date(2015, 12, 20)
    account(opened_in_2015, "city-2016", "city", 2016, early, 10_000 * YUAN)
    pay_working_costs(opened_in_2015, "city-2016", 4_000 * YUAN, early)
    pay_working_costs(opened_in_2015, "city-2016", 1_000 * YUAN, date(2016, 1, 1))

    row = per_person(opened_in_2015)

    assert (row["disbursed_fen"], row["early_disbursed_fen"], row["late_disbursed_fen"]) == (
        1_000 * YUAN,
        4_000 * YUAN,
        0,
    )


@pytest.fixture
def two_year_programme(store: str, ticking: TickingClock) -> Iterator[Ledger]:
    """A programme of 2016-2017 only: its years come from its Opened event."""
    ticking.current = datetime(2019, 3, 1, tzinfo=UTC)
    with clock.using_clock(ticking):
        app = open_ledger(store, create=True)
        try:
            app.initialise("admin", "区扶贫办", DOC, date(2016, 7, 26))
            day = stamp(day=date(2016, 7, 26))
            rules = ProgrammeRules(last_year=2017, reduction_shares=(4, 6))
            app.open_programme(day, "两年", rules)
            app.register_officer(day, QU, "区专干", "officer", "", "区扶贫办")
            yield app
        finally:
            app.close()


def test_the_programmes_years_are_read_from_its_opened_event(two_year_programme: Ledger) -> None:
    app = two_year_programme
    account(app, "city-2017", "city", 2017, date(2017, 3, 1), 10_000 * YUAN)
    pay_working_costs(app, "city-2017", 3_000 * YUAN, date(2017, 12, 31))
    pay_working_costs(app, "city-2017", 2_000 * YUAN, date(2018, 1, 1))

    report = api.funds(app)
    row = report["per_person"][0]

    assert (row["disbursed_fen"], row["late_disbursed_fen"]) == (3_000 * YUAN, 2_000 * YUAN)
    assert [s["year"] for s in report["splits"]] == [2016, 2017]


# -- 6:4 of nothing ------------------------------------------------------------------------------


def test_a_year_without_fiscal_money_in_time_keeps_no_6_4_split(store_ledger: Ledger) -> None:
    account(store_ledger, "city-2017", "city", 2017, date(2018, 1, 5), CITY)  # late only
    account(store_ledger, "district-2018", "district", 2018, date(2018, 3, 1), LOCAL_HALF)

    report = api.funds(store_ledger)

    assert split(report, 2016)["city_local_ok"] is False  # nothing allocated at all
    assert split(report, 2017)["city_local_ok"] is False  # only money that came late
    # Local money and none of the city's: the local side bears at least its 4 of 10.
    assert split(report, 2018)["city_local_ok"] is True
    assert split(report, 2018)["local_total_ok"] is False  # 796,000 of 1,592,000 yuan


# -- the HTML report's per-person table ------------------------------------------------------------


def test_the_html_per_person_table_names_fiscal_money_and_shows_the_rest_apart(
    ledger: Ledger, ticking: TickingClock
) -> None:
    ticking.current = datetime(2019, 3, 1, tzinfo=UTC)
    key_target_with_measure(ledger)
    who = account(ledger, "city-2018", "city", 2018, date(2018, 3, 1), 5_000 * YUAN)
    pay_household(ledger, "city-2018", who, 3_000 * YUAN, date(2018, 6, 1))
    pay_household(ledger, "city-2018", who, 2_000 * YUAN, date(2019, 1, 1))
    who = account(ledger, "gift-2016", "donation", 2016, OPENED, 700 * YUAN)
    pay_household(ledger, "gift-2016", who, 700 * YUAN)

    page = render(gather(ledger))

    head = page[page.index("The plan's money rules") :]
    head = head[: head.index("</thead>")]
    assert '<th><span lang="en">fiscal disbursed</span> 财政支出</th>' in head
    assert '<th lang="en">disbursed</th>' not in head
    for name, fen in (
        ("per-person-disbursed", 3_000 * YUAN),
        ("per-person-outside", 2_000 * YUAN),
        ("per-person-donations", 700 * YUAN),
    ):
        assert f'data-figure="{name}" data-value="{fen}"' in page, name
