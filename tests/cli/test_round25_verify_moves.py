"""Session 25: ``fupin verify`` replays the rules of ``household move`` (``Household.move``)
on each ``Moved`` event: a village of the household's street as the log stood at the move,
the ``was`` the village it was in on the move's date (by the live moves read before it, or
its identification's village), and a date not before the latest live move (a voided one taken
out). The moves are written into the store past the command's checks, as a race could leave
them; moves made by the commands, one voided and moved again, verify clean."""

from __future__ import annotations

from datetime import date

from ledger.application import open_ledger
from ledger.base import Provenance
from ledger.household import Household

from tests.cli.conftest import Fupin, doc, last_entry

STORE_INDEPENDENT = "verify's replay of the move's rules: SQLite is enough (tests/conftest.py)"

JN = "jn-01"
MOVE = "household move JH-0001 --reason 搬迁 "


def _moved_by_hand(fupin: Fupin, village: str, was: str, day: date) -> None:
    """A move of JH-0001 (江南, identified in 雄光) recorded as said, past ``household move``."""
    ledger = open_ledger(fupin.store)
    try:
        household = ledger.load(Household, "JH-0001", "household")
        household._moved(village, was, "搬迁", Provenance(JN, "officer", day, "迁移证明", ""))
        ledger.save(household)
    finally:
        ledger.close()


def _said(fupin: Fupin) -> str:
    found = fupin("verify", "admin")
    assert found.exit_code == 1, found.output
    return " ".join(found.output.split())


def test_moves_by_the_commands_one_voided_and_moved_again_verify(seeded: Fupin) -> None:
    seeded.ok(MOVE + "--village 江南社区 " + doc("2017-01-01"), JN)
    seeded.ok(MOVE + "--village 雄光 " + doc("2017-06-01"), JN)
    voided = last_entry(seeded, "JH-0001", "Moved")
    seeded.ok(f"correct household JH-0001 {voided} --reason 误录 {doc('2017-07-01')}", "qu-01")
    seeded.ok(MOVE + "--village 雄光 " + doc("2017-03-01"), JN)  # before the voided one
    seeded.ok(MOVE + "--village 江南社区 " + doc("2017-08-01"), JN)

    assert seeded.ok("verify", "admin").stdout.startswith("verified ")


def test_a_move_to_a_village_of_another_street_is_reported(seeded: Fupin) -> None:
    refused = seeded(MOVE + "--village 新创 " + doc("2017-01-01"), JN)
    assert refused.exit_code != 0
    _moved_by_hand(seeded, "新创", "雄光", date(2017, 1, 1))

    said = _said(seeded)

    assert "1 problem(s)" in said
    assert "Household.Moved" in said
    assert "a move to '新创', not a village of street 江南 as the log stood then" in said
    assert "refused village: '新创' is not a village of street 江南" in said


def test_a_move_saying_the_wrong_village_before_it_is_reported(seeded: Fupin) -> None:
    seeded.ok(MOVE + "--village 江南社区 " + doc("2017-01-01"), JN)
    _moved_by_hand(seeded, "雄光", "礼乐社区", date(2017, 6, 1))

    said = _said(seeded)

    assert "1 problem(s)" in said
    assert "the move says the household was in '礼乐社区' on 2017-06-01" in said
    assert "it was in '江南社区'" in said


def test_a_first_move_saying_another_village_than_the_identifications_is_reported(
    seeded: Fupin,
) -> None:
    _moved_by_hand(seeded, "江南社区", "新创", date(2017, 1, 1))

    said = _said(seeded)

    assert "the move says the household was in '新创' on 2017-01-01; it was in '雄光'" in said


def test_a_move_to_the_village_it_is_in_is_reported(seeded: Fupin) -> None:
    _moved_by_hand(seeded, "雄光", "雄光", date(2017, 1, 1))

    said = _said(seeded)

    assert "1 problem(s)" in said
    assert "a move to '雄光', the village the household was in on 2017-01-01" in said
    assert "(a move is to another village)" in said


def test_a_move_dated_before_the_latest_live_move_is_reported(seeded: Fupin) -> None:
    seeded.ok(MOVE + "--village 江南社区 " + doc("2017-06-01"), JN)
    refused = seeded(MOVE + "--village 雄光 " + doc("2017-03-01"), JN)
    assert refused.exit_code != 0
    _moved_by_hand(seeded, "江南社区", "雄光", date(2017, 3, 1))

    said = _said(seeded)

    assert "1 problem(s)" in said
    assert "a move dated 2017-03-01, before the household's move to 江南社区" in said
    assert "dated 2017-06-01" in said
    assert "(moves are dated in order)" in said
