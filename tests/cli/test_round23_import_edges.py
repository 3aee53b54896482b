"""Session 23 (an import re-tester):

- an area with spaces around it was read in Chinese (``--area ' 农村'``) and refused in
  English (``--area ' rural'``) on the command line: both are read, as a yes/no is, and as an
  import reads them;
- a date holding invisible or full-width characters was not told so, as an amount is; one
  with a time (``2019/12/30 0:00``, Excel's CSV's date-time) was not told that the time is
  why: a time of midnight is now read as the date in a CSV, another is refused saying so;
- an import row was told of command-line options it has no way to give (``says why in its
  note (--note)``): a rule names the row's column instead;
- a column narrower than a pixel (width 0.01), or one without a width of its own in a sheet
  whose columns are 0 wide by default (``defaultColWidth="0"``), shows nothing, as one of
  width 0 does: a value in it was read; it is refused as in a hidden column."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from cli.importing import read_bytes
from openpyxl import Workbook

from tests.cli.conftest import Fupin, doc

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


# -- 1. a column that shows nothing: narrower than a pixel, or 0 wide by default ----------------

ALLOCATION = ["编号 ref", "记录人 actor", "生效日期 effective", "文件 document", "备注 note"]
NOTE_HIDDEN = ("book.xlsx [receive_allocation] row 2", "备注 note")


def _allocations(note: str, cols: str = "", sheet_format: str = "") -> bytes:
    """A sheet of one allocation, its note in column E, with ``cols`` (``<cols>…</cols>``)
    and ``sheet_format`` (``<sheetFormatPr …/>``) put in its XML as a spreadsheet saves them."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append([*ALLOCATION, "账户 account", "金额 amount"])
    sheet.append(["R-1", "qu-01", "2016-09-01", "拨款1", note, "city-2016", 500])
    buffer = io.BytesIO()
    book.save(buffer)
    source, out = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                if sheet_format:
                    content = re.sub(rb"<sheetFormatPr[^>]*>", sheet_format.encode(), content)
                content = content.replace(b"<sheetData", cols.encode() + b"<sheetData", 1)
            target.writestr(item, content)
    return out.getvalue()


@SQLITE
def test_a_value_in_a_column_narrower_than_a_pixel_is_refused_as_in_a_hidden_column(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "allocations.xlsx"
    cols = '<cols><col min="5" max="5" width="0.01" customWidth="1"/></cols>'
    path.write_bytes(_allocations("作废", cols))
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"{path} [receive_allocation] row 2, 备注 note: column is hidden: unhide it to import "
        "it, or delete it"
    ) in result.stderr
    assert seeded.event_count() == before


@pytest.mark.parametrize(("width", "hidden"), [("0.07", True), ("0.08", False), ("0.5", False)])
def test_a_column_is_hidden_when_excel_draws_it_0_pixels_wide(width: str, hidden: bool) -> None:
    """Excel draws a width w in trunc(((256 w + trunc(128/7)) / 256) * 7) pixels: 0.07 in 0,
    0.08 in 1."""
    cols = f'<cols><col min="5" max="5" width="{width}" customWidth="1"/></cols>'

    _found, errors = read_bytes("book.xlsx", _allocations("作废", cols))

    assert (NOTE_HIDDEN in [(e.where, e.column) for e in errors]) is hidden


def test_every_column_of_a_sheet_0_wide_by_default_is_hidden() -> None:
    zero = '<sheetFormatPr baseColWidth="8" defaultColWidth="0" defaultRowHeight="15"/>'

    _found, errors = read_bytes("book.xlsx", _allocations("作废", sheet_format=zero))

    refused = [(e.where, e.column) for e in errors if "column is hidden" in e.rule]
    assert NOTE_HIDDEN in refused
    assert ("book.xlsx [receive_allocation] row 2", "编号 ref") in refused


def test_in_a_sheet_0_wide_by_default_only_the_columns_without_a_width_are_hidden() -> None:
    zero = '<sheetFormatPr defaultColWidth="0" defaultRowHeight="15" zeroHeight="0"/>'
    cols = '<cols><col min="1" max="4" width="12"/><col min="6" max="7" width="9"/></cols>'

    found, errors = read_bytes("book.xlsx", _allocations("", cols, zero))
    assert errors == []
    assert found[0].values["account"] == "city-2016"

    _found, errors = read_bytes("book.xlsx", _allocations("作废", cols, zero))
    assert [(e.where, e.column) for e in errors] == [NOTE_HIDDEN]


def test_a_sheet_with_a_base_width_of_0_and_no_default_width_is_read() -> None:
    """Without defaultColWidth a column is its base width plus 5 pixels of padding: shown."""
    base = '<sheetFormatPr baseColWidth="0" defaultRowHeight="15"/>'

    found, errors = read_bytes("book.xlsx", _allocations("作废", sheet_format=base))

    assert errors == []
    assert found[0].values["note"] == "作废"


# -- 4. an area with spaces around it ---------------------------------------------------------


def _area_of(seeded: Fupin, household: str) -> str:
    shown = json.loads(seeded.ok(f"household show {household} --format json", "admin").output)
    return str(shown["household"]["area"])


