"""Round 12 of the officer's exploratory test, issues 2, 5 and 6: ``fupin import`` reads an
XLSX sheet as it reads the same CSV file (an unknown header under empty cells is refused at
row 1), refuses a blank member name as ``household identify`` does, and names a merged
range when a required cell lies under one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

REVIEW = ["ref", "actor", "effective", "document", "note", "household", "accepted"]


def _workbook(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "review"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("header", ["额外 extra", "备注 notes"])
def test_an_unknown_header_over_empty_cells_is_refused_at_row_1_in_xlsx_as_in_csv(
    seeded: Fupin, tmp_path: Path, header: str
) -> None:
    before = seeded.event_count()
    row: list[object] = ["X-R-1", "jn-01", date(2016, 8, 2), "评议", "", "JH-0002", True, None]
    book = _workbook(tmp_path / "x.xlsx", [*REVIEW, header], [row])
    (tmp_path / "review.csv").write_text(
        f"{','.join(REVIEW)},{header}\nC-R-1,jn-01,2016-08-02,评议,,JH-0002,yes,\n",
        encoding="utf-8",
    )

    from_xlsx = seeded(f"import --dry-run {book}", actor="jn-01")
    from_csv = seeded(f"import --dry-run {tmp_path / 'review.csv'}", actor="jn-01")

    rule = f"row 1, {header}: unknown column: the header row (row 1) names each column"
    assert from_csv.exit_code == 2, from_csv.output
    assert rule in from_csv.output
    assert from_xlsx.exit_code == 2, from_xlsx.output
    assert f"x.xlsx [review] {rule}" in from_xlsx.output
    assert seeded.event_count() == before


IDENTIFY = (
    "ref,effective,document,household,street,village,area,members,labour,willing,head_name,"
    "id_card,member_names\n"
)


@pytest.mark.parametrize(
    ("names", "rule"),
    [
        ('"甲, ,乙"', "the name of member 2 of 3 is blank"),
        ("甲;;乙", "the name of member 2 of 3 is blank"),
        ("甲、、乙", "the name of member 2 of 3 is blank"),
        ("甲、乙、", "2 names given for 3 members"),  # one separator at the end ends the list
    ],
)
def test_an_import_refuses_a_blank_member_name_as_the_command_line_does(
    seeded: Fupin, tmp_path: Path, names: str, rule: str
) -> None:
    before = seeded.event_count()
    (tmp_path / "identify.csv").write_text(
        IDENTIFY + "I-301,2016-08-01,台账X,JH-0301,江南,雄光,rural,3,yes,yes,甲,"
        f"440704196001010044,{names}\n",
        encoding="utf-8",
    )
    (tmp_path / "identify.csv").chmod(0o600)  # personal data: its owner's only (docs/privacy.md)

    result = seeded(f"import --dry-run {tmp_path / 'identify.csv'}", actor="jn-01")

    assert result.exit_code == 2, result.output
    assert f"identify.csv row 2, member_names: {rule}" in result.output
    assert seeded.event_count() == before


def test_member_names_given_whole_are_still_imported(seeded: Fupin, tmp_path: Path) -> None:
    (tmp_path / "identify.csv").write_text(
        IDENTIFY + "I-302,2016-08-01,台账X,JH-0302,江南,雄光,rural,2,是,否,甲,"
        '440704196001010044,"甲, 乙、"\n',
        encoding="utf-8",
    )
    (tmp_path / "identify.csv").chmod(0o600)  # personal data: its owner's only (docs/privacy.md)

    result = seeded(f"import {tmp_path / 'identify.csv'}", actor="jn-01")

    assert result.exit_code == 0, result.output
    shown = seeded.ok("household show JH-0302 --format json", actor="admin").output
    assert "甲" in shown
    assert "乙" in shown


@pytest.mark.parametrize(
    ("word", "value"), [("Y", True), ("n", False), ("对", True), ("不", False)]
)
def test_the_documented_other_boolean_words_are_read(
    seeded: Fupin, tmp_path: Path, word: str, value: bool
) -> None:
    """``y/n`` and ``对/不`` were always read; docs/import.md lists them (2026-11-29)."""
    (tmp_path / "review.csv").write_text(
        f"ref,effective,document,household,accepted\nR-1,2016-08-02,评议,JH-0002,{word}\n",
        encoding="utf-8",
    )

    result = seeded(f"import --dry-run {tmp_path / 'review.csv'}", actor="jn-01")

    assert result.exit_code == 0, result.output
    docs = (Path(__file__).parents[2] / "docs" / "import.md").read_text(encoding="utf-8")
    assert "`y/n`" in docs
    assert "`对/不`" in docs


def test_a_required_cell_under_a_merged_range_is_named_as_merged(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Issue 6: a document merged over rows 2-5 shows on rows 3-5, but only D2 holds it."""
    before = seeded.event_count()
    rows: list[list[object]] = [
        [f"M-{i}", "jn-01", date(2016, 8, 2), "评议" if i == 0 else None, "", household, True]
        for i, household in enumerate(["JH-0002", "JH-0003", "JH-0004", "JH-0001"])
    ]
    book = _workbook(tmp_path / "m.xlsx", REVIEW, rows)
    from openpyxl import load_workbook

    workbook = load_workbook(book)
    workbook.active.merge_cells("D2:D5")  # type: ignore[union-attr]
    workbook.save(book)

    result = seeded(f"import --dry-run {book}", actor="jn-01")

    assert result.exit_code == 2, result.output
    for row in (3, 4, 5):
        assert (
            f"m.xlsx [review] row {row}, document: is required (the cell is in merged range "
            "D2:D5, whose value only its top-left cell D2 holds: unmerge the range and fill "
            "each cell)"
        ) in result.output
    assert "row 2, document" not in result.output
    assert seeded.event_count() == before


def test_an_empty_required_cell_outside_a_merge_says_only_that_it_is_required(
    seeded: Fupin, tmp_path: Path
) -> None:
    row: list[object] = ["M-1", "jn-01", date(2016, 8, 2), None, "", "JH-0002", True]
    # (an empty merge: one with a value shown over two rows is refused, since session 27)
    other: list[object] = ["M-2", "jn-01", date(2016, 8, 2), "评议", "", "JH-0003", True]
    book = _workbook(tmp_path / "m.xlsx", REVIEW, [row, other, other])
    from openpyxl import load_workbook

    workbook = load_workbook(book)
    workbook.active.merge_cells("E3:E4")  # type: ignore[union-attr]
    workbook.save(book)

    result = seeded(f"import --dry-run {book}", actor="jn-01")

    assert "m.xlsx [review] row 2, document: is required\n" in result.output
    assert "merged" not in result.output
