"""A command's help read at 80 columns broke each line of its docstring twice: where the source
did and where the screen did (``fund disburse --help`` showed lines of one word: tester,
session 17). Each paragraph is now one text the screen wraps."""

from __future__ import annotations

import pytest
from cli.main import app
from typer.testing import CliRunner


@pytest.mark.parametrize(
    "path", [["fund", "disburse"], ["fund", "allocate"], ["household", "members"], ["restore"]]
)
def test_a_help_paragraph_fills_the_screen_to_its_last_line(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    text = result.output.split("Usage:", 1)[1].split("╭", 1)[0]
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    paragraphs = [p for p in paragraphs if p][1:]  # the first: the usage line

    assert paragraphs
    for lines in paragraphs:
        for line in lines[:-1]:  # every line but a paragraph's last is filled
            assert len(line.rstrip()) > 60, lines
