"""What the reports read of an amendment 更正登记事项: it holds from the start (a view as of any
date reads it, as it reads a correction), only once it is known (a view as known before it
does not), and the key-target mark stays the registration's (a view from before the
registration has none). The stored read models equal a fold afresh."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from ledger.application import Ledger, open_ledger
from ledger.helpers import Helper
from ledger.imports import Row, export_commands, import_rows
from projections import api
from projections.catchup import check, rebuild
from projections.storage import open_database

from tests.support import TickingClock, figures, register, stamp

JN = "jn-01"


@pytest.fixture
def ledger(store_ledger: Ledger) -> Ledger:
    """Every test here runs on SQLite and on PostgreSQL (the ``store`` fixture)."""
    return store_ledger


def key_targets(app: Ledger, **when: Any) -> dict[str, dict[str, int]]:
    groups = api.caseload(app, **when)["groups"]
    totals: dict[str, dict[str, int]] = {}
    for group in groups:
        if group["key_target"]:
            entry = totals.setdefault(group["area"], {"households": 0, "people": 0})
            entry["households"] += group["households"]
            entry["people"] += group["people"]
    return totals


def plan_2016(app: Ledger, **when: Any) -> int:
    rows = api.accountability(app, as_of=date(2017, 1, 31), **when)["plan"]
    return sum(row["key_targets"] for row in rows if row["year"] == 2016)


def test_an_amended_mark_holds_from_the_start_once_known(
    ledger: Ledger, ticking: TickingClock
) -> None:
    register(ledger, "JH-1", key_target=True, members=4)
    register(ledger, "JH-2", key_target=True, members=2)
    before_amendment: datetime = ticking.current
    ledger.amend(
        stamp(JN, date(2018, 3, 1)),
        "household",
        "JH-1",
        {"key_target": False, "labour": False, "area": "urban"},
        "申请表勾选错误",
    )

    assert key_targets(ledger) == {"rural": {"households": 1, "people": 2}}
    # Done in 2018, it is bookkeeping, not the programme's casework: today stays the last
    # registration's day.
    assert api.caseload(ledger)["today"] == "2016-08-10"
    # As of the end of 2016 (before the amendment took effect): amended all the same.
    assert key_targets(ledger, as_of=date(2016, 12, 31)) == {
        "rural": {"households": 1, "people": 2}
    }
    assert plan_2016(ledger) == 1
    # As known before it was recorded: the registration as it then stood.
    assert key_targets(ledger, known_at=before_amendment) == {
        "rural": {"households": 2, "people": 6}
    }
    assert plan_2016(ledger, known_at=before_amendment) == 2
    dossier = api.household(ledger, "JH-1")["household"]
    assert (dossier["area"], dossier["labour"], dossier["key_target"]) == ("urban", False, False)


def test_a_mark_amended_in_is_not_read_before_the_registration(
    ledger: Ledger,
) -> None:
    register(ledger, "JH-1", key_target=False)  # registered 2016-08-10
    ledger.amend(
        stamp(JN, date(2018, 3, 1)),
        "household",
        "JH-1",
        {"willing": True, "key_target": True},
        "漏勾",
    )

    assert key_targets(ledger) == {"rural": {"households": 1, "people": 3}}
    assert key_targets(ledger, as_of=date(2016, 8, 9)) == {}
    earlier = api.household(ledger, "JH-1", as_of=date(2016, 8, 9))["household"]
    assert earlier["key_target"] is False


def test_a_helper_amended_is_renamed_in_its_read_model(ledger: Ledger) -> None:
    ledger.amend(stamp(JN, date(2018, 3, 1)), "helper", "c-1", {"name": "黄干部"}, "姓名录错")
    ledger.amend(stamp(JN, date(2018, 3, 2)), "helper", "v-1", {"team_size": 12}, "人数录错")

    api.caseload(ledger)  # catches the read models up
    db = open_database(ledger.location)
    try:
        rows = db.rows("SELECT helper, name, team_size FROM pj_helpers ORDER BY helper")
    finally:
        db.close()
    assert ("c-1", "黄干部", 0) in rows
    assert ("v-1", "党员义工队", 12) in rows
    assert ("c-2", "李干部", 0) in rows


def test_the_stored_read_models_equal_a_rebuild_after_amendments(ledger: Ledger) -> None:
    register(ledger, "JH-1", key_target=True)
    api.caseload(ledger)  # caught up before the amendments: they arrive incrementally
    ledger.amend(stamp(JN, date(2018, 3, 1)), "household", "JH-1", {"disabled": True}, "漏填")
    ledger.amend(stamp(JN, date(2018, 3, 1)), "household", "JH-1", {"area": "urban"}, "录错")
    ledger.amend(stamp(JN, date(2018, 3, 1)), "helper", "c-1", {"unit": "区农业局"}, "录错")

    assert [table for table in check(ledger) if not table["same"]] == []
    incremental = api.caseload(ledger)
    rebuild(ledger)
    assert api.caseload(ledger) == incremental
    assert incremental["groups"][0]["area"] == "urban"


def test_an_exported_log_with_amendments_replays_to_the_same_records(
    ledger: Ledger, tmp_path: Path
) -> None:
    register(ledger, "JH-1", key_target=True)
    ledger.amend(stamp(JN, date(2018, 3, 1)), "household", "JH-1", {"disabled": True}, "漏填")
    ledger.amend(
        stamp(JN, date(2018, 3, 2)),
        "household",
        "JH-1",
        {"key_target": False, "willing": False},
        "本人无意愿",
    )
    ledger.amend(stamp("admin", date(2018, 3, 3)), "helper", "v-1", {"team_size": 11}, "录错")
    lines = list(export_commands(ledger))
    amendments = [line for line in lines if line.get("command") == "amend"]
    assert [line["args"] for line in amendments] == [
        {"kind": "household", "key": "JH-1", "disabled": True, "reason": "漏填"},
        {
            "kind": "household",
            "key": "JH-1",
            "key_target": False,
            "willing": False,
            "reason": "本人无意愿",
        },
        {"kind": "helper", "key": "v-1", "team_size": 11, "reason": "录错"},
    ]

    target = open_ledger(str(tmp_path / "target.db"), create=True)
    try:
        result = import_rows(target, _rows(lines), source="events.jsonl", digest="d")
        assert result.errors == []
        assert figures(api.caseload(target)) == figures(api.caseload(ledger))
        assert target.household("JH-1").willing is False
        assert target.load(Helper, "v-1", "helper").team_size == 11
    finally:
        target.close()


def _rows(lines: list[dict[str, Any]]) -> list[Row]:
    rows = []
    for number, line in enumerate(lines, 1):
        if "command" in line:
            values = {k: line[k] for k in ("ref", "actor", "effective", "document", "note")}
            rows.append(Row(f"line {number}", str(line["command"]), {**values, **line["args"]}))
    return rows
