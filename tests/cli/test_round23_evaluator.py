"""Session 23, the city's programme evaluator (a tester) on a copy of the demo.

1. The per-person rule's base (the key-target people, 以愿意接受帮扶的贫困人口为基数) counted
   each household's members as they stood on the programme's last day, so births in a
   household long out of poverty moved it (597 → 603, and the rule read broken). A household
   out under an exit in force on the day counted is now counted as its members stood on that
   exit's approval; one assisted (never out, or returned) as on the day.
2. The HTML report said "2:3:5" in the exits' heading, chart title and legend and the plan
   table's heading while its targets followed ``programme amend --shares 3:3:4``: it names the
   shares in force in its view.
3. The demo's summary said a year's money "kept" by the local total alone, beside a broken
   6:4, and "NOT kept" of a per-person rule the report called not due yet: it says each rule's
   word as the report's flags give it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from cli.demo import render_summary
from ledger.application import open_ledger
from projections import api

from tests.cli.conftest import Fupin, doc
from tests.cli.test_return_withdrawal_cli import EXIT_AND_RECOGNISE
from tests.support import id_card, stamp

STORE_INDEPENDENT = "the reports' and the demo's own code; the per-person SQL runs on both stores"

BOTH_STORES = pytest.mark.parametrize(
    "store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

# -- 1. the per-person base: the people as they stood when their household left poverty --------

#: JH-0001 (3 members, key target) exited on 2016-12-20.
EXITED = EXIT_AND_RECOGNISE[:5]
#: ... its return to poverty recognised 2017-06-01, approved on 2017-06-20.
RETURNED = [
    *EXIT_AND_RECOGNISE,
    ("qu-01", f"household return JH-0001 reviewed {doc('2017-06-10')}"),
    ("qu-01", f"household return JH-0001 approved {doc('2017-06-20')}"),
]


def per_person(fupin: Fupin, view: str = "") -> dict[str, Any]:
    result = fupin.ok(f"report funds --format json {view}", "ana-1")
    found: dict[str, Any] = orjson.loads(result.stdout)["per_person"][0]
    return found


def people(fupin: Fupin, view: str = "") -> tuple[int, int]:
    """(key-target people, registered people) of the per-person rule."""
    found = per_person(fupin, view)
    return found["key_target_people"], found["registered_people"]


def members(fupin: Fupin, count: int, effective: str) -> None:
    """JH-0001's members become ``count``, from ``effective`` (births 新生儿)."""
    names = " ".join(["--member-name 户主1", *(f"--member-name 成员{n}" for n in range(1, count))])
    fupin.ok(
        f"household members JH-0001 --members {count} --head-name 户主1 --id-card {id_card(1)} "
        f"{names} --note births {doc(effective)}",
        "jn-01",
    )


def run(fupin: Fupin, lines: list[tuple[str, str]]) -> None:
    for actor, line in lines:
        fupin.ok(line, actor)


@BOTH_STORES
def test_births_after_a_households_exit_leave_the_per_person_base(seeded: Fupin) -> None:
    run(seeded, EXITED)
    before = per_person(seeded)

    members(seeded, 7, "2018-06-01")  # 3 → 7, a year and a half after the exit

    assert per_person(seeded) == before
    assert people(seeded, "--as-of 2018-06-01") == (before["key_target_people"],) * 2


@BOTH_STORES
def test_members_who_joined_before_the_exit_count(seeded: Fupin) -> None:
    base = people(seeded)
    members(seeded, 5, "2016-10-01")
    run(seeded, EXITED)

    members(seeded, 9, "2016-12-21")  # the day after the exit's approval

    assert people(seeded) == (base[0] + 2, base[1] + 2)
    assert people(seeded, "--as-of 2016-12-19") == (base[0] + 2, base[1] + 2)


@BOTH_STORES
def test_a_household_back_in_poverty_counts_its_members_as_they_stand(seeded: Fupin) -> None:
    base = people(seeded)
    run(seeded, RETURNED)

    members(seeded, 4, "2017-03-01")  # while out of poverty
    members(seeded, 6, "2017-08-01")  # after the return: poor again

    assert people(seeded) == (base[0] + 3, base[1] + 3)
    # as the report read each day: out until the return, counted as at the exit
    assert people(seeded, "--as-of 2017-06-19") == base
    assert people(seeded, "--as-of 2017-07-01") == (base[0] + 1, base[1] + 1)


