"""Session 29 (re-tester of session 28): a move, ``import --create`` of an export, refused
for a line that is not JSON said ``1 error(s) in N row(s)`` one short of the rows the file
holds: a row refused as it was read was not counted. Every row of the files is counted now,
those refused as they were read too (a table's row refused so was counted already, and
stays so: the second test guards it)."""

from __future__ import annotations

from pathlib import Path

from cli.main import app

from tests.cli.conftest import Fupin

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
