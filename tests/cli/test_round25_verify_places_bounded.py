"""Session 25, issue 8: ``fupin verify`` kept every household's street (for the street rule,
``Verifier._place``), so its memory grew with the households (about 110 bytes each: 1.1 GB
for 10 M). It keeps at most ``_PLACES_KEPT`` now and reads a forgotten household's street
from its identification in the store. With the bound at 2 every household of the seeded
ledger but the last two is forgotten before it is visited: the street rule's findings stand,
and a clean ledger stays clean. On each store (the identification is read through the
recorder: PostgreSQL's too)."""

from __future__ import annotations

import pytest
from ledger import verification

from tests.cli import test_round25_verify_street_rule as street
from tests.cli.conftest import Fupin


@pytest.fixture(autouse=True)
def _two_places_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verification, "_PLACES_KEPT", 2)


def test_a_clean_ledger_verifies_with_its_households_forgotten(seeded: Fupin) -> None:
    street.test_the_seeded_ledger_and_a_visit_in_the_officers_own_street_verify(seeded)


def test_a_visit_by_an_officer_transferred_away_is_reported_once_forgotten(
    seeded: Fupin,
) -> None:
    street.test_a_visit_by_an_officer_transferred_away_is_reported(seeded)


def test_a_visit_by_another_streets_officer_is_reported_once_forgotten(seeded: Fupin) -> None:
    street.test_a_visit_by_another_streets_officer_is_reported(seeded)


def test_village_payments_are_judged_as_before(seeded: Fupin) -> None:
    street.test_a_village_payment_after_its_village_was_unflagged_is_reported(seeded)
