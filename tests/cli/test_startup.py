"""``fupin --help`` starts fast: the command list comes from ``cli.main.COMMANDS`` and each noun's
module is imported only when its command runs (docs/performance.md); once rendered, the
top-level help is served from a cache without importing typer or rich (tests/cli/
test_help_cache.py)."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from cli.main import COMMANDS, EXTRA_COMMANDS, app, load_command
from typer.testing import CliRunner

_PROBE = """
import sys
from typer.testing import CliRunner
from cli.main import app
result = CliRunner().invoke(app, ["--help"])
assert result.exit_code == 0, result.output
heavy = ("ledger", "projections", "eventsourcing", "psycopg", "sqlite3", "cryptography")
print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
"""


def test_help_imports_neither_the_ledger_nor_a_database_driver() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout

    assert out.strip() == "[]"


_CACHED_PROBE = """
import sys
from cli import entry
sys.argv = ["fupin", *sys.argv[1:]]
try:
    entry.run()
except SystemExit as stop:
    code = stop.code
heavy = ("typer", "rich", "markdown_it", "ledger", "projections", "eventsourcing", "cryptography")
print(code, sorted(m for m in sys.modules if m.split(".")[0] in heavy), file=sys.stderr)
"""


@pytest.mark.parametrize(("args", "code"), [(["--help"], 0), ([], 2)])
def test_the_cached_help_imports_neither_typer_nor_rich_nor_the_ledger(
    tmp_path: Path, args: list[str], code: int
) -> None:
    cwd = tmp_path / "cwd"  # on sys.path (``-c``): dated back, as the cache trusts no new file
    cwd.mkdir()
    os.utime(cwd, (time.time() - 3600,) * 2)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("FUPIN_NO_HELP_CACHE", "COLUMNS")},
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }

    def probe() -> tuple[bytes, str]:
        result = subprocess.run(
            [sys.executable, "-c", _CACHED_PROBE, *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=True,
        )
        return result.stdout, result.stderr.decode().strip()

    rendered, loaded = probe()
    served, loaded_again = probe()

    assert served == rendered
    assert b"Usage: fupin" in served
    assert "'typer.rich_utils'" in loaded  # the probe sees what a rendering imports
    assert loaded_again == f"{code} []"


def test_the_console_script_is_the_caching_entry_point() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())

    assert pyproject["project"]["scripts"]["fupin"] == "cli.entry:run"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_line_of_each_command_is_its_own_first_paragraph(name: str) -> None:
    command = load_command(name)

    first = inspect.cleandoc(command.help or "").split("\n\n")[0].replace("\n", " ")

    assert command.name == name
    assert COMMANDS[name][2] == first


@pytest.mark.parametrize("group", list(EXTRA_COMMANDS))
def test_commands_added_from_other_modules_run_under_their_group(group: str) -> None:
    for name, _, _ in EXTRA_COMMANDS[group]:
        result = CliRunner().invoke(app, [group, name, "--help"])

        assert result.exit_code == 0, result.output
        assert f"Usage: fupin {group} {name}" in result.output


def test_help_lists_every_command_in_table_order() -> None:
    result = CliRunner().invoke(app, ["--help"], terminal_width=200)

    assert result.exit_code == 0
    positions = [result.output.index(f"│ {name} ") for name in COMMANDS]
    assert positions == sorted(positions)


def test_an_unknown_command_is_refused_with_usage() -> None:
    result = CliRunner().invoke(app, ["no-such-noun"])

    assert result.exit_code == 2
    assert "No such command" in result.output
