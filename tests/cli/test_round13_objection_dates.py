"""Round 13, issue 3: an objection 异议 is raised during the public notice [四(一)]: one dated
after the notice's last day is refused, naming ``effective`` and that day, and writes nothing;
it then holds up no registration. An exit notice takes no objections at all."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

# JH-0004 of the ``seeded`` ledger is under notice from 2016-08-03 to 2016-08-09, unsigned.
OBJECT = "household object JH-0004 o-1 --summary 家有轿车 -d 异议登记 -e {}"


@pytest.mark.parametrize("effective", ["2016-08-10", "2016-11-20"])
def test_an_objection_dated_after_the_notice_ended_is_refused(
    seeded: Fupin, effective: str
) -> None:
    before = seeded.event_count()

    result = seeded(OBJECT.format(effective), actor="jn-01")

    assert_refused(
        result,
        "effective",
        f"the objection is dated {effective}; the notice it objects to ended on 2016-08-09",
    )
    assert seeded.event_count() == before


def test_a_refused_late_objection_holds_up_no_registration(seeded: Fupin) -> None:
    seeded(OBJECT.format("2016-11-20"), actor="jn-01")
    seeded.ok(f"household sign JH-0004 {doc('2016-08-05')}", actor="jn-01")

    seeded.ok(f"household register JH-0004 {doc('2016-08-10')}", actor="jn-01")


def test_an_objection_on_the_notice_s_last_day_is_recorded(seeded: Fupin) -> None:
    seeded.ok(OBJECT.format("2016-08-09"), actor="jn-01")
    seeded.ok(f"household sign JH-0004 {doc('2016-08-05')}", actor="jn-01")

    assert_refused(
        seeded(f"household register JH-0004 {doc('2016-08-10')}", actor="jn-01"),
        "objection",
        "objection 'o-1' to the notice of JH-0004 is still open: answer it first (fupin "
        "household resolve "
        "JH-0004 OBJECTION_ID)",
    )


def test_an_exit_notice_takes_no_objection(seeded: Fupin) -> None:
    # Unchanged by round 13: objections are the identification notice's only.
    for line in (
        f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}",
        f"household propose-exit JH-0001 2016 {doc('2016-12-01')}",
        f"household verify-exit JH-0001 {doc('2016-12-05')}",
        "household exit-notice JH-0001 --start 2016-12-06 --end 2016-12-12 -d 退出公示",
    ):
        seeded.ok(line, actor="jn-01")

    result = seeded(
        "household object JH-0001 o-1 --summary 有车 -d 异议登记 -e 2016-12-07", actor="jn-01"
    )

    # since session 21 the refusal says why, and what to do instead
    assert_refused(result, "stage", "JH-0001's exit notice 公示 (to 2016-12-12) takes no objection")
    assert "fupin household withdraw-exit JH-0001" in result.stderr
