"""Session 23 (a street office clerk importing 台账):

- a column shrunk to a width of 0 (Excel shows it as hidden) was read; a value in it is
  refused as one in a hidden column is;
- an area typed in Chinese (农村, 城镇, 城市) was refused;
- a date Excel's CSV writes in the Chinese locale (``2018/12/15``) was refused, and a date
  cell holding a plain number (a date serial in General format) was told only that it
  expects a date."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cli.importing import read_bytes
from openpyxl import Workbook

from tests.cli.conftest import Fupin, doc

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

ALLOCATION = ["编号 ref", "记录人 actor", "生效日期 effective", "文件 document", "备注 note"]


def _saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_columns(data: bytes, cols: str) -> bytes:
    """The workbook with ``cols`` (``<cols>…</cols>``) put in its first sheet's XML before
    ``<sheetData>``, as a spreadsheet saves a column's width."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"<cols>.*?</cols>", b"", content, flags=re.S)
                content = content.replace(b"<sheetData", cols.encode() + b"<sheetData", 1)
            target.writestr(item, content)
    return out.getvalue()


# -- 1. a column of width 0 -------------------------------------------------------------------


def _allocations(note: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append([*ALLOCATION, "账户 account", "金额 amount"])
    sheet.append(["R-1", "qu-01", "2016-09-01", "拨款1", note, "city-2016", 500])
    return _saved(book)


ZERO_WIDE = '<cols><col min="5" max="5" width="0" customWidth="1"/></cols>'


@SQLITE
def test_a_value_in_a_column_of_width_0_is_refused_as_in_a_hidden_column(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "allocations.xlsx"
    path.write_bytes(_with_columns(_allocations("作废"), ZERO_WIDE))
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path} [receive_allocation] row 2, 备注 note: column is hidden: unhide it to import "
        "it, or delete it"
    ) in result.stderr
    assert "Traceback" not in result.output
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    "cols",
    [
        '<cols><col min="5" max="5" width="0"/></cols>',
        '<cols><col min="4" max="6" width="0.0" customWidth="1"/></cols>',
    ],
)
def test_any_column_range_of_width_0_is_hidden(cols: str) -> None:
    _found, errors = read_bytes("book.xlsx", _with_columns(_allocations("作废"), cols))

    assert ("book.xlsx [receive_allocation] row 2", "备注 note") in [
        (e.where, e.column) for e in errors
    ]


def test_an_empty_column_of_width_0_and_a_narrow_one_are_read() -> None:
    cols = (
        '<cols><col min="5" max="5" width="0" customWidth="1"/>'
        '<col min="6" max="6" width="0.5"/></cols>'
    )

    found, errors = read_bytes("book.xlsx", _with_columns(_allocations(""), cols))

    assert errors == []
    assert found[0].values["account"] == "city-2016"


# -- 2. an area in Chinese --------------------------------------------------------------------

IDENTIFY = (
    "编号 ref,生效日期 effective,文件 document,户号 household,街道 street,村（社区） village,"
    "城乡 area,人口 members,有劳动能力 labour,有意愿 willing,户主姓名 head_name,"
    "身份证号 id_card\n"
)


def _area_of(seeded: Fupin, household: str) -> str:
    shown = json.loads(seeded.ok(f"household show {household} --format json", "admin").output)
    return str(shown["household"]["area"])


@SQLITE
@pytest.mark.parametrize(
    ("word", "area"), [("农村", "rural"), ("城镇", "urban"), ("城市", "urban")]
)
def test_an_area_typed_in_chinese_is_imported_as_its_english_name(
    seeded: Fupin, tmp_path: Path, word: str, area: str
) -> None:
    path = tmp_path / "identify.csv"
    path.write_text(
        IDENTIFY + f"I-1,2016-08-01,台账X,JH-0301,江南,雄光,{word},3,是,是,甲,440704196001010044\n",
        encoding="utf-8",
    )
    path.chmod(0o600)  # personal data: its owner's only (docs/privacy.md)

    seeded.ok(f"import {path}", "jn-01")

    assert _area_of(seeded, "JH-0301") == area


