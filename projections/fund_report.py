"""Funds report 资金统计 [六(四)]: allocations, disbursements and balances by account, source
and year; disbursements by category, street and village; investment per key-target person
against the per-person rule; each year's city:local and district:street split and local total.

The plan's money rules count fiscal money 财政资金 only: the city fund 市扶贫基金, the district
and the streets (``FISCAL_SOURCES``). "全区三年投入财政资金不少于 1194 万元" is the per-person rule:
it counts fiscal money paid within the programme's years (its ``Opened`` event, never constants);
paid before or after them it is shown in columns of its own. Social donations 社会扶贫资金 are
shown beside it, never counted in it. A year's minimums ("每年投入不少于 159.2 万元") and its 6:4
split count what reached that year's accounts by 31 December of the year (the budget year 预算年度
is the calendar year; the plan gives no closing period); money that arrived later is shown in a
column of its own, not counted. A year with no fiscal allocation in time keeps no 6:4 split.

Voided (corrected) entries count nowhere.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.funds import FUND_SOURCES
from ledger.programme import ProgrammeRules

from projections.households import LEAVES_ON
from projections.rules import read_rules
from projections.storage import Database

__all__ = ["COLUMNS", "FISCAL_SOURCES", "JUDGED", "SECTIONS", "funds"]

#: The sources of fiscal money 财政资金 the plan's money rules count: every source but donations.
FISCAL_SOURCES = tuple(source for source in FUND_SOURCES if source != "donation")

SECTIONS = ("accounts", "by_source_year", "disbursements", "per_person", "splits")
#: What the funds report judges by its ``today`` (``projections.accountability.stale_today_note``):
#: a budget year's splits are final once its 31 December has passed, the per-person rule once
#: the programme is over.
JUDGED = "years over (the yearly splits' rules) and the programme's end (the per-person rule)"

#: Each section's columns, in order (a CSV or table of an empty section still has its header).
COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": (
        *("account", "source", "year", "street", "donor"),
        *("allocated_fen", "disbursed_fen", "balance_fen"),
    ),
    "by_source_year": ("source", "year", "allocated_fen", "disbursed_fen", "balance_fen"),
    "disbursements": (
        *("year", "paid_year", "source", "category", "street", "village", "purpose"),
        *("amount_fen", "count"),
    ),
    "per_person": (
        *("key_target_people", "registered_people", "disbursed_fen", "early_disbursed_fen"),
        *("late_disbursed_fen", "donation_disbursed_fen", "per_person_fen"),
        *("per_person_min_fen", "required_fen", "meets_rule", "programme_over"),
    ),
    "splits": (
        *("year", "year_over", "city_fen", "district_fen", "street_fen", "local_fen"),
        "local_min_fen",
        *("city_local_ok", "district_ok", "street_ok", "local_total_ok"),
        *("city_late_fen", "district_late_fen", "street_late_fen"),
    ),
}

_ALLOCATED = (
    "(SELECT COALESCE(SUM(amount_fen), 0) FROM pj_allocations x "
    "WHERE x.aggregate_id = a.aggregate_id AND x.voided = 0)"
)
_DISBURSED = (
    "(SELECT COALESCE(SUM(amount_fen), 0) FROM pj_disbursements x "
    "WHERE x.aggregate_id = a.aggregate_id AND x.voided = 0)"
)
_ACCOUNTS = (
    f"SELECT a.code, a.source, a.year, a.street, a.donor, {_ALLOCATED}, {_DISBURSED} "
    "FROM pj_accounts a ORDER BY a.year, a.source, a.code"
)
#: Disbursements by their account's (budget) year and the calendar year they were paid in
#: (``paid_year``, of the payment's effective date: since session 28, tester A read a 2018
#: account's payment of 2019-12-20 under ``year: 2018`` and took it for the year paid).
_DISBURSEMENTS = (
    "SELECT year, CAST(substr(paid_on, 1, 4) AS INTEGER) AS paid_year, source, category, "
    "street, village, purpose, SUM(amount_fen), COUNT(*) "
    "FROM pj_disbursements WHERE voided = 0 "
    "GROUP BY year, paid_year, source, category, street, village, purpose "
    "ORDER BY year, paid_year, source, category, street, village, purpose"
)
#: Fiscal disbursements paid before (-1), within (0) and after (1) the programme's years, the
#: first and last of its days given (ISO dates sort as days do).
_FISCAL_PAID = (
    "SELECT CASE WHEN paid_on < ? THEN -1 WHEN paid_on > ? THEN 1 ELSE 0 END AS period, "
    "SUM(amount_fen) FROM pj_disbursements WHERE voided = 0 AND source <> 'donation' "
    "GROUP BY period"
)
#: Fiscal allocations by account year, source and day received (a few rows a year).
_RECEIVED = (
    "SELECT year, source, received_on, SUM(amount_fen) FROM pj_allocations "
    "WHERE voided = 0 AND source <> 'donation' "
    "GROUP BY year, source, received_on"
)


def funds(db: Database, today: date | None = None) -> dict[str, Any]:
    """The funds sections; see docs/reports.md for the JSON shape. ``today``: the day the
    report speaks of, by which a year (``year_over``) or the programme (``programme_over``)
    is over or not: a rule not met yet is due, not failed, until then."""
    accounts = [
        {
            "account": code,
            "source": source,
            "year": year,
            "street": street,
            "donor": donor,
            "allocated_fen": allocated,
            "disbursed_fen": disbursed,
            "balance_fen": allocated - disbursed,
        }
        for code, source, year, street, donor, allocated, disbursed in db.rows(_ACCOUNTS)
    ]
    rules = read_rules(db)
    return {
        "accounts": accounts,
        "by_source_year": _by_source_year(accounts),
        "disbursements": [
            dict(zip(COLUMNS["disbursements"], row, strict=True)) for row in db.rows(_DISBURSEMENTS)
        ],
        "per_person": [] if rules is None else [_per_person(db, rules, accounts, today)],
        "splits": [] if rules is None else _splits(db, rules, today),
    }


def _by_source_year(accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    totals: dict[tuple[str, int], dict[str, Any]] = {}
    for account in accounts:
        key = (account["source"], account["year"])
        entry = totals.setdefault(
            key,
            {"source": key[0], "year": key[1], "allocated_fen": 0, "disbursed_fen": 0},
        )
        entry["allocated_fen"] += account["allocated_fen"]
        entry["disbursed_fen"] += account["disbursed_fen"]
    for entry in totals.values():
        entry["balance_fen"] = entry["allocated_fen"] - entry["disbursed_fen"]
    return sorted(totals.values(), key=lambda e: (e["year"], e["source"]))


def _per_person(
    db: Database, rules: ProgrammeRules, accounts: list[dict[str, Any]], today: date | None
) -> dict[str, Any]:
    """Fiscal investment per key-target person within the programme's years against the
    per-person minimum; fiscal money paid outside the years and donations beside it, not
    counted."""
    first, last = f"{rules.first_year:04d}-01-01", f"{rules.last_year:04d}-12-31"
    # The people the rule is judged by: those of the households registered by the day, at latest
    # the programme's last (tester P, session 19: a change dated 2019 re-judged the closed
    # 2016-2018 rule), each as its members stood on the day its exit in force then was
    # approved, else on the day (session 23: births in a household long out of poverty moved
    # the base; people who joined after its exit were never the programme's poor).
    day = last if today is None else min(today.isoformat(), last)
    row = db.one(_PEOPLE, (day,))
    key_people, registered_people = (int(row[0]), int(row[1])) if row else (0, 0)
    paid = {int(period): int(fen) for period, fen in db.rows(_FISCAL_PAID, (first, last))}
    disbursed = paid.get(0, 0)
    donated = sum(a["disbursed_fen"] for a in accounts if a["source"] not in FISCAL_SOURCES)
    required = rules.per_person_min_fen * key_people
    return {
        "key_target_people": key_people,
        "registered_people": registered_people,
        "disbursed_fen": disbursed,
        "early_disbursed_fen": paid.get(-1, 0),
        "late_disbursed_fen": paid.get(1, 0),
        "donation_disbursed_fen": donated,
        "per_person_fen": disbursed // key_people if key_people else 0,
        "per_person_min_fen": rules.per_person_min_fen,
        "required_fen": required,
        # No key-target person yet keeps no rule: 0 >= 0 read as kept (as city_local_ok did).
        "meets_rule": key_people > 0 and disbursed >= required,
        "programme_over": _over(today, rules.last_year),
    }


def _exit_in_force(h: str) -> str:
    """The approval of the exit in force on ``d.day`` of household ``h`` (an alias of
    ``pj_households``; by effective date, as ``ledger.household.exit_in_force_on`` reads its
    assisted periods, ``pj_periods``: a period's end is an exit approved, the next period's start
    the return that ended that exit), or none."""
    return (
        f"SELECT p.ended_on FROM pj_periods p WHERE p.aggregate_id = {h}.aggregate_id "
        "AND p.ended_on <= d.day AND NOT EXISTS (SELECT 1 FROM (SELECT n.started_on "
        "FROM pj_periods n WHERE n.aggregate_id = p.aggregate_id AND n.version > p.version "
        "ORDER BY n.version LIMIT 1) back WHERE back.started_on <= d.day) "
        "ORDER BY p.version LIMIT 1"
    )


#: A merge 合户 moves people: it neither adds them to the base nor takes them out of it (since
#: session 25, docs/reports.md "Which people the base counts"). The household merged away is
#: counted on every day from the merge as it stood on the merge's day (as at its exit if it
#: had exited, its members that day if not), under its own key-target flag. The household it
#: went into is counted as any other, its members as they stand on its day counted, less the
#: people it took in: what its members grew (or shrank) by on the day of each merge into it
#: by then, the change of members dated the merge's day (``_TAKEN_IN``). The re-testers of
#: session 25 found every rule that guessed who was taken in from a later change of members
#: wrong one way or another (a birth took a whole household out; two merged into one with one
#: recorded lost the other's; a key target merged into a household that is not moved people
#: across the flag), so no later change is read as a taking in: a birth or death after the
#: merge is the receiving household's own (tester J, session 29: until then it was counted as
#: it stood the day before its first merge, and a death after it never left the base). What
#: this rule does not see: people taken in recorded on a day other than the merge's (counted
#: in both: date their change of members on the merge's day), and a birth or death dated the
#: merge's day itself (read as part of the taking in).
_MERGED_ON = "h.closed_because = 'merged' AND h.closed_on <= d.day"


def _members_on(household: str, on: str, before: bool = False) -> str:
    """Household ``household``'s members (an alias of ``pj_households``) in force on day ``on``
    by effective date, or the day before it if ``before`` (the identification's count if it was
    identified that day: ``pj_members``'s first row is the identification's, version 1); its
    count in ``pj_households`` if its members never changed."""
    dated = f"m.effective < {on} OR m.version = 1" if before else f"m.effective <= {on}"
    return (
        f"COALESCE((SELECT m.members FROM pj_members m WHERE m.aggregate_id = "
        f"{household}.aggregate_id AND ({dated}) ORDER BY m.effective DESC, m.version DESC "
        f"LIMIT 1), {household}.members)"
    )


#: The people household ``c`` took in by its day counted: on each day a household merged into
#: it by then (``mi``, one row a day however many merged that day), its members that day less
#: those of the day before.
_TAKEN_IN = (
    f"COALESCE((SELECT SUM({_members_on('c', 'mi.merged_on')} "
    f"- {_members_on('c', 'mi.merged_on', before=True)}) FROM mi "
    "WHERE mi.number = c.number AND mi.merged_on <= c.counted_on), 0)"
)
#: Key-target and all registered people on a day: each household registered by then with its
#: members in force on the day its exit in force that day was approved, or on the day if none
#: was, by effective date (a household never changed has its count in pj_households, as
#: ``caseload``'s exits read it). A household whose record was closed 注销 is not counted from
#: the day it leaves the plan (since session 25, ``LEAVES_ON``): one closed out of poverty by
#: a natural decrease counts its members at its exit still, a duplicate or one registered in
#: error is counted on no day; a merge moves people and changes no count (above): ``mi`` is
#: each day a household merged into another by the day, grouped once (not one search of every
#: household for each household: pj_households has no index on ``closed_into``).
_PEOPLE = (
    "WITH d (day) AS (SELECT CAST(? AS TEXT)), "
    "mi AS (SELECT DISTINCT x.closed_into AS number, x.closed_on AS merged_on "
    "FROM pj_households x, d WHERE x.closed_because = 'merged' AND x.closed_on <= d.day), "
    "c AS (SELECT h.aggregate_id, h.number, h.members, h.key_target, "
    f"COALESCE(({_exit_in_force('h')}), CASE WHEN {_MERGED_ON} THEN h.closed_on ELSE d.day END) "
    "AS counted_on FROM pj_households h CROSS JOIN d "
    "WHERE h.registered_on IS NOT NULL AND h.registered_on <= d.day "
    f"AND (({_MERGED_ON}) OR {LEAVES_ON} IS NULL OR {LEAVES_ON} > d.day)) "
    "SELECT COALESCE(SUM(CASE WHEN key_target = 1 THEN people ELSE 0 END), 0), "
    f"COALESCE(SUM(people), 0) FROM (SELECT c.key_target, {_members_on('c', 'c.counted_on')} "
    f"- {_TAKEN_IN} AS people FROM c) p"
)


def _over(today: date | None, year: int) -> bool:
    """Whether ``year`` is over by ``today`` (its 31 December come), as the plan reads it."""
    return today is not None and today >= date(year, 12, 31)


def _splits(db: Database, rules: ProgrammeRules, today: date | None) -> list[dict[str, Any]]:
    """Each year's fiscal allocations received by its 31 December: city against local (6:4),
    district against street (50:50), local against the yearly minimum; later money beside.
    A year with no fiscal allocation in time keeps no 6:4 split: a ratio of nothing is not kept."""
    in_time: dict[tuple[int, str], int] = {}
    late: dict[tuple[int, str], int] = {}
    for year, source, received_on, amount in db.rows(_RECEIVED):
        # ISO dates: a day of the year or before it sorts at or before the year's last day.
        into = in_time if str(received_on) <= f"{int(year):04d}-12-31" else late
        into[int(year), str(source)] = into.get((int(year), str(source)), 0) + int(amount)
    rows = []
    local_parts = rules.district_share + rules.street_share
    for year in range(rules.first_year, rules.last_year + 1):
        got = {source: in_time.get((year, source), 0) for source in FISCAL_SOURCES}
        local = got["district"] + got["street"]
        minimum = rules.local_yearly_min_fen
        rows.append(
            {
                "year": year,
                "year_over": _over(today, year),
                "city_fen": got["city"],
                "district_fen": got["district"],
                "street_fen": got["street"],
                "local_fen": local,
                "local_min_fen": minimum,
                "city_local_ok": local + got["city"] > 0
                and local * rules.city_share >= got["city"] * rules.local_share,
                "district_ok": got["district"] * local_parts >= minimum * rules.district_share,
                "street_ok": got["street"] * local_parts >= minimum * rules.street_share,
                "local_total_ok": local >= minimum,
                **{f"{s}_late_fen": late.get((year, s), 0) for s in FISCAL_SOURCES},
            }
        )
    return rows
