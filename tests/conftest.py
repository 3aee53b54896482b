"""Fixtures shared by every tier of tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger.application import Ledger

from tests.support import TickingClock, ledger_at

pytest_plugins = ["tests.conftest_pg"]


@pytest.fixture
def ticking() -> TickingClock:
    return TickingClock()


@pytest.fixture
def ledger(tmp_path: Path, ticking: TickingClock) -> Iterator[Ledger]:
    """A SQLite ledger with the reference data of ``tests.support.seed_reference``."""
    with ledger_at(tmp_path / "ledger.db", ticking) as app:
        yield app
