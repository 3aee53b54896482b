"""Session 29, re-tester I: a cell whose whole text was struck through (删除线) or whitened run
by run, in its own rich text (``<is><r><rPr><strike/>``, or a shared string's ``<si><r>``),
was imported, though the same cell struck by its style is refused. A cell every run of which
that holds more than spaces is struck, or of its background's colour, refuses its row as its
style would; part of its text struck is read (docs/import.md)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Color, Font, PatternFill

from tests.cli.conftest import VOIDED_ROWS, Fupin, allocations, import_refused, saved

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

STRUCK = InlineFont(strike=True)
WHITE = InlineFont(color=Color("FFFFFFFF"))


def _allocations(
    path: Path, document: str | CellRichText, rows: int = 1, font: Font | None = None
) -> Path:
    """Allocation rows whose first's document (D2) is ``document``, in ``font`` if given;
    the others plain."""
    sheet = allocations(rows)
    sheet["D2"] = document
    if font is not None:
        sheet["D2"].font = font
    return saved(sheet, path)


def _runs(*runs: str | TextBlock) -> list[str | TextBlock]:
    return list(runs)


def _shared(path: Path, runs: str, font: Font | None = None) -> Path:
    """An allocation workbook whose D2 is a shared string of ``runs`` (``<r>…</r>``), in
    ``font`` if given, as Excel and WPS save text: openpyxl saves a cell's text inline, so its
    XML is moved into a shared strings part."""
    plain = _allocations(path.with_suffix(".plain.xlsx"), "拨款1", font=font)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            text = source.read(item.filename).decode()
            if item.filename == "xl/worksheets/sheet1.xml":
                text, count = re.subn(
                    r'<c r="D2"([^>]*?) t="inlineStr"><is>.*?</is></c>',
                    r'<c r="D2"\1 t="s"><v>0</v></c>',
                    text,
                )
                assert count == 1
            elif item.filename == "xl/_rels/workbook.xml.rels":
                text = text.replace(
                    "</Relationships>",
                    '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/sharedStrings" '
                    'Target="sharedStrings.xml"/></Relationships>',
                )
            elif item.filename == "[Content_Types].xml":
                text = text.replace(
                    "</Types>",
                    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    "</Types>",
                )
            target.writestr(item, text)
        target.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            f'uniqueCount="1"><si>{runs}</si></sst>',
        )
    return path


@pytest.mark.parametrize(
    ("document", "why", "mend"),
    [
        (  # re-tester I's: one struck run
            CellRichText([TextBlock(STRUCK, "拨款1")]),
            "is struck through (删除线)",
            "clear the strikethrough",
        ),
        (  # every run struck, a run of spaces not
            CellRichText(_runs(TextBlock(STRUCK, "拨款"), " ", TextBlock(STRUCK, "1"))),
            "is struck through (删除线)",
            "clear the strikethrough",
        ),
        (  # re-tester I's: a white run on no fill
            CellRichText([TextBlock(WHITE, "拨款1")]),
            "is in a white font on no fill (a white sheet), which shows nothing",
            "give its text a colour",
        ),
        (
            CellRichText([TextBlock(STRUCK, "拨款"), TextBlock(WHITE, "1")]),
            "is struck through (删除线) in part of its text and in a font of its background's "
            "colour in the rest, which shows nothing standing",
            "clear the strikethrough and give its text a colour",
        ),
    ],
)
def test_a_cell_struck_or_whitened_run_by_run_refuses_its_row(
    seeded: Fupin, tmp_path: Path, document: CellRichText, why: str, mend: str
) -> None:
    book = _allocations(tmp_path / "a.xlsx", document, rows=3)

    said = import_refused(seeded, book)

    assert f"[receive_allocation] row 2, document: {why}: {VOIDED_ROWS} {mend}" in said
    assert "row 3" not in said
    assert "refused: 1 error(s) in 3 row(s)" in said  # counted in its row (re-tester I)


def test_a_shared_string_struck_run_by_run_refuses_its_row(seeded: Fupin, tmp_path: Path) -> None:
    runs = '<r><rPr><strike/></rPr><t>拨款</t></r><r><rPr><strike val="1"/></rPr><t>1</t></r>'
    book = _shared(tmp_path / "a.xlsx", runs)

    said = import_refused(seeded, book)

    assert (
        f"row 2, document: is struck through (删除线): {VOIDED_ROWS} clear the strikethrough"
        in said
    )


@pytest.mark.parametrize(
    "runs",
    [
        "<r><rPr><strike/></rPr><t>拨款</t></r><r><t>1</t></r>",  # part struck
        '<r><rPr><strike val="0"/></rPr><t>拨款1</t></r>',  # struck off
        '<r><rPr><color rgb="FFFF0000"/></rPr><t>拨款1</t></r>',
    ],
)
def test_a_shared_string_that_shows_is_read(seeded: Fupin, tmp_path: Path, runs: str) -> None:
    book = _shared(tmp_path / "a.xlsx", runs)

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "document",
    [
        CellRichText(_runs(TextBlock(STRUCK, "拨款"), "1")),  # re-tester I's: part of it
        CellRichText([TextBlock(WHITE, "拨款"), TextBlock(InlineFont(b=True), "1")]),
        CellRichText([TextBlock(InlineFont(b=True), "拨款1")]),
    ],
)
def test_a_cell_part_of_whose_text_shows_is_read(
    seeded: Fupin, tmp_path: Path, document: CellRichText
) -> None:
    book = _allocations(tmp_path / "a.xlsx", document)

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 0, result.output


def test_a_white_run_on_a_dark_fill_is_read(seeded: Fupin, tmp_path: Path) -> None:
    sheet = allocations()
    sheet["D2"] = CellRichText([TextBlock(WHITE, "拨款1")])
    sheet["D2"].fill = PatternFill("solid", fgColor="FF003366")
    book = saved(sheet, tmp_path / "a.xlsx")

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 0, result.output


# Session 30, re-tester R: a cell styled white or struck through whose every run set its own
# black colour, or no strikethrough, shows as Excel draws it, yet was refused as hidden. A
# run's own font sets what it gives over the cell's; what it does not give is the cell's.
BLACK = InlineFont(color=Color("FF000000"))
UNSTRUCK = InlineFont(strike=False)
WHITE_CELL, STRUCK_CELL = Font(color="FFFFFFFF"), Font(strike=True)


@pytest.mark.parametrize(
    ("font", "run"),
    [(WHITE_CELL, BLACK), (STRUCK_CELL, UNSTRUCK)],  # re-tester R's
)
def test_runs_that_show_what_their_cell_style_hides_are_read(
    seeded: Fupin, tmp_path: Path, font: Font, run: InlineFont
) -> None:
    document = CellRichText([TextBlock(run, "拨款"), TextBlock(run, "1")])
    book = _allocations(tmp_path / "a.xlsx", document, font=font)

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("font", "runs"),
    [
        (WHITE_CELL, '<r><rPr><color rgb="FF000000"/></rPr><t>拨款1</t></r>'),
        (STRUCK_CELL, '<r><rPr><strike val="0"/></rPr><t>拨款</t></r><r><t>1</t></r>'),
    ],
)
def test_a_shared_string_showing_what_its_cell_style_hides_is_read(
    seeded: Fupin, tmp_path: Path, font: Font, runs: str
) -> None:
    """The second: a run of the cell's font struck, another with none: part of it shows."""
    book = _shared(tmp_path / "a.xlsx", runs, font)

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("font", "run", "why", "mend"),
    [
        (STRUCK_CELL, BLACK, "is struck through (删除线)", "clear the strikethrough"),
        (
            WHITE_CELL,
            UNSTRUCK,
            "is in a white font on no fill (a white sheet), which shows nothing",
            "give its text a colour",
        ),
    ],
)
def test_runs_that_leave_what_their_cell_style_hides_refuse_their_row(
    seeded: Fupin, tmp_path: Path, font: Font, run: InlineFont, why: str, mend: str
) -> None:
    """A run's black colour leaves its cell's strikethrough, and its strikethrough off its
    cell's white: what a run does not give is its cell's."""
    book = _allocations(tmp_path / "a.xlsx", CellRichText([TextBlock(run, "拨款1")]), font=font)

    said = import_refused(seeded, book)

    assert f"[receive_allocation] row 2, document: {why}: {VOIDED_ROWS} {mend}" in said
