"""Session 36 (re-tester r of session 35, F5): an older fupin run without the master key closed
a household as a duplicate 重复识别 of one with another head, unjudged; today's replay refused
the move of such a ledger (`import --create`), and the closure's correction after it, so it
could never be moved. It is replayed as recorded (``duplicate_of_other_head``), and `fupin
household duplicates`, which reads the heads through the master key, lists it
(``duplicates_of_other_heads``): verify reads no personal data."""

from __future__ import annotations

import shlex
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from cli.main import app
from ledger.application import open_ledger
from ledger.privacy import mask_id_card
from ledger.values import replayed_as_recorded
from typer.testing import Result

from tests.cli.conftest import Fupin, doc, last_entry, reimported
from tests.support import id_card, stamp

STORE_INDEPENDENT = "a replay's rule and a report read through the key: SQLite is enough"

JN = "jn-01"
LISTED = "duplicates_of_other_heads"


def _closed_unjudged(fupin: Fupin) -> None:
    """JH-0002 closed on 2016-08-20 as a duplicate of JH-0001, whose head is another, as an
    older fupin without the master key took it."""
    app = open_ledger(fupin.store)
    try:
        with replayed_as_recorded():
            app.close_household(
                stamp(JN, date(2016, 8, 20)), "JH-0002", "duplicate", "JH-0001", "同一户"
            )
    finally:
        app.close()


def _ok(fupin: Fupin, args: list[str]) -> Result:
    result = fupin.runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result


def _listed(fupin: Fupin, store: Path | None = None, actor: str = "admin") -> Any:
    args = [] if store is None else ["--store", str(store)]
    shown = _ok(fupin, [*args, "--as", actor, "household", "duplicates", "--format", "json"])
    return orjson.loads(shown.stdout)


def _row(entry: int, head: str, into_head: str) -> dict[str, Any]:
    return {
        "household": "JH-0002",
        "entry": entry,
        "closed_on": "2016-08-20",
        "into": "JH-0001",
        "head_id_card": head,
        "into_head_id_card": into_head,
        "streets": ["江南"],
    }


@pytest.mark.spared_on_replay("duplicate_of_other_head")
def test_an_older_ledgers_duplicate_of_another_head_moves_and_is_listed(
    seeded: Fupin, tmp_path: Path
) -> None:
    _closed_unjudged(seeded)
    entry = last_entry(seeded, "JH-0002", "Closed")
    expected = _row(entry, id_card(2), id_card(1))
    assert _listed(seeded)[LISTED] == [expected]

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    fresh = tmp_path / "fresh.db"
    assert _listed(seeded, fresh)[LISTED] == [expected]
    # the closure is voided in the new store, and the household counts again
    void = f"correct household JH-0002 {entry} --reason 户主不同 {doc('2016-08-21')}"
    _ok(seeded, ["--store", str(fresh), "--as", JN, *shlex.split(void)])
    assert _listed(seeded, fresh)[LISTED] == []
    _ok(seeded, ["--store", str(fresh), "--as", "admin", "verify"])


@pytest.mark.spared_on_replay("duplicate_of_other_head")
def test_an_older_ledger_whose_closure_was_voided_moves(seeded: Fupin, tmp_path: Path) -> None:
    # F5: the closure was refused on replay, and then its correction, "there is no entry 2"
    _closed_unjudged(seeded)
    entry = last_entry(seeded, "JH-0002", "Closed")
    seeded.ok(f"correct household JH-0002 {entry} --reason 户主不同 {doc('2016-08-21')}", JN)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    assert _listed(seeded, tmp_path / "fresh.db")[LISTED] == []


def test_the_list_masks_the_cards_as_the_reader_may_see_them(seeded: Fupin) -> None:
    _closed_unjudged(seeded)
    entry = last_entry(seeded, "JH-0002", "Closed")
    unmasked = _row(entry, id_card(2), id_card(1))

    assert _listed(seeded, actor=JN)[LISTED] == [unmasked]  # its own street's officer
    masked = _row(entry, mask_id_card(id_card(2)), mask_id_card(id_card(1)))
    assert _listed(seeded, actor="ll-01")[LISTED] == [masked]  # another street's
    table = seeded.ok("household duplicates", "admin").stdout
    assert LISTED in table
    assert "JH-0002" in table
    csv = seeded.ok("household duplicates --format csv", "admin").stdout.replace("\r\n", "\n")
    assert (
        f"# {LISTED}\nhousehold,entry,closed_on,into,head_id_card,into_head_id_card,streets\n"
        f"JH-0002,{entry},2016-08-20,JH-0001,{id_card(2)},{id_card(1)},江南\n"
    ) in csv


def test_a_duplicate_of_the_same_head_is_not_listed(seeded: Fupin) -> None:
    # JH-0002's head becomes JH-0001's before the closure: the same household twice
    seeded.ok(
        f"household members JH-0002 --members 3 --head-name 户主1 --id-card {id_card(1)} "
        f"--note 同一户主 {doc('2016-08-10')}",
        JN,
    )
    assert [r["households"] for r in _listed(seeded)["shared_id_cards"]] == [["JH-0001", "JH-0002"]]

    seeded.ok(
        f"household close JH-0002 --because duplicate --into JH-0001 --reason 同一户 "
        f"{doc('2016-08-20')}",
        JN,
    )

    assert _listed(seeded) == {"report": "shared_id_cards", "shared_id_cards": [], LISTED: []}


@pytest.mark.parametrize("erased", ["JH-0001", "JH-0002"])
def test_a_closure_whose_household_is_erased_stays_listed_unjudged(
    seeded: Fupin, erased: str
) -> None:
    # Session 36's re-tester r (F4): once either household's personal data was erased, the
    # closure left the list without a word; it is the only place such a closure shows
    _closed_unjudged(seeded)
    entry = last_entry(seeded, "JH-0002", "Closed")

    seeded.ok(f"erase {erased} --reason 本人申请 {doc('2016-09-01')}", actor="admin")

    ours, theirs = ("[erased]", id_card(1)) if erased == "JH-0002" else (id_card(2), "[erased]")
    assert _listed(seeded)[LISTED] == [_row(entry, ours, theirs)]
    masked = _listed(seeded, actor="ll-01")[LISTED][0]  # another street's officer
    assert "[erased]" in (masked["head_id_card"], masked["into_head_id_card"])
