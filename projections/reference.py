"""Read model ``reference``: the programme's rules and yearly parameters, streets and villages,
officers and helpers, and the ledger's latest dates.

Tables (columns documented in docs/reports.md):
``pj_programme``, ``pj_years``, ``pj_streets``, ``pj_villages``, ``pj_officers``,
``pj_helpers``; and read model ``clock``: ``pj_clock``.
"""

from __future__ import annotations

from projections.engine import Fact, ReadModel, Tally
from projections.storage import Database

__all__ = ["CLOCK", "MODEL", "helper_of"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pj_programme (code TEXT PRIMARY KEY, title TEXT, "
    "first_year INTEGER, last_year INTEGER, per_person_min_fen INTEGER, "
    "reduction_shares TEXT, city_share INTEGER, local_share INTEGER, district_share INTEGER, "
    "street_share INTEGER, local_yearly_min_fen INTEGER, urban_exit_percent INTEGER, "
    "rural_exit_percent INTEGER, notice_min_days INTEGER, opened_on TEXT)",
    "CREATE TABLE IF NOT EXISTS pj_years (year INTEGER PRIMARY KEY, "
    "urban_dibao_standard_fen INTEGER, rural_income_fen INTEGER, set_on TEXT)",
    "CREATE TABLE IF NOT EXISTS pj_streets (street TEXT PRIMARY KEY, aggregate_id TEXT, "
    "registered_on TEXT)",
    "CREATE TABLE IF NOT EXISTS pj_villages (street TEXT, village TEXT, "
    "relatively_poor INTEGER, added_on TEXT, PRIMARY KEY (street, village))",
    "CREATE TABLE IF NOT EXISTS pj_officers (officer TEXT PRIMARY KEY, aggregate_id TEXT, "
    "name TEXT, role TEXT, street TEXT, unit TEXT, active INTEGER)",
    "CREATE TABLE IF NOT EXISTS pj_helpers (helper TEXT PRIMARY KEY, aggregate_id TEXT, "
    "kind TEXT, role TEXT, name TEXT, unit TEXT, rank TEXT, team_size INTEGER)",
    # ``helper_of`` looks helpers up by aggregate: without it, each lookup read the whole
    # table (3 of the 18 seconds of a 1 M-event rebuild).
    "CREATE INDEX IF NOT EXISTS pj_helpers_aggregate ON pj_helpers (aggregate_id)",
)

CLOCK_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pj_clock (id INTEGER PRIMARY KEY, latest_effective TEXT, "
    "latest_recorded TEXT, events INTEGER)",
)

#: The 4+1 role each kind of helper fills (as ledger.helpers.ROLE_OF_KIND).
_ROLE = {"cooperative": "enterprise"}


def programme_opened(db: Database, fact: Fact) -> None:
    rules = fact["rules"]
    db.write(
        "INSERT INTO pj_programme VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fact["code"],
            fact["title"],
            rules.first_year,
            rules.last_year,
            rules.per_person_min_fen,
            ":".join(str(s) for s in rules.reduction_shares),
            rules.city_share,
            rules.local_share,
            rules.district_share,
            rules.street_share,
            rules.local_yearly_min_fen,
            rules.urban_exit_percent,
            rules.rural_exit_percent,
            rules.notice_min_days,
            fact.effective,
        ),
    )


def year_set(db: Database, fact: Fact) -> None:
    params = fact["params"]
    db.write(
        "INSERT INTO pj_years VALUES (?, ?, ?, ?) ON CONFLICT (year) DO UPDATE SET "
        "urban_dibao_standard_fen = excluded.urban_dibao_standard_fen, "
        "rural_income_fen = excluded.rural_income_fen, set_on = excluded.set_on",
        (params.year, params.urban_dibao_standard_fen, params.rural_income_fen, fact.effective),
    )


def street_registered(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_streets VALUES (?, ?, ?)", (fact["name"], fact.aggregate_id, fact.effective)
    )


