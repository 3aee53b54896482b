"""Session 23, testers of session 22: a refusal named the permission by its internal name,
not the command an officer types (``refused as: ll-01 works for street '礼乐'; review_return is
for the district``, ``insp-1 is inspector; approve_exit needs admin or officer``). Since
session 23 it names the command as typed, from one table (``ledger.authority.TYPED_COMMANDS``)
that names a command of the CLI for every permission."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli.main import COMMANDS, load_command
from ledger import authority
from ledger.authority import PERMISSIONS
from typer._click.core import Command
from typer.core import TyperGroup

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def _command_lines() -> set[str]:
    """Every command and group of ``fupin``, as typed after ``fupin`` (``household return``)."""
    found: set[str] = set()

    def walk(command: Command, words: str) -> None:
        found.add(words)
        if isinstance(command, TyperGroup):
            for name, subcommand in command.commands.items():
                walk(subcommand, f"{words} {name}")

    for name in COMMANDS:
        walk(load_command(name), name)
    return found


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_every_permission_names_a_command_of_the_cli(permission: str) -> None:
    words, _rest = authority.TYPED_COMMANDS[permission]

    assert words in _command_lines()


def test_a_street_officer_is_refused_a_district_step_named_as_typed(seeded: Fupin) -> None:
    before = seeded.event_count()

    approval = seeded(f"household approve-exit JH-0001 {doc('2016-12-20')}", "jn-01")
    review = seeded(f"household return JH-0001 reviewed {doc('2017-06-05')}", "jn-01")

    assert_refused(
        approval,
        "as",
        "jn-01 works for street '江南'; fupin household approve-exit is for the district",
    )
    assert_refused(
        review,
        "as",
        "jn-01 works for street '江南'; fupin household return … reviewed is for the district",
    )
    assert "approve_exit" not in approval.stderr
    assert "review_return" not in review.stderr
    assert seeded.event_count() == before


def test_a_role_is_refused_a_command_named_as_typed(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(f"household approve-exit JH-0001 {doc('2016-12-20')}", "insp-1")
    visit = seeded(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "insp-1")

    assert_refused(
        refused, "as", "insp-1 is inspector; fupin household approve-exit needs admin or officer"
    )
    assert_refused(visit, "as", "insp-1 is inspector; fupin household visit needs admin or officer")
    assert seeded.event_count() == before


def test_an_imported_row_is_refused_naming_the_command_too(seeded: Fupin, tmp_path: Path) -> None:
    sheet = tmp_path / "approve_exit.csv"
    sheet.write_text("ref,actor,effective,document,household\nA-1,jn-01,2016-12-20,doc,JH-0001\n")
    before = seeded.event_count()

    refused = seeded(f"import {sheet}", "jn-01")

    assert refused.exit_code == 2, refused.output
    assert (
        "approve_exit.csv row 2, actor: jn-01 works for street '江南'; "
        "fupin household approve-exit is for the district"
    ) in refused.output
    assert seeded.event_count() == before
