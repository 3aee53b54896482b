"""Session 28, re-tester O (privacy of the import's refusals): the GBK refusal quoted a cell in
both readings, a head's name, an address with a phone, a note's ID card; a header holding an ID
card was named by it; a bare mobile number in a date or a count cell was quoted back
(``'13870610201' is not a date``), while an ID card there was not. A personal column's cell is
never shown, every import refusal passes through ``unquoted``, and a bare mobile is read there
as a phone (docs/privacy.md). Excel's ``sep=`` line padded with commas, in capitals or quoted
was refused as a title row; it is skipped as ``sep=,`` is (docs/import.md)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the files are refused before the store is written: SQLite is enough"

CARD = "440704198104143690"
MOBILE = "13870610201"
MEMBERS = "ref,effective,document,household,members,head_name,id_card,phone,address,member_names"
GBK_SAID = "the file is GBK"
NOT_QUOTED = "not quoted: a refusal never shows personal data"


def _gbk(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("gbk"))
    path.chmod(0o600)
    return path


def _digits(text: str) -> str:
    wide = {chr(0xFF10 + d): str(d) for d in range(10)}
    return re.sub(r"[^0-9X]", "", "".join(wide.get(c, c) for c in text.upper()))


def _refused(fupin: Fupin, path: Path) -> str:
    result = fupin(f"import file --dry-run {path}", "jn-01")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return " ".join(result.stderr.split())


@pytest.mark.parametrize(
    ("name", "address", "column"),
    [
        ("莫强", "医院", "head_name"),  # re-tester O's: reads 'Īǿ' as UTF-8 but '莫强' as GBK
        ("Mo Qiang", f"Tel {MOBILE} 医药", "address"),  # the address and its phone shown
    ],
)
def test_a_gbk_files_personal_cell_is_named_never_shown(
    seeded: Fupin, tmp_path: Path, name: str, address: str, column: str
) -> None:
    row = f"m1,2018-06-01,doc,JH-0001,2,{name},{CARD},{MOBILE},{address},{name}"
    path = _gbk(tmp_path / "change_members.csv", f"{MEMBERS}\n{row}\n")

    said = _refused(seeded, path)

    assert f"change_members.csv row 2, {column}: holds text that reads otherwise as GBK" in said
    assert GBK_SAID in said
    for shown in ("莫强", "Īǿ", "医药", "ҽҩ", "医院", "Mo Qiang"):
        assert shown not in said
    assert MOBILE not in _digits(said)


def test_a_gbk_note_holding_an_id_card_is_not_quoted(seeded: Fupin, tmp_path: Path) -> None:
    head = "ref,effective,document,note,account,amount"
    path = _gbk(
        tmp_path / "receive_allocation.csv",
        f"{head}\nr1,2016-08-01,doc,莫强 {CARD},city-2016,100\n",
    )

    said = _refused(seeded, path)

    assert "receive_allocation.csv row 2, note: holds text that reads otherwise as GBK" in said
    assert GBK_SAID in said
    assert CARD not in _digits(said)


def test_the_first_cell_that_may_be_shown_shows_the_misreading(
    seeded: Fupin, tmp_path: Path
) -> None:
    row = f"m1,2018-06-01,doc,JH-0001,2,莫强,{CARD},,,莫强"
    later = "m2,2018-06-02,农药,JH-0001,2,,,,,"
    path = _gbk(tmp_path / "change_members.csv", f"{MEMBERS}\n{row}\n{later}\n")

    said = _refused(seeded, path)

    assert (
        "row 2, head_name: holds text that reads otherwise as GBK, not shown (a refusal never "
        "shows personal data); row 3, document, reads 'ũҩ' as UTF-8 but '农药' as GBK: the "
        "file is GBK"
    ) in said
    assert "莫强" not in said
    assert "Īǿ" not in said


@pytest.mark.parametrize(
    ("column", "typed"),
    [
        ("effective", MOBILE),  # re-tester O's: '13870610201' is not a date
        ("effective", MOBILE[:-1] + "\uff11"),  # its hint suggested '13870610201'?
        ("effective", f" {MOBILE} "),
        ("members", MOBILE[:-1] + "\uff11"),
    ],
)
def test_a_bare_mobile_in_a_date_or_count_cell_is_not_quoted(
    seeded: Fupin, tmp_path: Path, typed: str, column: str
) -> None:
    cells = {"effective": "2016-08-01", "members": "2"} | {column: typed}
    path = tmp_path / "change_members.csv"
    path.write_text(f"{MEMBERS}\nm1,{cells['effective']},doc,JH-0001,{cells['members']},,,,,\n")

    said = _refused(seeded, path)

    assert (
        f"row 2, {column}: holds 11 digits from 13… to 19…, as a mobile phone number is "
        f"written, {NOT_QUOTED}"
    ) in said
    assert MOBILE not in _digits(said)


def test_a_longer_run_of_digits_is_quoted_as_before(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "change_members.csv"
    path.write_text(f"{MEMBERS}\nm1,138706102011,doc,JH-0001,2,,,,,\n")

    said = _refused(seeded, path)

    assert "'138706102011'" in said


def test_a_header_holding_an_id_card_is_not_quoted(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_text(f"ref,effective,document,household,helper,summary,{CARD}\nV-1,,,,,,\n")

    said = _refused(seeded, path)

    assert "row 1, a header holding an ID-card number (not quoted): unknown column" in said
    assert CARD not in _digits(said)


def test_a_refusal_made_while_the_file_is_read_quotes_no_id_card(
    seeded: Fupin, tmp_path: Path
) -> None:
    # A quote fault's refusal is no LedgerError: it quoted the cell, ID card and all.
    path = tmp_path / "record_visit.csv"
    path.write_text(f'ref,effective,document,household,helper,summary\nV-1,,,,,"{CARD}"号\n')

    said = _refused(seeded, path)

    assert f"record_visit.csv row 2, summary: holds an ID-card number, {NOT_QUOTED}" in said
    assert CARD not in _digits(said)


# -- Excel's sep= line ----------------------------------------------------------------------------

VISIT = "ref,effective,document,household,helper,summary\nV-1,2016-08-20,doc,JH-0001,c-1,入户\n"


@pytest.mark.parametrize("line", ["sep=,,,,,", "SEP=,", "Sep=,", '"sep=,"', '"sep=,",,,,,'])
def test_a_padded_capital_or_quoted_sep_line_is_skipped(
    seeded: Fupin, tmp_path: Path, line: str
) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_text(f"{line}\r\n{VISIT}", newline="")

    result = seeded.ok(f"import {path}", "jn-01")

    assert "imported 1 row(s)" in result.stdout


@pytest.mark.parametrize("line", ["SEP=;", '"sep=;"', "sep=;,,,,,"])
def test_a_padded_capital_or_quoted_sep_line_of_semicolons_is_refused(
    seeded: Fupin, tmp_path: Path, line: str
) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_text(f"{line}\n{VISIT}")

    said = _refused(seeded, path)

    assert "its first line, 'sep=;', says its cells are separated by semicolons (;)" in said


# -- the property: no import refusal shows a personal number ------------------------------------

#: Personal numbers as a shifted cell holds them: an ID card, a phone with its cue, a bare one.
numbers = st.sampled_from([CARD, f"电话{MOBILE}", MOBILE, f"莫强 {CARD}", f"Tel {MOBILE} 医药"])
#: What the other cells hold: text a GBK file misreads, or none.
others = st.sampled_from(["", "医药", "农", "x"])


def _table(number: str, at: int, name: str, other: str) -> list[list[str]]:
    row = ["m1", "2018-06-01", f"doc{other}", "JH-0001", "2", name, CARD, MOBILE, "江海区", name]
    row[at] = number
    return [MEMBERS.split(","), row]


def _written(path: Path, kind: str, table: list[list[str]]) -> Path:
    if kind == "xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "change_members"
        for cells in table:
            sheet.append(cells)
        buffer = io.BytesIO()
        book.save(buffer)
        path = path.with_suffix(".xlsx")
        path.write_bytes(buffer.getvalue())
    else:
        text = "".join(",".join(f'"{c}"' for c in cells) + "\n" for cells in table)
        path.write_bytes(text.encode("gbk" if kind == "gbk" else "utf-8"))
    path.chmod(0o600)
    return path


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    number=numbers,
    at=st.integers(0, 9),
    name=st.sampled_from(["莫强", "农医"]),
    other=others,
    kind=st.sampled_from(["gbk", "utf-8", "xlsx"]),
)
def test_no_import_refusal_shows_a_personal_number_or_a_personal_cell(
    seeded: Fupin, tmp_path: Path, number: str, at: int, name: str, other: str, kind: str
) -> None:
    path = _written(tmp_path / "change_members.csv", kind, _table(number, at, name, other))

    result = seeded(f"import file --dry-run {path}", "jn-01")

    assert "Traceback" not in result.output
    said = result.stderr
    assert CARD not in _digits(said), said
    assert MOBILE not in _digits(said), said
    assert name not in said, said  # a head's, a member's name
    assert "Īǿ" not in said, said