def village_added(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_villages SELECT street, ?, ?, ? FROM pj_streets WHERE aggregate_id = ?",
        (fact["name"], int(fact["relatively_poor"]), fact.effective, fact.aggregate_id),
    )


def officer_registered(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_officers VALUES (?, ?, ?, ?, ?, ?, 1)",
        (
            fact["officer_id"],
            fact.aggregate_id,
            fact["name"],
            fact["role"],
            fact["street"],
            fact["unit"],
        ),
    )


def officer_changed(db: Database, fact: Fact) -> None:
    db.write(
        "UPDATE pj_officers SET role = ?, street = ? WHERE aggregate_id = ?",
        (fact["role"], fact["street"], fact.aggregate_id),
    )


def officer_retired(db: Database, fact: Fact) -> None:
    db.write("UPDATE pj_officers SET active = 0 WHERE aggregate_id = ?", (fact.aggregate_id,))


def helper_of(db: Database, aggregate_id: str) -> str:
    """The helper id of helper aggregate ``aggregate_id`` ('' if unknown): written once by
    ``helper_registered``, which remembers it for the rest of the transaction."""
    helpers = db.memo("reference.helper")
    found = helpers.get(aggregate_id)
    if found is None:
        row = db.peek("SELECT helper FROM pj_helpers WHERE aggregate_id = ?", (aggregate_id,))
        if row is None:
            return ""
        found = helpers[aggregate_id] = str(row[0])
    return str(found)


def helper_registered(db: Database, fact: Fact) -> None:
    kind = fact["kind"]
    db.memo("reference.helper")[fact.aggregate_id] = fact["helper_id"]
    db.write(
        "INSERT INTO pj_helpers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fact["helper_id"],
            fact.aggregate_id,
            kind,
            _ROLE.get(kind, kind),
            fact["name"],
            fact["unit"],
            fact["rank"],
            fact["team_size"],
        ),
    )


#: The helper columns an ``Amended`` event restates (``Helper.AMENDABLE``).
_HELPER_FIELDS = ("name", "unit", "rank", "team_size")


def helper_amended(db: Database, fact: Fact) -> None:
    """An amendment restates a helper's name, unit, rank or team size (a household's
    amendment changes no helper row)."""
    changes = fact["changes"]
    fields = [field for field in _HELPER_FIELDS if field in changes]
    if fields:
        db.write(
            f"UPDATE pj_helpers SET {', '.join(f'{f} = ?' for f in fields)} WHERE aggregate_id = ?",
            (*(changes[f] for f in fields), fact.aggregate_id),
        )


def clock_advanced(db: Database, tally: Tally) -> None:
    """Every event moves the ledger's latest effective date and recording time forward: one
    statement a page (ISO dates sort as dates)."""
    db.write(
        "INSERT INTO pj_clock VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "events = pj_clock.events + excluded.events, "
        "latest_recorded = excluded.latest_recorded, latest_effective = CASE "
        "WHEN pj_clock.latest_effective < excluded.latest_effective "
        "THEN excluded.latest_effective ELSE pj_clock.latest_effective END",
        (tally.latest_effective, tally.last_recorded, tally.events),
    )


MODEL = ReadModel(
    name="reference",
    tables=(
        "pj_programme",
        "pj_years",
        "pj_streets",
        "pj_villages",
        "pj_officers",
        "pj_helpers",
    ),
    schema=SCHEMA,
    handlers={
        "Opened": programme_opened,
        "YearParametersSet": year_set,
        "StreetRegistered": street_registered,
        "VillageAdded": village_added,
        "OfficerRegistered": officer_registered,
        "OfficerRoleChanged": officer_changed,
        "OfficerRetired": officer_retired,
        "HelperRegistered": helper_registered,
        "Amended": helper_amended,
    },
)

#: The ledger's latest effective date: the "today" of reports that are not as of a date.
CLOCK = ReadModel(
    name="clock",
    tables=("pj_clock",),
    schema=CLOCK_SCHEMA,
    handlers={},
    tally=clock_advanced,
)
