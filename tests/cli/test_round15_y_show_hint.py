"""Round 15: ``household show`` looks a household up as the casework commands do. A number
typed with a space (``'JN-P1 '``, which ``household identify`` records trimmed) is not found,
and the refusal says how it would be typed, as ``household sign`` and ``history`` say
(``ledger.base.typed_hint``); before, ``show`` said only ``no household 'JN-P1 ' on record``."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

HINT = "(it holds spaces, invisible or full-width characters: 'JH-0070'?)"
IDENTIFY = (
    "household identify 'JH-0070 ' --street 江南 --village 雄光 --members 1 --head-name 李四 "
    f"--id-card 440704198001017026 {doc('2016-08-01')}"
)


@pytest.fixture
def spaced(seeded: Fupin) -> Fupin:
    """``seeded`` with household JH-0070, identified as ``'JH-0070 '`` (recorded trimmed)."""
    seeded.ok(IDENTIFY, actor="jn-01")
    return seeded


@pytest.mark.parametrize(
    ("typed", "options"),
    [
        ("JH-0070 ", ""),
        ("JH-0070 ", "--format json"),
        ("JH-0070 ", "--as-of 2016-07-01"),  # before the identification, too
        ("JH-0070 ", "--as-of 2017-01-01 --known-at 2017-01-01T00:00:00+00:00"),
        ("\u200bJH-0070", ""),
        ("ＪＨ－００７０", ""),
    ],
)
def test_show_hints_at_how_the_number_is_typed(spaced: Fupin, typed: str, options: str) -> None:
    result = spaced(f"household show '{typed}' {options}", actor="admin")

    assert_refused(result, "household", f"no household {typed!r} on record {HINT}")


@pytest.mark.parametrize(
    "line",
    [
        "household show 'JH-0070 '",
        "history 'JH-0070 '",
        f"household sign 'JH-0070 ' {doc('2016-08-10')}",
    ],
)
def test_show_says_what_history_and_sign_say(spaced: Fupin, line: str) -> None:
    result = spaced(line, actor="admin" if "sign" not in line else "jn-01")

    assert_refused(result, "household", f"no household 'JH-0070 ' on record {HINT}")


def test_show_finds_the_number_typed_plainly(spaced: Fupin) -> None:
    result = spaced.ok("household show JH-0070", actor="admin")

    assert "JH-0070" in result.stdout


def test_a_number_not_on_record_at_all_gets_no_hint(spaced: Fupin) -> None:
    result = spaced("household show JH-0071", actor="admin")

    assert_refused(result, "household", "no household 'JH-0071' on record")
    assert "(it holds" not in result.stderr
