"""A PostgreSQL store: what goes wrong when opening it is said in one line, quickly."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from cli.main import app
from ledger.application import Ledger, open_ledger
from ledger.pgrecorder import LedgerPostgresRecorder
from projections.pg import _reason
from typer.testing import CliRunner, Result

from tests.pgserver import PgConnInfo

runner = CliRunner()


def fupin(store: str, *args: str) -> Result:
    return runner.invoke(app, ["--store", store, "--as", "admin", *args])


def assert_one_line_refusal(result: Result, text: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert text in lines[0]
    assert "Traceback" not in result.output


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_wrong_password_is_refused_at_once_with_the_servers_reason(
    pg_database: PgConnInfo,
) -> None:
    store = pg_database.dsn.replace(pg_database.password, "wrong")
    started = time.monotonic()

    result = fupin(store, "projections", "status")

    assert_one_line_refusal(result, "password authentication failed")
    assert pg_database.password not in result.output
    assert time.monotonic() - started < 3


def test_a_server_that_does_not_answer_is_refused_at_once() -> None:
    started = time.monotonic()

    result = fupin(f"postgresql://u:p@127.0.0.1:{closed_port()}/db", "projections", "status")

    assert_one_line_refusal(result, "cannot connect to postgresql://u@127.0.0.1")
    assert time.monotonic() - started < 3


def test_a_database_that_holds_no_ledger_is_refused_until_init(pg_database: PgConnInfo) -> None:
    result = fupin(pg_database.dsn, "projections", "status")

    assert_one_line_refusal(result, "holds no ledger yet; run `fupin init` first")


INIT = ("init", "--admin", "admin", "--name", "区扶贫办", "-d", "文", "-e", "2016-07-26")
COUNT = "SELECT COUNT(*) AS n FROM ledger_events"


def test_a_ledger_start_that_never_finished_is_refused_until_run_again(
    pg_database: PgConnInfo,
) -> None:
    # An ``import --create`` killed before it recorded anything left the events table empty:
    # every command read it as an empty ledger (verify passed, backups were taken) (tester E,
    # session 17).
    open_ledger(pg_database.dsn, create=True).close()  # its tables made, nothing recorded

    refused = [fupin(pg_database.dsn, *command) for command in (("log",), ("verify",))]
    init = fupin(pg_database.dsn, *INIT)

    for result in refused:
        assert_one_line_refusal(
            result,
            "holds no ledger yet: its events table is there but empty (an `init` or `import "
            "--create` stopped before it recorded anything); run that command again",
        )
    assert init.exit_code == 0, init.output


def test_init_then_commands_run_on_postgresql(pg_database: PgConnInfo) -> None:
    init = fupin(pg_database.dsn, *INIT)
    rebuild = fupin(pg_database.dsn, "projections", "rebuild")
    status = fupin(pg_database.dsn, "projections", "status", "--format", "json")

    assert init.exit_code == 0, init.output
    assert rebuild.exit_code == 0, rebuild.output
    assert status.exit_code == 0, status.output
    assert '"behind": 1' not in status.stdout
    assert '"position": 1' in status.stdout


READ_ONLY = "refused sql: read-only: only a SELECT (or WITH ... SELECT) statement runs"
#: Since session 28 (tester I) ``fupin query`` reads the read models alone: the events table is
#: refused before the statement runs, a write to it as any read of it.
NOT_EVENTS = "refused sql: permission denied for table ledger_events: no query may read"


def _events(dsn: str) -> int:
    """How many events the store holds, read by the owner (``fupin query`` reads none)."""
    with psycopg.connect(dsn) as db:
        row = db.execute("SELECT COUNT(*) FROM ledger_events").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        (
            "WITH gone AS (DELETE FROM pj_households RETURNING 1) SELECT COUNT(*) FROM gone",
            READ_ONLY,
        ),
        (
            "WITH gone AS (DELETE FROM ledger_events RETURNING 1) SELECT COUNT(*) FROM gone",
            NOT_EVENTS,
        ),
        ("SELECT nextval('ledger_events_notification_id_seq')", READ_ONLY),
    ],
)
def test_an_analysts_query_can_write_nothing_on_postgresql(
    pg_database: PgConnInfo, sql: str, said: str
) -> None:
    fupin(pg_database.dsn, *INIT)
    before = _events(pg_database.dsn)

    result = fupin(pg_database.dsn, "query", sql)

    assert result.exit_code == 2, result.output
    # The documented refusal, not the server's words (since session 24; before, PostgreSQL's
    # "cannot execute ... in a read-only transaction" reached the analyst as it was).
    assert said in result.stderr
    assert _events(pg_database.dsn) == before == 1


def test_a_write_held_up_by_a_lock_is_refused_within_the_lock_timeout(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fupin(pg_database.dsn, *INIT).exit_code == 0
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    holder = psycopg.connect(pg_database.dsn, autocommit=False)
    try:
        # Another session holds the events table: the ledger must not wait forever.
        holder.execute("LOCK TABLE ledger_events IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        result = fupin(
            pg_database.dsn, "place", "add-street", "外海", "-d", "doc", "-e", "2016-07-26"
        )
        waited = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()

    # One note that it waits, naming the holder (since session 28), then the refusal.
    said, refusal = result.stderr.strip().splitlines()
    assert said.startswith("note: waiting for "), said
    assert "holds a lock on ledger_events" in said, said
    assert result.exit_code == 2, result.output
    assert refusal.startswith("refused store: "), refusal
    assert "Traceback" not in result.output
    assert waited < 15  # LEDGER_LOCK_TIMEOUT=1: about 1 s of lock waits plus retries


def test_a_postgresql_store_inserts_through_the_ledgers_recorder(store_ledger: Ledger) -> None:
    # eventsourcing's pipelined insert hung now and then on large saves (ledger/pgrecorder.py).
    recorder = store_ledger.recorder
    if store_ledger.location is not None and store_ledger.location.kind == "postgres":
        assert isinstance(recorder, LedgerPostgresRecorder)
    else:
        assert not isinstance(recorder, LedgerPostgresRecorder)


@contextmanager
def closing_server() -> Iterator[int]:
    """A fake server on loopback that accepts, reads the start-up packet and closes: as a
    PostgreSQL server crashing or restarting, or a proxy dropping the connection, does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            with client:
                client.recv(1024)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        done.set()
        thread.join()
        listener.close()


