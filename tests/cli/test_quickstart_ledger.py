"""docs/quickstart.md's "A ledger of your own" (session 18: tester K, a new street officer, had
to piece the set-up of a real ledger together from ``--help``): its lines run as written, in
order, on a new store, and the household they identify is on record."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from cli.main import app
from typer.testing import CliRunner

QUICKSTART = Path(__file__).resolve().parents[2] / "docs" / "quickstart.md"


def _lines() -> list[str]:
    text = QUICKSTART.read_text(encoding="utf-8")
    section = text.split("## A ledger of your own", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the section has its sh block"
    return [line.split("  #", 1)[0].strip() for line in block[1].splitlines() if line.strip()]


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the docs' own store is a file
def test_the_quickstart_sets_up_a_ledger_as_written(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del store  # the docs name their own file
    monkeypatch.chdir(tmp_path)
    env: dict[str, str | None] = {
        "LEDGER_ACTOR": None,
        "LEDGER_KEY": None,
        "LEDGER_MASTER_KEY": None,  # the tests' own: the docs make theirs
        "COLUMNS": "240",
    }
    runner = CliRunner(env=env)
    ran = []
    for line in _lines():
        if line.startswith("source "):
            continue
        if line.startswith("export "):
            name, value = line.removeprefix("export ").split("=", 1)
            env[name] = value
            continue
        words = shlex.split(line)
        assert words[0] == "fupin", line
        result = runner.invoke(app, words[1:], env=env)
        assert result.exit_code == 0, f"{line}\n{result.output}"
        ran.append(words[1:])

    assert len(ran) >= 10
    assert "JN-000001" in result.stdout  # the last line: the household's history
    assert "Identified" in result.stdout
