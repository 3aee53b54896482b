"""The reports as plain values: what the CLI renders and the demo summarises.

Every function takes an open ``Ledger`` (opened with ``open_ledger``, so it knows its store)
and returns dicts and lists of plain values (ints in fen, ISO dates, booleans), in the stable
JSON shapes of docs/reports.md. ``as_of`` reports what was true on that effective date, as
best known now (corrections included); ``known_at`` only what was recorded by then; both
together work. Without either, the persistent read models are caught up and read.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import date, datetime
from typing import Any

from ledger import clock
from ledger.application import Ledger
from ledger.base import natural_id
from ledger.errors import NotFoundError
from ledger.transparency import LOG_KEY_COLUMNS, OFFICER_KEY_COLUMNS, key_records, moved_at
from ledger.values import ReadNow, not_come_yet

from projections import catchup
from projections.accountability import AMENDMENT_SECTIONS, mark_moved
from projections.accountability import accountability as _accountability
from projections.caseload import caseload as _caseload
from projections.catchup import View, open_view
from projections.dossier import dossier
from projections.engine import facts
from projections.fund_report import funds as _funds
from projections.restated import restated_years

__all__ = [
    "accountability",
    "ahead_of_ledger",
    "caseload",
    "catch_up",
    "check",
    "funds",
    "household",
    "readiness",
    "rebuild",
    "settle_known_at",
    "status",
    "steady",
    "summary",
]

ahead_of_ledger = catchup.ahead_of_ledger
catch_up = catchup.catch_up
check = catchup.check
readiness = catchup.readiness
rebuild = catchup.rebuild
status = catchup.status
#: ``with steady(ledger, "query"):`` the read models caught up for a reader on another
#: connection, refused if a rebuild began while it read them (``catchup.Seen.unmoved``).
steady = catchup.steady


def settle_known_at(ledger: Ledger, known_at: datetime | None) -> datetime | None:
    """A ``--known-at`` read as now (``ReadNow``: today's date alone, or a time at or after
    now) as the moment the ledger is read, or, if an event on record carries a later
    recording time (a machine ahead), the latest of them: the label covers everything on
    record (since session 25: a time a few minutes ahead labelled figures an entry recorded
    before then changed; since session 27 a time however far ahead: one more than the clock
    allowance ahead was left out, and its entry vanished from views as known now). Any other
    time is as given. A time typed after now (``ReadNow.typed``) is taken as it is when it is
    not after the latest recording time on record (a time pasted from ``history`` for an
    entry a machine ahead recorded), refused when it is after that and more than the clock
    allowance after now, read as now otherwise (since session 27)."""
    if not isinstance(known_at, ReadNow):
        return known_at
    now = max(clock.now(), known_at)
    latest = _latest_recorded(ledger, now)
    typed = getattr(known_at, "typed", None)
    if typed is not None and typed <= latest:
        return datetime.fromisoformat(typed.isoformat())  # as typed, a plain datetime
    if typed is not None and typed > now + clock.CLOCK_TOLERANCE:
        raise not_come_yet(getattr(known_at, "text", "") or typed.isoformat(), now)
    return datetime.fromisoformat(latest.isoformat())  # a plain datetime: settled


def _latest_recorded(ledger: Ledger, now: datetime) -> datetime:
    """The latest recording time on record, or ``now`` if it is later: read from the log's
    end backwards a growing page at a time, never the whole log (a report as known now read
    every event once more: ~1.4 s on the demo). A save is never recorded more than the
    allowance before the one stored before it (``fupin verify`` checks it), so once an event
    stored before the others read is more than the allowance before the latest found, none
    stored before it is later, but by a clock stepping back a save at a time: the label is
    then still after the log's last event, so the view as known at it is the whole log
    (``ledger.known``)."""
    tolerance = clock.CLOCK_TOLERANCE
    head = ledger.recorder.max_notification_id() or 0
    latest, back = now, 64
    while True:
        after = max(head - back, 0)
        first: datetime | None = None
        with closing(facts(ledger, after)) as stream:
            for fact in stream:
                recorded = fact.recorded_at
                if first is None:
                    first = recorded
                latest = max(latest, recorded)
        if after == 0 or first is None or first < latest - tolerance:
            return latest
        back *= 16


def _report(
    name: str,
    ledger: Ledger,
    as_of: date | None,
    known_at: datetime | None,
    build: Callable[[View], dict[str, Any]],
) -> dict[str, Any]:
    known_at = settle_known_at(ledger, known_at)
    with open_view(ledger, as_of, known_at) as opened, opened.db.snapshot():
        # One state of the read models for the figures, their day and what they reflect.
        counted = opened.db.one(
            "SELECT events, latest_recorded, latest_effective FROM pj_clock WHERE id = 1"
        )
        events, recorded, latest = counted if counted is not None else (0, None, None)
        today = as_of or (date.fromisoformat(str(latest)) if latest else None)
        body = build(View(opened.db, today))
    return {
        "report": name,
        "as_of": as_of.isoformat() if as_of else None,
        "known_at": known_at.isoformat() if known_at else None,
        "today": today.isoformat() if today else None,
        # What the report reflects, so that it can be told from another and made again: how
        # many of the ledger's events it read, and when the last of them was recorded
        # (tester M, session 18: a report without --known-at did not say how current it was).
        "events": int(events or 0),
        "recorded_through": str(recorded) if recorded else None,
        **body,
    }


def caseload(
    ledger: Ledger, as_of: date | None = None, known_at: datetime | None = None
) -> dict[str, Any]:
    """Households and people by status, street, village, area, key target; exits per year."""
    return _report("caseload", ledger, as_of, known_at, lambda v: _caseload(v.db))


def funds(
    ledger: Ledger, as_of: date | None = None, known_at: datetime | None = None
) -> dict[str, Any]:
    """Allocations, disbursements, balances; per-person investment; yearly splits."""
    return _report("funds", ledger, as_of, known_at, lambda v: _funds(v.db, v.today))


def accountability(
    ledger: Ledger,
    as_of: date | None = None,
    known_at: datetime | None = None,
    restated: bool = False,
) -> dict[str, Any]:
    """Where the plan's rules were not kept, naming households, helpers, officers, streets.
    In a ledger rebuilt from an export, the amendments the move replayed are marked so
    (``mark_moved``): their recording time here is the move's. With ``restated`` (since
    session 26) the report adds ``restated_years``: each closed plan year whose plan row
    moved since the year closed (``projections.restated``; a replay a closed year)."""
    streets: dict[str, tuple[str, str]] = {}

    def build(view: View) -> dict[str, Any]:
        if restated:
            streets.update(
                (str(a), (str(n), str(s)))
                for a, n, s in view.db.rows(
                    "SELECT aggregate_id, number, street FROM pj_households"
                )
            )
        return _accountability(view.db, view.today)

    report = _report("accountability", ledger, as_of, known_at, build)
    moved = moved_at(ledger) if restated or any(report[n] for n in AMENDMENT_SECTIONS) else None
    if moved is not None:
        mark_moved(report, *moved)
    if restated:
        today = date.fromisoformat(report["today"]) if report["today"] else None
        settled = datetime.fromisoformat(report["known_at"]) if report["known_at"] else None
        report["restated_years"] = restated_years(
            ledger, report["plan"], streets, today, as_of, settled, moved
        )
    return report


def household(
    ledger: Ledger, number: str, as_of: date | None = None, known_at: datetime | None = None
) -> dict[str, Any]:
    """A household's dossier 一户一档 from the read models."""
    try:
        return _report(
            "household", ledger, as_of, known_at, lambda v: dossier(v.db, number, v.today)
        )
    except NotFoundError:
        if as_of is None and known_at is None:
            raise
        if not ledger.recorder.select_events(natural_id("household", number), limit=1):
            raise  # not on record at all
        when = " and ".join(
            f"{word} {moment.isoformat()}"
            for word, moment in (("as of", as_of), ("as known at", known_at))
            if moment is not None
        )
        raise NotFoundError(
            "household", f"{number!r} was not on record yet {when} (it is now)"
        ) from None


