"""The reports as plain values: what the CLI renders and the demo summarises.

Every function takes an open ``Ledger`` (opened with ``open_ledger``, so it knows its store)
and returns dicts and lists of plain values (ints in fen, ISO dates, booleans), in the stable
JSON shapes of docs/reports.md. ``as_of`` reports what was true on that effective date, as
best known now (corrections included); ``known_at`` only what was recorded by then; both
together work. Without either, the persistent read models are caught up and read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ledger.application import Ledger

from projections import catchup
from projections.accountability import accountability as _accountability
from projections.caseload import caseload as _caseload
from projections.catchup import View, open_view
from projections.dossier import dossier
from projections.fund_report import funds as _funds

__all__ = [
    "accountability",
    "caseload",
    "catch_up",
    "funds",
    "household",
    "rebuild",
    "status",
    "summary",
]

catch_up = catchup.catch_up
rebuild = catchup.rebuild
status = catchup.status


def _report(
    name: str,
    ledger: Ledger,
    as_of: date | None,
    known_at: datetime | None,
    build: Callable[[View], dict[str, Any]],
) -> dict[str, Any]:
    with open_view(ledger, as_of, known_at) as view:
        body = build(view)
        today = view.today
    return {
        "report": name,
        "as_of": as_of.isoformat() if as_of else None,
        "known_at": known_at.isoformat() if known_at else None,
        "today": today.isoformat() if today else None,
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
    return _report("funds", ledger, as_of, known_at, lambda v: _funds(v.db))


def accountability(
    ledger: Ledger, as_of: date | None = None, known_at: datetime | None = None
) -> dict[str, Any]:
    """Where the plan's rules were not kept, naming households, helpers, officers, streets."""
    return _report(
        "accountability", ledger, as_of, known_at, lambda v: _accountability(v.db, v.today)
    )


def household(
    ledger: Ledger, number: str, as_of: date | None = None, known_at: datetime | None = None
) -> dict[str, Any]:
    """A household's dossier 一户一档 from the read models."""
    return _report("household", ledger, as_of, known_at, lambda v: dossier(v.db, number))


def summary(ledger: Ledger) -> dict[str, Any]:
    """A few headline figures of the three reports (for the end of ``fupin demo``)."""
    cases = caseload(ledger)
    money = funds(ledger)
    duty = accountability(ledger)
    return {
        "today": cases["today"],
        "households": cases["totals"]["households"],
        "people": cases["totals"]["people"],
        "by_status": {s["status"]: s["households"] for s in cases["by_status"]},
        "exits": sum(e["households"] for e in cases["exits"]),
        "allocated_fen": sum(a["allocated_fen"] for a in money["accounts"]),
        "disbursed_fen": sum(a["disbursed_fen"] for a in money["accounts"]),
        "accountability": {
            section: len(duty[section])
            for section in (
                "missed_visits",
                "missing_roles",
                "registration_faults",
                "exit_faults",
                "talks_due",
                "overdue_findings",
                "early_unpairings",
            )
        },
    }
