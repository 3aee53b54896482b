"""Session 30 (helper d, checking session 29's restore): a restore said nothing of the master
key, and a backup taken before a rotation needs the master key that rotation retired: the one
in force refused every household (``household keys are wrapped under master key X; the one
given is Y``) with no word from the restore. Every restore now says which master key the
restored ledger's household keys are wrapped under; with ``--replaces OLD`` rotated since, a
warning on stderr says the retired key is needed and how to rotate the restored ledger to
OLD's."""

from __future__ import annotations

import os
from pathlib import Path

from ledger.privacy import generate_master_key, master_key_id, parse_master_key
from typer.testing import Result

from tests.cli.conftest import Fupin, doc, master_key_file, with_master_file


def _rotated_after_backup(seeded: Fupin, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A backup of ``seeded``, then its master key rotated: the backup, the old key's file
    (the backup's keys are under it) and the new key's (``seeded``'s now)."""
    file = tmp_path / "pre.db"
    seeded.ok(f"backup {file}")
    old = master_key_file(tmp_path / "old.key", os.environ["LEDGER_MASTER_KEY"])
    new = master_key_file(tmp_path / "new.key", generate_master_key())
    rotate = f"--as admin keys rotate-master --new-key-file {new} {doc('2016-08-20')}"
    assert with_master_file(seeded, rotate, old).exit_code == 0
    return file, old, new


def _restored_after_rotation(
    seeded: Fupin, empty: str, tmp_path: Path, options: str = ""
) -> tuple[Result, str, str]:
    """``restore`` into ``empty`` of a backup taken before ``seeded`` rotated its master key,
    with the new key as every command after the rotation is given it: its result, and the
    ids of the old master key (the backup's) and the new (``seeded``'s)."""
    file, old, new = _rotated_after_backup(seeded, tmp_path)
    result = with_master_file(seeded, f"--store {empty} restore {file} {options}", new)
    assert result.exit_code == 0, result.output
    return result, _id(old), _id(new)


def _id(key: Path) -> str:
    return master_key_id(parse_master_key(key.read_text("ascii")))


def test_a_backup_from_before_a_rotation_replacing_its_store_says_the_retired_key_is_needed(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    result, old, new = _restored_after_rotation(
        seeded, empty, tmp_path, f"--replaces {seeded.store}"
    )

    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith(
        f"warning: the restored ledger's household keys are wrapped under master key "
        f"{old}, not master key {new}, which "
    )
    assert (
        f"give it master key {old} (LEDGER_MASTER_KEY_FILE), which that rotation " in (warnings[0])
    )
    assert " --as admin keys rotate-master --new-key-file <master key " in warnings[0]
    # What it says is so: the key in force reads nothing restored, the retired one rotates
    # the restored ledger to it, and then it does
    old_file, new_file = tmp_path / "old.key", tmp_path / "new.key"
    show = f"--store {empty} --as admin household show JH-0002"
    shown = with_master_file(seeded, show, new_file)
    assert shown.exit_code == 2
    assert f"wrapped under master key {old}" in shown.stderr
    rotate = f"--store {empty} --as admin keys rotate-master --new-key-file {new_file} "
    assert with_master_file(seeded, rotate + doc("2016-08-21"), old_file).exit_code == 0
    assert with_master_file(seeded, show, new_file).exit_code == 0


def test_a_restore_without_replaces_says_which_master_key_it_needs(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    result, old, _new = _restored_after_rotation(seeded, empty, tmp_path)

    assert (
        f"the restored ledger's household keys are wrapped under master key {old}: give "
        "it that master key (LEDGER_MASTER_KEY_FILE)"
    ) in result.stdout
    assert "a master key rotated to after the backup was taken does not read them" in (
        result.stdout
    )


def test_a_restore_replacing_a_store_under_the_same_master_key_warns_of_none(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = tmp_path / "pre.db"
    seeded.ok(f"backup {file}")
    master = master_key_id(parse_master_key(os.environ["LEDGER_MASTER_KEY"]))

    result = seeded.ok(f"--store {empty} restore {file} --replaces {seeded.store}")

    assert f"household keys are wrapped under master key {master}, as " in result.stdout
    assert "warning" not in result.stderr
