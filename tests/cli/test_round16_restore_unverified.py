"""``fupin restore --unverified`` puts in place a backup whose log does not verify, to be
examined with ``fupin verify`` and ``fupin log`` (a PostgreSQL dump cannot be opened as a
store, as a SQLite backup can): it is still verified, and one that does not verify is said so
on stderr, exit 1. Without the option it is refused (exit 2), and the refusal names the option.
Until then (2026-11-30) a backup that did not verify could not be restored at all, not even
to be examined.

Also: a backup whose only problems are in the household key table is restored without
``--checkpoint`` as with one (exit 0, a note for each)."""

from __future__ import annotations

from pathlib import Path

from ledger.privacy import KEY_TABLE

from tests.cli.conftest import Fupin, assert_refused
from tests.cli.test_backup_cli import checkpoint, has_ledger
from tests.cli.test_round16_restore_unchecked import (
    assert_restored_unverified,
    delete_a_key_row,
    delete_an_event,
    nothing_restored,
    rewrite_an_amount,
)


def test_a_tampered_backup_is_restored_with_unverified_to_be_examined(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    checkpoint(seeded, tmp_path, "cp.json")
    rewrite_an_amount(seeded)
    file = tmp_path / "tampered.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file} --unverified")

    line = assert_restored_unverified(restored, file, empty)
    assert "which does NOT verify: at position " in line
    assert "TransparencyLog.CheckpointRecorded" in line
    assert "no longer matches the events before it" in line
    # What it was restored for: verify reports it (exit 1), log shows it.
    verified = seeded(f"--store {empty} verify")
    assert verified.exit_code == 1, verified.output
    assert "no longer matches the events before it" in verified.stderr
    logged = seeded(f"--store {empty} log --limit 3")
    assert logged.exit_code == 0, logged.output


def test_a_backup_missing_an_event_is_restored_with_unverified_naming_the_problem(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    delete_an_event(seeded)
    file = tmp_path / "cut.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file} --unverified")

    line = assert_restored_unverified(restored, file, empty)
    assert "version 3 of this aggregate is missing" in line
    assert "(log id " in line
    assert seeded(f"--store {empty} verify").exit_code == 1


def test_without_unverified_the_refusal_names_the_option(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    delete_an_event(seeded)
    file = tmp_path / "cut.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file}")

    assert_refused(restored, "file", f"{file} does not verify")
    assert "nothing was restored (restore --unverified puts it in place to examine it" in (
        restored.stderr
    )
    nothing_restored(empty, tmp_path)


def test_a_sound_backup_with_unverified_is_restored_as_without(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    checkpoint(seeded, tmp_path, "cp.json")
    file = tmp_path / "ledger.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file} --unverified")

    assert restored.exit_code == 0, restored.output
    assert restored.stderr == ""
    lines = restored.stdout.splitlines()
    # the backup's last entry's time: since session 29; the master key it needs: session 30
    assert len(lines) == 5, restored.stdout
    assert lines[4].startswith("the restored ledger's household keys are wrapped under master ")
    assert lines[0].startswith(f"restored {file} into ")
    assert lines[1].startswith(
        f"verified {seeded.event_count()} events against the backup's own 1 recorded "
        "checkpoint only; Merkle root "
    )
    assert lines[2].startswith("a checkpoint file you kept proves more")
    assert seeded(f"--store {empty} verify").exit_code == 0


def test_a_checkpoint_mismatch_with_unverified_is_reported_not_refused(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = tmp_path / "early.backup"
    seeded.ok(f"backup {file}")
    cp = checkpoint(seeded, tmp_path, "cp.json")  # taken after the backup: more events

    refused = seeded(f"--store {empty} restore {file} --checkpoint {cp}")
    assert_refused(refused, "checkpoint", "the restored ledger does not match the checkpoint")
    assert "restore --unverified puts it in place to examine it" in refused.stderr
    nothing_restored(empty, tmp_path)

    restored = seeded(f"--store {empty} restore {file} --checkpoint {cp} --unverified")

    line = assert_restored_unverified(restored, file, empty)
    assert f": checkpoint {cp}: it covers " in line
    assert "the backup holds only" in line
    assert "at position -" not in line


def test_a_backup_whose_only_problem_is_a_deleted_key_row_is_restored_without_a_checkpoint(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    # The key table is not what a checkpoint covers, nor what refuses a restore: restored as
    # it is (exit 0), said on stderr, and fupin verify keeps reporting it.
    checkpoint(seeded, tmp_path, "cp.json")
    household = delete_a_key_row(seeded.store, "JH-0002")
    file = tmp_path / "keyless.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file}")

    assert restored.exit_code == 0, restored.output
    lines = restored.stdout.splitlines()
    # the backup's last entry's time: since session 29; the master key it needs: session 30
    assert len(lines) == 5, restored.stdout
    assert lines[4].startswith("the restored ledger's household keys are wrapped under master ")
    assert lines[0].startswith(f"restored {file} into ")
    assert lines[1].startswith(
        f"verified {seeded.event_count()} events against the backup's own 1 recorded "
        "checkpoint only; Merkle root "
    )
    notes = restored.stderr.strip().splitlines()
    assert len(notes) == 1, restored.stderr
    assert notes[0].startswith(f"note: the household key table: {KEY_TABLE} {household}: ")
    assert "no key row: " in notes[0]
    assert has_ledger(empty)
    verified = seeded(f"--store {empty} verify")
    assert verified.exit_code == 1, verified.output
    assert "no key row" in verified.stderr
