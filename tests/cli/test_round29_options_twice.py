"""Session 29 (tester of session 28): an option given twice was refused on a field spelt
otherwise than every other refusal of that option (``refused as_of: --as-of is given more
than once``, where a day that is none is ``refused as-of: …``). Every command is walked: an
option given twice names the field its values' refusals name."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from cli.main import FIELDS, app
from typer.core import TyperOption

from tests.cli.conftest import Fupin, all_commands, assert_refused

STORE_INDEPENDENT = "the commands' own parsing and messages: SQLite is enough (tests/conftest.py)"

#: The options of ``cli.main.FIELDS`` (those whose values' refusals name them otherwise than
#: with ``_`` for ``-``) that bound no view or log: the rest are the dates and times.
NOT_BOUNDS = ("--document-like", "--log-key", "--new-key-file", "--drop-unfinished")
#: A value each bound refuses, and the rest of the command line of a command that needs one.
NO_DAY = "2017-13-01"
REST = {
    "history": "JH-0001",
    "query": "'select 1'",
    "household show": "JH-0001",
    "report html": "-o {tmp}/report.html",
    "export report": "caseload",
    "notice": "--street 江南 --from 2016-08-01 --to 2016-08-30",
}


def _given_once(option: TyperOption) -> bool:
    """Whether giving ``option`` twice is refused: one value, or a switch with an opposite."""
    if option.multiple or option.count:
        return False
    return not option.is_flag or bool(option.secondary_opts)


def _twice() -> list[tuple[str, list[str], str]]:
    """(command, the option as given once, the field its refusals name) for every option
    given once: a switch alone, any other option with a value."""
    found = []
    for words, command in all_commands().items():
        for param in command.params:
            if isinstance(param, TyperOption) and _given_once(param):
                option = max(param.opts, key=len)
                given = [option] if param.is_flag else [option, "1"]
                found.append((words, given, FIELDS.get(option, option[2:].replace("-", "_"))))
    return found


def _bounds() -> list[tuple[str, str]]:
    """(command, option) for every bound of a view or the log: a date or time."""
    return [
        (words, option)
        for words, command in all_commands().items()
        for param in command.params
        for option in param.opts
        if option in FIELDS and option not in NOT_BOUNDS
    ]


@pytest.mark.parametrize(("words", "given", "field"), _twice())
def test_an_option_given_twice_is_refused_naming_its_field(
    fupin: Fupin, words: str, given: list[str], field: str
) -> None:
    refused = fupin.runner.invoke(app, [*words.split(), *given, *given])

    assert_refused(refused, field, "is given more than once: give it once")
    assert given[0] in refused.stderr


@pytest.mark.parametrize(("words", "option"), _bounds())
def test_an_option_given_twice_names_the_field_a_bad_value_of_it_names(
    seeded: Fupin, tmp_path: Path, words: str, option: str
) -> None:
    rest = shlex.split(REST.get(words, "").format(tmp=tmp_path))
    line = [*words.split(), *rest]

    bad = seeded.runner.invoke(app, ["--as", "admin", *line, option, NO_DAY])
    twice = seeded.runner.invoke(
        app, ["--as", "admin", *line, option, "2017-01-01", option, "2017-01-02"]
    )

    # query takes neither bound, and says so on the same field
    assert_refused(bad, FIELDS[option], "takes no" if words == "query" else NO_DAY)
    assert_refused(twice, FIELDS[option], f"{option} is given more than once")
