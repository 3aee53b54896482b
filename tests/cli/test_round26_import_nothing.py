"""Session 26, tester N: a CSV file of its header row only, or a JSONL file of blank lines only,
"imported 0 row(s)", exit 0, while a workbook with no row below its header rows is refused
("holds nothing to import"). An import whose files yield no row at all is refused alike,
naming each such file; one of them beside a file holding rows is fine, as an unused sheet of
a workbook is: the CSV templates are one file a command, and an officer fills some of them.
The last part of a split export, its closing line alone, still replays.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
from cli.main import app as fupin_app

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the import's reading of its files: SQLite is enough"


def _templates(fupin: Fupin, folder: Path) -> Path:
    fupin.ok(f"import template --format csv -o {folder}")
    return folder


def _filled_review(templates: Path) -> None:
    """review.csv of the templates, one row under its header row, as Excel saves it."""
    path = templates / "review.csv"
    headers = next(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    values = {
        "ref": "JN-R-1",
        "actor": "jn-01",
        "effective": "2016-08-02",
        "document": "评议表",
        "household": "JH-0002",
        "accepted": "true",
    }
    out = io.StringIO()
    csv.writer(out).writerows([headers, [values.get(h.split()[-1], "") for h in headers]])
    path.write_text(out.getvalue(), encoding="utf-8-sig")


def test_a_csv_file_of_its_header_row_only_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    path = _templates(seeded, tmp_path / "t") / "review.csv"  # as the template wrote it
    before = seeded.event_count()

    refused = seeded(f"import {path}", "jn-01")

    assert refused.exit_code == 2, refused.output
    assert refused.stderr.splitlines() == [
        f"{path}, file: holds nothing to import (no row below its header row); name the file "
        "that holds the rows",
        "refused: 1 error(s) in 0 row(s); nothing written",
    ]
    assert seeded.event_count() == before


def test_a_jsonl_file_of_blank_lines_only_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "visits.jsonl"
    path.write_bytes(b"\n  \n\r\n\t\n")
    before = seeded.event_count()

    refused = seeded(f"import {path}", "jn-01")

    assert refused.exit_code == 2, refused.output
    assert f"{path}, file: holds nothing to import (blank lines only); name the" in (refused.stderr)
    assert seeded.event_count() == before


def test_unfilled_templates_imported_together_are_each_named(seeded: Fupin, tmp_path: Path) -> None:
    templates = _templates(seeded, tmp_path / "t")
    files = sorted(templates.iterdir())

    refused = seeded(f"import --dry-run {' '.join(str(p) for p in files)}", "jn-01")

    assert refused.exit_code == 2, refused.output
    for path in files:
        assert f"{path}, file: holds nothing to import (no row below its header row), nor " in (
            refused.stderr
        )


def test_unused_templates_beside_a_filled_one_are_fine(seeded: Fupin, tmp_path: Path) -> None:
    templates = _templates(seeded, tmp_path / "t")
    _filled_review(templates)
    files = " ".join(str(p) for p in sorted(templates.iterdir()))

    done = seeded.ok(f"import {files}", "jn-01")

    assert "imported 1 row(s)" in done.stdout


def test_the_closing_line_alone_of_a_split_export_still_replays(
    seeded: Fupin, tmp_path: Path
) -> None:
    log = tmp_path / "events.jsonl"
    seeded.ok(f"export events -o {log}", "admin")
    lines = log.read_bytes().splitlines()
    rows, end = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    rows.write_bytes(b"\n".join(lines[:-1]) + b"\n")
    end.write_bytes(lines[-1] + b"\n\n")  # the last part: the closing line, then a blank
    assert "skipped" in orjson.loads(lines[-1])
    for path in (rows, end):
        path.chmod(0o600)
    fresh = tmp_path / "fresh.db"

    moved = seeded.runner.invoke(
        fupin_app, ["--store", str(fresh), "import", "--create", str(rows), str(end)]
    )

    assert moved.exit_code == 0, moved.output
    assert f"imported {len(lines) - 1} row(s)" in moved.output


def test_an_export_imported_again_into_its_new_store_imports_nothing_new(
    seeded: Fupin, tmp_path: Path
) -> None:
    log = tmp_path / "events.jsonl"
    seeded.ok(f"export events -o {log}", "admin")
    fresh = tmp_path / "fresh.db"
    seeded.runner.invoke(fupin_app, ["--store", str(fresh), "import", "--create", str(log)])

    again = seeded(f"--store {fresh} import {log}", "admin")

    assert again.exit_code == 0, again.output  # every row skipped by its ref: rows, not none
    assert "imported 0 row(s)" in again.stdout