@SQLITE
def test_an_amendment_imported_and_the_command_line_read_an_area_in_chinese(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "amend.csv"
    path.write_text(
        "ref,effective,document,kind,key,area,reason\n"
        "A-1,2016-08-11,更正1,household,JH-0002,城镇,台账录错\n",
        encoding="utf-8",
    )
    seeded.ok(f"import {path}", "jn-01")
    assert _area_of(seeded, "JH-0002") == "urban"

    seeded.ok(f"household amend JH-0002 --area 农村 --reason 录错 {doc('2016-08-12')}", "jn-01")
    assert _area_of(seeded, "JH-0002") == "rural"

    seeded.ok(
        f"household identify JH-0305 --street 江南 --village 雄光 --area 城市 --members 1 "
        f"--head-name 乙 --id-card 440704196001010052 {doc('2016-08-01')}",
        "jn-01",
    )
    assert _area_of(seeded, "JH-0305") == "urban"


@SQLITE
def test_another_area_word_is_refused_naming_the_words_read(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "identify.csv"
    path.write_text(
        IDENTIFY + "I-1,2016-08-01,台账X,JH-0301,江南,雄光,乡下,3,是,是,甲,440704196001010044\n",
        encoding="utf-8",
    )
    path.chmod(0o600)
    before = seeded.event_count()

    result = seeded(f"import {path}", "jn-01")

    assert result.exit_code == 2, result.output
    assert "城乡 area: '乡下' is not one of rural (农村), urban (城镇/城市)" in result.stderr
    assert seeded.event_count() == before


# -- 3. dates as Excel's CSV writes them; a number in a date column ---------------------------


def _effective_dates(seeded: Fupin, account: str) -> list[str]:
    shown = json.loads(seeded.ok(f"history {account} --kind fund --format json", "admin").output)
    return [entry["effective"] for entry in shown]


@SQLITE
def test_a_year_first_date_with_slashes_is_read_in_a_csv_and_a_workbook(
    seeded: Fupin, tmp_path: Path
) -> None:
    csv = tmp_path / "receive_allocation.csv"
    csv.write_text(
        "ref,actor,effective,document,account,amount\n"
        "R-1,qu-01,2016/9/1,拨款1,city-2016,100\n"
        "R-2,qu-01,2016/09/12,拨款2,city-2016,100\n",
        encoding="utf-8",
    )
    book, sheet = _allocation_sheet()
    sheet.append(["R-3", "qu-01", "2016/10/5", "拨款3", "city-2016", 100])  # a text cell
    workbook = tmp_path / "more.xlsx"
    workbook.write_bytes(_saved(book))

    seeded.ok(f"import {csv}", "qu-01")
    seeded.ok(f"import {workbook}", "qu-01")

    assert _effective_dates(seeded, "city-2016")[-3:] == ["2016-09-01", "2016-09-12", "2016-10-05"]


@SQLITE
@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("1/9/2016", "'1/9/2016' is not a date YYYY-MM-DD (ISO 8601), YYYY/M/D (year first"),
        ("9/1/16", "'9/1/16' is not a date YYYY-MM-DD (ISO 8601), YYYY/M/D"),
        ("2016.9.1", "'2016.9.1' is not a date YYYY-MM-DD (ISO 8601), YYYY/M/D"),
        ("2016/9/31", "'2016/9/31' is no day of the calendar (day is out of range for month)"),
        ("2016/13/1", "'2016/13/1' is no day of the calendar (month must be in 1..12)"),
    ],
)
def test_a_day_first_or_ambiguous_date_is_still_refused_naming_the_forms_read(
    seeded: Fupin, tmp_path: Path, typed: str, rule: str
) -> None:
    csv = tmp_path / "receive_allocation.csv"
    csv.write_text(
        f"ref,actor,effective,document,account,amount\nR-1,qu-01,{typed},拨款1,city-2016,100\n",
        encoding="utf-8",
    )
    before = seeded.event_count()

    result = seeded(f"import {csv}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"receive_allocation.csv row 2, effective: {rule}" in result.stderr
    assert seeded.event_count() == before


@SQLITE
def test_a_slashed_date_in_jsonl_is_still_refused(seeded: Fupin, tmp_path: Path) -> None:
    line = {
        "command": "receive_allocation",
        "ref": "R-1",
        "actor": "qu-01",
        "effective": "2016/9/1",
        "document": "拨款1",
        "args": {"account": "city-2016", "amount": "100"},
    }
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        "effective: '2016/9/1' is not a date YYYY-MM-DD (ISO 8601) or YYYY年M月D日; YYYY/M/D is "
        "read in a spreadsheet's cell only: type 2016-09-01"
    ) in result.stderr


