"""Session 23 (tester J): ``fupin projections check`` on a store just restored was refused
saying the read models were built by another version of fupin or their schema row was
removed; neither was true: a restore marks them to be rebuilt before any report (as
``projections status`` says). The refusal now names the restored backup and what to do."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "a restored SQLite file's read models: SQLite is enough (tests/conftest.py)"


def test_a_check_of_a_fresh_restore_names_the_restored_backup(
    seeded: Fupin, tmp_path: Path
) -> None:
    backup, restored = tmp_path / "ledger.backup", tmp_path / "restored.db"
    seeded.ok("report caseload", "ana-1")  # the read models built, then backed up with it
    seeded.ok(f"backup {backup}")
    seeded.ok(f"--store {restored} restore {backup}")

    refused = seeded(f"--store {restored} projections check", "admin")

    assert_refused(
        refused,
        "store",
        "the read models came with a restored backup and are rebuilt from its events before "
        "any report: there is nothing to compare yet. Run any report (or `fupin projections "
        "rebuild`) once, then check",
    )
    seeded.ok(f"--store {restored} report caseload", "ana-1")
    seeded.ok(f"--store {restored} projections check", "admin")
