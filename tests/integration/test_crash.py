"""Crash safety: ``fupin import`` and ``fupin projections rebuild`` killed with SIGKILL at
random moments, again and again, on SQLite and on PostgreSQL.

Afterwards the import is either wholly there or wholly absent (never half-written), running it
again completes it with no duplicate, and the read models equal a rebuild from zero.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ledger.application import open_ledger
from ledger.household import Household
from ledger.imports import recorded_refs
from projections import api
from projections.catchup import MODELS
from projections.storage import open_database

from tests.support import id_card, ledger_at

ROWS = 200
KILLS = 5  # per kind of work, per store: 10 kills per store
ROOT = Path(__file__).resolve().parents[2]


def write_rows(path: Path) -> Path:
    lines = [
        {
            "command": "identify",
            "ref": f"CR-{n}",
            "actor": "jn-01",
            "effective": "2016-08-01",
            "document": "江南低保台账",
            "args": {
                "household": f"CR-{n:04d}",
                "street": "江南",
                "village": "雄光",
                "area": "rural",
                "members": 2,
                "labour": True,
                "willing": True,
                "head_name": f"户主{n}",
                "id_card": id_card(n),
                "member_names": f"户主{n}、家属{n}",
            },
        }
        for n in range(ROWS)
    ]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    path.chmod(0o600)  # personal data: its owner's only (docs/privacy.md)
    return path


def fupin(store: str, *args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from cli.main import run; run()", "--store", store, *args]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill_at_random(process: subprocess.Popen[bytes], rng: random.Random, most: float) -> None:
    """SIGKILL ``process`` at a random moment of its first ``most`` seconds, unless it ended
    before: waiting on to that moment (a sleep, until session 33) changed nothing but the
    suite's time."""
    try:
        process.wait(timeout=rng.uniform(0.2, most))
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)


def imported(store: str) -> tuple[int, int]:
    """(households in the log, import references recorded), read from the events."""
    app = open_ledger(store)
    try:
        households = sum(app.exists(Household, f"CR-{n:04d}") for n in range(ROWS))
        refs = len(recorded_refs(app))
    finally:
        app.close()
    return households, refs


def snapshot(store: str) -> dict[str, list[tuple[Any, ...]]]:
    app = open_ledger(store)
    db = open_database(app.location)
    try:
        tables = [t for m in MODELS for t in m.tables] + ["pj_tracking"]
        return {t: sorted(db.rows(f"SELECT * FROM {t}"), key=repr) for t in tables}
    finally:
        db.close()
        app.close()


@pytest.mark.slow
def test_killed_imports_are_whole_or_absent_and_a_rerun_completes_without_duplicates(
    store: str, tmp_path: Path
) -> None:
    with ledger_at(store):
        pass
    rows = write_rows(tmp_path / "identify.jsonl")
    rng = random.Random(20160801)

    for _ in range(KILLS):
        kill_at_random(fupin(store, "--as", "jn-01", "import", str(rows)), rng, 2.0)
        assert imported(store) in ((0, 0), (ROWS, ROWS))

    finished = fupin(store, "--as", "jn-01", "import", str(rows))
    _, err = finished.communicate(timeout=120)
    assert finished.returncode == 0, err.decode()
    assert imported(store) == (ROWS, ROWS)
    before = open_ledger(store)
    count = before.event_count()
    before.close()
    again = fupin(store, "--as", "jn-01", "import", str(rows))
    again.communicate(timeout=120)
    after = open_ledger(store)
    assert after.event_count() == count
    after.close()


@pytest.mark.slow
def test_killed_rebuilds_leave_read_models_equal_to_a_rebuild(store: str, tmp_path: Path) -> None:
    with ledger_at(store):
        pass
    loaded = fupin(store, "--as", "jn-01", "import", str(write_rows(tmp_path / "i.jsonl")))
    _, err = loaded.communicate(timeout=120)
    assert loaded.returncode == 0, err.decode()
    rng = random.Random(20161231)

    for _ in range(KILLS):
        kill_at_random(fupin(store, "projections", "rebuild"), rng, 1.5)
        app = open_ledger(store)
        api.catch_up(app)
        app.close()
        caught_up = snapshot(store)

        app = open_ledger(store)
        api.rebuild(app)
        app.close()
        assert snapshot(store) == caught_up
