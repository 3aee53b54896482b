"""Session 25 re-test: ``household move`` had no ``--note``, so a move dated after 2020 (or,
after the programme, one with no ``-e``) could not be recorded from the command line, while
its refusal told the officer to say why in ``--note`` and the same move passed as an import
row with a note. Every command whose event is a step of the programme (those the
after-programme rule judges: ``ledger.authority.PROGRAMME_STEPS``) offers ``--note``: a test
walks them, so a new step without it fails."""

from __future__ import annotations

import pytest
from cli.main import COMMANDS, load_command
from ledger.authority import PROGRAMME_STEPS, TYPED_COMMANDS
from typer._click.core import Command
from typer.core import TyperGroup

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

MOVE = "household move JH-0001 --village 江南社区 --reason 搬迁 "


def _commands() -> dict[str, Command]:
    """Every command of ``fupin`` by the words typed after ``fupin`` (``household move``)."""
    found: dict[str, Command] = {}

    def walk(command: Command, words: str) -> None:
        found[words] = command
        if isinstance(command, TyperGroup):
            for name, subcommand in command.commands.items():
                walk(subcommand, f"{words} {name}")

    for name in COMMANDS:
        walk(load_command(name), name)
    return found


@pytest.mark.parametrize("permission", sorted(PROGRAMME_STEPS))
def test_every_step_of_the_programme_offers_a_note(permission: str) -> None:
    words, _rest = TYPED_COMMANDS[permission]
    options = {name for param in _commands()[words].params for name in param.opts}

    assert "--note" in options, f"fupin {words} (a step of the programme) has no --note"
    assert "--effective" in options


def test_a_move_dated_after_2020_is_recorded_with_a_note_naming_its_year(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(MOVE + doc("2025-06-01"), "jn-01")
    assert_refused(refused, "effective", "naming its year 2025 (--note)")
    assert seeded.event_count() == before

    moved = seeded.ok(MOVE + doc("2025-06-01") + " --note 2025年搬迁补录", "jn-01")

    assert "moved from 雄光 to 江南社区 on 2025-06-01" in moved.stdout
    assert seeded.event_count() == before + 1


def test_a_move_without_a_date_after_the_programme_says_why_in_its_note(seeded: Fupin) -> None:
    """Today (2026) is after the programme: a move with no -e is refused, pointing to -e and
    --note; the move it points to is recorded."""
    refused = seeded(MOVE + "-d 迁移证明", "jn-01")
    assert_refused(refused, "effective", "with a --note naming")
    today = refused.stderr.split("and today, ")[1][:10]

    moved = seeded.ok(f"{MOVE} -d 迁移证明 -e {today} --note {today[:4]}年搬迁", "jn-01")

    assert f"moved from 雄光 to 江南社区 on {today}" in moved.stdout
