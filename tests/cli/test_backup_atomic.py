"""``fupin backup`` writes into a hidden file beside the target and gives it the target's
name only when the copy is whole and sound: a backup that fails (pg_dump refused by the
server, a lock held past LEDGER_LOCK_TIMEOUT) or is killed leaves nothing under the name, so
the next backup is not refused as "exists already"; a damaged SQLite store is not backed up
as if it were sound (docs/operations.md, backups)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from ledger.store import parse_store
from projections import backup as store_backup
from psycopg import sql

from tests.cli.conftest import Fupin, assert_refused, waiting_note_taken
from tests.pgserver import ThrowawayPostgres

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)
POSTGRES = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
ROOT = Path(__file__).resolve().parents[2]


def hidden_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def restores(fupin: Fupin, file: Path, tmp_path: Path) -> None:
    """The backup restores into a new SQLite store holding as many events as the ledger."""
    if fupin.store.startswith("postgresql://"):
        assert file.stat().st_size > 0
        return
    target = tmp_path / "restored.db"
    fupin.ok(f"--store {target} restore {file}")
    assert Fupin(str(target), fupin.runner).event_count() == fupin.event_count()


@POSTGRES
def test_a_backup_the_server_refuses_leaves_no_file_and_the_retry_is_not_refused(
    seeded: Fupin, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # pg_dump as a role that may read the events but not the other tables: it fails. The
    # empty file it left made the owner's retry "exists already".
    server: ThrowawayPostgres = request.getfixturevalue("pg_server")
    role = f"reader_{abs(hash(request.node.nodeid)) % 10**6}"
    reader = server.create_role(role, dbname=parse_store(seeded.store).env["POSTGRES_DBNAME"])
    with psycopg.connect(seeded.store, autocommit=True) as conn:
        conn.execute(sql.SQL("GRANT SELECT ON ledger_events TO {}").format(sql.Identifier(role)))
    file = tmp_path / "a.dump"

    refused = seeded(f"--store {reader.dsn} backup {file}")

    assert_refused(refused, "store", "pg_dump failed")
    assert "permission denied" in refused.stderr
    assert "nothing was backed up" in refused.stderr
    assert not file.exists()
    assert hidden_files(tmp_path) == []
    seeded.ok(f"backup {file}")
    assert file.stat().st_size > 0


@POSTGRES
def test_a_backup_behind_a_lock_gives_up_after_the_lock_timeout(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pg_dump waited as long as the lock was held (forever, in the worst case).
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    monkeypatch.setenv("PGOPTIONS", "")
    holder = psycopg.connect(seeded.store)
    holder.execute("LOCK TABLE ledger_events IN ACCESS EXCLUSIVE MODE")
    release = threading.Timer(20, holder.rollback)
    release.start()
    file = tmp_path / "b.dump"
    try:
        started = time.monotonic()
        refused = seeded(f"backup {file}")
        waited = time.monotonic() - started
    finally:
        release.cancel()
        holder.rollback()
        holder.close()

    said = waiting_note_taken(refused)  # the wait said first (since session 28)
    assert "another session (pid " in said, said
    assert_refused(refused, "store", "LEDGER_LOCK_TIMEOUT")
    # Refused before the copy began, at the check that the store holds a ledger (since
    # session 18: that check waited once, then pg_dump a second time, "nothing was backed up")
    # Naming who held it (since session 28; "another session held a lock this command needs")
    assert "held a lock on ledger_events past LEDGER_LOCK_TIMEOUT" in refused.stderr
    assert waited < 10
    assert not file.exists()
    assert hidden_files(tmp_path) == []
    seeded.ok(f"backup {file}")


@SQLITE
def test_a_backup_killed_while_it_copies_leaves_nothing_under_the_name(
    seeded: Fupin, tmp_path: Path
) -> None:
    # kill -9 half-way through the copy (power cut, OOM): the partial file and its hot
    # journal were left under the final name, and the next backup was refused.
    file = tmp_path / "backups" / "k.db"
    file.parent.mkdir()
    killed = f"""
