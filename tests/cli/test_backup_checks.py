"""``fupin backup`` refuses a store that is not a ledger, as every command but init, import
--create, demo and restore does (it said "backed up" an empty file or another database), and
names the target's folder when that is what is missing (it blamed the store). ``fupin
restore`` refuses a backup that holds no ledger (it said "restored"), naming the backup,
never a hidden staging file, and leaves nothing behind."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from ledger.store import parse_store
from projections import backup as store_backup
from typer.testing import CliRunner

from tests.cli.conftest import Fupin, assert_refused
from tests.pgserver import ThrowawayPostgres

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


def empty_file(path: Path) -> None:
    path.touch()


def other_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    db.close()


def not_sqlite(path: Path) -> None:
    path.write_bytes(b"PGDMP not a SQLite database")


NOT_LEDGERS: dict[str, tuple[Callable[[Path], None], str, str]] = {
    # what, the refusal of backup (field store), the refusal of restore (field file)
    "empty file": (empty_file, "is empty, not a ledger", "is empty, not a backup of a ledger"),
    "other database": (
        other_database,
        "is not a fupin ledger (no events table)",
        "is not a backup of a fupin ledger (no events table)",
    ),
    "not SQLite": (not_sqlite, "cannot read", "is not a SQLite database"),
}


@SQLITE
@pytest.mark.parametrize("kind", list(NOT_LEDGERS))
def test_a_store_that_is_no_ledger_is_not_backed_up(
    fupin: Fupin, tmp_path: Path, kind: str
) -> None:
    make, refusal, _ = NOT_LEDGERS[kind]
    store = tmp_path / "e0.db"
    make(store)
    before = store.read_bytes()

    result = fupin(f"--store {store} backup {tmp_path / 'b.db'}")

    assert_refused(result, "store", refusal)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e0.db"]
    assert store.read_bytes() == before


@SQLITE
def test_a_missing_store_is_not_backed_up(fupin: Fupin, tmp_path: Path) -> None:
    result = fupin(f"--store {tmp_path / 'missing.db'} backup {tmp_path / 'b.db'}")

    assert_refused(result, "store", "missing.db does not exist")
    assert list(tmp_path.iterdir()) == []


def test_a_backup_into_a_missing_folder_names_the_folder(seeded: Fupin, tmp_path: Path) -> None:
    target = tmp_path / "nodir" / "x.db"

    result = seeded(f"backup {target}")

    assert_refused(result, "file", f"cannot write {target}: {tmp_path / 'nodir'} does not exist")
    assert "ledger.db" not in result.stderr


@SQLITE
@pytest.mark.parametrize("kind", list(NOT_LEDGERS))
def test_a_backup_that_holds_no_ledger_is_not_restored(
    fupin: Fupin, tmp_path: Path, kind: str
) -> None:
    make, _, refusal = NOT_LEDGERS[kind]
    source = tmp_path / "b.db"
    make(source)

    result = fupin(f"--store {tmp_path / 'rest2.db'} restore {source}")

    assert_refused(result, "file", f"{source} {refusal}")
    assert ".restoring" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.db"]


@SQLITE
def test_a_restore_with_checkpoints_leaves_only_the_store(seeded: Fupin, tmp_path: Path) -> None:
    from tests.cli.test_backup_cli import checkpoint

    cp = checkpoint(seeded, tmp_path, "cp.json")
    folder = tmp_path / "restored"
    folder.mkdir()
    seeded.ok(f"backup {tmp_path / 'b.db'}")

    seeded.ok(f"--store {folder / 'r.db'} restore {tmp_path / 'b.db'} --checkpoint {cp}")

    assert [p.name for p in folder.iterdir()] == ["r.db"]


def test_a_postgresql_dump_of_another_database_is_not_restored(
    pg_server: ThrowawayPostgres, tmp_path: Path
) -> None:
    fupin = Fupin(str(tmp_path / "unused.db"), CliRunner(env={"LEDGER_STORE": None}))
    other = pg_server.create_database("not_a_ledger_src")
    target = pg_server.create_database("not_a_ledger_dst")
    try:
        with psycopg.connect(other.dsn) as conn:
            conn.execute("CREATE TABLE notes (text TEXT)")
        dump = tmp_path / "other.dump"
        store_backup.backup(parse_store(other.dsn), dump)  # the API takes any database

        result = fupin(f"--store {target.dsn} restore {dump}")

        assert_refused(result, "file", "is not a backup of a fupin ledger (no events table)")
        with psycopg.connect(target.dsn) as conn:
            row = conn.execute("SELECT to_regclass('notes')").fetchone()
        assert row is not None
        assert row[0] is None
    finally:
        pg_server.drop_database("not_a_ledger_src")
        pg_server.drop_database("not_a_ledger_dst")


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_restore_into_a_database_holding_a_clashing_table_says_so(
    seeded: Fupin, pg_server: ThrowawayPostgres, tmp_path: Path
) -> None:
    # It said another process was creating the ledger, and to try again: trying again fails.
    dump = tmp_path / "ledger.dump"
    seeded.ok(f"backup {dump}")
    target = pg_server.create_database("clashing_dst")
    try:
        with psycopg.connect(target.dsn) as conn:
            conn.execute("CREATE TABLE household_keys (x int)")

        result = seeded(f"--store {target.dsn} restore {dump}")

        assert_refused(
            result, "store", "already holds 'household_keys': restore into an empty database"
        )
    finally:
        pg_server.drop_database("clashing_dst")
