"""Session 29 (re-tester L): a global option given empty (``--as ''``, ``--as=``, an unset
shell variable) was read as left out: ``--as ''`` recorded under ``LEDGER_ACTOR`` and
``--store ''`` opened ``LEDGER_STORE``, where an empty ``-e`` or ``--as-of`` is refused.
Every command refuses it, a reader's too; a variable set empty is not set."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, all_commands, assert_refused, doc

STORE_INDEPENDENT = "the global options' own refusals: SQLite is enough (tests/conftest.py)"

VISIT = f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}"
BLANK = {
    "as": "'' names no officer: give one, or leave --as out (LEDGER_ACTOR is read then)",
    "store": "'' names no store: give one, or leave --store out (LEDGER_STORE is read then, "
    "else fupin.db)",
    "key": "'' names no key file: give one, or leave --key out (LEDGER_KEY is read then)",
}


@pytest.mark.parametrize("words", sorted(all_commands()))  # with no store: nothing is read
def test_every_command_refuses_an_empty_global_option(fupin: Fupin, words: str) -> None:
    for field, rule in BLANK.items():
        env = {"LEDGER_ACTOR": "admin"}
        result = fupin.runner.invoke(app, [f"--{field}", "", *words.split()], env=env)

        assert_refused(result, field, rule)
        assert result.stdout == ""
    assert not fupin.path.exists()


def test_an_empty_as_records_nothing_under_ledger_actor(seeded: Fupin) -> None:
    before = seeded.event_count()

    result = seeded.runner.invoke(app, ["--as=", *VISIT.split()], env={"LEDGER_ACTOR": "jn-01"})

    assert_refused(result, "as", BLANK["as"])
    assert seeded.event_count() == before


def test_an_empty_as_shows_no_dossier(seeded: Fupin) -> None:
    env = {"LEDGER_ACTOR": "admin"}

    result = seeded.runner.invoke(app, ["--as", "", "household", "show", "JH-0001"], env=env)

    assert_refused(result, "as", BLANK["as"])
    assert result.stdout == ""


def test_an_empty_store_opens_no_ledger_store(seeded: Fupin) -> None:
    result = seeded.runner.invoke(app, ["--store", "", "--as", "admin", "officer", "list"])

    assert_refused(result, "store", BLANK["store"])
    assert result.stdout == ""


def test_a_blank_store_is_refused_as_an_empty_one(seeded: Fupin) -> None:
    result = seeded.runner.invoke(app, ["--store", "  ", "officer", "list"])

    assert_refused(result, "store", "'  ' names no store")


def test_a_variable_set_empty_is_not_set(seeded: Fupin) -> None:
    env = {"LEDGER_ACTOR": "", "LEDGER_KEY": ""}

    result = seeded.runner.invoke(app, ["--as", "jn-01", *VISIT.split()], env=env)

    assert result.exit_code == 0, result.output


def test_a_variable_of_spaces_is_refused_naming_it(seeded: Fupin) -> None:
    before = seeded.event_count()

    result = seeded.runner.invoke(app, VISIT.split(), env={"LEDGER_ACTOR": " "})

    assert_refused(result, "as", "LEDGER_ACTOR is ' ': it names no officer; set or unset it")
    assert seeded.event_count() == before
