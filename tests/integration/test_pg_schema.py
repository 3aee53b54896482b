"""Two ledgers in one PostgreSQL database, a schema each (``POSTGRES_SCHEMA``,
docs/operations.md): every table of a ledger lives in its own schema, none in ``public``, and
neither ledger sees the other's households, keys or read models. The household key table and
the read models used to be made in ``public`` (the first identification failed: the key check
looked for ``ledger_events`` there), and the read models of two ledgers would have been one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from cli.main import app
from ledger.store import parse_store
from projections.pg import READ_MODEL_LOCK, protect_events, read_model_lock
from typer.testing import CliRunner

from tests.pgserver import PgConnInfo, ThrowawayPostgres
from tests.store_copies import StoreCopies
from tests.support import ledger_at, register

SCHEMAS = ("county_a", "county_b")


def tables(info: PgConnInfo) -> dict[str, set[str]]:
    with psycopg.connect(info.dsn) as conn:
        rows = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
    found: dict[str, set[str]] = {}
    for schema, name in rows:
        found.setdefault(schema, set()).add(name)
    return found


def build(dsn: str) -> None:
    """County A's ledger with household JH-A, county B's with JH-B and JH-B2."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        for schema in SCHEMAS:
            conn.execute(f"CREATE SCHEMA {schema}")
    for schema, households in zip(SCHEMAS, (["JH-A"], ["JH-B", "JH-B2"]), strict=True):
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setenv("POSTGRES_SCHEMA", schema)
            with ledger_at(dsn) as ledger:
                for number in households:
                    register(ledger, number)


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[StoreCopies]:
    """The two ledgers, built once a module (built for each test until session 33)."""
    with StoreCopies.of(tmp_path_factory, request, build) as copies:
        yield copies


@pytest.fixture
def two_ledgers(
    pg_database: PgConnInfo, built: StoreCopies, request: pytest.FixtureRequest
) -> PgConnInfo:
    """County A's ledger with household JH-A, county B's with JH-B and JH-B2: a copy of
    ``built`` in the test's own database."""
    built.copy_to(pg_database.dsn, request)
    return pg_database


