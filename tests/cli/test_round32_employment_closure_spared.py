"""Session 32, helper b (brief: helper n, session 31, saw verify's pass check session 25's two
rules of a closure 注销 and an employment whenever an entry was recorded): a fupin of session 25
before f658ab3 (e75a8c0, which had ``household close``) took a closure while an employment of a
worker of the household stood past its date, and an employment of a worker from the closure's
date on entered after the closure. Built so by that fupin and read by today's, such a ledger
failed ``fupin verify`` ("FAILED at position 38: Household.Closed … recorded while the
employment … stood past it"; "Helper.WorkerEmployed … recorded after the household's closure")
and ``export events`` + ``import --create`` refused the row ("line 38, household: the closure
is dated 2016-09-01; e-1's employment … stands past it"; "line 38, since: … a closed household
has no worker employed on or after its closure"), where every other newer rule's entries move
and get a note. Since session 32 both rules are in ``SPARED_BEFORE`` (``closure_while_employed``,
``employed_from_closure``): the replay takes the row as recorded, and verify's note of an
employment standing past a closure says it, with ways out that can be followed; today's
commands still refuse both."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from cli.main import app
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.cli.test_round25_verify_closure_sides import DIED_OUT, EMPLOY, JN, PAST, _noted
from tests.support import stamp

STORE_INDEPENDENT = "an older ledger's replay into a new SQLite store: SQLite is enough"

#: the ways out of an employment since 2016-09-05, after the closure of 2016-09-01 (entry 8)
BEGAN_AFTER = (
    "it began after the closure's date, so no end of it is on or before it: void it if it never "
    "was (fupin correct helper e-1 2 --reason …), or, if it was, void the closure (fupin correct "
    "household JH-0001 8 --reason …){}"
)
#: the way out of an employment since 2016-08-20, before the closure
END_BY = "end it on or before 2016-09-01: fupin helper end-employment e-1 JH-0001 -e DATE"
MOVED = "recorded before the move, import --create on"


def _closed_while_employed(fupin: Fupin) -> None:
    """e-1 employs a worker of JH-0001 from 2016-08-20, and JH-0001 is closed on 2016-09-01 as
    a fupin of session 25 took it, the employment standing."""
    fupin.ok(EMPLOY.format(day="2016-08-20"), JN)
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        ledger.close_household(stamp(JN, date(2016, 9, 1)), "JH-0001", "全户死亡", "", "全户死亡")


def _employed_after_closing(fupin: Fupin) -> None:
    """JH-0001 closed on 2016-09-01 (entry 8), then e-1 employs a worker of it from 2016-09-05
    (entry 2 of e-1) as a fupin of session 25 took it."""
    fupin.ok(DIED_OUT + doc("2016-09-01"), JN)
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        ledger.employ_worker(stamp(JN, date(2016, 9, 5)), "e-1", "JH-0001", date(2016, 9, 5))


def _noted_in_both(fupin: Fupin, folder: Path, note: str) -> None:
    """Verify passes the ledger saying ``note``, its one note under today's rules; the ledger
    moves by ``export events`` + ``import --create``, and verify passes the new store saying
    the same, as of an entry recorded before the move."""
    here = _noted(fupin)
    assert here.count(note) == here.count("under today's rules") == 1, here
    moved = reimported(fupin, folder)
    assert moved.exit_code == 0, moved.output
    verified = fupin.runner.invoke(app, ["--store", str(folder / "fresh.db"), "verify"])
    assert verified.exit_code == 0, verified.output
    there = " ".join(verified.stdout.split())
    assert there.count(note[: note.index(" (not a problem")]) == 1, there
    assert there.count("under today's rules") == 1
    assert MOVED in there


@pytest.mark.spared_on_replay("closure_while_employed")
def test_an_older_closure_while_employed_moves_and_is_noted(seeded: Fupin, tmp_path: Path) -> None:
    _closed_while_employed(seeded)
    note = PAST.format("2016-08-20", END_BY)

    _noted_in_both(seeded, tmp_path, note)

    # the way the note names: the employment ended on or before the closure
    seeded.ok(f"helper end-employment e-1 JH-0001 {doc('2016-08-31')}", JN)
    assert "under today's rules" not in _noted(seeded)


@pytest.mark.spared_on_replay("employed_from_closure")
def test_an_older_employment_after_the_closure_moves_and_is_noted(
    seeded: Fupin, tmp_path: Path
) -> None:
    _employed_after_closing(seeded)
    ways = BEGAN_AFTER.format(
        ", end it (fupin helper end-employment e-1 JH-0001 -e DATE) and close the household again "
        "on or after its end"
    )
    note = PAST.format("2016-09-05", ways)

    _noted_in_both(seeded, tmp_path, note)

    # the second way the note names: the closure voided, the job ended, the household closed
    # again on or after its end
    seeded.ok(f"correct household JH-0001 8 --reason 注销日期错 {doc('2016-10-02')}", "admin")
    seeded.ok(f"helper end-employment e-1 JH-0001 {doc('2016-09-30')}", JN)
    seeded.ok(DIED_OUT + doc("2016-10-01"), JN)
    assert "under today's rules" not in _noted(seeded)


def test_an_older_employment_after_the_closure_voided_as_the_note_says(seeded: Fupin) -> None:
    _employed_after_closing(seeded)

    seeded.ok(f"correct helper e-1 2 --reason 录错户 {doc('2016-09-06')}", JN)  # it never was

    assert "under today's rules" not in _noted(seeded)


def test_one_ended_after_the_closure_is_told_to_close_on_or_after_its_end(seeded: Fupin) -> None:
    _employed_after_closing(seeded)
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        ledger.end_employment(stamp(JN, date(2016, 10, 1)), "e-1", "JH-0001")
    ways = BEGAN_AFTER.format(" and close the household again on or after its end, 2016-10-01")
    ended = PAST.replace("standing ({})", "ended only on 2016-10-01 ({})")

    assert ended.format("2016-09-05", ways) in _noted(seeded)
    seeded.ok(f"correct household JH-0001 8 --reason 注销日期错 {doc('2016-10-02')}", "admin")
    seeded.ok(DIED_OUT + doc("2016-10-01"), JN)
    assert "under today's rules" not in _noted(seeded)


def test_todays_commands_still_refuse_both(seeded: Fupin) -> None:
    seeded.ok(EMPLOY.format(day="2016-08-20"), JN)
    before = seeded.event_count()

    assert_refused(
        seeded(DIED_OUT + doc("2016-09-01"), JN),
        "household",
        "the closure is dated 2016-09-01; e-1's employment of a worker of JH-0001 since "
        "2016-08-20 (entry 2) stands past it",
    )
    assert seeded.event_count() == before
    seeded.ok(f"helper end-employment e-1 JH-0001 {doc('2016-08-25')}", JN)
    seeded.ok(DIED_OUT + doc("2016-09-01"), JN)
    before = seeded.event_count()
    assert_refused(
        seeded(EMPLOY.format(day="2016-09-05"), JN),
        "since",
        "the employment is from 2016-09-05; JH-0001 was closed on 2016-09-01 (died-out): a "
        "closed household has no worker employed on or after its closure",
    )
    assert seeded.event_count() == before