#: ``officers``' columns, in order.
OFFICER_COLUMNS = ("officer", "name", "role", "street", "unit", "active")


def officers(
    ledger: Ledger, as_of: date | None = None, known_at: datetime | None = None
) -> dict[str, Any]:
    """Every officer registered 记录人, by id: their name, role, street ("" for the district),
    unit and whether they may still record (not retired), as of a date and as known at a
    time, as the reports are."""

    def build(view: View) -> dict[str, Any]:
        rows = view.db.rows(
            f"SELECT {', '.join(OFFICER_COLUMNS)} FROM pj_officers ORDER BY officer"
        )
        listed = [dict(zip(OFFICER_COLUMNS, row, strict=True)) for row in rows]
        for row in listed:
            row["active"] = bool(row["active"])
        return {"officers": listed}

    return _report("officers", ledger, as_of, known_at, build)


#: The columns of each list of ``keys``.
KEY_COLUMNS = {"officer_keys": OFFICER_KEY_COLUMNS, "log_keys": LOG_KEY_COLUMNS}


def keys(ledger: Ledger) -> dict[str, Any]:
    """Every signing key registered (``fupin keys list``): officers' keys and the district's
    log keys, each with when it was registered and whether it is in force, read from the
    ledger's key events (they are few; no read model keeps them)."""
    return key_records(ledger)


