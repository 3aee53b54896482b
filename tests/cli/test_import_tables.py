"""``fupin import`` reads every value of a table under exactly one header, and reads only
regular files of a bounded size: nothing is silently lost, swapped or read forever."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli.importing import read_bytes
from ledger.imports import RowError
from openpyxl import Workbook

from cli import importing, xlsx_sheets
from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

STREET = "ref,actor,effective,document,street"
ALLOCATION = "ref,actor,effective,document,account"


def csv_errors(name: str, text: str) -> list[tuple[str, str]]:
    _found, errors = read_bytes(name, text.encode())
    return [(e.where, e.column) for e in errors]


def test_a_value_beyond_the_header_row_is_refused_but_an_empty_extra_column_is_not() -> None:
    text = (
        f"{STREET},\n"  # a trailing empty header, as spreadsheets save them
        "S-1,admin,2016-08-01,doc,外海,\n"  # nothing in it: fine
        "S-2,admin,2016-08-01,doc,江南,,lost\n"  # a value past the last column
    )

    _found, errors = read_bytes("register_street.csv", text.encode())

    assert [str(e) for e in errors] == [
        "register_street.csv row 3, column 7 (G): has a value beyond the header row; "
        "give the column a header or clear it"
    ]


def test_an_amount_split_at_its_thousands_comma_is_refused_on_its_column() -> None:
    # Session 37's tester l (F5): "column 8 (H): has a value beyond the header row; give the
    # column a header or clear it", and clearing it recorded 1.00 yuan for 1,000.00; in a
    # payment file the later columns shifted, and 类别 was refused instead
    text = (
        "编号,记录人,生效日期,文件,备注,账户,金额\n"
        "B1,qu-01,2016-08-05,拨款1,,city-2016,1,000\n"
        'B2,qu-01,2016-08-05,拨款2,,city-2016,"2,000"\n'  # quoted: read whole
        "B3,qu-01,2016-08-05,拨款3,,city-2016,1,234,567.50\n"
    )
    found, errors = read_bytes("拨付到账.csv", text.encode())

    split = "the cells after it shifted: a CSV file's cells are separated by commas"
    assert [str(e) for e in errors] == [
        f"拨付到账.csv row 2, 金额: '1,000' was split at its thousands comma(s) into 2 cells "
        f"('1', '000'), {split}, so write the amount without them (1000) or quote it "
        '("1,000")',
        f"拨付到账.csv row 4, 金额: '1,234,567.50' was split at its thousands comma(s) into 3 "
        f"cells ('1', '234', '567.50'), {split}, so write the amount without them "
        '(1234567.50) or quote it ("1,234,567.50")',
    ]
    assert [row.values["amount"] for row in found] == ["2,000"]
    payments = (
        "编号,记录人,生效日期,文件,备注,账户,金额,类别,用途,户号\n"
        "P1,qu-01,2016-09-01,凭证1,,city-2016,1,500.00,employment,household,JH-0001\n"
    )
    _, errors = read_bytes("资金支出.csv", payments.encode())
    assert [(e.where, e.column) for e in errors] == [("资金支出.csv row 2", "金额")]


def test_a_value_under_an_empty_header_is_refused() -> None:
    text = "ref,actor,effective,document,,street\nS-1,admin,2016-08-01,doc,外海?,外海\n"

    assert csv_errors("register_street.csv", text) == [
        ("register_street.csv row 2", "column 5 (E)")
    ]


@pytest.mark.parametrize(
    ("name", "header", "field"),
    [
        ("register_street.csv", "ref,ref,actor,effective,document,street", "ref"),
        ("register_street.csv", "编号,ref,actor,effective,document,street", "ref"),
        ("receive_allocation.csv", f"{ALLOCATION},amount,amount", "amount"),
        ("receive_allocation.csv", f"{ALLOCATION},金额,amount", "amount"),
        ("receive_allocation.csv", f"{ALLOCATION},amount 金额,金额 amount", "amount"),
        ("mixed.csv", f"command,{ALLOCATION},金额,amount", "amount"),
        ("mixed.csv", f"command,{ALLOCATION},amount,命令", "command"),
    ],
)
def test_two_columns_for_one_argument_refuse_the_file_naming_it(
    name: str, header: str, field: str
) -> None:
    cells = header.count(",") + 1
    values = ["receive_allocation" if h in ("command", "命令") else "1" for h in header.split(",")]
    assert len(values) == cells
    text = f"{header}\n{','.join(values)}\n{','.join(values)}\n"

    found, errors = read_bytes(name, text.encode())

    assert [(e.where, e.column) for e in errors] == [(f"{name} row 1", field)]
    assert "has more than one column" in errors[0].rule
    assert found == []  # no row with one of the two values picked


def test_a_workbook_names_the_sheet_the_column_and_the_row() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(["ref", "actor", "effective", "document", "account", "金额", "amount"])
    sheet.append(["R-1", "qu-01", "2016-08-20", "doc", "city-2016", 100, 999])
    streets = book.create_sheet("register_street")
    streets.append(["ref", "actor", "effective", "document", "street"])
    streets.append(["S-1", "admin", "2016-08-01", "doc", "外海", "lost"])
    buffer = io.BytesIO()
    book.save(buffer)

    _found, errors = read_bytes("book.xlsx", buffer.getvalue())

    assert [str(e) for e in errors] == [
        "book.xlsx [receive_allocation] row 1, amount: has more than one column "
        "('金额' in column 6 (F), 'amount' in column 7 (G)); keep one",
        "book.xlsx [register_street] row 2, column 6 (F): has a value beyond the header row; "
        "give the column a header or clear it",
    ]


def test_an_alias_and_its_name_are_refused_and_nothing_is_written(
    seeded: Fupin, tmp_path: Path
) -> None:
    before = seeded.event_count()
    path = tmp_path / "receive_allocation.csv"
    path.write_text(
        f"{ALLOCATION},金额,amount\nR-1,qu-01,2016-08-20,doc,city-2016,100,999\n", encoding="utf-8"
    )

    result = seeded(f"import {path}")

    assert result.exit_code == 2, result.output
    assert "receive_allocation.csv row 1, amount: has more than one column" in result.stderr
    assert "Traceback" not in result.output
    assert seeded.event_count() == before


def allocation_line(ref: str) -> str:
    line: dict[str, Any] = {
        "command": "receive_allocation",
        "ref": ref,
        "actor": "qu-01",
        "effective": "2016-08-20",
        "document": "拨款通知",
        "args": {"account": "city-2016", "amount": "100.00"},
    }
    return json.dumps(line, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("ref", ["", "   "])
def test_a_blank_ref_in_jsonl_is_refused_so_money_is_never_recorded_twice(
    seeded: Fupin, tmp_path: Path, ref: str
) -> None:
    before = seeded.event_count()
    path = tmp_path / "money.jsonl"
    path.write_text(allocation_line(ref), encoding="utf-8")

    first = seeded(f"import {path}")
    again = seeded(f"import {path}")

    for result in (first, again):
        assert result.exit_code == 2, result.output
        assert "money.jsonl line 1, ref: is required" in result.stderr
        assert "Traceback" not in result.output
    assert seeded.event_count() == before


def test_a_device_is_refused_before_it_is_read(
    fupin: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /dev/zero never ends: reading it whole ran until the OOM killer. (The smaller limit
    # only keeps a reader that ignores the file's kind from running that long.)
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 1024)

    result = fupin("import /dev/zero")

    assert result.exit_code == 2, result.output
    assert "/dev/zero, file: is not a regular file" in result.stderr
    assert "Traceback" not in result.output


def test_a_file_above_the_size_limit_is_refused_and_nothing_is_written(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert importing.MAX_FILE_BYTES == 1 << 30  # the documented limit (docs/import.md)
    before = seeded.event_count()
    path = tmp_path / "money.jsonl"
    path.write_text(allocation_line("M-1") + allocation_line("M-2"), encoding="utf-8")
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", path.stat().st_size - 1)

    result = seeded(f"import {path}")

    assert result.exit_code == 2, result.output
    assert f"{path}, file: is larger than the import limit of" in result.stderr
    assert "Traceback" not in result.output
    assert seeded.event_count() == before


def test_a_workbook_too_large_for_memory_is_reported_as_such_not_as_damaged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def exhausted(data: bytes) -> Any:
        raise MemoryError

    monkeypatch.setattr(importing, "_xlsx_sheets", exhausted)

    found, errors = read_bytes("big.xlsx", b"PK\x03\x04")

    assert (found, errors) == (
        [],
        [
            RowError(
                "big.xlsx",
                "file",
                "is too large to read in the memory available; split it into several files",
            )
        ],
    )


def test_a_correction_sheet_with_chinese_headers_only_is_imported(
    seeded: Fupin, tmp_path: Path
) -> None:
    # 编号 is every row's ref; the corrected record's key was 编号 too, and won: the row had
    # no ref. Its key is 对象编号 now.
    sheet = tmp_path / "更正.csv"
    sheet.write_text(
        "编号,记录人,生效日期,文件,备注,类型,对象编号,版本,原因\n"
        "CO-1,qu-01,2016-09-01,更正单,,fund,city-2016,2,重复拨付\n",
        encoding="utf-8",
    )
    before = seeded.event_count()

    seeded.ok(f"import {sheet}")

    last = seeded.ok(f"log --since {before}").stdout.strip().splitlines()
    assert [json.loads(line)["event"] for line in last][:1] == ["Corrected"]


def _workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_stated_size(data: bytes, size: str) -> bytes:
    """The workbook with its first sheet's stated size (``<dimension ref=…>``) replaced, as
    some programs write it wrong."""
    import re
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{size}"'.encode(), content
                )
                assert count == 1
            target.writestr(item, content)
    return out.getvalue()


@pytest.mark.parametrize("size", ["A1", "A1:E2"])
def test_a_workbook_stating_too_small_a_size_loses_no_row(size: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "register_street"
    sheet.append(["ref", "actor", "effective", "document", "street"])
    sheet.append(["S-1", "admin", "2016-08-01", "doc", "外海"])
    sheet.append(["S-2", "admin", "2016-08-01", "doc", "江南"])

    found, errors = read_bytes("streets.xlsx", _with_stated_size(_workbook_bytes(book), size))

    assert errors == []
    assert [row.values["street"] for row in found] == ["外海", "江南"]


def test_a_hidden_sheet_with_rows_is_refused_and_an_empty_one_is_not() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "register_street"
    sheet.append(["ref", "actor", "effective", "document", "street"])
    sheet.append(["S-1", "admin", "2016-08-01", "doc", "外海"])
    draft = book.create_sheet("receive_allocation")
    draft.append(["ref", "actor", "effective", "document", "account", "amount"])
    draft.append(["A-1", "admin", "2016-08-01", "doc", "acct", "9999"])
    draft.sheet_state = "hidden"
    book.create_sheet("empty").sheet_state = "hidden"
    unused = book.create_sheet("record_visit")  # a template's sheet, hidden, header only
    unused.append(["ref", "actor", "effective", "document", "household", "helper"])
    unused.sheet_state = "hidden"

    found, errors = read_bytes("book.xlsx", _workbook_bytes(book))

    assert [str(e) for e in errors] == [
        "book.xlsx [receive_allocation], sheet: is hidden: unhide it to import it, or delete it"
    ]
    assert [row.command for row in found] == ["register_street"]


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#VALUE!", " #DIV/0! "])
def test_a_cell_holding_a_spreadsheet_error_is_refused(error: str) -> None:
    text = f"{STREET},note\nS-1,admin,2016-08-01,doc,外海,{error}\n"

    _found, errors = read_bytes("register_street.csv", text.encode())

    assert [str(e) for e in errors] == [
        f"register_street.csv row 2, note: holds the spreadsheet error {error.strip()}: "
        "mend its formula"
    ]


def test_a_gbk_csv_is_refused_saying_how_to_save_it() -> None:
    text = f"{STREET}\nS-1,admin,2016-08-01,凭证,外海\n"

    _found, errors = read_bytes("register_street.csv", text.encode("gbk"))

    assert len(errors) == 1
    assert "CSV UTF-8" in errors[0].rule


def test_a_sheet_not_named_for_a_command_says_how_to_name_it() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # named "Sheet", as a new workbook's first sheet is
    sheet.append(["ref", "actor", "effective", "document", "street"])
    sheet.append(["S-1", "admin", "2016-08-01", "doc", "外海"])

    _found, errors = read_bytes("资金到账.xlsx", _workbook_bytes(book))

    # The sheet is named, as every place in a workbook is (tester O, session 19: it said
    # "资金到账.xlsx, file: 'Sheet' …").
    assert [str(e) for e in errors] == [
        "资金到账.xlsx [Sheet], sheet: 'Sheet' is not a command: name each sheet (XLSX) or file "
        "(CSV) "
        "for its command, in English or Chinese (identify or 识别, as in `fupin import "
        "template`), or give each row a command (命令) column"
    ]


def test_a_hidden_row_is_refused_not_imported() -> None:
    # An officer hides a voided payment (or a filter hides rows): the sheet shows two rows.
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(["ref", "actor", "effective", "document", "account", "amount"])
    sheet.append(["A-1", "qu-01", "2016-08-20", "doc", "city-2016", 100])
    sheet.append(["A-2", "qu-01", "2016-08-20", "到账（作废）", "city-2016", 9999])
    sheet.append(["A-3", "qu-01", "2016-08-21", "doc", "city-2016", 200])
    sheet.row_dimensions[3].hidden = True

    found, errors = read_bytes("book.xlsx", _workbook_bytes(book))

    assert [str(e) for e in errors] == [
        "book.xlsx [receive_allocation] row 3, row: is hidden: unhide it to import it, or delete it"
    ]
    assert [row.values["ref"] for row in found] == ["A-1", "A-3"]


_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s</worksheet>'
)


@pytest.mark.parametrize(
    ("xml", "rows", "columns"),
    [
        (
            b'<sheetData><row r="1"><c/></row><row r="2" hidden="1"><c/></row></sheetData>',
            {2},
            set(),
        ),
        (b"<sheetData><row r='5' spans='1:3' hidden = 'true'/></sheetData>", {5}, set()),
        (b'<sheetData><row><c/></row><row hidden="1"/><row/></sheetData>', {2}, set()),
        (b'<sheetData><row r="7" hidden="0"/><row r="8" ht="0"/></sheetData>', {8}, set()),
        (
            b'<sheetFormatPr zeroHeight="1"/><sheetData><row r="1" ht="15"/><row r="2"/>'
            b"</sheetData>",
            {2},
            set(),
        ),
        (b'<cols><col min="2" max="3" hidden="1"/></cols><sheetData/>', set(), {2, 3}),
    ],
    ids=["hidden", "quotes-and-spaces", "unnumbered", "zero-high", "zero-height-sheet", "columns"],
)
def test_hidden_rows_and_columns_are_read_from_the_sheet_xml(
    xml: bytes, rows: set[int], columns: set[int]
) -> None:
    found = xlsx_sheets._hidden_parts(io.BytesIO(_SHEET % xml))

    assert (set(found.rows), set(found.columns)) == (rows, columns)


def test_a_value_in_a_hidden_column_is_refused() -> None:
    book, sheet = _allocation_sheet()
    sheet.append(["A-1", "qu-01", "2016-08-20", "doc", "city-2016", 100, "作废"])
    sheet.column_dimensions["G"].hidden = True

    _found, errors = read_bytes("book.xlsx", _workbook_bytes(book))

    assert [str(e) for e in errors] == [
        "book.xlsx [receive_allocation] row 2, note: column is hidden: unhide it to import it, "
        "or delete it"
    ]


def _with_number_format(data: bytes, number_format: int) -> bytes:
    """The workbook with its first custom number format (openpyxl's date cells) made built-in
    format ``number_format``, as Chinese Excel saves 2018年3月6日."""
    import re
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/styles.xml":
                content = content.replace(b'numFmtId="164"', f'numFmtId="{number_format}"'.encode())
                content = re.sub(rb"<numFmts[^>]*>.*?</numFmts>", b"", content, flags=re.S)
            target.writestr(item, content)
    return out.getvalue()


@pytest.mark.parametrize("number_format", [30, 31])  # 57 shows no day: refused (session 21)
def test_a_date_in_a_chinese_excel_date_format_is_read_as_the_date_it_shows(
    number_format: int,
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "register_street"
    sheet.append(["ref", "actor", "effective", "document", "street"])
    sheet.append(["S-1", "admin", date(2018, 3, 6), "doc", "外海"])
    sheet.append(["S-2", "admin", 43165, "doc", "江南"])  # a plain number stays a number

    found, errors = read_bytes(
        "streets.xlsx", _with_number_format(_workbook_bytes(book), number_format)
    )

    assert errors == []
    assert found[0].values["effective"].date() == date(2018, 3, 6)
    assert found[1].values["effective"] == 43165


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("第一行_x000D_\n第二行", "第一行\n第二行"),  # a line break pasted from Windows
        ("a_x005F_x000D_b", "a_x000D_b"),  # "_x000D_" typed as it is
        ("plain_text", "plain_text"),
    ],
)
def test_a_cell_is_read_as_the_spreadsheet_shows_it(stored: str, shown: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "register_street"
    sheet.append(["ref", "actor", "effective", "document", "street", "note"])
    sheet.append(["S-1", "admin", "2016-08-01", "doc", "外海", stored])

    found, errors = read_bytes("streets.xlsx", _workbook_bytes(book))

    assert errors == []
    assert found[0].values["note"] == shown


def test_a_hidden_column_range_beyond_the_sheets_columns_is_cut_to_them() -> None:
    xml = (
        b'<cols><col min="-50000000" max="3" hidden="1"/>'
        b'<col min="16000" max="99999999" hidden="1"/></cols>'
    )

    found = xlsx_sheets._hidden_parts(io.BytesIO(_SHEET % xml))

    assert len(found.columns) == 3 + (16_384 - 16_000 + 1)
    assert min(found.columns) == 1


def test_a_serial_no_date_can_show_stays_a_number_and_the_rest_is_read() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "register_street"
    sheet.append(["ref", "actor", "effective", "document", "street"])
    sheet.append(["S-1", "admin", date(2018, 3, 6), "doc", "外海"])
    sheet["C2"].value = 1e10  # keeps the date cell's format

    found, errors = read_bytes("streets.xlsx", _with_number_format(_workbook_bytes(book), 31))

    assert errors == []
    assert found[0].values["effective"] == 1e10  # refused where a date is due, naming it


def test_a_refusal_shows_a_headers_control_characters_escaped() -> None:
    text = f"{STREET},n\x1b[2J\nS-1,admin,2016-08-01,doc,外海,x\n"
    _found, errors = read_bytes("register_street.csv", text.encode())

    assert [str(e) for e in errors] == [
        "register_street.csv row 1, n\\x1b[2J: unknown column: the header row (row 1) names "
        "each column in English, Chinese or both, as `fupin import template` does",
    ]


def test_headers_as_typed_in_a_ledger_are_read_and_an_unknown_one_is_said_once() -> None:
    # Alt+Enter between the two names, a full-width space, capitals: all refused before, and
    # an unknown header was said once per data row (10,000 lines for a 10,000-row sheet).
    rows = "".join(f"S-{n},admin,2016-08-01,doc,外海{n},\n" for n in range(3))
    text = f'ref,actor,"生效日期\neffective",Document,街道　street,备注x\n{rows}'

    found, errors = read_bytes("register_street.csv", text.encode())

    assert [r.values["street"] for r in found] == ["外海0", "外海1", "外海2"]
    assert [r.values["effective"] for r in found] == ["2016-08-01"] * 3
    assert [(e.where, e.column) for e in errors] == [("register_street.csv row 1", "备注x")]


def test_a_value_in_a_column_of_another_command_is_named_at_its_row_in_a_sheet_of_many() -> None:
    # With a command column, a column may belong to another row's command: a value there is
    # said at the row, naming the command (it was "unknown column" at row 1, twice, naming
    # neither); left empty, it is that other command's (test_import_cli).
    text = (
        "command,ref,actor,effective,document,street,accepted\n"
        "register_street,S-1,admin,2016-08-01,doc,外海,yes\n"
        "register_street,S-2,admin,2016-08-01,doc,礼乐,\n"
        "register_street,S-3,admin,2016-08-01,doc,江南,no\n"
    )

    _found, errors = read_bytes("mix.csv", text.encode())

    rule = "has a value, but is no column of register_street: clear it"
    assert [(e.where, e.column, e.rule) for e in errors] == [
        ("mix.csv row 2", "accepted", rule),
        ("mix.csv row 4", "accepted", rule),
    ]


# -- a command column: rows of several commands in one table ----------------------------------

NOTICE_DAYS = ["2016-08-03", "2016-08-09"]
MIXED: list[list[Any]] = [
    ["command", "ref", "actor", "effective", "document", "household", "accepted", "start", "end"],
    ["review", "M-1", "jn-01", "2016-08-02", "评议记录", "JH-0002", "yes", "", ""],
    ["post_notice", "M-2", "jn-01", "2016-08-03", "公示", "JH-0003", "", *NOTICE_DAYS],
    ["sign", "M-3", "jn-01", "2016-08-10", "签字确认表", "JH-0004", None, None, None],
]


def _mixed_file(folder: Path, suffix: str, table: list[list[Any]]) -> Path:
    path = folder / f"steps{suffix}"
    if suffix == ".csv":
        text = "".join(",".join("" if c is None else c for c in row) + "\n" for row in table)
        path.write_text(text, encoding="utf-8")
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "steps"
        for row in table:
            sheet.append(row)
        path.write_bytes(_workbook_bytes(book))
    return path


# The reading is the same whatever the store: SQLite suffices.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_table_of_several_commands_leaves_other_commands_columns_empty(
    seeded: Fupin, tmp_path: Path, suffix: str
) -> None:
    # Each row's empty cells under the other commands' columns were refused ("row 2, start:
    # is no column of review"): a mixed file worked only if its commands took the same
    # arguments (docs/import.md, Formats).
    result = seeded(f"import {_mixed_file(tmp_path, suffix, MIXED)}")

    assert result.exit_code == 0, result.output
    assert "imported 3 row(s)" in result.stdout
    kinds = seeded.ok("history JH-0004", actor="admin").stdout
    assert "Signed" in kinds


# The reading is the same whatever the store: SQLite suffices.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_table_of_several_commands_refuses_a_value_in_another_commands_column(
    seeded: Fupin, tmp_path: Path, suffix: str
) -> None:
    table = [[*row, "" if n else "memo"] for n, row in enumerate(MIXED)]
    table[3][6] = "yes"  # sign takes no accepted
    table[1][9] = "a column of no command"
    before = seeded.event_count()

    result = seeded(f"import {_mixed_file(tmp_path, suffix, table)}")

    assert result.exit_code == 2, result.output
    where = f"steps{suffix}" + (" [steps]" if suffix == ".xlsx" else "")
    assert result.stderr.splitlines()[:2] == [
        # Said once, at the header row, as in a file of one command (not at each row).
        f"{tmp_path / where} row 1, memo: unknown column: the header row (row 1) names each "
        "column in English, Chinese or both, as `fupin import template` does",
        f"{tmp_path / where} row 4, accepted: has a value, but is no column of sign: clear it",
    ]
    assert "refused: 2 error(s)" in result.stderr
    assert seeded.event_count() == before


# -- text as the spreadsheet shows it ---------------------------------------------------------


# The reading is the same whatever the store: SQLite suffices.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_line_break_written_cr_lf_in_a_csv_cell_is_one_line_break(
    seeded: Fupin, tmp_path: Path
) -> None:
    # It was refused as the control character U+000D, while the same text in XLSX passed.
    text = f'{STREET},note\r\nS-1,admin,2016-08-01,doc,外海,"第一行\r\n第二行"\r\n'
    path = tmp_path / "register_street.csv"
    path.write_bytes(text.encode())

    found, errors = read_bytes(path.name, path.read_bytes())
    result = seeded(f"import {path}", actor="admin")

    assert errors == []
    assert found[0].values["note"] == "第一行\n第二行"
    assert result.exit_code == 0, result.output
    # A lone carriage return is no line break a spreadsheet writes: still refused, as in XLSX.
    path.write_bytes(text.replace("\r\n第二行", "\r第二行").replace("S-1", "S-2").encode())
    lone = seeded(f"import {path}", actor="admin")
    assert lone.exit_code == 2
    assert "note: contains a control character U+000D" in lone.stderr


# -- formulas ------------------------------------------------------------------------------


# The reading is the same whatever the store: SQLite suffices.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_formula_without_its_saved_value_is_named_not_said_to_be_empty(
    seeded: Fupin, tmp_path: Path
) -> None:
    # openpyxl and pandas save a formula without its value: the import read an empty cell
    # and said "amount: is required", of a cell that visibly holds =1000+234.5.
    book, sheet = _allocation_sheet()
    sheet.append(["R-1", "qu-01", "2016-08-20", "拨款通知", "city-2016", "=1000+234.5", None])
    sheet.append(["R-2", "qu-01", "2016-08-20", "拨款通知", "city-2016", 10, '=""'])
    sheet.append([None, None, None, None, None, None, "=A1"])  # nothing but a formula
    data = _workbook_bytes(book)
    # A spreadsheet saves a formula's value, an empty text too (t="str", <v></v>): R-2's note.
    saved = b'<c r="G3" t="str"><f>""</f><v></v></c>'
    data = _with_sheet_xml(data, b'<c r="G3"><f>""</f><v /></c>', saved)
    path, result = _refused_import(seeded, tmp_path, data)

    rule = (
        "holds a formula with no saved value (a program wrote the workbook, not a "
        "spreadsheet): open and save it in Excel or WPS, or paste the values (选择性粘贴 → 数值)"
    )
    assert result.stderr.splitlines() == [
        f"{path} [receive_allocation] row 2, amount: {rule}",
        f"{path} [receive_allocation] row 4, note: {rule}",
        "refused: 2 error(s) in 3 row(s); nothing written",
    ]


# The reading is the same whatever the store: SQLite suffices.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_volatile_formula_is_refused_though_its_value_was_saved(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Session 36's tester i (F7): an effective date of =TODAY() was recorded as the day the
    # workbook was last opened and saved, without a word; so would =NOW() and =RAND() be
    book, sheet = _allocation_sheet()
    sheet.append(["R-1", "qu-01", "=TODAY()", "拨款通知", "city-2016", 10, None])
    sheet.append(
        ["R-2", "qu-01", "2016-08-20", "拨款通知", "city-2016", "=ROUND(RAND()*10,2)", None]
    )
    sheet.append(["R-3", "qu-01", "=C5", "拨款通知", "city-2016", 10, None])
    sheet.append(["R-4", "qu-01", "=C4", "拨款通知", "city-2016", 12, "=SUM(F2:F3)"])
    data = _workbook_bytes(book)
    # As a spreadsheet saves them: each formula with its value. R-3's and R-4's dates share
    # one formula: its first cell holds its text, the other only its id (si).
    for formula, saved in [
        (b"<f>TODAY()</f>", b"<f>TODAY()</f><v>42604</v>"),
        (b"<f>ROUND(RAND()*10,2)</f>", b"<f>ROUND(RAND()*10,2)</f><v>3.5</v>"),
        (b"<f>C5</f>", b'<f t="shared" ref="C4:C5" si="0">_xlfn.NOW()</f><v>42604</v>'),
        (b"<f>C4</f>", b'<f t="shared" si="0"/><v>42604</v>'),
        (b"<f>SUM(F2:F3)</f>", b"<f>SUM(F2:F3)</f><v>13.5</v>"),  # not volatile: taken
    ]:
        data = _with_sheet_xml(data, formula + b"<v />", saved)
    path, result = _refused_import(seeded, tmp_path, data)

    changes = (
        "whose value changes each time the workbook is calculated (TODAY() and NOW() give the "
        "day it was last opened and saved, not the day the row was typed): type the value "
        "itself, or paste the column as values (选择性粘贴 → 数值)"
    )
    where = f"{path} [receive_allocation]"
    assert result.stderr.splitlines() == [
        f"{where} row 2, effective: holds the formula '=TODAY()', {changes}",
        f"{where} row 3, amount: holds the formula '=ROUND(RAND()*10,2)', {changes}",
        f"{where} row 4, effective: holds the formula '=_xlfn.NOW()', {changes}",
        f"{where} row 5, effective: holds the formula '=_xlfn.NOW()', {changes}",
        "refused: 4 error(s) in 4 row(s); nothing written",
    ]


def _refused_import(seeded: Fupin, tmp_path: Path, data: bytes) -> tuple[Path, Any]:
    """The workbook ``data`` imported as allocations.xlsx: refused (exit 2), nothing written."""
    path = tmp_path / "allocations.xlsx"
    path.write_bytes(data)
    before = seeded.event_count()
    result = seeded(f"import {path}")
    assert result.exit_code == 2, result.output
    assert seeded.event_count() == before
    return path, result


def _allocation_sheet() -> tuple[Workbook, Any]:
    """A workbook of one ``receive_allocation`` sheet, its header row written."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(["ref", "actor", "effective", "document", "account", "amount", "note"])
    return book, sheet


def _with_sheet_xml(data: bytes, old: bytes, new: bytes) -> bytes:
    """The workbook with ``old`` replaced by ``new`` in its first sheet's XML."""
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert old in content
                content = content.replace(old, new)
            target.writestr(item, content)
    return out.getvalue()
