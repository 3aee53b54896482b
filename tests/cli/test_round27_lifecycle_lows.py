"""Session 27, tester F (household lifecycle), three low findings:

- L1: ``household amend --village`` after a move, given the village moved to, said "is already
  '雄乡': nothing to amend", although an amendment restates the identification's village (from
  the start): once a move is on record every village amendment is refused "void the move first".
"""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and read models: SQLite is enough (tests/conftest.py)"

JN = "jn-01"
MOVE = "household move JH-0001 --village 江南社区 --reason 2017年6月搬迁 "


def test_after_a_move_the_village_moved_to_is_not_already_the_amended_one(
    seeded: Fupin,
) -> None:
    seeded.ok(MOVE + doc("2017-06-01"), JN)
    before = seeded.event_count()

    for village in ("江南社区", "雄光"):
        amend = seeded(
            f"household amend JH-0001 --village {village} --reason 录错 {doc('2017-07-01')}", JN
        )
        assert_refused(amend, "village", "void the move first (fupin correct household JH-0001")
        assert "nothing to amend" not in amend.stderr

    assert seeded.event_count() == before
