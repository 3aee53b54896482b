"""Tester T, session 22: after the README's ``export LEDGER_STORE=demo.db
LEDGER_MASTER_KEY_FILE=demo.db.master-key``, ``python3 dev.py demo`` deleted the old demo and
its key, then the demo was refused on the key file just deleted: nothing was left. The demo is
run without the variables naming a store or a master key (it makes its own)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("dev_script", module)
    spec.loader.exec_module(module)
    return module


def test_the_demo_runs_without_a_store_or_key_left_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dev = _dev()
    ran: list[tuple[list[str], dict[str, str] | None]] = []
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setattr(dev, "run", lambda command, env=None: ran.append((command, env)))
    monkeypatch.setenv("LEDGER_STORE", "demo.db")
    monkeypatch.setenv("LEDGER_MASTER_KEY_FILE", "demo.db.master-key")
    monkeypatch.setenv("LEDGER_MASTER_KEY", "x")
    monkeypatch.setenv("LEDGER_ACTOR", "admin")  # kept: it names no file
    (tmp_path / "demo.db").write_bytes(b"old")
    (tmp_path / "demo.db.master-key").write_text("old")

    dev.demo([])

    ((command, env),) = ran
    assert command[1:] == ["--store", str(tmp_path / "demo.db"), "demo"]
    assert env is not None
    assert not {"LEDGER_STORE", "LEDGER_MASTER_KEY", "LEDGER_MASTER_KEY_FILE"} & env.keys()
    assert env["LEDGER_ACTOR"] == "admin"
    assert list(tmp_path.iterdir()) == []  # the old demo replaced


def test_the_tests_temporary_files_go_to_memory_when_it_has_room(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Since session 33 (docs/architecture.md, tests/): pytest runs with ``TMPDIR`` on
    ``/dev/shm`` when it is writable with 2 GiB free, and never overrides a ``TMPDIR`` set."""
    dev = _dev()
    monkeypatch.setattr(dev, "RAM_DISK", tmp_path)
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setattr(dev, "RAM_NEEDED", 0)
    assert dev.test_env()["TMPDIR"] == str(tmp_path)

    monkeypatch.setattr(dev, "RAM_NEEDED", 1 << 60)  # no room
    assert "TMPDIR" not in dev.test_env()

    monkeypatch.setattr(dev, "RAM_NEEDED", 0)
    monkeypatch.setattr(dev, "RAM_DISK", tmp_path / "none")  # no such folder
    assert "TMPDIR" not in dev.test_env()

    monkeypatch.setenv("TMPDIR", "/elsewhere")
    monkeypatch.setattr(dev, "RAM_DISK", tmp_path)
    assert dev.test_env()["TMPDIR"] == "/elsewhere"


def test_pytest_runs_with_that_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    dev = _dev()
    ran: list[tuple[list[str], dict[str, str] | None]] = []
    monkeypatch.setattr(dev, "run", lambda command, env=None: ran.append((command, env)))

    dev.test(["-k", "nothing"])

    command, env = ran[0]
    assert command[1:3] == ["-m", "pytest"]
    assert env == dev.test_env()
