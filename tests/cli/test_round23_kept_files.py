"""Session 23 (the external auditor): kept evidence and keys were protected only from
``checkpoint --out``: ``prove --out`` replaced a kept checkpoint (and an earlier bundle), and
``export report -o`` the log's private key and a backup, each exit 0. An output never replaces
a SQLite database, a private key, a checkpoint or a bundle; a bundle is written only as a new
file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the files a command writes: SQLite is enough (tests/conftest.py)"

REPORT = "export report caseload --format csv -o"


@pytest.mark.parametrize("kind", ["backup", "private key", "checkpoint"])
def test_an_output_never_replaces_kept_evidence_or_a_key(
    seeded: Fupin, tmp_path: Path, kind: str
) -> None:
    kept = tmp_path / "kept"
    if kind == "backup":
        seeded.ok(f"backup {kept}")
    elif kind == "private key":
        seeded.ok(f"keys new --out {kept}")
    else:
        kept.write_text('{\n  "log": "fupin-jianghai",\n  "root": "ab",\n  "signature": "cd"\n}\n')
    before = kept.read_bytes()

    refused = seeded(f"{REPORT} {kept}", "ana-1")

    assert_refused(refused, "output", "never replaced by an output; name another file")
    assert kept.read_bytes() == before


def test_an_ordinary_output_is_still_replaced(seeded: Fupin, tmp_path: Path) -> None:
    out = tmp_path / "caseload.csv"
    out.write_text("last week's\n")

    seeded.ok(f"{REPORT} {out}", "ana-1")

    assert "last week's" not in out.read_text(encoding="utf-8-sig")
