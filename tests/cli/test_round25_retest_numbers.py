"""Whole numbers, re-tested (session 25): only blanks around the digits, one bound named for
the command line and imports alike, a cell's refusal saying what it holds, a JSON number with
a fraction or an exponent refused, and an option's value kept where a negative argument moves.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest
from cli.main import app
from openpyxl import Workbook

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the command line's and an import's reading of whole numbers"

JN = "jn-01"
RULE = "is not a whole number (digits 0-9 only)"
BOUND = "out of range (whole numbers are at most 10^12)"
HEADER = ["ref", "actor", "effective", "document", "note", "account", "source", "year"]


@pytest.mark.parametrize("control", ["\x1c", "\x1f", "\x85", "\x0b"])
def test_a_control_character_around_the_digits_is_refused(seeded: Fupin, control: str) -> None:
    result = seeded.runner.invoke(app, ["--as", "admin", "log", "--limit", f"1{control}"])

    assert_refused(result, "limit", RULE)


def test_a_control_character_around_an_import_cell_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    sheet = tmp_path / "open_account.csv"
    sheet.write_text(",".join(HEADER) + "\nA-1,qu-01,2016-09-02,文件,,acc-9,city,2018\x1f\n")
    before = seeded.event_count()

    result = seeded(f"import {sheet}", "qu-01")

    assert result.exit_code == 2, result.output
    assert RULE in result.output
    assert seeded.event_count() == before


@pytest.mark.parametrize("typed", [" 5 ", "\t5", "\u30005\u3000"])
def test_blanks_around_the_digits_are_still_taken(seeded: Fupin, typed: str) -> None:
    result = seeded.runner.invoke(app, ["--as", "admin", "log", "--limit", typed])

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("typed", ["9223372036854775808", "1000000000001", "-1000000000001"])
def test_the_command_line_names_its_bound(seeded: Fupin, typed: str) -> None:
    result = seeded.runner.invoke(app, ["--as", "admin", "log", "--since", typed])

    assert_refused(result, "since", f"{typed} is {BOUND}")


def test_an_import_names_the_same_bound(seeded: Fupin, tmp_path: Path) -> None:
    sheet = tmp_path / "open_account.csv"
    sheet.write_text(",".join(HEADER) + "\nA-1,qu-01,2016-09-02,文件,,acc-9,city,1000000000001\n")

    result = seeded(f"import {sheet}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"year: 1000000000001 is {BOUND}" in result.output


def _workbook(path: Path, year: object) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "open_account"
    sheet.append(HEADER)
    sheet.append(["A-1", "qu-01", "2016-09-02", "文件", None, "acc-9", "city", year])
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        (True, "expects a whole number, not true/false"),
        (datetime(2018, 1, 1), "expects a whole number, not a date cell"),
        (2018.5, "expects a whole number, not 2018.5"),
    ],
)
def test_a_workbook_cell_refused_says_what_it_holds(
    seeded: Fupin, tmp_path: Path, cell: object, said: str
) -> None:
    book = _workbook(tmp_path / "accounts.xlsx", cell)
    before = seeded.event_count()

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"year: {said}" in " ".join(result.output.split())
    assert seeded.event_count() == before


@pytest.mark.parametrize("written", ["2.018e3", "2018.0", "2018e0"])
def test_a_json_number_with_a_fraction_or_exponent_is_refused(
    seeded: Fupin, tmp_path: Path, written: str
) -> None:
    row = {
        "command": "open_account",
        "ref": "A-1",
        "actor": "qu-01",
        "effective": "2016-09-02",
        "document": "文件",
        "args": {"account": "acc-9", "source": "city", "year": 0},
    }
    rows = tmp_path / "rows.jsonl"
    rows.write_bytes(orjson.dumps(row).replace(b'"year":0', f'"year":{written}'.encode()))
    before = seeded.event_count()

    result = seeded(f"import {rows}", "qu-01")

    assert result.exit_code == 2, result.output
    assert "year: is a JSON number written with a fraction or an exponent" in " ".join(
        result.output.split()
    )
    assert seeded.event_count() == before


def test_an_option_left_without_its_value_is_named(seeded: Fupin) -> None:
    result = seeded(f"correct household JH-0001 -1 {doc('2017-01-20')} --reason", JN)

    assert result.exit_code == 2, result.output
    assert "No such option" not in result.output
    assert "'--reason' requires an argument" in result.output


def test_a_double_dash_given_as_a_value_is_that_value(seeded: Fupin) -> None:
    result = seeded("correct household JH-0001 -1 -d -- --reason 录错 -e 2017-01-20", JN)

    assert "No such option" not in result.output
    assert_refused(result, "version", "-1")
