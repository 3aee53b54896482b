"""Closed plan years restated after the fact (``fupin report accountability --restated``,
since session 26, tester Y): each plan year already over whose street's row of the 2:3:5 plan
differs between the ledger as known at the end of the year's closing day (China) and now, with
the entries recorded after that close that may have moved it.

A closed year's figures move after the fact by any late entry that reaches back into it: a
correction voiding an exit approval of the year, a closure in error, a registration entered
late but dated in the year, an amendment (docs/reports.md). This section is the automated form
of the check of audit-guide.md §6 (``--known-at`` the year's closing day against now). Each
closed year costs a replay of the log as known then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import closing
from datetime import date, datetime, time
from typing import Any

from ledger.application import Ledger
from ledger.known import known_cuts
from ledger.programme import ProgrammeRules, closing_day, year_result_fixed_on
from ledger.values import CHINA

from projections.accountability import _plan
from projections.catchup import open_view
from projections.engine import WHATEVER_THEIR_DATE, facts
from projections.rules import read_rules

__all__ = [
    "COMPARED",
    "RESTATED_BY_COLUMNS",
    "RESTATED_COLUMNS",
    "restated_text",
    "restated_years",
    "year_closed_at",
]

#: The plan row's figures compared, in order.
COMPARED = (
    "key_targets",
    "target",
    "exits",
    "cumulative_target",
    "cumulative_exits",
    "due_talk",
)

#: The section's columns: year, street, the moment the year is read as known at, each
#: compared figure before and after, the entries that may have moved it, and whether it could
#: be judged here (``judged``, with ``note`` saying why not).
RESTATED_COLUMNS: tuple[str, ...] = (
    "year",
    "street",
    "known_at",
    *(f"{name}_{when}" for name in COMPARED for when in ("before", "after")),
    "restated_by",
    "judged",
    "note",
)

#: The fields of each entry of ``restated_by``.
#: ``imported_by`` beside ``actor``: who recorded the entry for that officer (an admin's
#: import; None when the officer recorded it, and left out of its line then), since session 30.
RESTATED_BY_COLUMNS = (
    *("event", "record", "entry", "corrects", "effective", "recorded_at"),
    *("actor", "imported_by", "document", "reason", "note"),
)

#: Entries that reach back into a closed year whatever their effective date: a correction or
#: an amendment holds from the start (``engine.WHATEVER_THEIR_DATE``), and a closure in error
#: or of a duplicate drops the household from every year (``households.LEAVES_ON``).
REACH_BACK = WHATEVER_THEIR_DATE | {"Closed"}

#: The entries that can move a plan row (its K, targets, exits, cumulative exits, talk due):
#: a household's registration, key-target mark, street, exit approval or withdrawal, return to
#: poverty, closure, or any correction; the programme's rules and years. A visit, a payment, a
#: pairing, a measure or an income assessment moves none, and is not listed.
PLAN_ENTRIES = frozenset(
    {
        *("Registered", "Amended", "Moved", "Corrected", "Closed"),
        *("ExitAdvanced", "ExitWithdrawn", "ReturnAdvanced", "ReturnWithdrawn"),
        *("Opened", "RulesAmended", "YearParametersSet"),
    }
)


def year_closed_at(year: int) -> datetime:
    """The end of ``year``'s closing day (``closing_day``) in China: the ledger as known then
    is the year as it closed."""
    return datetime.combine(closing_day(year), time.max, CHINA)


def restated_years(
    ledger: Ledger,
    plan: list[dict[str, Any]],
    streets: Mapping[str, tuple[str, str]],
    today: date | None,
    as_of: date | None,
    known_at: datetime | None,
    moved: tuple[datetime, str] | None,
) -> list[dict[str, Any]]:
    """The rows of ``restated_years`` for the report whose plan is ``plan`` (read with
    ``today``, ``as_of`` and ``known_at``): ``streets`` maps a household's aggregate id to
    its number and street; ``moved`` is when and by what the store was rebuilt from an export
    (``transparency.moved_at``), None if it was not."""
    until = known_at or datetime.now(CHINA)
    rules_years = sorted({int(row["year"]) for row in plan})
    closed = [
        year
        for year in rules_years
        if today is not None
        and today >= year_result_fixed_on(year)
        and year_closed_at(year) < until
    ]
    if not closed:
        return []
    # As known at a time: the log's prefix holding every entry recorded by then (ledger.known).
    closings = [year_closed_at(year) for year in closed]
    cuts = known_cuts(ledger.recorder, [*closings, *([known_at] if known_at else [])])
    known_cut = cuts[-1] if known_at is not None else None
    entries = _late_entries(ledger, cuts[0], known_cut, streets)
    now = {(row["street"], int(row["year"])): row for row in plan}
    rows: list[dict[str, Any]] = []
    for year, closes, cut in zip(closed, closings, cuts, strict=False):
        late = [e for e in entries if _reaches(e, year, cut)]
        if moved is not None and closes < moved[0]:
            rows.append(_unjudged(year, closes, late, moved))
            continue
        with open_view(ledger, as_of, closes) as opened:
            rules = read_rules(opened.db) or ProgrammeRules()
            then = {
                (row["street"], int(row["year"])): row
                for row in _plan(opened.db, rules, today)
                if int(row["year"]) == year
            }
        for street in sorted({s for s, y in (*now, *then) if y == year}):
            before, after = then.get((street, year)), now.get((street, year))
            if _figures(before) == _figures(after):
                continue
            rows.append(
                {
                    "year": year,
                    "street": street,
                    "known_at": closes.isoformat(),
                    **_pairs(before, after),
                    "restated_by": [_shown(e) for e in late if e["street"] in (street, None)],
                    "judged": True,
                    "note": "",
                }
            )
    return rows


def _figures(row: Mapping[str, Any] | None) -> tuple[Any, ...]:
    """A plan row's compared figures (a street with no row: none of them)."""
    return tuple(row[name] if row else None for name in COMPARED)


