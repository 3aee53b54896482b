"""Read model ``oversight``: inspections 督查, findings with their rectification deadline
限期整改, notices 通报 and leadership talks 约谈 [六(三)、(七)].

Tables: ``pj_inspections``, ``pj_findings`` (one row per finding, with when it was
rectified and closed), ``pj_talks``, ``pj_criticisms``; ``pj_finding_entries`` names the entry
(version) that recorded each finding, with its day; ``pj_finding_steps`` each rectification
report 整改 and close 销号 in force, by entry. A correction voiding a finding, talk or notice
takes its row out: it never happened (the log keeps both entries). One voiding a report or a
close takes its step out, and the finding's ``rectified_on`` (its first report left) and
``closed_on`` follow.
"""

from __future__ import annotations

from projections.engine import Fact, ReadModel
from projections.households import place_of_number
from projections.reference import restate
from projections.storage import Database

__all__ = ["MODEL"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pj_inspections (aggregate_id TEXT PRIMARY KEY, "
    "code TEXT UNIQUE, level TEXT, year INTEGER, street TEXT, scope TEXT, opened_on TEXT, "
    "opened_by TEXT, opened_imported_by TEXT)",
    "CREATE TABLE IF NOT EXISTS pj_findings (aggregate_id TEXT, finding_id TEXT, "
    "inspection TEXT, street TEXT, subject_kind TEXT, subject TEXT, description TEXT, "
    "deadline TEXT, recorded_on TEXT, recorded_by TEXT, imported_by TEXT, rectified_on TEXT, "
    "closed_on TEXT, "
    "PRIMARY KEY (aggregate_id, finding_id))",
    # A household's findings (its dossier, session 19) without a scan of every finding.
    "CREATE INDEX IF NOT EXISTS pj_findings_subject ON pj_findings (subject_kind, subject)",
    "CREATE TABLE IF NOT EXISTS pj_talks (aggregate_id TEXT, version INTEGER, "
    "inspection TEXT, street TEXT, year INTEGER, reason TEXT, held_on TEXT, held_by TEXT, "
    "held_imported_by TEXT, "
    "PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_criticisms (aggregate_id TEXT, version INTEGER, "
    "inspection TEXT, unit TEXT, reason TEXT, noticed_on TEXT, noticed_by TEXT, "
    "noticed_imported_by TEXT, "
    "PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_finding_entries (aggregate_id TEXT, version INTEGER, "
    "finding_id TEXT, recorded_on TEXT, PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_finding_steps (aggregate_id TEXT, version INTEGER, "
    "finding_id TEXT, step TEXT, step_on TEXT, PRIMARY KEY (aggregate_id, version))",
)


def _inspection(db: Database, fact: Fact) -> tuple[str, str]:
    """The inspection's code and street ('' if unknown): written once by
    ``inspection_opened``, which remembers them for the rest of the transaction, so one not
    remembered is read as stored."""
    inspections = db.memo("oversight.inspection")
    found: tuple[str, str] | None = inspections.get(fact.aggregate_id)
    if found is None:
        row = db.peek(
            "SELECT code, street FROM pj_inspections WHERE aggregate_id = ?", (fact.aggregate_id,)
        )
        if row is None:
            return ("", "")
        found = inspections[fact.aggregate_id] = (str(row[0]), str(row[1]))
    return found


def inspection_opened(db: Database, fact: Fact) -> None:
    code, street = fact["code"], fact["street"]
    db.write(
        "INSERT INTO pj_inspections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fact.aggregate_id,
            code,
            fact["level"],
            fact["year"],
            street,
            fact["scope"],
            fact.effective,
            fact.actor,
            fact.imported_by,
        ),
    )
    db.memo("oversight.inspection")[fact.aggregate_id] = (code, street)


#: The street of a finding's account or officer subject, from their read models (which every
#: event reaches first: the models handle each event in turn).
_STREET_OF = {
    "account": "SELECT street FROM pj_accounts WHERE code = ?",
    "officer": "SELECT street FROM pj_officers WHERE officer = ?",
}


def finding_recorded(db: Database, fact: Fact) -> None:
    code, street = _inspection(db, fact)
    if fact["subject_kind"] == "street":
        street = fact["subject"]
    elif fact["subject_kind"] == "household":
        found = place_of_number(db, fact["subject"])
        street = found[0] if found is not None else street
    elif fact["subject_kind"] in _STREET_OF and not street:
        # A district inspection's finding about a street's account or officer is that
        # street's, as its rectification is (tester V, session 19: the overdue list left the
        # street blank).
        found_street = db.one(_STREET_OF[fact["subject_kind"]], (fact["subject"],))
        street = str(found_street[0] or "") if found_street is not None else street
    elif fact["subject_kind"] == "village" and not street:
        # A district inspection's village finding: the street the village is in (when only
        # one street has a village of that name).
        streets = db.rows("SELECT street FROM pj_villages WHERE village = ?", (fact["subject"],))
        street = str(streets[0][0]) if len(streets) == 1 else street
    db.write(
        "INSERT INTO pj_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
        (
            fact.aggregate_id,
            fact["finding_id"],
            code,
            street,
            fact["subject_kind"],
            fact["subject"],
            fact["description"],
            fact.iso("deadline"),
            fact.effective,
            fact.actor,
            fact.imported_by,
        ),
    )
    db.write(
        "INSERT INTO pj_finding_entries VALUES (?, ?, ?, ?)",
        (fact.aggregate_id, fact.version, fact["finding_id"], fact.effective),
    )


