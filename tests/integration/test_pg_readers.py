"""Readers of the read models on PostgreSQL: analysts and replicas write nothing, lock waits
are refusals.

An analysts' role (docs/operations.md: SELECT on every table, ``default_transaction_read_only``)
and a role that may only SELECT read the read models as they are: caught up, nothing is written
and no write lock is taken; behind, they report them as they are with a one-line note saying how
far behind; not built or built by an older fupin, they are refused in one line naming what to
do. A read or an update waiting behind another session's lock (a rebuild's advisory lock, a
table lock) waits about ``LEDGER_LOCK_TIMEOUT`` and is then refused in one line, exit code 2.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, replace

import psycopg
import pytest
from cli.main import app
from ledger.application import open_ledger
from ledger.store import parse_store
from projections import pg
from projections.catchup import SCHEMA_VERSION
from projections.pg import READ_MODEL_LOCK, protect_events
from psycopg import sql
from typer.testing import CliRunner, Result

from tests.pgserver import PgConnInfo, ThrowawayPostgres
from tests.store_copies import StoreCopies
from tests.support import ledger_at, register

runner = CliRunner()

REPORTS = (
    ("report", "caseload", "--format", "json"),
    ("report", "funds", "--format", "json"),
    ("query", "SELECT COUNT(*) AS n FROM pj_households", "--format", "json"),
    ("projections", "status", "--format", "json"),
)


def fupin(store: str, *args: str, actor: str = "ana-1") -> Result:
    return runner.invoke(app, ["--store", store, "--as", actor, *args])


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def assert_refused(result: Result, text: str, *, noted: bool = False) -> None:
    """Refused in one line (``noted``: after the one note that the command waited)."""
    assert result.exit_code == 2, result.output
    stderr = result.stderr
    if noted:
        said, stderr = stderr.split("\n", 1)
        assert said.startswith("note: waiting for "), result.stderr
    line = one_line(stderr)
    assert line.startswith("refused store: "), line
    assert text in line, line
    assert "Traceback" not in result.output
    for leak in ("SELECT projection", "pg_advisory", "INSERT INTO", " FROM ", "LINE 1", "CONTEXT"):
        assert leak not in line, line


@dataclass(frozen=True)
class Roles:
    owner: PgConnInfo
    officers: PgConnInfo
    analysts: PgConnInfo  # SELECT on every table, every transaction read-only
    selecting: PgConnInfo  # SELECT on every table, nothing else (not read-only)


READERS = ("officers", "analysts", "selecting")


@dataclass(frozen=True)
class Granted:
    """The officers', analysts' and SELECT-only roles, made once a module, and the ledger with
    their grants, built once a module and copied for each test (until session 33 both were
    made for each test, ~0.5 s, for some 50 tests of three modules)."""

    made: dict[str, PgConnInfo]
    copies: StoreCopies


@pytest.fixture(scope="module")
def granted(
    pg_server: ThrowawayPostgres,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[Granted]:
    suffix = request.module.__name__.rsplit(".", 1)[-1][:40]
    names = {kind: f"{kind}_{suffix}" for kind in READERS}
    made = {kind: pg_server.create_role(name) for kind, name in names.items()}
    with pg_server.connect(dbname="postgres") as conn:
        conn.execute(
            sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(
                sql.Identifier(names["analysts"])
            )
        )

    def build(dsn: str) -> None:
        """A ledger with one household, protected for officers, with the analysts' grants."""
        with ledger_at(dsn) as ledger:
            register(ledger, "JH-1")
        protect_events(parse_store(dsn), names["officers"])
        with psycopg.connect(dsn, autocommit=True) as conn:
            for kind in ("analysts", "selecting"):
                role = sql.Identifier(names[kind])
                grant = sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}")
                conn.execute(grant.format(role))

    try:
        with StoreCopies.of(tmp_path_factory, request, build) as copies:
            yield Granted(made, copies)
    finally:
        with pg_server.connect(dbname="postgres") as conn:
            for name in names.values():
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


@pytest.fixture
def roles(pg_database: PgConnInfo, granted: Granted, request: pytest.FixtureRequest) -> Roles:
    """A ledger with one household, protected for officers, with the analysts' grants: a copy
    for the test, in its own database (dropped after it)."""
    granted.copies.copy_to(pg_database.dsn, request)
    mine = {kind: replace(granted.made[kind], dbname=pg_database.dbname) for kind in READERS}
    return Roles(pg_database, mine["officers"], mine["analysts"], mine["selecting"])


def tracking(info: PgConnInfo) -> list[tuple[str, int]]:
    with psycopg.connect(info.dsn) as conn:
        return [(str(n), int(p)) for n, p in conn.execute("SELECT * FROM pj_tracking ORDER BY 1")]


def writes(info: PgConnInfo) -> int:
    """Rows ever inserted, updated or deleted in the read models' tables (statistics)."""
    with psycopg.connect(info.dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables "
            "WHERE relname LIKE 'pj\\_%'"
        ).fetchone()
    assert row is not None
    return int(row[0])