import os, signal, sys
from pathlib import Path
from projections import backup
from ledger.store import parse_store

def copy_half(source, target, shown):
    target.write_bytes(Path(source).read_bytes()[:4096])
    Path(f"{{target}}-journal").write_bytes(b"hot")
    os.kill(os.getpid(), signal.SIGKILL)

backup._sqlite_copy = copy_half
backup.backup(parse_store({seeded.store!r}), Path({str(file)!r}))
"""
    run = subprocess.run(
        [sys.executable, "-c", killed], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == -signal.SIGKILL, run.stderr

    assert not file.exists()
    assert not Path(f"{file}-journal").exists()
    seeded.ok(f"backup {file}")
    restores(seeded, file, tmp_path)


@pytest.mark.parametrize(
    "store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_backup_that_fails_midway_removes_its_hidden_file(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "c.backup"
    written: list[Path] = []

    def fail_after_writing(target: Path) -> None:
        written.append(target)
        target.write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    if not seeded.store.startswith("postgresql://"):
        monkeypatch.setattr(
            store_backup, "_sqlite_copy", lambda source, target, shown: fail_after_writing(target)
        )
    else:

        def pg_tool(location: object, tool: str, *args: str) -> None:
            out = next(a for a in args if a.startswith("--file="))
            fail_after_writing(Path(out.removeprefix("--file=")))

        monkeypatch.setattr(store_backup, "_pg_tool", pg_tool)

    result = seeded(f"backup {file}")

    assert_refused(result, "file", "No space left on device")
    assert str(file) in result.stderr
    assert [(p.parent, p.name.startswith(f".{file.name}.")) for p in written] == [
        (tmp_path, True)  # beside the target, hidden
    ]
    assert not file.exists()
    assert hidden_files(tmp_path) == []
    monkeypatch.undo()
    seeded.ok(f"backup {file}")
    restores(seeded, file, tmp_path)


@SQLITE
def test_a_backup_never_replaces_a_file_made_while_it_copied(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "d.db"
    real = store_backup._sqlite_copy

    def copy_while_another_writes(source: Path, target: Path, shown: Path) -> None:
        real(source, target, shown)
        file.write_text("another process's file")

    monkeypatch.setattr(store_backup, "_sqlite_copy", copy_while_another_writes)

    result = seeded(f"backup {file}")

    assert_refused(result, "file", "exists already")
    assert file.read_text() == "another process's file"
    assert hidden_files(tmp_path) == []


def damage(store: Path) -> int:
    """Overwrite the head of a page of the key table's index with garbage (the events still
    read, so the store opens as a ledger). Returns the page's number."""
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.execute("PRAGMA page_size").fetchone()[0]
        page = db.execute(
            "SELECT MAX(pageno) FROM dbstat WHERE name = 'sqlite_autoindex_household_keys_1'"
        ).fetchone()[0]
    db.close()
    with store.open("r+b") as raw:
        raw.seek(size * (page - 1))
        raw.write(b"\xff" * 64)
    return int(page)


@SQLITE
def test_a_damaged_store_is_not_backed_up_as_sound(seeded: Fupin, tmp_path: Path) -> None:
    page = damage(seeded.path)
    file = tmp_path / "e.db"

    result = seeded(f"backup {file}")

    assert_refused(result, "store", f"{seeded.path} is damaged")
    assert f"Page {page}" in result.stderr
    assert "nothing was backed up" in result.stderr
    assert not file.exists()
    assert hidden_files(tmp_path) == []


@SQLITE
def test_a_sound_backup_is_put_in_place_for_its_owner_only(seeded: Fupin, tmp_path: Path) -> None:
    """Whatever the umask (0640 under 027 before session 28: docs/operations.md)."""
    file = tmp_path / "f.db"
    mask = os.umask(0o027)
    try:
        seeded.ok(f"backup {file}")
    finally:
        os.umask(mask)

    assert file.stat().st_mode & 0o777 == 0o600
    assert hidden_files(tmp_path) == []
    restores(seeded, file, tmp_path)