def _step(db: Database, fact: Fact, step: str) -> None:
    db.write(
        "INSERT INTO pj_finding_steps VALUES (?, ?, ?, ?, ?)",
        (fact.aggregate_id, fact.version, fact["finding_id"], step, fact.effective),
    )


def rectification_reported(db: Database, fact: Fact) -> None:
    # The first report dates the rectification, as the inspection itself counts it (a later
    # supplement moved it past the deadline: a finding rectified in time was listed overdue).
    _step(db, fact, "rectified")
    db.write(
        "UPDATE pj_findings SET rectified_on = ? WHERE aggregate_id = ? AND finding_id = ? "
        "AND (rectified_on IS NULL OR rectified_on > ?)",
        (fact.effective, fact.aggregate_id, fact["finding_id"], fact.effective),
    )


def finding_closed(db: Database, fact: Fact) -> None:
    _step(db, fact, "closed")
    db.write(
        "UPDATE pj_findings SET closed_on = ? WHERE aggregate_id = ? AND finding_id = ?",
        (fact.effective, fact.aggregate_id, fact["finding_id"]),
    )


def talk_held(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_talks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fact.aggregate_id,
            fact.version,
            _inspection(db, fact)[0],
            fact["street"],
            fact["year"],
            fact["reason"],
            fact.effective,
            fact.actor,
            fact.imported_by,
        ),
    )


def criticism_noticed(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_criticisms VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fact.aggregate_id,
            fact.version,
            _inspection(db, fact)[0],
            fact["unit"],
            fact["reason"],
            fact.effective,
            fact.actor,
            fact.imported_by,
        ),
    )


def entry_voided(db: Database, fact: Fact) -> None:
    """A correction of an inspection's entry (``Inspection.VOIDABLE``) takes its row out: by
    (aggregate id, version), unique across every kind (a ``Corrected`` fact's kind is the base
    class's, whatever the aggregate's). Another record's correction writes nothing here: its
    id is no inspection's (``_inspection``, remembered or one indexed read), so the queued
    writes of a page with a household's correction still go out in batches."""
    if not _inspection(db, fact)[0]:
        return
    key = (fact.aggregate_id, fact["corrects"])
    db.write(
        "DELETE FROM pj_findings WHERE aggregate_id = ? AND finding_id IN (SELECT finding_id "
        "FROM pj_finding_entries WHERE aggregate_id = ? AND version = ?)",
        (fact.aggregate_id, *key),
    )
    db.write("DELETE FROM pj_talks WHERE aggregate_id = ? AND version = ?", key)
    db.write("DELETE FROM pj_criticisms WHERE aggregate_id = ? AND version = ?", key)
    # A voided report or close: its finding's first report and close are those left.
    db.write(_STEPS_LEFT, (fact["corrects"], fact["corrects"], fact.aggregate_id, *key))
    db.write("DELETE FROM pj_finding_steps WHERE aggregate_id = ? AND version = ?", key)


#: A finding's rectification day and close day from its steps in force but the one a
#: correction voids (its version, twice), for the finding whose step that is.
_STEPS_LEFT = (
    "UPDATE pj_findings SET "
    "rectified_on = (SELECT MIN(s.step_on) FROM pj_finding_steps s WHERE s.aggregate_id = "
    "pj_findings.aggregate_id AND s.finding_id = pj_findings.finding_id "
    "AND s.step = 'rectified' AND s.version <> ?), "
    "closed_on = (SELECT MAX(s.step_on) FROM pj_finding_steps s WHERE s.aggregate_id = "
    "pj_findings.aggregate_id AND s.finding_id = pj_findings.finding_id "
    "AND s.step = 'closed' AND s.version <> ?) "
    "WHERE aggregate_id = ? AND finding_id = "
    "(SELECT finding_id FROM pj_finding_steps WHERE aggregate_id = ? AND version = ?)"
)


#: The inspection columns an ``Amended`` event restates (``Inspection.AMENDABLE``).
_INSPECTION_FIELDS = ("year", "street", "scope")


def inspection_amended(db: Database, fact: Fact) -> None:
    """An amendment restates an inspection's year, street or scope, from its opening on (a
    street only while nothing stands under it: no finding, talk or notice row to move).
    Another record's amendment matches no row here."""
    code = _inspection(db, fact)[0]
    if code and restate(db, "pj_inspections", _INSPECTION_FIELDS, fact):
        street = fact["changes"].get("street")
        if street is not None:
            db.memo("oversight.inspection")[fact.aggregate_id] = (code, street)


MODEL = ReadModel(
    name="oversight",
    tables=(
        "pj_inspections",
        "pj_findings",
        "pj_talks",
        "pj_criticisms",
        "pj_finding_entries",
        "pj_finding_steps",
    ),
    schema=SCHEMA,
    handlers={
        "InspectionOpened": inspection_opened,
        "FindingRecorded": finding_recorded,
        "RectificationReported": rectification_reported,
        "FindingClosed": finding_closed,
        "LeadershipTalkHeld": talk_held,
        "CriticismNoticed": criticism_noticed,
        "Corrected": entry_voided,
        "Amended": inspection_amended,
    },
)
