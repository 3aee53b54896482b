"""Keys written with letters of another script (security reviewer, tester A, session 26).

Cyrillic ``а`` and Greek ``Ο`` look exactly like ``a`` and ``O``: an admin registered officer
``аdmin`` beside ``admin`` and recorded as it (``history`` and ``officer list`` showed two
admins), a street officer identified ``JN-0О0001`` beside ``JN-000001``. Since session 26 a new
key's letters and digits are ASCII or Chinese characters; a key on record before stays reachable.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger import typed

from tests.cli.conftest import Fupin, assert_refused, doc, reimported

STORE_INDEPENDENT = "a key's characters are judged before any record is read"

RULE = "key is written in ASCII letters, digits and punctuation and Chinese characters"


def test_an_officer_key_with_a_cyrillic_letter_is_refused(seeded: Fupin) -> None:
    before = seeded.event_count()

    result = seeded("officer add \u0430dmin --name x --role admin " + doc("2016-08-01"), "admin")

    assert_refused(result, "officer", "holds U+0430 CYRILLIC SMALL LETTER A")
    assert RULE in result.stderr
    assert seeded.event_count() == before


def test_a_household_number_with_a_greek_letter_is_refused(seeded: Fupin) -> None:
    before = seeded.event_count()

    result = seeded(
        "household identify JN-\u039f\u039f0001 --street 江南 --village 雄光 --area rural "
        "--members 1 --head-name 王六 --id-card 440704198001011230 " + doc("2016-08-01"),
        "jn-01",
    )

    assert_refused(result, "household", "holds U+039F GREEK CAPITAL LETTER OMICRON")
    assert seeded.event_count() == before


def test_a_key_recorded_before_the_rule_is_moved_as_recorded(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # docs/import.md, Rules of today: a ledger an older fupin recorded, which verify passes,
    # can always be moved. An officer with a Cyrillic letter recorded before session 26:
    with monkeypatch.context() as before_the_rule:
        before_the_rule.setattr(typed, "_foreign", lambda char: False)
        seeded.ok("officer add \u0430dmin --name x --role admin " + doc("2016-08-01"), "admin")
    assert seeded("verify").exit_code == 0

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    listed = seeded.ok(f"--store {tmp_path / 'fresh.db'} officer list --format csv", "admin")
    assert "\u0430dmin" in listed.stdout
    again = seeded(
        f"--store {tmp_path / 'fresh.db'} officer add \u0430dmin2 --name y --role admin "
        + doc("2016-08-01"),
        "admin",
    )
    assert_refused(again, "officer", "holds U+0430 CYRILLIC SMALL LETTER A")
