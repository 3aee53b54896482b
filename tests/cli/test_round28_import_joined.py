"""Session 28, tester H (a street clerk joining Excel CSV files): the headers repeated further
down (two files joined into one) got a refusal per cell (``row 3, 生效日期: '生效日期' is not a
date``, or ``contains U+FEFF`` with the second file's BOM) instead of the one a second header
row gets; Excel's ``sep=,`` first line was refused as a title; a Chinese header typed with
half-width brackets (``村(社区)``) was an unknown column (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the files are refused before the store is written: SQLite is enough"

HEADERS = "编号,生效日期,文件,户号,措施编号,类别,内容,预算\n"
BOM = "\ufeff"


def _row(n: int) -> str:
    return f"M-{n},2016-08-20,doc,JH-0001,m-{n + 10},education,学费,100\n"


@pytest.mark.parametrize("bom", ["", BOM])
def test_headers_repeated_further_down_are_refused_as_a_second_header_row(
    seeded: Fupin, tmp_path: Path, bom: str
) -> None:
    path = tmp_path / "plan_measure.csv"
    path.write_text(f"{bom}{HEADERS}{_row(1)}{bom}{HEADERS}{_row(2)}{_row(3)}{HEADERS}")
    before = seeded.event_count()

    result = seeded(f"import {path}", "jn-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    for number in (3, 6):
        assert (
            f"plan_measure.csv row {number}, header row: repeats the headers (a second header "
            "row, as two files joined into one hold): row 1 alone holds them, in English, "
            f"Chinese or both; delete row {number}"
        ) in said
    assert "is not a date" not in said
    assert "U+FEFF" not in said
    assert "refused: 2 error(s)" in said
    assert seeded.event_count() == before


def test_the_joined_file_imports_once_the_row_is_deleted(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "plan_measure.csv"
    path.write_text(f"{BOM}{HEADERS}{_row(1)}{_row(2)}")

    seeded.ok(f"import --dry-run {path}", "jn-01")


VISIT = "ref,effective,document,household,helper,summary\nV-1,2016-08-20,doc,JH-0001,c-1,入户\n"


def test_excels_sep_line_is_skipped(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_text(f"{BOM}sep=,\r\n{VISIT}", newline="")

    result = seeded.ok(f"import {path}", "jn-01")

    assert "imported 1 row(s)" in result.stdout


@pytest.mark.parametrize(("separator", "named"), [(";", "semicolons (;)"), ("\t", "tabs")])
def test_a_sep_line_naming_another_separator_is_refused(
    seeded: Fupin, tmp_path: Path, separator: str, named: str
) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_text(f"sep={separator}\n{VISIT}")

    result = seeded(f"import --dry-run {path}", "jn-01")

    assert result.exit_code == 2, result.output
    assert (
        f"record_visit.csv, file: its first line, {'sep=' + separator!r}, says its cells are "
        f"separated by {named}: the separator must be a comma"
    ) in " ".join(result.stderr.split())


@pytest.mark.parametrize("header", ["村(社区)", "村(社区) village", "village 村(社区)"])
def test_a_chinese_header_with_half_width_brackets_names_its_column(
    seeded: Fupin, tmp_path: Path, header: str
) -> None:
    path = tmp_path / "move.csv"
    path.write_text(f"ref,effective,document,household,{header},reason\n")
    with path.open("a") as handle:
        handle.write("MV-1,2016-09-01,doc,JH-0001,江南社区,搬迁\n")

    result = seeded(f"import --dry-run {path}", "jn-01")

    assert result.exit_code == 0, result.output
    assert "1 row(s) would be applied" in result.stdout


def test_a_chinese_header_with_mixed_brackets_is_told_how_its_column_is_headed(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "move.csv"
    path.write_text(
        "ref,effective,document,household,村（社区),reason\nMV-1,2016-09-01,doc,JH-0001,江南社区,搬迁\n"
    )

    result = seeded(f"import --dry-run {path}", "jn-01")

    assert result.exit_code == 2, result.output
    assert (
        "move.csv row 1, 村（社区): unknown column: the header row (row 1) names each column in "
        "English, Chinese or both, as `fupin import template` does: its column village is "
        "headed `村（社区） village`, `village` or `村（社区）`"
    ) in " ".join(result.stderr.split())
