"""Session 26, tester N: the amendments of a ledger moved by ``import --create``.

A move replays the export's rows and records each anew, at the import's time: the new store
keeps no earlier recording time (the export's rows do, ``recorded_at``). Every amendment of a
moved store was then reported ``changes_closed_years`` yes, 2016, 2017, 2018, a typo fixed the
day after the opening too. Such rows now say they were recorded before the move
(``changes_closed_years`` null, ``closed_years`` "unknown: recorded before the move of DAY"),
in the rules' and the key-target marks' sections alike; an amendment recorded after the move
is judged by its own time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import orjson
from ledger.values import today

from tests.cli.conftest import Fupin, doc, reimported
from tests.support import TickingClock, ledger_at, register, stamp

STORE_INDEPENDENT = "an export moved into a new SQLite store"

SECTIONS = ("rules_amendments", "key_target_amendments")


def _amended_in_2016(fupin: Fupin) -> None:
    """The shares and JH-0001's key-target mark amended in August 2016, while 2016 ran."""
    with ledger_at(fupin.store, TickingClock(datetime(2016, 8, 20, 2, tzinfo=UTC))) as app:
        register(app, "JH-0001", serial=1)
        app.amend_rules(stamp("admin", date(2016, 8, 20)), {"reduction_shares": (3, 3, 4)}, "录错")
        unmarked = {"key_target": False, "willing": False}
        app.amend(stamp("jn-01", date(2016, 8, 20)), "household", "JH-0001", unmarked, "勾选错误")


def _rows(fupin: Fupin, store: str) -> list[dict[str, object]]:
    line = f"--store {store} report accountability --format json"
    report = orjson.loads(fupin.ok(line, "admin").stdout)
    return [row for name in SECTIONS for row in report[name]]


def test_an_amendment_the_move_replayed_is_said_recorded_before_it(
    fupin: Fupin, tmp_path: Path
) -> None:
    _amended_in_2016(fupin)
    assert [r["changes_closed_years"] for r in _rows(fupin, fupin.store)] == [False] * 3
    assert reimported(fupin, tmp_path).exit_code == 0
    fresh = str(tmp_path / "fresh.db")
    day = today().isoformat()  # China's, as the move is dated (since session 29)

    rows = _rows(fupin, fresh)
    csv = fupin.ok(f"--store {fresh} report accountability --format csv", "admin").stdout
    table = " ".join(fupin.ok(f"--store {fresh} report accountability", "admin").stdout.split())
    fupin.ok(f"--store {fresh} report html --out {tmp_path / 'r.html'}", "admin")

    assert len(rows) == 3
    assert all(r["changes_closed_years"] is None for r in rows)
    said = f"unknown: recorded before the move of {day} (import --create on {day} recorded it anew)"
    assert all(str(r["closed_years"]).startswith(said) for r in rows)
    assert f",3:3:4,,{said}" in csv
    assert ',yes,"2016' not in csv
    assert "recorded before the move of" in table
    assert said in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_an_amendment_after_the_move_is_judged_by_its_own_time(
    fupin: Fupin, tmp_path: Path
) -> None:
    _amended_in_2016(fupin)
    assert reimported(fupin, tmp_path).exit_code == 0
    fresh = str(tmp_path / "fresh.db")

    fupin.ok(
        f"--store {fresh} programme amend --shares 2:3:5 --reason 录入错误 {doc('2019-01-02')}",
        "admin",
    )

    last = _rows(fupin, fresh)[1]  # the rules' section first, in the order recorded
    assert (last["before"], last["after"]) == ("3:3:4", "2:3:5")
    assert last["changes_closed_years"] is True
    assert last["closed_years"] == "2016, 2017, 2018"


def test_an_amendment_the_move_replayed_has_no_recorded_at_only_a_later_one_has(
    fupin: Fupin, tmp_path: Path
) -> None:
    """Tester Y, session 26 (L2): the rows the move replayed gave the move's time as their
    ``recorded_at`` (an amendment of 10:18:01 read 10:18:23); it is left empty, in JSON, CSV
    and the table, while one recorded after the move keeps its own."""
    _amended_in_2016(fupin)
    assert reimported(fupin, tmp_path).exit_code == 0
    fresh = str(tmp_path / "fresh.db")
    fupin.ok(
        f"--store {fresh} programme amend --shares 2:3:5 --reason 录入错误 {doc('2019-01-02')}",
        "admin",
    )

    rows = _rows(fupin, fresh)
    csv = fupin.ok(f"--store {fresh} report accountability --format csv", "admin").stdout

    assert [r["recorded_at"] is None for r in rows] == [True, False, True, True]
    assert str(rows[1]["recorded_at"]).startswith(datetime.now(UTC).date().isoformat())
    assert "2016-08-20,,admin," in csv
