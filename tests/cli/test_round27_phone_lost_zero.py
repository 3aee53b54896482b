"""Session 27, re-tester G (M2): a landline with a 4-digit area code and an 8-digit number
whose leading 0 a spreadsheet dropped (0755-12345678 → 75512345678, 0769-22345678 →
76922345678) went in at 11 digits, in a CSV and on the command line, while the 10-digit one
(7503123456) was refused. Only a mobile is 11 digits, and it begins with 1: such a number is
refused as the 10-digit one is (docs/cli.md, Phone numbers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger import casework

from tests.cli.conftest import Fupin, assert_refused, reimported

STORE_INDEPENDENT = "the phone is refused before the store is written: SQLite is enough"

HEADER = (
    "ref,effective,document,household,street,village,area,members,labour,willing,"
    "head_name,id_card,phone,member_names\n"
)
IDENTIFY = (
    "household identify JH-0301 --street 江南 --village 雄光 --area rural --members 1 "
    "--head-name 甲 --id-card 440704198001013017 -e 2016-08-01 -d 台账X"
)
LOST = "has 11 digits and does not begin with 0 or 1: a mobile begins with 1, and a landline"


def _register(tmp_path: Path, phone: str) -> Path:
    path = tmp_path / "identify.csv"
    path.write_text(
        f"{HEADER}I-1,2016-08-01,台账X,JH-0301,江南,雄光,rural,1,yes,yes,甲,"
        f"440704198001013017,{phone},甲\n",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path


@pytest.mark.parametrize("phone", ["75512345678", "76922345678", "769-22345678"])
def test_an_eleven_digit_landline_that_lost_its_zero_is_refused_in_an_import(
    seeded: Fupin, tmp_path: Path, phone: str
) -> None:
    result = seeded(f"import --dry-run {_register(tmp_path, phone)}", "jn-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert f"identify.csv row 2, phone: {LOST} with its area code with 0 (0755-12345678)" in said
    assert "type it again with its 0, in a column formatted as text (文本)" in said
    assert phone not in said


def test_on_the_command_line_too(seeded: Fupin) -> None:
    result = seeded(f"{IDENTIFY} --phone 75512345678", "jn-01")

    assert_refused(result, "phone", LOST)


@pytest.mark.parametrize(
    "phone",
    ["13800000000", "075512345678", "0755-12345678", "+852 2123 4567", "8613800000000"],
)
def test_mobiles_landlines_with_their_zero_and_country_codes_are_read(
    seeded: Fupin, tmp_path: Path, phone: str
) -> None:
    result = seeded(f"import --dry-run {_register(tmp_path, phone)}", "jn-01")

    assert result.exit_code == 0, result.output


def test_one_recorded_before_the_rule_is_moved_as_recorded(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as before_the_rule:
        before_the_rule.setattr(casework, "check_phone", lambda phone: None)
        seeded.ok(f"{IDENTIFY} --phone 75512345678", "jn-01")

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    shown = seeded.ok(f"--store {tmp_path / 'fresh.db'} household show JH-0301", "admin")
    assert "75512345678" in shown.stdout


def test_a_row_refused_for_another_cell_names_its_bad_phone_in_the_same_run(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Re-tester M, session 27: a row with a date off the calendar named the date only; its
    # phone that lost its 0 came out on the next run.
    header = (
        "ref,actor,effective,document,note,household,street,village,area,members,labour,"
        "willing,disabled,dibao,head_name,id_card,phone,address,member_names"
    )
    row = (
        "t3,jn-01,2018年2月30日,江南扶贫〔2018〕1号,,JN-X003,江南,雄光,rural,1,true,true,false,"
        "true,王三,440704197505051231,75512345678,,"
    )
    folder = tmp_path / "rows"
    folder.mkdir()
    sheet = folder / "identify.csv"
    sheet.write_text(f"{header}\n{row}\n", encoding="utf-8")
    sheet.chmod(0o600)

    result = seeded(f"import --dry-run {sheet}", "jn-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "row 2, effective:" in said
    assert "row 2, phone: has 11 digits and does not begin with 0 or 1" in said


@pytest.mark.parametrize(
    ("phone", "rule"),
    [
        ("1380013800", "begins with 1 and has 10 digits: a mobile is 11 digits"),
        ("138001380001", "begins with 1 and has 12 digits: a mobile is 11 digits"),
        ("+86 1380013800", "begins with 1 and has 10 digits: a mobile is 11 digits"),
        ("+86 0750 3123456", "writes the 0 of the area code after +86"),
        ("400800123", "begins with 400 and has 9 digits: a 400 number is 10 digits"),
    ],
)
def test_a_mobile_or_400_number_of_the_wrong_length_is_refused(
    seeded: Fupin, phone: str, rule: str
) -> None:
    # Fuzzer Q, session 27: each was recorded, a digit lost or added, sealed for good.
    before = seeded.event_count()

    result = seeded(
        "household identify JH-0302 --street 江南 --village 雄光 --area rural --members 1 "
        f"--head-name 甲 --id-card 440704198001013017 --phone '{phone}' -e 2016-08-01 -d 台账X",
        "jn-01",
    )

    assert_refused(result, "phone", rule)
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    "phone", ["13800000000", "+86 138 0000 0000", "+86 750 3123456", "4008123123", "+1 2125551234"]
)
def test_numbers_of_the_right_length_are_taken(seeded: Fupin, phone: str) -> None:
    seeded.ok(
        "household identify JH-0303 --street 江南 --village 雄光 --area rural --members 1 "
        f"--head-name 甲 --id-card 440704198001013017 --phone '{phone}' -e 2016-08-01 -d 台账X",
        "jn-01",
    )
