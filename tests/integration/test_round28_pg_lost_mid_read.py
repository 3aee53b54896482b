"""A PostgreSQL server lost mid-command (tester G, session 28): ``restore`` cut short said
pg_restore's own words (`pg_restore failed: pg_restore: error: connection to server at … failed:
server closed the connection unexpectedly`), not whether anything was restored or must be
cleaned first; ``export events -o`` got the advice of a command that records something."""

from __future__ import annotations

import stat
import threading
import time
from pathlib import Path

import psycopg
import pytest

from tests.integration.test_postgres_store import INIT, fupin
from tests.pgserver import PgConnInfo

#: What pg_restore printed when the tester stopped the server under it.
CLOSED = (
    'pg_restore: error: connection to server at "127.0.0.1", port 55437 failed: server closed '
    "the connection unexpectedly\n\tThis probably means the server terminated abnormally\n"
)


def test_a_restore_whose_server_closed_the_connection_says_nothing_was_restored(
    pg_database: PgConnInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pg_restore stands in for one whose server stopped under it (the test server cannot be
    # stopped under the other tests); its one transaction was rolled back by the server.
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    tool = bin_folder / "pg_restore"
    tool.write_text(f"#!/bin/sh\nprintf '%s' '{CLOSED}' >&2\nexit 1\n", encoding="utf-8")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("LEDGER_PG_BIN", str(bin_folder))
    backup = tmp_path / "backup.dump"
    backup.write_bytes(b"PGDMP" + bytes(64))

    result = fupin(pg_database.dsn, "restore", str(backup))

    assert result.exit_code == 2, result.output
    (refusal,) = result.stderr.strip().splitlines()
    assert refusal.startswith(
        "refused store: pg_restore failed: server closed the connection unexpectedly (it may "
        "have stopped or restarted): try again once it is back; "
    ), refusal
    assert "nothing was restored and the database is as it was, with nothing to clean" in refusal
    assert "port 55437" not in refusal
    with psycopg.connect(pg_database.dsn) as conn:
        row = conn.execute("SELECT to_regclass('ledger_events') IS NULL").fetchone()
    assert row == (True,)


def test_an_export_whose_server_closed_the_connection_gets_a_reads_advice(
    pg_database: PgConnInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fupin(pg_database.dsn, *INIT).exit_code == 0
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "10")
    out = tmp_path / "events.jsonl"
    done = threading.Event()

    holder = psycopg.connect(pg_database.dsn, autocommit=False)
    holder.execute("LOCK TABLE ledger_events IN ACCESS EXCLUSIVE MODE")

    def terminate() -> None:
        # The export's sessions ended by the server while it reads (as a stop ends them).
        with psycopg.connect(pg_database.dsn, autocommit=True) as conn:
            while not done.is_set():
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND pid <> %s",
                    (holder.info.backend_pid,),
                )
                time.sleep(0.05)

    killer = threading.Thread(target=terminate)
    killer.start()
    try:
        result = fupin(pg_database.dsn, "export", "events", "-o", str(out))
    finally:
        done.set()
        killer.join()
        holder.rollback()
        holder.close()

    assert result.exit_code == 2, result.output
    refusal = result.stderr.strip().splitlines()[-1]
    assert refusal.startswith("refused store: "), refusal
    assert "this command had begun no save, so nothing was recorded" in refusal, refusal
    assert "if this command records something" not in refusal
    assert not out.exists()
