"""PostgreSQL store: an operator's findings (a save's lock wait, the server's DateStyle)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import psycopg
import pytest
from ledger.application import open_ledger
from projections import pg
from psycopg import sql
from typer.testing import Result

from tests.integration.test_postgres_store import COUNT, INIT, assert_one_line_refusal, fupin
from tests.pgserver import PgConnInfo, ThrowawayPostgres

STREET = ("place", "add-street", "外海", "-d", "doc", "-e", "2016-07-26")


def events(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(COUNT).fetchone()
    assert row is not None
    return int(row[0])


def run_behind_lock(dsn: str, mode: str, command: tuple[str, ...]) -> tuple[Result, float]:
    """Run ``command`` while another session holds ``LOCK TABLE ledger_events IN {mode}
    MODE``: its result and how long it took (the lock released after)."""
    holder = psycopg.connect(dsn, autocommit=False)
    try:
        # As maintenance or a stuck writer would.
        holder.execute(sql.SQL("LOCK TABLE ledger_events IN {} MODE").format(sql.SQL(mode)))
        started = time.monotonic()
        result = fupin(dsn, *command)
        return result, time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()


def test_a_save_behind_the_insert_lock_is_refused_near_the_lock_timeout(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # eventsourcing set lock_timeout to the whole LEDGER_LOCK_TIMEOUT before its table lock
    # and tried 10 times: a save waited about ten times the setting (docs/operations.md).
    assert fupin(pg_database.dsn, *INIT).exit_code == 0
    before = events(pg_database.dsn)
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "2")
    # reads go on, inserts wait
    result, waited = run_behind_lock(pg_database.dsn, "EXCLUSIVE", STREET)

    # the server is reachable: another session's lock is named (tester L, session 18), after
    # one note that the save waits (since session 26, after half of LEDGER_LOCK_TIMEOUT)
    said, refusal = result.stderr.strip().splitlines()
    assert said.startswith("note: waiting for "), said
    assert result.exit_code == 2, result.output
    # Naming who held it at the end, as the server said (since session 28).
    assert refusal.startswith("refused store: another session (pid "), refusal
    assert "held a lock on ledger_events past LEDGER_LOCK_TIMEOUT (2 s); try again" in refusal
    assert 1.5 < waited < 3.0, waited  # within 1.5 x LEDGER_LOCK_TIMEOUT
    assert events(pg_database.dsn) == before
    # Not reset to the whole setting before the table lock, late in a save's deadline.
    ledger = open_ledger(pg_database.dsn)
    try:
        statements = ledger.recorder.lock_table_statements  # type: ignore[attr-defined]
        assert not [s for s in statements if "lock_timeout" in str(s)]
    finally:
        ledger.close()


@pytest.mark.parametrize("how", ["database", "PGDATESTYLE"])
def test_a_non_iso_datestyle_does_not_stop_saves(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    # The server-clock check read now() as text, which psycopg parses in ISO DateStyle only:
    # every save was an internal error, exit 1.
    if how == "database":
        with psycopg.connect(pg_database.dsn, autocommit=True) as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} SET datestyle = 'SQL, DMY'").format(
                    sql.Identifier(pg_database.dbname)
                )
            )
    else:
        monkeypatch.setenv("PGDATESTYLE", "German")

    assert fupin(pg_database.dsn, *INIT).exit_code == 0
    result = fupin(pg_database.dsn, *STREET)

    assert result.exit_code == 0, result.output
    assert fupin(pg_database.dsn, "verify").exit_code == 0


@pytest.mark.parametrize("encoding", ["SQL_ASCII", "LATIN1"])
@pytest.mark.parametrize("command", ["init", "demo", "restore", "report"])
def test_a_database_not_in_utf8_is_refused_before_anything_is_written(
    pg_server: ThrowawayPostgres,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    encoding: str,
    command: str,
) -> None:
    # init and demo accepted it; every later command failed with messages that blamed the
    # events or the master key (psycopg returns SQL_ASCII text as bytes).
    name = f"enc_{encoding.lower()}_{command}_{os.getpid()}"
    with pg_server.connect(dbname="postgres") as conn:
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} ENCODING {} TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
            ).format(sql.Identifier(name), sql.Literal(encoding))
        )
    try:
        dsn = pg_server.dsn_for(dbname=name)
        monkeypatch.setenv("LEDGER_MASTER_KEY_FILE", str(tmp_path / "absent.key"))
        args = {
            "init": INIT,
            "demo": ("demo",),
            "restore": ("restore", str(tmp_path / "absent.dump")),
            "report": ("report", "caseload"),
        }[command]

        result = fupin(dsn, *args)

        assert_one_line_refusal(result, f"refused store: database {name} is encoded {encoding}")
        assert "createdb -E UTF8 -T template0" in result.stderr
        with psycopg.connect(dsn) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public'"
            ).fetchone()
        assert row is not None
        assert row[0] == 0  # nothing written
    finally:
        pg_server.drop_database(name, force=True)


def test_an_analysts_query_past_the_limit_is_worded_as_on_sqlite(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL said "refused sql: canceling statement due to statement timeout".
    assert fupin(pg_database.dsn, *INIT).exit_code == 0
    monkeypatch.setattr(pg, "QUERY_TIMEOUT_MS", 300)  # the 60 s limit, shortened

    result = fupin(pg_database.dsn, "query", "SELECT pg_sleep(5)")

    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        "refused sql: ran past the limit of 60 s; ask for less (a WHERE, a LIMIT)"
    )
