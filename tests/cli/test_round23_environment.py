"""Session 23 (tester D, a security reviewer): eventsourcing merges the whole environment into
the application's settings and reads a variable prefixed with its name (``Ledger``) first, so
``LEDGER_SQLITE_DBNAME`` sent every save to another file than ``LEDGER_STORE`` named (exit 0),
and a refused command made that file (``LEDGER_CREATE_TABLE=y``: with tables). The ledger now
reads only its own variables from the environment (``LedgerCore.FROM_ENVIRON``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "the library's SQLite settings: SQLite is enough (tests/conftest.py)"


def test_a_library_setting_in_the_environment_does_not_move_the_store(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.db"
    shutil.copyfile(seeded.path, other)
    monkeypatch.setenv("LEDGER_SQLITE_DBNAME", str(other))
    monkeypatch.setenv("SQLITE_DBNAME", str(other))
    before = seeded.event_count()

    seeded.ok(f"place add-village 江南 测试村 {doc('2016-08-20')}", "admin")

    monkeypatch.delenv("LEDGER_SQLITE_DBNAME")
    monkeypatch.delenv("SQLITE_DBNAME")
    assert seeded.event_count() == before + 1
    assert Fupin(str(other), seeded.runner).event_count() == before


def test_a_refused_command_makes_no_file_a_library_setting_names(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "new.db"
    monkeypatch.setenv("LEDGER_SQLITE_DBNAME", str(elsewhere))
    monkeypatch.setenv("LEDGER_CREATE_TABLE", "y")

    result = seeded(f"place add-village 江南 测试村 {doc('2016-08-20')}", "nobody")

    assert result.exit_code == 2, result.output
    assert "'nobody' is not a registered officer" in result.stderr
    assert not elsewhere.exists()
