"""``fupin restore`` refusals (docs/operations.md, restore): a backup older than the checkpoint
is said to be possibly just that, not only tampering (``fupin verify`` of a live ledger keeps
its alarm), and a backup file that cannot be read is one line, not typer's boxed usage error."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from cli.verify import read_checkpoint

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_backup_cli import checkpoint, has_ledger


def test_a_backup_older_than_the_checkpoint_may_just_predate_it(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    checkpoint(seeded, tmp_path, "first.json")  # registers the log key before the backup
    old = tmp_path / "old.backup"
    seeded.ok(f"backup {old}")
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", actor="jn-01")
    later = checkpoint(seeded, tmp_path, "cp1.json")
    size = read_checkpoint(later).size  # the events it covers (not its own record)

    restored = seeded(f"--store {empty} restore {old} --checkpoint {later}")
    verified = seeded(f"verify --checkpoint {later}")

    assert_refused(restored, "checkpoint", "does not match the checkpoint")
    said = restored.stderr
    assert f"it covers {size} events; the backup holds only {size - 1}" in said
    assert "it was taken before the checkpoint" in said
    assert "checkpoint taken before it" in said
    assert "or events were removed" in said
    assert "the ledger has only" not in said
    assert not has_ledger(empty)
    # The live ledger is as the checkpoint says: verify passes.
    assert verified.exit_code == 0, verified.output


def test_verify_of_a_ledger_short_of_a_checkpoint_still_says_events_were_removed(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    # The same old backup restored unchecked, then verified as a live ledger: there the
    # checkpoint past its end is the alarm, worded as before.
    checkpoint(seeded, tmp_path, "first.json")
    old = tmp_path / "old.backup"
    seeded.ok(f"backup {old}")
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", actor="jn-01")
    later = checkpoint(seeded, tmp_path, "cp1.json")
    size = read_checkpoint(later).size  # the events it covers (not its own record)
    seeded.ok(f"--store {empty} restore {old}")

    verified = seeded(f"--store {empty} verify --checkpoint {later}")

    assert verified.exit_code == 1, verified.output
    assert f"the ledger has only {size - 1} (events were removed)" in verified.output
    assert "taken before the checkpoint" not in verified.output


def test_a_backup_file_that_cannot_be_read_is_one_refusal(
    seeded: Fupin, empty: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, who reads any file: its mode is simulated, as the kernel would answer
    # another user (os.access for typer's old check, open for the restore's own).
    file = tmp_path / "unreadable.backup"
    seeded.ok(f"backup {file}")
    real_access, real_open = os.access, Path.open

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if str(path).endswith(file.name) and mode & os.R_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    def opened(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == file.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(Path, "open", opened)

    result = seeded(f"--store {empty} restore {file}")

    assert_refused(result, "file", f"cannot read {file}: Permission denied")
    assert "Invalid value" not in result.output
    assert not has_ledger(empty)
