"""Session 23, a security re-tester (a third pass over the files fupin writes).

1. A ``-wal``, ``-shm`` or ``-journal`` left beside a new store's path (a writer killed, the
   store then removed) was taken in: ``restore`` said "verified 15830 events", then SQLite
   replayed the stale write-ahead log onto the restored file (100 events and a foreign
   table); ``init`` made a malformed store. Every command that makes a new SQLite store
   refuses while one is there, names it, writes nothing and leaves it as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "files the CLI writes, SQLite stores: SQLite is enough (tests/conftest.py)"

SIDE_FILES = ["-wal", "-shm", "-journal"]


def _stale(path: Path, suffix: str) -> Path:
    side = Path(f"{path}{suffix}")
    side.write_bytes(b"left by a store that was here\n")
    return side


def _side_rule(path: Path, suffix: str) -> str:
    return (
        f"{path}{suffix} exists: SQLite's {suffix} file of a database that was at {path}, "
        "which SQLite would replay into the new one; nothing was written: move it away, or "
        "delete it once sure it is not needed"
    )


def _left_as_it_was(path: Path, side: Path) -> None:
    assert not os.path.lexists(path)
    assert side.read_bytes() == b"left by a store that was here\n"
    assert not list(path.parent.glob(f".{path.name}.*"))


@pytest.mark.parametrize("suffix", SIDE_FILES)
def test_a_restore_beside_a_stale_side_file_is_refused(
    seeded: Fupin, tmp_path: Path, suffix: str
) -> None:
    # Before, restored (exit 0), and SQLite replayed a stale -wal onto the restored store.
    backup, restored = tmp_path / "ledger.backup", tmp_path / "restored.db"
    seeded.ok(f"backup {backup}")
    side = _stale(restored, suffix)

    result = seeded(f"--store {restored} restore {backup}")

    assert_refused(result, "store", _side_rule(restored, suffix))
    _left_as_it_was(restored, side)


@pytest.mark.parametrize("suffix", SIDE_FILES)
def test_init_beside_a_stale_side_file_is_refused(tmp_path: Path, suffix: str) -> None:
    store = tmp_path / "a.db"
    side = _stale(store, suffix)
    fupin = Fupin(str(store), CliRunner(env={"LEDGER_STORE": str(store), "LEDGER_ACTOR": None}))

    result = fupin(f"init --admin admin --name 区扶贫办 {doc('2016-07-26')}")

    assert_refused(result, "store", _side_rule(store, suffix))
    _left_as_it_was(store, side)


def test_an_import_create_beside_a_stale_wal_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    log, fresh = tmp_path / "events.jsonl", tmp_path / "fresh.db"
    seeded.ok(f"export events -o {log}", actor="admin")
    side = _stale(fresh, "-wal")

    result = seeded(f"--store {fresh} import --create {log}")

    assert_refused(result, "store", _side_rule(fresh, "-wal"))
    _left_as_it_was(fresh, side)


def test_a_demo_beside_a_stale_journal_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "demo.db"
    side = _stale(store, "-journal")
    fupin = Fupin(str(store), CliRunner(env={"LEDGER_STORE": str(store), "LEDGER_ACTOR": None}))

    result = fupin("demo")

    assert_refused(result, "store", _side_rule(store, "-journal"))
    _left_as_it_was(store, side)
    assert not Path(f"{store}.master-key").exists()


def test_a_backup_beside_a_stale_wal_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    # A backup is a SQLite file too: a restore of it would read the stale log as its own.
    backup = tmp_path / "ledger.backup"
    side = _stale(backup, "-wal")

    result = seeded(f"backup {backup}")

    assert_refused(result, "file", _side_rule(backup, "-wal"))
    _left_as_it_was(backup, side)
