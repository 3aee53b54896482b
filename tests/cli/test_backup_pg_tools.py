"""PostgreSQL's client tools missing: ``LEDGER_PG_BIN`` naming a folder without ``pg_dump``
or ``pg_restore`` (or none at all), or neither on ``PATH``. Before 2026-11-30 a restore
crashed (``internal error: FileNotFoundError: … '/nonexist/pg_restore'``, exit 1) and a backup
blamed its file (``refused file: cannot write x.dump: No such file or directory``). Now the
tool and where it was looked for are named, exit 2, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from cli.main import app
from typer.testing import CliRunner

from tests.cli.conftest import assert_refused
from tests.pgserver import PgConnInfo

runner = CliRunner(env={"LEDGER_STORE": None, "LEDGER_ACTOR": None})
INIT = ["--as", "admin", "init", "--admin", "admin", "--name", "x", "-d", "d", "-e", "2016-07-26"]


def _tables(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public'"
        ).fetchall()
    return [str(name) for (name,) in rows]


def _archive(tmp_path: Path) -> Path:
    # Begins as pg_dump's archives do: the restore gets as far as running pg_restore.
    file = tmp_path / "pg1.dump"
    file.write_bytes(b"PGDMP" + bytes(200))
    return file


@pytest.fixture(params=["missing", "empty"])
def pg_bin(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A LEDGER_PG_BIN that does not exist, or a folder without the client tools."""
    folder = tmp_path / "bin"
    if request.param == "empty":
        folder.mkdir()
    return folder


def test_a_restore_without_pg_restore_in_ledger_pg_bin_names_it(
    pg_database: PgConnInfo, tmp_path: Path, pg_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = _archive(tmp_path)
    monkeypatch.setenv("LEDGER_PG_BIN", str(pg_bin))

    result = runner.invoke(app, ["--store", pg_database.dsn, "restore", str(file)])

    assert_refused(result, "store", f"pg_restore not found in LEDGER_PG_BIN ({pg_bin}")
    assert "set LEDGER_PG_BIN to the folder that holds PostgreSQL's client tools" in result.stderr
    assert "or unset it" in result.stderr
    assert "nothing was restored" in result.stderr
    assert pg_database.password not in result.output
    assert _tables(pg_database.dsn) == []


def test_a_backup_without_pg_dump_in_ledger_pg_bin_names_it_not_the_file(
    pg_database: PgConnInfo, tmp_path: Path, pg_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init = runner.invoke(app, ["--store", pg_database.dsn, *INIT])
    assert init.exit_code == 0, init.output
    target = tmp_path / "x.dump"
    monkeypatch.setenv("LEDGER_PG_BIN", str(pg_bin))

    result = runner.invoke(app, ["--store", pg_database.dsn, "backup", str(target)])

    assert_refused(result, "store", f"pg_dump not found in LEDGER_PG_BIN ({pg_bin}")
    assert "cannot write" not in result.stderr
    assert "nothing was backed up" in result.stderr
    assert pg_database.password not in result.output
    assert not target.exists()
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".new")] == []


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_client_tools_found_nowhere_are_named_with_ledger_pg_bin(
    pg_database: PgConnInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    if command == "backup":
        init = runner.invoke(app, ["--store", pg_database.dsn, *INIT])
        assert init.exit_code == 0, init.output
    monkeypatch.delenv("LEDGER_PG_BIN", raising=False)
    monkeypatch.setattr("projections.backup.shutil.which", lambda tool: None)  # not on PATH
    # nor in /usr/lib/postgresql/*/bin
    monkeypatch.setattr("projections.backup.glob.glob", lambda pattern: [])
    file = tmp_path / "x.dump" if command == "backup" else _archive(tmp_path)
    before = sorted(tmp_path.iterdir())

    result = runner.invoke(app, ["--store", pg_database.dsn, command, str(file)])

    tool = "pg_dump" if command == "backup" else "pg_restore"
    assert_refused(result, "store", f"{tool} not found on PATH: install PostgreSQL's client tools")
    assert "or set LEDGER_PG_BIN to the folder that holds them" in result.stderr
    assert sorted(tmp_path.iterdir()) == before
    if command == "restore":
        assert _tables(pg_database.dsn) == []


def test_a_tool_that_cannot_be_run_is_named_not_the_backup_file(
    pg_database: PgConnInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init = runner.invoke(app, ["--store", pg_database.dsn, *INIT])
    assert init.exit_code == 0, init.output
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "pg_dump").write_bytes(b"\x00not a program")
    (folder / "pg_dump").chmod(0o755)
    target = tmp_path / "x.dump"
    monkeypatch.setenv("LEDGER_PG_BIN", str(folder))

    result = runner.invoke(app, ["--store", pg_database.dsn, "backup", str(target)])

    assert_refused(result, "store", f"cannot run {folder / 'pg_dump'}: Exec format error")
    assert "nothing was backed up" in result.stderr
    assert not target.exists()
