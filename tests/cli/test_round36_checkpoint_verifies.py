"""Session 36, tester g (an inspector, F3 HIGH): a keyed officer's signed visit rewritten in the
store, or a visit forged in their name with no seal, was signed over by the next `fupin
checkpoint` and proved by `fupin prove`; the offline tool then showed the forged entry "by
jn-01". Only `fupin verify` saw it. The log key now vouches only for a log whose events verify:
checkpoint and prove refuse such a log, nothing signed or written."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from ledger.application import open_ledger
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round24_keys import _as_before, _new_key
from tests.support import stamp

STORE_INDEPENDENT = "verify's pass is the same on either store; the edit is made in a SQLite file"

REFUSED = "the log key vouches only for a log whose events verify; run fupin verify"


def _keyed(fupin: Fupin, folder: Path) -> None:
    """Keys for admin and jn-01 and the log key."""
    keys = {who: _new_key(fupin, folder / f"{who}.key")[0] for who in ("admin", "jn-01", "log")}
    as_admin = f"--key {folder / 'admin.key'}"
    fupin.ok(f"{as_admin} keys register admin {keys['admin']} {doc('2016-08-20')}", "admin")
    fupin.ok(f"{as_admin} keys register jn-01 {keys['jn-01']} {doc('2016-08-20')}", "admin")
    fupin.ok(f"{as_admin} keys register-log {keys['log']} {doc('2016-08-20')}", "admin")


def _visit(fupin: Fupin, folder: Path) -> None:
    """jn-01's visit, signed."""
    fupin.ok(
        f"--key {folder / 'jn-01.key'} household visit JH-0001 --helper c-1 --summary 入户走访 "
        f"{doc('2016-09-01')}",
        "jn-01",
    )


def _checkpoint(fupin: Fupin, folder: Path, name: str) -> Result:
    return fupin(
        f"--key {folder / 'admin.key'} checkpoint --out {folder / name} --log-key "
        f"{folder / 'log.key'} {doc('2016-09-02')}",
        "admin",
    )


def _rewrite_the_visit(store: str) -> None:
    """What someone with the file does: the visit's summary changed in its stored state."""
    with sqlite3.connect(store) as db:
        rowid, state = db.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE '%VisitRecorded' "
            "ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
        edited = bytes(state).replace("入户走访".encode(), "户主拒绝帮扶".encode())
        assert edited != bytes(state)
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (edited, rowid))


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_no_checkpoint_is_signed_over_a_signed_event_rewritten(
    seeded: Fupin, tmp_path: Path
) -> None:
    _keyed(seeded, tmp_path)
    assert _checkpoint(seeded, tmp_path, "ok.json").exit_code == 0
    _visit(seeded, tmp_path)
    _rewrite_the_visit(seeded.store)
    before = seeded.event_count()

    refused = _checkpoint(seeded, tmp_path, "after.json")

    assert_refused(refused, "store", "fupin verify fails this log's events (1 problem(s)")
    assert "differs from what jn-01 signed" in refused.stderr
    assert REFUSED in refused.stderr
    assert seeded.event_count() == before
    assert not (tmp_path / "after.json").exists()
    bundle = tmp_path / "b.json"
    proved = seeded(f"prove JH-0001 --checkpoint {tmp_path / 'ok.json'} --out {bundle}")
    assert_refused(proved, "store", "fupin verify fails this log's events")
    assert not bundle.exists()


def test_no_checkpoint_is_signed_over_a_visit_forged_without_a_seal(
    seeded: Fupin, tmp_path: Path
) -> None:
    _keyed(seeded, tmp_path)
    app = open_ledger(str(seeded.store))
    try:
        _as_before(app)  # saved with no seal, as a hand in the store would add it
        app.record_visit(stamp("jn-01", date(2016, 9, 1)), "JH-0001", "c-1")
    finally:
        app.close()
    before = seeded.event_count()

    refused = _checkpoint(seeded, tmp_path, "after.json")

    assert_refused(refused, "store", "fupin verify fails this log's events (1 problem(s)")
    assert "unsigned, but jn-01's key" in refused.stderr
    assert seeded.event_count() == before
    assert not (tmp_path / "after.json").exists()
