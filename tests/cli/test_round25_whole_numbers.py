"""Whole numbers read strictly (fuzzing tester, session 25).

typer's own conversion (pydantic's, lax) read ``--members 1_0`` as 10 people, ``3.0`` as 3,
``+2`` as 2, and refused a Chinese input method's ``２０１８`` in its usage box with no word of
its digits. Since session 25 every parameter annotated ``int`` is read before the command
runs: blanks around it, an optional ``-``, ASCII digits 0-9 and nothing else; a negative
number where a whole-number argument stands is that argument's value, not an unknown option.
An import's cell is read by the same rule (a workbook's numeric 3.0 stays 3).
"""

from __future__ import annotations

import io
import zipfile
from contextlib import closing
from datetime import date
from pathlib import Path

import orjson
import pytest
from cli.main import app
from ledger.application import open_ledger
from ledger.values import deferred_personal_data
from openpyxl import Workbook

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import id_card, stamp

STORE_INDEPENDENT = "the command line's reading of its arguments, before any store is opened"

JN = "jn-01"
RULE = "is not a whole number (digits 0-9 only)"


def identify(members: str) -> str:
    return (
        f"household identify JH-0050 --street 江南 --village 雄光 --area rural --members {members} "
        f"--head-name 张三 --id-card {id_card(50)} --phone 13800000000 --address 江海区雄光村1号 "
        f"{doc('2016-08-01')}"
    )


@pytest.mark.parametrize("typed", ["1_0", "3.0", "+2", "0x3", "3e0", "٣", "三"])
def test_members_typed_otherwise_than_in_digits_are_refused(seeded: Fupin, typed: str) -> None:
    before = seeded.event_count()

    result = seeded(identify(f"'{typed}'"), JN)

    assert_refused(result, "members", f"{typed!r} {RULE}")
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    ("line", "field", "typed"),
    [
        (f"household assess JH-0001 2_0_1_6 --income 9000 {doc('2017-01-20')}", "year", "2_0_1_6"),
        (f"correct household JH-0001 3.0 --reason 录错 {doc('2017-01-20')}", "version", "3.0"),
        ("log --since 1_0", "since", "1_0"),
        ("log --limit +2", "limit", "+2"),
        (
            f"helper add v-9 --kind volunteer --name 某队 --team-size +12 {doc('2016-07-28')}",
            "team_size",
            "+12",
        ),
        (f"fund open acc-9 --source city --year 2_0_1_8 {doc('2016-07-28')}", "year", "2_0_1_8"),
        ("programme amend --notice-days 7.0 --reason 调整 -d 文件", "notice_days", "7.0"),
    ],
)
def test_every_whole_number_is_read_strictly(
    seeded: Fupin, line: str, field: str, typed: str
) -> None:
    before = seeded.event_count()

    result = seeded(line, "admin")

    assert_refused(result, field, f"{typed!r} {RULE}")
    assert seeded.event_count() == before


def test_full_width_digits_are_refused_saying_so(seeded: Fupin) -> None:
    result = seeded(f"household assess JH-0001 ２０１６ --income 9000 {doc('2017-01-20')}", JN)

    assert_refused(result, "year", f"'２０１６' {RULE} (it holds spaces, invisible or full-width")
    assert "'2016'?" in result.stderr


def test_an_invisible_character_is_refused_saying_so(seeded: Fupin) -> None:
    result = seeded(identify("'3\u200b'"), JN)

    assert_refused(result, "members", "invisible or full-width characters: '3'?")


@pytest.mark.parametrize("typed", ["3", "' 3 '", "03"])
def test_plain_digits_with_blanks_around_are_still_read(seeded: Fupin, typed: str) -> None:
    seeded.ok(identify(typed), JN)

    shown = seeded.ok("household show JH-0050 --format json", "admin").stdout
    assert '"members":3' in shown.replace(" ", "")


def test_a_negative_version_is_the_argument_refused_by_its_own_rule(seeded: Fupin) -> None:
    before = seeded.event_count()

    result = seeded(f"correct household JH-0001 -1 --reason 录错 {doc('2017-01-20')}", JN)

    assert "No such option" not in result.output
    assert_refused(result, "version", "-1")
    assert seeded.event_count() == before


def test_options_around_a_negative_argument_keep_their_values(seeded: Fupin) -> None:
    # -e is an option still, and its value is the date, wherever -1 stands.
    result = seeded("correct household JH-0001 -d 文件 -1 --reason 录错 -e 2017-01-20", JN)

    assert "No such option" not in result.output
    assert_refused(result, "version", "-1")


