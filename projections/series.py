"""What the HTML report 图表报告 needs beyond the three JSON reports: the caseload over time,
visit coverage per street and quarter, and the dossiers 一户一档 of the households the
accountability report names, with personal data masked unless the reader may see it.

``gather`` collects everything into one ``ReportInputs``; ``projections.html_report`` renders
it without touching the ledger again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ledger.application import Ledger
from ledger.household import Personal, names_shown
from ledger.known import known_prefix
from ledger.privacy import (  # the masks keep [erased] and [sealed] as they are
    DamagedKeyError,
    MissingKeyError,
    SealBrokenError,
    mask_id_card,
    mask_name,
)
from ledger.programme import ProgrammeRules
from ledger.reading import UNREADABLE, household_unreadable

from projections import api
from projections.accountability import _quarters_due, visits_until
from projections.caseload import caseload
from projections.catchup import MODELS, open_view
from projections.dossier import dossier
from projections.engine import continuous, facts, filter_facts, fold
from projections.rules import quarter_bounds, quarter_of, read_rules
from projections.storage import Database

__all__ = [
    "ReportInputs",
    "caseload_series",
    "gather",
    "mask_id_card",
    "mask_name",
    "named_households",
    "report_days",
    "visit_coverage",
]

#: Roles that see households' personal data in full; everyone else (analysts, street officers,
#: a reader who gives no ``--as``) sees it masked [个人信息: sensitive, DOMAIN.md].


@dataclass(frozen=True)
class ReportInputs:
    """Everything the HTML report shows, as plain values (the JSON reports' dicts included)."""

    caseload: dict[str, Any]
    funds: dict[str, Any]
    accountability: dict[str, Any]
    #: caseload by day, street and status: day, street, status, households, people
    series: list[dict[str, Any]]
    #: visits owed and missed per street and quarter: street, quarter, owed, missed
    coverage: list[dict[str, Any]]
    #: one dossier per household named in a finding, with a ``personal`` entry (masked or not)
    dossiers: list[dict[str, Any]]
    masked: bool
    reader: str | None
    #: the households whose dossier reads ``[unreadable]`` (their key is damaged or gone), by
    #: number, each with what is wrong in a few words (never a key, nor the household's id)
    unreadable: dict[str, str] = field(default_factory=dict)
    #: the yearly exit shares 减贫计划 in force in the report's view (``2:3:5`` as the plan has
    #: them, or as ``programme amend --shares`` restated them), for the headings that name them
    shares: str = "2:3:5"


def gather(
    ledger: Ledger,
    as_of: date | None = None,
    known_at: datetime | None = None,
    reader: str | None = None,
    restated: bool = False,
) -> ReportInputs:
    """Collect the report's figures; ``reader`` (an officer id) decides the masking;
    ``restated`` adds the accountability report's ``restated_years`` (a replay a closed year)."""
    masked = _masked_for(ledger, reader)
    # A master key the household keys are not wrapped under is refused before anything is
    # read, dossiers due or not (since session 35, tester f: with none due the page was
    # written under it, its header saying "personal data in full").
    ledger.household_keys.check_master_given()
    known_at = api.settle_known_at(ledger, known_at)  # one label for every part (now: settled)
    duty = api.accountability(ledger, as_of, known_at, restated)
    cases = api.caseload(ledger, as_of, known_at)
    today = date.fromisoformat(cases["today"]) if cases["today"] else None
    with open_view(ledger, as_of, known_at) as view:
        coverage = visit_coverage(view.db, today, duty["missed_visits"])
        first = _first_identified(view.db)
        rules = read_rules(view.db)
        unreadable: dict[str, str] = {}
        dossiers = [
            _dossier(ledger, view.db, number, masked, unreadable, (as_of, known_at), today)
            for number in named_households(duty)
        ]
    days = report_days(first, today) if first and today else []
    return ReportInputs(
        caseload=cases,
        funds=api.funds(ledger, as_of, known_at),
        accountability=duty,
        series=caseload_series(ledger, days, known_at),
        coverage=coverage,
        dossiers=dossiers,
        masked=masked,
        reader=reader,
        unreadable=unreadable,
        shares="" if rules is None else ":".join(str(s) for s in rules.reduction_shares),
    )


def _masked_for(ledger: Ledger, reader: str | None) -> bool:
    # The ledger's one read policy: unknown or retired officers are refused, and the report
    # shows every street's households, so only a reader who sees all of them sees them unmasked.
    return not ledger.reader(reader or "").sees_all


def _first_identified(db: Database) -> date | None:
    row = db.one("SELECT MIN(identified_on) FROM pj_households")
    return None if row is None or row[0] is None else date.fromisoformat(str(row[0]))


# -- the caseload over time -------------------------------------------------------------------


def report_days(first: date, today: date) -> list[date]:
    """The ends of the quarters from ``first``'s quarter that ended before ``today``, then
    ``today`` itself: the last point is the report's own day."""
    days = []
    year, quarter = quarter_of(first)
    while (end := quarter_bounds(year, quarter)[1]) < today:
        days.append(end)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return [*days, today]


def caseload_series(
    ledger: Ledger, days: Sequence[date], known_at: datetime | None = None
) -> list[dict[str, Any]]:
    """Households and people by street and status at each of ``days``, exactly as
    ``api.caseload(as_of=day)`` counts them: the events are read and folded once per day,
    streamed (since session 37, session 36's tester h F5: they were read once into a list
    and folded from it, every event of the ledger in memory: 507 MiB for ``report html`` at
    204 k events, ~2.2 KB an event). Memory now follows the read models, as one ``--as-of``
    report's does; each day costs a read of the log besides its fold."""
    known = None if known_at is None else known_prefix(ledger.recorder, known_at)
    rows: list[dict[str, Any]] = []
    for day in days:
        # Closed however the reading ends (a store refused mid-way left its reader to the
        # collector, which met a closed pool: a traceback after the refusal, re-tester P).
        with closing(facts(ledger)) as read:
            db = fold(filter_facts(continuous(read), day, known), MODELS)
        try:
            rows.extend(_by_street_status(day, caseload(db)["groups"]))
        finally:
            db.close()
    return rows


def _by_street_status(day: date, groups: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for group in groups:
        entry = totals[(group["street"], group["status"])]
        entry[0] += group["households"]
        entry[1] += group["people"]
    return [
        {"day": day.isoformat(), "street": s, "status": st, "households": h, "people": p}
        for (s, st), (h, p) in sorted(totals.items())
    ]


# -- visit coverage [四(二)] --------------------------------------------------------------------


def visit_coverage(
    db: Database, today: date | None, missed_visits: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per street and ended quarter: visits owed (one per active pairing, as the
    accountability report counts them, up to the same day: ``visits_until``) and missed (the
    report's ``missed_visits`` rows)."""
    today = visits_until(read_rules(db) or ProgrammeRules(), today)
    if today is None:
        return []
    periods = defaultdict(list)
    for aggregate_id, start, end in db.rows(
        "SELECT aggregate_id, started_on, ended_on FROM pj_periods"
    ):
        periods[aggregate_id].append((start, end))
    owed: Counter[tuple[str, str]] = Counter()
    pair: tuple[str, str] | None = None
    due: set[tuple[int, int]] = set()  # the quarters owed by the current household and helper
    for aggregate_id, street, helper, start, end in db.rows(
        "SELECT aggregate_id, street, helper, paired_on, unpaired_on FROM pj_pairings "
        "ORDER BY aggregate_id, helper"
    ):
        if (aggregate_id, helper) != pair:
            pair, due = (aggregate_id, helper), set()
        for year, quarter in _quarters_due(start, end, periods[aggregate_id], today):
            if (year, quarter) not in due:  # paired again within it: still one visit owed
                due.add((year, quarter))
                owed[(street, f"{year}Q{quarter}")] += 1
    missed = Counter((m["street"], m["quarter"]) for m in missed_visits)
    return [
        {"street": street, "quarter": quarter, "owed": count, "missed": missed[(street, quarter)]}
        for (street, quarter), count in sorted(owed.items())
    ]


# -- dossiers of the households named in findings ---------------------------------------------


def named_households(duty: dict[str, Any]) -> list[str]:
    """Every household the accountability report names, sorted."""
    numbers = {
        row["household"]
        for section in (
            "missed_visits",
            "missing_roles",
            "missing_assistance",  # since session 35 (re-tester r: its links went nowhere)
            "registration_faults",
            "exit_faults",
            "early_unpairings",
            "over_budget",  # since session 23: its households link to their dossiers too
        )
        for row in duty[section]
    }
    numbers.update(
        row["subject"] for row in duty["overdue_findings"] if row["subject_kind"] == "household"
    )
    return sorted(numbers)


def _dossier(
    ledger: Ledger,
    db: Database,
    number: str,
    masked: bool,
    unreadable: dict[str, str],
    when: tuple[date | None, datetime | None] = (None, None),
    today: date | None = None,
) -> dict[str, Any]:
    """The household's dossier with its personal data. One whose key fails authentication or
    has no row (``household_unreadable``) reads ``[unreadable]`` in every personal field, and
    is added to ``unreadable``: the report goes on for every other household, as the other
    readers of the whole ledger do (``notice``, ``log``; docs/privacy.md). Before, it
    refused the whole report, naming the household by its id only. A master key that opens
    nothing is still refused. ``today``: the report's day, by which a finding is overdue."""
    record = dossier(db, number, today)
    try:
        # As of the report's date and as known at its time, as ``household show`` reads it
        # (tester J, session 22: a report as of 2016 named the head recorded in 2017).
        # A household missing a version is refused naming its position (tester O, session
        # 27: the page was 'internal error: OriginatorVersionError').
        personal = ledger.personal_as_of(ledger.replayed(number), *when)
    except SealBrokenError as exc:
        if not household_unreadable(exc):
            raise
        unreadable[number] = _what_is_wrong(exc)
        record["personal"] = {
            **dict.fromkeys(("head_name", "id_card"), UNREADABLE),
            # masked, the phone and the address are left out, as for every household
            **dict.fromkeys(("phone", "address"), "" if masked else UNREADABLE),
            "member_names": [UNREADABLE],  # not "no members": its names cannot be read
        }
        return record
    if personal is None:  # not identified yet as of the report's date: nothing on record
        record["personal"] = {
            **dict.fromkeys(("head_name", "id_card"), "–"),
            **dict.fromkeys(("phone", "address"), ""),
            "member_names": [],
        }
        return record
    # an erased household's member names: one [erased] for each member its facts count
    record["personal"] = _personal(names_shown(personal, record["household"]["members"]), masked)
    return record


def _what_is_wrong(exc: SealBrokenError) -> str:
    """Why a household's personal data cannot be read, in a few words: the error's own rule
    names the household by id, which a reader has no use for."""
    if isinstance(exc, DamagedKeyError):
        return "its key fails authentication"
    if isinstance(exc, MissingKeyError):
        return "it has no key row"
    return "its stored personal data fails authentication"


def _personal(personal: Personal, masked: bool) -> dict[str, Any]:
    if not masked:
        return {
            "head_name": personal.head_name,
            "id_card": personal.id_card,
            "phone": personal.phone,
            "address": personal.address,
            "member_names": list(personal.member_names),
        }
    return {
        "head_name": mask_name(personal.head_name),
        "id_card": mask_id_card(personal.id_card),
        "phone": "",
        "address": "",
        "member_names": [mask_name(name) for name in personal.member_names],
    }
