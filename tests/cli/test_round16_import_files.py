"""Round 16: how ``fupin import`` reads its files. The command column under both its names
(``命令 command``), as every other column; a file named twice refused up front, not each row
as having its own ref; and the common export mistakes (a UTF-16 CSV, a CSV separated by tabs
or semicolons, a title row above the headers) refused in one line saying what to do."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

COLUMNS = ["ref", "effective", "document", "household", "helper", "summary"]
VISIT = ["V16-1", "2016-09-01", "走访记录", "JH-0001", "c-1", "入户走访"]


def _csv(path: Path, rows: list[list[str]]) -> str:
    path.write_text("".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def _xlsx(path: Path, title: str, rows: list[list[str]], merge: str = "") -> str:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def _refused_once(result: Result, where: str, rule: str) -> None:
    """Exit 2, one error line (then the count), naming where, the field and the rule."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith(where), lines[0]
    assert rule in lines[0], lines[0]
    assert lines[1] == "refused: 1 error(s) in 0 row(s); nothing written"


# -- 1. the command column under both its names ----------------------------------------------


@pytest.mark.parametrize(
    ("header", "last"),
    [("命令 command", False), ("command 命令", True), ("Command  命令", False)],
)
def test_the_command_column_is_read_under_both_its_names_in_csv(
    seeded: Fupin, tmp_path: Path, header: str, last: bool
) -> None:
    cells = [*COLUMNS, header] if last else [header, *COLUMNS]
    row = [*VISIT, "走访"] if last else ["record_visit", *VISIT]
    name = "record_visit.csv" if last else "steps.csv"
    path = _csv(tmp_path / name, [cells, row])

    assert "1 row(s) would be applied" in seeded.ok(f"import --dry-run {path}", "jn-01").output
    assert "imported 1 row(s)" in seeded.ok(f"import {path}", "jn-01").output


def test_the_command_column_is_read_under_both_its_names_in_xlsx(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = _xlsx(tmp_path / "台账.xlsx", "steps", [["命令 command", *COLUMNS], ["走访", *VISIT]])

    assert "1 row(s) would be applied" in seeded.ok(f"import --dry-run {path}", "jn-01").output


# -- 4. a file named twice ---------------------------------------------------------------------


@pytest.mark.parametrize("again", ["{folder}/record_visit.csv", "{folder}/./record_visit.csv"])
def test_a_file_named_twice_is_refused_up_front(seeded: Fupin, tmp_path: Path, again: str) -> None:
    path = _csv(tmp_path / "record_visit.csv", [COLUMNS, VISIT])
    second = again.format(folder=tmp_path)
    before = seeded.event_count()

    for line in (f"import --dry-run {path} {second}", f"import {path} {second}"):
        refused = seeded(line, "jn-01")
        assert_refused(refused, "files", f"{path!r} is given twice")
        assert "is also the ref of" not in refused.stderr
    assert seeded.event_count() == before


def test_a_file_named_twice_through_a_link_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    path = _csv(tmp_path / "record_visit.csv", [COLUMNS, VISIT])
    link = tmp_path / "link.csv"
    link.symlink_to(path)

    refused = seeded(f"import --dry-run {path} {link}", "jn-01")
    assert_refused(refused, "files", f"{str(link)!r} is given twice (also as {path!r})")


# -- 5. common export mistakes -------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-be", "utf-16-le", "le-unmarked", "le-unmarked-chinese"]
)
def test_a_utf16_csv_is_refused_as_utf16(seeded: Fupin, tmp_path: Path, encoding: str) -> None:
    # le-unmarked: ``iconv -t utf-16le`` writes no byte-order mark (tester D: "GBK"), also
    # when Chinese headers fill its first bytes (the reviewer)
    path = tmp_path / "record_visit.csv"
    rows = (COLUMNS, VISIT)
    if encoding.endswith("chinese"):
        rows = (["编号", "生效日期", "文件", "户号", "帮扶责任人", "走访摘要"], VISIT)
        encoding = "le-unmarked"
    text = "".join(",".join(row) + "\n" for row in rows)
    bom = {"utf-16": "", "utf-16-be": "\ufeff", "utf-16-le": "\ufeff"}.get(encoding, "")
    encoding = "utf-16-le" if encoding == "le-unmarked" else encoding
    path.write_bytes((bom + text).encode(encoding))  # FF FE or FE FF first
    before = seeded.event_count()

    refused = seeded(f"import {path}", "jn-01")
    _refused_once(refused, f"{path}, file: is UTF-16 text", "save it as 'CSV UTF-8 (逗号分隔)'")
    assert "GBK" not in refused.stderr
    assert seeded.event_count() == before


