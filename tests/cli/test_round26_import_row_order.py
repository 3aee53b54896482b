"""Session 26, tester K (re-test of the import's hardening): a sheet whose XML numbers its
rows out of order (1, 3, 2, 4), gives a row number twice, or a row number below one before
it (10, then 7) lost rows without a word, exit 0: openpyxl's reader skips a row numbered at
or below one it has read. So does a cell whose reference names another row, or a column at
or left of one before it (the later overwrites the earlier). Such a sheet is refused in one
line naming the file, the sheet and the row, as a row past the last is (docs/import.md)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

HEADERS = ["ref", "actor", "effective", "document", "note", "account", "amount"]
UNSAVED = (
    ": the workbook was not saved by a spreadsheet; open it in Excel or WPS and save it, or "
    "write it again"
)


def _workbook(path: Path, edit: Callable[[str], str]) -> Path:
    """A receive_allocation sheet of rows T-1, T-2, T-3 (100, 101, 102), its XML edited."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(HEADERS)
    for i in range(3):
        sheet.append([f"T-{i + 1}", "qu-01", "2016-09-01", "拨款1", "", "city-2016", 100 + i])
    buffer = io.BytesIO()
    book.save(buffer)
    source, out = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = edit(content.decode()).encode()
            target.writestr(item, content)
    path.write_bytes(out.getvalue())
    return path


def _swapped(xml: str) -> str:
    """Rows written 1, 3, 2, 4."""
    rows = {found[1]: found[0] for found in re.finditer(r'<row r="(\d+)"[^>]*>.*?</row>', xml)}
    head, rest = xml.split("<sheetData>")
    tail = rest.split("</sheetData>")[1]
    return head + "<sheetData>" + "".join(rows[n] for n in "1324") + "</sheetData>" + tail


def _renumbered(old: int, new: int) -> Callable[[str], str]:
    """Row ``old`` numbered ``new``, its cells too."""

    def edit(xml: str) -> str:
        xml = xml.replace(f'<row r="{old}"', f'<row r="{new}"')
        return re.sub(rf'r="([A-Z]+){old}"', rf'r="\g<1>{new}"', xml)

    return edit


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (_swapped, "row 2, row number: comes after row 3"),
        (_renumbered(4, 3), "row 3, row number: is given twice"),
        (
            lambda xml: _renumbered(4, 7)(_renumbered(3, 10)(xml)),
            "row 7, row number: comes after row 10",
        ),
    ],
    ids=["1-3-2-4", "twice", "10-then-7"],
)
def test_rows_out_of_order_are_refused_naming_the_row(
    seeded: Fupin,
    tmp_path: Path,
    edit: Callable[[str], str],
    where: str,
) -> None:
    path = _workbook(tmp_path / "order.xlsx", edit)
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path} [receive_allocation] {where} (a sheet's rows are numbered in order, each "
        f"once){UNSAVED}"
    ) in result.stderr
    assert "Traceback" not in result.output
    assert seeded.event_count() == before


def test_a_cell_naming_another_row_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "cell.xlsx", lambda xml: xml.replace('r="G3"', 'r="G9"'))

    result = seeded(f"import --dry-run {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path} [receive_allocation] row 3, cell reference: G9 names another row than its "
        f"own (3){UNSAVED}"
    ) in result.stderr


def test_a_cell_left_of_one_before_it_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "cell.xlsx", lambda xml: xml.replace('r="G3"', 'r="F3"'))

    result = seeded(f"import --dry-run {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path} [receive_allocation] row 3, cell reference: F3 comes after a cell at or "
        f"right of its column in the row{UNSAVED}"
    ) in result.stderr


def test_rows_and_cells_without_numbers_and_gaps_are_read(seeded: Fupin, tmp_path: Path) -> None:
    def edit(xml: str) -> str:  # row 3 and its cells unnumbered; row 4 numbered 9
        xml = re.sub(r' r="[A-Z]+3"', "", xml).replace('<row r="3"', "<row")
        return _renumbered(4, 9)(xml)

    path = _workbook(tmp_path / "gaps.xlsx", edit)

    result = seeded.ok(f"import --dry-run {path}", "qu-01")

    assert "3 row(s) would be applied" in result.stdout
