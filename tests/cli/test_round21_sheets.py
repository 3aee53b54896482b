"""Session 21 (a street clerk working in spreadsheets):

- ``export`` and ``import template`` ignored the output file's extension: ``-o funds.xlsx``
  got JSON, ``--format csv -o fx.xlsx`` CSV, ``import template -o 模板.csv`` a workbook; the
  extension now chooses the format, and one that contradicts ``--format`` is refused;
- a blank row 1 above the headers gave an error a cell; it is the one title-row message;
- an empty file was imported as 0 rows, exit 0; it is refused;
- an unreadable workbook was always "truncated": an OLE file (.xls, .et, a password) and text
  are told apart;
- a CSV separated by full-width commas was one unknown column;
- a 3-decimal typed amount was told to use ROUND;
- a date cell whose Chinese format shows no day (or no year) was read as a whole date."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from cli.importing import read_bytes
from openpyxl import Workbook, load_workbook

from tests.cli.conftest import Fupin, assert_refused
from tests.property.test_import_fuzz import _workbook as street_workbook

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


# -- 1. the output's extension -----------------------------------------------------------------


@SQLITE
def test_a_report_takes_its_format_from_the_output_extension(seeded: Fupin, tmp_path: Path) -> None:
    book, sheet = tmp_path / "funds.xlsx", tmp_path / "funds.csv"

    seeded.ok(f"export report funds -o {book}", "ana-1")
    seeded.ok(f"export report funds -o {sheet}", "ana-1")

    assert "accounts" in load_workbook(book).sheetnames
    assert sheet.read_text(encoding="utf-8-sig").startswith("# report")


@SQLITE
@pytest.mark.parametrize(
    ("line", "rule"),
    [
        (
            "export report funds --format csv -o {dir}/fx.xlsx",
            "'{dir}/fx.xlsx' is named .xlsx, but --format csv writes CSV: name it fx.csv, or "
            "give --format xlsx",
        ),
        (
            "export report funds --format xlsx -o {dir}/f.csv",
            "is named .csv, but --format xlsx writes an XLSX workbook: name it f.xlsx",
        ),
        (
            "export report funds -o {dir}/f.jsonl",
            "is named .jsonl, but export report writes JSON, CSV or an XLSX workbook",
        ),
        ("export events -o {dir}/ev.xlsx", "is named .xlsx, but export events writes JSONL"),
        ("import template -o {dir}/模板.csv", "import template writes an XLSX workbook"),
        ("import template --format xlsx -o {dir}/模板.json", "name it 模板.xlsx"),
    ],
)
def test_an_extension_that_contradicts_the_format_is_refused_and_nothing_written(
    seeded: Fupin, tmp_path: Path, line: str, rule: str
) -> None:
    result = seeded(line.format(dir=tmp_path), "admin")

    assert_refused(result, "output", rule.format(dir=tmp_path))
    written = [p for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".csv", ".json", ".jsonl")]
    assert written == []


@SQLITE
def test_an_unknown_extension_keeps_the_default(seeded: Fupin, tmp_path: Path) -> None:
    target = tmp_path / "funds.out"

    seeded.ok(f"export report funds -o {target}", "ana-1")

    assert target.read_text().startswith("{")


# -- 2-5. files that hold no table as the import reads one --------------------------------------


@pytest.mark.parametrize("first", [b"\n", b",,,\n"])
def test_a_blank_row_above_the_headers_is_one_message(first: bytes) -> None:
    data = first + b"ref,actor,effective,document\nA,jn-01,2016-08-01,d\n"

    _, errors = read_bytes("identify.csv", data)

    assert [str(e) for e in errors] == [
        "identify.csv row 1, header row: is empty, and the headers are in row 2: row 1 must "
        "hold the headers; delete the rows above row 2"
    ]


def test_a_blank_row_above_a_sheets_headers_is_one_message() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "identify"
    for column, value in enumerate(["ref", "actor", "effective"], 1):
        sheet.cell(2, column, value)
        sheet.cell(3, column, "x")

    _, errors = read_bytes("x.xlsx", _saved(book))

    assert [(e.where, e.column) for e in errors] == [("x.xlsx [identify] row 1", "header row")]


@SQLITE
@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx", "empty.jsonl"])
def test_an_empty_file_is_refused(seeded: Fupin, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")

    result = seeded(f"import {path}", "jn-01")

    assert result.exit_code == 2, result.output
    assert f"{path}, file: is empty (0 bytes): it holds nothing to import" in result.stderr


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(500), "an OLE file: an Excel 97-2003 .xls"),
        ("户号,命令\nJH-1,identify\n".encode(), "is text, not an XLSX workbook"),
        (b"PK\x03\x04" + bytes(20), "is not a readable XLSX workbook (truncated)"),
    ],
)
def test_an_unreadable_workbook_says_what_it_is(data: bytes, said: str) -> None:
    _, errors = read_bytes("book.xlsx", data)

    assert len(errors) == 1
    assert said in errors[0].rule


def test_a_csv_of_full_width_commas_is_not_comma_separated() -> None:
    data = "ref，actor，effective\nA，jn-01，2016-08-01\n".encode()

    _, errors = read_bytes("identify.csv", data)

    assert [e.rule.split(". ")[0] for e in errors] == [
        "is not comma-separated: its header row is one cell holding full-width commas (，) "
        "between the column names"
    ]


def test_a_title_holding_a_full_width_comma_is_still_a_title() -> None:
    data = "江南街道，2016年\nref,actor,effective\nA,jn-01,2016-08-01\n".encode()

    _, errors = read_bytes("identify.csv", data)

    assert [e.column for e in errors] == ["header row"]


# -- 6. amounts finer than a fen -----------------------------------------------------------------


def _allocations(amount: float) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(["ref", "actor", "effective", "document", "account", "amount"])
    sheet.append(["R-1", "qu-01", "2016-09-01", "拨款1", "city-2016", amount])
    return _saved(book)


@SQLITE
def test_a_typed_amount_finer_than_a_fen_is_not_told_to_round(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "money.xlsx"
    path.write_bytes(_allocations(1234.565))

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        "1234.565 is not an amount in yuan with at most 2 decimals: it has 3 decimals, and "
        "amounts are to the fen (0.01 yuan)"
    ) in result.stderr
    assert "ROUND" not in result.stderr  # (formula leftovers still are: test_import_atomic)


# -- 7. a date whose format hides its day or year ---------------------------------------------


def _with_number_format(data: bytes, number_format: int) -> bytes:
    """The workbook with openpyxl's date format made Chinese Excel's built-in one."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/styles.xml":
                content = content.replace(b'numFmtId="164"', f'numFmtId="{number_format}"'.encode())
                content = re.sub(rb"<numFmts[^>]*>.*?</numFmts>", b"", content, flags=re.S)
            target.writestr(item, content)
    return out.getvalue()


