"""Funds report 资金统计 [六(四)]: allocations, disbursements and balances by account, source
and year; disbursements by category, street and village; investment per key-target person
against the per-person rule; each year's city:local and district:street split and local total.

Voided (corrected) entries count nowhere.
"""

from __future__ import annotations

from typing import Any

from ledger.programme import ProgrammeRules

from projections.rules import read_rules
from projections.storage import Database

__all__ = ["COLUMNS", "SECTIONS", "funds"]

SECTIONS = ("accounts", "by_source_year", "disbursements", "per_person", "splits")

#: Each section's columns, in order (a CSV or table of an empty section still has its header).
COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": (
        *("account", "source", "year", "street", "donor"),
        *("allocated_fen", "disbursed_fen", "balance_fen"),
    ),
    "by_source_year": ("source", "year", "allocated_fen", "disbursed_fen", "balance_fen"),
    "disbursements": (
        *("year", "source", "category", "street", "village", "purpose", "amount_fen", "count"),
    ),
    "per_person": (
        *("key_target_people", "registered_people", "disbursed_fen", "per_person_fen"),
        *("per_person_min_fen", "required_fen", "meets_rule"),
    ),
    "splits": (
        *("year", "city_fen", "district_fen", "street_fen", "local_fen", "local_min_fen"),
        *("city_local_ok", "district_ok", "street_ok", "local_total_ok"),
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
_DISBURSEMENTS = (
    "SELECT year, source, category, street, village, purpose, SUM(amount_fen), COUNT(*) "
    "FROM pj_disbursements WHERE voided = 0 "
    "GROUP BY year, source, category, street, village, purpose "
    "ORDER BY year, source, category, street, village, purpose"
)


def funds(db: Database) -> dict[str, Any]:
    """The funds sections; see docs/reports.md for the JSON shape."""
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
            {
                "year": year,
                "source": source,
                "category": category,
                "street": street,
                "village": village,
                "purpose": purpose,
                "amount_fen": amount,
                "count": count,
            }
            for year, source, category, street, village, purpose, amount, count in db.rows(
                _DISBURSEMENTS
            )
        ],
        "per_person": [] if rules is None else [_per_person(db, rules, accounts)],
        "splits": [] if rules is None else _splits(rules, accounts),
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
    db: Database, rules: ProgrammeRules, accounts: list[dict[str, Any]]
) -> dict[str, Any]:
    """Investment (every disbursement) per key-target person against the per-person minimum."""
    row = db.one(
        "SELECT COALESCE(SUM(CASE WHEN key_target = 1 THEN members ELSE 0 END), 0), "
        "COALESCE(SUM(members), 0) FROM pj_households WHERE registered_on IS NOT NULL"
    )
    key_people, registered_people = (int(row[0]), int(row[1])) if row else (0, 0)
    disbursed = sum(a["disbursed_fen"] for a in accounts)
    required = rules.per_person_min_fen * key_people
    return {
        "key_target_people": key_people,
        "registered_people": registered_people,
        "disbursed_fen": disbursed,
        "per_person_fen": disbursed // key_people if key_people else 0,
        "per_person_min_fen": rules.per_person_min_fen,
        "required_fen": required,
        "meets_rule": disbursed >= required,
    }


def _splits(rules: ProgrammeRules, accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each year's allocations: city against local (6:4), district against street (50:50)."""
    rows = []
    local_parts = rules.district_share + rules.street_share
    for year in range(rules.first_year, rules.last_year + 1):
        got = {
            source: sum(
                a["allocated_fen"] for a in accounts if a["year"] == year and a["source"] == source
            )
            for source in ("city", "district", "street")
        }
        local = got["district"] + got["street"]
        minimum = rules.local_yearly_min_fen
        rows.append(
            {
                "year": year,
                "city_fen": got["city"],
                "district_fen": got["district"],
                "street_fen": got["street"],
                "local_fen": local,
                "local_min_fen": minimum,
                "city_local_ok": local * rules.city_share >= got["city"] * rules.local_share,
                "district_ok": got["district"] * local_parts >= minimum * rules.district_share,
                "street_ok": got["street"] * local_parts >= minimum * rules.street_share,
                "local_total_ok": local >= minimum,
            }
        )
    return rows
