"""Read model ``households``: each household's state, its assistance periods, exit steps,
income assessments.

Tables: ``pj_households`` (one row per household), ``pj_periods`` (from registration or
return to exit: when the household is assisted), ``pj_exit_steps`` (one row per exit step, by
exit cycle), ``pj_incomes`` (one row per assessment; ``voided`` once corrected).
"""

from __future__ import annotations

from projections.engine import Fact, ReadModel
from projections.storage import Database

__all__ = ["MODEL"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pj_households (aggregate_id TEXT PRIMARY KEY, "
    "number TEXT UNIQUE, street TEXT, village TEXT, area TEXT, members INTEGER, "
    "labour INTEGER, willing INTEGER, disabled INTEGER, key_target INTEGER, stage TEXT, "
    "identified_on TEXT, identified_by TEXT, reviewed_on TEXT, notice_start TEXT, "
    "notice_end TEXT, signed_on TEXT, signed_version INTEGER, registered_on TEXT, "
    "registered_by TEXT, agreement_on TEXT, exit_cycle INTEGER, exit_year INTEGER, "
    "exited_on TEXT, returned_on TEXT, plan_year INTEGER)",
    "CREATE TABLE IF NOT EXISTS pj_periods (aggregate_id TEXT, version INTEGER, "
    "household TEXT, started_on TEXT, ended_on TEXT, PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_exit_steps (aggregate_id TEXT, version INTEGER, "
    "household TEXT, exit_cycle INTEGER, step TEXT, effective TEXT, notice_start TEXT, "
    "notice_end TEXT, recorded_by TEXT, year INTEGER, PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_incomes (aggregate_id TEXT, version INTEGER, "
    "household TEXT, year INTEGER, income_fen INTEGER, assessed_on TEXT, recorded_by TEXT, "
    "voided INTEGER, PRIMARY KEY (aggregate_id, version))",
)


def _set(db: Database, fact: Fact, assignments: str, *values: object) -> None:
    db.execute(
        f"UPDATE pj_households SET {assignments} WHERE aggregate_id = ?",
        (*values, fact.aggregate_id),
    )


def _number(db: Database, fact: Fact) -> str:
    row = db.one("SELECT number FROM pj_households WHERE aggregate_id = ?", (fact.aggregate_id,))
    return "" if row is None else str(row[0])


def identified(db: Database, fact: Fact) -> None:
    db.execute(
        "INSERT INTO pj_households (aggregate_id, number, street, village, area, members, "
        "labour, willing, disabled, key_target, stage, identified_on, identified_by, exit_cycle) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'identified', ?, ?, 0)",
        (
            fact.aggregate_id,
            fact["number"],
            fact["street"],
            fact["village"],
            fact["area"],
            fact["members"],
            int(fact["labour"]),
            int(fact["willing"]),
            int(fact["disabled"]),
            fact.effective,
            fact.prov.actor,
        ),
    )


def members_changed(db: Database, fact: Fact) -> None:
    _set(db, fact, "members = ?", fact["members"])


def reviewed(db: Database, fact: Fact) -> None:
    stage = "reviewed" if fact["accepted"] else "rejected"
    _set(db, fact, "stage = ?, reviewed_on = ?", stage, fact.effective)


def notice_posted(db: Database, fact: Fact) -> None:
    start, end = fact["start"].isoformat(), fact["end"].isoformat()
    _set(db, fact, "stage = 'under-notice', notice_start = ?, notice_end = ?", start, end)


def objection_resolved(db: Database, fact: Fact) -> None:
    if fact["upheld"]:
        _set(db, fact, "stage = 'rejected'")


def signed(db: Database, fact: Fact) -> None:
    _set(db, fact, "signed_on = ?, signed_version = ?", fact.effective, fact.version)


def registered(db: Database, fact: Fact) -> None:
    _set(
        db,
        fact,
        "stage = 'registered', key_target = ?, registered_on = ?, registered_by = ?",
        int(fact["key_target"]),
        fact.effective,
        fact.prov.actor,
    )
    _open_period(db, fact)


def _open_period(db: Database, fact: Fact) -> None:
    db.execute(
        "INSERT INTO pj_periods VALUES (?, ?, ?, ?, NULL)",
        (fact.aggregate_id, fact.version, _number(db, fact), fact.effective),
    )


def agreement_signed(db: Database, fact: Fact) -> None:
    _set(db, fact, "agreement_on = ?", fact.effective)


def income_assessed(db: Database, fact: Fact) -> None:
    db.execute(
        "INSERT INTO pj_incomes VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        (
            fact.aggregate_id,
            fact.version,
            _number(db, fact),
            fact["year"],
            fact["income_fen"],
            fact.effective,
            fact.prov.actor,
        ),
    )


def _exit_step(db: Database, fact: Fact, step: str, start: str | None, end: str | None) -> None:
    row = db.one(
        "SELECT number, exit_cycle, exit_year FROM pj_households WHERE aggregate_id = ?",
        (fact.aggregate_id,),
    )
    if row is None:
        return
    db.execute(
        "INSERT INTO pj_exit_steps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fact.aggregate_id,
            fact.version,
            row[0],
            row[1],
            step,
            fact.effective,
            start,
            end,
            fact.prov.actor,
            row[2],
        ),
    )


def exit_proposed(db: Database, fact: Fact) -> None:
    _set(db, fact, "exit_year = ?", fact["year"])
    _exit_step(db, fact, "proposed", None, None)


def exit_noticed(db: Database, fact: Fact) -> None:
    _exit_step(db, fact, "noticed", fact["start"].isoformat(), fact["end"].isoformat())


def exit_advanced(db: Database, fact: Fact) -> None:
    _exit_step(db, fact, fact["step"], None, None)
    if fact["step"] == "approved":
        _set(db, fact, "stage = 'exited', exited_on = ?", fact.effective)
        db.execute(
            "UPDATE pj_periods SET ended_on = ? WHERE aggregate_id = ? AND ended_on IS NULL",
            (fact.effective, fact.aggregate_id),
        )


def return_advanced(db: Database, fact: Fact) -> None:
    if fact["step"] != "approved":
        return
    _set(
        db,
        fact,
        "stage = 'returned', returned_on = ?, plan_year = ?, exit_cycle = exit_cycle + 1, "
        "exit_year = NULL",
        fact.effective,
        fact.prov.effective.year + 1,
    )
    _open_period(db, fact)


def corrected(db: Database, fact: Fact) -> None:
    """A correction voids a signature or an income assessment of this household."""
    version = fact["corrects"]
    db.execute(
        "UPDATE pj_incomes SET voided = 1 WHERE aggregate_id = ? AND version = ?",
        (fact.aggregate_id, version),
    )
    db.execute(
        "UPDATE pj_households SET signed_on = NULL WHERE aggregate_id = ? AND signed_version = ?",
        (fact.aggregate_id, version),
    )


MODEL = ReadModel(
    name="households",
    tables=("pj_households", "pj_periods", "pj_exit_steps", "pj_incomes"),
    schema=SCHEMA,
    handlers={
        "Identified": identified,
        "MembersChanged": members_changed,
        "Reviewed": reviewed,
        "NoticePosted": notice_posted,
        "ObjectionResolved": objection_resolved,
        "Signed": signed,
        "Registered": registered,
        "AgreementSigned": agreement_signed,
        "IncomeAssessed": income_assessed,
        "ExitProposed": exit_proposed,
        "ExitNoticed": exit_noticed,
        "ExitAdvanced": exit_advanced,
        "ReturnAdvanced": return_advanced,
        "Corrected": corrected,
    },
)
