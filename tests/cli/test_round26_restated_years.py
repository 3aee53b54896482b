"""Session 26, tester Y: a closed plan year's figures moved after the fact, and no report said so.

A correction voiding a 2016 exit approval, recorded in 2026, turned 礼乐's 2016 exits from 9 to
8 and made it due a talk 约谈, while both amendment lists stayed empty: only ``--known-at`` the
year's closing day, read against now by hand, showed it. ``report accountability --restated``
now does that check: ``restated_years`` lists each closed year and street whose plan row
differs between the ledger as known at the end of the year's closing day (China) and now,
before → after, with the entries recorded after the close that may have moved it. Without the
option there is no such section; when nothing moved it is empty; in a store rebuilt from an
export the years that closed before the move are said unjudged, not guessed.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from ledger.values import CHINA
from typer.testing import CliRunner

from tests.cli.conftest import Fupin, history_rows, reimported

STORE_INDEPENDENT = "the demo copied as a SQLite file"

CORRECT = 'correct household LL-000001 {entry} --reason 批复录入错误 -d "更正〔2026〕1号"'
REPORT = "report accountability --restated --format "


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fupin:
    """``fupin`` on a copy of the demo."""
    from cli import common

    store = tmp_path / "demo.db"
    shutil.copyfile(demo_file, store)
    monkeypatch.setattr(common.console, "width", 400)
    env = {"LEDGER_STORE": str(store), "LEDGER_ACTOR": None, "LEDGER_KEY": None, "COLUMNS": "400"}
    return Fupin(str(store), CliRunner(env=env))


def _approval_2016(fupin: Fupin) -> int:
    """The entry of LL-000001's exit approval of 30 November 2016 (礼乐)."""
    found = [
        int(str(row["version"]))
        for row in history_rows(fupin, "LL-000001")
        if row["event"] == "ExitAdvanced" and row["effective"] == "2016-11-30"
    ]
    assert len(found) == 1
    return found[0]


def _restated(fupin: Fupin) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = orjson.loads(fupin.ok(REPORT + "json", "admin").stdout)[
        "restated_years"
    ]
    return rows


def test_a_2016_exit_approval_voided_in_2026_is_listed_as_restating_2016(demo: Fupin) -> None:
    entry = _approval_2016(demo)
    demo.ok(CORRECT.format(entry=entry), "admin")

    rows = _restated(demo)
    csv = demo.ok(REPORT + "csv", "admin").stdout
    table = demo.ok(REPORT + "table", "admin").stdout

    row = next(r for r in rows if (r["year"], r["street"]) == (2016, "礼乐"))
    assert (row["exits_before"], row["exits_after"]) == (9, 8)
    assert (row["cumulative_exits_before"], row["cumulative_exits_after"]) == (9, 8)
    assert (row["key_targets_before"], row["key_targets_after"]) == (46, 46)
    assert (row["due_talk_before"], row["due_talk_after"]) == (False, True)
    assert row["known_at"] == "2017-01-31T23:59:59.999999+08:00"
    assert row["judged"] is True
    corrections = [e for e in row["restated_by"] if e["event"] == "Corrected"]
    # its effective date is the day it was recorded in China (after 16:00 UTC, the next day's)
    recorded = datetime.fromisoformat(str(corrections[0]["recorded_at"]))
    assert [(e["record"], e["corrects"], e["effective"]) for e in corrections] == [
        ("LL-000001", entry, recorded.astimezone(CHINA).date().isoformat())
    ]
    assert (corrections[0]["document"], corrections[0]["reason"]) == (
        "更正〔2026〕1号",
        "批复录入错误",
    )
    assert corrections[0]["actor"] == "admin"
    later = next(r for r in rows if (r["year"], r["street"]) == (2017, "礼乐"))
    assert (later["cumulative_exits_before"], later["cumulative_exits_after"]) == (22, 21)
    assert {(r["year"], r["street"]) for r in rows} == {(2016, "礼乐"), (2017, "礼乐")}
    assert "# restated_years" in csv
    assert "2016,礼乐,2017-01-31T23:59:59.999999+08:00,46,46,9,9,9,8,9,9,9,8,no,yes," in csv
    assert f"event Corrected; record LL-000001; entry {entry + 1}; corrects {entry}" in csv
    assert "restated_years" in table
    assert f"corrects {entry}" in table


def test_without_restated_there_is_no_such_section(demo: Fupin) -> None:
    demo.ok(CORRECT.format(entry=_approval_2016(demo)), "admin")

    report = orjson.loads(demo.ok("report accountability --format json", "admin").stdout)
    csv = demo.ok("report accountability --format csv", "admin").stdout

    assert "restated_years" not in report
    assert "restated_years" not in csv


def test_nothing_is_listed_when_no_closed_year_moved(demo: Fupin) -> None:
    assert _restated(demo) == []
    csv = demo.ok(REPORT + "csv", "admin").stdout
    lines = csv.rstrip().splitlines()
    assert lines[-2] == "# restated_years"  # the section's header alone
    assert lines[-1].startswith("year,street,known_at,key_targets_before,")


def test_a_moved_store_says_the_years_closed_before_the_move_cannot_be_judged(
    demo: Fupin, tmp_path: Path
) -> None:
    """Every entry of a moved store was recorded anew at the move's time: what was known at
    a close before the move is not there to compare, and the row says so (no figure guessed);
    it lists only the entries recorded after the move (here a correction made there)."""
    entry = _approval_2016(demo)
    assert reimported(demo, tmp_path).exit_code == 0
    fresh = tmp_path / "fresh.db"
    demo.ok(f"--store {fresh} " + CORRECT.format(entry=entry), "admin")

    rows = orjson.loads(demo.ok(f"--store {fresh} {REPORT}json", "admin").stdout)["restated_years"]

    assert [(r["year"], r["street"], r["judged"]) for r in rows] == [
        (2016, None, False),
        (2017, None, False),
    ]
    assert all(r["exits_before"] is None and r["exits_after"] is None for r in rows)
    said = "unknown: the year closed before the move of "
    assert all(r["note"].startswith(said) for r in rows)
    assert "recording times before the move are the move's" in rows[0]["note"]
    assert [(e["event"], e["record"], e["corrects"]) for e in rows[0]["restated_by"]] == [
        ("Corrected", "LL-000001", entry)
    ]
