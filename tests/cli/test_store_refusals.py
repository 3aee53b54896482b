"""What a store that cannot serve a command is refused with: a damaged SQLite file is said
to be unreadable (it said "try again", which no retry mends), and a PostgreSQL database whose
ledger another process is creating at that moment (two ``init``s, ``demo``s or ``restore``s at
once) says so, instead of the server's ``duplicate key value violates unique constraint
"pg_type_typname_nsp_index"``."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import typer
from eventsourcing.persistence import DatabaseError, OperationalError, ProgrammingError
from ledger.application import CREATING_MEANWHILE, creating_meanwhile

from cli import common
from tests.cli.conftest import Fupin, doc
from tests.pgserver import ThrowawayPostgres

FUPIN = Path(sys.executable).with_name("fupin")

POSTGRES = [pytest.param("postgres", marks=pytest.mark.postgres)]


# -- a damaged store -----------------------------------------------------------------------------


def _damage_the_first_events(path: Path) -> None:
    """Overwrite the leaf page that holds the ledger's first events with garbage; the last
    events, which opening the store reads, stay readable."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.execute("PRAGMA page_size").fetchone()[0]
        leaves = db.execute(
            "SELECT pageno FROM dbstat WHERE name = 'stored_events' AND pagetype = 'leaf' "
            "ORDER BY path"
        ).fetchall()
    db.close()
    assert len(leaves) > 1, "the events fill more than one page"
    with path.open("r+b") as file:
        file.seek((leaves[0][0] - 1) * size)
        file.write(b"\xde\xad" * (size // 2))


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # a file damaged on disk
def test_a_damaged_store_is_said_to_be_unreadable_not_busy(seeded: Fupin) -> None:
    _damage_the_first_events(seeded.path)

    result = seeded("log")

    assert result.exit_code == 2, result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"refused store: cannot read {seeded.store}: database disk image is malformed"
    assert "try again" not in result.stderr


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            DatabaseError("database disk image is malformed"),
            "refused store: cannot read s.db: database disk image is malformed",
        ),
        (
            DatabaseError("file is not a database"),
            "refused store: cannot read s.db: file is not a database",
        ),
        (
            OperationalError("database is locked"),  # SQLite's, as a save says it (session 21)
            "refused store: another process held the store's write lock past "
            "LEDGER_LOCK_TIMEOUT (10 s); nothing was written: try again",
        ),
        (
            OperationalError("canceling statement due to lock timeout"),
            "refused store: another session held a lock this command needs past "
            "LEDGER_LOCK_TIMEOUT (canceling statement due to lock timeout); try again",
        ),
        (
            ProgrammingError("permission denied for table ledger_events"),
            "refused store: permission denied for table ledger_events: this role may not "
            "record (an analysts' role only reads): run it as the officers' role or the owner",
        ),
    ],
)
def test_only_a_busy_or_unreachable_store_is_told_to_try_again(
    error: Exception, line: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common.settings, "store", "s.db")
    monkeypatch.delenv("LEDGER_LOCK_TIMEOUT", raising=False)  # SQLite's 10 s, in the message

    def failing() -> None:
        raise error

    with pytest.raises(typer.Exit) as ended:
        common.refusals(failing)()

    assert ended.value.exit_code == 2
    assert capsys.readouterr().err.strip() == line


# -- a ledger another process is creating -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'duplicate key value violates unique constraint "pg_type_typname_nsp_index"',
        'duplicate key value violates unique constraint "pg_class_relname_nsp_index"',
        "tuple concurrently updated",
        'pg_restore: error: could not execute query: ERROR:  relation "ledger_events" already '
        "exists",
    ],
)
def test_the_servers_words_for_a_creation_race_are_recognised(text: str) -> None:
    assert creating_meanwhile(text)


def test_other_errors_are_not_taken_for_a_creation_race() -> None:
    assert not creating_meanwhile(
        'duplicate key value violates unique constraint "ledger_events_pkey"'
    )
    assert not creating_meanwhile("permission denied for schema public")


def _holding_the_tables(dsn: str) -> psycopg.Connection[tuple[object, ...]]:
    """Another process half-way through creating the ledger: its transaction has made the
    events table and is not committed yet."""
    holder = psycopg.connect(dsn)
    holder.execute("CREATE TABLE ledger_events (originator_id uuid)")
    return holder


def _start(args: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "LEDGER_LOCK_TIMEOUT": "100", "PGOPTIONS": "", "FUPIN_DEBUG": ""}
    return subprocess.Popen(
        [str(FUPIN), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until_it_waits(holder: psycopg.Connection[tuple[object, ...]], dsn: str) -> None:
    """Until another session of the database waits for a lock the holder has."""
    with psycopg.connect(dsn, autocommit=True) as watcher:
        for _ in range(600):
            row = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> %s",
                (holder.info.backend_pid,),
            ).fetchone()
            if row is not None and row[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the command never came to wait for the tables")


@pytest.mark.parametrize("store", POSTGRES, indirect=True)
def test_an_init_that_loses_the_race_to_create_the_ledger_says_so(fupin: Fupin) -> None:
    holder = _holding_the_tables(fupin.store)
    try:
        process = _start(
            [
                "--store",
                fupin.store,
                "init",
                "--admin",
                "admin",
                "--name",
                "区扶贫办",
                *doc("2016-07-26").split(),
            ]
        )
        _wait_until_it_waits(holder, fupin.store)
        holder.commit()
        _, err = process.communicate(timeout=120)
    finally:
        holder.close()

    assert process.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("refused store: ")
    assert lines[0].endswith(f": {CREATING_MEANWHILE}")
    assert "pg_type" not in err


@pytest.mark.parametrize("store", POSTGRES, indirect=True)
def test_a_restore_that_loses_the_race_to_create_the_ledger_says_so(
    seeded: Fupin, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    file = tmp_path / "ledger.backup"
    seeded.ok(f"backup {file}")
    server: ThrowawayPostgres = request.getfixturevalue("pg_server")
    name = f"race_{abs(hash(request.node.nodeid)) % 10**9}"
    server.drop_database(name)
    target = server.create_database(name).dsn
    try:
        holder = _holding_the_tables(target)
        try:
            process = _start(["--store", target, "restore", str(file)])
            _wait_until_it_waits(holder, target)
            holder.commit()
            _, err = process.communicate(timeout=120)
        finally:
            holder.close()
    finally:
        server.drop_database(name)

    assert process.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("refused store: postgresql://")
    assert lines[0].endswith(f": {CREATING_MEANWHILE}")
