"""Session 26, tester H (hostile import files): a sheet named 说明, readme or README (in any
case and spacing) is skipped as notes, and was skipped silently when it held rows to import;
a workbook of only such a sheet "imported 0 row(s)", exit 0. Such a sheet holding rows is
refused naming it, and a workbook that yields no row at all is refused as an empty file is
(docs/import.md)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

HEADERS = ["ref", "actor", "effective", "document", "note", "account", "amount"]
ROW = ["R-1", "qu-01", "2016-09-01", "拨款1", "", "city-2016", 100]


def _workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def _notes_rule(path: Path, title: str) -> str:
    return (
        f"{path} [{title}], sheet: holds rows (values under ref, actor, effective, …), but a "
        "sheet of this name (说明, readme) is skipped as notes: move the rows to a sheet of "
        "their own"
    )


def test_a_readme_sheet_holding_rows_beside_a_command_sheet_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    moved = ["receive_allocation", "R-2", "qu-01", "2016-09-02", "拨款2", "", "city-2016", 5]
    path = _workbook(
        tmp_path / "book.xlsx",
        {"receive_allocation": [HEADERS, ROW], "Readme": [["command", *HEADERS], moved]},
    )
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert _notes_rule(path, "Readme") in result.stderr
    assert "Traceback" not in result.output
    assert seeded.event_count() == before


def test_a_workbook_of_a_notes_sheet_holding_rows_alone_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    for title in (" README ", "说明"):
        path = _workbook(tmp_path / "notes.xlsx", {title: [HEADERS, ROW]})

        result = seeded(f"import {path}", "qu-01")

        assert result.exit_code == 2, result.output
        assert _notes_rule(path, title) in result.stderr


def test_a_workbook_with_no_row_below_its_headers_holds_nothing_to_import(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "模板.xlsx"
    seeded.ok(f"import template --format xlsx -o {path}")  # its 说明 sheet, and headers only

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path}, file: holds nothing to import: no sheet has a row below its header row "
        "(skipped as notes: '说明'); name the file that holds the rows"
    ) in result.stderr


def test_the_templates_notes_sheet_beside_filled_rows_is_skipped(
    seeded: Fupin, tmp_path: Path
) -> None:
    notes = [
        ["sheet", "命令", "column", "中文表头", "kind"],
        ["identify", "识别", "ref", "编号", ""],
    ]
    path = _workbook(tmp_path / "book.xlsx", {"说明": notes, "receive_allocation": [HEADERS, ROW]})

    result = seeded.ok(f"import {path}", "qu-01")

    assert "imported 1 row(s)" in result.stdout


def test_a_notes_sheet_holding_a_row_without_a_ref_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    # tester K, session 26: skipped without a word, "dry run: 1 row(s) would be applied"
    notes = [
        ["command", "记录人", "生效日期", "文件", "账户", "金额"],
        ["receive_allocation", "qu-01", "2016-09-01", "拨款2", "city-2016", "100"],
    ]
    path = _workbook(tmp_path / "book.xlsx", {"receive_allocation": [HEADERS, ROW], "说明": notes})

    result = seeded(f"import --dry-run {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path} [说明], sheet: holds rows (values under 记录人, 生效日期, 文件, …), but a sheet "
        "of this name (说明, readme) is skipped as notes"
    ) in result.stderr


def test_the_templates_own_notes_sheet_and_a_column_of_notes_are_skipped(
    seeded: Fupin, tmp_path: Path
) -> None:
    template = tmp_path / "模板.xlsx"
    seeded.ok(f"import template --format xlsx -o {template}")
    book = load_workbook(template)
    book["receive_allocation"].append(ROW)
    book["说明"].append(["receive_allocation", "拨款", "备注", "备注 note", "文件号 金额 账户"])
    book.create_sheet("readme").append(["文件", "说明"])
    book["readme"].append(["拨款通知", "金额以元计"])  # one column headed as an import column
    book.create_sheet("README ").append(["账户", "备注"])
    book["README "].append(["city-2016", "县级资金"])  # a note's column is no mark of rows
    path = tmp_path / "filled.xlsx"
    book.save(path)

    result = seeded.ok(f"import --dry-run {path}", "qu-01")

    assert "1 row(s) would be applied" in result.stdout
