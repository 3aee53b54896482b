"""Session 28, tester M (findings 2 and 3): help and report details that spoke of one programme.

The ``--note`` help of every step said "a step of the programme dated after 2020 says why
here", while the ledger asks it from the programme's own years (after 2021 for a 2016-2019
programme): the help now says it in the programme's terms.
"""

from __future__ import annotations

from cli.main import load_command
from ledger.authority import PROGRAMME_STEPS, TYPED_COMMANDS
from typer._click.core import Command
from typer.core import TyperGroup

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "help texts: SQLite is enough (tests/conftest.py)"

SAID = "more than two years after its last year (after 2020 for 2016-2018, 2021 for 2016-2019)"


def _command(words: str) -> Command:
    first, *rest = words.split()
    command: Command = load_command(first)
    for word in rest:
        assert isinstance(command, TyperGroup), words
        command = command.commands[word]
    return command


def test_a_step_s_note_help_gives_the_bound_by_the_programme_s_years(fupin: Fupin) -> None:
    shown = fupin.ok("household visit --help")

    assert SAID in " ".join(shown.output.replace("│", " ").split())
    for step in sorted(PROGRAMME_STEPS):
        words, _rest = TYPED_COMMANDS[step]
        notes = [p for p in _command(words).params if "--note" in p.opts]
        helps = [" ".join(str(getattr(p, "help", "")).split()) for p in notes]
        assert helps, words
        assert all("dated after 2020" not in h for h in helps), words
