"""Session 14: what ``fupin import`` reads is what the file says, or it is refused naming
the file, row, field and rule: an unclosed CSV quote, a JSONL key given twice, a number where
text is due, a JSONL BOM, messages in the user's words, sheet and command names as typed."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from cli.importing import read_bytes
from ledger.commands import COMMANDS, PROVENANCE, parse_value
from ledger.errors import InputError
from openpyxl import Workbook

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ALLOCATION = (
    "command,ref,effective,document,account,source,year,amount,note\n"
    "open_account,Z-1,2016-08-15,账户,city-2017,city,2017,,\n"
)


def _workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _errors(name: str, data: bytes) -> list[str]:
    return [str(e) for e in read_bytes(name, data)[1]]


# -- 1. an unclosed CSV quote --------------------------------------------------------------


def test_an_unclosed_quote_refuses_the_csv_naming_its_row_and_cell(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "alloc.csv"
    path.write_text(
        ALLOCATION
        + 'receive_allocation,Z-2,2016-08-20,拨款〔2016〕1号,city-2017,,,100000,"第一批\n'
        + "receive_allocation,Z-3,2016-09-20,拨款〔2016〕2号,city-2017,,,200000,第二批\n",
        encoding="utf-8",
    )
    before = seeded.event_count()

    result = seeded(f"import {path}", actor="qu-01")

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{path} row 3, note: " in result.stderr
    assert "line 3" in result.stderr
    assert "never closed" in result.stderr
    assert "nothing written" in result.stderr
    assert seeded.event_count() == before


def test_text_after_a_closing_quote_is_refused_a_quote_inside_a_cell_is_kept() -> None:
    bad = ALLOCATION + 'receive_allocation,Z-2,2016-08-20,"拨款"1号,city-2017,,,100,\n'

    assert _errors("a.csv", bad.encode()) == [
        'a.csv row 3, document: has text after its closing quote (") on line 3: quote the '
        'whole cell and double each quote inside it ("""拨款""1号"), or remove the quotes'
    ]

    kept = ALLOCATION + 'receive_allocation,Z-2,2016-08-20,拨款"1"号,city-2017,,,100,\n'
    rows, errors = read_bytes("a.csv", kept.encode())
    assert errors == []
    assert rows[1].values["document"] == '拨款"1"号'


def test_a_quoted_line_break_still_reads_as_one_cell_and_later_rows_are_counted() -> None:
    text = ALLOCATION + (
        'receive_allocation,Z-2,2016-08-20,doc,city-2017,,,100,"第一\n批"\n'
        'receive_allocation,Z-3,2016-08-20,doc,city-2017,,,100,"第二\n'
    )

    assert [e.split(":")[0] for e in _errors("a.csv", text.encode())] == ["a.csv row 4, note"]
    assert "line 5" in _errors("a.csv", text.encode())[0]


# -- 2. a JSONL key given twice -------------------------------------------------------------

LINE = (
    '{"command": "receive_allocation", "ref": "J-1", "effective": "2016-08-20", '
    '"document": "doc", %s"args": {"account": "city-2016", %s}}\n'
)


@pytest.mark.parametrize(
    ("top", "args", "key"),
    [
        ("", '"amount": "100.00", "amount": "1000000.00"', "amount"),
        ('"note": "a", "note" : "b", ', '"amount": "100.00"', "note"),
        ("", '"amount": "1.00", "a\\"b": 1, "a\\"b": 2', 'a"b'),
    ],
)
def test_a_jsonl_key_given_twice_is_refused_naming_it(top: str, args: str, key: str) -> None:
    data = (LINE % ("", '"amount": "1.00"') + LINE % (top, args)).encode()

    assert _errors("a.jsonl", data) == [f"a.jsonl line 2, {key}: is given twice: keep one"]


def test_a_colon_after_a_quote_inside_a_value_is_no_key() -> None:
    data = (LINE % ('"note": "见\\": 附件\\":", ', '"amount": "1.00"')).encode()

    rows, errors = read_bytes("a.jsonl", data)

    assert errors == []
    assert rows[0].values["note"] == '见": 附件":'


