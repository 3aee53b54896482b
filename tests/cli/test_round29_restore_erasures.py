"""Session 29 (tester C, keys and backups): restoring a backup taken before an erasure brought
the erased household's personal data back, exit 0, without a word. Every restore now says when
the backup's last entry was recorded and that an erasure recorded after it is undone;
``restore --replaces OLD`` names each household OLD erased since, to be erased again."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_backup_cli import has_ledger

ERASE = f"erase JH-0002 --reason 本人申请 {doc('2016-09-01')}"


def _backup_then_erase(seeded: Fupin, tmp_path: Path) -> Path:
    """A backup, then JH-0002 erased in the store it was taken of."""
    file = tmp_path / "pre.db"
    seeded.ok(f"backup {file}")
    seeded.ok(ERASE, actor="admin")
    return file


def test_a_restore_says_an_erasure_after_its_backup_is_undone(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = _backup_then_erase(seeded, tmp_path)

    result = seeded.ok(f"--store {empty} restore {file}")

    assert "the backup's last entry, entry " in result.stdout
    assert "an erasure the store it replaces recorded after that is undone" in result.stdout
    assert "PersonalDataErased" in result.stdout
    assert " --as admin erase NUMBER" in result.stdout


def test_a_restore_replacing_a_store_names_each_household_erased_since(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = _backup_then_erase(seeded, tmp_path)
    restored = empty

    result = seeded.ok(f"--store {restored} restore {file} --replaces {seeded.store}")

    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("warning: JH-0002 was erased in ")
    assert " --as admin erase JH-0002" in warnings[0]
    shown = seeded.ok(f"--store {restored} household show JH-0002", actor="admin")
    assert "[erased]" not in shown.stdout  # what the warning is about: the name is back
    seeded.ok(f"--store {restored} {ERASE}", actor="admin")
    assert "[erased]" in seeded.ok(f"--store {restored} household show JH-0002", "admin").stdout


def test_a_restore_replacing_a_store_with_no_later_erasure_says_so(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    seeded.ok(ERASE, actor="admin")
    file = tmp_path / "post.db"
    seeded.ok(f"backup {file}")

    result = seeded.ok(f"--store {empty} restore {file} --replaces {seeded.store}")

    assert "records no erasure it undoes" in result.stdout
    assert "warning" not in result.stderr


def test_a_restore_replacing_a_store_that_does_not_exist_is_refused_before_it_restores(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = tmp_path / "pre.db"
    seeded.ok(f"backup {file}")

    result = seeded(f"--store {empty} restore {file} --replaces {tmp_path / 'gone.db'}")

    assert_refused(result, "replaces", "does not exist: name the store this restore replaces")
    assert not has_ledger(empty)