def caught_up(roles: Roles) -> None:
    assert fupin(roles.owner.dsn, "projections", "rebuild", actor="admin").exit_code == 0


@pytest.mark.parametrize("reader", ["analysts", "selecting"])
@pytest.mark.parametrize("command", REPORTS, ids=lambda c: "-".join(c[:2]))
def test_a_reader_reads_caught_up_read_models_and_writes_nothing(
    roles: Roles, reader: str, command: tuple[str, ...]
) -> None:
    # They failed: "ReadOnlySqlTransaction: cannot execute INSERT in a read-only transaction"
    # (analysts), "InsufficientPrivilege: permission denied for table pj_tracking" (SELECT).
    caught_up(roles)
    before = tracking(roles.owner)

    result = fupin(getattr(roles, reader).dsn, *command)

    assert result.exit_code == 0, result.output
    # Nothing but the note of a report whose today is the last day on record (report funds,
    # since session 24), which says nothing of the read models.
    said = [line for line in result.stderr.splitlines() if "is the last day on record" not in line]
    assert said == []
    assert tracking(roles.owner) == before
    body = json.loads(result.stdout)
    if command[0] == "query":
        assert body["rows"] == [[1]]
    elif command[1] == "status":
        assert {row["behind"] for row in body} == {0}
    elif command[1] == "caseload":
        assert body["totals"]["households"] == 1


def test_a_caught_up_read_takes_no_write_lock(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read of caught-up read models waits on no writer: the owner's advisory lock is held.
    caught_up(roles)
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    writes_before = writes(roles.owner)
    with psycopg.connect(roles.owner.dsn) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (READ_MODEL_LOCK,))
        officer = fupin(roles.officers.dsn, "report", "caseload", "--format", "json", actor="jn-01")
        analyst = fupin(roles.analysts.dsn, "report", "caseload", "--format", "json")

    assert officer.exit_code == analyst.exit_code == 0, officer.output + analyst.output
    assert json.loads(officer.stdout)["totals"] == json.loads(analyst.stdout)["totals"]
    assert writes(roles.owner) == writes_before


@pytest.mark.parametrize("reader", ["analysts", "selecting"])
def test_a_reader_reports_read_models_behind_as_they_are_with_a_note(
    roles: Roles, reader: str
) -> None:
    caught_up(roles)
    with closing(open_ledger(roles.officers.dsn)) as ledger:  # events nobody has caught up
        register(ledger, "JH-2", serial=2)
    before = tracking(roles.owner)
    store = getattr(roles, reader).dsn

    report = fupin(store, "report", "caseload", "--format", "json")
    query = fupin(store, "query", "SELECT COUNT(*) AS n FROM pj_households", "--format", "json")
    status = fupin(store, "projections", "status", "--format", "json")

    assert report.exit_code == query.exit_code == status.exit_code == 0, report.output
    assert json.loads(report.stdout)["totals"]["households"] == 1  # as they are: JH-2 not yet
    assert json.loads(query.stdout)["rows"] == [[1]]
    assert all(row["behind"] > 0 for row in json.loads(status.stdout))
    for result in (report, query):
        note = one_line(result.stderr)
        assert note.startswith("note: the read models are up to "), note
        assert "events behind the ledger" in note
        # a notification id, not a count of events (ids skip rolled-back saves' numbers)
        assert "(at notification " in note
        assert "ids may skip numbers" in note
        assert "as they are" in note
    assert tracking(roles.owner) == before
    # An officer's report brings them up to date for everybody.
    assert fupin(roles.officers.dsn, "report", "caseload", actor="jn-01").exit_code == 0
    again = fupin(store, "report", "caseload", "--format", "json")
    assert again.stderr == ""
    assert json.loads(again.stdout)["totals"]["households"] == 2


def test_read_models_of_an_older_fupin_are_refused_to_a_reader(roles: Roles) -> None:
    caught_up(roles)
    with psycopg.connect(roles.owner.dsn) as conn:
        conn.execute("UPDATE pj_schema SET version = %s", (SCHEMA_VERSION - 1,))

    result = fupin(roles.analysts.dsn, "report", "caseload")

    assert_refused(result, "built by an older fupin")
    assert "projections rebuild" in result.stderr
    assert "read-only" in result.stderr


@pytest.mark.parametrize("reader", ["analysts", "selecting"])
def test_read_models_not_built_are_refused_to_a_reader(roles: Roles, reader: str) -> None:
    with psycopg.connect(roles.owner.dsn) as conn:
        conn.execute("DROP TABLE pj_tracking")

    for command in REPORTS[:3]:
        result = fupin(getattr(roles, reader).dsn, *command)

        assert_refused(result, "not built")
        assert "projections rebuild" in result.stderr


