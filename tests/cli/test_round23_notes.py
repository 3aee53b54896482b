"""Session 23 (the village work team's tester, and its helper): a ``--note`` that shows
nothing (a zero-width space) was recorded as typed, and one of spaces as none, on every
command. Like every optional text, a note given that shows nothing is now refused, naming the
field; none given records none."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ALLOCATE = "fund allocate city-2016 --amount 10 " + doc("2016-09-01")


@pytest.mark.parametrize("note", ["\u200b", "   ", " \u200b "])
def test_a_note_that_shows_nothing_is_refused(seeded: Fupin, note: str) -> None:
    before = seeded.event_count()

    refused = seeded.runner.invoke(
        app,
        ["--as", "qu-01", *ALLOCATE.split(), "--note", note],
    )

    assert_refused(
        refused,
        "note",
        "shows nothing: say what it is (a note left out is none, where the command takes none)",
    )
    assert seeded.event_count() == before


def test_a_blank_note_a_command_asks_for_is_told_to_say_what_it_is(seeded: Fupin) -> None:
    # Session 37's tester j (F01): a change of members needs a note; one of spaces was told
    # "leave --note out", and left out it was refused as missing
    refused = seeded.runner.invoke(
        app,
        [
            *("--as", "jn-01", "household", "members", "JH-0001", "--members", "1"),
            *("--head-name", "户主1", "--note", "   ", *doc("2016-09-01").split()),
        ],
    )

    assert_refused(refused, "note", "shows nothing: say what it is")
    assert "leave --note out" not in refused.output


def test_a_note_left_out_or_saying_something_is_recorded(seeded: Fupin) -> None:
    seeded.ok(ALLOCATE, "qu-01")
    seeded.ok(ALLOCATE.replace("2016-09-01", "2016-09-02") + " --note 第二笔", "qu-01")
