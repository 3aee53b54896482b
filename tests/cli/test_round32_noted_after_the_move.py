"""Session 32, helper b2 (helper b's report: "'Recorded before the move' can be wrong"): in a store
made by a move (``import --create``), every note of ``fupin verify`` under today's rules said its
entry was recorded before the move, its recording time the export's, which is no evidence. An
older fupin, not yet upgraded, could record such an entry in the moved store after the move
(moves exist since session 23): that one was recorded as it was taken, and its recording time is
this store's own. Since session 32 a note says the move only of entries the move replayed
(stored before its ``RebuiltFromExport``, ``ledger.noted``); where a note rests on several
entries (a closure and an employment), of the last of them, the one today's fupin would refuse.

Each test makes, as an older fupin took it, one such entry before the move and one in the moved
store after it (the rule's check left out, as the tests of each rule do), and reads each note's
words in the moved store's verify."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from ledger.application import Ledger, open_ledger
from ledger.base import Provenance
from ledger.casework import PersonalChange
from ledger.funding import FundCommands
from ledger.household import Household
from ledger.inspections import Inspection
from ledger.values import replayed_as_recorded
from typer.testing import CliRunner

from tests.cli.conftest import (
    RECORDED_AS_TAKEN,
    RECORDED_BEFORE_THE_MOVE,
    Fupin,
    doc,
    last_entry,
    reimported,
)
from tests.cli.test_round13_unpairings import EXIT
from tests.cli.test_round25_verify_closure_sides import DIED_OUT, EMPLOY, JN
from tests.cli.test_round26_able_key_target import _under_notice_signed
from tests.cli.test_round28_account_case import OPEN
from tests.cli.test_round28_talks import STREET
from tests.cli.test_round29_exit_members import MEMBERS, assessed_and_proposed
from tests.support import id_card, identify, register, stamp

STORE_INDEPENDENT = "a move into a new SQLite store and verify's words: SQLite is enough"


def _moved(fupin: Fupin, folder: Path) -> Fupin:
    """``fupin`` moved by ``export events`` + ``import --create``: ``fupin`` on the new store."""
    result = reimported(fupin, folder)
    assert result.exit_code == 0, result.output
    fresh = str(folder / "fresh.db")
    return Fupin(fresh, CliRunner(env={**(fupin.runner.env or {}), "LEDGER_STORE": fresh}))


def _jh_0005_registered(fupin: Fupin) -> None:
    with closing(open_ledger(fupin.store)) as ledger:
        register(ledger, "JH-0005", serial=5)


def _said_of_each(fupin: Fupin, replayed: str, after: str) -> None:
    """verify passes the moved store with two notes under today's rules: the one holding
    ``replayed`` says its entry was recorded before the move, the one holding ``after`` that
    its entry was recorded as it was taken, and neither says the other."""
    said = " ".join(fupin.ok("verify", "admin").stdout.split())
    notes = said.split("under today's rules: ")[1:]
    assert len(notes) == 2, said
    for marker, moved in ((replayed, True), (after, False)):
        (note,) = [note for note in notes if marker in note]
        words = (RECORDED_BEFORE_THE_MOVE, RECORDED_AS_TAKEN)
        assert words[not moved] in note, note
        assert words[moved] not in note, note


@pytest.mark.spared_on_replay("closure_while_employed")
def test_an_employment_note_says_the_move_only_of_the_entries_it_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    # before the move: JH-0001 closed while e-1 employed a worker of it (a fupin of session 25);
    # JH-0005 closed as today's fupin does
    seeded.ok(EMPLOY.format(day="2016-08-20"), JN)
    with closing(open_ledger(seeded.store)) as ledger:
        with replayed_as_recorded():
            ledger.close_household(stamp(JN, date(2016, 9, 1)), "JH-0001", "died-out", "", "死亡")
        register(ledger, "JH-0005", serial=5)
    seeded.ok(DIED_OUT.replace("JH-0001", "JH-0005") + "-d 注销 -e 2016-09-01", JN)
    moved = _moved(seeded, tmp_path)
    # after the move, in the new store: e-1 employs a worker of JH-0005 from after its closure,
    # as a fupin of session 25 took it (the closure replayed, the employment not)
    with closing(open_ledger(moved.store)) as ledger, replayed_as_recorded():
        ledger.employ_worker(stamp(JN, date(2016, 9, 5)), "e-1", "JH-0005", date(2016, 9, 5))

    _said_of_each(moved, "household JH-0001 was closed on", "household JH-0005 was closed on")


def test_a_rejected_households_note_says_the_move_only_of_the_steps_it_replayed(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Household, "check_not_rejected", lambda *args: None)  # an older fupin
    with closing(open_ledger(seeded.store)) as ledger:
        identify(ledger, "JH-0005", serial=5)
        for number in ("JH-0002", "JH-0005"):
            ledger.review(stamp(JN, date(2016, 8, 5)), number, False)
        # before the move: JH-0005 closed, turned down, and JH-0002's members changed
        ledger.close_household(stamp(JN, date(2016, 9, 1)), "JH-0005", "in-error", "", "不符合")
        personal = PersonalChange("户主2", id_card(2))
        ledger.change_members(stamp(JN, date(2016, 9, 1), "新生儿"), "JH-0002", 4, personal)
    moved = _moved(seeded, tmp_path)
    # after the move: JH-0002 closed; its note rests on both steps, the last recorded after it
    with closing(open_ledger(moved.store)) as ledger:
        ledger.close_household(stamp(JN, date(2016, 9, 1)), "JH-0002", "in-error", "", "不符合")

    _said_of_each(moved, "household JH-0005 took a closure", "household JH-0002 took a change")


def test_an_account_note_says_the_move_only_of_an_account_it_replayed(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FundCommands, "check_no_lookalike", lambda *args: None)  # an older fupin
    seeded.ok(OPEN.format("CITY-2016"), "qu-01")  # before the move, beside city-2016
    moved = _moved(seeded, tmp_path)
    moved.ok(OPEN.format("town-2016"), "qu-01")
    moved.ok(OPEN.format("TOWN-2016"), "qu-01")  # after the move

    _said_of_each(moved, "fund account 'CITY-2016'", "fund account 'TOWN-2016'")


def _old_pairing(ledger: Ledger, number: str, day: date) -> None:
    """e-1 paired with household ``number`` on ``day`` as a fupin before 834adfa did it: the
    household's ``HelperPaired`` alone (tests/cli/test_round26_old_double_pairing.py)."""
    household = ledger.load(Household, number, "household")
    household._paired("e-1", "enterprise", Provenance(JN, "officer", day, "结对", ""))
    ledger.save(household)