@SQLITE
def test_a_number_in_a_workbooks_date_column_is_refused_saying_it_is_a_number(
    seeded: Fupin, tmp_path: Path
) -> None:
    book, sheet = _allocation_sheet()
    sheet.append(["R-1", "qu-01", 43458, "拨款1", "city-2016", 100])  # General, not a date
    sheet.append(["R-2", "qu-01", 20160901, "拨款2", "city-2016", 100])  # digits (session 34)
    sheet.append(["R-3", "qu-01", 2016.0901, "拨款3", "city-2016", 100])
    sheet.append(["R-4", "qu-01", 99999999, "拨款4", "city-2016", 100])
    path = tmp_path / "allocations.xlsx"
    path.write_bytes(_saved(book))
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path} [receive_allocation] row 2, effective: holds the number 43458, not a date: "
        "format the column as a date (日期)"
    ) in result.stderr
    for row, number, day in ((3, "20160901", "2016-09-01"), (4, "2016.0901", "2016-09-01")):
        assert (
            f"row {row}, effective: holds the number {number}, not a date: type it as {day} (as "
            "text, or in a date cell): formatted as a date, the number is read as a count of "
            "days, not as this day"
        ) in result.stderr
    assert (
        "row 5, effective: holds the number 99999999, not a date: type the date as YYYY-MM-DD: "
        "no date cell holds this number"
    ) in result.stderr
    assert seeded.event_count() == before


@SQLITE
def test_date_digits_typed_into_a_date_cell_are_refused_as_the_number_not_a_formula_error(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Session 36's tester i (F4): 20160801 typed into a date-formatted cell (Excel shows
    # ########) was told "holds the spreadsheet error #VALUE!: mend its formula": openpyxl
    # reads such a cell as that error. A cell holding the error itself is still told so.
    book, sheet = _allocation_sheet()
    sheet.append(["R-1", "qu-01", 20160801, "拨款1", "city-2016", 100])
    sheet.append(["R-2", "qu-01", 2958466, "拨款2", "city-2016", 100])  # the day after 9999-12-31
    sheet.append(["R-3", "qu-01", "2016-08-20", "拨款3", "city-2016", "#VALUE!"])
    for row in (2, 3):
        sheet.cell(row, 3).number_format = "yyyy-mm-dd"
    data = _saved(book)
    # R-3's amount: the error a spreadsheet saves (t="e"), not text
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<c r="F4" t="s"><v>\d+</v></c>',
                    b'<c r="F4" t="e"><v>#VALUE!</v></c>',
                    content,
                )
                assert b't="e"' in content
            target.writestr(item, content)
    path = tmp_path / "allocations.xlsx"
    path.write_bytes(out.getvalue())
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    where = f"{path} [receive_allocation]"
    assert result.stderr.splitlines() == [
        f"{where} row 2, effective: holds the number 20160801 in a date cell, where no date "
        "shows (Excel shows ########): type it as 2016-08-01 (as text, or in a date cell): "
        "formatted as a date, the number is read as a count of days, not as this day",
        f"{where} row 3, effective: holds the number 2958466 in a date cell, where no date "
        "shows (Excel shows ########): type the date as YYYY-MM-DD: no date cell holds this "
        "number",
        f"{where} row 4, amount: holds the spreadsheet error #VALUE!: mend its formula",
        "refused: 3 error(s) in 3 row(s); nothing written",
    ]
    assert seeded.event_count() == before


