"""PostgreSQL: every lasting lock wait is said once, naming what holds the lock (tester G,
session 28: a report behind another session's lock on ``pj_tracking`` waited 3.7 s saying
nothing; a save behind ``LOCK TABLE ledger_events IN ACCESS EXCLUSIVE MODE`` ~7 s; the note
said "another writer (an import?)" of a rebuild or a psql session, and twice in one command;
``query`` behind a psql lock was told "another process is updating the read models")."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql
from typer.testing import Result

from tests.integration.test_postgres_store import INIT, fupin
from tests.pgserver import PgConnInfo
from tests.store_copies import StoreCopies

STREET = ("place", "add-street", "外海", "-d", "doc", "-e", "2016-07-26")
OTHER_STREET = ("place", "add-street", "内海", "-d", "doc", "-e", "2016-07-26")


@contextmanager
def locked(dsn: str, table: str, seconds: float | None) -> Iterator[None]:
    """``table`` locked IN ACCESS EXCLUSIVE MODE by another session named ``psql`` (as an
    administrator's would be), for ``seconds`` (``None``: until the block ends)."""
    holder = psycopg.connect(dsn, autocommit=False, application_name="psql")
    holder.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(sql.Identifier(table)))
    release = threading.Timer(seconds or 3600, holder.rollback)
    release.start()
    try:
        yield
    finally:
        release.cancel()
        holder.rollback()
        holder.close()


def note(result: Result) -> str:
    """The one note that the command waited (said once)."""
    said = [line for line in result.stderr.splitlines() if line.startswith("note: waiting")]
    assert len(said) == 1, result.stderr
    return said[0]


def build_ready(dsn: str) -> None:
    """A ledger whose read models exist and are one event behind."""
    assert fupin(dsn, *INIT).exit_code == 0
    assert fupin(dsn, "report", "caseload").exit_code == 0
    assert fupin(dsn, *STREET).exit_code == 0


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[StoreCopies]:
    """``build_ready``'s ledger, built once a module (three commands, for each of five tests
    until session 33)."""
    with StoreCopies.of(tmp_path_factory, request, build_ready) as copies:
        yield copies


@pytest.fixture
def ready(pg_database: PgConnInfo, built: StoreCopies, request: pytest.FixtureRequest) -> None:
    """The test's database, ``pg_database``, a copy of ``build_ready``'s ledger."""
    built.copy_to(pg_database.dsn, request)


@pytest.mark.usefixtures("ready")
@pytest.mark.parametrize("table", ["pj_tracking", "pj_households"])
def test_a_report_behind_a_table_lock_says_so_once_naming_the_holder(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch, table: str
) -> None:
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "6")
    with locked(pg_database.dsn, table, 2):
        started = time.monotonic()
        result = fupin(pg_database.dsn, "report", "caseload", "--format", "json")
        waited = time.monotonic() - started

    assert result.exit_code == 0, result.output
    assert waited > 1.5, waited
    said = note(result)
    assert said.startswith("note: waiting for "), said
    assert "another session (psql, pid " in said, said
    assert f"holds a lock on {table}" in said, said
    assert "an import?" not in said


def test_a_save_behind_an_access_exclusive_lock_on_the_events_says_so_once(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fupin(pg_database.dsn, *INIT).exit_code == 0
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "6")
    with locked(pg_database.dsn, "ledger_events", 2):
        result = fupin(pg_database.dsn, *OTHER_STREET)

    assert result.exit_code == 0, result.output
    said = note(result)
    assert "another session (psql, pid " in said, said
    assert "holds a lock on ledger_events" in said, said


@pytest.mark.usefixtures("ready")
@pytest.mark.parametrize(
    ("command", "table"),
    [
        (("query", "SELECT COUNT(*) FROM pj_visits"), "pj_visits"),
        (("projections", "rebuild"), "pj_households"),
    ],
)
def test_a_read_model_lock_held_past_the_timeout_is_named_not_an_update(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...], table: str
) -> None:
    assert fupin(pg_database.dsn, "report", "caseload").exit_code == 0  # caught up
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "2")
    with locked(pg_database.dsn, table, None):
        result = fupin(pg_database.dsn, *command)

    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert result.stderr.count("note: waiting") <= 1, result.stderr
    refusal = lines[-1]
    assert refusal.startswith("refused store: another session (psql, pid "), refusal
    assert f"held a lock on {table} past LEDGER_LOCK_TIMEOUT (2 s)" in refusal, refusal
    assert "updating the read models" not in refusal
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("ready")
def test_a_commands_sessions_are_named_after_it_on_the_server(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another command's note names them: the read models' were all "fupin", the ledger's
    # unnamed, so a rebuild holding a lock could not be told from a psql session.
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "6")
    seen: list[str] = []

    def look() -> None:
        time.sleep(1.0)
        with psycopg.connect(pg_database.dsn, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT application_name FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        seen.extend(str(name) for (name,) in rows)

    looking = threading.Thread(target=look)
    with locked(pg_database.dsn, "pj_tracking", 2):
        looking.start()
        result = fupin(pg_database.dsn, "report", "caseload", "--format", "json")
    looking.join()

    assert result.exit_code == 0, result.output
    assert "fupin report caseload" in seen, seen
    assert "fupin" not in seen, seen
    assert "" not in seen, seen