def test_a_double_pairings_note_says_the_move_only_of_pairings_it_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-09-01')}", JN)
    with closing(open_ledger(seeded.store)) as ledger:
        register(ledger, "JH-0005", serial=5)
        _old_pairing(ledger, "JH-0005", date(2016, 9, 14))  # before the move
    moved = _moved(seeded, tmp_path)
    with closing(open_ledger(moved.store)) as ledger:
        register(ledger, "JH-0006", serial=6)
        _old_pairing(ledger, "JH-0006", date(2016, 9, 20))  # after it

    _said_of_each(moved, "household JH-0005 from", "household JH-0006 from")


def _under_way(fupin: Fupin, number: str) -> None:
    """``number``'s 2016 exit proposed on 2016-12-02 and verified on the 3rd (under way)."""
    fupin.ok(f"household agree {number} {doc('2016-08-20')}", JN)
    fupin.ok(f"household assess {number} 2016 --income 9000 {doc('2016-12-01')}", JN)
    fupin.ok(f"household propose-exit {number} 2016 {doc('2016-12-02')}", JN)
    fupin.ok(f"household verify-exit {number} {doc('2016-12-03')}", JN)


def _closed_as_an_older_fupin_took_it(fupin: Fupin, number: str) -> None:
    """``number`` closed on 2016-12-05, its exit under way, as a fupin before session 29 did."""
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        ledger.close_household(stamp(JN, date(2016, 12, 5)), number, "died-out", "", "户主去世")


@pytest.mark.spared_on_replay("closure_during_exit")
def test_a_closed_households_note_says_the_move_only_of_a_closure_it_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    _jh_0005_registered(seeded)
    seeded.ok(f"household pair JH-0005 c-2 {doc('2016-08-11')}", JN)
    for number in ("JH-0001", "JH-0005"):
        _under_way(seeded, number)
    _closed_as_an_older_fupin_took_it(seeded, "JH-0001")  # before the move
    moved = _moved(seeded, tmp_path)
    # after it: JH-0005 closed, its exit's steps replayed, the closure not
    _closed_as_an_older_fupin_took_it(moved, "JH-0005")

    _said_of_each(moved, "household JH-0001 was closed", "household JH-0005 was closed")


def test_an_able_households_note_says_the_move_only_of_marks_it_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    _under_notice_signed(seeded, "JH-0006", 6)
    with closing(open_ledger(seeded.store)) as ledger:  # before the move, as an older fupin
        ledger.rebuilding_export = True
        ledger.register(stamp(JN, date(2016, 8, 10)), "JH-0006", False)
    moved = _moved(seeded, tmp_path)
    with closing(open_ledger(moved.store)) as ledger:  # after it: JH-0001's mark taken off
        ledger.rebuilding_export = True
        changes = {"key_target": False}
        ledger.amend(stamp(JN, date(2019, 2, 10)), "household", "JH-0001", changes, "录错")

    _said_of_each(moved, "household JH-0006 (registered", "household JH-0001 (registered")


