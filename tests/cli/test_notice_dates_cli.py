"""``household notice`` / ``exit-notice`` / ``identify`` refuse dates out of bounds: exit code 2,
one line naming the field and the rule, nothing written (docs/cli.md, docs/events.md)."""

from __future__ import annotations

from typing import Any

from ledger.application import open_ledger

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

#: ``seeded``: JH-0003 reviewed on 2 August 2016; the programme opened on 26 July 2016.
NOTICE = "household notice JH-0003 --start {start} --end {end} -d 雄光村公示〔2016〕1号 -e {on}"


def refused(fupin: Fupin, line: str, field: str, rule: str) -> None:
    before = fupin.event_count()

    result = fupin(line, actor="jn-01")

    assert_refused(result, field, rule)
    assert fupin.event_count() == before


def test_a_notice_typed_for_2099_is_refused_and_the_household_can_still_be_noticed(
    seeded: Fupin,
) -> None:
    refused(
        seeded,
        NOTICE.format(start="2099-01-01", end="2099-01-07", on="2016-08-03"),
        "start",
        "2099-01-01 is after today",
    )

    result = seeded.ok(
        NOTICE.format(start="2016-08-03", end="2016-08-09", on="2016-08-03"), actor="jn-01"
    )

    assert "under notice 2016-08-03 to 2016-08-09" in result.output


def test_a_notice_starting_after_its_effective_date_is_refused(seeded: Fupin) -> None:
    refused(
        seeded,
        NOTICE.format(start="2016-08-05", end="2016-08-11", on="2016-08-03"),
        "start",
        "a public notice takes effect the day it is posted, its first day",
    )


def test_a_notice_dated_before_the_review_is_refused(seeded: Fupin) -> None:
    refused(
        seeded,
        NOTICE.format(start="2016-08-03", end="2016-08-09", on="2016-07-30"),
        "effective",
        "the notice is dated 2016-07-30; the village review took effect only on 2016-08-02",
    )


def test_a_notice_with_its_end_a_year_late_is_refused(seeded: Fupin) -> None:
    refused(
        seeded,
        NOTICE.format(start="2016-08-03", end="2017-08-09", on="2016-08-03"),
        "end",
        "a public notice runs at most 30",
    )


def test_an_exit_notice_typed_for_2099_is_refused(seeded: Fupin) -> None:
    for line in (
        f"household assess JH-0001 2016 --income 9000 {doc('2016-11-20')}",
        f"household propose-exit JH-0001 2016 {doc('2016-12-01')}",
        f"household verify-exit JH-0001 {doc('2016-12-05')}",
    ):
        seeded.ok(line, actor="jn-01")

    refused(
        seeded,
        f"household exit-notice JH-0001 --start 2099-01-01 --end 2099-01-07 {doc('2016-12-06')}",
        "start",
        "2099-01-01 is after today",
    )


def test_an_identification_in_1940_is_refused(seeded: Fupin) -> None:
    refused(
        seeded,
        "household identify JH-1940 --street 江南 --village 雄光 --members 1 --head-name 老人 "
        f"--id-card {id_card(40, '19300101')} {doc('1940-01-01')}",
        "effective",
        "the identification is dated 1940-01-01; the programme opened only on 2016-07-26",
    )


def history_dates(fupin: Fupin, number: str, event: str) -> list[str]:
    """The effective dates of ``number``'s ``event`` entries, as ``history`` shows them."""
    app = open_ledger(fupin.store)
    try:
        found: list[Any] = list(app.events.get(app.household(number).id))
        return [e.prov.effective.isoformat() for e in found if type(e).__name__ == event]
    finally:
        app.close()


def test_a_notice_without_effective_is_dated_its_start(seeded: Fupin) -> None:
    # A notice takes effect on its first day: -e defaults to --start, not to today.
    result = seeded.ok(
        "household notice JH-0003 --start 2016-08-03 --end 2016-08-09 -d 雄光村公示〔2016〕1号",
        actor="jn-01",
    )

    assert "under notice 2016-08-03 to 2016-08-09" in result.output
    assert history_dates(seeded, "JH-0003", "NoticePosted") == ["2016-08-03"]


def test_an_exit_notice_without_effective_is_dated_its_start(seeded: Fupin) -> None:
    for line in (
        f"household assess JH-0001 2016 --income 9000 {doc('2016-11-20')}",
        f"household propose-exit JH-0001 2016 {doc('2016-12-01')}",
        f"household verify-exit JH-0001 {doc('2016-12-05')}",
    ):
        seeded.ok(line, actor="jn-01")

    seeded.ok(
        "household exit-notice JH-0001 --start 2016-12-06 --end 2016-12-12 -d 退出公示",
        actor="jn-01",
    )

    assert history_dates(seeded, "JH-0001", "ExitNoticed") == ["2016-12-06"]


def test_a_notice_without_effective_is_checked_as_dated_its_start(seeded: Fupin) -> None:
    # Dated its --start, the notice meets the rules of its dates, not "-e is today"; a
    # refusal of that date names --start, the option typed.
    notice = "household notice JH-0003 --start {} --end {} -d 雄光村公示〔2016〕1号"
    refused(
        seeded,
        notice.format("2016-08-03", "2017-08-09"),
        "end",
        "the notice lasts 372 days (2016-08-03 to 2017-08-09); a public notice runs at most 30",
    )
    refused(seeded, notice.format("2099-01-01", "2099-01-07"), "start", "2099-01-01 is after")