@SQLITE
def test_an_amount_in_a_date_formatted_cell_is_told_so(seeded: Fupin, tmp_path: Path) -> None:
    # Session 36's tester i (F12): a bare "expects an amount in yuan", no rule and no fix
    book, sheet = _allocation_sheet()
    sheet.append(["R-1", "qu-01", "2016-08-20", "拨款1", "city-2016", 1200.5])
    sheet.cell(2, 6).number_format = "yyyy/m/d"
    path = tmp_path / "allocations.xlsx"
    path.write_bytes(_saved(book))
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0] == (
        f"{path} [receive_allocation] row 2, amount: expects an amount in yuan, not a date cell "
        "(the cell is formatted as a date or time, and reads as 1903-04-14 12:00:00): format "
        "the column 常规 or 数值 (General or Number) and check the amount"
    )
    assert seeded.event_count() == before


@SQLITE
def test_a_total_or_sign_off_line_below_the_rows_is_told_to_be_deleted(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Session 36's tester i (F14): each column of a merged sign-off line was "is required (…
    # unmerge the range and fill each cell)", as if it were an allocation
    book, sheet = _allocation_sheet()
    sheet.append(["R-1", "qu-01", "2016-08-20", "拨款1", "city-2016", 100])
    sheet.append(["合计", None, None, None, None, 100])
    sheet.append(["经核对无误。张三 2016年10月8日"])
    sheet.merge_cells("A4:F4")
    path = tmp_path / "allocations.xlsx"
    path.write_bytes(_saved(book))
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    line = (
        "a total or sign-off line (合计, 填表人, 审核人) below the rows, not a row to import: "
        "delete it (a sheet holds its header row and its rows only)"
    )
    assert result.stderr.splitlines() == [
        f"{path} [receive_allocation] row 3, row: holds '合计', {line}",
        f"{path} [receive_allocation] row 4, row: holds '经核对无误。张三 2016年10月8日', {line}",
        "refused: 2 error(s) in 3 row(s); nothing written",
    ]
    assert seeded.event_count() == before


@SQLITE
def test_a_missing_column_is_said_once_for_its_rows_naming_its_headers(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Session 36's tester i (F8): "row 2, helper: is required", then the same for every row, in
    # English, never as a missing column
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "走访"
    sheet.append(["编号", "记录人", "生效日期", "文件", "户号", "摘要"])
    for n, day in enumerate(("2016-09-01", "2016-02-30", "2016-09-01")):
        sheet.append([f"V-{n}", "jn-01", day, "走访记录", "JH-0001", "入户"])
    path = tmp_path / "visits.xlsx"
    path.write_bytes(_saved(book))
    before = seeded.event_count()

    result = seeded(f"import {path}", "jn-01")

    assert result.exit_code == 2, result.output
    # said once, though another refusal comes between its rows (re-tester r, F5)
    assert result.stderr.splitlines() == [
        f"{path} [走访] rows 2-4 (3 rows), 帮扶人编号 helper: is required, and the sheet has no "
        "column for it: add one, headed 帮扶人编号, helper or '帮扶人编号 helper'",
        f"{path} [走访] row 3, 生效日期: '2016-02-30' is no day of the calendar (day is out of "
        "range for month)",
        "refused: 4 error(s) in 3 row(s); nothing written",
    ]
    assert seeded.event_count() == before


def _allocation_sheet() -> tuple[Workbook, Any]:
    """A workbook of one ``receive_allocation`` sheet, its header row written."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(["ref", "actor", "effective", "document", "account", "amount"])
    return book, sheet
