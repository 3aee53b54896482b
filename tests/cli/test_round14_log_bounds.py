"""Round 14: ``fupin log --limit -5``, ``--limit 0`` and ``--since -1`` printed nothing (or
everything) and exited 0: an inspector's script got an empty stream that looked like "no
events". A bound that cannot be one is refused, naming it."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Fupin, assert_refused


@pytest.mark.parametrize(
    ("options", "field", "rule"),
    [
        ("--limit -5", "limit", "-5: at least 1 event (leave it out for all)"),
        ("--limit 0", "limit", "0: at least 1 event (leave it out for all)"),
        ("--since -1", "since", "-1: a position is 0 (the start) or more"),
    ],
)
def test_a_bound_that_cannot_be_one_is_refused(
    seeded: Fupin, options: str, field: str, rule: str
) -> None:
    assert_refused(seeded(f"log {options}", "admin"), field, rule)


def test_the_bounds_still_bound(seeded: Fupin) -> None:
    assert len(seeded.ok("log --limit 1", "admin").stdout.splitlines()) == 1
    everything = seeded.ok("log --since 0", "admin").stdout.splitlines()
    assert len(everything) == seeded.event_count()
    assert seeded.ok("log --since 2 --limit 2", "admin").stdout.splitlines() == everything[2:4]
