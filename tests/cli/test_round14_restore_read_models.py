"""Round 14: a restore verified a backup's events but kept the read models it held, which no
one had verified: a ``pj_households`` row edited in the backup file served its figures (9 people
where the events say 2) until someone ran ``projections check``. The first report after a
restore now rebuilds them from the restored events."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from typer.testing import CliRunner

from tests.cli.conftest import Fupin
from tests.support import ledger_at, register

CASELOAD = "report caseload --format json"


def _fupin(path: Path) -> Fupin:
    env = {"LEDGER_STORE": str(path), "LEDGER_ACTOR": None, "LEDGER_KEY": None}
    return Fupin(str(path), CliRunner(env=env))


def test_a_restore_rebuilds_the_read_models_its_backup_held(tmp_path: Path) -> None:
    with ledger_at(tmp_path / "l.db") as app:
        register(app, "JH-0001", serial=1)
    fupin = _fupin(tmp_path / "l.db")
    truth = fupin.ok(CASELOAD).stdout  # the read models built, then backed up with the events
    backup = tmp_path / "ledger.backup"
    fupin.ok(f"backup {backup}")
    with closing(sqlite3.connect(backup)) as db:
        assert db.execute("UPDATE pj_households SET members = 9").rowcount == 1
        db.commit()

    fupin.ok(f"--store {tmp_path / 'restored.db'} restore {backup}")

    restored = _fupin(tmp_path / "restored.db")
    assert restored.ok(CASELOAD).stdout == truth
    assert restored.ok("projections check", "admin").exit_code == 0


def test_an_analysts_query_after_a_restore_reads_the_rebuilt_read_models(tmp_path: Path) -> None:
    with ledger_at(tmp_path / "l.db") as app:
        register(app, "JH-0001", serial=1)
    fupin = _fupin(tmp_path / "l.db")
    members = "query 'SELECT number, members FROM pj_households' --format json"
    truth = fupin.ok(members, "ana-1").stdout
    backup = tmp_path / "ledger.backup"
    fupin.ok(f"backup {backup}")
    with closing(sqlite3.connect(backup)) as db:
        db.execute("UPDATE pj_households SET members = 9")
        db.commit()
    fupin.ok(f"--store {tmp_path / 'restored.db'} restore {backup}")

    assert _fupin(tmp_path / "restored.db").ok(members, "ana-1").stdout == truth
