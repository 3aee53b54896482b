"""Session 26, tester H (hostile import files): oversized values were refused in a parser's
words. A CSV cell over Python csv's field limit (131,072 characters) was "not valid CSV …
(field larger than field limit (131072))"; it is read, and refused by the rule on its length
naming its row and column, as in XLSX. A JSONL number too large for a double (``1e400``, an
integer of 5,000 digits) was "not valid JSON (number is infinity when parsed as double …)";
it is refused naming its key, and for an amount the amount's rule (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the file is refused before the store is written: SQLite is enough"

HEADERS = "ref,actor,effective,document,note,account,amount"
TOO_LARGE = "is a number too large to read (more than a double holds, about 1.8e308)"


def test_a_csv_cell_over_the_readers_field_limit_is_refused_by_the_length_rule(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "receive_allocation.csv"
    note = "长" * 200_000
    path.write_text(f"{HEADERS}\nR-1,qu-01,2016-09-01,拨款1,{note},city-2016,100\n")
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"{path} row 2, note: is longer than 2000 characters" in result.stderr
    assert "field limit" not in result.stderr
    assert seeded.event_count() == before


def test_a_huge_csv_header_is_named_by_its_first_60_characters(
    seeded: Fupin, tmp_path: Path
) -> None:
    # tester K, session 26: the unknown column's refusal was a line of 200,149 characters
    path = tmp_path / "receive_allocation.csv"
    path.write_text(f"{HEADERS},{'h' * 200_000}\nC-1,qu-01,2016-09-01,d,,city-2016,100\n")

    result = seeded(f"import --dry-run {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"{path} row 1, {'h' * 60}… (200,000 characters): unknown column" in result.stderr
    assert max(len(line) for line in result.stderr.splitlines()) < 1000


def _allocation(amount: str) -> str:
    args = f'{{"account": "city-2016", "amount": {amount}}}'
    return (
        '{"command": "receive_allocation", "ref": "R-1", "actor": "qu-01", "effective": '
        f'"2016-09-01", "document": "拨款1", "args": {args}}}\n'
    )


@pytest.mark.parametrize("amount", ["1e400", "-1E+999", "1" + "0" * 5000])
def test_a_jsonl_amount_too_large_for_a_double_is_refused_naming_it(
    seeded: Fupin, tmp_path: Path, amount: str
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(_allocation(amount))

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path} line 1, amount: {TOO_LARGE}; an amount is at most 1,000,000,000,000.00 yuan"
    ) in result.stderr
    assert "not valid JSON" not in result.stderr


def test_a_jsonl_number_too_large_in_a_list_names_the_line(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(_allocation("[1, 1e400]"))

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path} line 1, json: holds a number too large to read (more than a double holds"
    ) in result.stderr


def test_a_jsonl_amount_of_more_decimals_than_a_double_holds_is_told_its_rule(
    seeded: Fupin, tmp_path: Path
) -> None:
    # tester K, session 26: asked to write it as text, then refused for its decimals
    path = tmp_path / "rows.jsonl"
    path.write_text(_allocation("1e-400"))

    result = seeded(f"import --dry-run {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path} line 1, amount: '1e-400' has 400 decimals, and amounts are to the fen (0.01 "
        "yuan): give at most 2"
    ) in result.stderr
    assert "as text" not in result.stderr
