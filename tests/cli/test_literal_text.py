"""What an officer typed is shown exactly as typed, in tables, confirmations and refusals alike:
rich reads "[...]" as markup (a document named "[/doc]" made ``history`` fail with an internal
error; "[red]x[/red]" lost its brackets) and ":name:" as an emoji, unless told not to."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

SUMMARY = "[/x] 走访 [red]annex[/red] :warning:"
DOCUMENT = "[/doc]"


def test_history_shows_a_summary_and_a_document_with_brackets_as_recorded(seeded: Fupin) -> None:
    seeded.ok(
        f"household visit JH-0001 --helper c-1 --summary '{SUMMARY}' -d '{DOCUMENT}' -e 2016-09-01",
        actor="jn-01",
    )

    table = seeded.ok("history JH-0001").stdout
    entries = orjson.loads(seeded.ok("history JH-0001 --format json").stdout)

    assert SUMMARY in table
    assert DOCUMENT in table
    assert SUMMARY in str(entries[-1])


def test_a_confirmation_echoes_an_id_with_brackets_as_typed(seeded: Fupin) -> None:
    result = seeded.ok(
        f"household object JH-0004 '[/o]' --summary 异议 {doc('2016-08-04')}", actor="jn-01"
    )

    assert "objection [/o] to household JH-0004 recorded" in result.stdout


def test_query_shows_a_value_with_brackets_as_it_is(seeded: Fupin) -> None:
    result = seeded.ok("query \"SELECT '[/x] [b]y[/b] :smile:' AS a\"")

    assert "[/x] [b]y[/b] :smile:" in result.stdout


def test_a_refusal_names_a_value_with_brackets_as_typed(seeded: Fupin) -> None:
    before = seeded.event_count()

    result = seeded(f"household visit JH-0001 --helper '[/c]' {doc('2016-09-01')}", actor="jn-01")

    assert_refused(result, "helper", "no helper '[/c]' on record")
    assert seeded.event_count() == before