def test_a_server_closing_the_connection_at_start_up_is_said_in_full() -> None:
    # libpq says it on three lines; only the last was kept ("cannot connect to …: before or
    # while processing the request.") before 2026-11-30.
    with closing_server() as port:
        result = fupin(f"postgresql://u:S3cretPW@127.0.0.1:{port}/fupin", "report", "caseload")

    assert_one_line_refusal(
        result,
        f"refused store: cannot connect to postgresql://u@127.0.0.1:{port}/fupin: server closed "
        "the connection unexpectedly (it may have stopped or restarted): try again once it is "
        "back",
    )
    assert "before or while processing" not in result.stderr
    assert "S3cretPW" not in result.output


def test_a_closed_port_keeps_libpqs_reason_and_hint() -> None:
    port = closed_port()

    result = fupin(f"postgresql://u:S3cretPW@127.0.0.1:{port}/db", "projections", "status")

    assert_one_line_refusal(
        result,
        f"cannot connect to postgresql://u@127.0.0.1:{port}/db: Connection refused (Is the server "
        "running on that host and accepting TCP/IP connections?)",
    )
    assert "S3cretPW" not in result.output


def test_after_several_addresses_the_last_attempts_reason_is_said() -> None:
    # psycopg's wording when a host name gave several addresses and each refused.
    error = psycopg.OperationalError(
        'connection failed: connection to server at "127.0.0.1", port 1 failed: server closed '
        "the connection unexpectedly\n\tThis probably means the server terminated abnormally\n"
        "\tbefore or while processing the request.\n"
        "Multiple connection attempts failed. All failures were:\n"
        "- host: 'db', port: '1', hostaddr: '::1': connection to server at \"::1\", port 1 "
        "failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP "
        "connections?\n"
        "- host: 'db', port: '1', hostaddr: '127.0.0.1': connection to server at "
        '"127.0.0.1", port 1 failed: server closed the connection unexpectedly\n\tThis '
        "probably means the server terminated abnormally\n\tbefore or while processing the "
        "request."
    )

    assert _reason(error) == (
        "server closed the connection unexpectedly (it may have stopped or restarted): try "
        "again once it is back"
    )
