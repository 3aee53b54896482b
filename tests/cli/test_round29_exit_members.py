"""Session 29, tester D (a policy expert on income lines and exits): an exit went through on a
per-person income 人均可支配收入 assessed when the household had another count of members: a
3-person household assessed at the line, then merged with another (5 people), was verified,
noticed and approved, and the caseload counted 5 people exited. Since session 29 each exit step
is refused while the household's members differ from those the year's assessment was made for,
and ``exit_faults`` lists an exit resting on such an assessment as ``members-changed`` (a ledger
recorded before the rule, or a change of members entered after the approval, dated before it);
an older ledger holding such an exit still moves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import open_ledger
from ledger.values import REPLAY_SPARED

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import id_card, stamp

STORE_INDEPENDENT = "the household's exit steps and the accountability SQL: SQLite is enough"

JN, QU = "jn-01", "qu-01"
MEMBERS = (
    "household members JH-0001 --members {} --head-name 户主1 "
    f"--id-card {id_card(1)} --note 合户 " + "{}"
)
NOTICE = "household exit-notice JH-0001 --start 2016-12-04 --end 2016-12-10 -d 公示"
STALE = "JH-0001 has 5 members since 2016-12-03; its 2016 income was assessed for 3 on 2016-12-01"


def assessed_and_proposed(fupin: Fupin) -> None:
    """JH-0001 (3 people) agreed, assessed on 2016-12-01 and its 2016 exit proposed on the 2nd."""
    fupin.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    fupin.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    fupin.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)


def members_faults(fupin: Fupin) -> list[tuple[object, object, object]]:
    report = orjson.loads(fupin.ok("report accountability --format json", "admin").stdout)
    return [
        (f["household"], f["fault"], f["detail"])
        for f in report["exit_faults"]
        if f["fault"] == "members-changed"
    ]


def test_an_exit_step_after_the_members_changed_is_refused_until_the_year_is_assessed_again(
    seeded: Fupin,
) -> None:
    assessed_and_proposed(seeded)
    seeded.ok(MEMBERS.format(5, doc("2016-12-03")), JN)
    before = seeded.event_count()

    refused = seeded(f"household verify-exit JH-0001 {doc('2016-12-04')}", JN)

    assert_refused(refused, "members", STALE)
    assert "assess 2016 again" in refused.stderr
    assert seeded.event_count() == before
    goes_on_once_assessed_again(
        seeded,
        "2016-12-04",
        "household exit-notice JH-0001 --start 2016-12-05 --end 2016-12-11 -d 公示",
    )


def goes_on_once_assessed_again(fupin: Fupin, day: str, notice: str) -> None:
    """JH-0001's 2016 income assessed again on ``day``, for the members it has: its exit is
    verified that day, noticed (``notice``) and approved, with no ``members-changed`` fault."""
    fupin.ok(f"household assess JH-0001 2016 --income 9100 {doc(day)}", JN)
    fupin.ok(f"household verify-exit JH-0001 {doc(day)}", JN)
    fupin.ok(notice, JN)
    fupin.ok(f"household approve-exit JH-0001 {doc('2016-12-12')}", QU)
    assert members_faults(fupin) == []


def test_a_proposal_on_an_assessment_made_for_another_count_is_refused(seeded: Fupin) -> None:
    seeded.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    seeded.ok(MEMBERS.format(5, doc("2016-12-03")), JN)

    refused = seeded(f"household propose-exit JH-0001 2016 {doc('2016-12-04')}", JN)

    assert_refused(refused, "members", STALE)
    # a change back to the count assessed for is no change: the assessment holds again
    seeded.ok(MEMBERS.format(3, doc("2016-12-04")), JN)
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-04')}", JN)


def test_the_notice_and_the_approval_are_refused_too(seeded: Fupin) -> None:
    assessed_and_proposed(seeded)
    seeded.ok(f"household verify-exit JH-0001 {doc('2016-12-03')}", JN)
    seeded.ok(MEMBERS.format(5, doc("2016-12-03")), JN)

    refused = seeded(NOTICE, JN)

    assert_refused(refused, "members", STALE)
    seeded.ok(f"household assess JH-0001 2016 --income 9100 {doc('2016-12-04')}", JN)
    seeded.ok(NOTICE, JN)
    seeded.ok(MEMBERS.format(2, doc("2016-12-11")), JN)
    assert_refused(
        seeded(f"household approve-exit JH-0001 {doc('2016-12-12')}", QU),
        "members",
        "JH-0001 has 2 members since 2016-12-11; its 2016 income was assessed for 5 on 2016-12-04",
    )


def test_a_change_entered_after_the_approval_dated_before_it_is_a_members_changed_fault(
    seeded: Fupin,
) -> None:
    assert approved_then_changed(seeded, "2016-12-03") == [
        (
            "JH-0001",
            "members-changed",
            "the 2016 income it rests on was assessed on 2016-12-01 for 3 members; the "
            "household had 5 since 2016-12-03 when the exit was approved on 2016-12-12",
        )
    ]


def approved_then_changed(fupin: Fupin, effective: str) -> list[tuple[object, object, object]]:
    """JH-0001's exit approved with no fault, then a change to 5 members dated ``effective``
    entered: the ``members-changed`` faults after it."""
    assessed_and_proposed(fupin)
    fupin.ok(f"household verify-exit JH-0001 {doc('2016-12-03')}", JN)
    fupin.ok(NOTICE, JN)
    fupin.ok(f"household approve-exit JH-0001 {doc('2016-12-12')}", QU)
    assert members_faults(fupin) == []
    fupin.ok(MEMBERS.format(5, doc(effective)), JN)
    return members_faults(fupin)


@pytest.mark.spared_on_replay("exit_on_other_members")
def test_an_older_ledger_holding_such_an_exit_moves_and_lists_the_fault(
    seeded: Fupin, tmp_path: Path
) -> None:
    assessed_and_proposed(seeded)
    seeded.ok(MEMBERS.format(5, doc("2016-12-03")), JN)

    moved_with_the_fault(seeded, tmp_path)


def moved_with_the_fault(fupin: Fupin, folder: Path) -> None:
    """JH-0001's exit under way verified, noticed and approved as a fupin before the rule took
    it: the ledger moves by export and import, and its exit is listed ``members-changed``."""
    app = open_ledger(fupin.store)
    spared = REPLAY_SPARED.set(True)
    try:
        app.verify_exit(stamp(JN, date(2016, 12, 4)), "JH-0001")
        notice = (date(2016, 12, 5), date(2016, 12, 11))
        app.post_exit_notice(stamp(JN, notice[0]), "JH-0001", *notice)
        app.approve_exit(stamp(QU, date(2016, 12, 12)), "JH-0001")
    finally:
        REPLAY_SPARED.reset(spared)
        app.close()

    moved = reimported(fupin, folder)

    assert moved.exit_code == 0, moved.output
    assert [fault[:2] for fault in members_faults(fupin)] == [("JH-0001", "members-changed")]
