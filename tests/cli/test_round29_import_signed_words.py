"""Session 29, helper c: a number cell of an xlsx import shown through a format like
``"JN-"000000`` (999002 shown as JN-999002) was refused, rightly, but said to "show it as a
negative number": the ``-`` of the quoted text was read as a minus sign. A minus or a
parenthesis that is part of a word the format adds is said as that word, as a text cell's
format is (``its number format adds 'JN-'``); a sign alone still shows a negative number
(docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import ALLOCATION_COLUMNS, Fupin, import_refused, saved, workbook

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"


def _allocation(path: Path, amount: object, column: str, number_format: str) -> Path:
    row = ["R-1", "qu-01", "2016-09-01", 999002, "", "city-2016", amount]
    sheet = workbook("receive_allocation", ALLOCATION_COLUMNS, row)
    return saved(sheet, path, {f"{column}2": number_format})


@pytest.mark.parametrize(
    ("number_format", "word"),
    [('"JN-"000000', "JN-"), ("\\J\\N-000000", "JN-"), ('0.00"-元"', "-元")],
)
def test_a_word_holding_a_dash_is_said_as_the_text_the_format_adds(
    seeded: Fupin, tmp_path: Path, number_format: str, word: str
) -> None:
    said = import_refused(seeded, _allocation(tmp_path / "b.xlsx", 100, "G", number_format))

    assert (
        f"amount: holds 100, but its number format adds {word!r} to it (the format "
        f"{number_format!r}): what it shows is not what it holds"
    ) in said
    assert "negative" not in said


def test_a_number_in_a_text_column_is_told_the_word_too(seeded: Fupin, tmp_path: Path) -> None:
    said = import_refused(seeded, _allocation(tmp_path / "b.xlsx", 100, "D", '"JN-"000000'))

    assert (
        "document: is a number in the spreadsheet, not text: it holds 999002, but its number "
        "format adds 'JN-' to it (the format '\"JN-\"000000')"
    ) in said


@pytest.mark.parametrize("number_format", ['"-"0.00', '"¥"-0.00', "(0.00)"])
def test_a_sign_alone_still_shows_a_negative_number(
    seeded: Fupin, tmp_path: Path, number_format: str
) -> None:
    said = import_refused(seeded, _allocation(tmp_path / "b.xlsx", 100, "G", number_format))

    assert "its number format shows it as a negative number" in said