def test_help_and_shell_completion_still_work(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    helped = seeded("household identify --members 1_0 --help")
    monkeypatch.setenv("_FUPIN_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "fupin log --since 1_0 --li")
    monkeypatch.setenv("COMP_CWORD", "4")
    completed = seeded.runner.invoke(app, [], prog_name="fupin")

    assert helped.exit_code == 0, helped.output
    assert "Usage: fupin household identify" in helped.stdout
    assert completed.exit_code == 0, completed.output
    assert completed.stdout.split() == ["--limit"]
    assert completed.stderr == ""


HEADER = "ref,actor,effective,document,note,account,source,year,street,donor\n"


@pytest.mark.parametrize("typed", ["2_0_1_8", "+2018", "2018.0", "２０１８"])
def test_an_import_cell_is_read_by_the_same_rule(seeded: Fupin, tmp_path: Path, typed: str) -> None:
    sheet = tmp_path / "open_account.csv"
    sheet.write_text(HEADER + f"A-1,qu-01,2016-09-02,文件,,acc-9,city,{typed},,\n")
    before = seeded.event_count()

    result = seeded(f"import {sheet}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"year: {typed!r} {RULE}" in result.output
    assert seeded.event_count() == before


def test_an_import_cell_of_plain_digits_is_still_read(seeded: Fupin, tmp_path: Path) -> None:
    sheet = tmp_path / "open_account.csv"
    sheet.write_text(HEADER + "A-1,qu-01,2016-09-02,文件,,acc-9,city, 2018 ,,\n")

    seeded.ok(f"import {sheet}", "qu-01")


# Bidirectional controls in recorded free text (fuzzing tester, session 25).


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_a_bidi_control_in_free_text_is_refused(seeded: Fupin, control: str) -> None:
    before = seeded.event_count()

    result = seeded.runner.invoke(
        app,
        [
            "--as",
            JN,
            "household",
            "visit",
            "JH-0001",
            "--helper",
            "c-1",
            "--summary",
            f"走访{control}正常",
            *doc("2016-09-01").split(),
        ],
    )

    assert_refused(result, "summary", f"U+{ord(control):04X}")
    assert "bidirectional control" in result.stderr
    assert seeded.event_count() == before


def test_a_zero_width_space_in_free_text_is_still_taken(seeded: Fupin) -> None:
    seeded.ok(
        f"household visit JH-0001 --helper c-1 --summary 走访\u200b正常 {doc('2016-09-01')}", JN
    )


VISIT = "ref,actor,effective,document,note,household,helper,summary\n"


def test_a_bidi_control_in_an_import_cell_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    sheet = tmp_path / "record_visit.csv"
    sheet.write_text(VISIT + "V-1,jn-01,2016-09-01,文件,,JH-0001,c-1,走访\u202e正常\n")
    before = seeded.event_count()

    result = seeded(f"import {sheet}", JN)

    assert result.exit_code == 2, result.output
    assert "summary: contains U+202E RIGHT-TO-LEFT OVERRIDE" in result.output
    assert seeded.event_count() == before


def _visit_recorded_before_the_rule(fupin: Fupin) -> None:
    """A visit whose summary holds U+202E, as a version before session 25 recorded it."""
    with closing(open_ledger(fupin.store)) as ledger, deferred_personal_data():
        ledger.record_visit(stamp(JN, date(2016, 9, 4)), "JH-0001", "c-1", "走访\u202e正常")


def test_a_ledger_holding_a_bidi_control_still_moves(seeded: Fupin, tmp_path: Path) -> None:
    _visit_recorded_before_the_rule(seeded)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    fresh = str(tmp_path / "fresh.db")
    verified = seeded.runner.invoke(app, ["--store", fresh, "--as", "admin", "verify"])
    assert verified.exit_code == 0, verified.output


def test_its_row_in_an_ordinary_import_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    before = tmp_path / "before.jsonl"
    seeded.ok(f"export events -o {before}", actor="admin")
    _visit_recorded_before_the_rule(seeded)
    after = tmp_path / "after.jsonl"
    seeded.ok(f"export events -o {after}", actor="admin")
    other = str(tmp_path / "other.db")
    rebuilt = seeded.runner.invoke(app, ["--store", other, "import", "--create", str(before)])
    assert rebuilt.exit_code == 0, rebuilt.output
    held = set(before.read_bytes().splitlines())
    rows = tmp_path / "later.jsonl"
    rows.write_bytes(
        b"".join(
            line + b"\n"
            for line in after.read_bytes().splitlines()
            if line not in held and b'"ref"' in line
        )
    )
    rows.chmod(0o600)  # personal data in clear, as the export's own file

    result = seeded.runner.invoke(app, ["--store", other, "--as", "admin", "import", str(rows)])

    assert result.exit_code == 2, result.output
    assert "summary: contains U+202E RIGHT-TO-LEFT OVERRIDE" in " ".join(result.stderr.split())


def _workbook(path: Path, year: object) -> None:
    """An open_account sheet written by openpyxl, its year cell as given; a numeric one saved
    as ``2018.0``, as a spreadsheet that computed it may store it (openpyxl itself writes
    ``2018``, which reads back as an int)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "open_account"
    sheet.append(HEADER.strip().split(","))
    sheet.append(["A-1", "qu-01", "2016-09-02", "文件", None, "acc-9", "city", year])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<v>2018</v>", b"<v>2018.0</v>")
            new.writestr(item, data)


def test_a_workbooks_numeric_cell_of_a_whole_number_is_read(seeded: Fupin, tmp_path: Path) -> None:
    book = tmp_path / "accounts.xlsx"
    _workbook(book, 2018.0)
    with zipfile.ZipFile(book) as saved:
        assert b"<v>2018.0</v>" in saved.read("xl/worksheets/sheet1.xml")

    seeded.ok(f"import {book}", "qu-01")
    log = tmp_path / "events.jsonl"
    seeded.ok(f"export events -o {log}", actor="admin")
    opened = [
        row["args"]
        for row in map(orjson.loads, log.read_bytes().splitlines())
        if row.get("command") == "open_account" and row["args"].get("account") == "acc-9"
    ]
    assert [(args["year"], type(args["year"])) for args in opened] == [(2018, int)]


def test_a_workbooks_text_cell_of_3_0_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    book = tmp_path / "accounts.xlsx"
    _workbook(book, "2018.0")
    before = seeded.event_count()

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 2, result.output
    assert f"year: '2018.0' {RULE}" in result.output
    assert seeded.event_count() == before