@SQLITE
@pytest.mark.parametrize(("typed", "area"), [(" urban", "urban"), ("urban\u3000", "urban")])
def test_an_area_in_english_with_spaces_around_it_is_read_as_one_in_chinese_is(
    seeded: Fupin, typed: str, area: str
) -> None:
    amend = f"household amend JH-0002 --area '{typed}' --reason 录错 {doc('2016-08-12')}"
    seeded.ok(amend, "jn-01")

    assert _area_of(seeded, "JH-0002") == area


IDENTIFY = (
    "ref,effective,document,household,street,village,area,members,labour,willing,head_name,"
    "id_card\n"
)


@SQLITE
def test_an_imported_area_in_english_with_spaces_around_it_is_read_still(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "identify.csv"
    path.write_text(
        IDENTIFY
        + 'I-1,2016-08-01,台账X,JH-0301,江南,雄光," urban ",3,是,是,甲,440704196001010044\n',
        encoding="utf-8",
    )
    path.chmod(0o600)

    seeded.ok(f"import {path}", "jn-01")

    assert _area_of(seeded, "JH-0301") == "urban"


# -- 2. a date typed with a time, invisible or full-width characters --------------------------

ALLOCATIONS = "ref,actor,effective,document,account,amount\n"


def _allocation_csv(tmp_path: Path, effective: str) -> Path:
    path = tmp_path / "receive_allocation.csv"
    path.write_text(ALLOCATIONS + f"R-1,qu-01,{effective},拨款1,city-2016,100\n", encoding="utf-8")
    return path


@SQLITE
@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("\u200b2016/12/30", "2016/12/30"),
        ("2016/１2/30", "2016/12/30"),
        ("２０１６-12-30", "2016-12-30"),
    ],
)
def test_an_imported_date_with_invisible_or_full_width_characters_is_told_so(
    seeded: Fupin, tmp_path: Path, typed: str, plain: str
) -> None:
    before = seeded.event_count()

    result = seeded(f"import {_allocation_csv(tmp_path, typed)}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        f"effective: {typed!r} is not a date YYYY-MM-DD (ISO 8601), YYYY/M/D (year first, as "
        f"Excel's CSV writes it) or YYYY年M月D日 (it holds spaces, invisible or full-width "
        f"characters: {plain!r}?)"
    ) in result.stderr
    assert seeded.event_count() == before


@SQLITE
def test_a_date_given_on_the_command_line_with_full_width_digits_is_told_so(
    seeded: Fupin,
) -> None:
    result = seeded(
        "household amend JH-0002 --area urban --reason 录错 -d 更正1 -e ２０１６-08-12", "jn-01"
    )

    assert result.exit_code != 0
    assert (
        "effective: '２０１６-08-12' is not a date YYYY-MM-DD (ISO 8601) or YYYY年M月D日 (it holds "
        "spaces, invisible or full-width characters: '2016-08-12'?)"
    ) in result.output
    assert "Traceback" not in result.output


@SQLITE
@pytest.mark.parametrize("typed", ["2016/12/30 0:00", "2016-12-30 00:00:00", "2016/12/30 00:00"])
def test_a_csv_date_with_a_time_of_midnight_is_read_as_the_date(
    seeded: Fupin, tmp_path: Path, typed: str
) -> None:
    seeded.ok(f"import {_allocation_csv(tmp_path, typed)}", "qu-01")

    shown = json.loads(seeded.ok("history city-2016 --kind fund --format json", "admin").output)
    assert shown[-1]["effective"] == "2016-12-30"


@SQLITE
def test_a_csv_date_with_another_time_is_refused_saying_the_time_is_why(
    seeded: Fupin, tmp_path: Path
) -> None:
    before = seeded.event_count()

    result = seeded(f"import {_allocation_csv(tmp_path, '2016/12/30 14:30')}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        "effective: '2016/12/30 14:30' is not a date YYYY-MM-DD (ISO 8601), YYYY/M/D (year "
        "first, as Excel's CSV writes it) or YYYY年M月D日; it holds a time (14:30): give the "
        "date alone"
    ) in result.stderr
    assert seeded.event_count() == before


# -- 3. an import row's refusal names its columns, not the command line's options ------------


@SQLITE
def test_a_row_dated_after_the_programme_is_told_to_say_why_in_its_note_column(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "receive_allocation.csv"
    path.write_text(
        "编号 ref,记录人 actor,生效日期 effective,文件 document,备注 note,账户 account,"
        "金额 amount\n"
        "R-1,qu-01,2025-12-20,拨款1,,city-2016,100\n",
        encoding="utf-8",
    )
    before = seeded.event_count()

    result = seeded(f"import {path}", "qu-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "row 2, 生效日期 effective: 2025-12-20 is after the programme" in said
    assert "a step dated after it says why in its note, naming its year 2025 (备注 note)," in said
    assert "--note" not in said
    assert seeded.event_count() == before


def test_a_command_line_a_rule_suggests_is_left_as_it_is() -> None:
    from ledger.imports import Row, _in_columns

    row = Row("f.csv row 2", "register", {}, {"key_target": "重点帮扶对象 key_target"})
    rule = (
        "register it as no key target (--not-key-target; a registration is a key target "
        "unless it says otherwise); else amend it (fupin household amend JH-1 --labour), "
        "say who (--as), see --store"
    )

    assert _in_columns(rule, row) == (
        "register it as no key target (重点帮扶对象 key_target: false; a registration is a key "
        "target unless it says otherwise); else amend it (fupin household amend JH-1 --labour), "
        "say who (actor), see --store"
    )