def summary(ledger: Ledger) -> dict[str, Any]:
    """The headline figures of the three reports (the end of ``fupin demo``): scope, key
    targets, exits per year against the key targets, money against the plan's rules, and the
    number of items in each accountability section. Every figure comes from the reports."""
    cases = caseload(ledger)
    money = funds(ledger)
    duty = accountability(ledger)
    return {
        "today": cases["today"],
        "households": cases["totals"]["households"],
        "people": cases["totals"]["people"],
        "by_status": {s["status"]: s["households"] for s in cases["by_status"]},
        "key_targets": _key_targets(cases["groups"]),
        "exits_by_year": _exits_by_year(cases["exits"]),
        "exits": sum(e["households"] for e in cases["exits"]),
        "allocated_fen": sum(a["allocated_fen"] for a in money["accounts"]),
        "disbursed_fen": sum(a["disbursed_fen"] for a in money["accounts"]),
        "per_person": money["per_person"],
        "splits": money["splits"],
        "accountability": {
            **{
                section: len(duty[section])
                for section in (
                    "missed_visits",
                    "missing_roles",
                    "missing_assistance",
                    "registration_faults",
                    "exit_faults",
                    "talks_due",
                )
            },
            # A talk due is listed whether or not it was held: say how many were.
            "talks_held": sum(1 for talk in duty["talks_due"] if talk["talk_held"]),
            "talks_not_due": len(duty["talks_not_due"]),
            "notices": len(duty["notices"]),
            "overdue_findings": len(duty["overdue_findings"]),
            "early_unpairings": len(duty["early_unpairings"]),
            "over_budget": len(duty["over_budget"]),
        },
    }


def _key_targets(groups: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Key-target households and people, in all and by area (rural 农村 / urban 城镇)."""
    totals: dict[str, dict[str, int]] = {}
    for group in groups:
        if not group["key_target"]:
            continue
        for name in ("all", group["area"]):
            entry = totals.setdefault(name, {"households": 0, "people": 0})
            entry["households"] += group["households"]
            entry["people"] += group["people"]
    return totals


def _exits_by_year(exits: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    # Keys are strings, as JSON object keys are.
    by_year: dict[str, dict[str, int]] = {}
    for row in exits:
        entry = by_year.setdefault(str(row["year"]), {"households": 0, "people": 0})
        entry["households"] += row["households"]
        entry["people"] += row["people"]
    return dict(sorted(by_year.items()))
