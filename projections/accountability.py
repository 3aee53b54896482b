"""Accountability report 责任追究: where the plan's rules were not kept, naming the households,
helpers, officers and streets concerned. Each section and the rule behind it (with the plan's
section) is described in docs/reports.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import MAXYEAR, date
from functools import cache
from itertools import chain
from typing import Any

from ledger.programme import ProgrammeRules, YearParameters

from projections.rules import (
    closing_day,
    cumulative_targets,
    exit_threshold,
    income_known_from,
    quarter_bounds,
    quarter_of,
    read_rules,
    year_parameters,
)
from projections.storage import Database, Row

__all__ = ["COLUMNS", "ROLES", "SECTIONS", "accountability"]

SECTIONS = (
    "missed_visits",
    "missing_roles",
    "registration_faults",
    "exit_faults",
    "plan",
    "talks_due",
    "overdue_findings",
    "early_unpairings",
)

#: Each section's columns, in order (a CSV or table of an empty section still has its header).
COLUMNS: dict[str, tuple[str, ...]] = {
    "missed_visits": ("quarter", "helper", "role", "household", "street", "paired_by"),
    "missing_roles": ("household", "street", "village", "missing_roles", "registered_by"),
    "registration_faults": (
        *("household", "street", "fault", "detail"),
        *("notice_days", "registered_on", "registered_by"),
    ),
    "exit_faults": ("household", "street", "recorded_by", "year", "fault", "detail"),
    "plan": (
        *("street", "year", "key_targets", "target", "exits", "late_exits"),
        *("cumulative_target", "cumulative_exits", "year_over", "due_talk", "talk_held"),
    ),
    "talks_due": (
        *("street", "year", "target", "exits", "late_exits"),
        *("cumulative_target", "cumulative_exits", "talk_held"),
    ),
    "overdue_findings": (
        *("inspection", "finding", "street", "subject_kind", "subject"),
        *("deadline", "recorded_by", "rectified_on"),
    ),
    "early_unpairings": (
        *("household", "street", "helper", "role", "replacement"),
        *("reason", "unpaired_on", "unpaired_by"),
    ),
}

#: The four helper roles of the 4+1 model (the "+1" is the household itself) [四(二)].
ROLES = ("cadre", "enterprise", "social-worker", "volunteer-team")

_EXIT_ORDER = ("proposed", "verified", "noticed", "approved")


def accountability(db: Database, today: date | None) -> dict[str, Any]:
    """Every accountability section; ``today`` is the day the report speaks of."""
    rules = read_rules(db) or ProgrammeRules()
    plan = _plan(db, rules, today)
    return {
        "missed_visits": _missed_visits(db, today),
        "missing_roles": _missing_roles(db),
        "registration_faults": _registration_faults(db, rules),
        "exit_faults": _exit_faults(db, rules),
        "plan": plan,
        "talks_due": [{k: row[k] for k in COLUMNS["talks_due"]} for row in plan if row["due_talk"]],
        "overdue_findings": _overdue_findings(db, today),
        "early_unpairings": _early_unpairings(db),
    }


# -- visits: each helper at least once a quarter [四(二)] --------------------------------------


#: Households read together by ``_missed_visits`` and ``_exit_faults`` (``_spans``).
VISIT_SLICE = 2_000


def _spans(db: Database, table: str) -> Iterator[tuple[str, str]]:
    """The aggregate ids of ``table`` (one whose primary key starts with ``aggregate_id``) in
    order, ``VISIT_SLICE`` distinct ids at a time, as (first, last) of each slice: every id of
    the table falls in exactly one span."""
    after = ""
    while True:
        ids = db.rows(
            f"SELECT DISTINCT aggregate_id FROM {table} WHERE aggregate_id > ? "
            "ORDER BY aggregate_id LIMIT ?",
            (after, VISIT_SLICE),
        )
        if ids:
            yield ids[0][0], ids[-1][0]
        if len(ids) < VISIT_SLICE:
            return
        after = ids[-1][0]


def _missed_visits(db: Database, today: date | None) -> list[dict[str, Any]]:
    """Every quarter a paired helper did not visit. Households are read a slice of
    ``VISIT_SLICE`` at a time (in aggregate id order, through the tables' primary keys), so
    memory holds one slice's visits, not the ledger's: reading every visit at once took
    2.1 GB at 10 M events (3.5 M visits). The result does not depend on the slice."""
    if today is None:
        return []
    missed: list[dict[str, Any]] = []
    for span in _spans(db, "pj_pairings"):
        missed.extend(_missed_in(db, span, today))
    return sorted(missed, key=lambda m: (m["quarter"], m["helper"], m["household"]))


def _missed_in(db: Database, span: tuple[str, str], today: date) -> list[dict[str, Any]]:
    """``_missed_visits`` for the households whose aggregate ids are within ``span``."""
    visited = {
        (aggregate_id, helper, _quarter_of_iso(day))
        for aggregate_id, helper, day in db.rows(
            "SELECT aggregate_id, helper, visited_on FROM pj_visits "
            "WHERE aggregate_id BETWEEN ? AND ? AND voided = 0",
            span,
        )
    }
    periods = defaultdict(list)
    for aggregate_id, start, end in db.rows(
        "SELECT aggregate_id, started_on, ended_on FROM pj_periods "
        "WHERE aggregate_id BETWEEN ? AND ?",
        span,
    ):
        periods[aggregate_id].append((start, end))
    missed = []
    owed: set[tuple[str, str, tuple[int, int]]] = set()
    for aggregate_id, household, street, helper, role, start, end, officer in db.rows(
        "SELECT aggregate_id, household, street, helper, role, paired_on, unpaired_on, "
        "paired_by FROM pj_pairings WHERE aggregate_id BETWEEN ? AND ? "
        "ORDER BY household, helper, paired_on, version",
        span,
    ):
        for year, quarter in _quarters_due(start, end, periods[aggregate_id], today):
            due = (aggregate_id, helper, (year, quarter))
            if due in owed:  # paired again within the quarter: still one visit owed
                continue
            owed.add(due)
            if due not in visited:
                missed.append(
                    {
                        "quarter": f"{year}Q{quarter}",
                        "helper": helper,
                        "role": role,
                        "household": household,
                        "street": street,
                        "paired_by": officer,
                    }
                )
    return missed


def _quarters_due(
    start: str, end: str | None, periods: list[tuple[str, str | None]], today: date
) -> list[tuple[int, int]]:
    """Quarters fully ended by ``today`` during which the pairing was active while the
    household was assisted (from registration or return to exit)."""
    due: set[tuple[int, int]] = set()
    for period_start, period_end in periods:
        begin = max(start, period_start)
        stop = min(e for e in (end, period_end) if e is not None) if end or period_end else None
        if stop is not None and stop <= begin:
            continue
        year, quarter = _quarter_of_iso(begin)
        while True:
            q_start, q_end = _quarter_bounds_iso(year, quarter)
            if q_end > today or (stop is not None and q_start >= stop):
                break
            due.add((year, quarter))
            if (year, quarter) == (MAXYEAR, 4):  # the calendar's last quarter
                break
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return sorted(due)


@cache
def _quarter_of_iso(day: str) -> tuple[int, int]:
    return quarter_of(date.fromisoformat(day))


@cache
def _quarter_bounds_iso(year: int, quarter: int) -> tuple[str, date]:
    """The quarter's first day as ISO text (dates are compared as ISO text) and last day:
    the same for every pairing of every household, so worked out once (a million pairings
    at 10 M events walk 12 million quarters)."""
    first, last = quarter_bounds(year, quarter)
    return first.isoformat(), last


# -- the 4+1 model [四(二)] ---------------------------------------------------------------------


def _missing_roles(db: Database) -> list[dict[str, Any]]:
    missing: list[dict[str, Any]] = []
    for page in _households(
        db,
        "number, aggregate_id, street, village, registered_by",
        "stage IN ('registered', 'returned') AND key_target = 1",
    ):
        roles = defaultdict(set)
        for aggregate_id, role in db.rows(
            "SELECT p.aggregate_id, p.role FROM pj_pairings p JOIN pj_households h "
            "ON h.aggregate_id = p.aggregate_id WHERE p.unpaired_on IS NULL "
            "AND h.number BETWEEN ? AND ?",
            (page[0][0], page[-1][0]),
        ):
            roles[aggregate_id].add(role)
        missing.extend(
            {
                "household": number,
                "street": street,
                "village": village,
                "missing_roles": ",".join(r for r in ROLES if r not in roles[aggregate_id]),
                "registered_by": officer,
            }
            for number, aggregate_id, street, village, officer in page
            if not set(ROLES) <= roles[aggregate_id]
        )
    return missing


#: Households read per query by ``_households``.
HOUSEHOLD_PAGE = 5_000


def _households(db: Database, columns: str, where: str) -> Iterator[list[Row]]:
    """The households ``where`` holds, ``HOUSEHOLD_PAGE`` at a time in number order (through
    the number's index), ``columns`` starting with the number: a section that checks each
    household holds one page, not every household of the ledger (600 k at 10 M events)."""
    after = ""
    while True:
        page = db.rows(
            f"SELECT {columns} FROM pj_households WHERE {where} AND number > ? "
            "ORDER BY number LIMIT ?",
            (after, HOUSEHOLD_PAGE),
        )
        if page:
            yield page
        if len(page) < HOUSEHOLD_PAGE:
            return
        after = page[-1][0]


# -- registration: 7-day notice and the household's signature [四(一)] ----------------------


def _registration_faults(db: Database, rules: ProgrammeRules) -> list[dict[str, Any]]:
    faults: list[dict[str, Any]] = []
    every = _households(
        db,
        "number, street, notice_start, notice_end, signed_on, registered_on, registered_by",
        "registered_on IS NOT NULL",
    )
    for number, street, start, end, signed_on, registered_on, officer in chain.from_iterable(every):
        days = (
            (date.fromisoformat(end) - date.fromisoformat(start)).days + 1 if start and end else 0
        )
        found: list[tuple[str, str]] = []
        if days < rules.notice_min_days:
            found.append(("notice-short", f"notice {days} days; the plan needs 7 or more"))
        if signed_on is None:
            found.append(("unsigned", "no household signature 签字确认 on record"))
        elif registered_on is not None and signed_on > registered_on:
            # A signature voided, then given again after the registration: the household was
            # registered on a signature it had not given (the ledger refuses this order of
            # entry, not a correction's aftermath).
            found.append(
                ("signed-late", f"signed {signed_on}, after the registration on {registered_on}")
            )
        faults.extend(
            {
                "household": number,
                "street": street,
                "fault": fault,
                "detail": detail,
                "notice_days": days,
                "registered_on": registered_on,
                "registered_by": officer,
            }
            for fault, detail in found
        )
    return faults


# -- exits: every step, in order, with income at the threshold [六(六)] ---------------------


def _exit_faults(db: Database, rules: ProgrammeRules) -> list[dict[str, Any]]:
    years = year_parameters(db)
    faults: list[dict[str, Any]] = []
    for span in _spans(db, "pj_exit_steps"):  # a slice at a time: 280 MB at 10 M at once
        faults.extend(_exit_faults_in(db, span, rules, years))
    return faults


def _exit_faults_in(
    db: Database, span: tuple[str, str], rules: ProgrammeRules, years: dict[int, YearParameters]
) -> list[dict[str, Any]]:
    """``_exit_faults`` of the households whose aggregate ids are within ``span``."""
    steps = defaultdict(list)
    for aggregate_id, cycle, step, effective, end, officer, year in db.rows(
        "SELECT aggregate_id, exit_cycle, step, effective, notice_end, recorded_by, year "
        "FROM pj_exit_steps WHERE aggregate_id BETWEEN ? AND ? ORDER BY aggregate_id, version",
        span,
    ):
        steps[(aggregate_id, cycle)].append((step, effective, end, officer, year))
    households = {
        row[0]: row[1:]
        for row in db.rows(
            "SELECT aggregate_id, number, street, area, agreement_on, returned_on "
            "FROM pj_households WHERE aggregate_id BETWEEN ? AND ?",
            span,
        )
    }
    # Each year's assessments in effective-date order: the last is the year's income now,
    # the last dated by a proposal is the one the proposal rested on.
    assessed: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    for aggregate_id, year, day, income in db.rows(
        "SELECT aggregate_id, year, assessed_on, income_fen FROM pj_incomes WHERE voided = 0 "
        "AND aggregate_id BETWEEN ? AND ? ORDER BY aggregate_id, assessed_on, version",
        span,
    ):
        assessed[(aggregate_id, year)].append((day, income))
    assistance = _assistance_in(db, span)
    faults = []
    for (aggregate_id, _), done in sorted(steps.items()):
        if done[-1][0] == "withdrawn":  # an exit withdrawn is no exit: nothing to fault
            continue
        number, street, area, agreement_on, returned_on = households[aggregate_id]
        base = {"household": number, "street": street, "recorded_by": done[-1][3]}
        year = done[-1][4]
        proposed_on = done[0][1]
        skipped = _skipped(done)
        if skipped:
            faults.append({**base, "year": year, "fault": "skipped-step", "detail": skipped})
        threshold = exit_threshold(rules, years, year, area) if year else None
        incomes = assessed.get((aggregate_id, year), [])
        # the year's latest by effective date (an older form entered late is not it)
        income = incomes[-1][1] if incomes else None
        if threshold is not None and (income is None or income < threshold):
            detail = f"latest {year} income {income} fen; threshold {threshold} fen"
            faults.append({**base, "year": year, "fault": "income-below", "detail": detail})
        early = _assessed_early(year, incomes, proposed_on)
        if early:
            faults.append({**base, "year": year, "fault": "assessed-early", "detail": early})
        paired_on, planned_on = assistance.get(aggregate_id, (None, None))
        if agreement_on and returned_on and returned_on > proposed_on:
            # Returned since: an agreement signed again after the return dates it anew, and
            # one signed before this exit may be behind it (the read model keeps the latest).
            agreement_on = min(agreement_on, proposed_on)
        missing = [
            what
            for what, day in (
                ("no helper paired 结对帮扶", paired_on),
                ("no agreement 扶贫协议", agreement_on),
                ("no measure 一户一策", planned_on),
            )
            if day is None or day > proposed_on
        ]
        if missing:
            detail = f"{', '.join(missing)} before the exit was proposed on {proposed_on}"
            faults.append({**base, "year": year, "fault": "no-assistance", "detail": detail})
    return faults


def _assistance_in(db: Database, span: tuple[str, str]) -> dict[str, tuple[str | None, ...]]:
    """The first pairing 结对帮扶 and the first measure 一户一策 of each household within
    ``span`` (aggregate ids), as (paired_on, planned_on)."""
    found: dict[str, list[str | None]] = defaultdict(lambda: [None, None])
    for column, table, day in (
        (0, "pj_pairings", "paired_on"),
        (1, "pj_measures", "planned_on"),
    ):
        for aggregate_id, first in db.rows(
            f"SELECT aggregate_id, MIN({day}) FROM {table} WHERE aggregate_id BETWEEN ? AND ? "
            "GROUP BY aggregate_id",
            span,
        ):
            found[aggregate_id][column] = first
    return {aggregate_id: tuple(days) for aggregate_id, days in found.items()}


def _assessed_early(year: int | None, incomes: list[tuple[str, int]], proposed_on: str) -> str:
    """Why the exit rests on an income of ``year`` assessed before the year's income could be
    known (``income_known_from``); "" if it does not. It rests on the year's latest
    assessment dated by the proposal (the ledger refuses a proposal dated before it): a later
    assessment does not mend an exit already decided."""
    if not year:
        return ""
    basis = [day for day, _ in incomes if day <= proposed_on]
    known = income_known_from(year).isoformat()
    if not basis or basis[-1] >= known:
        return ""
    return (
        f"the {year} income it rests on was assessed {basis[-1]}, before {known}: "
        "a year's income is known from its last quarter"
    )


def _skipped(done: list[tuple[str, str, str | None, str, int]]) -> str:
    """What is wrong with one exit's steps: missing, out of order, or approved while the
    exit notice 公示 was still running; "" if nothing."""
    names = [step for step, *_ in done]
    expected = list(_EXIT_ORDER[: len(names)])
    if names != expected:
        return f"steps {'→'.join(names)}; the plan needs {'→'.join(_EXIT_ORDER)}"
    days = [effective for _, effective, *_ in done]
    if days != sorted(days):
        return "steps dated out of order: " + ", ".join(f"{s} {d}" for s, d, *_ in done)
    notice_end = next((end for step, _, end, *_ in done if step == "noticed"), None)
    approved = next((d for step, d, *_ in done if step == "approved"), None)
    if notice_end and approved and approved <= notice_end:
        return f"approved on {approved} while the exit notice ran until {notice_end}"
    return ""


# -- the 2:3:5 plan and talks 约谈 [三、六(七)] ---------------------------------------------------


def _plan(db: Database, rules: ProgrammeRules, today: date | None) -> list[dict[str, Any]]:
    """Each street's 2:3:5 plan, a row a programme year, fixed once the year is over: K is the
    key targets registered by the end of the year, and the year's exits are those approved by
    its closing day (``closing_day``); the talk 约谈 is due when the exits approved by then
    fall below the cumulative target (docs/reports.md)."""
    registered: dict[str, dict[int, int]] = defaultdict(dict)  # street -> year -> key targets
    for street, year, count in db.rows(
        "SELECT street, substr(registered_on, 1, 4), COUNT(*) FROM pj_households "
        "WHERE key_target = 1 AND registered_on IS NOT NULL "
        "GROUP BY street, substr(registered_on, 1, 4)"
    ):
        registered[street][int(year)] = count
    # Each key target counts once, in the year of its first exit: one that returned to
    # poverty and exited again does not count twice against the plan's K households. By
    # month of approval: a closing day is a month's last day.
    approved: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for street, year, month, count in db.rows(
        "SELECT h.street, e.year, substr(e.effective, 1, 7), COUNT(*) FROM pj_exit_steps e "
        "JOIN pj_households h ON h.aggregate_id = e.aggregate_id WHERE e.step = 'approved' "
        "AND h.key_target = 1 AND NOT EXISTS (SELECT 1 FROM pj_exit_steps f "
        "WHERE f.aggregate_id = e.aggregate_id AND f.step = 'approved' "
        "AND f.version < e.version) GROUP BY h.street, e.year, substr(e.effective, 1, 7)"
    ):
        if year is not None:
            approved[street].append((int(year), str(month), count))
    talks = {(street, year) for street, year in db.rows("SELECT street, year FROM pj_talks")}
    years = range(rules.first_year, rules.first_year + len(rules.reduction_shares))
    rows = []
    for street in sorted(registered):
        by_year = registered[street]
        k = {year: sum(n for y, n in by_year.items() if y <= year) for year in years}
        cumulative = cumulative_targets(rules, k)
        for year in years:
            closes = closing_day(year).isoformat()[:7]
            exits = late = out = 0
            for exit_year, month, count in approved[street]:
                on_time = month <= closes
                if exit_year == year:
                    exits += count if on_time else 0
                    late += 0 if on_time else count
                if exit_year <= year and on_time:
                    out += count
            over = today is not None and today >= date(year, 12, 31)
            rows.append(
                {
                    "street": street,
                    "year": year,
                    "key_targets": k[year],
                    "target": cumulative[year] - cumulative.get(year - 1, 0),
                    "exits": exits,
                    "late_exits": late,
                    "cumulative_target": cumulative[year],
                    "cumulative_exits": out,
                    "year_over": over,
                    "due_talk": over and out < cumulative[year],
                    "talk_held": (street, year) in talks,
                }
            )
    return rows


# -- findings past their deadline 限期整改, and pairings ended early 不脱贫不脱钩 ----------------


def _overdue_findings(db: Database, today: date | None) -> list[dict[str, Any]]:
    if today is None:
        return []
    columns = COLUMNS["overdue_findings"]
    return [
        dict(zip(columns, row, strict=True))
        for row in db.rows(
            "SELECT inspection, finding_id, street, subject_kind, subject, deadline, "
            "recorded_by, rectified_on FROM pj_findings WHERE deadline < ? "
            "AND (rectified_on IS NULL OR rectified_on > deadline) "
            "ORDER BY deadline, inspection, finding_id",
            (today.isoformat(),),
        )
    ]


def _early_unpairings(db: Database) -> list[dict[str, Any]]:
    columns = COLUMNS["early_unpairings"]
    return [
        dict(zip(columns, row, strict=True))
        for row in db.rows(
            "SELECT household, street, helper, role, replacement, reason, unpaired_on, "
            "unpaired_by FROM pj_pairings WHERE before_exit = 1 ORDER BY unpaired_on, household"
        )
    ]
