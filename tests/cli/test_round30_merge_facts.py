"""Session 30, re-tester S: the rule that a merge 合户 into a household whose exit is under way
waits for the change of members taking its people in was got round. The take-in voided after
the merge (F1), a merge dated on the assessment's day before the proposal (F3), an approval
voided and given again after a merge (F2): each exit went on for the members before the merge,
with no ``members-changed`` fault. A change of members taking nobody in (names alone) passed for
the take-in (F4), and so did the identification itself (F9). Since then an exit step is judged
on the merge itself: one dated after the year's assessment and by the step (or on the
assessment's day, unless a change of members recorded before the assessment took its people
in) refuses the step, whatever change of members is on record, and report accountability lists
such an exit ``members-changed``; the take-in adds at least the merged household's members."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry, reimported
from tests.cli.test_round28_late_pairings import exit_2016
from tests.cli.test_round29_exit_members import (
    JN,
    MEMBERS,
    QU,
    assessed_and_proposed,
    members_faults,
)
from tests.support import stamp

STORE_INDEPENDENT = "the exit steps' rule and the accountability SQL: SQLite is enough"

MERGE = "household close JH-0002 --because 合户 --into JH-0001 --reason 并入JH-0001 {}"
VERIFY = "household verify-exit JH-0001 {}"


def merged_said(merge: int, day: str, basis: int) -> str:
    """The refusal of an exit step after JH-0002 (3 people) merged into JH-0001 on ``day``."""
    return (
        f"JH-0002 merged 合户 into JH-0001 on {day} (entry {merge} of JH-0002), its 3 "
        f"member(s) with it; JH-0001's 2016 income was assessed on 2016-12-01 (entry {basis}), "
        "for its members before the merge"
    )


def _take_in_voided_as_an_older_fupin_did(fupin: Fupin, day: date) -> None:
    """JH-0001's latest change of members voided on ``day`` while JH-0002's merge into it
    stands, as a fupin before session 30 took it (today's refuses it: the merge's closure is
    voided first, tests/cli/test_round30_take_in_corrections.py)."""
    take_in = last_entry(fupin, "JH-0001", "MembersChanged")
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        ledger.correct(stamp("admin", day), "household", "JH-0001", take_in, "录错")


def test_an_exit_step_after_the_take_in_was_voided_is_refused_for_the_merge(
    seeded: Fupin,
) -> None:
    assessed_and_proposed(seeded)
    basis = last_entry(seeded, "JH-0001", "IncomeAssessed")
    seeded.ok(MEMBERS.format(6, doc("2016-12-04")), JN)
    seeded.ok(MERGE.format(doc("2016-12-04")), JN)
    _take_in_voided_as_an_older_fupin_did(seeded, date(2016, 12, 5))
    merge = last_entry(seeded, "JH-0002", "Closed")
    before = seeded.event_count()

    refused = seeded(VERIFY.format(doc("2016-12-05")), JN)

    assert_refused(refused, "members", merged_said(merge, "2016-12-04", basis))
    assert "assess 2016 again for them" in refused.stderr
    assert seeded.event_count() == before


def test_a_merge_on_the_assessments_day_before_the_proposal_refuses_it(seeded: Fupin) -> None:
    seeded.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    basis = last_entry(seeded, "JH-0001", "IncomeAssessed")
    seeded.ok(MERGE.format(doc("2016-12-01")), JN)  # no exit yet: taken
    merge = last_entry(seeded, "JH-0002", "Closed")

    refused = seeded(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)

    assert_refused(refused, "members", merged_said(merge, "2016-12-01", basis))
    # the way on: the people taken in, the year assessed again for them
    seeded.ok(MEMBERS.format(6, doc("2016-12-01")), JN)
    seeded.ok(f"household assess JH-0001 2016 --income 9100 {doc('2016-12-02')}", JN)
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)


def test_an_approval_voided_and_given_again_after_a_merge_is_refused(seeded: Fupin) -> None:
    exit_2016(seeded)  # assessed 2016-12-01, approved 2016-12-12
    basis = last_entry(seeded, "JH-0001", "IncomeAssessed")
    seeded.ok(MERGE.format(doc("2016-12-13")), JN)  # after the approval: taken
    merge = last_entry(seeded, "JH-0002", "Closed")
    approval = last_entry(seeded, "JH-0001", "ExitAdvanced")
    seeded.ok(f"correct household JH-0001 {approval} --reason 录错 {doc('2016-12-14')}", "admin")

    refused = seeded(f"household approve-exit JH-0001 {doc('2016-12-14')}", QU)

    assert_refused(refused, "members", merged_said(merge, "2016-12-13", basis))


def test_a_change_of_members_taking_nobody_in_is_no_take_in(seeded: Fupin) -> None:
    assessed_and_proposed(seeded)
    seeded.ok(MEMBERS.format(3, doc("2016-12-04")), JN)  # the same 3: names, a note
    before = seeded.event_count()

    refused = seeded(MERGE.format(doc("2016-12-04")), JN)

    assert_refused(refused, "into", "JH-0002 merging 合户 into it on 2016-12-04")
    assert "at least 3 more than the day before" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(MEMBERS.format(5, doc("2016-12-04")), JN)  # 2 of JH-0002's 3: not all
    assert_refused(seeded(MERGE.format(doc("2016-12-04")), JN), "into", "at least 3 more")


def test_the_identification_is_no_take_in(seeded: Fupin) -> None:
    assessed_and_proposed(seeded)  # JH-0001 identified on 2016-08-01

    refused = seeded(MERGE.format(doc("2016-08-01")), JN)

    assert_refused(refused, "into", "JH-0002 merging 合户 into it on 2016-08-01")


def test_accountability_lists_an_exit_whose_merge_lost_its_take_in(seeded: Fupin) -> None:
    exit_2016(seeded)  # assessed 2016-12-01 for 3, approved 2016-12-12
    seeded.ok(MEMBERS.format(6, doc("2016-12-10")), JN)
    seeded.ok(MERGE.format(doc("2016-12-10")), JN)
    _take_in_voided_as_an_older_fupin_did(seeded, date(2016, 12, 13))

    assert members_faults(seeded) == [
        (
            "JH-0001",
            "members-changed",
            "JH-0002 merged 合户 into it on 2016-12-10 with 3 member(s); the 2016 income it "
            "rests on was assessed on 2016-12-01, for its members before the merge; the exit "
            "was approved on 2016-12-12",
        )
    ]


def test_an_older_ledger_holding_an_exit_step_after_a_merge_moves_and_lists_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    assessed_and_proposed(seeded)
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        # as a fupin before session 30 took them
        day = date(2016, 12, 4)
        ledger.close_household(stamp(JN, day), "JH-0002", "merged", "JH-0001", "并入JH-0001")
        ledger.verify_exit(stamp(JN, date(2016, 12, 5)), "JH-0001")

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    assert [fault[:2] for fault in members_faults(seeded)] == [("JH-0001", "members-changed")]