def test_a_key_given_twice_is_refused_on_the_command_line(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "alloc.jsonl"
    path.write_text(LINE % ("", '"amount": "100.00", "amount": "1000000.00"'), encoding="utf-8")
    before = seeded.event_count()

    result = seeded(f"import {path}", actor="qu-01")

    assert result.exit_code == 2, result.output
    assert f"{path} line 1, amount: is given twice" in result.stderr
    assert seeded.event_count() == before


# -- 3. a whole number where text is due ----------------------------------------------------


@pytest.mark.parametrize(("command", "name"), [("identify", "phone"), ("identify", "household")])
def test_a_whole_number_where_text_is_due_is_refused(command: str, name: str) -> None:
    arg = next(a for a in COMMANDS[command].args if a.name == name)

    with pytest.raises(InputError) as refused:
        parse_value(arg, 7503123456)

    assert "is a number in the spreadsheet, not text" in refused.value.rule
    assert "leading zeros" in refused.value.rule


def test_a_number_cell_in_a_text_column_refuses_the_workbook(seeded: Fupin, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(["ref", "effective", "document", "account", "amount"])
    sheet.append(["A-1", "2016-08-20", 2016, "city-2016", 100])
    path = tmp_path / "alloc.xlsx"
    path.write_bytes(_workbook_bytes(book))
    before = seeded.event_count()

    result = seeded(f"import {path}", actor="qu-01")

    assert result.exit_code == 2, result.output
    assert f"{path} [receive_allocation] row 2, document: is a number" in result.stderr
    assert seeded.event_count() == before


# -- 4. a JSONL BOM ---------------------------------------------------------------------------


def test_a_jsonl_file_starting_with_a_bom_is_read() -> None:
    data = b"\xef\xbb\xbf" + (LINE % ("", '"amount": "1.00"')).encode()

    rows, errors = read_bytes("a.jsonl", data)

    assert errors == []
    assert rows[0].values["amount"] == "1.00"


# -- 5. messages in the user's words ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ([None], "expects text, not an empty value"),
        (datetime(2016, 8, 1), "expects text, not a date cell: format the column as text"),
        (True, "expects text, not true/false"),
    ],
)
def test_a_value_of_the_wrong_kind_is_named_in_the_users_words(value: object, said: str) -> None:
    spec = COMMANDS["identify"]
    name = "member_names" if isinstance(value, list) else "document"
    arg = next(a for a in (*spec.args, *PROVENANCE) if a.name == name)

    with pytest.raises(InputError) as refused:
        parse_value(arg, value)

    assert said in refused.value.rule
    assert "NoneType" not in refused.value.rule
    assert "datetime" not in refused.value.rule


def test_a_date_cell_in_document_is_refused_in_the_users_words() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(["ref", "effective", "document", "account", "amount"])
    sheet.append(["A-1", "2016-08-20", datetime(2016, 8, 1), "city-2016", 100])
    # (said as the file is read since session 27, every such row at once; before, as a row
    # was parsed)
    _, refused = read_bytes("a.xlsx", _workbook_bytes(book))

    assert [str(e) for e in refused] == [
        "a.xlsx [receive_allocation] row 2, document: expects text, not a date cell: "
        "format the column as text (文本) and type it again"
    ]


# -- 6. sheet names and command cells as typed --------------------------------------------


@pytest.mark.parametrize("title", ["Receive_Allocation", " receive_allocation ", "资金到账 "])
def test_a_sheet_name_is_read_trimmed_and_in_any_case(title: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(["ref", "effective", "document", "account", "amount"])
    sheet.append(["A-1", "2016-08-20", "doc", "city-2016", 100])

    rows, errors = read_bytes("a.xlsx", _workbook_bytes(book))

    assert errors == []
    assert [r.command for r in rows] == ["receive_allocation"]


@pytest.mark.parametrize("cell", ["Receive_Allocation", "receive_allocation ", " 资金到账"])
def test_a_command_cell_is_read_trimmed_and_in_any_case(cell: str) -> None:
    text = f"command,ref,effective,document,account,amount\n{cell},A-1,2016-08-20,d,c,1\n"

    rows, errors = read_bytes("steps.csv", text.encode())

    assert errors == []
    assert [r.command for r in rows] == ["receive_allocation"]


def test_a_command_cell_naming_no_command_is_still_refused() -> None:
    text = "command,ref,effective,document,account,amount\nreceive,A-1,2016-08-20,d,c,1\n"

    assert _errors("steps.csv", text.encode()) == [
        "steps.csv row 2, command: 'receive' is not a command"
    ]
