"""Household dossier 一户一档: a household's current state, from the read models.

Personal data (name, ID-card number, phone, address) is not in the read models: the dossier
shows what analysts may see. ``fupin history`` shows the full, attributed timeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from ledger.errors import NotFoundError
from ledger.typed import key_hint

from projections.storage import Database

__all__ = ["COLUMNS", "dossier", "imported_said", "say_imported"]

#: Each list section's columns, in order (a CSV or table of an empty one still has its header).
#: ``imported_by`` beside ``recorded_by``: who recorded the entry for its officer, an admin
#: importing the officer's rows (None when the officer recorded it; since session 29: only
#: ``fupin history`` said so, and an inspector reading the dossier took it for the officer's);
#: so ``paired_imported_by`` beside ``paired_by``, and the facts' ``closed_imported_by`` beside
#: ``closed_by`` (schema 33).
COLUMNS: dict[str, tuple[str, ...]] = {
    "helpers": (
        *("helper", "role", "paired_on", "paired_by", "paired_imported_by", "unpaired_on"),
        "replacement",
    ),
    "visits": ("helper", "visited_on", "recorded_by", "imported_by"),
    "measures": (
        *("measure_id", "category", "description", "budget_fen", "planned_on", "completed_on"),
    ),
    # ``in_force``: the year's assessment in force as of the view's day, its latest by date
    # (since session 23: one entered late, dated earlier, was listed like the one in force).
    "incomes": ("year", "income_fen", "assessed_on", "recorded_by", "imported_by", "in_force"),
    "exit_steps": ("exit_cycle", "step", "effective", "year", "recorded_by", "imported_by"),
    # A return to poverty 返贫, step by step, and a withdrawal with its reason (since session
    # 23: only ``fupin history`` showed them).
    "return_steps": (
        *("return_cycle", "step", "effective", "disaster", "authority", "reason", "recorded_by"),
        "imported_by",
    ),
    "funds": ("account", "measure_id", "category", "amount_fen", "paid_on", "village"),
    # Its moves 迁移 to another village of its street (since session 25); a voided one has none.
    "moves": ("effective", "from_village", "to_village", "reason", "recorded_by", "imported_by"),
    # Its workers' jobs 就业 with an enterprise or cooperative [四(十一)], one a row: since when,
    # ended when (none: still employed); a voided one has none (since session 23: no report
    # or dossier showed employment, testers of session 22).
    "employment": ("enterprise", "name", "since", "ended_on"),
    # An inspection's findings about the household (tester V, session 19: an inspector had to
    # query pj_findings to see them); a finding voided by a correction has no row.
    # ``overdue``: its deadline passed by the dossier's day unrectified, or it was rectified
    # after it, as ``report accountability``'s overdue_findings (since session 27: only that
    # report said so, and a dossier showed a deadline of 2018 with no rectification silently).
    "findings": (
        *("inspection", "finding", "description", "deadline", "recorded_on", "recorded_by"),
        *("imported_by", "rectified_on", "closed_on", "overdue"),
    ),
}

_HOUSEHOLD = (
    "SELECT aggregate_id, number, street, village, area, members, labour, willing, disabled, "
    "key_target, stage, identified_on, reviewed_on, notice_start, notice_end, signed_on, "
    "registered_on, agreement_on, exit_year, exited_on, returned_on, plan_year, "
    # the closure 注销 in force (since session 25): null while the household is open
    "closed_on, closed_because, closed_into, closed_by, closed_imported_by, closed_document, "
    "closed_reason "
    "FROM pj_households WHERE number = ?"
)
_NUMBER = "SELECT number FROM pj_households WHERE number = ?"
_FLAGS = ("labour", "willing", "disabled", "key_target")


def imported_said(who: Any, importer: Any) -> Any:
    """A "who" cell in ``fupin history``'s words: ``jn-01, imported by admin`` when the district
    office (``importer``) recorded the entry for the officer ``who``; ``who`` alone when the
    officer recorded it (``importer`` None or empty)."""
    return f"{who}, imported by {importer}" if importer else who


def say_imported(rows: Iterable[dict[str, Any]], pairs: Mapping[str, str]) -> None:
    """Each row's "who" column (a key of ``pairs``) ``imported_said`` with the column beside it
    (its value), which leaves the row: a table's cell and the HTML report's, where a column
    empty for every entry the officer recorded would be noise (JSON and CSV keep it)."""
    for row in rows:
        for who, importer in pairs.items():
            by = row.pop(importer, None)
            if who in row:
                row[who] = imported_said(row[who], by)


def dossier(db: Database, number: str, today: date | None = None) -> dict[str, Any]:
    """The household's dossier as of ``today`` (the view's day: its findings' deadlines are
    judged by it); see docs/reports.md for the JSON shape."""
    rows = db.dicts(_HOUSEHOLD, (number,))
    if not rows:
        # Hinted as the casework commands' lookups are (``LedgerCore.load``): 'JN-P1 ' is JN-P1,
        # and 'jn-p1' typed with Caps Lock is JN-P1 on record (tester U, session 22).
        # Since session 29 (brief a, session 30) the width first, then the case: 'ｊｎ-p1' is
        # JN-P1 on record.
        hint = key_hint(number, lambda other: bool(db.dicts(_NUMBER, (other,))))
        raise NotFoundError("household", f"no household {number!r} on record{hint}")
    household = rows[0]
    key = (household.pop("aggregate_id"),)
    for flag in _FLAGS:
        household[flag] = bool(household[flag])
    helpers = db.dicts(
        "SELECT helper, role, paired_on, paired_by, paired_imported_by, unpaired_on, "
        "replacement FROM pj_pairings WHERE aggregate_id = ? ORDER BY paired_on, helper",
        key,
    )
    closed_on = household["closed_on"]
    if closed_on is not None:
        # A closure ends the household's pairings on its date (since session 25: a closed
        # household's helpers were listed as still paired); the read model keeps the
        # unpairings recorded, so the accountability reports count no closure as one.
        for helper in helpers:
            if helper["unpaired_on"] is None:
                helper["unpaired_on"] = closed_on
    return {
        "household": household,
        "helpers": helpers,
        "visits": db.dicts(
            "SELECT helper, visited_on, recorded_by, imported_by FROM pj_visits "
            "WHERE aggregate_id = ? AND voided = 0 ORDER BY visited_on, version",
            key,
        ),
        "measures": db.dicts(
            "SELECT measure_id, category, description, budget_fen, planned_on, completed_on "
            "FROM pj_measures WHERE aggregate_id = ? ORDER BY planned_on, measure_id",
            key,
        ),
        "incomes": _incomes(db, key),
        "exit_steps": db.dicts(
            "SELECT exit_cycle, step, effective, year, recorded_by, imported_by FROM pj_exit_steps "
            "WHERE aggregate_id = ? ORDER BY version",
            key,
        ),
        "return_steps": db.dicts(
            "SELECT return_cycle, step, effective, disaster, authority, reason, recorded_by, "
            "imported_by FROM pj_return_steps WHERE aggregate_id = ? ORDER BY version",
            key,
        ),
        "funds": db.dicts(
            "SELECT account, measure_id, category, amount_fen, paid_on, village "
            "FROM pj_disbursements "
            "WHERE household = ? AND voided = 0 ORDER BY paid_on, version",
            (number,),
        ),
        "moves": db.dicts(
            "SELECT effective, from_village, to_village, reason, recorded_by, imported_by "
            "FROM pj_moves "
            "WHERE aggregate_id = ? AND voided = 0 ORDER BY effective, version",
            key,
        ),
        "employment": db.dicts(
            "SELECT e.enterprise, COALESCE(h.name, '') AS name, e.since, e.ended_on "
            "FROM pj_employment e LEFT JOIN pj_helpers h ON h.helper = e.enterprise "
            "WHERE e.household = ? AND e.voided = 0 ORDER BY e.since, e.version",
            (number,),
        ),
        "findings": _findings(db, number, today),
    }


def _findings(db: Database, number: str, today: date | None) -> list[dict[str, Any]]:
    """The findings about the household, each saying whether it is overdue."""
    rows = db.dicts(
        "SELECT inspection, finding_id AS finding, description, deadline, recorded_on, "
        "recorded_by, imported_by, rectified_on, closed_on FROM pj_findings "
        "WHERE subject_kind = 'household' AND subject = ? "
        "ORDER BY recorded_on, inspection, finding_id",
        (number,),
    )
    for row in rows:
        row["overdue"] = overdue(row, today)
    return rows


def overdue(finding: dict[str, Any], today: date | None) -> bool:
    """A finding whose deadline is before ``today`` and which was not rectified by it (not
    at all, or later): the rule of ``report accountability``'s overdue_findings."""
    deadline = str(finding["deadline"])
    rectified = finding["rectified_on"]
    return (
        today is not None
        and deadline < today.isoformat()
        and (rectified is None or str(rectified) > deadline)
    )


#: A household's live assessments; one is in force when no live assessment of its year is
#: dated later, or on its day and entered after it (``Household._income_assessed``). The view
#: holds the assessments effective by its day, so it is the one in force as of that day.
_INCOMES = (
    "SELECT year, income_fen, assessed_on, recorded_by, imported_by, "
    "NOT EXISTS (SELECT 1 FROM pj_incomes o "
    "WHERE o.aggregate_id = i.aggregate_id AND o.year = i.year AND o.voided = 0 AND "
    "(o.assessed_on > i.assessed_on OR (o.assessed_on = i.assessed_on AND o.version > i.version)))"
    " AS in_force FROM pj_incomes i WHERE i.aggregate_id = ? AND i.voided = 0 "
    "ORDER BY year, assessed_on, version"
)


def _incomes(db: Database, key: tuple[Any, ...]) -> list[dict[str, Any]]:
    """The household's income assessments, each saying whether it is its year's in force."""
    rows = db.dicts(_INCOMES, key)
    for row in rows:
        row["in_force"] = bool(row["in_force"])
    return rows
