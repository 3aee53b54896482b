"""Session 28, re-tester O: a bare mobile number in a date or a count cell was quoted back
(``'13870610201' is not a date``), while an ID card there was not: in a refusal it is read as a
phone (docs/privacy.md). Excel's ``sep=`` line padded with commas, in capitals or quoted was
refused as a title row; it is skipped as ``sep=,`` is (docs/import.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the files are refused before the store is written: SQLite is enough"

MOBILE = "13870610201"
MEMBERS = "ref,effective,document,household,members,head_name,id_card,phone,address,member_names"
NOT_QUOTED = "not quoted: a refusal never shows personal data"


def _digits(text: str) -> str:
    wide = {chr(0xFF10 + d): str(d) for d in range(10)}
    return re.sub(r"[^0-9X]", "", "".join(wide.get(c, c) for c in text.upper()))


def _refused(fupin: Fupin, path: Path) -> str:
    result = fupin(f"import file --dry-run {path}", "jn-01")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return " ".join(result.stderr.split())


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
