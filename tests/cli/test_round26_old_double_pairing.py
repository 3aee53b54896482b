"""Session 26, tester E: a fupin from before the enterprises' records of their pairings
(834adfa) paired an enterprise with a second household while its first pairing ran 一对一.

Today ``fupin verify`` passed such a ledger saying nothing, and ``export events`` + ``import
--create`` refused its pairing row (``ent-00010 is paired with household JN-000010 … end that
pairing first``), whatever was done in the old store (a void made it worse). The replay of an
export into the empty store it rebuilds takes the pairing as recorded, and verify says, as a
note on today's rule (exit code 0), which enterprise was paired with two households at once,
and since when. The old pairing is written here as that fupin stored it: the household's
``HelperPaired`` alone, no side on the enterprise's record.
"""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

from cli.main import app as fupin_app
from ledger.application import open_ledger
from ledger.base import Provenance
from ledger.household import Household

from tests.cli.conftest import (
    Fupin,
    assert_notes_say_the_move,
    doc,
    history_rows,
    last_entry,
    reimported,
)
from tests.support import register, stamp

STORE_INDEPENDENT = "an older ledger's replay into a new SQLite store: SQLite is enough"

JN = "jn-01"
NOTE = (
    "e-1 was paired with household JH-0005 from 2016-09-14 while paired with JH-0001 (since "
    "2016-09-01)"
)


def _paired_the_old_way(fupin: Fupin) -> None:
    """e-1 paired with JH-0001 by the command, then with JH-0005 as the old fupin did it."""
    with closing(open_ledger(fupin.store)) as app:
        register(app, "JH-0005", serial=5)
    fupin.ok(f"household pair JH-0001 e-1 {doc('2016-09-01')}", JN)
    _old_pairing(fupin, "JH-0005", date(2016, 9, 14))


def _old_pairing(fupin: Fupin, number: str, day: date, helper: str = "e-1") -> None:
    """``helper`` paired with ``number`` on ``day`` as the old fupin did it."""
    with closing(open_ledger(fupin.store)) as app:
        household = app.load(Household, number, "household")
        household._paired(helper, "enterprise", Provenance(JN, "officer", day, "结对", ""))
        app.save(household)


def _verified(fupin: Fupin, store: str) -> str:
    result = fupin.runner.invoke(fupin_app, ["--store", store, "--as", "admin", "verify"])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _pairings(fupin: Fupin, store: str, number: str) -> list[tuple[object, ...]]:
    with closing(open_ledger(store)) as app:
        household = app.load(Household, number, "household")
        return sorted(household.helpers.items()) + sorted(household.past_pairings.items())


def test_an_older_double_pairing_moves_as_recorded(seeded: Fupin, tmp_path: Path) -> None:
    _paired_the_old_way(seeded)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    fresh = str(tmp_path / "fresh.db")
    for number in ("JH-0001", "JH-0005"):
        assert _pairings(seeded, fresh, number) == _pairings(seeded, seeded.store, number)
    assert NOTE in _verified(seeded, fresh)
    # the moved store's note says the pairing was recorded before the move, whose recording
    # time is the export's (since session 32: it said "recorded as it was taken")
    assert_notes_say_the_move(_verified(seeded, fresh), moved=True)
    assert_notes_say_the_move(_verified(seeded, seeded.store), moved=False)


def test_a_voided_double_pairing_moves(seeded: Fupin, tmp_path: Path) -> None:
    _paired_the_old_way(seeded)
    paired = last_entry(seeded, "JH-0005", "HelperPaired")
    seeded.ok(f"correct household JH-0005 {paired} --reason 录错户 -d 更正单 -e 2016-10-01", JN)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    fresh = str(tmp_path / "fresh.db")
    assert _pairings(seeded, fresh, "JH-0005") == []
    assert history_rows(seeded, "JH-0005")[-1]["event"] == "Corrected"
    # voided: it never was, so verify has nothing to say of it
    assert "e-1 was paired" not in _verified(seeded, fresh)


