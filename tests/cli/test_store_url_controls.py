"""A PostgreSQL store URL whose user, password, host or database name holds a control
character (or bytes that are not UTF-8) once percent-decoded is refused before connecting,
naming the part only, as a raw control character is. ``…/fupin%0A`` gave a two-line message
with a stray quote, ``%00`` in the user or database name "fe_sendauth: no password supplied",
and a password ``anapw%00`` was cut at the NUL by libpq and connected."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from cli.main import app
from ledger.store import parse_store
from typer.testing import CliRunner

runner = CliRunner()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("userinfo", "host", "dbname", "part"),
    [
        ("analysts:S3cretPW", "127.0.0.1", "fupin%0A", "database name"),
        ("analysts:S3cretPW", "127.0.0.1", "fupin%00x", "database name"),
        ("analysts:S3cretPW", "127.0.0.1", "fu%7Fpin", "database name"),
        ("ana%00:S3cretPW", "127.0.0.1", "fupin", "user name"),
        ("ana%0D%0Alysts:S3cretPW", "127.0.0.1", "fupin", "user name"),
        ("analysts:S3cretPW%00", "127.0.0.1", "fupin", "password"),
        ("analysts:S3cret%09PW", "127.0.0.1", "fupin", "password"),
        ("analysts:S3cretPW%FF", "127.0.0.1", "fupin", "password"),  # not UTF-8
        ("analysts:S3cretPW", "local%00host", "fupin", "host"),
    ],
)
def test_a_decoded_control_character_is_refused_before_connecting(
    userinfo: str,
    host: str,
    dbname: str,
    part: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    store = f"postgresql://{userinfo}@{host}:{_closed_port()}/{dbname}"

    result = runner.invoke(app, ["--store", store, "--as", "ana-1", "query", "select 1"])

    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        f"refused store: the {part} holds a control character or bytes that are not UTF-8"
    ), lines[0]
    assert "cannot connect" not in result.stderr  # refused before any connection
    assert "S3cret" not in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_percent_encoded_characters_that_are_no_controls_are_decoded() -> None:
    location = parse_store("postgresql://ana%E5%88%86:p%40ss%2Fw%3F%23@db.example:5433/fu%20pin")

    assert location.env["POSTGRES_USER"] == "ana分"
    assert location.env["POSTGRES_PASSWORD"] == "p@ss/w?#"
    assert location.env["POSTGRES_DBNAME"] == "fu pin"
    assert "p%40ss" not in location.display
