"""PostgreSQL, re-tester Q of session 28: the note of a report waiting for the read models'
update lock said ``waiting for database fupin`` where every other note, and
docs/operations.md, name the store as given (its URL, no password). It names the store now."""

from __future__ import annotations

import pytest
from ledger import waiting
from ledger.store import parse_store

from tests.cli.conftest import Fupin, doc
from tests.cli.test_round26_waiting_reports import WAITING, write_lock_held

pytestmark = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def test_the_read_models_lock_note_names_the_store(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waiting, "SLOW_SAVE_SECONDS", 0.2)
    seeded.ok("report caseload")
    seeded.ok(f"place add-village 江南 新村甲 {doc('2016-08-01')}", "admin")  # one to catch up
    shown = parse_store(seeded.store).display
    password = seeded.store.split("@")[0].rsplit(":", 1)[1]

    with write_lock_held(seeded, 1.0):
        result = seeded.ok("report caseload --format json")

    said = [line for line in result.stderr.splitlines() if line.startswith(WAITING)]
    assert len(said) == 1, result.stderr
    assert said[0].startswith(f"{WAITING}{shown}: "), said[0]
    assert "waiting for database " not in said[0]
    assert password not in result.stderr
