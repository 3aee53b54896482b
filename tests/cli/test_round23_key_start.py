"""Session 23 (a security reviewer): ``officer add '=cmd|x'`` was registered. Every CSV shows
an officer's id, and a spreadsheet reads a cell beginning with = + - or @ as a formula, so
the CSV guards it with a ``'`` and the id copied back from it is another. A new key does not
begin with one of them; keys recorded before stay reachable."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


@pytest.mark.parametrize(
    ("line", "actor", "field", "key"),
    [
        ("officer add =cmd|x --name 某 --role analyst", "admin", "officer", "=cmd|x"),
        ("helper add @c-9 --kind social-worker --name 社工", "qu-01", "helper", "@c-9"),
        ("fund open +city --source city --year 2016", "qu-01", "account", "+city"),
    ],
)
def test_a_new_key_beginning_as_a_formula_is_refused(
    seeded: Fupin, line: str, actor: str, field: str, key: str
) -> None:
    before = seeded.event_count()

    refused = seeded.runner.invoke(
        app,
        ["--as", actor, *line.split(), *doc("2016-08-20").split()],
    )

    assert_refused(refused, field, f"{key!r} begins with {key[0]!r}: a")
    assert "key does not begin with = + - or @, which a spreadsheet reads as a formula" in (
        refused.stderr
    )
    assert seeded.event_count() == before


def test_a_key_beginning_otherwise_passes(seeded: Fupin) -> None:
    """A digit, an ideograph, a bracket (a document's year bracket 〔2016〕) all pass."""
    seeded.ok(f"officer add 9jn --name 某 --role analyst {doc('2016-08-20')}", "admin")
    seeded.ok(f"place add-village 江南 新村 {doc('2016-08-20')}", "admin")
    seeded.ok(f"place add-village 江南 〔2016〕新村 {doc('2016-08-20')}", "admin")
