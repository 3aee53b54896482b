"""Round 14: a dry run passed what the import then refused. Who records an import's batch (its
record in the import register, ``import_batch``) was judged only by the real run, and only
admins and officers could: an inspector's own rows (an inspection opened, a finding), which
docs/import.md shows with actor ``insp-1``, passed ``--dry-run`` and were refused on import, as
was an export part whose first row is an inspector's."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Fupin, assert_refused

ROW = {
    "command": "open_inspection",
    "ref": "IN-1",
    "actor": "insp-1",
    "effective": "2017-01-10",
    "document": "江海区2016年度督查方案",
    "note": "",
    "args": {"inspection": "DI-2016", "level": "district", "year": 2016, "scope": "进度"},
}


def _file(folder: Path) -> str:
    path = folder / "inspections.jsonl"
    path.write_bytes(orjson.dumps(ROW) + b"\n")
    return str(path)


def test_an_inspector_imports_inspection_rows(seeded: Fupin, tmp_path: Path) -> None:
    rows = _file(tmp_path)
    before = seeded.event_count()

    assert "would be applied" in seeded.ok(f"import --dry-run {rows}", "insp-1").output
    assert seeded.event_count() == before
    assert "imported 1 row(s)" in seeded.ok(f"import {rows}", "insp-1").output
    history = seeded.ok("history --kind inspection DI-2016 --format json", "insp-1").output
    assert [row["event"] for row in orjson.loads(history)] == ["InspectionOpened"]


def test_an_inspectors_rows_import_with_no_one_named(seeded: Fupin, tmp_path: Path) -> None:
    # The batch is recorded by the first row's actor when no --as is given.
    seeded.ok(f"import --dry-run {_file(tmp_path)}")
    seeded.ok(f"import {_file(tmp_path)}")


def test_a_dry_run_refuses_a_batch_its_importer_may_not_record(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = _file(tmp_path)
    before = seeded.event_count()
    for line in (f"import --dry-run {rows}", f"import {rows}"):
        refused = seeded(line, "ana-1")
        assert_refused(refused, "as", "ana-1 is analyst; fupin import needs")
    assert seeded.event_count() == before
