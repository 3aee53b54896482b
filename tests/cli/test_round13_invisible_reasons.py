"""Round 13, issue 1: a reason or a note that must say why is refused when it shows nothing,
spaces and invisible characters alone (a zero-width space, a BOM, a word joiner...), as a
document is refused (docs/events.md); nothing is written."""

from __future__ import annotations

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

#: What shows nothing once typed: format characters (Cf) alone, or with spaces about them.
INVISIBLE = {
    "zero-width space": "\u200b",
    "BOM": "\ufeff",
    "word joiner and ZWNJ": "\u2060\u200c",
    "spaces about a ZWJ": " \u200d\u3000",
    "left-to-right mark": "\u200e",
}

#: (actor, command line with ``{}`` for the text, the field refused), by command.
CASES = {
    "correct": ("jn-01", "correct household JH-0001 7 --reason {} " + doc("2016-10-11"), "reason"),
    "household amend": (
        "jn-01",
        "household amend JH-0001 --disabled --reason {} " + doc("2018-03-01"),
        "reason",
    ),
    "helper amend": (
        "admin",
        "helper amend c-1 --name 黄干部 --reason {} " + doc("2018-03-01"),
        "reason",
    ),
    "withdraw-exit": (
        "jn-01",
        "household withdraw-exit JH-0001 --reason {} " + doc("2016-12-05"),
        "reason",
    ),
    "officer retire": ("admin", "officer retire ll-01 --reason {} " + doc("2016-10-01"), "reason"),
    "set-year again": (
        "admin",
        "programme set-year 2016 --urban-dibao 7300 --rural-income 18000 --note {} "
        + doc("2016-08-01"),
        "note",
    ),
    "unpair": (
        "jn-01",
        "household unpair JH-0001 c-1 --replacement c-2 --reason {} " + doc("2016-09-01"),
        "reason",
    ),
    "erase": ("admin", "erase JH-0001 --reason {} " + doc("2016-09-01"), "reason"),
}


def exit_proposed(seeded: Fupin) -> None:
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}", "jn-01")
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-01')}", "jn-01")


@pytest.mark.parametrize(
    ("command", "text"),
    [pytest.param(command, "\u200b", id=command) for command in CASES]
    + [pytest.param("correct", text, id=f"correct-{name}") for name, text in INVISIBLE.items()],
)
def test_a_reason_of_invisible_characters_alone_is_refused(
    seeded: Fupin, command: str, text: str
) -> None:
    actor, line, field = CASES[command]
    if command == "withdraw-exit":
        exit_proposed(seeded)
    before = seeded.event_count()

    result = seeded(line.format(f"'{text}'"), actor=actor)

    assert_refused(result, field, "shows nothing")
    assert seeded.event_count() == before


def test_a_reason_showing_something_is_recorded_trimmed(seeded: Fupin) -> None:
    seeded.ok("correct household JH-0001 7 --reason ' 重复 ' " + doc("2016-10-11"), "jn-01")
    seeded.ok("officer retire ll-01 --reason '\u200b退休 ' " + doc("2016-10-01"), "admin")

    history = orjson.loads(seeded.ok("history JH-0001 --format json").stdout)
    officer = orjson.loads(seeded.ok("history --kind officer ll-01 --format json").stdout)

    assert history[-1]["event"] == "Corrected"
    assert history[-1]["details"]["reason"] == "重复"
    assert officer[-1]["details"]["reason"] == "\u200b退休"
