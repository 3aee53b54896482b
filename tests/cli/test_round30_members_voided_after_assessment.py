"""Session 30, re-tester S (F6): a change of members recorded, the year assessed for the
members it gave, the exit proposed, and then the change voided: the exit went through for the
members before it on an assessment made for the others, with no ``members-changed`` fault. A
change entered late, dated before the assessment, was already judged so (an assessment is made
for the members on record when it was recorded); since session 30 a correction recorded after
the assessment counts alike: the change it voided was on record when the assessment was made."""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry
from tests.cli.test_round29_exit_members import JN, MEMBERS, QU, members_faults

STORE_INDEPENDENT = "the exit steps' rule and the accountability SQL: SQLite is enough"

VOID = "correct household JH-0001 {} --reason 录错户 {}"


def _assessed_for_six(fupin: Fupin) -> tuple[int, int]:
    """JH-0001 (3) has 6 members from 2016-11-20, is assessed for them on 2016-12-01 and its
    2016 exit proposed on the 2nd: the change's entry and the assessment's."""
    fupin.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    fupin.ok(MEMBERS.format(6, doc("2016-11-20")), JN)
    change = last_entry(fupin, "JH-0001", "MembersChanged")
    fupin.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    fupin.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)
    return change, last_entry(fupin, "JH-0001", "IncomeAssessed")


def test_an_exit_step_after_the_change_assessed_for_was_voided_is_refused(seeded: Fupin) -> None:
    change, basis = _assessed_for_six(seeded)
    seeded.ok(VOID.format(change, doc("2016-12-03")), "admin")
    correction = last_entry(seeded, "JH-0001", "Corrected")
    before = seeded.event_count()

    refused = seeded(f"household verify-exit JH-0001 {doc('2016-12-05')}", JN)

    assert_refused(
        refused,
        "members",
        f"JH-0001's 2016 income was assessed on 2016-12-01 (entry {basis}) for 6 members, as "
        f"the change of members then on record had it (entry {change}); a correction entered "
        f"since (entry {correction}) voided that change, and it has 3 members since 2016-08-01",
    )
    assert "assess 2016 again" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(f"household assess JH-0001 2016 --income 9100 {doc('2016-12-05')}", JN)
    seeded.ok(f"household verify-exit JH-0001 {doc('2016-12-05')}", JN)


def test_accountability_lists_an_exit_whose_change_was_voided_after_its_approval(
    seeded: Fupin,
) -> None:
    change, _ = _assessed_for_six(seeded)
    seeded.ok(f"household verify-exit JH-0001 {doc('2016-12-03')}", JN)
    seeded.ok("household exit-notice JH-0001 --start 2016-12-04 --end 2016-12-10 -d 公示", JN)
    seeded.ok(f"household approve-exit JH-0001 {doc('2016-12-12')}", QU)
    assert members_faults(seeded) == []

    seeded.ok(VOID.format(change, doc("2016-12-13")), "admin")

    faults = members_faults(seeded)
    assert [fault[:2] for fault in faults] == [("JH-0001", "members-changed")]
    assert "assessed on 2016-12-01 for 6 members, as then on record" in str(faults[0][2])