def _replaced(ledger: Ledger, helper: str, replacement: str, day: date) -> None:
    """JH-0001's ``helper`` replaced by ``replacement`` on ``day`` as a fupin before 13235ce
    did it (tests/cli/test_round26_old_late_replacement.py): no date checked."""
    household = ledger.load(Household, "JH-0001", "household")
    prov = Provenance(JN, "officer", day, "调整单", "")
    household._unpaired(helper, replacement, "调岗", prov)
    ledger.save(household)


def test_a_late_replacements_note_says_the_move_only_of_an_unpairing_it_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    for actor, line in EXIT:  # JH-0001's exit, approved 2016-12-20
        seeded.ok(line, actor=actor)
    with closing(open_ledger(seeded.store)) as ledger:
        _replaced(ledger, "c-1", "c-2", date(2017, 1, 10))  # before the move
    moved = _moved(seeded, tmp_path)
    with closing(open_ledger(moved.store)) as ledger:
        _replaced(ledger, "c-2", "sw-1", date(2017, 2, 10))  # after it

    _said_of_each(moved, "replacement c-2 is dated", "replacement sw-1 is dated")


def _employed_ended_closed(fupin: Fupin, number: str) -> None:
    """e-1 employs a worker of ``number`` from 2016-09-01 to 2016-11-30, and ``number`` is
    closed on 2016-12-20, by today's commands."""
    fupin.ok(EMPLOY.replace("JH-0001", number).format(day="2016-09-01"), JN)
    fupin.ok(f"helper end-employment e-1 {number} {doc('2016-11-30')}", JN)
    fupin.ok(DIED_OUT.replace("JH-0001", number) + doc("2016-12-20"), JN)


def _end_voided(fupin: Fupin, end: int) -> None:
    """e-1's end of entry ``end`` voided after the closure, as a fupin before session 31 did."""
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        ledger.correct(stamp(JN, date(2016, 12, 21)), "helper", "e-1", end, "离职日期错")


@pytest.mark.spared_on_replay("end_voided_after_closure")
def test_an_employment_note_weighs_the_voiding_of_its_end_by_its_own_place(
    seeded: Fupin, tmp_path: Path
) -> None:
    _jh_0005_registered(seeded)
    for number in ("JH-0001", "JH-0005"):  # entries 2 and 3, 4 and 5 of e-1
        _employed_ended_closed(seeded, number)
    _end_voided(seeded, 3)  # before the move
    moved = _moved(seeded, tmp_path)
    _end_voided(moved, 5)  # after it: the employment, its end and the closure replayed

    _said_of_each(moved, "household JH-0001 was closed on", "household JH-0005 was closed on")