def test_a_reader_cannot_rebuild_and_is_told_so(roles: Roles) -> None:
    result = fupin(roles.analysts.dsn, "projections", "rebuild")

    assert_refused(result, "read-only")


@pytest.mark.parametrize(
    "command",
    [*REPORTS, ("projections", "check")],
    ids=lambda c: "-".join(c[:2]),
)
def test_a_read_behind_a_table_lock_is_refused_in_one_line(
    roles: Roles, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    # They exited 1: "internal error: LockNotAvailable: canceling statement due to lock
    # timeout", with the statement quoted.
    caught_up(roles)
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    with psycopg.connect(roles.owner.dsn) as holder:
        holder.execute("LOCK TABLE pj_tracking IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        result = fupin(roles.owner.dsn, *command, actor="admin")
        waited = time.monotonic() - started

    # Since session 28 the wait is said, and the refusal names the session and the table the
    # server named while this waited (it said "another process is updating the read models").
    assert_refused(result, "held a lock on pj_tracking past LEDGER_LOCK_TIMEOUT (1 s)", noted=True)
    assert "refused store: another session (pid " in result.stderr
    assert "holds a lock on pj_tracking" in result.stderr
    assert 0.9 < waited < 10


def hold_the_read_models(dsn: str, seconds: float, held: threading.Event) -> None:
    """Hold the read models' advisory lock for ``seconds`` (a rebuild's transaction)."""
    with psycopg.connect(dsn) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (READ_MODEL_LOCK,))
        held.set()
        time.sleep(seconds)


def test_a_catch_up_waits_for_a_rebuilds_transaction_up_to_the_lock_timeout(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The read models' own statements waited a tenth of LEDGER_LOCK_TIMEOUT (0.5 s of 5 s) for
    # the advisory lock, and a report behind a rebuild's transaction was an internal error.
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "5")
    held = threading.Event()
    holder = threading.Thread(target=hold_the_read_models, args=(roles.owner.dsn, 1.5, held))
    holder.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        result = fupin(roles.officers.dsn, "report", "caseload", "--format", "json", actor="jn-01")
        waited = time.monotonic() - started
    finally:
        holder.join()

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["households"] == 1
    assert waited > 1


@pytest.mark.parametrize("command", [("report", "caseload"), ("projections", "rebuild")])
def test_a_catch_up_behind_a_held_advisory_lock_is_refused_after_the_lock_timeout(
    roles: Roles, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "2")
    with psycopg.connect(roles.owner.dsn) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (READ_MODEL_LOCK,))
        started = time.monotonic()
        result = fupin(roles.owner.dsn, *command, actor="admin")
        waited = time.monotonic() - started

    # Since session 26 the wait is said first, once, after half the timeout: then the refusal.
    said, refusal = result.stderr.strip().splitlines()
    # The store as every other note names it (since session 28: "database fupin").
    assert said.startswith("note: waiting for postgresql://"), said
    assert "waiting up to LEDGER_LOCK_TIMEOUT (2 s)" in said
    assert result.exit_code == 2, result.output
    assert refusal.startswith("refused store: ")
    assert "another process is updating the read models; try again" in refusal
    assert "(lock wait past 2 s)" in refusal
    assert 1.8 < waited < 10


def test_a_reader_without_a_grant_on_the_read_models_is_told_which(roles: Roles) -> None:
    # A table made after `GRANT SELECT ON ALL TABLES` is not granted: an internal error was
    # "InsufficientPrivilege: permission denied for table pj_tracking".
    caught_up(roles)
    with psycopg.connect(roles.owner.dsn) as conn:
        conn.execute(
            sql.SQL("REVOKE SELECT ON pj_tracking FROM {}").format(
                sql.Identifier(roles.analysts.user)
            )
        )

    for command in REPORTS:
        result = fupin(roles.analysts.dsn, *command)

        assert_refused(result, f"role {roles.analysts.user} may not read the read models")
        assert "permission denied for table pj_tracking" in result.stderr


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_on_sqlite_a_caught_up_read_takes_no_write_lock(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same code path: a report on caught-up read models began a write transaction
    # (BEGIN IMMEDIATE) and was refused while another process was writing.
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")
    assert fupin(store, "projections", "rebuild", actor="admin").exit_code == 0
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    with closing(sqlite3.connect(store, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        try:
            result = fupin(store, "report", "caseload", "--format", "json")
        finally:
            writer.execute("ROLLBACK")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["households"] == 1


def test_an_analysts_query_past_its_time_is_still_the_querys_refusal(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lock waits became store refusals; a query stopped by its statement timeout stays `sql`.
    caught_up(roles)
    monkeypatch.setattr(pg, "QUERY_TIMEOUT_MS", 200)
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT MAX(i) FROM n"

    result = fupin(roles.analysts.dsn, "query", endless)

    assert result.exit_code == 2, result.output
    line = one_line(result.stderr)
    assert line.startswith("refused sql: "), line
    assert "ran past the limit of 60 s; ask for less" in line  # docs/reports.md, as on SQLite
