"""Session 16 (tester C, an inspector): ``fupin verify`` passed a correction of an entry that
an earlier correction had voided already, written into the file by hand (``correct`` refuses
it: "entry N was already corrected"), and a correction of an entry recorded after it. Each is
now reported at the correction."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from ledger import verification
from ledger.application import open_ledger
from ledger.privacy import KEY_TABLE
from ledger.verification import verify_ledger

from tests.integration.test_round15_verify_corrections import _exited, _forged, _reasons, _voided_by
from tests.support import ledger_at, register


def test_a_second_correction_of_the_same_entry_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        approval = _exited(app)
        _voided_by(app, "qu-01", approval)  # the approval voided by the district: sound
        voiding = app.event_count() - 1  # its position in the log
    _forged(path, approval)  # the same approval voided again, by hand

    app = open_ledger(str(path))
    try:
        reasons = _reasons(app)
    finally:
        app.close()

    assert reasons == [
        f"it voids entry {approval}, which the correction at position {voiding} voided already"
    ]


def test_a_correction_of_an_entry_after_it_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        approval = _exited(app)
    _forged(path, approval + 1)  # its own version: no entry precedes it there
    _forged(path, approval + 5)

    app = open_ledger(str(path))
    try:
        reasons = [r for r in _reasons(app) if r.startswith("it voids")]
    finally:
        app.close()

    assert reasons == [
        f"it voids entry {approval + 1}, which comes after it",
        f"it voids entry {approval + 5}, which comes after it",
    ]


def test_a_correction_problem_is_kept_before_the_key_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the first problems found are kept (``_KEEP``): the corrections' were found after
    # the key table's, and a dropped table hid a forged correction (the reviewer, session 16).
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        approval = _exited(app)
        register(app, "JH-2", serial=2)
    _forged(path, approval + 5)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(f"DROP TABLE {KEY_TABLE}")
    monkeypatch.setattr(verification, "_KEEP", 1)

    app = open_ledger(str(path))
    try:
        report = verify_ledger(app.recorder, app.mapper)
    finally:
        app.close()

    assert report.key_table_problems == 2
    assert [p.reason for p in report.problems] == [
        f"it voids entry {approval + 5}, which comes after it"
    ]