@pytest.mark.parametrize(("separator", "named"), [("\t", "tabs"), (";", "semicolons (;)")])
def test_a_csv_separated_otherwise_is_refused_as_not_comma_separated(
    seeded: Fupin, tmp_path: Path, separator: str, named: str
) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_text("".join(separator.join(row) + "\n" for row in (COLUMNS, VISIT)), "utf-8")
    before = seeded.event_count()

    refused = seeded(f"import {path}", "jn-01")
    _refused_once(refused, f"{path}, file: is not comma-separated", f"one cell holding {named}")
    assert "unknown column" not in refused.stderr
    assert seeded.event_count() == before


def test_a_header_cell_holding_a_tab_between_its_two_names_is_still_read(
    seeded: Fupin, tmp_path: Path
) -> None:
    # one column's header typed with a tab between its names is a header, not a TSV file
    path = tmp_path / "steps.csv"
    path.write_text("命令\tcommand\nrecord_visit\n", "utf-8")

    refused = seeded(f"import --dry-run {path}", "jn-01")
    assert "comma-separated" not in refused.stderr
    assert "ref: is required" in refused.stderr


def test_a_title_row_above_the_csv_headers_is_refused_in_one_line(
    seeded: Fupin, tmp_path: Path
) -> None:
    title = ["江南街道2016年走访台账", "", "", "", "", ""]
    path = _csv(tmp_path / "record_visit.csv", [title, COLUMNS, VISIT])
    before = seeded.event_count()

    refused = seeded(f"import --dry-run {path}", "jn-01")
    _refused_once(
        refused,
        f"{path} row 1, header row: holds one cell, '江南街道2016年走访台账', a title",
        "the headers are in row 2: row 1 must hold the headers (a title row above them is "
        "not read)",
    )
    assert seeded.event_count() == before


def test_a_title_row_with_a_date_beside_it_is_refused_in_one_line(
    seeded: Fupin, tmp_path: Path
) -> None:
    # A 台账's title often has its 制表日期 beside it (tester D: twelve errors).
    title = ["江南街道2016年走访台账", "", "", "", "制表日期 2016-09-30", ""]
    path = _csv(tmp_path / "record_visit.csv", [title, COLUMNS, VISIT])

    refused = seeded(f"import --dry-run {path}", "jn-01")
    _refused_once(
        refused,
        f"{path} row 1, header row: holds 2 cells, the first '江南街道2016年走访台账', a title",
        "the headers are in row 2: row 1 must hold the headers",
    )


def test_a_merged_title_row_above_the_sheets_headers_is_refused_in_one_line(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = [["江南街道走访台账"], ["户号 household", *COLUMNS[:3], *COLUMNS[4:]], VISIT]
    rows[2] = [VISIT[3], *VISIT[:3], *VISIT[4:]]
    path = _xlsx(tmp_path / "台账.xlsx", "record_visit", rows, merge="A1:F1")
    before = seeded.event_count()

    refused = seeded(f"import {path}", "jn-01")
    _refused_once(
        refused,
        f"{path} [record_visit] row 1, header row: holds one cell",
        "row 1 must hold the headers (a title row above them is not read)",
    )
    assert seeded.event_count() == before


def test_one_unknown_header_with_no_header_row_below_is_still_an_unknown_column(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "record_visit.csv", [["refs"], ["V16-1"]])

    refused = seeded(f"import --dry-run {path}", "jn-01")
    assert "refs: unknown column" in refused.stderr
    assert "title" not in refused.stderr