def test_an_older_replacement_by_a_paired_enterprise_moves(seeded: Fupin, tmp_path: Path) -> None:
    with closing(open_ledger(seeded.store)) as app:
        register(app, "JH-0005", serial=5)
    seeded.ok(f"helper add e-2 --kind enterprise --name 江海纸厂 {doc('2016-07-28')}", "admin")
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-09-01')}", JN)
    seeded.ok(f"household pair JH-0005 e-2 {doc('2016-09-01')}", JN)
    with closing(open_ledger(seeded.store)) as app:  # e-1 replaces e-2, the old way
        household = app.load(Household, "JH-0005", "household")
        prov = Provenance(JN, "officer", date(2016, 9, 14), "更换", "")
        household._unpaired("e-2", "e-1", "企业更换", prov)
        app.save(household)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    fresh = str(tmp_path / "fresh.db")
    assert _pairings(seeded, fresh, "JH-0005") == _pairings(seeded, seeded.store, "JH-0005")
    assert NOTE in _verified(seeded, fresh)


def test_verify_says_an_enterprise_was_paired_with_two_households(seeded: Fupin) -> None:
    _paired_the_old_way(seeded)

    said = _verified(seeded, seeded.store)

    assert NOTE in said
    assert "一对一" in said
    assert "not a problem" in said
    assert "end one of them with `fupin household unpair`" in said  # both still run


def test_the_pairing_is_refused_today(seeded: Fupin) -> None:
    with closing(open_ledger(seeded.store)) as app:
        register(app, "JH-0005", serial=5)
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-09-01')}", JN)

    result = seeded(f"household pair JH-0005 e-1 {doc('2016-09-14')}", JN)

    assert result.exit_code == 2, result.output
    assert "e-1 is paired with household JH-0001" in result.stderr


# -- re-test M, session 26: every household named, and when the overlap ended ----------------


def test_verify_names_every_household_of_a_double_pairing(seeded: Fupin, tmp_path: Path) -> None:
    _paired_the_old_way(seeded)
    with closing(open_ledger(seeded.store)) as app:
        register(app, "JH-0006", serial=6)
    _old_pairing(seeded, "JH-0006", date(2016, 9, 20))
    third = (
        "e-1 was paired with household JH-0006 from 2016-09-20 while paired with JH-0001 "
        "(since 2016-09-01) and JH-0005 (since 2016-09-14)"
    )

    said = _verified(seeded, seeded.store)
    moved = reimported(seeded, tmp_path)

    assert NOTE in said
    assert third in said
    assert said.count("under today's rules: e-1 was paired") == 2
    assert moved.exit_code == 0, moved.output
    assert third in _verified(seeded, str(tmp_path / "fresh.db"))


def test_verify_says_when_a_double_pairing_ended(seeded: Fupin) -> None:
    _paired_the_old_way(seeded)  # ended by a replacement
    seeded.ok(f"helper add e-2 --kind enterprise --name 江海纸厂 {doc('2016-07-28')}", "admin")
    seeded.ok(
        f"household unpair JH-0005 e-1 --reason 企业更换 --replacement e-2 {doc('2016-09-20')}", JN
    )
    with closing(open_ledger(seeded.store)) as app:  # and one ended by a closure
        register(app, "JH-0006", serial=6)
        register(app, "JH-0007", serial=7)
    seeded.ok(f"helper add e-3 --kind enterprise --name 江海布厂 {doc('2016-07-28')}", "admin")
    seeded.ok(f"household pair JH-0006 e-3 {doc('2016-09-01')}", JN)
    _old_pairing(seeded, "JH-0007", date(2016, 9, 14), "e-3")
    with closing(open_ledger(seeded.store)) as app:
        app.close_household(stamp(JN, date(2016, 9, 30)), "JH-0007", "全户死亡", "", "全户死亡")

    said = _verified(seeded, seeded.store)

    assert (
        "e-1 was paired with household JH-0005 from 2016-09-14 to 2016-09-20 while paired with "
        "JH-0001 (since 2016-09-01)" in said
    )
    assert (
        "e-3 was paired with household JH-0007 from 2016-09-14 to 2016-09-30 while paired with "
        "JH-0006 (since 2016-09-01)" in said
    )
    assert "end one of them" not in said  # both ended
    assert said.count("the two no longer run at once") == 2
