"""Read model ``casework``: pairings with the 4+1 helpers, visits, measures, employment.

Tables: ``pj_pairings`` (one row per pairing; ``unpaired_on`` once it ends, cleared again when
the unpairing is voided; none for one voided by a correction, nor for a replacement whose
unpairing was), ``pj_unpairings`` (the entry of each unpairing, the pairing row it ended and
its day, for a correction that voids it), ``pj_visits``
(one row per visit; ``voided`` once corrected), ``pj_measures`` (one row per planned measure;
completion cleared when corrected; none for one voided by a correction), ``pj_measure_entries``
(the entry that planned each measure and its day, for a correction that voids it),
``pj_employment`` (registered poor workers employed by an
enterprise or cooperative [四(十一)]; ``ended_on`` cleared again when the end is voided),
``pj_employment_ends`` (the entry of each end of an employment, the employment row it ended
and its day, for a correction that voids it: since session 24), ``pj_agreements`` (every
assistance agreement 扶贫协议 signed, by effective date: ``pj_households`` keeps the latest
only), ``pj_exit_bases`` (each exit proposal's year and the income its event carries: the
assessment the exit rests on, ``ledger.household``).

Applied after ``households`` in the same transaction: pairings read the household's number
and street from ``pj_households``, and whether an unpairing came before the exit from its
assisted periods in ``pj_periods`` (by effective date: ``households.out_on``).
"""

from __future__ import annotations

from projections.engine import Fact, ReadModel
from projections.households import assisted_periods, before_exit, out_on, place, voided_return
from projections.reference import helper_of
from projections.storage import Database

