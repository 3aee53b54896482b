"""A store whose URL scheme is spelled otherwise is never echoed with its password."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from cli.main import app
from ledger.errors import InputError
from ledger.store import parse_store
from typer.testing import CliRunner

runner = CliRunner()
PASSWORD = "S3cretPW"
INIT = ("init", "--admin", "admin", "--name", "x", "-d", "d", "-e", "2016-07-26")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("scheme", ["postgresql+psycopg", "postgresq", "psql", "mysql", "x"])
@pytest.mark.parametrize("command", [("report", "caseload"), INIT])
def test_an_unknown_scheme_is_refused_without_its_password(
    scheme: str, command: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It was taken for a SQLite path and quoted whole: "refused store: folder
    # postgresql+psycopg:/postgres:S3cretPW@127.0.0.1:55433 does not exist".
    monkeypatch.chdir(tmp_path)
    store = f"{scheme}://postgres:{PASSWORD}@127.0.0.1:55433/fupin"

    result = runner.invoke(app, ["--store", store, "--as", "admin", *command])

    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"refused store: {scheme}:// is not a store's scheme"), lines[0]
    assert "postgresql://user:pass@host:port/db" in lines[0]
    assert PASSWORD not in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("scheme", ["PostgreSQL", "POSTGRES", "Postgresql"])
def test_a_postgresql_scheme_in_capitals_is_a_postgresql_store(scheme: str) -> None:
    # URL schemes are case-insensitive (RFC 3986).
    port = closed_port()
    store = f"{scheme}://postgres:{PASSWORD}@127.0.0.1:{port}/fupin"

    assert parse_store(store).kind == "postgres"
    result = runner.invoke(app, ["--store", store, "report", "caseload"])

    assert result.exit_code == 2, result.output
    assert f"cannot connect to postgresql://postgres@127.0.0.1:{port}/fupin" in result.stderr
    assert PASSWORD not in result.output


def test_a_sqlite_scheme_in_capitals_is_a_sqlite_url() -> None:
    assert parse_store("SQLite:///tmp/x.db").path == Path("tmp/x.db")
    with pytest.raises(InputError) as refused:
        parse_store(f"Psql://u:{PASSWORD}@h/db")
    assert PASSWORD not in str(refused.value)


@pytest.mark.parametrize(
    "store",
    [
        f"postgresql:/postgres:{PASSWORD}@127.0.0.1:55433/fupin",
        f"PostgreSQL:/postgres:{PASSWORD}@127.0.0.1/fupin",
        f"postgres:postgres:{PASSWORD}@127.0.0.1/fupin",
        f"postgresql:///postgres:{PASSWORD}@h/db",
    ],
)
def test_a_postgresql_scheme_short_of_its_slashes_is_refused_without_its_password(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "postgresql:/…" (one slash) was taken for a SQLite path and quoted whole: "refused
    # store: folder postgresql:/postgres:S3cretPW@127.0.0.1:55433 does not exist".
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(app, ["--store", store, "--as", "admin", *INIT])

    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("refused store: "), lines[0]
    assert PASSWORD not in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written
