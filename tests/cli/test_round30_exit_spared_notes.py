"""Session 30 (brief f): three rules an export's replay spares (``SPARED_BEFORE``) had no
``fupin verify`` note and no report listing what they refuse today: ``closure_during_exit`` (a
household closed 注销 while its exit was under way), ``approval_after_closure`` (an exit's
approval voided after the household's closure) and ``merge_into_exit`` (a merge 合户 into a
household whose exit is under way, before its change of members). An inspector saw such an
entry of an older fupin in neither store. Since session 30 verify notes each "under today's
rules", in the store and in one moved from its export, while what the rule guards against
stands: a merge by ``ledger.exit_spared``; a closure during an exit and an approval voided
after the closure by ``ledger.closed_under_way``, which notes each household that stands closed
with an exit or a return under way. Until helper n (session 30) such a household had two notes,
one of each module: each note is asserted once."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from cli.main import app as fupin_app
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, doc, last_entry, reimported
from tests.cli.test_round28_late_pairings import exit_2016
from tests.cli.test_round29_close_during_exit import CLOSE, WITHDRAW
from tests.cli.test_round29_close_during_exit import _proposed as exit_under_way
from tests.cli.test_round29_exit_members import MEMBERS, assessed_and_proposed
from tests.cli.test_round30_under_way_past_closure import CLOSED_WITH_EXIT, UNDER_WAY
from tests.support import stamp

STORE_INDEPENDENT = "verify's notes, read from the events: SQLite is enough"

JN, QU = "jn-01", "qu-01"
MOVED = "its original recording time is the export's"
MERGE = "household close JH-0002 --because 合户 --into JH-0001 --reason 并入JH-0001 {}"


def verified_said(fupin: Fupin, store: Path | str) -> str:
    """``fupin verify`` of ``store`` passed: its output, each run of whitespace one space."""
    result = fupin.runner.invoke(fupin_app, ["--store", str(store), "--as", "admin", "verify"])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def noted_until(
    fupin: Fupin,
    folder: Path,
    said: str,
    rule: str,
    remedy: str,
    actor: str = JN,
    since: str = "2026-12-03",
) -> None:
    """The ledger moved by its export verifies; the store and the moved one both note
    ``said`` under today's rules, once and no other note, ``rule`` named and the day it came in
    (``since``), the moved one saying it was moved; once ``remedy`` is recorded (by ``actor``,
    in the store), the note is gone ("": none is)."""
    moved = reimported(fupin, folder)
    assert moved.exit_code == 0, moved.output
    fresh = folder / "fresh.db"
    for store in (fupin.store, fresh):
        verified = verified_said(fupin, store)
        assert f"under today's rules: {said}" in verified
        assert verified.count("under today's rules") == 1, verified
        assert rule in verified
        assert f"which a fupin before {since} did not check" in verified
        assert (MOVED in verified) is (store == fresh)
    if remedy:
        fupin.ok(remedy, actor)
        assert "under today's rules" not in verified_said(fupin, fupin.store)


def _closed_as_an_older_fupin_took_it(fupin: Fupin) -> int:
    """JH-0001's 2016 exit proposed on 2016-12-02 and verified on the 3rd, and the household
    closed on the 5th while it is under way, as a fupin before session 29 took it: the
    closure's entry."""
    exit_under_way(fupin)
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        day = date(2016, 12, 5)
        ledger.close_household(stamp(JN, day), "JH-0001", "died-out", "", "户主去世")
    return last_entry(fupin, "JH-0001", "Closed")


def test_verify_notes_a_closure_during_an_exit_until_the_exit_is_withdrawn(
    seeded: Fupin, tmp_path: Path
) -> None:
    closure = _closed_as_an_older_fupin_took_it(seeded)
    proposal = last_entry(seeded, "JH-0001", "ExitProposed")

    noted_until(
        seeded,
        tmp_path,
        CLOSED_WITH_EXIT.format(closure, "2016-12-05", "verified", proposal),
        UNDER_WAY,
        WITHDRAW.format(doc("2016-12-06")),
    )


