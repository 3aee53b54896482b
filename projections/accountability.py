"""Accountability report 问责: where the plan's rules were not kept, naming the households,
helpers, officers and streets concerned. Each section and the rule behind it (with the plan's
section) is described in docs/reports.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import MAXYEAR, date, datetime, timedelta
from functools import cache
from itertools import chain, pairwise
from typing import Any

from ledger.programme import ProgrammeRules, YearParameters, last_exit_day, year_result_fixed_on
from ledger.values import CHINA, format_yuan

from projections.households import LEAVES_ON
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

__all__ = ["COLUMNS", "ROLES", "SECTIONS", "accountability", "stale_today_note", "visits_until"]

SECTIONS = (
    "missed_visits",
    "missing_roles",
    "missing_assistance",
    "registration_faults",
    "exit_faults",
    "plan",
    "district_plan",
    "talks_due",
    "talks_not_due",
    "notices",
    "overdue_findings",
    "early_unpairings",
    "over_budget",
    "rules_amendments",
    "key_target_amendments",
)

#: The sections whose rows say whether they restated plan years already over when recorded.
AMENDMENT_SECTIONS = ("rules_amendments", "key_target_amendments")

#: Each section's columns, in order (a CSV or table of an empty section still has its header).
COLUMNS: dict[str, tuple[str, ...]] = {
    "missed_visits": (
        *("quarter", "helper", "role", "household", "street"),
        *("paired_by", "paired_imported_by"),
    ),
    "missing_roles": (
        *("household", "street", "village", "missing_roles"),
        *("registered_by", "registered_imported_by"),
    ),
    "missing_assistance": (
        *("household", "street", "village", "missing", "assisted_since"),
        *("registered_by", "registered_imported_by"),
    ),
    "registration_faults": (
        *("household", "street", "fault", "detail"),
        *("notice_days", "registered_on", "registered_by", "registered_imported_by"),
    ),
    "exit_faults": (
        *("household", "street", "recorded_by", "imported_by"),
        *("year", "fault", "detail"),
    ),
    "plan": (
        *("street", "year", "key_targets", "target", "exits", "late_exits"),
        *("cumulative_target", "cumulative_exits", "year_over"),
        *("due_talk", "talk_held"),
    ),
    "district_plan": (
        *("year", "key_targets", "target", "exits", "late_exits"),
        *("cumulative_target", "cumulative_exits", "year_over", "behind"),
        *("street_targets", "streets_behind"),
    ),
    "talks_due": (
        *("street", "year", "target", "exits", "late_exits"),
        *("cumulative_target", "cumulative_exits", "talk_held", "talks"),
    ),
    "talks_not_due": (
        *("street", "year", "cumulative_target", "cumulative_exits", "year_over"),
        *("inspection", "reason", "held_on", "held_by", "held_imported_by"),
    ),
    "notices": (
        *("inspection", "unit", "reason", "noticed_on"),
        *("noticed_by", "noticed_imported_by"),
    ),
    "overdue_findings": (
        *("inspection", "finding", "street", "subject_kind", "subject"),
        *("deadline", "recorded_by", "imported_by", "rectified_on"),
    ),
    "early_unpairings": (
        *("household", "street", "helper", "role", "replacement"),
        *("reason", "unpaired_on", "unpaired_by", "unpaired_imported_by"),
    ),
    "over_budget": (
        *("household", "street", "measure", "category"),
        *("budget_fen", "paid_fen", "over_fen", "payments", "last_paid_on"),
    ),
    "rules_amendments": (
        *("effective", "recorded_at", "amended_by", "amended_imported_by", "document"),
        *("reason", "rule", "before", "after", "changes_closed_years", "closed_years"),
    ),
    "key_target_amendments": (
        *("household", "street", "effective", "recorded_at", "amended_by"),
        *("amended_imported_by", "document", "reason", "field", "before", "after"),
        *("changes_closed_years", "closed_years"),
    ),
}

#: Each section's "who" columns, each with the one beside it naming who recorded its entry
#: for that officer (an admin's import; None when the officer recorded it), as the read
#: models keep them (schema 33). Since session 30: the report named the officer alone, so an
#: inspector could not tell an imported entry from one the officer typed; a table and the
#: HTML report say it in the who cell (``jn-01, imported by admin``), as ``household show``.
IMPORTED_BY: dict[str, dict[str, str]] = {
    section: {
        who: importer for who, importer in pairwise(names) if importer.endswith("imported_by")
    }
    for section, names in COLUMNS.items()
}

#: The four helper roles of the 4+1 model (the "+1" is the household itself) [四(二)].
ROLES = ("cadre", "enterprise", "social-worker", "volunteer-team")

_EXIT_ORDER = ("proposed", "verified", "noticed", "approved")


def accountability(db: Database, today: date | None) -> dict[str, Any]:
    """Every accountability section; ``today`` is the day the report speaks of."""
    rules = read_rules(db) or ProgrammeRules()
    plan = _plan(db, rules, today)
    return {
        "missed_visits": _missed_visits(db, visits_until(rules, today)),
        "missing_roles": _missing_roles(db),
        "missing_assistance": _missing_assistance(db),
        "registration_faults": _registration_faults(db, rules),
        "exit_faults": _exit_faults(db, rules),
        "plan": plan,
        "district_plan": _district_plan(plan, rules, today),
        "talks_due": _talks_due(db, plan),
        "talks_not_due": _talks_not_due(db, plan, today),
        "notices": _notices(db, today),
        "overdue_findings": _overdue_findings(db, today),
        "early_unpairings": _early_unpairings(db),
        "over_budget": _over_budget(db, today),
        "rules_amendments": _rules_amendments(db, rules),
        "key_target_amendments": _key_target_amendments(db, rules),
    }


def stale_today_note(report: Mapping[str, Any], real_today: date, judged: str = "") -> str:
    """What a report without ``--as-of`` says when its ``today`` (the latest effective date
    on record: a report is a function of the log, never of the wall clock) is before
    ``real_today``, the real date in China, which the caller gives: what it judges by that
    day (``judged``; by default the accountability report's: quarters ended, years over,
    deadlines passed) is judged as of a later day only with ``--as-of`` (session 24: a finding
    nobody acted on showed as overdue only once some unrelated later step moved ``today``;
    the re-test: the note named findings alone, though the plan's years, talks due and missed
    visits move too, and ``report funds`` said nothing). A report as known at a moment
    (``known_at``) says so, and its advice keeps that ``--known-at``. Empty otherwise."""
    today = report.get("today")
    if report.get("as_of") or not today or str(today) >= real_today.isoformat():
        return ""
    known_at = report.get("known_at")
    known = f" as known at {known_at}" if known_at else ""
    again = f" --known-at {known_at}" if known_at else ""
    return (
        f"today {today} is the last day on record{known} that counts ({COUNTED}), not "
        f"today's date ({real_today}): "
        f"{judged or ACCOUNTABILITY_JUDGED} are judged by it; to judge them by today's date, "
        f"run with --as-of {real_today}{again}"
    )


#: Which entries' effective dates make a report's ``today`` (``projections.engine.
#: NOT_PROGRAMME_TIME``), said by ``stale_today_note`` since session 27: a year's standards
#: set with a later date (``programme set-year … -e 2017-02-15``) are on record and applied,
#: yet the note's "last day on record" stayed earlier, unexplained.
COUNTED = (
    "the programme's casework, funds and oversight; a year's standards, reference data, "
    "corrections and amendments do not move it"
)

#: What the accountability report judges by its ``today`` (``stale_today_note``).
ACCOUNTABILITY_JUDGED = (
    "quarters ended (missed visits), years over (the reduction plan, talks due 约谈) and "
    "deadlines passed (overdue findings)"
)


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


def visits_until(rules: ProgrammeRules, today: date | None) -> date | None:
    """The last day whose quarter can owe a visit: ``today``, but no later than the end of the
    year after the programme's last (the ledger records steps of the programme until then:
    the plan of the last year's returns, 2019 for a 2016-2018 programme). A report as of a day
    after the programme (today, 2026) counted every quarter up to it as missed visits of
    households still assisted when it ended (tester D, session 17)."""
    if today is None:
        return None
    return min(today, date(min(rules.last_year + 1, MAXYEAR), 12, 31))


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
    # A household whose record was closed 注销 (since session 25) is assisted until then: no
    # quarter from its closure on owes a visit (as an exit's approval ends a period).
    for aggregate_id, closed in db.rows(
        "SELECT aggregate_id, closed_on FROM pj_households "
        "WHERE aggregate_id BETWEEN ? AND ? AND closed_on IS NOT NULL",
        span,
    ):
        periods[aggregate_id] = [
            (begin, closed if end is None or end > closed else end)
            for begin, end in periods[aggregate_id]
        ]
    missed = []
    owed: set[tuple[str, str, tuple[int, int]]] = set()
    for aggregate_id, household, street, helper, role, start, end, *who in db.rows(
        "SELECT aggregate_id, household, street, helper, role, paired_on, unpaired_on, "
        "paired_by, paired_imported_by FROM pj_pairings WHERE aggregate_id BETWEEN ? AND ? "
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
                        "paired_by": who[0],
                        "paired_imported_by": who[1],
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
        "number, aggregate_id, street, village, registered_by, registered_imported_by",
        "stage IN ('registered', 'returned') AND key_target = 1 AND closed_on IS NULL",
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
                "registered_imported_by": importer,
            }
            for number, aggregate_id, street, village, officer, importer in page
            if not set(ROLES) <= roles[aggregate_id]
        )
    return missing


#: What a key target under assistance holds besides its helpers, each from the day its
#: assistance began: the table and date column it is read from (``_missing_assistance``).
_ASSISTANCE = (
    ("agreement", "pj_agreements", "signed_on"),
    ("measure", "pj_measures", "planned_on"),
)


def _missing_assistance(db: Database) -> list[dict[str, Any]]:
    """Key targets under assistance (registered, or returned to poverty 返贫 and in a later
    year's plan) with no assistance agreement 扶贫协议 [六(三)] or no measure 一户一策 [二、
    六(六)] on record for their assistance under way: any since the registration, or since the
    latest return's approval for a household that returned (as ``exit_faults``' ``no-assistance``
    judges each exit on its own cycle). Since session 35 (tester a, session 34: a key target
    registered with neither appeared in no section until an exit was proposed)."""
    missing: list[dict[str, Any]] = []
    for page in _households(
        db,
        "number, aggregate_id, street, village, registered_by, registered_imported_by",
        "stage IN ('registered', 'returned') AND key_target = 1 AND closed_on IS NULL",
    ):
        span = (page[0][0], page[-1][0])
        # A period starts at registration, then at each return's approval: the latest's day.
        periods = db.rows(
            "SELECT p.aggregate_id, MAX(p.started_on), COUNT(*) FROM pj_periods p "
            "JOIN pj_households h ON h.aggregate_id = p.aggregate_id "
            "WHERE h.number BETWEEN ? AND ? GROUP BY p.aggregate_id",
            span,
        )
        since = {aggregate_id: day for aggregate_id, day, _ in periods}
        returned = {aggregate_id: day for aggregate_id, day, count in periods if count > 1}
        held: dict[str, set[str]] = defaultdict(set)
        for what, table, column in _ASSISTANCE:
            for aggregate_id, day in db.rows(
                f"SELECT t.aggregate_id, t.{column} FROM {table} t JOIN pj_households h "
                "ON h.aggregate_id = t.aggregate_id WHERE h.number BETWEEN ? AND ?",
                span,
            ):
                if day >= returned.get(aggregate_id, ""):
                    held[aggregate_id].add(what)
        missing.extend(
            {
                "household": number,
                "street": street,
                "village": village,
                "missing": ",".join(w for w, _, _ in _ASSISTANCE if w not in held[aggregate_id]),
                "assisted_since": since.get(aggregate_id),
                "registered_by": officer,
                "registered_imported_by": importer,
            }
            for number, aggregate_id, street, village, officer, importer in page
            if len(held[aggregate_id]) < len(_ASSISTANCE)
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
            f"SELECT {columns} FROM pj_households h WHERE {where} AND number > ? "
            "ORDER BY number LIMIT ?",
            (after, HOUSEHOLD_PAGE),
        )
        if page:
            yield page
        if len(page) < HOUSEHOLD_PAGE:
            return
        after = page[-1][0]


# -- registration: 7-day notice and the household's signature [四(一)] ----------------------


#: The household's registration's entry (its version): the first assisted period's, which a
#: registration opens (a return's come later; a registration is never voided).
_REGISTRATION_VERSION = (
    "SELECT MIN(p.version) FROM pj_periods p WHERE p.aggregate_id = h.aggregate_id"
)


def _recorded_after(signed: int | None, registration: int | None) -> bool:
    """Whether the signature's entry was recorded after the registration's."""
    return signed is not None and registration is not None and signed > registration


def _registration_faults(db: Database, rules: ProgrammeRules) -> list[dict[str, Any]]:
    faults: list[dict[str, Any]] = []
    every = _households(
        db,
        "number, street, notice_start, notice_end, signed_on, registered_on, registered_by, "
        f"registered_imported_by, signed_version, ({_REGISTRATION_VERSION})",
        "registered_on IS NOT NULL",
    )
    for row in chain.from_iterable(every):
        number, street, start, end, signed_on, registered_on, *who, signed, registration = row
        days = (
            (date.fromisoformat(end) - date.fromisoformat(start)).days + 1 if start and end else 0
        )
        found: list[tuple[str, str]] = []
        if days < rules.notice_min_days:
            found.append(("notice-short", f"notice {days} days; the plan needs 7 or more"))
        if signed_on is None:
            found.append(("unsigned", "no household signature 签字确认 on record"))
        elif signed_on > registered_on or _recorded_after(signed, registration):
            # A signature voided, then given again after the registration: the household was
            # registered on a signature it had not given (the ledger refuses this order of
            # entry, not a correction's aftermath), whatever the new one's date (since session
            # 29, tester H: one back-dated before the registration was no fault).
            said = f"signed {signed_on}, recorded after the registration on {registered_on}"
            found.append(("signed-late", said))
        faults.extend(
            {
                "household": number,
                "street": street,
                "fault": fault,
                "detail": detail,
                "notice_days": days,
                "registered_on": registered_on,
                "registered_by": who[0],
                "registered_imported_by": who[1],
            }
            for fault, detail in found
        )
    return faults


# -- exits: every step, in order, with income at the threshold [六(六)] ---------------------


def _exit_faults(db: Database, rules: ProgrammeRules) -> list[dict[str, Any]]:
    years = year_parameters(db)
    faults: list[dict[str, Any]] = []
    merges = _merges(db)
    for span in _spans(db, "pj_exit_steps"):  # a slice at a time: 280 MB at 10 M at once
        faults.extend(_exit_faults_in(db, span, rules, years, merges))
    return faults


#: A merge 合户 into a household as the ``members-changed`` fault reads it: its date, the
#: household merged and its members.
Merged = tuple[str, str, int]


def _merges(db: Database) -> dict[str, list[Merged]]:
    """The live merges 合户 into each household, by its number, in date order (since session
    30): few beside the households, read once (a voided closure leaves ``pj_households``)."""
    found: dict[str, list[Merged]] = defaultdict(list)
    for into, day, number, members in db.rows(
        "SELECT closed_into, closed_on, number, members FROM pj_households "
        "WHERE closed_because = 'merged' AND closed_into IS NOT NULL "
        "ORDER BY closed_on, number"
    ):
        found[str(into)].append((str(day), str(number), int(members)))
    return found


def _exit_faults_in(
    db: Database,
    span: tuple[str, str],
    rules: ProgrammeRules,
    years: dict[int, YearParameters],
    merges: dict[str, list[Merged]],
) -> list[dict[str, Any]]:
    """``_exit_faults`` of the households whose aggregate ids are within ``span``."""
    steps = defaultdict(list)
    for aggregate_id, cycle, step, effective, end, officer, year, version, importer in db.rows(
        "SELECT aggregate_id, exit_cycle, step, effective, notice_end, recorded_by, year, "
        "version, imported_by FROM pj_exit_steps WHERE aggregate_id BETWEEN ? AND ? "
        "ORDER BY aggregate_id, version",
        span,
    ):
        steps[(aggregate_id, cycle)].append(
            (step, effective, end, officer, year, version, importer)
        )
    households = {
        row[0]: row[1:]
        for row in db.rows(
            "SELECT aggregate_id, number, street, area, closed_on, key_target "
            "FROM pj_households WHERE aggregate_id BETWEEN ? AND ?",
            span,
        )
    }
    # Each year's assessments in effective-date order (then version): the last is the year's
    # income now; the one an exit rests on is found among those recorded before its proposal.
    assessed: dict[tuple[str, int], list[tuple[str, int, int]]] = defaultdict(list)
    for aggregate_id, year, day, income, version in db.rows(
        "SELECT aggregate_id, year, assessed_on, income_fen, version FROM pj_incomes "
        "WHERE voided = 0 AND aggregate_id BETWEEN ? AND ? "
        "ORDER BY aggregate_id, assessed_on, version",
        span,
    ):
        assessed[(aggregate_id, year)].append((day, income, version))
    carried = {
        (aggregate_id, version): (income, named)
        for aggregate_id, version, income, named in db.rows(
            "SELECT aggregate_id, version, income_fen, basis FROM pj_exit_bases "
            "WHERE aggregate_id BETWEEN ? AND ?",
            span,
        )
    }
    assistance = _assistance_in(db, span)
    members = _members_in(db, span)
    voided = _members_voided_in(db, span)
    # The days a disaster was recognised for a return approved since (a return withdrawn or
    # voided left no approved step): what a household earns after it says nothing of the exit
    # decided before it (tester Z, session 23: the typhoon's income made the exit a fault).
    approved_cycles = {
        (aggregate_id, cycle)
        for aggregate_id, cycle in db.rows(
            "SELECT aggregate_id, return_cycle FROM pj_return_steps WHERE step = 'approved' "
            "AND aggregate_id BETWEEN ? AND ?",
            span,
        )
    }
    disasters: dict[str, list[str]] = defaultdict(list)
    for aggregate_id, cycle, day in db.rows(
        "SELECT aggregate_id, return_cycle, effective FROM pj_return_steps "
        "WHERE step = 'recognised' AND aggregate_id BETWEEN ? AND ?",
        span,
    ):
        if (aggregate_id, cycle) in approved_cycles:
            disasters[aggregate_id].append(str(day))
    faults = []
    for (aggregate_id, _), done in sorted(steps.items()):
        if done[-1][0] == "withdrawn":  # an exit withdrawn is no exit: nothing to fault
            continue
        number, street, area, closed, key_target = households[aggregate_id]
        if closed is not None and not any(step[0] == "approved" for step in done):
            continue  # an exit under way when the record was closed 注销 ends with it
        last = done[-1]  # its latest step: its officer, who imported it for them, its year
        base = {"household": number, "street": street, "recorded_by": last[3]}
        base["imported_by"] = last[6]
        year = last[4]
        proposed_on = done[0][1]
        skipped = _skipped(done)
        if skipped:
            faults.append({**base, "year": year, "fault": "skipped-step", "detail": skipped})
        stranded = _without_notice_room(done, year, rules)
        if stranded:
            faults.append({**base, "year": year, "fault": "no-notice-room", "detail": stranded})
        threshold = exit_threshold(rules, years, year, area) if year else None
        incomes = assessed.get((aggregate_id, year), [])
        approved_on = next((step[1] for step in done if step[0] == "approved"), None)
        after = [d for d in disasters.get(aggregate_id, []) if approved_on and d > approved_on]
        if after:  # assessed after the disaster that ended this exit: not what it rested on
            incomes = [item for item in incomes if str(item[0]) < min(after)]
        # the year's latest by effective date (an older form entered late is not it)
        income = incomes[-1][1] if incomes else None
        if threshold is not None and (income is None or income < threshold):
            detail = _income_below(year, income, threshold)
            faults.append({**base, "year": year, "fault": "income-below", "detail": detail})
        proposal = done[0][5] if done[0][0] == "proposed" else None
        income_carried, named = carried.get((aggregate_id, proposal), (None, None))
        basis = _basis(incomes, proposal, income_carried, proposed_on, named)
        early = _assessed_early(year, basis)
        if early:
            faults.append({**base, "year": year, "fault": "assessed-early", "detail": early})
        history = members.get(aggregate_id, [])
        last_step = done[-1][:2]
        known = voided.get(aggregate_id, [])
        changed = _members_changed(incomes, history, year, last_step, known)
        merged_in = merges.get(number, [])
        changed = changed or _merged_since(incomes, history, merged_in, year, last_step)
        if changed:
            faults.append({**base, "year": year, "fault": "members-changed", "detail": changed})
        begun = assistance.begun_after(aggregate_id, approved_on)
        if begun:
            faults.append({**base, "year": year, "fault": "assisted-after", "detail": begun})
        missing = assistance.missing(aggregate_id, proposed_on, proposal)
        if missing:
            faults.append({**base, "year": year, "fault": "no-assistance", "detail": missing})
        roles = assistance.missing_roles(aggregate_id, proposed_on, proposal) if key_target else ""
        if roles:
            faults.append({**base, "year": year, "fault": "missing-roles", "detail": roles})
    return faults


#: A pairing 结对帮扶 as an exit check reads it: from, until, role, the household's version
#: that recorded it, and the version of the replacement 替换 that ended it (None: not ended, or
#: ended by a plain unpairing).
Pairing = tuple[str, str | None, str, int, int | None]


class _Assistance:
    """The assistance 精准扶持 on record for a slice of households: pairings 结对帮扶
    (``Pairing``), measures 一户一策 and agreements
    扶贫协议 (every one's effective date), and the returns to poverty (each return's approval
    day)."""

    __slots__ = ("agreements", "measures", "pairings", "returns")

    def __init__(self) -> None:
        self.pairings: dict[str, list[Pairing]] = defaultdict(list)
        self.measures: dict[str, list[str]] = defaultdict(list)
        self.agreements: dict[str, list[str]] = defaultdict(list)
        self.returns: dict[str, list[str]] = defaultdict(list)

    def missing(self, aggregate_id: str, proposed_on: str, proposal: int | None) -> str:
        """What assistance an exit proposed on ``proposed_on`` lacked ("" if none): a helper
        paired in force that day (``in_force``), an agreement and a measure dated by it and,
        after a return to poverty, on or after the return's approval (this exit cycle's
        own)."""
        returned = max((d for d in self.returns[aggregate_id] if d <= proposed_on), default="")
        paired = bool(self.in_force(aggregate_id, proposed_on, proposal))
        lacking = [
            what
            for what, found in (
                ("no helper paired 结对帮扶", paired),
                (
                    "no agreement 扶贫协议",
                    self._within(self.agreements, aggregate_id, returned, proposed_on),
                ),
                (
                    "no measure 一户一策",
                    self._within(self.measures, aggregate_id, returned, proposed_on),
                ),
            )
            if not found
        ]
        if not lacking:
            return ""
        if returned:
            return (
                f"{', '.join(lacking)} between the return on {returned} and the exit proposed "
                f"on {proposed_on}"
            )
        return f"{', '.join(lacking)} before the exit was proposed on {proposed_on}"

    def begun_after(self, aggregate_id: str, approved_on: str | None) -> str:
        """What assistance began after an exit approved on ``approved_on`` and before the
        next return's approval ("" if none, or no approval): a pairing, an agreement or a
        measure, each of which begins only while the household is assisted (since session 34,
        tester a: entered before the approval and dated after it, each was taken, and entered
        after it each is refused, so the order of entry decided). A finding, not a refusal of
        the approval: entries are entered late in any order, and a return to poverty recorded
        after the approval may cover them (the fault runs to the next return's approval)."""
        if approved_on is None:
            return ""
        until = min((d for d in self.returns[aggregate_id] if d > approved_on), default="~")
        found = [
            *(
                (start, f"a {role} paired from {start}")
                for start, _, role, *_ in self.pairings[aggregate_id]
            ),
            *((day, f"an agreement signed {day}") for day in self.agreements[aggregate_id]),
            *((day, f"a measure planned {day}") for day in self.measures[aggregate_id]),
        ]
        later = [what for day, what in sorted(found) if approved_on < day < until]
        if not later:
            return ""
        return f"{', '.join(later)}, after the exit's approval on {approved_on}"

    def missing_roles(self, aggregate_id: str, proposed_on: str, proposal: int | None) -> str:
        """The 4+1 roles [四(二)] no pairing held on the day an exit was proposed ("" if all
        four were in force, ``in_force``): a key target exits with its four helpers, and once
        it has exited ``missing_roles`` (households under assistance) no longer lists it
        (tester F, session 28: an exit with a cadre alone read "4+1 kept" in every later
        report)."""
        held = self.in_force(aggregate_id, proposed_on, proposal)
        lacking = [role for role in ROLES if role not in held]
        if not lacking:
            return ""
        named = ", ".join(lacking)
        return f"no {named} paired 4+1 in force on {proposed_on}, the day the exit was proposed"

    def in_force(self, aggregate_id: str, proposed_on: str, proposal: int | None) -> set[str]:
        """The roles of the pairings an exit proposed on ``proposed_on`` was decided with:
        begun by that day, not ended on or before it, and recorded before the proposal (its
        version ``proposal``; None, a skipped step: by date alone), as an assessment recorded
        after the proposal is not what the exit rests on (``_basis``). A pairing entered after
        the proposal, even dated before it, does not mend the exit (re-tester R, session 28:
        three pairings entered after the exit, dated back, made ``missing-roles`` vanish).
        A replacement 替换 is one event, judged as one (tester B, session 29): one recorded
        after the proposal, even dated before it, does not end the old pairing as known at
        the proposal, so the old helper or the new one counts, never neither (the replacement
        keeps the household paired 不脱钩); a plain unpairing dated by the proposal ends it
        however late it was entered: the household had no one."""
        return {
            role
            for start, end, role, version, replaced in self.pairings[aggregate_id]
            if start <= proposed_on
            and (end is None or end > proposed_on or _replaced_later(replaced, proposal))
            and (proposal is None or version < proposal)
        }

    @staticmethod
    def _within(days: dict[str, list[str]], aggregate_id: str, first: str, last: str) -> bool:
        return any(first <= day <= last for day in days[aggregate_id])


def _replaced_later(replaced: int | None, proposal: int | None) -> bool:
    """Whether a pairing was ended by a replacement recorded after the proposal (its version
    ``proposal``; None, a skipped step: by date alone, as ``in_force``)."""
    return replaced is not None and proposal is not None and replaced > proposal


def _assistance_in(db: Database, span: tuple[str, str]) -> _Assistance:
    """``_Assistance`` of the households within ``span`` (aggregate ids). The entry that ended
    a pairing with a replacement is in ``pj_unpairings`` (the replacement's own row has its
    version too)."""
    found = _Assistance()
    for aggregate_id, start, end, role, version, replacement, ended in db.rows(
        "SELECT p.aggregate_id, p.paired_on, p.unpaired_on, p.role, p.version, p.replacement, "
        "(SELECT MAX(u.version) FROM pj_unpairings u WHERE u.aggregate_id = p.aggregate_id "
        "AND u.pairing_version = p.version AND u.helper = p.helper) "
        "FROM pj_pairings p WHERE p.aggregate_id BETWEEN ? AND ?",
        span,
    ):
        ended_by = int(ended) if replacement and ended is not None else None
        found.pairings[aggregate_id].append((start, end, role, int(version), ended_by))
    for days, table, day in (
        (found.measures, "pj_measures", "planned_on"),
        (found.agreements, "pj_agreements", "signed_on"),
    ):
        for aggregate_id, on in db.rows(
            f"SELECT aggregate_id, {day} FROM {table} WHERE aggregate_id BETWEEN ? AND ?", span
        ):
            days[aggregate_id].append(on)
    # A period starts at registration, then at each return's approval: all but the first.
    for aggregate_id, started_on in db.rows(
        "SELECT p.aggregate_id, p.started_on FROM pj_periods p WHERE p.aggregate_id "
        "BETWEEN ? AND ? AND p.version > (SELECT MIN(q.version) FROM pj_periods q "
        "WHERE q.aggregate_id = p.aggregate_id)",
        span,
    ):
        found.returns[aggregate_id].append(started_on)
    return found


def _basis(
    incomes: list[tuple[str, int, int]],
    proposal: int | None,
    carried: int | None,
    proposed_on: str,
    named: int | None = None,
) -> str | None:
    """The effective date of the assessment an exit rests on (None: none). As the ledger has
    it: the assessment the proposal names (``named``, its version: since session 21,
    ``Household.assessment_standing``, the year's latest dated by the proposal); in a proposal
    recorded before, which names none (``Household.proposal_basis``), of the year's
    assessments recorded before the proposal (``proposal``, its version), the latest by
    effective date whose income the proposal carries (``carried``), else the latest. An
    assessment recorded after the proposal, whatever its date, is not what the exit was
    decided on. Without the proposal step (a skipped step): the latest dated by the day the
    exit began."""
    if proposal is None:
        dated = [day for day, _, _ in incomes if day <= proposed_on]
        return dated[-1] if dated else None
    if named is not None:
        for day, _, version in incomes:
            if version == named:
                return day
    before = [(day, income) for day, income, version in incomes if version < proposal]
    same = [day for day, income in before if income == carried]
    if same:
        return same[-1]
    return before[-1][0] if before else None


def _members_in(db: Database, span: tuple[str, str]) -> dict[str, list[tuple[str, int, int]]]:
    """The members of the households within ``span`` whose members changed (``pj_members``:
    the identification's count, then each change), each as (effective date, version, count)
    in that order; a household never changed has none, and no ``members-changed`` fault."""
    found: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for aggregate_id, effective, version, count in db.rows(
        "SELECT aggregate_id, effective, version, members FROM pj_members "
        "WHERE aggregate_id BETWEEN ? AND ? ORDER BY aggregate_id, effective, version",
        span,
    ):
        found[aggregate_id].append((str(effective), int(version), int(count)))
    return found


def _members_voided_in(
    db: Database, span: tuple[str, str]
) -> dict[str, list[tuple[str, int, int, int]]]:
    """The changes of members voided of the households within ``span`` (since session 30),
    each as (effective date, version, count, the correction's version)."""
    found: dict[str, list[tuple[str, int, int, int]]] = defaultdict(list)
    for aggregate_id, effective, version, count, voided_by in db.rows(
        "SELECT aggregate_id, effective, version, members, voided_by FROM pj_members_voided "
        "WHERE aggregate_id BETWEEN ? AND ?",
        span,
    ):
        found[aggregate_id].append((str(effective), int(version), int(count), int(voided_by)))
    return found


def _members_on(
    history: list[tuple[str, int, int]], day: str, before: int | None = None
) -> tuple[int, str] | None:
    """The count in force on ``day`` and since when (``Household.members_on``); ``before``: as
    known when the household's entry ``before`` was recorded (the changes recorded before it)."""
    dated = [
        (effective, count)
        for effective, version, count in history
        if effective <= day and (before is None or version < before)
    ]
    return (dated[-1][1], dated[-1][0]) if dated else None


def _members_changed(
    incomes: list[tuple[str, int, int]],
    history: list[tuple[str, int, int]],
    year: int,
    last: tuple[str, str],
    voided: Sequence[tuple[str, int, int, int]] = (),
) -> str:
    """Why an exit whose last step (name, day) is ``last`` rests on an income of ``year``
    assessed for another count of members than the household had on that day (since session
    29: an income is per person 人均可支配收入, ``Household.check_assessed_for_members``): the
    year's latest assessment dated by that day; "" if none or the counts agree. Listed for an
    exit recorded before the rule, or a change of members entered after it, dated before. The
    assessment was made for the members on record on its date when it was recorded: a change
    entered after it, dated by then, lists the exit too (since session 30), and so does one of
    the ``voided`` changes (``_members_voided_in``) voided by a correction recorded after it,
    which was on record then."""
    step, day = last[0], str(last[1])
    dated = [(str(assessed), version) for assessed, _, version in incomes if str(assessed) <= day]
    if not history or not dated:
        return ""
    assessed, basis = dated[-1]
    # a change voided by a correction recorded after the assessment was on record when it was
    # made (since session 30, re-tester S: voided after it, the exit went on for the others)
    known = [(on, version, count) for on, version, count, by in voided if by > basis]
    made_for = _members_on(sorted(history + known), assessed, basis)
    then, now = _members_on(history, assessed), _members_on(history, day)
    if made_for is None or then is None or now is None:
        return ""
    if made_for[0] != then[0]:
        return (
            f"the {year} income it rests on was assessed on {assessed} for {made_for[0]} "
            f"members, as then on record; a change of members entered since has the household "
            f"{then[0]} since {then[1]}; it had {now[0]} when the exit was {step} on {day}"
        )
    if then[0] == now[0]:
        return ""
    return (
        f"the {year} income it rests on was assessed on {assessed} for {then[0]} members; the "
        f"household had {now[0]} since {now[1]} when the exit was {step} on {day}"
    )


def _merged_since(
    incomes: list[tuple[str, int, int]],
    history: list[tuple[str, int, int]],
    merges: list[Merged],
    year: int,
    last: tuple[str, str],
) -> str:
    """Why an exit whose last step (name, day) is ``last`` rests on an income of ``year``
    assessed before a merge 合户 into the household dated by that day (since session 30,
    ``Household.check_assessed_for_members``): one dated after the assessment's date, or on
    it unless a change of members recorded before the assessment took its people in; "" if
    none. Whatever change of members is on record: the merge changed its members."""
    step, day = last[0], str(last[1])
    dated = [(str(assessed), version) for assessed, _, version in incomes if str(assessed) <= day]
    if not dated:
        return ""
    assessed, basis = dated[-1]
    for merged_on, number, people in merges:
        if not assessed <= merged_on <= day:
            continue
        together = sum(count for on, _, count in merges if on == merged_on)
        if merged_on == assessed and _took_in(history, merged_on, together, basis):
            continue
        return (
            f"{number} merged 合户 into it on {merged_on} with {people} member(s); the {year} "
            f"income it rests on was assessed on {assessed}, for its members before the "
            f"merge; the exit was {step} on {day}"
        )
    return ""


def _took_in(history: list[tuple[str, int, int]], day: str, people: int, before: int) -> bool:
    """Whether a change of members dated ``day``, recorded before entry ``before``, has the
    household ``people`` more members than the day before (``Household.took_in``)."""
    known = [item for item in history if item[1] < before]
    on = [count for effective, version, count in known if effective == day and version != 1]
    if not on:
        return False
    # the day before: the latest change dated before it, else the identification's count
    had = [count for effective, version, count in known if effective < day or version == 1]
    return bool(had) and on[-1] >= had[-1] + people


def _assessed_early(year: int | None, basis: str | None) -> str:
    """Why the exit rests on an income of ``year`` assessed (on ``basis``) before the year's
    income could be known (``income_known_from``); "" if it does not. A later assessment
    does not mend an exit already decided (``_basis``)."""
    if not year or basis is None:
        return ""
    known = income_known_from(year).isoformat()
    if basis >= known:
        return ""
    return (
        f"the {year} income it rests on was assessed {basis}, before {known}: "
        "a year's income is known from its last quarter"
    )


def _income_below(year: int, income: int | None, threshold: int) -> str:
    """The detail of an ``income-below`` fault, in yuan as the refusals and history say it
    (since session 28; tester M: it gave fen, ``income 1400000 fen``)."""
    said = (
        f"latest {year} income {format_yuan(income)} yuan"
        if income is not None
        else f"no {year} income assessed"
    )
    return f"{said}; threshold {format_yuan(threshold)} yuan"


def _without_notice_room(
    done: list[tuple[str, str, str | None, str, int, int, str | None]],
    year: int | None,
    rules: ProgrammeRules,
) -> str:
    """Of an exit under way not yet noticed, whose latest step (its proposal or verification)
    is dated too late for a notice 公示 of the programme's notice days to end before its last
    exit day (``last_exit_day``), by which its approval is dated: what it is ("" if it is not
    so). Such an exit can only be withdrawn; the ledger refuses one since session 34
    (``Household.check_room_for_exit_notice``, tester a), and an export's replay takes one an
    older fupin recorded as recorded (``exit_without_notice_room``)."""
    if year is None or any(step in ("noticed", "approved") for step, *_ in done):
        return ""
    step, effective = done[-1][0], done[-1][1]
    last = last_exit_day(year, rules.last_year)
    latest = last - timedelta(days=rules.notice_min_days)
    if step not in ("proposed", "verified") or str(effective) <= latest.isoformat():
        return ""
    return (
        f"{step} on {effective}, after {latest}: no notice of at least "
        f"{rules.notice_min_days} days from then ends before {last}, by which a {year} exit is "
        "approved; withdraw it (fupin household withdraw-exit)"
    )


def _skipped(done: list[tuple[str, str, str | None, str, int, int, str | None]]) -> str:
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
    """Each street's 2:3:5 plan, a row a programme year, fixed by effective date once the
    year is over: K is the key targets registered by the end of the year, and the year's exits
    are those approved by its closing day (``closing_day``); the talk 约谈 is due when the key
    targets out by then (``_out_by``) fall below the cumulative target (docs/reports.md)."""
    registered: dict[str, dict[int, int]] = defaultdict(dict)  # street -> year -> key targets
    for street, year, count in db.rows(
        "SELECT street, substr(registered_on, 1, 4), COUNT(*) FROM pj_households "
        "WHERE key_target = 1 AND registered_on IS NOT NULL "
        "GROUP BY street, substr(registered_on, 1, 4)"
    ):
        registered[street][int(year)] = count
    # A key target whose record was closed 注销 (since session 25) is in no year's K from the
    # year it leaves the plan (``LEAVES_ON``: never for one closed out of poverty by a natural
    # decrease, every year for a duplicate or one registered in error), nor in its exits or
    # cumulative exits from then.
    gone: dict[str, list[tuple[int, int]]] = defaultdict(list)  # street -> (registered, closed)
    for street, year, closed in db.rows(
        f"SELECT street, substr(registered_on, 1, 4), substr({LEAVES_ON}, 1, 4) "
        "FROM pj_households h WHERE key_target = 1 AND registered_on IS NOT NULL "
        f"AND {LEAVES_ON} IS NOT NULL"
    ):
        gone[street].append((int(year), int(closed)))
    # Each key target counts once in ``exits``, in the year of its first exit: one that
    # returned to poverty and exited again does not count twice against the plan's K
    # households. By month of approval: a closing day is a month's last day.
    approved: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for street, year, month, count in db.rows(
        "SELECT h.street, e.year, substr(e.effective, 1, 7), COUNT(*) FROM pj_exit_steps e "
        "JOIN pj_households h ON h.aggregate_id = e.aggregate_id "
        "WHERE e.step = 'approved' AND h.key_target = 1 "
        "AND NOT EXISTS (SELECT 1 FROM pj_exit_steps f WHERE f.aggregate_id = e.aggregate_id "
        "AND f.step = 'approved' AND f.version < e.version) "
        f"AND ({LEAVES_ON} IS NULL OR e.year < CAST(substr({LEAVES_ON}, 1, 4) AS INTEGER)) "
        "GROUP BY h.street, e.year, substr(e.effective, 1, 7)"
    ):
        if year is not None:
            approved[street].append((int(year), str(month), count))
    years = range(rules.first_year, rules.first_year + len(rules.reduction_shares))
    out = _out_by(db, years)
    talks = {(street, year) for street, year in db.rows("SELECT street, year FROM pj_talks")}
    rows = []
    for street in sorted(registered):
        by_year = registered[street]
        k = {
            year: sum(n for y, n in by_year.items() if y <= year)
            - sum(1 for y, closed in gone[street] if y <= year and closed <= year)
            for year in years
        }
        cumulative = cumulative_targets(rules, k)
        for year in years:
            closes = closing_day(year).isoformat()[:7]
            exits = late = 0
            for exit_year, month, count in approved[street]:
                if exit_year != year:
                    continue
                if month > closes:
                    late += count
                else:
                    exits += count
            over = _year_over(today, year)
            done = out.get((street, year), 0)
            rows.append(
                {
                    "street": street,
                    "year": year,
                    "key_targets": k[year],
                    "target": cumulative[year] - cumulative.get(year - 1, 0),
                    "exits": exits,
                    "late_exits": late,
                    "cumulative_target": cumulative[year],
                    "cumulative_exits": done,
                    "year_over": over,
                    "due_talk": over and done < cumulative[year],
                    "talk_held": (street, year) in talks,
                }
            )
    return rows


def _district_plan(
    plan: list[dict[str, Any]], rules: ProgrammeRules, today: date | None
) -> list[dict[str, Any]]:
    """The district's 2:3:5 plan 全区减贫计划 [三], a row a programme year, from its streets'
    rows (``_plan``): K, exits, late exits and cumulative exits are their sums; the target is
    the shares of the district's K (20 % of the 176 key targets in 2016, as 三 states the
    plan), each street's being rounded on its own K, so ``street_targets``, their sum, may
    differ by a household or two. ``behind``: the year is over and the district's cumulative
    exits fall short of its cumulative target; ``streets_behind``: the streets with a talk
    约谈 due that year (a talk is a street's [六(七)]: the district has none). Since session
    35 (tester a, session 34: the report held no district row, only the demo's summary
    said the district's exits)."""
    years = range(rules.first_year, rules.first_year + len(rules.reduction_shares))
    by_year: dict[int, list[dict[str, Any]]] = {year: [] for year in years}
    for row in plan:
        by_year[row["year"]].append(row)
    k = {year: sum(r["key_targets"] for r in rows) for year, rows in by_year.items()}
    cumulative = cumulative_targets(rules, k)
    rows = []
    for year, streets in by_year.items():
        done = sum(r["cumulative_exits"] for r in streets)
        over = _year_over(today, year)
        rows.append(
            {
                "year": year,
                "key_targets": k[year],
                "target": cumulative[year] - cumulative.get(year - 1, 0),
                "exits": sum(r["exits"] for r in streets),
                "late_exits": sum(r["late_exits"] for r in streets),
                "cumulative_target": cumulative[year],
                "cumulative_exits": done,
                "year_over": over,
                "behind": over and done < cumulative[year],
                "street_targets": sum(r["target"] for r in streets),
                "streets_behind": sum(1 for r in streets if r["due_talk"]),
            }
        )
    return rows if plan else []


def _year_over(today: date | None, year: int) -> bool:
    """Whether ``year`` is over on the report's day: once its closing day has passed
    (``year_result_fixed_on``: until then an exit of the year still counts for it), as the
    ledger lets a talk about it be held (``Inspection.hold_talk``). Until session 24, from its
    31 December: a street on target by 31 January showed a talk due for a month."""
    return today is not None and today >= year_result_fixed_on(year)


def _talks_due(db: Database, plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``plan`` rows with a talk 约谈 due [六(七)], with how many talks in force were held
    about the street and year (``talks``): one is the rule; more than one is a repeated talk
    the report notes (tester F, session 28: a second talk was neither refused nor shown). The
    ledger takes it (talks sit in separate inspections, and 党政主要领导 may be summoned on
    different days); a talk voided by a correction is not counted, so a new one replaces it."""
    held: dict[tuple[str, int], int] = defaultdict(int)
    talks = "SELECT street, year, COUNT(*) FROM pj_talks GROUP BY street, year"
    for street, year, count in db.rows(talks):
        held[(street, int(year))] = int(count)
    return [
        {
            **{k: row[k] for k in COLUMNS["talks_due"] if k != "talks"},
            "talks": held[(row["street"], row["year"])],
        }
        for row in plan
        if row["due_talk"]
    ]


def _talks_not_due(
    db: Database, plan: list[dict[str, Any]], today: date | None
) -> list[dict[str, Any]]:
    """Talks 约谈 held about a street and year the plan does not show due [六(七)]: the street
    had its cumulative target out by the year's closing day, or has no key target registered
    (a talk is dated from the year's last day on: ``Inspection.hold_talk``). The ledger cannot
    refuse such a talk when it is
    recorded (the targets are worked out here, from every registration), so the report names
    it; a talk stays listed until its street's figures, or a correction that voids it, say
    otherwise."""
    rows = {(row["street"], row["year"]): row for row in plan}
    listed = []
    for inspection, street, year, reason, held_on, *who in db.rows(
        "SELECT inspection, street, year, reason, held_on, held_by, held_imported_by "
        "FROM pj_talks "
        "ORDER BY street, year, held_on, aggregate_id, version"
    ):
        row = rows.get((street, int(year))) or {
            "street": street,
            "year": int(year),
            "cumulative_target": 0,
            "cumulative_exits": 0,
            "year_over": _year_over(today, int(year)),
            "due_talk": False,
        }
        if row["due_talk"]:
            continue
        listed.append(
            {
                **{k: row[k] for k in ("street", "year", "cumulative_target")},
                **{k: row[k] for k in ("cumulative_exits", "year_over")},
                "inspection": inspection,
                "reason": reason,
                "held_on": held_on,
                "held_by": who[0],
                "held_imported_by": who[1],
            }
        )
    return listed


def _out_by(db: Database, years: range) -> dict[tuple[str, int], int]:
    """Key targets out of poverty at each programme year's closing day, by street and year:
    the household's latest exit of that year or an earlier one approved by then is not
    followed by a return to poverty 返贫 approved before that year began. A household that
    returns joins the next year's plan 纳入下年度脱贫计划 [六(六)]: a return approved in year
    Y leaves Y's figure alone (its exit was that year's result; the typhoon return of
    November 2018 does not make 2018 a missed year) and counts from Y + 1 until it exits
    again. A household that never returned has one exit: counted by month in SQL; the few
    that returned are read a page at a time."""
    out: dict[tuple[str, int], int] = defaultdict(int)
    closes = {year: closing_day(year).isoformat() for year in years}
    for street, exit_year, month, closed, count in db.rows(
        f"SELECT h.street, e.year, substr(e.effective, 1, 7), substr({LEAVES_ON}, 1, 4) AS gone, "
        "COUNT(*) FROM pj_exit_steps e "
        "JOIN pj_households h ON h.aggregate_id = e.aggregate_id WHERE e.step = 'approved' "
        "AND h.key_target = 1 AND h.returned_on IS NULL "
        "GROUP BY h.street, e.year, substr(e.effective, 1, 7), gone"
    ):
        for year in years:
            if closed is not None and int(closed) <= year:
                continue  # closed 注销 by then: in no year's figure from the year it left
            if exit_year is not None and exit_year <= year and month <= closes[year][:7]:
                out[(street, year)] += count
    for page in _households(
        db,
        f"number, aggregate_id, street, {LEAVES_ON}",
        "key_target = 1 AND returned_on IS NOT NULL",
    ):
        span = (page[0][0], page[-1][0])
        # (version, effective, exit year or None for a return), in the order they happened
        history: dict[str, list[tuple[int, str, int | None]]] = defaultdict(list)
        for aggregate_id, version, effective, exit_year in db.rows(
            "SELECT e.aggregate_id, e.version, e.effective, e.year FROM pj_exit_steps e "
            "JOIN pj_households h ON h.aggregate_id = e.aggregate_id WHERE e.step = 'approved' "
            "AND h.number BETWEEN ? AND ? AND h.key_target = 1 AND h.returned_on IS NOT NULL",
            span,
        ):
            if exit_year is not None:
                history[aggregate_id].append((version, effective, int(exit_year)))
        for aggregate_id, version, started_on in db.rows(
            "SELECT p.aggregate_id, p.version, p.started_on FROM pj_periods p "
            "JOIN pj_households h ON h.aggregate_id = p.aggregate_id "
            "WHERE h.number BETWEEN ? AND ? AND h.key_target = 1 AND h.returned_on IS NOT NULL "
            "AND p.version > (SELECT MIN(q.version) FROM pj_periods q "
            "WHERE q.aggregate_id = p.aggregate_id)",
            span,
        ):
            history[aggregate_id].append((version, started_on, None))
        for _, aggregate_id, street, closed in page:
            events = sorted(history.get(aggregate_id, ()))
            for year in years:
                if closed is not None and int(str(closed)[:4]) <= year:
                    continue
                began = f"{year:04d}-01-01"
                last = [
                    exit_year
                    for _, day, exit_year in events
                    if (exit_year is None and day < began)
                    or (exit_year is not None and exit_year <= year and day <= closes[year])
                ]
                if last and last[-1] is not None:
                    out[(street, year)] += 1
    return out


# -- findings past their deadline 限期整改, and pairings ended early 不脱贫不脱钩 ----------------


def _notices(db: Database, today: date | None) -> list[dict[str, Any]]:
    """The district's notices 通报 naming slow units [六(七)], in force, by the report's day
    (tester D, session 22: they were in no report, only in an inspection's history)."""
    return _rows_by(
        db,
        "notices",
        today,
        "SELECT inspection, unit, reason, noticed_on, noticed_by, noticed_imported_by "
        "FROM pj_criticisms "
        "WHERE noticed_on <= ? ORDER BY noticed_on, inspection, version",
    )


def _overdue_findings(db: Database, today: date | None) -> list[dict[str, Any]]:
    return _rows_by(
        db,
        "overdue_findings",
        today,
        "SELECT inspection, finding_id, street, subject_kind, subject, deadline, "
        "recorded_by, imported_by, rectified_on FROM pj_findings WHERE deadline < ? "
        "AND (rectified_on IS NULL OR rectified_on > deadline) "
        "ORDER BY deadline, inspection, finding_id",
    )


def _rows_by(db: Database, section: str, today: date | None, sql: str) -> list[dict[str, Any]]:
    """``section``'s rows, read by ``sql`` with the report's day for each of its ``?`` (none
    without one)."""
    if today is None:
        return []
    columns = COLUMNS[section]
    days = (today.isoformat(),) * sql.count("?")
    return [dict(zip(columns, row, strict=True)) for row in db.rows(sql, days)]


def _early_unpairings(db: Database) -> list[dict[str, Any]]:
    columns = COLUMNS["early_unpairings"]
    return [
        dict(zip(columns, row, strict=True))
        for row in db.rows(
            "SELECT household, street, helper, role, replacement, reason, unpaired_on, "
            "unpaired_by, unpaired_imported_by FROM pj_pairings WHERE before_exit = 1 "
            "ORDER BY unpaired_on, household"
        )
    ]


# -- measures paid above their budget 预算 [六(四)] ---------------------------------------------


def _over_budget(db: Database, today: date | None) -> list[dict[str, Any]]:
    """Measures 帮扶措施 whose payments standing by the report's day add up to more than the
    budget 预算 they were planned with. Not refused when paid: a budget raised later in the
    street's own papers is legitimate, so the report names them (session 23: 5,000 yuan paid
    against 3,000 said nothing). A voided payment or measure leaves it. A measure planned
    with no budget (0: ``--budget`` left out, as every one a ledger before session 23
    planned, the demo's included) has none to be over, and is not listed (re-test R: an
    upgraded ledger listed all 405 of its measures)."""
    return _rows_by(
        db,
        "over_budget",
        today,
        "SELECT m.household, h.street, m.measure_id, m.category, m.budget_fen, "
        "SUM(d.amount_fen), SUM(d.amount_fen) - m.budget_fen, COUNT(*), "
        "MAX(d.paid_on) FROM pj_measures m JOIN pj_households h "
        "ON h.aggregate_id = m.aggregate_id JOIN pj_disbursements d "
        "ON d.household = m.household AND d.measure_id = m.measure_id "
        "AND d.purpose = 'household' AND d.voided = 0 AND d.paid_on <= ? "
        "WHERE m.planned_on <= ? AND m.budget_fen > 0 GROUP BY m.aggregate_id, m.measure_id, "
        "m.household, h.street, m.category, m.budget_fen HAVING SUM(d.amount_fen) > m.budget_fen "
        "ORDER BY m.household, m.measure_id",
    )


# -- the programme's rules amended after its opening [三、六(四)、六(七)] -------------------------


def _rules_amendments(db: Database, rules: ProgrammeRules) -> list[dict[str, Any]]:
    """Each rule ``programme amend`` restated (since session 26), in the order recorded: its
    effective date, recording time, who, the document, why, the rule before and after, and
    whether a plan year was already over (``year_result_fixed_on``) on the day, in China, it
    was recorded (``changes_closed_years``, with ``closed_years``): an amendment holds from
    the opening on, so it restates that year's target, minimums or thresholds after the fact
    (a talk due 约谈 [六(七)] gone, a minimum [六(四)] met). The report's figures are the
    amended rules'; ``--known-at`` a moment before it gives the figures before it."""
    found: list[dict[str, Any]] = []
    for row in db.rows(
        "SELECT position, rule, effective, recorded, actor, imported_by, document, reason, "
        "before, after FROM pj_rules_amendments ORDER BY position, rule"
    ):
        rule, effective, recorded, actor, importer, document, reason, before, after = row[1:]
        closed = _closed_years(rules, str(recorded))
        found.append(
            {
                "effective": effective,
                "recorded_at": recorded,
                "amended_by": actor,
                "amended_imported_by": importer,
                "document": document,
                "reason": reason,
                "rule": rule,
                "before": before,
                "after": after,
                "changes_closed_years": bool(closed),
                "closed_years": ", ".join(str(year) for year in closed),
            }
        )
    return found


def _closed_years(
    rules: ProgrammeRules, recorded: str, first: int = 0, until: int = MAXYEAR
) -> list[int]:
    """The plan years from ``first`` and before ``until`` already over
    (``year_result_fixed_on``) on the day, in China, of the recording time ``recorded``."""
    day = datetime.fromisoformat(recorded).astimezone(CHINA).date()
    return [
        year
        for year in range(max(rules.first_year, first), min(rules.last_year + 1, until))
        if day >= year_result_fixed_on(year)
    ]


# -- a household's key-target mark amended after the fact [三; 四(一); 六(七)] ---------------------


def _key_target_amendments(db: Database, rules: ProgrammeRules) -> list[dict[str, Any]]:
    """Each amendment of a registered household's key-target mark (``household amend
    --key-target``/``--not-key-target``, with ``--labour``/``--willing`` when given with it),
    a row a field, in the order recorded (since session 26, tester N): an amendment restates
    the mark from the start, so it moves the household's street's K, and with it the 2:3:5
    target and a talk due 约谈 [六(七)], of every plan year from its registration's (to the one
    it left the plan in, if closed); ``changes_closed_years`` says whether one of those years
    was already over on the day, in China, it was recorded, ``closed_years`` which."""
    found: list[dict[str, Any]] = []
    for row in db.rows(
        "SELECT a.position, a.field, a.household, h.street, a.effective, a.recorded, a.actor, "
        "a.document, a.reason, a.before, a.after, substr(h.registered_on, 1, 4), "
        f"substr({LEAVES_ON}, 1, 4), a.imported_by FROM pj_key_target_amendments a "
        "JOIN pj_households h ON h.aggregate_id = a.aggregate_id ORDER BY a.position, a.field"
    ):
        household, street, effective, recorded, actor, document, reason = row[2:9]
        registered, leaves = row[11], row[12]
        first = int(registered) if registered else MAXYEAR
        closed = _closed_years(rules, str(recorded), first, int(leaves) if leaves else MAXYEAR)
        found.append(
            {
                **{"household": household, "street": street, "effective": effective},
                **{"recorded_at": recorded, "amended_by": actor, "amended_imported_by": row[13]},
                "document": document,
                **{"reason": reason, "field": row[1], "before": row[9], "after": row[10]},
                "changes_closed_years": bool(closed),
                "closed_years": ", ".join(str(year) for year in closed),
            }
        )
    return found


def mark_moved(report: dict[str, Any], moved: datetime, said: str) -> None:
    """Mark the amendments recorded by ``moved``, when the ledger was rebuilt from an export
    (``said``: ``import --create on DAY``), as recorded before the move: the move replayed
    them and recorded them anew at its own time, and the store keeps no earlier one, so
    whether they restated a closed year is unknown here (``changes_closed_years`` None) and
    ``closed_years`` says so. The export keeps each row's original ``recorded_at`` (tester
    N, session 26: every amendment of a moved store read "yes, 2016, 2017, 2018", a typo
    fixed the day after the opening too). Their ``recorded_at`` is left empty (None): here it
    is the move's time, not when the amendment was made (since session 26, tester Y, L2: a row
    recorded at 10:18:01 read 10:18:23, the move's)."""
    day = said.removeprefix("import --create on ")
    text = (
        f"unknown: recorded before the move of {day} ({said} recorded it anew); the "
        "export's recorded_at says when"
    )
    for name in AMENDMENT_SECTIONS:
        for row in report.get(name, ()):
            if datetime.fromisoformat(str(row["recorded_at"])) <= moved:
                row["recorded_at"] = None
                row["changes_closed_years"] = None
                row["closed_years"] = text
