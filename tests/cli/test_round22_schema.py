"""Session 22, an auditor's finding: a trigger added to the SQLite file (``AFTER INSERT ON
stored_events ... UPDATE stored_events SET state = ...``) rewrote every unsigned save as it
was written; ``fupin verify``, checkpoints, backup and restore all missed it, and a restore
carried the trigger into the new store. The ledger creates no trigger and no view in a SQLite
file (``ledger.schema``): verify names each, every write is refused while a trigger is there,
and a restore refuses a backup holding one."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "a SQLite file's own schema (PostgreSQL: tests/integration)"

#: The auditor's trigger: an allocation's amount cut tenfold as it is saved.
TRIGGER = (
    "CREATE TRIGGER t AFTER INSERT ON stored_events WHEN new.topic LIKE '%AllocationReceived' "
    "BEGIN UPDATE stored_events SET state = CAST(replace(CAST(new.state AS TEXT), "
    "'\"amount_fen\":5000000,', '\"amount_fen\":500000,') AS BLOB) WHERE rowid = new.rowid; END"
)
ADD_OFFICER = f"officer add x-1 --name X --role officer {doc('2016-08-01')}"


def _alter(path: Path, statement: str) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute(statement)
        db.commit()


def test_verify_names_a_trigger_the_ledger_never_creates(seeded: Fupin) -> None:
    _alter(seeded.path, TRIGGER)

    result = seeded("verify")

    assert result.exit_code == 1, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("FAILED at the store's schema: trigger t: a trigger on stored_events")
    assert "DROP TRIGGER" in first


def test_verify_names_a_view_the_ledger_never_creates(seeded: Fupin) -> None:
    _alter(seeded.path, "CREATE VIEW v AS SELECT * FROM stored_events")

    result = seeded("verify")

    assert result.exit_code == 1, result.output
    assert "FAILED at the store's schema: view v:" in result.stderr


def test_a_save_is_refused_while_a_trigger_is_in_the_file(seeded: Fupin) -> None:
    _alter(seeded.path, TRIGGER)
    before = seeded.event_count()

    result = seeded(ADD_OFFICER, "admin")

    assert_refused(result, "store", "the store holds trigger 't' on stored_events")
    assert "nothing was written" in result.stderr
    assert seeded.event_count() == before


def test_reads_still_work_with_a_trigger_and_saves_again_once_it_is_dropped(
    seeded: Fupin,
) -> None:
    _alter(seeded.path, TRIGGER)

    seeded.ok("log --limit 1")
    _alter(seeded.path, "DROP TRIGGER t")

    seeded.ok(ADD_OFFICER, "admin")


def test_restore_refuses_a_backup_holding_a_trigger(seeded: Fupin, tmp_path: Path) -> None:
    _alter(seeded.path, TRIGGER)
    copy, target = tmp_path / "b.db", tmp_path / "r.db"
    seeded.ok(f"backup {copy}")
    before = sorted(tmp_path.iterdir())

    result = seeded(f"--store {target} restore {copy}")

    assert_refused(result, "file", f"{copy} holds trigger 't', which fupin never creates")
    assert "nothing was restored, not with --unverified either" in result.stderr
    assert sorted(tmp_path.iterdir()) == before


def test_restore_unverified_refuses_it_too(seeded: Fupin, tmp_path: Path) -> None:
    _alter(seeded.path, TRIGGER)
    copy, target = tmp_path / "b.db", tmp_path / "r.db"
    seeded.ok(f"backup {copy}")

    result = seeded(f"--store {target} restore --unverified {copy}")

    assert_refused(result, "file", "which fupin never creates")
    assert not target.exists()


def _retype(path: Path, name: str, kind: str) -> None:
    """Tester F's trick: the object's type in sqlite_master written in another case (SQLite
    builds the schema from its text, so the trigger still runs)."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA writable_schema = ON")
        db.execute("UPDATE sqlite_master SET type = ? WHERE name = ?", (kind, name))
        db.commit()


def test_a_trigger_typed_in_capitals_is_reported_and_refuses_saves(seeded: Fupin) -> None:
    _alter(seeded.path, TRIGGER)
    _retype(seeded.path, "t", "TRIGGER")
    before = seeded.event_count()

    saved = seeded(ADD_OFFICER, "admin")
    verified = seeded("verify")

    assert_refused(saved, "store", "the store holds trigger 't' on stored_events")
    assert seeded.event_count() == before
    assert verified.exit_code == 1, verified.output
    assert verified.stderr.startswith("FAILED at the store's schema: trigger t: a trigger on")


def test_restore_refuses_a_backup_holding_a_trigger_typed_otherwise(
    seeded: Fupin, tmp_path: Path
) -> None:
    _alter(seeded.path, TRIGGER)
    _retype(seeded.path, "t", "Trigger")
    copy, target = tmp_path / "b.db", tmp_path / "r.db"
    seeded.ok(f"backup {copy}")

    result = seeded(f"--store {target} restore --unverified {copy}")

    assert_refused(result, "file", f"{copy} holds trigger 't', which fupin never creates")
    assert not target.exists()


def test_a_view_typed_in_capitals_is_reported(seeded: Fupin) -> None:
    _alter(seeded.path, "CREATE VIEW v AS SELECT * FROM stored_events")
    _retype(seeded.path, "v", "VIEW")

    result = seeded("verify")

    assert result.exit_code == 1, result.output
    assert "FAILED at the store's schema: view v:" in result.stderr


def test_a_trigger_made_while_a_ledger_is_open_refuses_its_next_save(tmp_path: Path) -> None:
    """A connection reads the schema whole at its first save, then only once its version
    moves (``PRAGMA schema_version``): a trigger another process makes meanwhile moves it."""
    from ledger.schema import StoreAlteredError

    from tests.support import identify, ledger_at

    with ledger_at(tmp_path / "l.db") as app:
        identify(app, "JH-0001", serial=1)  # a save: the schema read and found clean
        with closing(sqlite3.connect(tmp_path / "l.db")) as other:
            other.execute("CREATE TRIGGER t AFTER INSERT ON stored_events BEGIN SELECT 1; END")
            other.commit()
        before = app.event_count()

        with pytest.raises(StoreAlteredError):
            identify(app, "JH-0002", serial=2)

        assert app.event_count() == before
