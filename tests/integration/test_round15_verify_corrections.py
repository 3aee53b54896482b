"""Round 15 (tester E, an inspector): ``fupin verify`` passed a correction the command line
refuses, written into the file by hand. An exit's approval voided by an inspector or by a street
officer (``correct_exit`` is the district's), and a "correction" of an entry no correction may
void (a registration: the household could then no longer be loaded, "internal error: KeyError")
were accepted. Each correction is now checked against the entry it voids."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import Ledger, open_ledger
from ledger.errors import InputError
from ledger.household import Household
from ledger.officers import Officer
from ledger.verification import verify_ledger

from tests.support import ledger_at, register, stamp

JN = "jn-01"


def _exited(app: Ledger) -> int:
    """JH-1 registered and exited (approved by qu-01 on 2017-01-20); the approval's version."""
    register(app, "JH-1")
    app.assess_income(stamp(JN, date(2017, 1, 10)), "JH-1", 2016, 900_000)
    app.propose_exit(stamp(JN, date(2017, 1, 11)), "JH-1", 2016)
    app.verify_exit(stamp(JN, date(2017, 1, 12)), "JH-1")
    app.post_exit_notice(stamp(JN, date(2017, 1, 13)), "JH-1", date(2017, 1, 13), date(2017, 1, 19))
    app.approve_exit(stamp("qu-01", date(2017, 1, 20)), "JH-1")
    return app.household("JH-1").version


def _voided_by(app: Ledger, actor: str, version: int) -> None:
    """Entry ``version`` of JH-1 voided by ``actor``, saved with no command's permission check
    (a ledger written by hand, or by another program)."""
    prov = app.authorise(stamp(actor, date(2017, 2, 1)), "correct", "江南")
    household = app.household("JH-1")
    household.correct(version, "录入错误", prov)
    app.save(household)


def _reasons(app: Ledger) -> list[str]:
    return [problem.reason for problem in verify_ledger(app.recorder, app.mapper).problems]


@pytest.mark.parametrize(
    ("actor", "reason"),
    [
        (
            "insp-1",
            "inspector voided an exit's approval; correct_exit needs admin or officer of the "
            "district",
        ),
        (
            JN,
            "an officer of street '江南' voided an exit's approval; correct_exit is for the "
            "district",
        ),
    ],
)
def test_an_approval_voided_by_anyone_but_the_district_is_reported(
    tmp_path: Path, actor: str, reason: str
) -> None:
    with ledger_at(tmp_path / "l.db") as app:
        _voided_by(app, actor, _exited(app))

        assert _reasons(app) == [reason]


def test_an_approval_voided_by_the_district_verifies(tmp_path: Path) -> None:
    with ledger_at(tmp_path / "l.db") as app:
        _voided_by(app, "qu-01", _exited(app))

        assert _reasons(app) == []


def _forged(path: Path, corrects: int, *, canonical: bool = True) -> None:
    """A ``Corrected`` of JH-1's entry ``corrects`` by qu-01, inserted into the file by hand
    (``canonical``: its keys sorted, as the ledger writes; else read by the decoding pass)."""
    uid = Household.create_id("JH-1").hex
    with closing(sqlite3.connect(path)) as db, db:
        (last,) = db.execute(
            "SELECT MAX(originator_version) FROM stored_events WHERE originator_id = ?", (uid,)
        ).fetchone()
        state = {
            "corrects": corrects,
            "prov": {
                "__Provenance__": {
                    "actor": "qu-01",
                    "document": "更正单",
                    "effective": {"__date__": "2017-02-01"},
                    "note": "",
                    "role": "officer",
                }
            },
            "reason": "批错",
            "timestamp": {"__datetime__": "2026-11-30T05:17:58.868784+00:00"},
        }
        option = orjson.OPT_SORT_KEYS if canonical else 0
        if not canonical:
            state = {"reason": state.pop("reason"), **state}
        db.execute(
            "INSERT INTO stored_events VALUES (?, ?, ?, ?)",
            (
                uid,
                last + 1,
                "ledger.base:LedgerAggregate.Corrected",
                orjson.dumps(state, option=option),
            ),
        )


@pytest.mark.parametrize("canonical", [True, False])
def test_a_correction_of_an_entry_no_correction_voids_is_reported(
    tmp_path: Path, canonical: bool
) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        approval = _exited(app)
        verified = approval - 2  # the exit's verification: an exit step, not its approval
    _forged(path, 5, canonical=canonical)  # JH-1's registration
    _forged(path, verified, canonical=canonical)

    app = open_ledger(str(path))
    try:
        reasons = _reasons(app)
        with pytest.raises(InputError) as refused:
            app.household("JH-1")
    finally:
        app.close()

    # (read by the decoding pass, each forged row is also no canonical encoding)
    assert [reason for reason in reasons if reason.startswith("it voids")] == [
        "it voids entry 5, a Registered: no correctable entry",
        f"it voids entry {verified}, an exit's 'verified' step: only an approval is",
    ]
    assert "holds a correction of entry 5, which is no correctable entry" in str(refused.value)


def test_an_officers_amendment_by_anyone_but_an_admin_is_reported(tmp_path: Path) -> None:
    """The reviewer of round 15: ``Amended`` is recorded by officers for a household or a
    helper, so an officer's ``Amended`` written by a street officer passed the roles check;
    the command line refuses it (``amend_officer``: admins only)."""
    with ledger_at(tmp_path / "l.db") as app:
        prov = app.authorise(stamp(JN, date(2016, 8, 20)), "amend", "江南")
        officer = app.load(Officer, "qu-01", "officer")
        officer.amend({"name": "冒名"}, "录错", prov)
        app.save(officer)

        reasons = _reasons(app)

    assert reasons == ["officer amended an officer's registration; amend_officer needs admin"]


def test_an_entry_whose_name_begins_with_a_vowel_is_named_with_an(tmp_path: Path) -> None:
    # Session 28 (tester A's wording finding): "a Identified" was read.
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        _exited(app)
    _forged(path, 1)  # JH-1's identification

    app = open_ledger(str(path))
    try:
        reasons = _reasons(app)
    finally:
        app.close()

    assert "it voids entry 1, an Identified: no correctable entry" in reasons
