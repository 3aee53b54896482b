"""Brief a, session 30: ``officer add 'admin '`` was refused as ``admin is already
registered``: the id unquoted, its trailing space unseen, as if the id typed were the one on
record. An id (or a street's name) on record is now quoted, and one typed with spaces around
it is said as typed and as recorded; the rule is named. Nothing is written."""

from __future__ import annotations

import shlex

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

ONCE = "is already registered: an officer is registered once; give another id"


@pytest.mark.parametrize("typed", ["admin ", " jn-01", "jn-01\u3000", "admin\xa0"])
def test_an_officer_id_typed_with_spaces_around_it_is_quoted_as_typed_and_recorded(
    seeded: Fupin, typed: str
) -> None:
    before = seeded.event_count()

    result = seeded(
        f"officer add {shlex.quote(typed)} --name 某 --role officer --street 江南 -d D", "admin"
    )

    assert_refused(result, "officer", f"{typed!r} is recorded trimmed, as {typed.strip()!r}, which")
    assert ONCE in result.stderr
    assert seeded.event_count() == before


def test_an_officer_id_on_record_is_quoted(seeded: Fupin) -> None:
    before = seeded.event_count()

    result = seeded("officer add jn-01 --name 某 --role officer --street 江南 -d D", "admin")

    assert_refused(result, "officer", f"'jn-01' {ONCE}")
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    ("line", "field", "said"),
    [
        (
            "helper add 'c-1 ' --kind cadre --name 某 --rank section",
            "helper",
            "'c-1 ' is recorded trimmed, as 'c-1', which is already registered: a helper is "
            "registered once; give another id",
        ),
        (
            "place add-street ' 江南'",
            "street",
            "' 江南' is recorded trimmed, as '江南', which is already registered: a street is "
            "registered once; give another name",
        ),
    ],
)
def test_a_helper_id_and_a_street_typed_with_spaces_are_said_alike(
    seeded: Fupin, line: str, field: str, said: str
) -> None:
    before = seeded.event_count()

    assert_refused(seeded(f"{line} {doc('2016-08-01')}", "admin"), field, said)
    assert seeded.event_count() == before
