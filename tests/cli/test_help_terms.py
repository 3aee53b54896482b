"""Officers use both languages: every command's help gives the Chinese term beside the English."""

from __future__ import annotations

import re

import pytest
from cli.main import app
from typer.testing import CliRunner

CJK = re.compile(r"[\u4e00-\u9fff]")
runner = CliRunner()


def command_paths() -> list[list[str]]:
    """Every command path, found by reading ``--help`` of each group."""
    found: list[list[str]] = []
    pending: list[list[str]] = [[]]
    while pending:
        path = pending.pop()
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, (path, result.output)
        names = re.findall(r"^│ (\S+)\s{2,}", section(result.output, "Commands"), re.MULTILINE)
        if names:
            pending.extend([*path, name] for name in names)
        else:
            found.append(path)
    return found


def section(text: str, title: str) -> str:
    start = text.find(f"─ {title} ")
    return "" if start < 0 else text[start : text.find("╰", start)]


PATHS = command_paths()


def test_the_command_tree_is_found() -> None:
    assert ["household", "identify"] in PATHS
    assert len(PATHS) > 60


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_every_command_help_gives_the_chinese_term(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})

    summary = result.output.split("╭", 1)[0]
    assert CJK.search(summary), f"fupin {' '.join(path)} --help has no Chinese term:\n{summary}"