@BOTH_STORES
def test_a_household_out_again_counts_as_at_its_latest_exit(seeded: Fupin) -> None:
    base = people(seeded)
    run(seeded, RETURNED)
    members(seeded, 6, "2017-08-01")  # poor again
    run(
        seeded,
        [
            ("jn-01", f"household assess JH-0001 2018 --income 12000 {doc('2018-11-01')}"),
            ("jn-01", f"household propose-exit JH-0001 2018 {doc('2018-11-05')}"),
            ("jn-01", f"household verify-exit JH-0001 {doc('2018-11-06')}"),
            ("jn-01", "household exit-notice JH-0001 --start 2018-11-07 --end 2018-11-13 -d 公示"),
            ("qu-01", f"household approve-exit JH-0001 {doc('2018-11-20')}"),
        ],
    )

    members(seeded, 8, "2018-12-01")  # after its second exit, within the programme

    assert people(seeded) == (base[0] + 3, base[1] + 3)


# -- 2. the HTML report names the reduction shares in force -------------------------------------

AMEND_SHARES = f"programme amend --shares 3:3:4 --reason x {doc('2018-12-20')}"


def test_the_html_report_names_the_shares_in_force(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(AMEND_SHARES, "admin")
    out, before = tmp_path / "b.html", tmp_path / "before.html"

    seeded.ok(f"report html --out {out}", "ana-1")
    # as known before the amendment was recorded (the seeded ledger's clock: 2019)
    seeded.ok(f"report html --known-at 2020-01-01T00:00:00+00:00 --out {before}", "ana-1")

    page = out.read_text(encoding="utf-8")
    english = '<span lang="en">Exits per year against the 3:3:4 plan</span>'
    assert f"<h2>{english} 年度减贫计划 [三]</h2>" in page
    assert (
        ">Key-target exits against the 3:3:4 plan by street and year 分街道年度退出</title>" in page
    )
    assert 'plan target <span lang="zh-CN">计划</span> (3:3:4)</div>' in page
    assert '<h3><span lang="en">The 3:3:4 plan by street</span> 分街道减贫计划</h3>' in page
    # the old shares only in the amendment's row (since session 26: rules_amendments)
    assert page.count("2:3:5") == 1
    assert "Programme rules amended after the opening" in page
    then = before.read_text(encoding="utf-8")
    english = '<span lang="en">Exits per year against the 2:3:5 plan</span>'
    assert f"<h2>{english} 年度减贫计划 [三]</h2>" in then
    assert "3:3:4" not in then


# -- 3. the demo's summary says each money rule as the report does ------------------------------


def summary_of(fupin: Fupin, capsys: pytest.CaptureFixture[str]) -> str:
    """The demo's summary table of the ledger in ``fupin``'s store, as ``fupin demo`` prints
    it."""
    app = open_ledger(fupin.store)
    try:
        figures = api.summary(app)
    finally:
        app.close()
    capsys.readouterr()
    render_summary(figures)
    return capsys.readouterr().out


def test_the_demo_summary_says_each_money_rule_as_the_report_does(
    seeded: Fupin, capsys: pytest.CaptureFixture[str]
) -> None:
    # 2016: city 3 M against local 1.6 M (6:4 broken: 1.6 × 6 < 3 × 4), the local total and
    # each half of it kept; the report's day 2017-03-01: 2016 over, 2017 and 2018 not yet.
    app = open_ledger(seeded.store)
    try:
        app.receive_allocation(stamp("qu-01"), "city-2016", 300_000_000 - 100_000)
        app.open_account(stamp("qu-01"), "district-2016", "district", 2016)
        app.receive_allocation(stamp("qu-01"), "district-2016", 80_000_000)
        app.open_account(stamp("jn-01"), "street-2016", "street", 2016, street="江南")
        app.receive_allocation(stamp("jn-01"), "street-2016", 80_000_000)
        app.open_account(stamp("qu-01"), "city-2017", "city", 2017)
        app.receive_allocation(stamp("qu-01", date(2017, 3, 1)), "city-2017", 100_000)
    finally:
        app.close()
    flags = orjson.loads(seeded.ok("report funds --format json", "ana-1").stdout)
    assert [s["city_local_ok"] for s in flags["splits"]] == [False, False, False]
    assert flags["splits"][0]["local_total_ok"] is True
    assert flags["per_person"][0]["programme_over"] is False

    shown = summary_of(seeded, capsys)

    assert "the programme as of 2017-03-01" in shown
    assert (
        "3000000.00 : 800000.00 : 800000.00 (city : local: NOT kept; district share: kept; "
        "street share: kept; local ≥ 1592000.00: kept)"
    ) in shown
    due = "not met yet, due by 31 Dec 2017"
    assert f"(city : local: {due}; district share: {due}; street share: {due}; " in shown
    assert "(rule ≥ 20000.00: not met yet, due by the programme's last day)" in shown
    assert "NOT kept" not in shown.replace("city : local: NOT kept", "")
