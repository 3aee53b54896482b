"""Session 29 (tester C, keys and backups): ``fupin log`` with a master key that is not the
ledger's wrote the events up to the first household's, then refused (exit 2): half a log on
standard output. Every other reader refuses before any output; so does ``log`` now."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli.main import app
from ledger.privacy import generate_master_key
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused


def _log_with(fupin: Fupin, key_file: Path) -> Result:
    env = {"LEDGER_MASTER_KEY": None, "LEDGER_MASTER_KEY_FILE": str(key_file)}
    return fupin.runner.invoke(app, ["--as", "admin", "log"], env=env)


@pytest.mark.parametrize("mode", [0o600, 0o644])
def test_a_log_with_a_wrong_or_open_master_key_file_writes_nothing(
    seeded: Fupin, tmp_path: Path, mode: int
) -> None:
    key_file = tmp_path / "wrong.key"
    key_file.write_text(generate_master_key() + "\n", encoding="ascii")
    key_file.chmod(mode)

    result = _log_with(seeded, key_file)

    rule = "household keys are wrapped under master key" if mode == 0o600 else "open to"
    assert_refused(result, "master_key", rule)
    assert result.stdout == ""


def test_a_log_with_a_missing_master_key_file_writes_nothing(seeded: Fupin, tmp_path: Path) -> None:
    result = _log_with(seeded, tmp_path / "gone.key")

    assert_refused(result, "master_key", "does not exist")
    assert result.stdout == ""


def test_a_log_with_the_ledgers_master_key_is_written_whole(seeded: Fupin) -> None:
    result = seeded.ok("log", actor="admin")

    assert len(result.stdout.splitlines()) == seeded.event_count()
