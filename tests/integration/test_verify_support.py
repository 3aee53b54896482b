"""Builders shared by the tamper-evidence tests (no tests here): a ledger where every officer
signs, from the second event on, and ways to rewrite its SQLite file behind the ledger's back."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.keys import generate_key, public_key_text
from ledger.programme import ProgrammeRules, YearParameters
from ledger.transparency import (
    Checkpoint,
    record_checkpoint,
    register_log_key,
    register_signing_key,
)
from ledger.verification import VerifyReport, verify_ledger

from tests.support import DOC, TickingClock, register, stamp

OFFICERS = ("jn-01", "ll-01", "qu-01", "insp-1", "ana-1")

Row = tuple[str, int, str, bytes]


@dataclass
class SignedLedger:
    path: Path
    keys: dict[str, Ed25519PrivateKey]
    log_key: Ed25519PrivateKey
    checkpoint: Checkpoint


def build_signed_ledger(path: Path, households: int = 2) -> SignedLedger:
    """Admin registers their own key right after ``init`` (positions 0 and 1 are the only
    unsigned events); every other officer gets a key before recording anything."""
    keys = {officer: generate_key() for officer in ("admin", *OFFICERS)}
    log_key = generate_key()
    with clock.using_clock(TickingClock()):
        app = open_ledger(str(path), create=True)
        try:
            app.initialise("admin", "区扶贫办", DOC, date(2016, 7, 26))
            register_signing_key(app, stamp(), "admin", public_key_text(keys["admin"]))
            for key in keys.values():
                app.sealer.add_key(key)
            seed(app, keys)
            register_log_key(app, stamp(), public_key_text(log_key))
            with app.batch():  # one save of many events: one seal covers them all
                register(app, "JH-0900", "江南", village="雄光", serial=900)
            for n in range(households):
                street, village = ("江南", "雄光") if n % 2 == 0 else ("礼乐", "新创")
                register(app, f"JH-{n + 1:04d}", street, village=village, serial=n + 1)
            checkpoint = record_checkpoint(app, stamp(), log_key)
        finally:
            app.close()
    return SignedLedger(path, keys, log_key, checkpoint)


def seed(app: Ledger, keys: dict[str, Ed25519PrivateKey]) -> None:
    """Reference data; each officer's key is registered right after the officer, so that no
    officer ever records unsigned."""
    s = stamp(day=date(2016, 7, 26))
    app.open_programme(s, "精准扶贫", ProgrammeRules())
    app.set_year(s, YearParameters(2016, 720_000, 1_800_000))
    for street, village in (("江南", "雄光"), ("礼乐", "新创")):
        app.register_street(s, street)
        app.add_village(s, street, village, True)
    for officer, name, role, street, unit in (
        ("jn-01", "江南专干", "officer", "江南", "江南街道扶贫办"),
        ("ll-01", "礼乐专干", "officer", "礼乐", "礼乐街道扶贫办"),
        ("qu-01", "区专干", "officer", "", "区扶贫办"),
        ("insp-1", "督查员", "inspector", "", "区督查组"),
        ("ana-1", "分析员", "analyst", "", "区统计"),
    ):
        app.register_officer(s, officer, name, role, street, unit)
        register_signing_key(app, s, officer, public_key_text(keys[officer]))


def verify_file(
    path: Path, checkpoints: list[Checkpoint] | None = None, require_signatures: bool = False
) -> VerifyReport:
    app = open_ledger(str(path))
    try:
        named = [(f"cp{i}", c) for i, c in enumerate(checkpoints or [])]
        return verify_ledger(app.recorder, app.mapper, named, require_signatures=require_signatures)
    finally:
        app.close()


def read_rows(path: Path) -> list[Row]:
    with sqlite3.connect(path) as db:
        return list(
            db.execute(
                "SELECT originator_id, originator_version, topic, state "
                "FROM stored_events ORDER BY rowid"
            )
        )


def rewrite_rows(path: Path, change: Callable[[list[Row]], list[Row]]) -> None:
    """Replace the whole stored log by ``change(rows)``, positions renumbered from 1."""
    rows = change(read_rows(path))
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM stored_events")
        db.executemany(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?, ?)",
            [(i + 1, *row) for i, row in enumerate(rows)],
        )
    db.close()


def is_seal(row: Row) -> bool:
    return row[2] == "ledger.sealing:Seal.Sealed"
