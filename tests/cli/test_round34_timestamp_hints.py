"""Session 34, tester b (an inspector pasting times): a timestamp refused for its offset from
UTC written ``+08``, ``+0800`` or ``UTC`` (psql prints a timestamptz ``… 09:00:00.003+08``)
was told "give at most 6 digits after the seconds' point", of a fraction of 3: the check of a
time too fine read the yuan amounts' pattern of the same name, ``_TOO_FINE``, defined after
it. And a time's refusal was hinted as a date's: ``2018-06-13 9:00`` was told to give the date
alone, and a date and time apart were glued (``'2018-06-1309:00:00+08'?``)."""

from __future__ import annotations

import pytest
from ledger.errors import InputError
from ledger.values import parse_timestamp, parse_yuan

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "a refusal of a typed time: SQLite is enough"
OFFSET = "write its offset from UTC as +08:00 (hours, a colon, minutes) or Z for UTC"
FINER = "give at most 6 digits after the seconds' point"


def _refusal(text: str) -> str:
    with pytest.raises(InputError) as refused:
        parse_timestamp(text, "known_at")
    assert refused.value.field == "known_at"
    return refused.value.rule


@pytest.mark.parametrize(
    "text",
    [
        "2018-06-13 09:00:00.003+08",
        "2018-06-13T09:00:00.003+0800",
        "2018-06-13T01:00:00.003UTC",
        "2018-06-13 09:00:00+08",
        "2018-06-13T09:00:00-05",
        "2018-06-13T09:00+8:00",
        "2018-06-13 09:00 Z",
        "2018-06-13 09:00:00 GMT+8",
        "2018-06-13T09:00:00 +08:00",
    ],
)
def test_an_offset_written_otherwise_is_named(text: str) -> None:
    rule = _refusal(text)

    assert OFFSET in rule
    assert FINER not in rule


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2018-06-13 9:00", "give the hours, minutes and seconds in two digits each"),
        ("2018-06-13T09:5", "give the hours, minutes and seconds in two digits each"),
        ("２０18-06-13 09:00", "'2018-06-13T09:00'?"),
        ("2018-6-13 09:00", "give the month and the day in two digits (2018-06-13)"),
        ("2018-06-13T09:00:00.0031234+08:00", FINER),
        ("2026-12-01t09:00:00z", "write T and Z in capitals"),  # re-tester r, session 34
        ("2026-12-01T09:00:00z", "write T and Z in capitals"),
    ],
)
def test_a_time_is_hinted_as_a_time(text: str, hint: str) -> None:
    rule = _refusal(text)

    assert hint in rule
    assert "give the date alone" not in rule


@pytest.mark.parametrize(
    "text", ["2018-06-13T09:00:00.003+08:00", "2018-06-13 09:00:00.003Z", "2018-06-13 09:00"]
)
def test_the_spellings_taken_are_taken_still(text: str) -> None:
    assert parse_timestamp(text).microsecond in (0, 3000)


def test_an_amount_of_three_decimals_is_still_said_so() -> None:
    with pytest.raises(InputError, match="has 3 decimals, and amounts are to the fen"):
        parse_yuan("1234.565")


def test_the_inspectors_paste_from_psql_is_refused_naming_the_offset(seeded: Fupin) -> None:
    refused = seeded("report caseload --known-at '2018-06-13 09:00:00.003+08'", "admin")

    assert_refused(refused, "known-at", "'2018-06-13 09:00:00.003+08' is not an ISO 8601")
    assert OFFSET in refused.stderr
