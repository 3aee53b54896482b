"""A PostgreSQL server that closes the connection mid-command is refused in one line under
``store``, exit 2, "try again": a ``query`` whose session an administrator terminated said
"refused sql: terminating connection due to administrator command" (blaming the analyst's
SQL), and a ``projections rebuild`` whose server died printed a three-line "internal error:
OperationalError: consuming input failed: server closed the connection unexpectedly …", exit 1.
An error that is a defect is still not mapped."""

from __future__ import annotations

import threading
import time

import psycopg
import psycopg.errors
import pytest
import typer
from cli.common import refusals
from cli.main import app
from ledger.store import lost_server
from projections.pg import PgDatabase
from typer.testing import CliRunner

from tests.pgserver import PgConnInfo

INIT = ["--as", "admin", "init", "--admin", "admin", "--name", "x", "-d", "d", "-e", "2016-07-26"]


@pytest.fixture
def runner(pg_database: PgConnInfo) -> CliRunner:
    runner = CliRunner(env={"LEDGER_STORE": pg_database.dsn, "LEDGER_ACTOR": None})
    made = runner.invoke(app, INIT)
    assert made.exit_code == 0, made.output
    return runner


def _assert_server_gone(
    output: str, stderr: str, exit_code: int, password: str, *, saved: bool = True
) -> None:
    assert exit_code == 2, output
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("refused store: the server closed the connection ("), lines[0]
    if saved:
        # it does not say nothing was written: a save lost while committing may be on record
        assert "may have been recorded" in lines[0]
        assert "look with `fupin log`" in lines[0]
    else:
        # A command that began no save (a query, a rebuild) recorded nothing, and is told so,
        # not to look for what it may have recorded (since session 28, tester G).
        assert "this command had begun no save, so nothing was recorded" in lines[0]
        assert "look with `fupin log`" not in lines[0]
    assert "nothing of it was written" not in lines[0]
    assert "internal error" not in output
    assert "Traceback" not in output
    assert password not in output


def test_a_query_whose_session_is_terminated_is_refused_as_the_server_gone(
    pg_database: PgConnInfo, runner: CliRunner
) -> None:
    def terminate() -> None:
        with psycopg.connect(pg_database.dsn, autocommit=True) as admin:
            for _ in range(100):
                time.sleep(0.1)
                found = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                    "current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep%'"
                ).fetchall()
                if found:
                    return

    killer = threading.Thread(target=terminate)
    killer.start()
    try:
        result = runner.invoke(app, ["--as", "admin", "query", "SELECT pg_sleep(20) AS s"])
    finally:
        killer.join()

    _assert_server_gone(
        result.output, result.stderr, result.exit_code, pg_database.password, saved=False
    )
    assert "administrator command" in result.stderr
    assert "refused sql" not in result.stderr


def test_a_rebuild_whose_server_dies_is_refused_as_the_server_gone(
    pg_database: PgConnInfo, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies(self: PgDatabase, tables: object) -> None:
        raise psycopg.OperationalError(
            "consuming input failed: server closed the connection unexpectedly\n\tThis "
            "probably means the server terminated abnormally\n\tbefore or while processing "
            "the request."
        )

    monkeypatch.setattr(PgDatabase, "clear_tables", dies)

    result = runner.invoke(app, ["projections", "rebuild"])

    _assert_server_gone(
        result.output, result.stderr, result.exit_code, pg_database.password, saved=False
    )
    assert "consuming input failed: server closed the connection unexpectedly)" in result.stderr


def test_an_error_that_is_a_defect_is_not_taken_for_the_server_gone(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(self: PgDatabase, tables: object) -> None:
        raise psycopg.OperationalError("the connection is closed")  # used after close()

    monkeypatch.setattr(PgDatabase, "clear_tables", fails)

    result = runner.invoke(app, ["projections", "rebuild"])

    assert "server closed the connection" not in result.output
    assert isinstance(result.exception, psycopg.OperationalError)


def _gone() -> psycopg.OperationalError:
    return psycopg.OperationalError("consuming input failed: server closed the connection")


def test_a_lost_server_that_a_command_answered_with_its_own_exit_code_keeps_it() -> None:
    # Review of the analyst round: refusals caught typer.Exit (click's Exit is a RuntimeError)
    # and lost_server followed __context__ through `raise ... from None`, so an erasure left
    # unfinished (exit 3) said "refused store: ... nothing of it was written", exit 2.
    @refusals
    def erase_like() -> None:
        try:
            raise _gone()
        except psycopg.OperationalError:
            raise typer.Exit(3) from None

    with pytest.raises(typer.Exit) as exited:
        erase_like()
    assert exited.value.exit_code == 3


def _defect_while_handling() -> None:
    try:
        raise _gone()
    except psycopg.OperationalError:
        raise ValueError("a defect while handling it") from None


def test_what_an_error_was_raised_from_counts_and_a_suppressed_context_does_not() -> None:
    with pytest.raises(ValueError, match="a defect") as suppressed:
        _defect_while_handling()
    wrapped = RuntimeError("wrapped")
    wrapped.__cause__ = _gone()

    assert lost_server(suppressed.value) is None
    assert lost_server(wrapped) == "consuming input failed: server closed the connection"


def test_a_protocol_violation_is_a_defect_not_a_lost_server() -> None:
    violation = psycopg.errors.ProtocolViolation("invalid frontend message type")
    failure = psycopg.errors.ConnectionFailure("connection failure")

    assert (violation.sqlstate, failure.sqlstate) == ("08P01", "08006")
    assert lost_server(violation) is None
    assert lost_server(failure) == "connection failure"
