"""Session 29, tester E (a clerk importing officers' workbooks): a text cell whose number format
adds text around ``@`` (``"JN-"@`` showing JN-999002 for 999002 typed, ``"江南扶贫〔2018〕"@``,
a suffix ``@"号"``, a four-section ``;;;"JN-"@``) was imported as the text typed, exit 0: the
household number, document or address recorded differed from what the sheet showed. Only a
fourth section without ``@`` was looked at. The section Excel shows text by is read (the
fourth of four; of fewer, the last if it holds ``@``), and a cell it adds text to is refused
(docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.conftest import Fupin, history_rows, identify_sheet, import_refused, saved

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

ADVICE = (
    "what it shows is not what it holds; type what it shows and format the cell General or "
    "Text (文本)"
)
PREFIX = "江南扶贫〔2018〕"  # a document's prefix, tester E's


def _identify(path: Path, household: str, formats: dict[str, str]) -> Path:
    sheet = identify_sheet({"document": "12号", "household": household})
    return saved(sheet, path, formats)  # personal data: only its owner may read it


@pytest.mark.parametrize(
    ("cell", "column", "number_format", "held", "added", "shown"),
    [
        ("E2", "household", '"JN-"@', "999002", "JN-", "JN-999002"),  # tester E's
        ("D2", "document", f'"{PREFIX}"@', "12号", PREFIX, f"{PREFIX}12号"),
        ("D2", "document", '@"(存档)"', "12号", "(存档)", "12号(存档)"),
        ("E2", "household", ';;;"JN-"@', "999002", "JN-", "JN-999002"),  # a fourth section
        ("E2", "household", '0;"JN-"@', "999002", "JN-", "JN-999002"),  # the last of two
        ("E2", "household", "\\J\\N-@", "999002", "JN-", "JN-999002"),  # escaped, bare
        ("D2", "document", "[$¥-804]@", "12号", "¥", "¥12号"),  # a currency's sign
    ],
)
def test_a_text_cell_whose_format_adds_text_is_refused_saying_what_it_shows(
    seeded: Fupin,
    tmp_path: Path,
    cell: str,
    column: str,
    number_format: str,
    held: str,
    added: str,
    shown: str,
) -> None:
    book = _identify(tmp_path / "identify.xlsx", "999002", {cell: number_format})

    said = import_refused(seeded, book, "jn-01")

    assert (
        f"[identify] row 2, {column}: holds {held!r}, but its number format adds {added!r} to "
        f"it (the format {number_format!r}), showing {shown!r}: {ADVICE}"
    ) in said
    assert "refused: 1 error(s) in 1 row(s)" in said


def test_a_personal_cell_whose_format_adds_text_is_refused_without_showing_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    book = _identify(tmp_path / "identify.xlsx", "JN-999002", {"Q2": '"江海区"@'})

    said = import_refused(seeded, book, "jn-01")

    assert (
        "[identify] row 2, address: holds text (not shown: a refusal never shows personal "
        f"data), but its number format adds '江海区' to it (the format '\"江海区\"@'): {ADVICE}"
    ) in said
    assert "江南街道1号" not in said


@pytest.mark.parametrize(
    ("number_format", "change"),
    [
        ('"+86 "0', "adds '+86' to it (the format '\"+86 \"0')"),  # re-tester R's (session 30)
        ('"(+86) "0', "adds '(+86)' to it (the format '\"(+86) \"0')"),
        ("0.00E+00", "shows an exponent"),
    ],
)
def test_a_phone_typed_as_a_number_whose_format_shows_it_otherwise_is_said_as_its_text_is(
    seeded: Fupin, tmp_path: Path, number_format: str, change: str
) -> None:
    """Session 30, re-tester R: a phone typed as a number in its own column, with a format
    adding '+86 ', was asked whether it was typed in the wrong option or cell; it is said as
    the same phone typed as text is, never quoted."""
    book = _identify(tmp_path / "identify.xlsx", "JN-999002", {"P2": number_format})
    workbook = load_workbook(book)
    workbook["identify"]["P2"].value = 13800000000
    workbook.save(book)

    said = import_refused(seeded, book, "jn-01")

    assert (
        "[identify] row 2, phone: holds a number (not shown: a refusal never shows personal "
        f"data), but its number format {change}: what it shows is not what it holds; "
    ) in said
    assert "wrong option or cell" not in said
    assert "13800000000" not in said
    assert said.endswith("refused: 1 error(s) in 1 row(s); nothing written")


def test_a_format_showing_the_text_twice_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    book = _identify(tmp_path / "identify.xlsx", "JN-999002", {"D2": "@@"})

    said = import_refused(seeded, book, "jn-01")

    assert "row 2, document: holds '12号', but its number format shows it 2 times" in said


@pytest.mark.parametrize(
    "number_format",
    ["@", "General", "[Red]@", "_ @_ ", "@* ", "0;-0;0;@", "0.00", '"JN-"0', '0;0;"x"'],
)
def test_formats_that_show_the_text_as_it_is_are_read(
    seeded: Fupin, tmp_path: Path, number_format: str
) -> None:
    book = _identify(tmp_path / "identify.xlsx", "JN-999002", {"D2": number_format})

    result = seeded(f"import {book}", "jn-01")

    assert result.exit_code == 0, result.output
    assert [row["document"] for row in history_rows(seeded, "JN-999002")] == ["12号"]


def test_a_number_in_a_text_section_format_is_read_as_general_shows_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    """A number in a ``"JN-"@`` cell shows as General shows it: the text rule leaves it be."""
    book = _identify(tmp_path / "identify.xlsx", "JN-999002", {"I2": '"JN-"@'})

    result = seeded(f"import {book}", "jn-01")

    assert result.exit_code == 0, result.output
