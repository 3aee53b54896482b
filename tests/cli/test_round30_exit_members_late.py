"""Session 30 (a tester of session 29's ``members-changed`` rule): a change of members entered
after the income assessment, dated on or before its date, escaped both the rule and the fault.
The assessment was made for the members on record on its date when it was recorded; a change
entered since, dated by then, says the household had other members that day, as now known: an
exit step on it is refused until the year is assessed again, and an exit on record on it is
listed ``members-changed``."""

from __future__ import annotations

from pathlib import Path

from ledger.application import open_ledger

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round29_exit_members import (
    JN,
    MEMBERS,
    NOTICE,
    QU,
    approved_then_changed,
    assessed_and_proposed,
    goes_on_once_assessed_again,
    members_faults,
    moved_with_the_fault,
)

STORE_INDEPENDENT = "the household's exit steps and the accountability SQL: SQLite is enough"

#: JH-0001 (3 people) assessed on 2016-12-01, then a merger into 5 dated 2016-11-30 entered
#: after it: the two entries' versions go in the braces
LATE = (
    "JH-0001's 2016 income was assessed on 2016-12-01 (entry {}) for 3 members, as then on "
    "record; a change of members entered since (entry {}) has it 5 members since 2016-11-30"
)


def _entries(fupin: Fupin, kind: str) -> list[int]:
    """The versions of the household's entries of ``kind``, in recorded order."""
    app = open_ledger(fupin.store)
    try:
        household = app.household("JH-0001")
        return [v for v, (k, _) in sorted(household.entries.items()) if k == kind]
    finally:
        app.close()


def _late(fupin: Fupin) -> str:
    assessed = _entries(fupin, "IncomeAssessed")[-1]
    change = _entries(fupin, "MembersChanged")[-1]
    return LATE.format(assessed, change)


def test_a_change_entered_late_dated_before_the_assessment_refuses_the_next_step(
    seeded: Fupin,
) -> None:
    assessed_and_proposed(seeded)
    seeded.ok(MEMBERS.format(5, doc("2016-11-30")), JN)  # a merger 合户 entered late
    before = seeded.event_count()

    refused = seeded(f"household verify-exit JH-0001 {doc('2016-12-03')}", JN)

    assert_refused(refused, "members", _late(seeded))
    assert "assess 2016 again" in refused.stderr
    assert seeded.event_count() == before
    # assessed again, for the 5 now on record, the exit goes on
    goes_on_once_assessed_again(seeded, "2016-12-03", NOTICE)


def test_a_change_dated_on_the_assessment_day_refuses_the_proposal(seeded: Fupin) -> None:
    seeded.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    seeded.ok(MEMBERS.format(5, doc("2016-12-01")), JN)
    before = seeded.event_count()

    refused = seeded(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)

    assert_refused(refused, "members", _late(seeded).replace("2016-11-30", "2016-12-01"))
    assert seeded.event_count() == before


def test_a_change_back_since_does_not_mend_an_assessment_made_for_other_members(
    seeded: Fupin,
) -> None:
    """5 on the assessment's day, as now known, though it was made for 3: back to 3 on the
    step's day, the income of 3 still was not the household's income per person that day."""
    assessed_and_proposed(seeded)
    seeded.ok(MEMBERS.format(5, doc("2016-11-30")), JN)
    seeded.ok(MEMBERS.format(3, doc("2016-12-02")), JN)
    change = _entries(seeded, "MembersChanged")[0]
    assessed = _entries(seeded, "IncomeAssessed")[-1]

    refused = seeded(f"household verify-exit JH-0001 {doc('2016-12-03')}", JN)

    assert_refused(refused, "members", LATE.format(assessed, change))


def test_a_change_recorded_before_the_assessment_is_what_it_was_made_for(seeded: Fupin) -> None:
    seeded.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    seeded.ok(MEMBERS.format(5, doc("2016-11-30")), JN)
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)
    seeded.ok(f"household verify-exit JH-0001 {doc('2016-12-03')}", JN)
    seeded.ok(NOTICE, JN)
    seeded.ok(f"household approve-exit JH-0001 {doc('2016-12-12')}", QU)
    assert members_faults(seeded) == []


def test_an_approved_exit_on_such_an_assessment_is_a_members_changed_fault(
    seeded: Fupin,
) -> None:
    assert approved_then_changed(seeded, "2016-11-30") == [
        (
            "JH-0001",
            "members-changed",
            "the 2016 income it rests on was assessed on 2016-12-01 for 3 members, as then on "
            "record; a change of members entered since has the household 5 since 2016-11-30; "
            "it had 5 when the exit was approved on 2016-12-12",
        )
    ]


def test_an_older_ledger_holding_such_an_exit_moves_and_lists_the_fault(
    seeded: Fupin, tmp_path: Path
) -> None:
    assessed_and_proposed(seeded)
    seeded.ok(MEMBERS.format(5, doc("2016-11-30")), JN)

    moved_with_the_fault(seeded, tmp_path)
