"""``fupin backup`` / ``fupin restore`` on both stores: a restore gives the same ledger, never
overwrites one, and is refused (nothing put in place) when it does not match a checkpoint."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import psycopg
import pytest
from ledger.base import natural_id
from ledger.store import parse_store
from projections.pg import protect_events
from psycopg import sql

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.pgserver import ThrowawayPostgres


def has_ledger(store: str) -> bool:
    if not store.startswith("postgresql://"):
        return Path(store).exists()
    with psycopg.connect(store) as conn:
        row = conn.execute("SELECT to_regclass('ledger_events')").fetchone()
    return row is not None and row[0] is not None


def checkpoint(fupin: Fupin, tmp_path: Path, name: str) -> Path:
    """Register a log key once, then sign and write a checkpoint of the ledger as it is."""
    key = tmp_path / "log.key"
    if not key.exists():
        made = fupin.ok(f"keys new --out {key}")
        match = re.search(r"public key:\s+(\S+)", made.stdout)
        assert match is not None, made.stdout
        fupin.ok(f"keys register-log {match.group(1)} {doc('2016-08-20')}", actor="admin")
    path = tmp_path / name
    fupin.ok(f"checkpoint --out {path} --log-key {key} {doc('2016-08-21')}", actor="admin")
    return path


def test_a_restored_backup_holds_the_same_ledger(seeded: Fupin, empty: str, tmp_path: Path) -> None:
    cp = checkpoint(seeded, tmp_path, "cp.json")
    file = tmp_path / "ledger.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file} --checkpoint {cp}")

    assert restored.exit_code == 0, restored.output
    assert "verified" in restored.stdout
    # the backup left as it was (tester h, session 36: its -wal and -shm were made beside it,
    # and the next backup to that name, the old file deleted, was refused)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(file.name)) == [file.name]
    again = Fupin(empty, seeded.runner)
    assert again.event_count() == seeded.event_count()
    report = "report caseload --format json"
    assert again.ok(report).stdout == seeded.ok(report).stdout


def test_a_backup_that_does_not_reach_the_checkpoint_is_not_put_in_place(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = tmp_path / "old.backup"
    seeded.ok(f"backup {file}")
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", actor="jn-01")
    later = checkpoint(seeded, tmp_path, "later.json")

    result = seeded(f"--store {empty} restore {file} --checkpoint {later}")

    assert_refused(result, "checkpoint", "does not match the checkpoint")
    assert not has_ledger(empty)


def test_a_restore_never_overwrites_a_ledger(seeded: Fupin, tmp_path: Path) -> None:
    file = tmp_path / "ledger.backup"
    seeded.ok(f"backup {file}")
    before = seeded.event_count()

    result = seeded(f"restore {file}")

    assert_refused(result, "store", "restore into")
    assert seeded.event_count() == before


def test_a_backup_never_overwrites_a_file(seeded: Fupin, tmp_path: Path) -> None:
    file = tmp_path / "taken"
    file.write_text("keep me")

    result = seeded(f"backup {file}")

    assert_refused(result, "file", "exists already")
    assert file.read_text() == "keep me"


@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_restore_onto_a_server_without_the_officers_role_says_to_create_it(
    seeded: Fupin, empty: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # A new server (disaster recovery) lacks the role protect_events granted to: pg_restore
    # failed with its own first line, and nothing said what to do.
    server: ThrowawayPostgres = request.getfixturevalue("pg_server")
    role = f"clerks_{abs(hash(request.node.nodeid)) % 10**6}"
    server.create_role(role, login=False)
    protect_events(parse_store(seeded.store), role)
    file = tmp_path / "ledger.backup"
    seeded.ok(f"backup {file}")
    with psycopg.connect(seeded.store, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
    with server.connect(dbname="postgres") as conn:
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))

    result = seeded(f"--store {empty} restore {file}")

    assert_refused(result, "store", f"the backup grants rights to the role '{role}'")
    assert f'CREATE ROLE "{role}" NOLOGIN' in result.stderr
    assert not has_ledger(empty)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_backup_holding_an_unfinished_erasure_is_restored_and_says_so(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    # The key survived its erasure (erase's exit 3). The log matches the checkpoint; the
    # restore refused it as a checkpoint mismatch and threw the copy away.
    hid = str(natural_id("household", "JH-0001"))
    with sqlite3.connect(seeded.store) as db:
        row = db.execute("SELECT * FROM household_keys WHERE household_id = ?", (hid,)).fetchone()
    db.close()
    seeded.ok(f"erase JH-0001 --reason 本人申请 {doc('2016-09-01')}", actor="admin")
    with sqlite3.connect(seeded.store) as db:
        db.execute("DELETE FROM household_keys WHERE household_id = ?", (hid,))
        db.execute("INSERT INTO household_keys VALUES (?, ?, ?, ?, ?)", row)
    db.close()
    cp = checkpoint(seeded, tmp_path, "cp.json")
    file = tmp_path / "ledger.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file} --checkpoint {cp}")

    assert restored.exit_code == 0, restored.output
    assert "verified" in restored.stdout
    assert "note: the household key table: PersonalDataErased" in restored.stderr
    assert "unfinished" in restored.stderr
    assert has_ledger(empty)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_backup_whose_key_table_has_more_problems_than_verify_keeps_is_restored(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    # verify keeps 50 problems; 51 in the key table made the restore guess at an unseen
    # problem in the log, and throw a backup whose log matches away.
    with sqlite3.connect(seeded.store) as db:
        db.executemany(
            "INSERT INTO household_keys VALUES (?, 1, 'm', NULL, '2016-09-01')",
            [(f"00000000-0000-0000-0000-{n:012d}",) for n in range(51)],
        )
    db.close()
    cp = checkpoint(seeded, tmp_path, "cp.json")
    file = tmp_path / "ledger.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file} --checkpoint {cp}")

    assert restored.exit_code == 0, restored.output
    assert has_ledger(empty)
