"""Session 26, tester I: the programme's rules rewritten after the fact.

``programme amend`` may restate the 2:3:5 shares and the funding minimums at any time, even
after the plan's years ended: a talk due 约谈 [六(七)] disappeared, a minimum [六(四)] was met,
and only a RulesAmended line of ``history --kind programme`` showed it. The accountability
report now lists every rule amended after the opening (effective date, recording time, who,
the document, why, before → after, and whether a plan year was already over when it was
recorded), in JSON, CSV, the table and the HTML report; as known before the amendment it lists
nothing (its figures were the old rules'). And ``programme open`` took a 1-day notice
(四(一)「公示期要在7天以上」): open and amend refuse fewer than 7 notice days.
"""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest
from ledger import clock
from ledger.application import open_ledger
from ledger.programme import ProgrammeRules

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import TickingClock, ledger_at, stamp

STORE_INDEPENDENT = "the programme's rules and a report: SQLite is enough"

SEVEN = "公示期要在7天以上, a public notice 公示 runs at least 7 days [四(一)]"


def test_a_notice_shorter_than_7_days_is_refused_at_open(fupin: Fupin) -> None:
    fupin.ok(f"init --admin admin --name 区扶贫办 {doc('2016-07-26')}")
    opening = f"programme open {doc('2016-07-26')} --shares 0:0:1 --notice-days "

    refused = fupin(opening + "1", "admin")

    assert_refused(refused, "notice_min_days", "1 days is shorter than the seed allows: " + SEVEN)
    assert fupin.event_count() == 1  # the init alone
    fupin.ok(opening + "7", "admin")


@pytest.mark.parametrize(
    ("day", "rule"),
    [
        (
            "2006-07-26",
            "the programme's opening is dated 2006-07-26, not in its first year 2016 or the "
            "year before: it opens between 2015-01-01 and 2016-12-31",
        ),
        (
            "2026-07-26",
            "the programme's opening is dated 2026-07-26, not in its first year 2016 or the "
            "year before: it opens between 2015-01-01 and 2016-12-31",
        ),
    ],
)
def test_an_opening_dated_outside_its_first_year_or_the_year_before_is_refused(
    fupin: Fupin, day: str, rule: str
) -> None:
    # Session 37's tester k (F16): a year typed wrong was taken, and nothing corrects an
    # opening: households and 2016 accounts could be dated 2006, or every 2016 entry refused
    fupin.ok(f"init --admin admin --name 区扶贫办 {doc('2016-07-26')}")

    assert_refused(fupin(f"programme open {doc(day)}", "admin"), "effective", rule)
    assert fupin.event_count() == 1  # the init alone
    fupin.ok(f"programme open {doc('2016-12-31')}", "admin")


def test_a_ledger_founded_after_the_opening_opens_the_programme_on_its_day(fupin: Fupin) -> None:
    # Session 37's re-tester r (F1): founded in 2017 (or today, init's default), the ledger
    # could open the 2016 programme on no day; it records the programme's history back to it
    fupin.ok(f"init --admin admin --name 区扶贫办 {doc('2017-03-01')}")

    fupin.ok(f"programme open {doc('2016-07-26')}", "admin")


def test_a_notice_shorter_than_7_days_is_refused_at_amend(fupin: Fupin) -> None:
    fupin.ok(f"init --admin admin --name 区扶贫办 {doc('2016-07-26')}")
    fupin.ok(f"programme open {doc('2016-07-26')}", "admin")
    amend = f"programme amend --reason 录入错误 {doc('2016-07-27')} --notice-days "
    before = fupin.event_count()

    refused = fupin(amend + "6", "admin")

    assert_refused(refused, "notice_min_days", SEVEN)
    assert fupin.event_count() == before
    fupin.ok(amend + "10", "admin")


def _amended_in_2016_and_in_2019(fupin: Fupin) -> None:
    """The shares restated while 2016 ran (recorded 2016-08-02), then the minimums after
    2016 and 2017 were over (recorded 2019-01-01, 2018's result fixed on 2019-02-01)."""
    with ledger_at(fupin.store, TickingClock(datetime(2016, 8, 1, 12, tzinfo=UTC))) as app:
        app.amend_rules(stamp("admin", date(2016, 8, 1)), {"reduction_shares": (3, 3, 4)}, "录错")
        with clock.using_clock(TickingClock(datetime(2019, 1, 1, tzinfo=UTC))):
            app.amend_rules(
                stamp("admin", date(2018, 12, 21)),
                {"per_person_min_fen": 100, "local_yearly_min_fen": 100},
                "录入错误",
            )