@pytest.mark.parametrize(("number_format", "shown"), [(57, "2018年12月"), (58, "12月6日")])
def test_a_date_shown_without_its_day_or_year_is_refused(number_format: int, shown: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "register_street"
    sheet.append(["ref", "actor", "effective", "document", "street"])
    sheet.append(["S-1", "admin", date(2018, 12, 6), "doc", "外海"])

    _, errors = read_bytes("streets.xlsx", _with_number_format(_saved(book), number_format))

    assert [(e.column, e.rule) for e in errors] == [
        (
            "effective",
            f"holds 2018-12-06, but its number format shows {shown}, not the whole date: type "
            "the full date, in a cell that shows it (2018-12-06, 2018年12月6日)",
        )
    ]


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("number_format", "hides"),
    [
        ('yyyy"年"m"月"', "no day"),  # the Chinese format, typed as a custom one
        ('yyyy"年"m"月";@', "no day"),
        ("mmm-yy", "no day"),  # Excel's built-in 17
        ("yyyy-mm", "no day"),
        ("d-mmm", "no year"),  # Excel's built-in 16
        ('m"月"d"日"', "no year"),
    ],
)
def test_a_date_whose_format_code_hides_its_day_or_year_is_refused(
    number_format: str, hides: str
) -> None:
    # tester N, session 21: only Chinese Excel's built-in ids were read for what they hide
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "register_street"
    sheet.append(["ref", "actor", "effective", "document", "street"])
    sheet.append(["S-1", "admin", date(2018, 12, 6), "doc", "外海"])
    sheet["C2"].number_format = number_format

    _, errors = read_bytes("streets.xlsx", _saved(book))

    assert [(e.column, e.rule) for e in errors] == [
        (
            "effective",
            f"holds 2018-12-06, but its number format ({number_format}) shows {hides}, not "
            "the whole date: type the full date, in a cell that shows it (2018-12-06, "
            "2018年12月6日)",
        )
    ]