def _pairs(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in COMPARED:
        found[f"{name}_before"] = before[name] if before else None
        found[f"{name}_after"] = after[name] if after else None
    return found


def _unjudged(
    year: int, closes: datetime, late: list[dict[str, Any]], moved: tuple[datetime, str]
) -> dict[str, Any]:
    """The row of a year that closed before the store was rebuilt from an export: every entry
    recorded by then carries the move's recording time, so what was known at the close is not
    here to compare, and the row says so (no figure is guessed)."""
    said = moved[1]
    day = said.removeprefix("import --create on ")
    return {
        "year": year,
        "street": None,
        "known_at": closes.isoformat(),
        **_pairs(None, None),
        "restated_by": [_shown(e) for e in late if e["_recorded"] > moved[0]],
        "judged": False,
        "note": (
            f"unknown: the year closed before the move of {day} ({said}), which recorded every "
            "entry anew at its own time: recording times before the move are the move's, so "
            "what was known at the close cannot be read here; run it on the store it came "
            "from (or a backup of it); restated_by lists only entries recorded after the move"
        ),
    }


def _reaches(entry: Mapping[str, Any], year: int, cut: int) -> bool:
    """Whether a late ``entry`` is a candidate for moving ``year``: not in the log as known at
    its close (stored after ``cut``),
    and dated by its closing day or of a kind that reaches back (``REACH_BACK``); a year's
    standards set (``YearParametersSet``) concern that year alone, whenever dated."""
    if entry["_position"] <= cut:  # in the log as known at the close
        return False
    if entry["_year"] is not None:  # a year's standards: that year's alone
        return bool(entry["_year"] == year)
    return entry["event"] in REACH_BACK or entry["effective"] <= closing_day(year).isoformat()


def _late_entries(
    ledger: Ledger,
    after: int,
    known_cut: int | None,
    streets: Mapping[str, tuple[str, str]],
) -> list[dict[str, Any]]:
    """Every household or programme entry stored after position ``after`` (the log as known at
    the first closed year's close; ``ledger.known``) and by ``known_cut`` (the log as known at
    the report's time, if given), read from the log: the candidates of every closed year."""
    found: list[dict[str, Any]] = []
    with closing(facts(ledger)) as stream:
        for fact in stream:
            if fact.name not in PLAN_ENTRIES:
                continue
            # A correction's or an amendment's kind is the base class's: known by its record.
            household = streets.get(fact.aggregate_id)
            if household is None and fact.kind != "Programme":
                continue
            recorded = fact.recorded_at
            if fact.position <= after or (known_cut is not None and fact.position > known_cut):
                continue
            prov = fact.prov
            record, street = household or ("programme", None)
            year = None
            if fact.name == "YearParametersSet":
                year = int(fact.record("params")["year"])
                record = f"programme year {year}"
            found.append(
                {
                    "event": fact.name,
                    "record": record,
                    "entry": fact.version,
                    "corrects": fact.get("corrects") if fact.name == "Corrected" else None,
                    "effective": fact.effective,
                    "recorded_at": fact.recorded,
                    "actor": fact.actor,
                    "imported_by": fact.imported_by,
                    "document": prov.document,
                    "reason": str(fact.get("reason", "") or ""),
                    "note": prov.note,
                    "street": street,
                    "_recorded": recorded,
                    "_position": fact.position,
                    "_year": year,
                }
            )
    return found


def _shown(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {name: entry[name] for name in RESTATED_BY_COLUMNS}


def restated_text(entries: Iterable[Mapping[str, Any]]) -> str:
    """``restated_by`` as one cell of a table or CSV: an entry a line, its fields in order.
    A field's own line breaks are shown as ``⏎``, never as a line: a reason typed over two
    lines made a second, forged entry credited to another officer (re-test T2, session 26)."""
    return "\n".join(
        "; ".join(
            f"{name} {_one_line(entry[name])}"
            for name in RESTATED_BY_COLUMNS
            if entry[name] not in (None, "")
        )
        for entry in entries
    )


def _one_line(value: Any) -> str:
    return " ⏎ ".join(str(value).splitlines()) if isinstance(value, str) else str(value)
