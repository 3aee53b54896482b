"""``export report --format xlsx`` without ``-o`` does what ``--help`` says: the workbook goes
to standard output when that is a file or a pipe, and is refused on a terminal (give -o FILE).
Before, it wrote ``./NAME.xlsx``, replacing a file of that name without a word."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli import exporting
from tests.cli.conftest import Fupin, assert_refused

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


def test_a_workbook_goes_to_standard_output_when_it_is_no_terminal(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cwd"
    folder.mkdir()
    (folder / "funds.xlsx").write_bytes(b"kept")
    monkeypatch.chdir(folder)

    result = seeded.ok("export report funds --format xlsx", actor="admin")

    workbook = load_workbook(io.BytesIO(result.stdout_bytes))
    assert "accounts" in workbook.sheetnames
    assert [p.name for p in folder.iterdir()] == ["funds.xlsx"]
    assert (folder / "funds.xlsx").read_bytes() == b"kept"


def test_a_workbook_is_refused_on_a_terminal_and_nothing_is_written(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setattr(exporting, "stdout_is_terminal", lambda: True)

    result = seeded("export report funds --format xlsx", actor="admin")

    assert_refused(result, "output", "an XLSX workbook is not shown on a terminal: give -o FILE")
    assert result.stdout == ""
    assert list(folder.iterdir()) == []


def test_json_still_goes_to_a_terminal(seeded: Fupin, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exporting, "stdout_is_terminal", lambda: True)

    assert seeded.ok("export report funds", actor="admin").stdout.startswith("{")


def test_the_help_says_where_a_workbook_goes(seeded: Fupin) -> None:
    result = seeded.ok("export report --help")

    assert "XLSX: never a terminal" in " ".join(result.stdout.split())
