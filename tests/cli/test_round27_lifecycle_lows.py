"""Session 27, tester F (household lifecycle), three low findings:

- L1: ``household amend --village`` after a move, given the village moved to, said "is already
  '雄乡': nothing to amend", although an amendment restates the identification's village (from
  the start): once a move is on record every village amendment is refused "void the move first".
- L3: ``report accountability``'s note "today 2016-08-12 is the last day on record" said nothing
  of a year's standards set later (``programme set-year … -e 2017-02-15``), on record and
  applied: a report's today counts the programme's casework, funds and oversight only, and the
  note now says which entries count.
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from ledger import clock

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


def test_the_stale_today_note_says_which_entries_count(seeded: Fupin) -> None:
    seeded.ok(
        "programme set-year 2016 --urban-dibao 7200 --rural-income 20000 --note 统计局修正 "
        + doc("2017-02-15"),
        "admin",
    )
    now = datetime(2026, 12, 1, 4, tzinfo=UTC)

    with clock.using_clock(lambda: now):
        report = seeded.ok("report accountability --format json", "ana-1")
        funds = seeded.ok("report funds --format csv", "ana-1")

    today = orjson.loads(report.stdout)["today"]
    assert today < "2017-02-15"
    for said in (report.stderr, funds.stderr):
        assert " ".join(said.split()).startswith(
            f"note: today {today} is the last day on record that counts (the programme's "
            "casework, funds and oversight; a year's standards, reference data, corrections "
            "and amendments do not move it), not today's date (2026-12-01): "
        )
