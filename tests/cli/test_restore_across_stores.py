"""A backup restored into the other kind of store is refused naming what it is and where it
goes: a SQLite backup into a PostgreSQL store gave only pg_restore's words ("pg_restore failed:
pg_restore: error: input file does not appear to be a valid archive"); a PostgreSQL backup into
a SQLite path is named too. Nothing is restored either way."""

from __future__ import annotations

from pathlib import Path

import psycopg
from cli.main import app
from typer.testing import CliRunner

from tests.cli.conftest import assert_refused
from tests.pgserver import PgConnInfo

runner = CliRunner(env={"LEDGER_STORE": None, "LEDGER_ACTOR": None})
INIT = ["--as", "admin", "init", "--admin", "admin", "--name", "x", "-d", "d", "-e", "2016-07-26"]


def _ok(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def _tables(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public'"
        ).fetchall()
    return [str(name) for (name,) in rows]


def test_a_sqlite_backup_into_a_postgresql_store_is_named(
    pg_database: PgConnInfo, tmp_path: Path
) -> None:
    store, file = tmp_path / "ledger.db", tmp_path / "backup.db"
    _ok("--store", str(store), *INIT)
    _ok("--store", str(store), "backup", str(file))

    result = runner.invoke(app, ["--store", pg_database.dsn, "restore", str(file)])

    assert_refused(result, "file", "is not pg_dump's archive but a SQLite database")
    assert "restored into a SQLite store (--store path/to/new.db" in result.stderr
    assert "nothing was restored" in result.stderr
    assert "pg_restore" not in result.stderr
    assert pg_database.password not in result.output
    assert _tables(pg_database.dsn) == []


def test_an_empty_file_into_a_postgresql_store_is_named(
    pg_database: PgConnInfo, tmp_path: Path
) -> None:
    file = tmp_path / "backup.dump"
    file.touch()

    result = runner.invoke(app, ["--store", pg_database.dsn, "restore", str(file)])

    assert_refused(result, "file", "is empty, not a backup of a ledger")
    assert _tables(pg_database.dsn) == []


def test_a_postgresql_backup_into_a_sqlite_store_is_named(
    pg_database: PgConnInfo, tmp_path: Path
) -> None:
    file, target = tmp_path / "backup.dump", tmp_path / "restored.db"
    _ok("--store", pg_database.dsn, *INIT)
    _ok("--store", pg_database.dsn, "backup", str(file))

    result = runner.invoke(app, ["--store", str(target), "restore", str(file)])

    assert_refused(result, "file", "is not a SQLite database but pg_dump's archive")
    assert "restored into a PostgreSQL store (--store postgresql://" in result.stderr
    assert list(tmp_path.iterdir()) == [file]