__all__ = ["MODEL"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pj_pairings (aggregate_id TEXT, version INTEGER, "
    "household TEXT, street TEXT, helper TEXT, role TEXT, paired_on TEXT, paired_by TEXT, "
    "paired_imported_by TEXT, unpaired_on TEXT, unpaired_by TEXT, unpaired_imported_by TEXT, "
    "reason TEXT, replacement TEXT, before_exit INTEGER, "
    "PRIMARY KEY (aggregate_id, version, helper))",
    "CREATE TABLE IF NOT EXISTS pj_unpairings (aggregate_id TEXT, version INTEGER, "
    "helper TEXT, pairing_version INTEGER, unpaired_on TEXT, "
    "PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_visits (aggregate_id TEXT, version INTEGER, "
    "household TEXT, street TEXT, helper TEXT, visited_on TEXT, recorded_by TEXT, "
    "imported_by TEXT, voided INTEGER, PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_measures (aggregate_id TEXT, measure_id TEXT, "
    "household TEXT, category TEXT, description TEXT, budget_fen INTEGER, planned_on TEXT, "
    "completed_on TEXT, completed_version INTEGER, PRIMARY KEY (aggregate_id, measure_id))",
    "CREATE TABLE IF NOT EXISTS pj_measure_entries (aggregate_id TEXT, version INTEGER, "
    "measure_id TEXT, planned_on TEXT, PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_employment (aggregate_id TEXT, version INTEGER, "
    "enterprise TEXT, household TEXT, since TEXT, ended_on TEXT, voided INTEGER, "
    "PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_employment_ends (aggregate_id TEXT, version INTEGER, "
    "employment_version INTEGER, ended_on TEXT, PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_agreements (aggregate_id TEXT, version INTEGER, "
    "signed_on TEXT, PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_exit_bases (aggregate_id TEXT, version INTEGER, "
    "year INTEGER, income_fen INTEGER, basis INTEGER, PRIMARY KEY (aggregate_id, version))",
)


def _pair(db: Database, fact: Fact, helper: str, role: str) -> None:
    number, street = place(db, fact.aggregate_id)
    db.write(
        "INSERT INTO pj_pairings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, "
        "NULL)",
        (
            fact.aggregate_id,
            fact.version,
            number,
            street,
            helper,
            role,
            fact.effective,
            fact.actor,
            fact.imported_by,
        ),
    )


def exit_approved(db: Database, fact: Fact) -> None:
    """An exit approval entered after an unpairing dated on or after it: that pairing did not
    end before the exit (不脱贫不脱钩 is judged by effective date, however late either came).
    The latest exit, with no return after it yet, is in force on every day from its own."""
    if fact["step"] == "approved":
        db.write(
            "UPDATE pj_pairings SET before_exit = 0 WHERE aggregate_id = ? AND before_exit = 1 "
            "AND unpaired_on >= ?",
            (fact.aggregate_id, fact.effective),
        )


def return_approved(db: Database, fact: Fact) -> None:
    """A return approval entered after an unpairing dated on or after it: the household was
    assisted again that day, so the pairing ended before its next exit. Only unpairings dated
    from the return on can change; each is judged again as ``before_exit`` judges it, so one
    dated while the exit was still in force stays out (the return ends that exit, not an
    earlier one)."""
    if fact["step"] == "approved":
        _judge_unpairings(db, fact.aggregate_id, fact.effective)


def _judge_unpairings(db: Database, aggregate_id: str, since: str) -> None:
    """Each unpairing dated on or after ``since`` judged again as ``before_exit`` judges it,
    after a return approved (or, since session 23, its approval voided: an unpairing dated
    after it, entered before it, is no early one again)."""
    ended = db.rows(
        "SELECT version, helper, unpaired_on, before_exit FROM pj_pairings "
        "WHERE aggregate_id = ? AND unpaired_on >= ?",
        (aggregate_id, since),
    )
    if not ended:
        return
    periods = assisted_periods(db, aggregate_id)
    for version, helper, unpaired_on, was in ended:
        early = int(not out_on(periods, str(unpaired_on)))
        if early != was:
            db.write(
                "UPDATE pj_pairings SET before_exit = ? WHERE aggregate_id = ? AND version = ? "
                "AND helper = ?",
                (early, aggregate_id, version, helper),
            )


def agreement_signed(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_agreements VALUES (?, ?, ?)",
        (fact.aggregate_id, fact.version, fact.effective),
    )


def exit_proposed(db: Database, fact: Fact) -> None:
    """The proposal's year, the income its event carries and the assessment it rests on (its
    version: None in an event recorded before session 21, whose income and the assessments
    recorded before it say which, as the ledger reads it)."""
    db.write(
        "INSERT INTO pj_exit_bases VALUES (?, ?, ?, ?, ?)",
        (
            fact.aggregate_id,
            fact.version,
            fact["year"],
            fact["income_fen"],
            fact.get("basis") or None,
        ),
    )


def helper_paired(db: Database, fact: Fact) -> None:
    _pair(db, fact, fact["helper"], fact["role"])


def helper_unpaired(db: Database, fact: Fact) -> None:
    early = before_exit(db, fact.aggregate_id, fact.effective)
    row = db.one(
        "SELECT role, version FROM pj_pairings WHERE aggregate_id = ? AND helper = ? "
        "AND unpaired_on IS NULL",
        (fact.aggregate_id, fact["helper"]),
    )
    db.write(
        "INSERT INTO pj_unpairings VALUES (?, ?, ?, ?, ?)",
        (
            fact.aggregate_id,
            fact.version,
            fact["helper"],
            None if row is None else row[1],
            fact.effective,
        ),
    )
    db.write(
        "UPDATE pj_pairings SET unpaired_on = ?, unpaired_by = ?, unpaired_imported_by = ?, "
        "reason = ?, replacement = ?, before_exit = ? WHERE aggregate_id = ? AND helper = ? "
        "AND unpaired_on IS NULL",
        (
            fact.effective,
            fact.actor,
            fact.imported_by,
            fact["reason"],
            fact["replacement"],
            int(early),
            fact.aggregate_id,
            fact["helper"],
        ),
    )
    if fact["replacement"] and row is not None:
        _pair(db, fact, fact["replacement"], str(row[0]))


def visit_recorded(db: Database, fact: Fact) -> None:
    number, street = place(db, fact.aggregate_id)
    db.write(
        "INSERT INTO pj_visits VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
        (
            fact.aggregate_id,
            fact.version,
            number,
            street,
            fact["helper"],
            fact.effective,
            fact.actor,
            fact.imported_by,
        ),
    )


def measure_planned(db: Database, fact: Fact) -> None:
    measure = fact.record("measure")  # a ledger.household.Measure
    db.write(
        "INSERT INTO pj_measures VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
        (
            fact.aggregate_id,
            measure["measure_id"],
            place(db, fact.aggregate_id)[0],
            measure["category"],
            measure["description"],
            measure["budget_fen"],
            fact.effective,
        ),
    )
    db.write(
        "INSERT INTO pj_measure_entries VALUES (?, ?, ?, ?)",
        (fact.aggregate_id, fact.version, measure["measure_id"], fact.effective),
    )


def measure_completed(db: Database, fact: Fact) -> None:
    db.write(
        "UPDATE pj_measures SET completed_on = ?, completed_version = ? "
        "WHERE aggregate_id = ? AND measure_id = ?",
        (fact.effective, fact.version, fact.aggregate_id, fact["measure_id"]),
    )


def worker_employed(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_employment VALUES (?, ?, ?, ?, ?, NULL, 0)",
        (
            fact.aggregate_id,
            fact.version,
            helper_of(db, fact.aggregate_id),
            fact["household"],
            fact.iso("since"),
        ),
    )


def employment_ended(db: Database, fact: Fact) -> None:
    running = (fact.aggregate_id, fact["household"])
    ended = db.one(
        "SELECT version FROM pj_employment WHERE aggregate_id = ? AND household = ? "
        "AND ended_on IS NULL AND voided = 0 ORDER BY version DESC",
        running,
    )
    db.write(
        "UPDATE pj_employment SET ended_on = ? WHERE aggregate_id = ? AND household = ? "
        "AND ended_on IS NULL AND voided = 0",
        (fact.effective, *running),
    )
    if ended is not None:
        db.write(
            "INSERT INTO pj_employment_ends VALUES (?, ?, ?, ?)",
            (fact.aggregate_id, fact.version, ended[0], fact.effective),
        )


def corrected(db: Database, fact: Fact) -> None:
    """A correction voids a visit, a measure or its completion, an agreement, an employment or a
    pairing. A voided pairing never happened: its row goes (missed visits, missing roles and the
    caseload's ``paired`` read the rows there are); so do a voided measure's and agreement's
    (the accountability report's "no measure" and "no agreement" read them;
    ``pj_measure_entries`` names the measure an entry planned). A pairing's row has the
    version of the entry that began it: its ``HelperPaired``, or the ``HelperUnpaired`` that
    named a replacement. A voided unpairing never happened either (since session 21): the
    replacement's row goes, and the row of the pairing it ended (``pj_unpairings``) runs
    again, as if never ended (no early unpairing; visits owed as before)."""
    version = fact["corrects"]
    key = (fact.aggregate_id, version)
    db.write("DELETE FROM pj_pairings WHERE aggregate_id = ? AND version = ?", key)
    db.write(
        "UPDATE pj_pairings SET unpaired_on = NULL, unpaired_by = NULL, "
        "unpaired_imported_by = NULL, reason = NULL, replacement = NULL, before_exit = NULL "
        "WHERE EXISTS (SELECT 1 FROM pj_unpairings u "
        "WHERE u.aggregate_id = ? AND u.version = ? AND u.aggregate_id = pj_pairings.aggregate_id "
        "AND u.pairing_version = pj_pairings.version AND u.helper = pj_pairings.helper)",
        key,
    )
    db.write("DELETE FROM pj_unpairings WHERE aggregate_id = ? AND version = ?", key)
    db.write("UPDATE pj_visits SET voided = 1 WHERE aggregate_id = ? AND version = ?", key)
    db.write(
        "UPDATE pj_measures SET completed_on = NULL, completed_version = NULL "
        "WHERE aggregate_id = ? AND completed_version = ?",
        key,
    )
    db.write("UPDATE pj_employment SET voided = 1 WHERE aggregate_id = ? AND version = ?", key)
    # a voided end (since session 24): the employment it ended runs again
    db.write(
        "UPDATE pj_employment SET ended_on = NULL WHERE EXISTS (SELECT 1 FROM "
        "pj_employment_ends x WHERE x.aggregate_id = ? AND x.version = ? "
        "AND x.aggregate_id = pj_employment.aggregate_id "
        "AND x.employment_version = pj_employment.version)",
        key,
    )
    db.write("DELETE FROM pj_employment_ends WHERE aggregate_id = ? AND version = ?", key)
    db.write(
        "DELETE FROM pj_measures WHERE aggregate_id = ? AND measure_id IN (SELECT measure_id "
        "FROM pj_measure_entries WHERE aggregate_id = ? AND version = ?)",
        (fact.aggregate_id, *key),
    )
    db.write("DELETE FROM pj_agreements WHERE aggregate_id = ? AND version = ?", key)
    returned = voided_return(db, fact.aggregate_id, version)
    if returned is not None:
        _judge_unpairings(db, fact.aggregate_id, returned)


MODEL = ReadModel(
    name="casework",
    tables=(
        *("pj_pairings", "pj_visits", "pj_measures", "pj_measure_entries", "pj_employment"),
        "pj_employment_ends",
        *("pj_agreements", "pj_exit_bases", "pj_unpairings"),
    ),
    schema=SCHEMA,
    handlers={
        "HelperPaired": helper_paired,
        "HelperUnpaired": helper_unpaired,
        "AgreementSigned": agreement_signed,
        "ExitProposed": exit_proposed,
        "ExitAdvanced": exit_approved,
        "ReturnAdvanced": return_approved,
        "VisitRecorded": visit_recorded,
        "MeasurePlanned": measure_planned,
        "MeasureCompleted": measure_completed,
        "WorkerEmployed": worker_employed,
        "EmploymentEnded": employment_ended,
        "Corrected": corrected,
    },
)
