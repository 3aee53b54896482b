"""Session 28, tester L (an inspector reconstructing who did what), finding 1: a retirement or
a transfer dated before entries the officer recorded under the post it ends was recorded
(wh-02 retired as of 2018-01-01 beside a visit of theirs of 2018-11-26; qu-01 an inspector from
2017-03-01 beside 1,083 entries as an officer after it), and ``fupin verify`` said nothing.

Both are refused since, naming the latest such entry; an older ledger holding one is noted by
verify (not a problem) and moves as recorded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import (
    Fupin,
    assert_refused,
    doc,
    reimported,
    rule_came_in,
)
from tests.support import stamp

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

#: jn-01's latest-dated entry in ``seeded``: measure m-1 planned for JH-0001 on 2016-08-12.
_LATEST = "jn-01 recorded MeasurePlanned dated 2016-08-12 (entry "


def _post(fupin: Fupin, officer: str) -> dict[str, object]:
    """``officer list``'s row of ``officer``."""
    rows = orjson.loads(fupin.ok("officer list --format json").stdout)["officers"]
    found: dict[str, object] = next(row for row in rows if row["officer"] == officer)
    return found


def _recorded_as_an_older_fupin_took_it(fupin: Fupin) -> None:
    """jn-01 retired as of 2016-08-05, before their entries of 2016-08-11 and -12, written as
    a fupin before session 28 took it (its rule spared, as for an export's replay)."""
    app = open_ledger(fupin.store)
    try:
        with replayed_as_recorded():
            app.retire_officer(stamp("admin", date(2016, 8, 5)), "jn-01", "调离")
    finally:
        app.close()


def test_a_retirement_dated_before_an_entry_under_the_post_is_refused(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(f"officer retire jn-01 --reason 退休 {doc('2016-08-10')}", "admin")

    assert_refused(refused, "effective", _LATEST)
    assert " of household JH-0001, log position " in refused.stderr
    assert (
        "under the post this retirement ends: date the retirement on or after 2016-08-12"
        in refused.stderr
    )
    assert seeded.event_count() == before
    assert _post(seeded, "jn-01")["active"] is True


def test_a_retirement_on_the_day_of_the_latest_entry_is_recorded(seeded: Fupin) -> None:
    seeded.ok(f"officer retire jn-01 --reason 退休 {doc('2016-08-12')}", "admin")

    assert _post(seeded, "jn-01")["active"] is False


def test_a_transfer_dated_before_an_entry_under_the_post_is_refused(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(f"officer change jn-01 --role inspector {doc('2016-08-11')}", "admin")

    assert_refused(refused, "effective", _LATEST)
    assert "under the post this transfer ends: date the transfer on or after 2016-08-12" in (
        refused.stderr
    )
    assert seeded.event_count() == before
    assert _post(seeded, "jn-01")["role"] == "officer"


def test_verify_notes_such_a_retirement_in_an_older_ledger(seeded: Fupin) -> None:
    _recorded_as_an_older_fupin_took_it(seeded)

    result = seeded.ok("verify")

    assert "under today's rules: jn-01's retirement (entry 2, log position " in result.stdout
    assert "is dated 2016-08-05, before MeasurePlanned dated 2016-08-12 (entry " in result.stdout
    assert "which a fupin before 2026-12-02 did not check (not a problem if a fupin took it:" in (
        result.stdout
    )


def test_the_note_goes_once_the_retirement_is_voided(seeded: Fupin) -> None:
    _recorded_as_an_older_fupin_took_it(seeded)
    seeded.ok(f"correct officer jn-01 2 --reason 日期错 {doc('2016-08-20')}", "admin")

    result = seeded.ok("verify")

    assert "jn-01's retirement" not in result.stdout


@pytest.mark.spared_on_replay("post_ended_before_entries")
def test_an_older_ledger_holding_one_moves_as_recorded(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _recorded_as_an_older_fupin_took_it(seeded)
    rule_came_in(monkeypatch, "post_ended_before_entries", after_now=True)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    result = seeded.ok(f"--store {tmp_path / 'fresh.db'} verify")
    assert "under today's rules: jn-01's retirement (entry 2, log position " in result.stdout
    # moved: its recording time in the old store is the export's (re-tester P, session 28)
    said = " ".join(result.stdout.split())
    assert "(not a problem if an older fupin took it: recorded before the move, import " in said
    assert "its original recording time is the export's, which is no evidence" in said


def test_an_entry_earlier_in_the_same_import_bounds_the_retirement(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = [
        {
            "command": "record_visit",
            "ref": "V-1",
            "actor": "jn-01",
            "effective": "2016-09-01",
            "document": "走访记录",
            "note": "",
            "args": {"household": "JH-0001", "helper": "c-1", "summary": "入户走访"},
        },
        {
            "command": "retire_officer",
            "ref": "R-1",
            "actor": "admin",
            "effective": "2016-08-20",
            "document": "退休通知",
            "note": "",
            "args": {"officer": "jn-01", "reason": "退休"},
        },
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(orjson.dumps(row).decode() + "\n" for row in rows), encoding="utf-8")
    path.chmod(0o600)
    before = seeded.event_count()

    refused = seeded(f"import {path}", "admin")

    assert refused.exit_code == 2, refused.output
    assert (
        "jn-01 recorded VisitRecorded dated 2016-09-01 (entry 8 of household JH-0001, earlier "
        "in this import) under the post this retirement ends: date the retirement on or after "
        "2016-09-01" in refused.stderr
    )
    assert seeded.event_count() == before