def test_the_accountability_report_lists_each_rule_amended(fupin: Fupin) -> None:
    _amended_in_2016_and_in_2019(fupin)

    report = orjson.loads(fupin.ok("report accountability --format json", "admin").stdout)

    rows = report["rules_amendments"]
    assert [(r["rule"], r["before"], r["after"]) for r in rows] == [
        ("reduction_shares", "2:3:5", "3:3:4"),
        ("local_yearly_min_fen", "1592000.00 yuan", "1.00 yuan"),
        ("per_person_min_fen", "20000.00 yuan", "1.00 yuan"),
    ]
    first, last = rows[0], rows[-1]
    assert first["changes_closed_years"] is False
    assert first["closed_years"] == ""
    assert last["changes_closed_years"] is True
    assert last["closed_years"] == "2016, 2017"
    assert (last["effective"], last["amended_by"], last["reason"]) == (
        "2018-12-21",
        "admin",
        "录入错误",
    )
    assert last["recorded_at"].startswith("2019-01-01T00:00:0")
    assert last["document"]


def test_the_csv_the_table_and_the_html_report_list_them(fupin: Fupin, tmp_path: Path) -> None:
    _amended_in_2016_and_in_2019(fupin)
    page = tmp_path / "r.html"

    csv = fupin.ok("report accountability --format csv", "admin").stdout
    table = " ".join(fupin.ok("report accountability", "admin").stdout.split())
    fupin.ok(f"report html --out {page}", "admin")

    assert "# rules_amendments" in csv
    assert '录入错误,per_person_min_fen,20000.00 yuan,1.00 yuan,yes,"2016, 2017"' in csv
    assert "rules_amendments" in table
    assert "changes_closed_years" in table
    html = page.read_text(encoding="utf-8")
    assert "Programme rules amended after the opening" in html
    assert "20000.00 yuan" in html


def test_as_known_before_an_amendment_it_is_not_listed(fupin: Fupin) -> None:
    _amended_in_2016_and_in_2019(fupin)

    report = orjson.loads(
        fupin.ok(
            "report accountability --format json --known-at 2018-06-01T00:00:00+00:00", "admin"
        ).stdout
    )

    assert [r["rule"] for r in report["rules_amendments"]] == ["reduction_shares"]


def test_an_older_ledger_with_a_shorter_notice_still_moves(fupin: Fupin, tmp_path: Path) -> None:
    fupin.ok(f"init --admin admin --name 区扶贫办 {doc('2016-07-26')}")
    with closing(open_ledger(fupin.store)) as app:
        app.rebuilding_export = True  # as an older fupin took it
        app.open_programme(
            stamp("admin", date(2016, 7, 26)), "精准扶贫", ProgrammeRules(notice_min_days=1)
        )
        app.rebuilding_export = False

    moved = reimported(fupin, tmp_path)

    assert moved.exit_code == 0, moved.output
    with closing(open_ledger(str(tmp_path / "fresh.db"))) as app:
        assert app.programme().rules.notice_min_days == 1


def test_too_many_notice_days_are_said_between_7_and_366(fupin: Fupin) -> None:
    # Tester N, session 26: "400 is not between 1 and 366", while 1 to 6 are refused too.
    fupin.ok(f"init --admin admin --name 区扶贫办 {doc('2016-07-26')}")
    opening = f"programme open {doc('2016-07-26')} --notice-days 400"

    refused_open = fupin(opening, "admin")
    fupin.ok(f"programme open {doc('2016-07-26')}", "admin")
    refused_amend = fupin(
        f"programme amend --reason 录入错误 {doc('2016-07-27')} --notice-days 400", "admin"
    )

    for refused in (refused_open, refused_amend):
        assert_refused(refused, "notice_min_days", "400 is not between 7 and 366")
        assert "between 1 and" not in refused.output
