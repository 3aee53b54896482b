"""Every option naming a file to write takes -o (tester E, session 27: ``report html -o
r.html`` was "No such option" while ``export`` and ``notice`` took ``-o``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, all_commands

STORE_INDEPENDENT = "the option's spelling is read before any record"


@pytest.mark.parametrize("spelling", ["-o", "--out"])
def test_report_html_takes_the_short_and_long_spellings(
    seeded: Fupin, tmp_path: Path, spelling: str
) -> None:
    page = tmp_path / "r.html"

    seeded.ok(f"report html {spelling} {page}", "admin")

    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("command", ["keys new", "keys new-master"])
def test_a_key_file_takes_o(seeded: Fupin, tmp_path: Path, command: str) -> None:
    key = tmp_path / "k.pem"

    result = seeded(f"{command} -o {key}")

    assert result.exit_code == 0, result.output
    assert key.exists()


def test_every_o_option_takes_both_long_names() -> None:
    """Session 28 (carried from tester E, session 27): ``report html``, ``keys new``,
    ``checkpoint`` and ``prove`` took ``--out`` and ``export``, ``notice`` and ``import
    template`` ``--output``, so one long name was refused by half the commands."""
    spelled = {
        words: option.opts
        for words, command in all_commands().items()
        for option in command.params
        if "-o" in option.opts
    }

    assert len(spelled) >= 9, spelled
    assert {
        words: names
        for words, names in spelled.items()
        if sorted(names) != ["--out", "--output", "-o"]
    } == {}


@pytest.mark.parametrize("spelling", ["--out", "--output"])
def test_report_html_and_export_take_either_long_name(
    seeded: Fupin, tmp_path: Path, spelling: str
) -> None:
    page, table = tmp_path / "r.html", tmp_path / "c.csv"

    seeded.ok(f"report html {spelling} {page}", "admin")
    seeded.ok(f"export report caseload --format csv {spelling} {table}", "admin")

    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert table.read_bytes().startswith(b"\xef\xbb\xbf")