@pytest.mark.parametrize(
    "number_format", ["yyyy-mm-dd", 'yyyy"年"m"月"d"日"', "[$-804]yyyy/m/d", "d/m/yyyy h:mm"]
)
def test_a_date_whose_format_shows_it_whole_is_read(number_format: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "register_street"
    sheet.append(["ref", "actor", "effective", "document", "street"])
    sheet.append(["S-1", "admin", date(2018, 12, 6), "doc", "外海"])
    sheet["C2"].number_format = number_format

    rows, errors = read_bytes("streets.xlsx", _saved(book))

    assert errors == []
    assert str(rows[0].values["effective"])[:10] == "2018-12-06"


@pytest.mark.parametrize("name", ["visit2.csv", "record_visit.csv"])
def test_a_file_holding_only_a_byte_order_mark_is_refused(name: str) -> None:
    # tester N, session 21: Excel's CSV UTF-8 of an empty sheet was imported as 0 rows, exit 0
    rows, errors = read_bytes(name, b"\xef\xbb\xbf")

    assert rows == []
    assert [(e.column, e.rule[:45]) for e in errors] == [
        ("file", "holds nothing but a byte-order mark (an empty")
    ]


@pytest.mark.parametrize("name", ["old.xls", "old.et", "OLD.XLS"])
def test_an_old_workbook_is_told_to_be_saved_as_xlsx(name: str) -> None:
    # tester N, session 21: "is not .jsonl, .csv or .xlsx", with no way forward
    _, errors = read_bytes(name, bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)

    assert [e.column for e in errors] == ["file"]
    assert "save it in Excel or WPS as 'Excel 工作簿 (*.xlsx)'" in errors[0].rule


def test_a_macro_enabled_workbook_is_read_as_the_xlsx_it_is_and_another_name_told_how() -> None:
    # Session 36's tester i (F10): a 台账 kept as .xlsm was "is not .jsonl, .csv or .xlsx"
    data = street_workbook()  # one register_street row, 外海

    rows, errors = read_bytes("台账.xlsm", data)
    assert errors == []
    assert [row.values["street"] for row in rows] == ["外海"]

    _, errors = read_bytes("台账.ods", data)
    assert [(e.column, e.rule) for e in errors] == [
        (
            "file",
            "is not .jsonl, .csv or .xlsx (nor .xlsm): save a spreadsheet as 'Excel 工作簿 "
            "(*.xlsx)' or 'CSV UTF-8', or give the rows as JSONL (docs/import.md)",
        )
    ]


@SQLITE
def test_an_old_workbooks_name_with_format_xlsx_is_told_one_thing(
    seeded: Fupin, tmp_path: Path
) -> None:
    # tester N, session 21: "name it f2.xlsx, or give --format xlsx with a .xlsx name"
    result = seeded(f"export report funds --format xlsx -o {tmp_path}/f2.XLS", "admin")

    assert_refused(result, "output", "but --format xlsx writes an XLSX workbook: name it f2.xlsx")
    assert result.stderr.rstrip().endswith("name it f2.xlsx")


def test_a_data_row_typed_with_full_width_commas_says_so() -> None:
    # tester N, session 21: each column was "is required", the whole line the first cell
    data = (
        "编号 ref,记录人 actor,生效日期 effective,文件 document,户号 household,帮扶人编号 helper\n"
        "T-V-2，jn-01，2018-12-20，走访记录，JN-000001，cadre-00001\n"
    ).encode()

    _, errors = read_bytes("record_visit.csv", data)

    assert [(e.where, e.column, e.rule) for e in errors] == [
        (
            "record_visit.csv row 2",
            "row",
            "is one cell holding 5 full-width commas (，) where the columns' commas are due: "
            "type commas (,) in English input mode between the cells",
        )
    ]


@SQLITE
def test_a_report_exported_as_csv_is_not_read_as_rows_to_import(
    seeded: Fupin, tmp_path: Path
) -> None:
    # tester N, session 21: told it had a title row and headers in row 6
    seeded.ok(f"export report funds -o {tmp_path}/f.csv", "admin")

    _, errors = read_bytes("f.csv", (tmp_path / "f.csv").read_bytes())

    assert [(e.column, e.rule[:45]) for e in errors] == [
        ("file", "is a report written by fupin export report (i")
    ]
