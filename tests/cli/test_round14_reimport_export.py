"""Round 14: lines of an export imported back into the ledger they came from were recorded a
second time. An export's refs (``fund:city-2016@2``) are spared the duplicate-content check, so
that two like events (a visit entered twice) replay as two; but each names an event, and the
ledger it came from holds that event already: three allocation lines re-imported by mistake
added 1.2 M yuan to the accounts. Such a row is now refused."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Fupin, reimported


def test_an_export_line_imported_into_the_ledger_it_came_from_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    log = tmp_path / "events.jsonl"
    seeded.ok(f"export events -o {log}", actor="admin")
    lines = [line for line in log.read_bytes().splitlines() if b'"receive_allocation"' in line]
    assert [orjson.loads(line)["ref"] for line in lines] == ["fund:city-2016@2"]
    again = tmp_path / "again.jsonl"
    again.write_bytes(b"\n".join(lines) + b"\n")
    before = seeded.event_count()

    refused = seeded(f"import {again}", "admin")

    assert refused.exit_code == 2, refused.output
    assert "names entry 2 of fund city-2016, which this ledger holds already" in refused.stderr
    assert seeded.event_count() == before


def test_the_whole_export_still_replays_into_a_new_store(seeded: Fupin, tmp_path: Path) -> None:
    replayed = reimported(seeded, tmp_path)
    assert replayed.exit_code == 0, replayed.output
    # And the same file once more into the replayed store: every row skipped, by its ref.
    log, fresh = tmp_path / "events.jsonl", tmp_path / "fresh.db"
    again = seeded(f"--store {fresh} import {log}", "admin")
    assert again.exit_code == 0, again.output
    assert "imported 0 row(s)" in again.stdout


def test_a_row_naming_the_next_entry_is_applied(seeded: Fupin, tmp_path: Path) -> None:
    # city-2016 holds entries 1 and 2 (opened, allocated): a row that names entry 3 is new.
    row = {
        "command": "receive_allocation",
        "ref": "fund:city-2016@3",
        "actor": "qu-01",
        "effective": "2016-09-01",
        "document": "拨款〔2016〕9号",
        "note": "",
        "args": {"account": "city-2016", "amount": "500.00"},
    }
    file = tmp_path / "next.jsonl"
    file.write_bytes(orjson.dumps(row) + b"\n")

    assert "imported 1 row(s)" in seeded.ok(f"import {file}", "qu-01").stdout
