"""Session 30 (a tester of session 29's ``restore --replaces``, HIGH): ``--replaces`` took
another ledger's store, or an unrelated one, and named no household or the wrong ones to erase
again. The restore is now refused, nothing restored, unless the log of the store it replaces
begins with the backup's (its RFC 9162 tree head at the backup's size is the backup's root);
an empty file, pg_dump's archive, a file that is no database or a database without a ledger is
refused for what it is, without the advice said of ``--store`` (``fupin init``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_backup_cli import has_ledger
from tests.pgserver import ThrowawayPostgres
from tests.support import ledger_at, register

ERASE = f"erase JH-0002 --reason 本人申请 {doc('2016-09-01')}"
#: What every refusal of a store that is not the backup's says --replaces must name.
RULE = "--replaces names the store the backup was taken of"


def _another_ledger(fupin: Fupin, path: Path) -> None:
    """A ledger of its own at ``path``, longer than ``seeded``'s, with its own JH-0002 erased."""
    with ledger_at(path) as app:
        for serial in range(1, 7):
            register(app, f"JH-000{serial}", serial=serial)
    fupin.ok(f"--store {path} {ERASE}", actor="admin")


def _backup(seeded: Fupin, tmp_path: Path) -> Path:
    """A backup of ``seeded`` as it is (pg_dump's archive for a PostgreSQL store)."""
    file = tmp_path / ("pre.dump" if seeded.store.startswith("postgresql://") else "pre.db")
    seeded.ok(f"backup {file}")
    return file


def _refused(seeded: Fupin, empty: str, file: Path, replaces: object, rule: str) -> Result:
    """``restore FILE --replaces REPLACES`` into ``empty``, refused on ``replaces`` with
    ``rule``, nothing restored."""
    result = seeded(f"--store {empty} restore {file} --replaces {replaces}")
    assert_refused(result, "replaces", rule)
    assert not has_ledger(empty)
    return result


def test_another_ledgers_store_is_refused_and_nothing_restored(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = _backup(seeded, tmp_path)
    other = tmp_path / "other.db"
    _another_ledger(seeded, other)

    # Before: exit 0, "warning: JH-0002 was erased in other.db", of a household this backup's
    # ledger never erased
    result = _refused(seeded, empty, file, other, f"{other} does not begin with the backup's ")

    assert "its Merkle tree head at size " in result.stderr
    assert RULE in result.stderr
    assert "nothing was restored" in result.stderr
    assert "JH-0002" not in result.output


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # an older backup is the store
def test_a_store_shorter_than_the_backup_is_refused(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    older = _backup(seeded, tmp_path)
    seeded.ok(ERASE, actor="admin")
    newer = tmp_path / "newer.db"
    seeded.ok(f"backup {newer}")

    # Before: exit 0, "pre.db, which it replaces, records no erasure it undoes"
    result = _refused(seeded, empty, newer, older, f"{older} holds ")

    assert "entries, fewer than the backup's " in result.stderr


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # restored twice: two new paths
def test_the_store_the_backup_was_taken_of_extended_since_is_taken(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = _backup(seeded, tmp_path)
    seeded.ok(ERASE, actor="admin")
    seeded.ok(f"--store {empty} restore {file}")  # a store restored from it, then extended
    seeded.ok(f"--store {empty} {ERASE}", actor="admin")
    again = tmp_path / "again.db"

    result = seeded.ok(f"--store {again} restore {file} --replaces {empty}")

    assert "warning: JH-0002 was erased in " in result.stderr


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # --replaces names a file
@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "is empty, not a ledger"),
        (b"household,name\nJH-0001,x\n", "is not a SQLite database, so not a ledger"),
        (b"PGDMP\x01\x0e\x00", "is pg_dump's archive, a PostgreSQL ledger's backup, not a store"),
    ],
    ids=["empty", "text", "pg_dump"],
)
def test_a_file_that_holds_no_ledger_is_refused_for_what_it_is(
    seeded: Fupin, empty: str, tmp_path: Path, content: bytes, said: str
) -> None:
    file = _backup(seeded, tmp_path)
    named = tmp_path / "named"
    named.write_bytes(content)

    # Before: "run `fupin init`" (or "cannot read …: file is not a database")
    result = _refused(seeded, empty, file, named, f"{named} {said}: {RULE}")

    assert "fupin init" not in result.stderr
    assert named.read_bytes() == content


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # --replaces names a file
def test_another_programs_database_is_refused_for_what_it_is(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = _backup(seeded, tmp_path)
    named = tmp_path / "crm.db"
    with sqlite3.connect(named) as db:
        db.execute("CREATE TABLE customers (name TEXT)")
    db.close()

    # Before: "check --store; `fupin init` makes one"
    said = f"{named} is not a fupin ledger (no events table): {RULE}"
    result = _refused(seeded, empty, file, named, said)

    assert "check --store" not in result.stderr
    assert "fupin init" not in result.stderr


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_database_without_a_ledger_is_refused_for_what_it_is(
    seeded: Fupin, empty: str, tmp_path: Path, pg_server: ThrowawayPostgres
) -> None:
    file = _backup(seeded, tmp_path)
    pg_server.drop_database("replaces_none")
    other = pg_server.create_database("replaces_none").dsn

    # Before: "holds no ledger yet; run `fupin init` first"
    result = _refused(seeded, empty, file, other, f"holds no ledger yet: {RULE}")

    assert "fupin init" not in result.stderr


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # an edit in the SQLite file
def test_a_store_whose_log_cannot_be_read_to_the_backups_size_is_refused(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = _backup(seeded, tmp_path)
    with sqlite3.connect(seeded.path) as db:  # an edit outside the ledger: a state as TEXT
        db.execute("UPDATE stored_events SET state = CAST(state AS TEXT) WHERE rowid = 3")
    db.close()

    result = _refused(seeded, empty, file, seeded.store, "the event at position 2 ")

    assert "its log cannot be compared with the backup's; run fupin verify; nothing was " in (
        result.stderr
    )
