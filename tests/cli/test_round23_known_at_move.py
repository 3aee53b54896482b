"""Session 23 (the external auditor): after a move (``export events`` + ``import --create``),
every "as known at" view before the move was empty (``report caseload --known-at
2017-07-01`` said 0 households, exit 0): the move records every event anew, so the new store
holds no recording time before it. Such a view is refused, saying why and where to ask."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, reimported

STORE_INDEPENDENT = "a moved SQLite ledger's views: SQLite is enough (tests/conftest.py)"


def test_a_view_known_before_the_move_is_refused_and_one_after_it_is_not(
    seeded: Fupin, tmp_path: Path
) -> None:
    moved = reimported(seeded, tmp_path)
    assert moved.exit_code == 0, moved.output
    fresh = ["--store", str(tmp_path / "fresh.db")]
    before = "2017-07-01T00:00+08:00"

    refused = seeded.runner.invoke(
        app, [*fresh, "report", "caseload", "--known-at", before, "--format", "json"]
    )

    assert_refused(refused, "known_at", "is before this ledger was rebuilt from an export by")
    assert "ask the store it came from" in refused.stderr
    now = datetime.now(UTC).isoformat()
    shown = seeded.runner.invoke(
        app, [*fresh, "report", "caseload", "--known-at", now, "--format", "json"]
    )
    assert shown.exit_code == 0, shown.output
    assert orjson.loads(shown.stdout)["events"] > 0


def test_an_ordinary_ledger_answers_as_known_before_its_first_event(seeded: Fupin) -> None:
    """Not moved: before its first event, nothing was on record yet, which the view says."""
    shown = seeded.ok("report caseload --known-at 2001-01-01T00:00+08:00 --format json")

    assert orjson.loads(shown.stdout)["events"] == 0
