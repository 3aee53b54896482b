"""Session 30, re-tester S (F5): a household turned down at its village review still took
`household move`, though session 29's rule says nothing is recorded of such a household after
(it refused a change of members, a closure and a merge into it), and the caseload then filed
the rejected household under its new village. Since session 30 the move is refused too; an
older fupin's move is replayed as recorded, and ``fupin verify`` notes it with the others."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from ledger.application import open_ledger
from ledger.household import Household

from tests.cli.conftest import Fupin, assert_refused, doc, reimported, rule_came_in
from tests.cli.test_round29_rejected_household import JN, TURNED_DOWN, _rejected, _verified
from tests.support import stamp

STORE_INDEPENDENT = "the household's own rule and verify's scan: SQLite is enough"

MOVE = f"household move JH-0002 --village 江南社区 --reason 搬迁 {doc('2016-09-01')}"


def test_a_rejected_household_takes_no_move(seeded: Fupin) -> None:
    entry = _rejected(seeded)
    before = seeded.event_count()

    moved = seeded(MOVE, JN)

    assert_refused(moved, "stage", "a move 迁移 is not recorded of a household turned down")
    assert f"JH-0002 was rejected at its village review on 2016-08-05 (entry {entry};" in (
        moved.stderr
    )
    assert TURNED_DOWN in moved.stderr
    assert seeded.event_count() == before


def test_a_rejection_voided_takes_a_move_again(seeded: Fupin) -> None:
    entry = _rejected(seeded)
    seeded.ok(f"correct household JH-0002 {entry} --reason 评议录入错误 {doc('2016-08-06')}", JN)

    seeded.ok(MOVE, JN)


def test_an_older_ledgers_move_of_a_rejected_household_moves_and_is_noted(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = _rejected(seeded)
    with (
        pytest.MonkeyPatch.context() as before_the_rule,
        closing(open_ledger(seeded.store)) as app,
    ):  # as a fupin before session 30 took it
        before_the_rule.setattr(Household, "check_not_rejected", lambda *args: None)
        app.move(stamp(JN, date(2016, 9, 1)), "JH-0002", "江南社区", "搬迁")
    moved_and_noted(
        seeded,
        tmp_path,
        monkeypatch,
        f"household JH-0002 took a move 迁移 (entry {entry + 1}, dated 2016-09-01) after: "
        f"JH-0002 was rejected at its village review on 2016-08-05 (entry {entry};",
    )


def moved_and_noted(fupin: Fupin, folder: Path, monkeypatch: pytest.MonkeyPatch, said: str) -> None:
    """Session 29's rule on a household turned down came in after now: the ledger moved by
    its export verifies, and the store and the moved one both note ``said`` under it."""
    rule_came_in(monkeypatch, "step_after_rejection", after_now=True)
    moved = reimported(fupin, folder)
    assert moved.exit_code == 0, moved.output
    for store in (fupin.store, folder / "fresh.db"):
        assert f"under today's rules: {said}" in _verified(fupin, store)
