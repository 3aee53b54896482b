"""Session 23 (the external auditor): after a move (``export events`` + ``import --create``),
every "as known at" view before the move was empty (``report caseload --known-at
2017-07-01`` said 0 households, exit 0): the move records every event anew, so the new store
holds no recording time before it. Such a view is refused, saying why and where to ask."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from cli.main import app
from ledger.errors import InputError

from cli import verify as verify_cli
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

    assert_refused(refused, "known-at", "is before this ledger was rebuilt from an export by")
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


def test_a_checkpoint_recorded_but_not_written_says_so(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The external auditor: a full disk after the checkpoint was recorded said "refused
    out: … No space left on device", exit 2, though the CheckpointRecorded was committed."""
    key = tmp_path / "log.key"
    made = seeded.ok(f"keys new --out {key}")
    public = re.search(r"public key:\s+(\S+)", made.stdout)
    assert public is not None
    seeded.ok(f"keys register-log {public.group(1)} -d 登记 -e 2016-08-20", "admin")

    def full(*_args: Any, **_kwargs: Any) -> None:
        raise InputError("output", "cannot write 'cp.json': No space left on device")

    monkeypatch.setattr(verify_cli, "write_json", full)
    before = seeded.event_count()

    result = seeded(f"checkpoint --out {tmp_path / 'cp.json'} --log-key {key} -d 检查点", "admin")

    assert result.exit_code == 1, result.output
    said = " ".join(result.stderr.split())
    assert said.startswith("the checkpoint was recorded (size ")
    assert "refused" not in said
    assert seeded.event_count() == before + 1
