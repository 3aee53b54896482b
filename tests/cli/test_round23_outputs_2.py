"""Session 23, a security re-tester: files an output option must never replace.

A store named through a symbolic link (``LEDGER_STORE=cur.db``, a link to ``n.db``) had its
``-wal``, ``-shm``, ``-journal`` and ``.master-key`` protected by the link's name only, where
SQLite keeps them beside ``n.db``: ``-o n.db-wal`` replaced the live write-ahead log and a
saved event was lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "files the CLI must not write over: SQLite is enough (tests/conftest.py)"

REPORT = "export report caseload --format csv -o"


@pytest.fixture
def through_link(seeded: Fupin, tmp_path: Path) -> Iterator[Fupin]:
    """``fupin`` with ``LEDGER_STORE`` a link ``cur.db`` to the seeded store, while a reader
    holds the store's write-ahead log open (so that its ``-wal`` and ``-shm`` exist)."""
    link = tmp_path / "cur.db"
    link.symlink_to(seeded.path.name)
    reader = sqlite3.connect(seeded.path)
    reader.execute("begin")
    reader.execute("select count(*) from sqlite_master").fetchall()
    try:
        yield Fupin(str(link), CliRunner(env={**seeded.runner.env, "LEDGER_STORE": str(link)}))
    finally:
        reader.close()


@pytest.mark.parametrize(("suffix", "what"), [("-wal", "-wal"), ("-shm", "-shm")])
def test_the_wal_of_a_store_named_through_a_link_is_refused(
    through_link: Fupin, seeded: Fupin, suffix: str, what: str
) -> None:
    # Before, written (exit 0): the live WAL replaced by a CSV.
    wal = Path(f"{seeded.path}{suffix}")
    assert wal.exists()
    before = wal.read_bytes()

    result = through_link(f"{REPORT} {wal}")

    assert_refused(result, "output", f"is the store's {what} file: writing there would destroy it")
    assert wal.read_bytes() == before


@pytest.mark.parametrize("name", ["ledger.db-journal", "ledger.db.master-key"])
def test_the_journal_and_master_key_beside_the_store_a_link_names_are_refused(
    through_link: Fupin, tmp_path: Path, name: str
) -> None:
    result = through_link(f"{REPORT} {tmp_path / name}")

    assert_refused(result, "output", "writing there would destroy it")
    assert not (tmp_path / name).exists()


def test_the_wal_by_the_link_s_own_name_is_still_refused(
    through_link: Fupin, tmp_path: Path
) -> None:
    result = through_link(f"{REPORT} {tmp_path / 'cur.db-wal'}")

    assert_refused(result, "output", "is the store's -wal file")
