"""Round 14: ``fupin verify`` reports a public key registered for two holders, or registered
again after it was revoked. The commands refuse both since session 14
(``ledger.transparency.key_holder_fault``); a ledger written before, or by hand, that holds one is
a ledger in which one key signs as two officers (or as the district's log, whose checkpoints
`verify` and `prove` accept), or in which a key revoked as leaked signs again."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import orjson
from ledger.application import Ledger, open_ledger
from ledger.inspections import Inspection
from ledger.keys import generate_key, key_id, parse_public_key, public_key_text
from ledger.officers import Officer
from ledger.transparency import (
    LOG_NAME,
    TransparencyLog,
    register_log_key,
    register_signing_key,
    revoke_signing_key,
)
from ledger.verification import verify_ledger

from tests.support import ledger_at, stamp

WHEN = date(2016, 8, 20)


def _as_written_before_the_rule(app: Ledger, officer_id: str, public: str) -> None:
    """A key registration saved as the command saved one before the rule, with no check."""
    prov = app.authorise(stamp("admin", WHEN), "register_key")
    officer = app.load(Officer, officer_id, "officer")
    officer.register_signing_key(_id(public), public, prov)
    app.save(officer)


def _id(public: str) -> str:
    return key_id(parse_public_key(public))


def _reasons(app: Ledger) -> list[str]:
    return [problem.reason for problem in verify_ledger(app.recorder, app.mapper).problems]


def test_a_clean_ledger_with_keys_verifies(tmp_path: Path) -> None:
    with ledger_at(tmp_path / "l.db") as app:
        register_signing_key(app, stamp("admin", WHEN), "jn-01", public_key_text(generate_key()))
        register_log_key(app, stamp("admin", WHEN), public_key_text(generate_key()))
        assert _reasons(app) == []


def test_one_key_registered_for_two_officers_is_reported(tmp_path: Path) -> None:
    public = public_key_text(generate_key())
    with ledger_at(tmp_path / "l.db") as app:
        register_signing_key(app, stamp("admin", WHEN), "jn-01", public)
        _as_written_before_the_rule(app, "ll-01", public)

        reasons = _reasons(app)

    assert len(reasons) == 1
    assert (
        f"key {_id(public)} is registered for ll-01, but it was registered for jn-01" in reasons[0]
    )


def test_an_officers_key_made_the_log_key_is_reported(tmp_path: Path) -> None:
    public = public_key_text(generate_key())
    with ledger_at(tmp_path / "l.db") as app:
        register_signing_key(app, stamp("admin", WHEN), "jn-01", public)
        prov = app.authorise(stamp("admin", WHEN), "register_log_key")
        app.save(TransparencyLog(LOG_NAME, _id(public), public, prov))  # with no check

        reasons = _reasons(app)

    assert len(reasons) == 1
    assert (
        f"key {_id(public)} is the district's log key, but it was registered for jn-01"
        in (reasons[0])
    )


def test_a_key_registered_again_after_its_revocation_is_reported(tmp_path: Path) -> None:
    public = public_key_text(generate_key())
    with ledger_at(tmp_path / "l.db") as app:
        register_signing_key(app, stamp("admin", WHEN), "jn-01", public)
        revoke_signing_key(app, stamp("admin", WHEN), "jn-01", "遗失")
        _as_written_before_the_rule(app, "jn-01", public)

        reasons = _reasons(app)

    assert len(reasons) == 1
    assert "but it was revoked before: a revoked key may have leaked" in reasons[0]


# -- an inspection's entries corrected by whom ----------------------------------------------


def _finding_voided_by(app: Ledger, actor: str) -> None:
    """A district inspection's finding, voided by ``actor`` as saved with no command's check
    of ``correct_inspection`` (a ledger written by hand, or by another program)."""
    app.open_inspection(stamp("insp-1", WHEN), "DC-1", "district", 2016)
    app.record_finding(
        stamp("insp-1", WHEN), "DC-1", "f-1", "village", "雄光", "台账不全", date(2016, 12, 1)
    )
    prov = app.authorise(stamp(actor, WHEN), "correct")
    inspection = app.load(Inspection, "DC-1", "inspection")
    inspection.correct(2, "录入错误", prov)
    app.save(inspection)


def test_an_officers_correction_of_an_inspections_entry_is_reported(tmp_path: Path) -> None:
    with ledger_at(tmp_path / "l.db") as app:
        _finding_voided_by(app, "qu-01")  # a district officer: the one inspected

        reasons = _reasons(app)

    assert reasons == [
        "officer corrected an inspection's entry; correct_inspection needs admin or inspector "
        "(never the officers inspected)"
    ]


def test_an_inspectors_correction_of_an_inspections_entry_verifies(tmp_path: Path) -> None:
    with ledger_at(tmp_path / "l.db") as app:
        _finding_voided_by(app, "insp-1")
        assert _reasons(app) == []


def test_the_check_holds_where_verify_decodes_the_opening_in_full(tmp_path: Path) -> None:
    # A row not in the canonical encoding is decoded in full, off the raw pass: the
    # inspection it opens is still known, and the officer's correction still named.
    with ledger_at(tmp_path / "l.db") as app:
        _finding_voided_by(app, "qu-01")
    with closing(sqlite3.connect(tmp_path / "l.db")) as db:
        rowid, state = db.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE '%InspectionOpened'"
        ).fetchone()
        reordered = dict(reversed(list(orjson.loads(state).items())))  # same content
        db.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?", (orjson.dumps(reordered), rowid)
        )
        db.commit()
    app = open_ledger(str(tmp_path / "l.db"))
    try:
        reasons = _reasons(app)
    finally:
        app.close()

    assert any("not the canonical encoding" in reason for reason in reasons)
    assert any("officer corrected an inspection's entry" in reason for reason in reasons)
