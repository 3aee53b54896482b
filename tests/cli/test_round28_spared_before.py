"""Session 28: the rules added in session 28 that an export's replay spares (``import --create``:
a late registration, an officer's retirement dated before their entries, a talk under a street
inspection, a fund account's code differing in case only). Re-tester P had them spare only a
row recorded before the rule came in (``ledger.values.SPARED_BEFORE``); re-tester W then showed
a ledger that a fupin not yet upgraded kept recording after that moment, which ``fupin verify``
passes, refused by every move with no way out but editing the export's times (as a forger
would anyway: an export is no evidence either way). So every replayed row is spared, whenever
recorded, the move writes the store, and verify there notes what today's rules refuse, saying
the export's recording time is no evidence."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from cli.main import app
from ledger.funding import FundCommands

from tests.cli.conftest import Fupin, reimported, rule_came_in
from tests.cli.test_round28_account_case import OPEN
from tests.cli.test_round28_late_registration import _recorded_by_an_older_fupin
from tests.cli.test_round28_officer_dates import _recorded_as_an_older_fupin_took_it
from tests.cli.test_round28_talks import _talk_as_an_older_fupin_held_it

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def _moved(seeded: Fupin, folder: Path) -> str:
    """Move ``seeded`` by export and ``import --create``; the moved store's ``verify`` output."""
    moved = reimported(seeded, folder)
    assert moved.exit_code == 0, moved.output
    fresh = folder / "fresh.db"
    with sqlite3.connect(fresh) as db:
        assert db.execute("SELECT count(*) FROM stored_events").fetchone()[0] > 0
    db.close()
    verified = seeded.runner.invoke(app, ["--store", str(fresh), "verify"])
    assert verified.exit_code == 0, verified.output
    return " ".join(verified.stdout.split())


def _account_differing_in_case(seeded: Fupin) -> None:
    with pytest.MonkeyPatch.context() as before_the_rule:
        before_the_rule.setattr(FundCommands, "check_no_lookalike", lambda *args: None)
        seeded.ok(OPEN.format("CITY-2016"), "qu-01")


#: Each rule, how an older fupin recorded what it refuses, and what verify on the moved store
#: then notes of it (a talk and an account since session 30, brief f).
RULES = [
    ("late_registration", _recorded_by_an_older_fupin, "recorded before the move"),
    ("post_ended_before_entries", _recorded_as_an_older_fupin_took_it, "retirement"),
    ("talk_under_street_inspection", _talk_as_an_older_fupin_held_it, "holds the talk 约谈"),
    ("account_case_lookalike", _account_differing_in_case, "differs from 'city-2016'"),
]


@pytest.mark.parametrize(("rule", "recorded", "noted"), RULES)
def test_a_row_recorded_after_the_rule_came_in_is_moved_all_the_same(
    seeded: Fupin,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rule: str,
    recorded: Callable[[Fupin], None],
    noted: str,
) -> None:
    recorded(seeded)
    rule_came_in(monkeypatch, rule, after_now=False)

    said = _moved(seeded, tmp_path)

    assert noted in said
    assert "its original recording time is the export's, which is no evidence" in said
