"""Session 22, a district administrator on PostgreSQL 15: a store URL without a password
ignored libpq's ``PGPASSWORD`` (docs/operations.md: libpq's environment variables are
honoured). Every connection passed ``password=`` the URL's empty password, which overrides
it, and ``fupin backup`` set ``PGPASSWORD`` to that empty password for pg_dump. The test
server asks every connection for a password (scram-sha-256, tests/pgserver.py)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from cli.main import app
from typer.testing import CliRunner

from tests.pgserver import PgConnInfo

runner = CliRunner(env={"LEDGER_STORE": None, "LEDGER_ACTOR": None, "LEDGER_KEY": None})
INIT = ["--as", "admin", "init", "--admin", "admin", "--name", "x", "-d", "d", "-e", "2016-07-26"]


def _without_password(info: PgConnInfo) -> str:
    return f"postgresql://{quote(info.user, safe='')}@{info.host}:{info.port}/{info.dbname}"


def test_a_url_without_a_password_takes_pgpassword(
    pg_database: PgConnInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", pg_database.password)
    store = _without_password(pg_database)

    init = runner.invoke(app, ["--store", store, *INIT])
    assert init.exit_code == 0, init.output
    report = runner.invoke(app, ["--store", store, "--as", "admin", "verify"])
    assert report.exit_code == 0, report.output
    target = tmp_path / "ledger.dump"
    backup = runner.invoke(app, ["--store", store, "backup", str(target)])
    assert backup.exit_code == 0, backup.output
    assert target.stat().st_size > 0


def test_a_url_without_a_password_nor_pgpassword_is_refused_by_the_server(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")

    result = runner.invoke(app, ["--store", _without_password(pg_database), *INIT])

    assert result.exit_code == 2, result.output
    assert "password" in result.stderr
    assert "Traceback" not in result.output
