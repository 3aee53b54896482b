"""``fupin restore`` without ``--checkpoint`` verifies the backup's log as ``fupin verify`` does
(its own recorded checkpoints, roles, versions) and refuses one that does not verify, as it
refuses one that fails a given checkpoint: exit 2, nothing restored, the first problem named.
Before 2026-11-30 it put a tampered backup in place silently (exit 0), and only a later
``fupin verify`` of the restored store failed."""

from __future__ import annotations

from pathlib import Path

from ledger.application import open_ledger
from ledger.base import natural_id
from ledger.privacy import KEY_TABLE
from ledger.store import parse_store
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused
from tests.cli.test_backup_cli import checkpoint, has_ledger


def tamper(store: str, sqlite: str, postgres: str, *params: object) -> None:
    """Run one statement (``?`` placeholders) on the store's events table (``stored_events``
    in it is the store's own), behind the ledger: SQLite's ``sqlite`` or PostgreSQL's
    ``postgres``."""
    app = open_ledger(store)
    try:
        recorder = app.recorder
        table = recorder.events_table_name  # type: ignore[attr-defined]
        pg = parse_store(store).kind == "postgres"
        statement = (postgres.replace("?", "%s") if pg else sqlite).replace("stored_events", table)
        with recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
            cursor.execute(statement, params)
    finally:
        app.close()


def nothing_restored(empty: str, tmp_path: Path) -> None:
    assert not has_ledger(empty)
    if not empty.startswith("postgresql://"):  # nor the hidden copy it was verified in
        assert [p.name for p in tmp_path.iterdir() if "restored" in p.name] == []


def rewrite_an_amount(seeded: Fupin) -> None:
    """An amount rewritten in the store: its own recorded checkpoint no longer matches."""
    amount, altered = '"amount_fen":100000,', '"amount_fen":900000,'
    tamper(
        seeded.store,
        "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), ?, ?) AS BLOB) "
        "WHERE instr(CAST(state AS TEXT), ?) > 0",
        "UPDATE stored_events SET state = convert_to(replace(convert_from(state, 'UTF8'), "
        "?, ?), 'UTF8') WHERE strpos(convert_from(state, 'UTF8'), ?) > 0",
        amount,
        altered,
        amount,
    )


def delete_an_event(seeded: Fupin) -> None:
    """Version 3 of JH-0001 deleted: the versions alone show it (no checkpoint needed)."""
    hid = natural_id("household", "JH-0001")
    statement = "DELETE FROM stored_events WHERE originator_id = {} AND originator_version = 3"
    stored = hid if seeded.store.startswith("postgresql://") else hid.hex  # SQLite: its hex
    tamper(seeded.store, statement.format("?"), statement.format("%s"), stored)


def delete_a_key_row(store: str, number: str) -> str:
    """The household's key row deleted behind the ledger (as its owner); its id returned."""
    household = str(natural_id("household", number))
    app = open_ledger(store)
    try:
        mark = "%s" if parse_store(store).kind == "postgres" else "?"
        with app.recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
            cursor.execute(f"DELETE FROM {KEY_TABLE} WHERE household_id = {mark}", (household,))
    finally:
        app.close()
    return household


def assert_restored_unverified(restored: Result, file: Path, empty: str) -> str:
    """Exit 1, nothing on stdout, one line on stderr saying it is restored and does not
    verify; the restored store is in place. The line returned."""
    assert restored.exit_code == 1, restored.output
    assert "Traceback" not in restored.output
    assert restored.stdout == ""
    lines = restored.stderr.strip().splitlines()
    assert len(lines) == 1, restored.stderr
    line = lines[0]
    assert line.startswith(f"restored {file} into "), line
    assert ", which does NOT verify: " in line
    assert line.endswith("; examine it with fupin verify and fupin log; do not record in it")
    assert has_ledger(empty)
    return line


def test_a_backup_altered_under_its_own_checkpoint_is_refused_without_a_checkpoint_file(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    # The tester's case: an amount rewritten in the backup; the ledger's own recorded
    # checkpoint (CheckpointRecorded) no longer matches the events before it.
    checkpoint(seeded, tmp_path, "cp.json")
    rewrite_an_amount(seeded)
    file = tmp_path / "tampered.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file}")

    assert_refused(restored, "file", f"{file} does not verify")
    said = restored.stderr
    assert "at position " in said
    assert "TransparencyLog.CheckpointRecorded" in said
    assert "the ledger's own checkpoint at size" in said
    assert "no longer matches the events before it" in said
    assert "nothing was restored" in said
    nothing_restored(empty, tmp_path)


def test_a_backup_missing_an_event_is_refused_without_any_checkpoint(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    # No checkpoint at all, recorded or kept: the versions alone show a row deleted.
    hid = natural_id("household", "JH-0001")
    statement = "DELETE FROM stored_events WHERE originator_id = {} AND originator_version = 3"
    stored = hid if seeded.store.startswith("postgresql://") else hid.hex  # SQLite: its hex
    tamper(seeded.store, statement.format("?"), statement.format("%s"), stored)
    file = tmp_path / "cut.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file}")

    assert_refused(restored, "file", f"{file} does not verify")
    assert "version 3 of this aggregate is missing" in restored.stderr
    assert "(log id " in restored.stderr
    nothing_restored(empty, tmp_path)


def test_a_sound_backup_restored_without_a_checkpoint_says_what_it_was_checked_against(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    cp = checkpoint(seeded, tmp_path, "cp.json")
    file = tmp_path / "ledger.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file}")

    assert restored.exit_code == 0, restored.output
    lines = restored.stdout.splitlines()
    assert lines[0].startswith(f"restored {file} into ")
    assert lines[1].startswith(
        f"verified {seeded.event_count()} events against the backup's own 1 recorded "
        "checkpoint only; Merkle root "
    )
    assert lines[2].startswith("a checkpoint file you kept proves more (restore --checkpoint")
    assert lines[3].startswith("the backup's last entry, entry ")  # since session 29
    assert lines[4].startswith("the restored ledger's household keys are wrapped under master ")
    assert len(lines) == 5  # the master key it needs: since session 30
    assert has_ledger(empty)
    verified = seeded(f"--store {empty} verify --checkpoint {cp}")
    assert verified.exit_code == 0, verified.output


def test_a_backup_with_no_checkpoint_of_its_own_says_so(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = tmp_path / "ledger.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file}")

    # It said "verified N events against no checkpoint (the backup records none of its own:
    # signatures, roles, versions) only", as if it recorded no signatures, roles or versions.
    assert restored.exit_code == 0, restored.output
    lines = restored.stdout.splitlines()
    assert lines[1].startswith(
        f"verified {seeded.event_count()} events (signatures, roles, versions); the backup "
        "records no checkpoint of its own; Merkle root "
    )
    assert "against no checkpoint" not in restored.stdout
    assert lines[2].startswith("a checkpoint file you kept proves more (restore --checkpoint")
    assert has_ledger(empty)


def test_with_a_checkpoint_file_the_output_is_as_before(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    cp = checkpoint(seeded, tmp_path, "cp.json")
    file = tmp_path / "ledger.backup"
    seeded.ok(f"backup {file}")

    restored = seeded(f"--store {empty} restore {file} --checkpoint {cp}")

    assert restored.exit_code == 0, restored.output
    lines = restored.stdout.splitlines()
    # the backup's last entry's time: since session 29; the master key it needs: session 30
    assert len(lines) == 4, restored.stdout
    assert lines[3].startswith("the restored ledger's household keys are wrapped under master ")
    assert lines[1].startswith(f"verified {seeded.event_count()} events against 1 checkpoint(s)")
