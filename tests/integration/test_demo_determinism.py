"""The demo is deterministic for a seed, and refuses a store that already holds a ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger.application import Ledger, open_ledger
from ledger.demo import CACHE_ENV, run_demo
from ledger.errors import LedgerError
from ledger.imports import export_commands


def _history(path: Path, seed: int) -> list[dict[str, object]]:
    app = open_ledger(str(path), create=True, extra_env=CACHE_ENV)
    try:
        run_demo(app, seed=seed, scale=1)
        return list(export_commands(app))
    finally:
        app.close()


def test_the_same_seed_records_the_same_history(tmp_path: Path) -> None:
    first = _history(tmp_path / "a.db", seed=7)
    second = _history(tmp_path / "b.db", seed=7)

    assert first == second


def test_the_demo_refuses_a_store_that_is_already_initialised(ledger: Ledger) -> None:
    before = ledger.event_count()

    with pytest.raises(LedgerError, match="already initialised"):
        run_demo(ledger, seed=1)

    assert ledger.event_count() == before
