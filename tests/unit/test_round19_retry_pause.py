"""Session 19, tester S (officers saving at once): 30 visits to one household at the same
moment had 13 refused "other writers kept changing the same records; try again" (5 attempts
in a row, no pause). A lost race now waits a random moment, longer each time, up to 8
attempts: the others' saves go first."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError
from ledger import core
from ledger.application import Ledger
from ledger.errors import ConflictError

from tests.support import register, stamp


def losing(ledger: Ledger, monkeypatch: pytest.MonkeyPatch, races: int) -> list[float]:
    """Make the ledger's next ``races`` saves lose a race; returns the pauses taken."""
    save = ledger._save_events
    lost = [0]
    pauses: list[float] = []

    def racing(*args: Any, **kwargs: Any) -> Any:
        if lost[0] < races:
            lost[0] += 1
            raise IntegrityError("another writer's save came first")
        return save(*args, **kwargs)

    monkeypatch.setattr(ledger, "_save_events", racing)
    monkeypatch.setattr("ledger.core.time.sleep", pauses.append)
    return pauses


def test_a_save_that_keeps_losing_races_pauses_longer_each_time_then_succeeds(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(ledger, "JH-1")
    pairing = stamp("jn-01", date(2016, 8, 11))
    pauses = losing(ledger, monkeypatch, core._MAX_ATTEMPTS - 1)

    ledger.pair(pairing, "JH-1", "c-1")

    assert "c-1" in ledger.household("JH-1").helpers
    assert len(pauses) == core._MAX_ATTEMPTS - 1
    bounds = [core._BACKOFF_SECONDS * 2**n for n in range(1, core._MAX_ATTEMPTS)]
    assert all(0 <= p <= bound for p, bound in zip(pauses, bounds, strict=True))


def test_a_save_that_loses_every_race_is_refused_with_try_again(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(ledger, "JH-1")
    losing(ledger, monkeypatch, core._MAX_ATTEMPTS)

    with pytest.raises(ConflictError, match="other writers kept changing the same records"):
        ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")

    assert "c-1" not in ledger.household("JH-1").helpers
