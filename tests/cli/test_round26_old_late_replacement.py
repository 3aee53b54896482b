"""Session 26, tester N: a fupin before 2026-11-30 (834adfa) took a replacement named by
``household unpair`` dated after the household's exit (13235ce refuses it since).

Today ``fupin verify`` passed such a ledger saying nothing, and ``export events`` + ``import
--create`` refused its unpair row (``effective: the replacement is dated 2018-12-22; JN-000020
exited on 2016-11-30: a helper is paired while assisted``), though docs/import.md promises that
a ledger verify passes can be moved. The replay of an export into the empty store it rebuilds
takes the replacement as recorded, and verify says it, as a note on today's rule (exit code
0). The old unpairing is written here as that fupin stored it: the household's
``HelperUnpaired`` with its replacement, unchecked.
"""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

from cli.main import app as fupin_app
from ledger.application import open_ledger
from ledger.base import Provenance
from ledger.household import Household

from tests.cli.conftest import Fupin, assert_notes_say_the_move, doc, last_entry, reimported
from tests.cli.test_round13_unpairings import EXIT, RETURN

STORE_INDEPENDENT = "an older ledger's replay into a new SQLite store: SQLite is enough"

JN = "jn-01"
NOTE = (
    "under today's rules: JH-0001's replacement c-2 is dated 2017-01-10, after its exit on "
    "2016-12-20 (it replaced c-1, entry"
)


def _exited(fupin: Fupin) -> None:
    for actor, line in EXIT:  # JH-0001's exit, approved 2016-12-20
        fupin.ok(line, actor=actor)


def _replaced_the_old_way(fupin: Fupin, day: date = date(2017, 1, 10)) -> None:
    """c-1 replaced by c-2 on ``day`` as the old fupin did it: no date checked."""
    with closing(open_ledger(fupin.store)) as app:
        household = app.load(Household, "JH-0001", "household")
        household._unpaired("c-1", "c-2", "调岗", Provenance(JN, "officer", day, "调整单", ""))
        app.save(household)


def _verified(fupin: Fupin, store: str) -> str:
    result = fupin.runner.invoke(fupin_app, ["--store", store, "--as", "admin", "verify"])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _pairings(store: str) -> list[tuple[object, ...]]:
    with closing(open_ledger(store)) as app:
        household = app.load(Household, "JH-0001", "household")
        return [
            *sorted(household.helpers.items()),
            *sorted(household.paired_on.items()),
            *sorted(household.past_pairings.items()),
        ]


def test_an_older_replacement_after_the_exit_moves_as_recorded(
    seeded: Fupin, tmp_path: Path
) -> None:
    _exited(seeded)
    _replaced_the_old_way(seeded)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    fresh = str(tmp_path / "fresh.db")
    assert _pairings(fresh) == _pairings(seeded.store)
    assert ("c-2", date(2017, 1, 10)) in _pairings(fresh)
    assert NOTE in _verified(seeded, fresh)
    # said as of an entry recorded before the move (since session 32: "as it was taken")
    assert_notes_say_the_move(_verified(seeded, fresh), moved=True)
    assert_notes_say_the_move(_verified(seeded, seeded.store), moved=False)


def test_verify_says_a_replacement_dated_after_the_exit(seeded: Fupin) -> None:
    _exited(seeded)
    _replaced_the_old_way(seeded)

    said = _verified(seeded, seeded.store)

    assert NOTE in said
    assert "a helper is paired while the household is assisted" in said
    assert "not a problem" in said
    assert "fupin correct household NUMBER VERSION --reason …" in said


def test_a_replacement_before_a_return_is_said_with_it(seeded: Fupin) -> None:
    _exited(seeded)
    _replaced_the_old_way(seeded)
    for actor, line in RETURN:  # approved 2017-09-20: the household is assisted again
        seeded.ok(line, actor=actor)

    said = _verified(seeded, seeded.store)

    assert (
        "JH-0001's replacement c-2 is dated 2017-01-10, after its exit on 2016-12-20, before "
        "its return approved on 2017-09-20 (it replaced c-1, entry"
    ) in said


def test_an_honest_replacement_says_nothing(seeded: Fupin, tmp_path: Path) -> None:
    _exited(seeded)
    # On the exit's approval day the household is still assisted, as for a pairing.
    seeded.ok(
        f"household unpair JH-0001 c-1 --replacement c-2 --reason 调岗 {doc('2016-12-20')}", JN
    )

    said = _verified(seeded, seeded.store)
    moved = reimported(seeded, tmp_path)

    assert "replacement c-2" not in said
    assert moved.exit_code == 0, moved.output
    assert "replacement c-2" not in _verified(seeded, str(tmp_path / "fresh.db"))


def test_a_voided_late_replacement_says_nothing(seeded: Fupin, tmp_path: Path) -> None:
    _exited(seeded)
    _replaced_the_old_way(seeded)
    unpaired = last_entry(seeded, "JH-0001", "HelperUnpaired")
    seeded.ok(f"correct household JH-0001 {unpaired} --reason 录错 -d 更正单 -e 2017-01-11", JN)

    said = _verified(seeded, seeded.store)
    moved = reimported(seeded, tmp_path)

    assert "replacement c-2" not in said  # voided: it never was
    assert moved.exit_code == 0, moved.output
    assert "replacement c-2" not in _verified(seeded, str(tmp_path / "fresh.db"))
