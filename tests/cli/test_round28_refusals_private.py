"""Session 28, re-tester O: Excel's ``sep=`` line padded with commas, in capitals or quoted
was refused as a title row; it is skipped as ``sep=,`` is (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the files are refused before the store is written: SQLite is enough"


def _refused(fupin: Fupin, path: Path) -> str:
    result = fupin(f"import file --dry-run {path}", "jn-01")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return " ".join(result.stderr.split())


# -- Excel's sep= line ----------------------------------------------------------------------------

VISIT = "ref,effective,document,household,helper,summary\nV-1,2016-08-20,doc,JH-0001,c-1,入户\n"


@pytest.mark.parametrize("line", ["sep=,,,,,", "SEP=,", "Sep=,", '"sep=,"', '"sep=,",,,,,'])
def test_a_padded_capital_or_quoted_sep_line_is_skipped(
    seeded: Fupin, tmp_path: Path, line: str
) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_text(f"{line}\r\n{VISIT}", newline="")

    result = seeded.ok(f"import {path}", "jn-01")

    assert "imported 1 row(s)" in result.stdout


@pytest.mark.parametrize("line", ["SEP=;", '"sep=;"', "sep=;,,,,,"])
def test_a_padded_capital_or_quoted_sep_line_of_semicolons_is_refused(
    seeded: Fupin, tmp_path: Path, line: str
) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_text(f"{line}\n{VISIT}")

    said = _refused(seeded, path)

    assert "its first line, 'sep=;', says its cells are separated by semicolons (;)" in said
