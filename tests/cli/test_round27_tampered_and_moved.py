"""Re-tests N and O, session 27: answers as known at a time on a store with an event deleted,
on a moved ledger, and the label of an entry recorded ahead.

- Tester O: with a payment deleted from the middle of an account's history, ``report funds
  --known-at`` folded what was left and gave the money as paid out less, exit 0, while
  ``history`` of the account refused the store; ``report html`` was an internal error
  (``OriginatorVersionError``).
- Tester N: on a ledger moved by ``import --create``, an entry saved just after the move by a
  machine whose clock was a little behind carries a recording time before the move's; that
  time, pasted from ``history`` into ``--known-at``, was refused as "no recording time before
  then".
- Tester N: ``history --known-at`` today called an entry's recording time ahead of this
  machine's clock "the moment read".
"""

from __future__ import annotations

import gc
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from ledger import clock
from ledger.values import CHINA_STANDARD_TIME

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import TickingClock

STORE_INDEPENDENT = "a SQLite file altered behind the ledger's back, and its moved copy"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)
MISSING = "version 2 is missing, or this one is out of its place"


def _delete_second_event(path: Path, number: str) -> None:
    """Delete version 2 of household ``number`` from the SQLite store at ``path``."""
    with sqlite3.connect(path) as db:
        (aggregate,) = db.execute(
            "SELECT originator_id FROM stored_events WHERE originator_version = 1 "
            "AND CAST(state AS TEXT) LIKE ?",
            (f'%"number":"{number}"%',),
        ).fetchone()
        db.execute(
            "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = 2",
            (aggregate,),
        )


@SQLITE
def test_a_report_as_known_at_a_time_refuses_a_store_with_an_event_deleted(
    seeded: Fupin, tmp_path: Path
) -> None:
    _delete_second_event(Path(seeded.store), "JH-0004")

    for line in (
        "report caseload --known-at 2026-12-01T00:00Z --format json",
        "report accountability --as-of 2016-12-31 --format json",
    ):
        result = seeded(line, "admin")
        assert_refused(result, "store", MISSING)
        assert "Traceback" not in result.output


@SQLITE
# The reader left open after the refusal met a closed pool when collected: an ignored
# exception's traceback on stderr (re-tester P), a warning under pytest.
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_the_html_report_refuses_a_store_with_an_event_deleted(
    seeded: Fupin, tmp_path: Path
) -> None:
    _delete_second_event(Path(seeded.store), "JH-0004")
    page = tmp_path / "r.html"

    for when in ("--as-of 2016-12-31", ""):  # re-tester P: a traceback followed without
        result = seeded(f"report html -o {page} {when}", "admin")
        gc.collect()  # a reader left open is collected now, in the test

        assert result.exit_code == 2, result.output
        assert "internal error" not in result.output
        assert result.stderr.startswith("refused store:"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert not page.exists()


@SQLITE
def test_an_entry_recorded_just_before_the_move_by_a_clock_behind_is_known_at_its_time(
    seeded: Fupin, tmp_path: Path
) -> None:
    moving = datetime.now(UTC) - timedelta(hours=1)
    with clock.using_clock(TickingClock(moving)):
        moved = reimported(seeded, tmp_path)
    assert moved.exit_code == 0, moved.output
    fresh = f"--store {tmp_path / 'fresh.db'}"
    behind = moving - timedelta(minutes=3)  # a machine 3 minutes behind, just after the move
    with clock.using_clock(TickingClock(behind)):
        seeded.ok(
            f"{fresh} officer add late-1 --name 迟 --role analyst {doc('2016-08-01')}", "admin"
        )
    rows = orjson.loads(
        seeded.ok(f"{fresh} history --kind officer late-1 --format json", "admin").stdout
    )
    recorded = str(rows[0]["recorded_at"])
    assert datetime.fromisoformat(recorded.replace("Z", "+00:00")) < moving  # before the move

    shown = seeded(f"{fresh} officer list --format json --known-at {recorded}", "admin")

    assert shown.exit_code == 0, shown.output
    assert "late-1" in shown.stdout


@SQLITE
def test_known_now_labelled_by_an_entry_ahead_is_not_called_the_moment_read(
    seeded: Fupin,
) -> None:
    now = datetime.now(UTC)
    with clock.using_clock(TickingClock(now + timedelta(minutes=5))):
        seeded.ok(f"officer add ahead-1 --name 快 --role analyst {doc('2016-08-01')}", "admin")
    today = now.astimezone(CHINA_STANDARD_TIME).date()

    shown = seeded(f"history --kind officer ahead-1 --known-at {today}", "admin")

    assert shown.exit_code == 0, shown.output
    title = " ".join(shown.stdout.split())
    assert "the latest recording time on record, after this machine's clock" in title
    assert "the moment read" not in title


@SQLITE
def test_history_refuses_a_record_whose_versions_were_swapped(seeded: Fupin) -> None:
    # Re-tester P, session 27: history took a store with two versions swapped (read by
    # version it looks whole) while every view as of a date refused it.
    with sqlite3.connect(seeded.store) as db:
        (aggregate,) = db.execute(
            "SELECT originator_id FROM stored_events WHERE originator_version = 1 "
            "AND CAST(state AS TEXT) LIKE ?",
            ('%"number":"JH-0004"%',),
        ).fetchone()
        swap = "UPDATE stored_events SET originator_version = ? WHERE originator_id = ? AND "
        db.execute(swap + "originator_version = 2", (-1, aggregate))
        db.execute(swap + "originator_version = 3", (2, aggregate))
        db.execute(swap + "originator_version = -1", (3, aggregate))

    result = seeded("history JH-0004", "admin")

    assert_refused(result, "store", "is stored before version 2")
    assert "a record's versions follow the log's order" in result.stderr
