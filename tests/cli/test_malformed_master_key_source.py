"""A malformed master key names where it was read — ``LEDGER_MASTER_KEY``, or the key file
and the variable that named it — never the value (session 20): both said only `master_key:
a master key is base64 of 32 bytes`, so with the variable and a file set nobody could tell
which one was bad."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli.conftest import assert_refused
from tests.cli.test_master_key_round12 import key_file, run
from tests.support import identify, ledger_at

SHOW = "household show JH-0001"


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    """JH-0001 identified: showing it needs the master key."""
    path = tmp_path / "ledger.db"
    with ledger_at(path) as app:
        identify(app, "JH-0001", serial=1)
    return str(path)


def test_a_malformed_variable_is_named(ledger: str) -> None:
    bad = os.environ["LEDGER_MASTER_KEY"] + "x"
    result = run(ledger, SHOW, LEDGER_MASTER_KEY=bad)
    assert_refused(result, "master_key", "LEDGER_MASTER_KEY holds no master key")
    assert "base64 of 32 bytes" in result.stderr
    assert bad not in result.output
    assert "LEDGER_MASTER_KEY_FILE" not in result.stderr


@pytest.mark.parametrize(
    ("text", "rule"),
    [("junk", "this one is 3"), ("not*base64", "base64 of 32 bytes")],
)
def test_a_malformed_key_file_is_named_beside_a_good_variable(
    ledger: str, tmp_path: Path, text: str, rule: str
) -> None:
    path = key_file(tmp_path, "master.key", text)
    result = run(
        ledger,
        SHOW,
        LEDGER_MASTER_KEY=os.environ["LEDGER_MASTER_KEY"],
        LEDGER_MASTER_KEY_FILE=str(path),
    )
    assert_refused(result, "master_key", f"{path} (LEDGER_MASTER_KEY_FILE) holds no master key")
    assert rule in result.stderr
    assert text not in result.stderr.replace(str(path), "")


def test_a_malformed_key_file_alone_is_named(ledger: str, tmp_path: Path) -> None:
    path = key_file(tmp_path, "master.key", "QUJD")  # base64 of 3 bytes
    result = run(ledger, SHOW, LEDGER_MASTER_KEY=None, LEDGER_MASTER_KEY_FILE=str(path))
    assert_refused(result, "master_key", f"{path} (LEDGER_MASTER_KEY_FILE) holds no master key")
    assert "QUJD" not in result.stderr
