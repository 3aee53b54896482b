"""Session 29 (tester H): ``tools/verify_bundle.py``, the offline checker of a household's
proof bundle, printed ``by jn-01 (officer)`` for an entry the district office imported for
jn-01, as if jn-01 had recorded it, where ``fupin history`` says ``jn-01 (officer), imported by
admin`` (docs/audit-guide.md §6, §7). It says the same words now, read from the proven bytes
(``prov.imported_by``); an entry its actor recorded says its actor alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

from tests.cli.conftest import Fupin, doc, history_rows
from tests.cli.test_round21_small import ROOT, _public_key

STORE_INDEPENDENT = "the offline tool's words: SQLite is enough (tests/conftest.py)"

ROW: dict[str, object] = {
    "command": "record_visit",
    "ref": "IMP-V-1",
    "actor": "jn-01",
    "effective": "2016-09-05",
    "document": "走访台账导入〔2016〕",
    "note": "",
    "args": {"household": "JH-0001", "helper": "c-1", "summary": "入户走访"},
}


def _offline_timeline(seeded: Fupin, folder: Path) -> list[str]:
    """JH-0001's bundle, proven against a fresh checkpoint, as the offline tool prints it:
    one line an entry."""
    log_key = _public_key(seeded, folder / "log.key")
    seeded.ok(f"keys register-log {log_key} {doc('2016-08-20')}", "admin")
    checkpoint, bundle = folder / "cp.json", folder / "b.json"
    seeded.ok(f"checkpoint --out {checkpoint} --log-key {folder / 'log.key'} -d 检查点", "admin")
    seeded.ok(f"prove JH-0001 --checkpoint {checkpoint} --out {bundle}", "insp-1")
    tool = str(ROOT / "tools" / "verify_bundle.py")
    offline = subprocess.run(
        [sys.executable, tool, str(bundle), "--log-key", log_key],
        capture_output=True,
        text=True,
        check=False,
    )
    assert offline.returncode == 0, offline.stderr
    return [line.strip() for line in offline.stdout.splitlines() if " leaf " in line]


def test_the_bundle_tool_says_who_imported_an_entry_as_history_does(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = tmp_path / "imp1.jsonl"
    rows.write_bytes(orjson.dumps(ROW) + b"\n")
    seeded.ok(f"import {rows}", "admin")
    entry = history_rows(seeded, "JH-0001")[-1]
    assert (entry["event"], entry["imported_by"]) == ("VisitRecorded", "admin")
    assert "jn-01 (officer), imported by admin" in seeded.ok("history JH-0001", "admin").stdout

    timeline = _offline_timeline(seeded, tmp_path)

    imported = next(line for line in timeline if line.startswith(f"#{entry['version']} "))
    assert "VisitRecorded" in imported
    assert "by jn-01 (officer), imported by admin  recorded " in imported, imported
    # every other entry its actor recorded: its actor alone
    others = [line for line in timeline if line is not imported]
    assert others
    assert not any("imported by" in line for line in others)
    assert all(" by jn-01 (officer)  recorded " in line for line in others[:5])