def test_verify_notes_no_closure_after_the_exit_was_withdrawn_or_approved(
    seeded: Fupin,
) -> None:
    exit_under_way(seeded)
    seeded.ok(WITHDRAW.format(doc("2016-12-04")), JN)
    seeded.ok(CLOSE, JN)
    assert "under today's rules" not in verified_said(seeded, seeded.store)


def _approval_voided_after_the_closure(fupin: Fupin) -> int:
    """JH-0001's 2016 exit approved on 2016-12-12, the household closed on the 20th, and the
    approval voided on the 21st, as a fupin before session 30 took it: the closure's entry."""
    exit_2016(fupin)
    approval = last_entry(fupin, "JH-0001", "ExitAdvanced")
    fupin.ok(CLOSE.replace("2016-12-05", "2016-12-20"), JN)
    assert "under today's rules" not in verified_said(fupin, fupin.store)
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        ledger.correct(stamp(QU, date(2016, 12, 21)), "household", "JH-0001", approval, "公示未满")
    return last_entry(fupin, "JH-0001", "Closed")


@pytest.mark.spared_on_replay("approval_after_closure")
def test_verify_notes_an_exits_approval_voided_after_the_closure(
    seeded: Fupin, tmp_path: Path
) -> None:
    closure = _approval_voided_after_the_closure(seeded)

    proposal = last_entry(seeded, "JH-0001", "ExitProposed")
    noted_until(
        seeded,
        tmp_path,
        # the exit back at its notice, under way on the closed record
        CLOSED_WITH_EXIT.format(closure, "2016-12-20", "noticed", proposal),
        f"{UNDER_WAY}, nor takes after its closure a step or a correction leaving one under way",
        WITHDRAW.format(doc("2016-12-21")),
    )


@pytest.mark.parametrize(
    "closed", [_closed_as_an_older_fupin_took_it, _approval_voided_after_the_closure]
)
def test_verify_notes_no_exit_under_way_once_the_closure_is_voided(
    seeded: Fupin, closed: Callable[[Fupin], int]
) -> None:
    closure = closed(seeded)
    assert verified_said(seeded, seeded.store).count("under today's rules") == 1

    seeded.ok(f"correct household JH-0001 {closure} --reason 录错户 {doc('2016-12-22')}", "admin")

    assert "under today's rules" not in verified_said(seeded, seeded.store)


def test_verify_notes_a_merge_into_an_exit_under_way_until_its_members_are_recorded(
    seeded: Fupin, tmp_path: Path
) -> None:
    assessed_and_proposed(seeded)  # JH-0001's 2016 exit proposed on 2016-12-02
    proposal = last_entry(seeded, "JH-0001", "ExitProposed")
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        # as a fupin before session 30 took it
        day = date(2016, 12, 4)
        ledger.close_household(stamp(JN, day), "JH-0002", "merged", "JH-0001", "并入JH-0001")
    merge = last_entry(seeded, "JH-0002", "Closed")

    noted_until(
        seeded,
        tmp_path,
        f"household JH-0002 merged 合户 into JH-0001 on 2016-12-04 (entry {merge} of JH-0002) "
        f"while JH-0001's 2016 exit was proposed (entry {proposal}, proposed on 2016-12-02), "
        "before a change of members of JH-0001 dated 2016-12-04 took its people in",
        "a household merging 合户 into one whose exit is under way",
        MEMBERS.format(6, doc("2016-12-04")),
    )


def test_verify_notes_no_merge_whose_members_were_recorded_first(seeded: Fupin) -> None:
    exit_2016(seeded)  # approved on 2016-12-12
    seeded.ok(MEMBERS.format(6, doc("2016-12-10")), JN)
    seeded.ok(MERGE.format(doc("2016-12-10")), JN)
    assert "under today's rules" not in verified_said(seeded, seeded.store)


def test_verify_notes_no_merge_after_the_exit_was_approved(seeded: Fupin) -> None:
    exit_2016(seeded)
    seeded.ok(MERGE.format(doc("2016-12-13")), JN)
    assert "under today's rules" not in verified_said(seeded, seeded.store)
