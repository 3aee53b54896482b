"""Session 27, tester F (household lifecycle), three low findings:

- L1: ``household amend --village`` after a move, given the village moved to, said "is already
  '雄乡': nothing to amend", although an amendment restates the identification's village (from
  the start): once a move is on record every village amendment is refused "void the move first".
- L2: ``household show`` after a re-exit's approval was voided said stage returned, exited_on
  2016-12-20 (the first exit, undone by the return) and exit_year 2018 (the exit under way):
  ``exited_on`` is now the day the exit in force was approved, blank while the household is not
  exited (a return's approval clears it, its voiding restores it), as ``exit_year`` is the year
  of the exit in force or under way.
- L3: ``report accountability``'s note "today 2016-08-12 is the last day on record" said nothing
  of a year's standards set later (``programme set-year … -e 2017-02-15``), on record and
  applied: a report's today counts the programme's casework, funds and oversight only, and the
  note now says which entries count.
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from ledger import clock

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry
from tests.cli.test_round23_return_void import RETURNED

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


def _shown(fupin: Fupin, *options: str) -> tuple[object, ...]:
    line = "household show JH-0001 --format json " + " ".join(options)
    row = orjson.loads(fupin.ok(line, "qu-01").stdout)["household"]
    return tuple(row[k] for k in ("stage", "exited_on", "exit_year", "returned_on"))


def _query_row(fupin: Fupin) -> tuple[object, ...]:
    """JH-0001's row of ``pj_households``, as SQL reads it (the dossier agreeing with it)."""
    sql = "SELECT stage, exited_on, exit_year, returned_on FROM pj_households"
    found = orjson.loads(
        fupin.ok(f"query \"{sql} WHERE number = 'JH-0001'\" --format json", "ana-1").stdout
    )
    return tuple(found["rows"][0])


RE_EXIT = [
    ("jn-01", f"household assess JH-0001 2018 --income 12000 {doc('2018-11-30')}"),
    ("jn-01", f"household propose-exit JH-0001 2018 {doc('2018-12-01')}"),
    ("jn-01", f"household verify-exit JH-0001 {doc('2018-12-05')}"),
    (
        "jn-01",
        f"household exit-notice JH-0001 --start 2018-12-06 --end 2018-12-12 {doc('2018-12-06')}",
    ),
    ("qu-01", f"household approve-exit JH-0001 {doc('2018-12-20')}"),
]
VOID = "correct household JH-0001 {} --reason 批错 " + doc("2018-12-28")


def test_exited_on_and_exit_year_describe_the_same_exit(seeded: Fupin) -> None:
    for actor, line in RETURNED:
        seeded.ok(line, actor)
    returned = ("returned", None, None, "2017-06-20")
    assert _shown(seeded) == returned
    assert _shown(seeded, "--as-of 2017-01-31") == ("exited", "2016-12-20", 2016, None)
    for actor, line in RE_EXIT:
        seeded.ok(line, actor)
    assert _shown(seeded) == ("exited", "2018-12-20", 2018, "2017-06-20")
    assert _shown(seeded, "--as-of 2018-12-10") == ("returned", None, 2018, "2017-06-20")

    seeded.ok(VOID.format(last_entry(seeded, "JH-0001", "ExitAdvanced")), "qu-01")

    # Back in poverty, its second exit under way at its notice: no exit in force.
    assert _shown(seeded) == ("returned", None, 2018, "2017-06-20")
    assert _query_row(seeded) == ("returned", None, 2018, "2017-06-20")
    assert seeded.ok("projections check", "admin").exit_code == 0


def test_a_voided_return_brings_back_the_exit_it_undid(seeded: Fupin) -> None:
    for actor, line in RETURNED:
        seeded.ok(line, actor)

    seeded.ok(VOID.format(last_entry(seeded, "JH-0001", "ReturnAdvanced")), "qu-01")

    assert _shown(seeded) == ("exited", "2016-12-20", 2016, None)
    assert seeded.ok("projections check", "admin").exit_code == 0


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
