"""Session 36, tester g (F9): two households' identifications swapped in an unsigned store
passed `fupin verify`, each naming a number its record's id is not made from; every later
entry was then filed under the other number. Verify's pass checks each identification's
record against its number (``natural_id``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from ledger.application import open_ledger
from ledger.base import natural_id
from ledger.verification import _household_id, verify_ledger

from tests.support import identify, ledger_at


@given(st.text(min_size=1, max_size=30))
def test_the_pass_makes_a_households_id_as_the_ledger_does(number: str) -> None:
    assert _household_id(number) == natural_id("household", number).bytes


def test_two_identifications_swapped_in_the_store_fail_verify(tmp_path: Path) -> None:
    store = tmp_path / "l.db"
    with ledger_at(store) as app:
        identify(app, "JH-1", serial=1)
        identify(app, "JH-2", serial=2)
        assert verify_ledger(app.recorder, app.mapper).ok
    with sqlite3.connect(store) as db:
        (r1, s1), (r2, s2) = db.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE '%Household.Identified' "
            "ORDER BY rowid"
        ).fetchall()
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (s2, r1))
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (s1, r2))
    app = open_ledger(str(store))
    try:
        report = verify_ledger(app.recorder, app.mapper)
    finally:
        app.close()

    reasons = [p.reason for p in report.problems]
    assert reasons == [
        f"it identifies household 'JH-2', whose record is {natural_id('household', 'JH-2')}, "
        "not this one: an identification's record is named by its number (one moved to another "
        "record, or its number rewritten, in the store)",
        f"it identifies household 'JH-1', whose record is {natural_id('household', 'JH-1')}, "
        "not this one: an identification's record is named by its number (one moved to another "
        "record, or its number rewritten, in the store)",
    ]
