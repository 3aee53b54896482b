"""Tester d, session 33 (F6): `fupin projections check`, the nightly job docs/operations.md
asks for, run while officers worked was refused `the read models kept moving; try again`
(exit 2): it read the read models' tables up to three times, giving up when a report had
caught them up between two readings each time. It now reads them in one state, their position
with it (``Database.snapshot``: a deferred read transaction on SQLite, REPEATABLE READ on
PostgreSQL), whatever other commands commit meanwhile, and compares that state with the events
up to that position."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from ledger.application import Ledger, open_ledger
from projections import catchup
from projections.catchup import catch_up, check

from tests.support import identify, stamp


def test_a_check_while_others_catch_the_read_models_up_reads_one_state(
    store: str, store_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    catch_up(store_ledger)
    other = open_ledger(store)
    hashed = catchup._multiset
    serial = iter(range(100, 10_000))

    def meanwhile(rows: Iterator[tuple[Any, ...]], key: bytes) -> tuple[int, int]:
        # another officer's command and a report, each time a table is read
        number = next(serial)
        identify(other, f"JH-{number:04d}", serial=number)
        other.review(stamp("jn-01", date(2016, 8, 2)), f"JH-{number:04d}", True)
        catch_up(other)
        return hashed(rows, key)

    monkeypatch.setattr(catchup, "_multiset", meanwhile)
    try:
        compared = check(store_ledger)
    finally:
        other.close()

    assert compared, "every read model's tables compared"
    assert all(row["same"] for row in compared), [r for r in compared if not r["same"]]
