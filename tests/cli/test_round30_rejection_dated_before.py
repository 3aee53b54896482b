"""Session 30, re-tester S (F8): a rejection at review entered late, dated before a change of
members already on record, was taken: the household turned down then had a change of members
dated after its rejection, which session 29's rule says is never recorded of it, and ``fupin
verify``, reading the log's order, noted nothing. Since session 30 a rejection, or an objection
upheld, is dated on or after the household's live changes of members and moves; an older
fupin's is replayed as recorded, and verify notes the change dated after it."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from ledger.application import open_ledger
from ledger.household import Household

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry
from tests.cli.test_round29_rejected_household import JN, MEMBERS
from tests.cli.test_round30_rejected_moved import moved_and_noted
from tests.support import id_card, stamp

STORE_INDEPENDENT = "the household's own rule and verify's scan: SQLite is enough"

REJECT = "household review JH-0002 --rejected {}"
BORN = "household members JH-0004 --members 4 --head-name 户主4 --id-card {} --note 新生儿出生 {}"


def test_a_rejection_dated_before_a_change_of_members_on_record_is_refused(seeded: Fupin) -> None:
    seeded.ok(MEMBERS, JN)  # JH-0002 has 4 members from 2016-09-01
    change = last_entry(seeded, "JH-0002", "MembersChanged")
    said = (
        f"a rejection is dated 2016-08-05; JH-0002 has a change of members dated 2016-09-01 "
        f"(entry {change}) on record: nothing is recorded of a household turned down after "
        f"it, so date it on or after 2016-09-01 (or void that entry first: fupin correct "
        f"household JH-0002 {change} --reason …)"
    )
    before = seeded.event_count()

    assert_refused(seeded(REJECT.format(doc("2016-08-05")), JN), "effective", said)
    assert seeded.event_count() == before
    seeded.ok(REJECT.format(doc("2016-09-01")), JN)


def test_an_objection_upheld_dated_before_a_change_of_members_is_refused(seeded: Fupin) -> None:
    # JH-0004 is under notice from 2016-08-03
    seeded.ok(f"household object JH-0004 o-1 --summary 有房有车 {doc('2016-08-04')}", JN)
    seeded.ok(BORN.format(id_card(4), doc("2016-08-08")), JN)

    refused = seeded(f"household resolve JH-0004 o-1 --upheld {doc('2016-08-06')}", JN)

    assert_refused(refused, "effective", "an objection upheld is dated 2016-08-06; JH-0004 has")


def test_an_older_ledgers_rejection_dated_before_a_change_moves_and_is_noted(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded.ok(MEMBERS, JN)
    change = last_entry(seeded, "JH-0002", "MembersChanged")
    with (
        pytest.MonkeyPatch.context() as before_the_rule,
        closing(open_ledger(seeded.store)) as app,
    ):  # as a fupin before session 30 took it
        before_the_rule.setattr(
            Household, "check_turned_down_after_steps", lambda *args: None, raising=False
        )
        app.review(stamp(JN, date(2016, 8, 5)), "JH-0002", False)
    rejection = last_entry(seeded, "JH-0002", "Reviewed")

    moved_and_noted(
        seeded,
        tmp_path,
        monkeypatch,
        f"household JH-0002 took a change of members (entry {change}, dated 2016-09-01) "
        f"after: JH-0002 was rejected at its village review on 2016-08-05 (entry {rejection};",
    )
