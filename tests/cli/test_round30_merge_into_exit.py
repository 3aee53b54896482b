"""Session 30 (brief): a household merged 合户 into one whose exit is under way changes the
members the exit's income was assessed for (per person 人均可支配收入), but without a change of
members of the household taking the people in, the exit went on for the members before the
merge, and neither session 29's rule nor report accountability saw it. Since session 30 the
merge is refused until that change of members is recorded, dated on the merge's day (as
docs/cli.md has a merge recorded); the exit then goes on once its year is assessed again, or
an approved one is listed ``members-changed``. An older ledger holding such a merge moves."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry, reimported
from tests.cli.test_round28_late_pairings import exit_2016
from tests.cli.test_round29_exit_members import (
    JN,
    MEMBERS,
    assessed_and_proposed,
    goes_on_once_assessed_again,
    members_faults,
)
from tests.support import stamp

STORE_INDEPENDENT = "the closure's rule and the accountability SQL: SQLite is enough"

MERGE = "household close JH-0002 --because 合户 --into JH-0001 --reason 并入JH-0001 {}"
TAKE_IN = (
    "record the members JH-0001 has from {0} first, at least 3 more than the day before "
    "(fupin household members JH-0001 "
)


def test_a_merge_into_a_household_whose_exit_is_under_way_waits_for_its_members(
    seeded: Fupin,
) -> None:
    assessed_and_proposed(seeded)
    proposal = last_entry(seeded, "JH-0001", "ExitProposed")
    before = seeded.event_count()

    refused = seeded(MERGE.format(doc("2016-12-04")), JN)

    assert_refused(
        refused,
        "into",
        f"JH-0001's 2016 exit is proposed (entry {proposal}, proposed on 2016-12-02): JH-0002 "
        "merging 合户 into it on 2016-12-04 changes its members",
    )
    assert TAKE_IN.format("2016-12-04") in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(MEMBERS.format(6, doc("2016-12-04")), JN)
    seeded.ok(MERGE.format(doc("2016-12-04")), JN)
    # the exit's next step waits for the year assessed again for the 5 (session 29's rule)
    verify = f"household verify-exit JH-0001 {doc('2016-12-04')}"
    assert_refused(seeded(verify, JN), "members", "JH-0001 has 6 members since 2016-12-04")
    notice = "household exit-notice JH-0001 --start 2016-12-05 --end 2016-12-11 -d 公示"
    goes_on_once_assessed_again(seeded, "2016-12-04", notice)


def test_a_merge_dated_by_an_approved_exit_waits_for_its_members_and_lists_the_exit(
    seeded: Fupin,
) -> None:
    exit_2016(seeded)
    approval = last_entry(seeded, "JH-0001", "ExitAdvanced")

    refused = seeded(MERGE.format(doc("2016-12-10")), JN)

    assert_refused(
        refused,
        "into",
        f"JH-0001's 2016 exit is approved on 2016-12-12 (entry {approval}): JH-0002 merging",
    )
    seeded.ok(MEMBERS.format(6, doc("2016-12-10")), JN)
    seeded.ok(MERGE.format(doc("2016-12-10")), JN)
    assert [fault[:2] for fault in members_faults(seeded)] == [("JH-0001", "members-changed")]


def test_a_merge_after_the_exit_was_approved_is_taken_as_before(seeded: Fupin) -> None:
    exit_2016(seeded)

    seeded.ok(MERGE.format(doc("2016-12-13")), JN)

    assert members_faults(seeded) == []


@pytest.mark.spared_on_replay("merge_into_exit")
def test_an_older_ledger_holding_such_a_merge_moves(seeded: Fupin, tmp_path: Path) -> None:
    assessed_and_proposed(seeded)
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        # as a fupin before session 30 took it
        day = date(2016, 12, 4)
        ledger.close_household(stamp(JN, day), "JH-0002", "merged", "JH-0001", "并入JH-0001")

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