def fupin(monkeypatch: pytest.MonkeyPatch, schema: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("POSTGRES_SCHEMA", schema)
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_each_ledger_keeps_every_table_in_its_own_schema(
    two_ledgers: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dsn = two_ledgers.dsn
    for schema in SCHEMAS:  # the read models made too
        code, _, err = fupin(monkeypatch, schema, "--store", dsn, "report", "caseload")
        assert code == 0, err

    found = tables(two_ledgers)

    assert "public" not in found  # nothing of either ledger there
    for schema in SCHEMAS:
        assert {"ledger_events", "household_keys", "pj_households", "pj_tracking"} <= found[schema]
    assert found["county_a"] == found["county_b"]


def test_neither_ledger_sees_the_others_households(
    two_ledgers: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dsn = two_ledgers.dsn
    as_admin = ("--store", dsn, "--as", "admin")

    code_a, out_a, _ = fupin(monkeypatch, "county_a", *as_admin, "household", "show", "JH-B")
    code_b, _, err_b = fupin(monkeypatch, "county_b", *as_admin, "household", "show", "JH-B")
    _, json_a, _ = fupin(
        monkeypatch, "county_a", "--store", dsn, "report", "caseload", "--format", "json"
    )
    _, json_b, _ = fupin(
        monkeypatch, "county_b", "--store", dsn, "report", "caseload", "--format", "json"
    )

    assert code_a != 0
    assert "JH-B" not in out_a
    assert code_b == 0, err_b
    assert households(json_a) == 1
    assert households(json_b) == 2


def households(report: str) -> int:
    return sum(row["households"] for row in json.loads(report)["by_status"])


def test_verify_and_keys_check_read_their_own_schema(
    two_ledgers: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    dsn = two_ledgers.dsn
    for schema, live in zip(SCHEMAS, (1, 2), strict=True):
        code, out, err = fupin(monkeypatch, schema, "--store", dsn, "verify")
        assert code == 0, out + err
        assert "every household with personal data has its key row" in out
        code, out, err = fupin(
            monkeypatch, schema, "--store", dsn, "--as", "admin", "keys", "check"
        )
        assert code == 0, out + err
        assert f"{live} live" in out


def test_protecting_one_ledger_grants_in_its_schema_only(
    two_ledgers: PgConnInfo, pg_server: ThrowawayPostgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"officers_{two_ledgers.dbname}"[:63]
    officers = pg_server.create_role(name, dbname=two_ledgers.dbname)
    monkeypatch.setenv("POSTGRES_SCHEMA", "county_a")
    protect_events(parse_store(two_ledgers.dsn), name)

    code_a, _, err_a = fupin(monkeypatch, "county_a", "--store", officers.dsn, "report", "caseload")
    code_b, _, err_b = fupin(monkeypatch, "county_b", "--store", officers.dsn, "report", "caseload")

    assert code_a == 0, err_a
    assert code_b != 0, err_b
    assert "permission denied" in err_b.lower(), (code_b, err_b)
    with psycopg.connect(officers.dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM county_a.ledger_events")


@pytest.mark.parametrize("bad", ["County_A", "a-b", "1a", "pg_x", "a b"])
def test_a_schema_name_fupin_cannot_write_as_it_is_is_refused(
    bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTGRES_SCHEMA", bad)
    result = CliRunner().invoke(
        app, ["--store", "postgresql://u:p@127.0.0.1:1/db", "report", "caseload"]
    )

    assert result.exit_code != 0
    assert "POSTGRES_SCHEMA" in result.stderr
    assert "lower case" in result.stderr
    assert "Traceback" not in result.output


def test_the_store_is_shown_with_its_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTGRES_SCHEMA", "county_a")
    shown = parse_store("postgresql://u:secret@h/db").display
    monkeypatch.setenv("POSTGRES_SCHEMA", "public")
    plain = parse_store("postgresql://u:secret@h/db").display

    assert shown == "postgresql://u@h:5432/db (schema county_a)"
    assert plain == "postgresql://u@h:5432/db"


def test_a_backup_of_one_ledger_holds_its_schema_alone_and_restores_into_it(
    two_ledgers: PgConnInfo,
    pg_server: ThrowawayPostgres,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    dump = tmp_path / "county_a.dump"
    target = pg_server.create_database(f"r_{two_ledgers.dbname}"[:63])
    with psycopg.connect(target.dsn, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA county_a")
        conn.execute("CREATE SCHEMA county_b")

    code, out, err = fupin(monkeypatch, "county_a", "--store", two_ledgers.dsn, "backup", str(dump))
    assert code == 0, out + err
    wrong, _, wrong_err = fupin(
        monkeypatch, "county_b", "--store", target.dsn, "restore", str(dump)
    )
    code, out, err = fupin(monkeypatch, "county_a", "--store", target.dsn, "restore", str(dump))
    assert code == 0, out + err
    _, report, _ = fupin(
        monkeypatch, "county_a", "--store", target.dsn, "report", "caseload", "--format", "json"
    )

    assert wrong != 0
    assert "schema county_a" in wrong_err
    assert "POSTGRES_SCHEMA=county_a" in wrong_err
    assert households(report) == 1
    found = tables(target)
    assert "ledger_events" in found["county_a"]
    assert "county_b" not in found
    assert "public" not in found


def test_a_ledger_whose_schema_was_not_made_is_refused_in_one_line(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    args = ("--store", pg_database.dsn, "--as", "admin", "init", "--admin", "admin")
    init = (*args, "--name", "区扶贫办", "-d", "江高发〔2016〕4号", "-e", "2016-07-26")
    dump = tmp_path / "none.dump"
    dump.write_bytes(b"PGDMP")  # only its beginning is read before the schema is looked at

    code, out, err = fupin(monkeypatch, "nowhere", *init)
    restored, _, restore_err = fupin(
        monkeypatch, "nowhere", "--store", pg_database.dsn, "restore", str(dump)
    )

    assert code != 0
    assert "CREATE SCHEMA nowhere" in err, out + err
    assert len(err.strip().splitlines()) == 1
    assert restored != 0
    assert "CREATE SCHEMA nowhere" in restore_err, restore_err


def test_query_reads_the_read_models_of_its_own_schema(
    two_ledgers: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    sql = "SELECT count(*) AS n FROM pj_households"
    counts = {}
    for schema in SCHEMAS:
        code, out, err = fupin(
            monkeypatch, schema, "--store", two_ledgers.dsn, "query", sql, "--format", "json"
        )
        assert code == 0, out + err
        counts[schema] = json.loads(out)["rows"]

    assert counts == {"county_a": [[1]], "county_b": [[2]]}


def test_verify_knows_the_ledgers_own_triggers_in_its_schema(
    two_ledgers: PgConnInfo, pg_server: ThrowawayPostgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their functions are in the ledger's schema (ledger.schema.LEDGER_PG_TRIGGERS, session
    22: a trigger is the ledger's by its name, table, function and type)."""
    name = f"officers_{two_ledgers.dbname}"[:63]
    pg_server.create_role(name, dbname=two_ledgers.dbname)
    monkeypatch.setenv("POSTGRES_SCHEMA", "county_a")
    protect_events(parse_store(two_ledgers.dsn), name)

    code, out, err = fupin(monkeypatch, "county_a", "--store", two_ledgers.dsn, "verify")

    assert code == 0, out + err


def test_a_restore_into_a_schema_keeps_the_roles_use_of_it(
    two_ledgers: PgConnInfo,
    pg_server: ThrowawayPostgres,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The IT administrator, session 22: ``pg_restore --schema`` left out the schema's grants
    with its ``CREATE SCHEMA``, and after a restore that said it succeeded the officers' and
    analysts' roles were refused the schema."""
    name = f"officers_{two_ledgers.dbname}"[:63]
    officers = pg_server.create_role(name, dbname=two_ledgers.dbname)
    monkeypatch.setenv("POSTGRES_SCHEMA", "county_a")
    protect_events(parse_store(two_ledgers.dsn), name)
    dump = tmp_path / "county_a.dump"
    target = pg_server.create_database(f"g_{two_ledgers.dbname}"[:63])
    with psycopg.connect(target.dsn, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA county_a")
    code, out, err = fupin(monkeypatch, "county_a", "--store", two_ledgers.dsn, "backup", str(dump))
    assert code == 0, out + err

    code, out, err = fupin(monkeypatch, "county_a", "--store", target.dsn, "restore", str(dump))

    assert code == 0, out + err
    with psycopg.connect(target.dsn) as conn:
        row = conn.execute(
            "SELECT has_schema_privilege(%s, 'county_a', 'USAGE')", (name,)
        ).fetchone()
    assert row == (True,)
    moved = officers.dsn.replace(f"/{two_ledgers.dbname}", f"/{target.dbname}")
    code, out, err = fupin(monkeypatch, "county_a", "--store", moved, "report", "caseload")
    assert code == 0, out + err


def test_a_ledgers_read_models_lock_holds_up_its_own_schema_only(
    two_ledgers: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tester e, session 35 (F3): every ledger of a database took one advisory lock to write
    # its read models, so county_a's catch-up held county_b's report up, and refused it.
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    assert read_model_lock("county_a") != read_model_lock("county_b") != READ_MODEL_LOCK
    assert read_model_lock("public") == READ_MODEL_LOCK  # as every fupin before took it
    with psycopg.connect(two_ledgers.dsn, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (read_model_lock("county_a"),))

        code_a, _, err_a = fupin(
            monkeypatch, "county_a", "--store", two_ledgers.dsn, "report", "caseload"
        )
        code_b, _, err_b = fupin(
            monkeypatch, "county_b", "--store", two_ledgers.dsn, "report", "caseload"
        )

    assert code_a == 2
    assert "another process is updating the read models" in err_a
    assert code_b == 0, err_b
    assert "waiting" not in err_b  # nothing of county_a's lock
