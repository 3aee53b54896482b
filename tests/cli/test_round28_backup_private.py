"""Session 28 (tester C, privacy): ``fupin backup`` made its file 0644 under umask 022, while
every other output holding personal data (``export events -o``, ``report html -o``) is 0600:
a backup holds every household's wrapped key and all free text."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli.main import app

from tests.cli.conftest import Fupin
from tests.support import umask_of


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The umask most systems set, 022: new files readable by the group and others."""
    with umask_of(0o022):
        yield


@pytest.mark.usefixtures("open_umask")
def test_a_backup_is_readable_by_its_owner_only(seeded: Fupin, tmp_path: Path) -> None:
    file = tmp_path / "ledger.backup"

    seeded.ok(f"backup {file}")

    assert stat.S_IMODE(file.stat().st_mode) == 0o600


@pytest.mark.usefixtures("open_umask")
def test_a_private_backup_restores_into_a_store_as_init_makes_it(
    seeded: Fupin, empty: str, tmp_path: Path
) -> None:
    file = tmp_path / "ledger.backup"
    seeded.ok(f"backup {file}")

    restored = seeded.runner.invoke(app, ["--store", empty, "restore", str(file)])

    assert restored.exit_code == 0, restored.output
    if not empty.startswith("postgresql://"):
        assert stat.S_IMODE(Path(empty).stat().st_mode) == 0o644
