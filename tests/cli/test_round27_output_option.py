"""Every option naming a file to write takes -o (tester E, session 27: ``report html -o
r.html`` was "No such option" while ``export`` and ``notice`` took ``-o``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin

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
