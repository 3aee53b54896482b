"""Session 30, re-tester R: a whole-number option or argument typed with a byte that is not
UTF-8 (``log --since $'\\xff1'``, ``--limit``, ``correct``'s VERSION) was refused quoting a lone
surrogate, ``'\\udcff1' is not a whole number (digits 0-9 only) (it holds U+DCFF UNNAMED, a
character new keys are not written in)``, where every text option says ``is not UTF-8 text:
byte 0xFF at character 1 (is the terminal UTF-8?)``. A whole number is read as the command
line is parsed, before the command's text is checked; since session 30 it is checked first."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the command line is read before any store is opened: SQLite is enough"

D = ["-d", "文件", "-e", "2016-12-01"]


@pytest.mark.parametrize(
    ("args", "field", "byte"),
    [
        (["log", "--since", "\udcff1"], "since", "byte 0xFF at character 1"),
        (["log", "--limit", "1\udcfe"], "limit", "byte 0xFE at character 2"),
        (
            ["correct", "household", "JH-0001", "\udcff1", "--reason", "录错", *D],
            "version",
            "byte 0xFF at character 1",
        ),
        (
            ["household", "assess", "JH-0001", "20\udce616", "--income", "9000", *D],
            "year",
            "byte 0xE6 at character 3",
        ),
        (
            ["household", "members", "JH-0001", "--members", "\udcff4", "--note", "出生", *D],
            "members",
            "byte 0xFF at character 1",
        ),
    ],
)
def test_a_whole_number_not_utf8_is_said_so(
    seeded: Fupin, args: list[str], field: str, byte: str
) -> None:
    before = seeded.event_count()

    refused = seeded.runner.invoke(app, ["--as", "admin", *args])

    assert_refused(refused, field, f"is not UTF-8 text: {byte} (is the terminal UTF-8?)")
    assert "U+DC" not in refused.stderr
    assert "\\udc" not in refused.stderr
    assert seeded.event_count() == before


def test_a_whole_number_with_a_full_width_digit_keeps_its_hint(seeded: Fupin) -> None:
    refused = seeded("log --since １", "admin")

    assert_refused(refused, "since", "is not a whole number (digits 0-9 only)")
    assert "full-width characters: '1'?" in refused.stderr