def test_a_rejected_households_note_weighs_a_rejection_entered_late_by_its_own_place(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as a fupin before session 30: a rejection dated before a change of members on record
    monkeypatch.setattr(
        Household, "check_turned_down_after_steps", lambda *args: None, raising=False
    )
    with closing(open_ledger(seeded.store)) as ledger:
        identify(ledger, "JH-0005", serial=5)
        for serial in (2, 5):
            personal = PersonalChange(f"户主{serial}", id_card(serial))
            day = stamp(JN, date(2016, 9, 1), "新生儿")
            ledger.change_members(day, f"JH-000{serial}", 4, personal)
        ledger.review(stamp(JN, date(2016, 8, 5)), "JH-0005", False)  # before the move
    moved = _moved(seeded, tmp_path)
    with closing(open_ledger(moved.store)) as ledger:  # after it: the change replayed
        ledger.review(stamp(JN, date(2016, 8, 5)), "JH-0002", False)

    _said_of_each(moved, "household JH-0005 took a change", "household JH-0002 took a change")


def _registered_late(fupin: Fupin, number: str, serial: int) -> None:
    """``number`` identified in 2016 and registered in 2019, as a fupin before session 28 took
    it (tests/cli/test_round28_late_registration.py)."""
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        ledger.rebuilding_export = True
        identify(ledger, number, serial=serial)
        ledger.review(stamp(JN, date(2019, 3, 5)), number, True)
        ledger.post_notice(stamp(JN, date(2019, 3, 6)), number, date(2019, 3, 6), date(2019, 3, 13))
        ledger.sign(stamp(JN, date(2019, 3, 14)), number)
        ledger.register(stamp(JN, date(2019, 3, 20)), number, True)


def test_a_late_registrations_note_says_the_move_only_of_a_registration_it_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    _registered_late(seeded, "JH-0009", 9)  # before the move
    moved = _moved(seeded, tmp_path)
    _registered_late(moved, "JH-0008", 8)  # after it

    _said_of_each(moved, "household JH-0009 was registered", "household JH-0008 was registered")


def _talk_under(fupin: Fupin, code: str) -> None:
    """Street inspection ``code`` of 江南 opened, then a talk about 江南's 2017 held under it
    as a fupin before session 28 took it (tests/cli/test_round28_talks.py)."""
    fupin.ok(STREET.replace("SI-JN", code), "insp-1")
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        inspection = ledger.load(Inspection, code, "inspection")
        prov = ledger.authorise(stamp("insp-1", date(2018, 2, 1)), "hold_talk", "江南")
        inspection.hold_talk("江南", 2017, "未完成", prov, as_recorded=True)
        ledger.save(inspection)


def test_a_talks_note_says_the_move_only_of_a_talk_it_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    _talk_under(seeded, "SI-JN")  # before the move
    moved = _moved(seeded, tmp_path)
    _talk_under(moved, "SI-JN2")  # after it

    _said_of_each(moved, "inspection SI-JN,", "inspection SI-JN2,")


def _retired_early(fupin: Fupin, officer: str, day: date) -> None:
    """``officer`` retired as of ``day``, before entries under the post, as a fupin before
    session 28 took it (tests/cli/test_round28_officer_dates.py)."""
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        ledger.retire_officer(stamp("admin", day), officer, "调离")


def test_a_retirements_note_says_the_move_only_of_a_retirement_it_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    _retired_early(seeded, "jn-01", date(2016, 8, 5))  # before the move
    moved = _moved(seeded, tmp_path)
    _retired_early(moved, "qu-01", date(2016, 7, 30))  # after it

    _said_of_each(moved, "jn-01's retirement", "qu-01's retirement")


def _noticed(fupin: Fupin, unit: str) -> None:
    """DI-1's notice naming ``unit`` on 2017-02-01 recorded again as a fupin before session 28
    took it, the same day, document and reason (tests/cli/test_round28_notice_talk_twice.py)."""
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        ledger.notice_criticism(stamp("insp-1", date(2017, 2, 1)), "DI-1", unit, "进度慢")


@pytest.mark.spared_on_replay("notice_or_talk_twice")
def test_a_notice_twices_note_says_the_move_only_of_a_notice_it_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"inspection open DI-1 --level district --year 2016 {doc('2017-01-05')}", "insp-1")
    for unit in ("江南", "江南", "礼乐"):  # 江南's twice before the move
        _noticed(seeded, unit)
    moved = _moved(seeded, tmp_path)
    _noticed(moved, "礼乐")  # 礼乐's again after it

    _said_of_each(moved, "notice 通报 naming 江南", "notice 通报 naming 礼乐")


def _merged(fupin: Fupin, number: str) -> None:
    """``number`` merged 合户 into JH-0001 on 2016-12-04, its exit proposed, as a fupin before
    session 30 took it (tests/cli/test_round30_merge_into_exit.py)."""
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        day = stamp(JN, date(2016, 12, 4))
        ledger.close_household(day, number, "merged", "JH-0001", "并入JH-0001")


@pytest.mark.spared_on_replay("merge_into_exit")
def test_a_merges_note_says_the_move_only_of_a_merge_it_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    assessed_and_proposed(seeded)
    _merged(seeded, "JH-0002")  # before the move
    moved = _moved(seeded, tmp_path)
    _merged(moved, "JH-0003")  # after it

    _said_of_each(moved, "household JH-0002 merged", "household JH-0003 merged")


def _take_in_voided(fupin: Fupin, take_in: int, day: date) -> None:
    """JH-0001's change of members of entry ``take_in`` voided while the merge it took in
    stands, as a fupin before session 30 took it (tests/cli/test_round30_take_in_corrections.py)."""
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        ledger.correct(stamp("admin", day), "household", "JH-0001", take_in, "录错")


@pytest.mark.spared_on_replay("take_in_under_merge")
def test_a_take_ins_note_says_the_move_only_of_a_voiding_it_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    merge = "household close {} --because 合户 --into JH-0001 --reason 并入JH-0001 {}"
    takes_in = []
    for merged, people, day in (("JH-0002", 6, "2016-09-01"), ("JH-0003", 9, "2016-09-05")):
        seeded.ok(MEMBERS.format(people, doc(day)), JN)
        seeded.ok(merge.format(merged, doc(day)), JN)
        takes_in.append(last_entry(seeded, "JH-0001", "MembersChanged"))
    # the latest live change of members is voided first: JH-0003's before the move
    _take_in_voided(seeded, takes_in[1], date(2016, 9, 6))
    moved = _moved(seeded, tmp_path)
    _take_in_voided(moved, takes_in[0], date(2016, 9, 6))  # JH-0002's after it

    _said_of_each(moved, "member(s) of JH-0003,", "member(s) of JH-0002,")
