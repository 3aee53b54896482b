"""Session 29, tester E: a row struck through (删除线) or in a white font on a white sheet was
imported, exit 0, though officers strike out or whiten voided rows as they hide them, and
docs/import.md refuses hidden rows because "an import must not record what the sheet does not
show". A row with a value in a struck-through font, or in a font of its background's colour,
is refused naming its first such cell (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl.styles import Color, Font, PatternFill

from tests.cli.conftest import VOIDED_ROWS, Fupin, allocations, import_refused, saved

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

WHITE = "FFFFFFFF"


def _allocations(path: Path, styles: list[tuple[Font | None, PatternFill | None, int]]) -> Path:
    """An allocation row a style: its font and fill on the first ``count`` cells."""
    sheet = allocations(len(styles))
    for n, (font, fill, count) in enumerate(styles, 2):
        for cell in sheet[n][:count]:
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
    return saved(sheet, path)


def _solid(colour: str | Color) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


def test_a_struck_through_row_is_refused_naming_its_first_struck_cell(
    seeded: Fupin, tmp_path: Path
) -> None:
    book = _allocations(tmp_path / "a.xlsx", [(Font(strike=True), None, 7), (None, None, 0)])

    said = import_refused(seeded, book)

    assert (
        "[receive_allocation] row 2, ref: is struck through (删除线), as are 5 more cells of "
        f"the row: {VOIDED_ROWS} clear the strikethrough"  # (its empty note is not counted)
    ) in said
    assert "row 3" not in said


@pytest.mark.parametrize(
    ("font", "fill", "why"),
    [
        (Font(color=WHITE), None, "is in a white font on no fill (a white sheet)"),  # tester E's
        (Font(color=Color(theme=0)), None, "is in a white font on no fill"),  # 白色, 背景 1
        (Font(color=Color(indexed=9)), None, "is in a white font on no fill"),  # the palette's
        (Font(color=WHITE), _solid(WHITE), "is in a white font on a white fill"),
        (Font(color="FFFF0000"), _solid("FFFF0000"), "is in a font of its fill's colour"),
        (Font(color=Color(theme=4)), _solid(Color(theme=4)), "is in a font of its fill's"),
    ],
)
def test_a_row_in_a_font_of_its_backgrounds_colour_is_refused(
    seeded: Fupin, tmp_path: Path, font: Font, fill: PatternFill | None, why: str
) -> None:
    book = _allocations(tmp_path / "a.xlsx", [(font, fill, 7)])

    said = import_refused(seeded, book)

    assert f"[receive_allocation] row 2, ref: {why}" in said
    assert f"{VOIDED_ROWS} give its text a colour" in said


def test_one_struck_cell_refuses_its_row_naming_it(seeded: Fupin, tmp_path: Path) -> None:
    sheet = allocations()
    sheet["G2"].font = Font(strike=True)
    sheet["E2"].font = Font(strike=True)  # empty: shows nothing either way

    said = import_refused(seeded, saved(sheet, tmp_path / "a.xlsx"))

    assert (
        f"row 2, amount: is struck through (删除线): {VOIDED_ROWS} clear the strikethrough" in said
    )


@pytest.mark.parametrize(
    ("font", "fill"),
    [
        (Font(color="FFFF0000"), None),  # red on the sheet's white
        (Font(color=WHITE), _solid("FF000000")),  # white on black
        (Font(color=Color(theme=0, tint=-0.5)), None),  # a darker shade of Background 1
        (Font(color=Color(theme=1)), _solid("FF000000")),  # a theme's colour: not judged
        (Font(bold=True, italic=True, underline="single"), _solid("FFFFFF00")),
    ],
)
def test_rows_in_a_font_that_shows_are_read(
    seeded: Fupin, tmp_path: Path, font: Font, fill: PatternFill | None
) -> None:
    book = _allocations(tmp_path / "a.xlsx", [(font, fill, 7)])

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 0, result.output


def test_a_struck_header_row_is_read(seeded: Fupin, tmp_path: Path) -> None:
    sheet = allocations()
    for cell in sheet[1]:
        cell.font = Font(strike=True, color=WHITE)
    book = saved(sheet, tmp_path / "a.xlsx")

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 0, result.output
