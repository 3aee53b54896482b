"""Session 29 (re-tester of session 28): a move, ``import --create`` of an export, refused
for a line that is not JSON said ``1 error(s) in N row(s)`` one short of the rows the file
holds: a row refused as it was read was not counted. Every row of the files is counted now,
those refused as they were read too (a table's row refused so was counted already, and
stays so: the second test guards it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, import_refused

STORE_INDEPENDENT = "the import's own reading and messages: SQLite is enough (tests/conftest.py)"


def test_a_move_refused_for_a_line_that_is_not_json_counts_every_row(
    seeded: Fupin, tmp_path: Path
) -> None:
    log = tmp_path / "events.jsonl"
    seeded.ok(f"export events -o {log}", actor="admin")
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = len(lines) - 1  # the export's closing line is no row
    middle = rows // 2
    lines[middle] = '{"command": "pair", broken\n'
    log.write_text("".join(lines), encoding="utf-8")
    fresh = tmp_path / "fresh.db"

    refused = seeded.runner.invoke(app, ["--store", str(fresh), "import", "--create", str(log)])

    assert refused.exit_code == 2, refused.output
    said = refused.stderr.splitlines()
    assert said[0].startswith(f"{log} line {middle + 1}, json: not valid JSON")
    assert said[-1] == f"refused: 1 error(s) in {rows} row(s); nothing written"
    assert not fresh.exists()


def test_a_table_row_refused_as_it_is_read_is_counted(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "receive_allocation.csv"
    path.write_text(
        "ref,effective,document,account,amount\n"
        "A-1,2016-09-01,拨款1,city-2016,100\n"
        "A-2,2016-09-01,拨款2,city-2016,100,extra\n"
        "A-3,2016-09-01,拨款3,city-2016,100\n",
        encoding="utf-8",
    )
    before = seeded.event_count()

    refused = seeded(f"import {path}", "qu-01")

    assert refused.exit_code == 2, refused.output
    said = refused.stderr.splitlines()
    assert said[0].startswith(f"{path} row 3, column 6 (F): has a value beyond the header row")
    assert said[-1] == "refused: 1 error(s) in 3 row(s); nothing written"
    assert seeded.event_count() == before


# Session 30, re-tester R: a CSV file refused for a row as it was read, the file read no
# further (a quote that breaks a row, a row pasted from a GBK file, a row of full-width
# commas), said "in 1 row(s)" however many rows it held. Every row of it is counted now.
HEADER = "ref,effective,document,account,amount\n"


@pytest.mark.parametrize(
    ("rows", "said", "held"),
    [
        (  # re-tester R's: an unclosed quote, the rows after it counted line by line
            ['"A-3,2016-09-01,拨款3,city-2016,100\n', "A-4,2016-09-01,拨款4,city-2016,100\n"],
            "row 4, ref: opens a quote",
            4,
        ),
        (  # re-tester R's: text after a closing quote
            ['A-3,2016-09-01,"拨款"3,city-2016,100\n', "A-4,2016-09-01,拨款4,city-2016,100\n"],
            "row 4, document: has text after its closing quote",
            4,
        ),
        (  # two broken rows, a blank line between them
            ['A-3,2016-09-01,"拨款"3,city-2016,100\n', "\n", 'A-4,"x"y,拨款4,city-2016,100\n'],
            "row 4, document: has text after its closing quote",
            4,
        ),
        (  # a row of full-width commas
            ["A-3，2016-09-01，拨款3，city-2016，100\n"],
            "row 4, row: is one cell holding 4 full-width commas",
            3,
        ),
    ],
)
def test_a_csv_file_refused_for_a_row_as_it_is_read_counts_every_row(
    seeded: Fupin, tmp_path: Path, rows: list[str], said: str, held: int
) -> None:
    path = tmp_path / "receive_allocation.csv"
    first = "A-1,2016-09-01,拨款1,city-2016,100\nA-2,2016-09-01,拨款2,city-2016,100\n"
    path.write_text(HEADER + first + "".join(rows), encoding="utf-8")

    refused = import_refused(seeded, path)

    assert f"{path} {said}" in refused
    assert refused.endswith(f"refused: 1 error(s) in {held} row(s); nothing written")


@pytest.mark.parametrize("directive", ["", "sep=,\n", "SEP=,,,,\r\n"])
def test_a_row_pasted_from_a_gbk_file_counts_every_row(
    seeded: Fupin, tmp_path: Path, directive: str
) -> None:
    """re-tester R's: a UTF-8 file holding a GBK row; below Excel's line naming the separator
    (``sep=,``) too, which is no row: the pasted row was named row 4, its column by the
    directive's cell (column 3 (C)), and the file counted 5 rows."""
    path = tmp_path / "receive_allocation.csv"
    pasted = "A-2,2016-09-01,拨款2,city-2016,100\n".encode("gbk")
    rest = "A-3,2016-09-01,拨款3,city-2016,100\nA-4,2016-09-01,拨款4,city-2016,100\n"
    path.write_bytes(
        (directive + HEADER + "A-1,2016-09-01,拨款1,city-2016,100\n").encode()
        + pasted
        + rest.encode()
    )

    refused = import_refused(seeded, path)

    assert f"{path} row 3, document: is not UTF-8 text" in refused
    assert refused.endswith("refused: 1 error(s) in 4 row(s); nothing written")
