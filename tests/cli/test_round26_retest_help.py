"""Session 26, tester J's re-test: help text was cut with "…" ("read models 读模型 (tables i…",
"Head of household 户 …") into a pipe or a file, on TERM=dumb, and at most widths of a terminal:
rich 15 strips a wrapped line's trailing space by its length in characters, not cells, so a
line of Chinese whose last word ends at the width kept one cell too many and lost its last
letter (``cli.screen.mend_rich_wrap``). Now no help page cuts a word at 80 columns, rich's
width for a pipe, a file and TERM=dumb, nor the pages the tester read at any width from 79."""

from __future__ import annotations

import re

import pytest
from cli.main import COMMANDS, app, load_command
from typer._click.core import Context
from typer.core import TyperGroup
from typer.main import get_command
from typer.testing import CliRunner

#: A cut: rich's "…" at the end of a cell (a literal "…" in a help text is followed by text).
CUT = re.compile(r"…\s*(│|\||$)", re.MULTILINE)


def _help_pages() -> list[list[str]]:
    """The arguments of every help page: ``--help`` and each command's and subcommand's."""
    pages: list[list[str]] = [["--help"]]
    root = get_command(app)
    assert isinstance(root, TyperGroup)
    context = Context(root)
    for name in root.list_commands(context):
        command = load_command(name) if name in COMMANDS else root.get_command(context, name)
        pages.append([name, "--help"])
        if isinstance(command, TyperGroup):
            inner = Context(command, parent=context)
            pages.extend([name, sub, "--help"] for sub in command.list_commands(inner))
    return pages


def _help(args: list[str], columns: int | None = None) -> str:
    env = {"COLUMNS": str(columns)} if columns else {"COLUMNS": ""}
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_no_help_page_cuts_a_word_at_80_columns_as_into_a_pipe() -> None:
    cut = {" ".join(args): CUT.findall(_help(args)) for args in _help_pages()}

    assert len(cut) > 40
    assert {page: found for page, found in cut.items() if found} == {}


@pytest.mark.parametrize("args", [["--help"], ["household", "identify", "--help"]])
def test_the_help_the_tester_read_is_cut_at_no_width(args: list[str]) -> None:
    for columns in range(79, 141):
        text = _help(args, columns)
        assert not CUT.search(text), (columns, text)
