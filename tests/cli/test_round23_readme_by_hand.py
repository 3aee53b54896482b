"""Session 23 (tester S, a newcomer with only the README): the README's "Recording by hand"
block stopped at its second line: it exports ``LEDGER_MASTER_KEY_FILE=master.key`` and then
makes that key with ``keys new-master --out master.key``, which the day's protection of the
ledger's files refused as "the master key file … would destroy it", though it did not exist
yet. The block is run here as the README prints it, line by line."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from cli.main import app
from typer.testing import CliRunner

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the README's SQLite recipe (tests/conftest.py)"

README = Path(__file__).resolve().parents[2] / "README.md"


def _by_hand() -> list[str]:
    """The lines of the README's "Recording by hand" block, as printed."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Recording by hand\s+```sh\n(.*?)```", text, re.S)
    assert block is not None
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_readmes_recipe_runs_as_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_STORE", raising=False)
    monkeypatch.delenv("LEDGER_MASTER_KEY", raising=False)  # the recipe names its own file
    for line in _by_hand():
        words = shlex.split(line)
        if words[0] == "export":
            for assignment in words[1:]:
                name, _, value = assignment.partition("=")
                monkeypatch.setenv(name, value)
            continue
        assert words[0] == "fupin", line
        result = CliRunner().invoke(app, words[1:])  # the environment as exported
        assert result.exit_code == 0, f"{line}\n{result.output}"
    assert (tmp_path / "fupin.db").exists()


def test_an_existing_master_key_file_is_still_never_overwritten(
    fupin: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "master.key"
    monkeypatch.setenv("LEDGER_MASTER_KEY_FILE", str(key))
    fupin.ok(f"keys new-master --out {key}")
    kept = key.read_bytes()

    refused = fupin(f"keys new-master --out {key}")

    assert refused.exit_code == 2, refused.output
    assert key.read_bytes() == kept


def test_a_master_key_file_not_made_yet_says_how_to_make_it(
    fupin: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tester S: the refusal was ``cannot read master key file master.key: [Errno 2] …``."""
    missing = tmp_path / "master.key"
    monkeypatch.delenv("LEDGER_MASTER_KEY", raising=False)
    monkeypatch.setenv("LEDGER_MASTER_KEY_FILE", str(missing))

    refused = fupin("init --admin admin --name 区扶贫办 -d 江高发〔2016〕4号 -e 2016-07-26")

    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.stderr.split())
    assert f"master key file {missing} does not exist:" in said
    assert f"a new ledger's key is made with fupin keys new-master --out {missing}" in said
    # Not a new key for a ledger that holds one (fuzzer Q, session 27: the advice to make one
    # led to "household keys are wrapped under master key …; the one given is …").
    assert "opens only with the key it was made with, never a new one" in said
