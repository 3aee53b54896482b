"""Session 30, re-tester S (F1, F1b): a merge 合户 and the change of members taking its people
in were corrected apart. The take-in voided while the merge stood left the merged household's
people in no household of the caseload (F1); the merge's closure voided while the take-in stood
counted them in both (F1b). Since then the take-in is not voided while its merge stands (the
merge's closure is voided first, then the take-in), and voiding the closure while the take-in
stands warns, naming the take-in to void: one order of corrections always works. An older
fupin's take-in voided so is replayed as recorded, and ``fupin verify`` notes it."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry
from tests.cli.test_round29_exit_members import JN, MEMBERS
from tests.cli.test_round30_exit_spared_notes import noted_until
from tests.support import stamp

STORE_INDEPENDENT = "the correction's rule and verify's notes: SQLite is enough"

MERGE = "household close JH-0002 --because 合户 --into JH-0001 --reason 并入JH-0001 {}"
VOID = "correct household {} {} --reason 录错 {}"


def _merged(fupin: Fupin) -> tuple[int, int]:
    """JH-0002 (3 people) merged into JH-0001 (3) on 2016-09-01, JH-0001 then 6 people: the
    take-in's entry of JH-0001 and the closure's of JH-0002."""
    fupin.ok(MEMBERS.format(6, doc("2016-09-01")), JN)
    fupin.ok(MERGE.format(doc("2016-09-01")), JN)
    return last_entry(fupin, "JH-0001", "MembersChanged"), last_entry(fupin, "JH-0002", "Closed")


def _people(fupin: Fupin) -> tuple[int, list[dict[str, object]]]:
    found = orjson.loads(fupin.ok("report caseload --format json", "admin").stdout)
    return found["totals"]["people"], found["closed"]


def test_the_take_in_is_not_voided_while_its_merge_stands(seeded: Fupin) -> None:
    take_in, closure = _merged(seeded)
    people = _people(seeded)
    before = seeded.event_count()

    refused = seeded(VOID.format("JH-0001", take_in, doc("2016-09-02")), "admin")

    assert_refused(
        refused,
        "version",
        f"entry {take_in} of JH-0001 is the change of members taking in the 3 member(s) of "
        f"JH-0002, merged 合户 into it on 2016-09-01 (entry {closure} of JH-0002): voided "
        "while the merge stands, they would be in no household; void the merge's closure first "
        f"(fupin correct household JH-0002 {closure} --reason …), then this change",
    )
    assert seeded.event_count() == before
    assert _people(seeded) == people


def test_the_merge_voided_first_warns_of_the_take_in_and_then_frees_it(seeded: Fupin) -> None:
    totals, _ = _people(seeded)
    take_in, closure = _merged(seeded)

    voided = seeded.ok(VOID.format("JH-0002", closure, doc("2016-09-02")), "admin")

    assert voided.stderr.strip() == (
        f"warning: the change of members of JH-0001 dated 2016-09-01 (entry {take_in}) took "
        "JH-0002's 3 member(s) in, and stands: with the merge voided they are counted in both "
        f"households; void it too (fupin correct household JH-0001 {take_in} --reason …), "
        "unless they joined JH-0001 all the same"
    )
    seeded.ok(VOID.format("JH-0001", take_in, doc("2016-09-02")), "admin")
    assert _people(seeded) == (totals, [])


def test_no_warning_when_the_merge_took_nobody_in(seeded: Fupin) -> None:
    seeded.ok(MERGE.format(doc("2016-09-01")), JN)  # no exit: no take-in needed
    closure = last_entry(seeded, "JH-0002", "Closed")

    voided = seeded.ok(VOID.format("JH-0002", closure, doc("2016-09-02")), "admin")

    assert voided.stderr == ""


@pytest.mark.spared_on_replay("take_in_under_merge")
def test_verify_notes_an_older_fupins_take_in_voided_under_its_merge(
    seeded: Fupin, tmp_path: Path
) -> None:
    take_in, closure = _merged(seeded)
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        # as a fupin before session 30 took it
        ledger.correct(stamp("admin", date(2016, 9, 2)), "household", "JH-0001", take_in, "录错")
    voiding = last_entry(seeded, "JH-0001", "Corrected")

    noted_until(
        seeded,
        tmp_path,
        f"household JH-0001's change of members dated 2016-09-01 (entry {take_in}), taking in "
        f"the 3 member(s) of JH-0002, was voided (entry {voiding}, dated 2016-09-02) while "
        f"JH-0002's merge 合户 into it on 2016-09-01 (entry {closure} of JH-0002) stood",
        "a change of members taking in the people of a household merged 合户 into it is not "
        "voided while the merge stands",
        VOID.format("JH-0002", closure, doc("2016-09-03")),
        actor="admin",
    )
