"""Session 26, tester H (hostile import files): a workbook whose sheet XML names a far row
(``<row r="20000000"/>``, a cell in row 1,048,577) or millions of bare ``<row/>`` made the
importer keep an empty row for every row number skipped (1.6 GB for a 5 KB file), and a row
past Excel's last, 1,048,576, was read and even applied. Such a sheet is refused in one line
naming the file, the sheet and the row, read no further; empty rows are not kept
(docs/import.md)."""

from __future__ import annotations

import io
import resource
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from openpyxl import Workbook

from cli import xlsx_sheets
from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

HEADERS = ["ref", "actor", "effective", "document", "note", "account", "amount"]
PAST = "is past the last row a sheet may have (1,048,576, as in Excel and WPS)"


def _workbook(rows_xml: str) -> bytes:
    """A receive_allocation sheet of one row (R-1), with ``rows_xml`` put at the end of its
    ``<sheetData>``, as a program may write it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(HEADERS)
    sheet.append(["R-1", "qu-01", "2016-09-01", "拨款1", "", "city-2016", 100])
    buffer = io.BytesIO()
    book.save(buffer)
    source, out = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", rows_xml.encode() + b"</sheetData>")
            target.writestr(item, content)
    return out.getvalue()


def _row(number: int, ref: str) -> str:
    cells = [ref, "qu-01", "2016-09-02", "拨款2", "", "city-2016", "5"]
    return (
        f'<row r="{number}">'
        + "".join(
            f'<c r="{letter}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
            for letter, value in zip("ABCDEFG", cells, strict=True)
            if value
        )
        + "</row>"
    )


@contextmanager
def _address_space(spare: int) -> Iterator[None]:
    """This process may take ``spare`` bytes more than it has (the old code took 1.6 GB:
    refused for memory, not run)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (size + spare, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def test_a_row_past_excels_last_is_refused_naming_the_file_sheet_and_row(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "past.xlsx"
    path.write_bytes(_workbook(_row(1_048_577, "R-2")))
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"{path} [receive_allocation] row 1048577, row number: {PAST}" in result.stderr
    assert "Traceback" not in result.output
    assert seeded.event_count() == before


def test_a_sheet_naming_row_20000000_is_refused_without_taking_memory(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "far.xlsx"
    path.write_bytes(_workbook('<row r="20000000"/>'))  # 2 KB, no cell in it

    with _address_space(300 << 20):
        result = seeded(f"import --dry-run {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"{path} [receive_allocation] row 20000000, row number: {PAST}" in result.stderr
    assert "Traceback" not in result.output


def test_bare_rows_past_the_last_are_refused_at_the_first_past_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "bare.xlsx"
    path.write_bytes(_workbook("<row/>" * 1_100_000))  # rows 3 to 1,100,002

    result = seeded(f"import --dry-run {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"{path} [receive_allocation] row 1048577, row number: {PAST}" in result.stderr


def test_empty_rows_are_not_kept_and_a_row_after_them_keeps_its_number(
    seeded: Fupin, tmp_path: Path
) -> None:
    empty = "<row/>" * 199_997  # rows 3 to 199,999
    data = _workbook(empty + _row(200_000, "R-2").replace("2016-09-02", "") + empty)

    [(_, _, _, table)] = list(xlsx_sheets._xlsx_sheets(data))
    path = tmp_path / "gap.xlsx"
    path.write_bytes(data)
    result = seeded(f"import --dry-run {path}", "qu-01")

    assert len({id(row) for row in table}) <= 4  # two rows, R-2's and one empty one shared
    assert len(table) == 200_000  # not the 199,997 empty rows after R-2
    assert result.exit_code == 2, result.output
    assert f"{path} [receive_allocation] row 200000, effective: is required" in result.stderr


def test_a_formula_with_no_saved_value_after_empty_rows_is_still_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "formula.xlsx"
    path.write_bytes(_workbook('<row r="9"><c r="G9"><f>1+1</f></c></row>'))

    result = seeded(f"import --dry-run {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"{path} [receive_allocation] row 9, amount: holds a formula" in result.stderr
