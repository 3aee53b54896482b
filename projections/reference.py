"""Read model ``reference``: the programme's rules and yearly parameters, streets and villages,
officers and helpers, and the ledger's latest dates.

Tables (columns documented in docs/reports.md):
``pj_programme``, ``pj_years``, ``pj_streets``, ``pj_villages``, ``pj_officers``,
``pj_officer_posts``, ``pj_helpers``, ``pj_rules_amendments``; and read model ``clock``:
``pj_clock``, ``pj_days``, ``pj_employment_days``.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ledger.programme import rule_shown

from projections.engine import Fact, ReadModel, Tally
from projections.storage import Database

__all__ = ["CLOCK", "MODEL", "helper_of", "restate"]

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
    "name TEXT, role TEXT, street TEXT, unit TEXT, active INTEGER, role_since TEXT)",
    # Each officer's posts (their registration's and each transfer's, since session 21): the
    # post an officer's row goes back to when a correction voids their latest transfer.
    "CREATE TABLE IF NOT EXISTS pj_officer_posts (aggregate_id TEXT, version INTEGER, "
    "role TEXT, street TEXT, since TEXT, PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_helpers (helper TEXT PRIMARY KEY, aggregate_id TEXT, "
    "kind TEXT, role TEXT, name TEXT, unit TEXT, rank TEXT, team_size INTEGER)",
    # ``helper_of`` looks helpers up by aggregate: without it, each lookup read the whole
    # table (3 of the 18 seconds of a 1 M-event rebuild).
    "CREATE INDEX IF NOT EXISTS pj_helpers_aggregate ON pj_helpers (aggregate_id)",
    # Each rule a ``RulesAmended`` restated (since session 26), before and after as
    # ``programme open`` takes it: the accountability report lists them (``rules_amendments``).
    "CREATE TABLE IF NOT EXISTS pj_rules_amendments (position INTEGER, rule TEXT, "
    "effective TEXT, recorded TEXT, actor TEXT, imported_by TEXT, document TEXT, reason TEXT, "
    "before TEXT, after TEXT, PRIMARY KEY (position, rule))",
)

CLOCK_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pj_clock (id INTEGER PRIMARY KEY, latest_effective TEXT, "
    "latest_recorded TEXT, events INTEGER)",
    # The programme's events in force on each day they took effect (a voided one no longer
    # counts): ``pj_clock.latest_effective`` is the latest day that still has one.
    "CREATE TABLE IF NOT EXISTS pj_days (effective TEXT PRIMARY KEY, events INTEGER)",
    # The day each employment took effect, which its row (``pj_employment.since``, the day the
    # job began) does not say: what a correction voiding it takes off ``pj_days``. The
    # other correctable entries keep their day in their own rows (``_VOIDED_DAY``).
    "CREATE TABLE IF NOT EXISTS pj_employment_days (aggregate_id TEXT, version INTEGER, "
    "effective TEXT, PRIMARY KEY (aggregate_id, version))",
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
            *_restatable(rules),
            fact.effective,
        ),
    )


def rules_amended(db: Database, fact: Fact) -> None:
    """Rules restated (since session 22): so from the opening on (``opened_on`` stays); each
    rule restated is kept with who, when and why (since session 26, ``pj_rules_amendments``)."""
    rules, was = fact["rules"], fact["was"]
    prov = fact.prov
    for field in fields(rules):
        before, after = getattr(was, field.name), getattr(rules, field.name)
        if before != after:
            db.write(
                "INSERT INTO pj_rules_amendments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    fact.position,
                    field.name,
                    fact.effective,
                    fact.recorded,
                    fact.actor,
                    fact.imported_by,
                    prov.document,
                    fact["reason"],
                    rule_shown(field.name, before),
                    rule_shown(field.name, after),
                ),
            )
    db.write(
        "UPDATE pj_programme SET per_person_min_fen = ?, reduction_shares = ?, city_share = ?, "
        "local_share = ?, district_share = ?, street_share = ?, local_yearly_min_fen = ?, "
        "urban_exit_percent = ?, rural_exit_percent = ?, notice_min_days = ?",
        _restatable(rules),
    )


def _restatable(rules: Any) -> tuple[Any, ...]:
    """``pj_programme``'s columns of the rules a ``RulesAmended`` restates, in order."""
    return (
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


def village_amended(db: Database, fact: Fact) -> None:
    """A village's relatively-poor flag restated (since session 22): so from its addition
    on (``added_on`` stays)."""
    db.write(
        "UPDATE pj_villages SET relatively_poor = ? WHERE village = ? AND street = "
        "(SELECT street FROM pj_streets WHERE aggregate_id = ?)",
        (int(fact["relatively_poor"]), fact["name"], fact.aggregate_id),
    )


def officer_registered(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_officers VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
        (
            fact["officer_id"],
            fact.aggregate_id,
            fact["name"],
            fact["role"],
            fact["street"],
            fact["unit"],
            fact.effective,
        ),
    )
    _post_taken(db, fact)


def _post_taken(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_officer_posts VALUES (?, ?, ?, ?, ?)",
        (fact.aggregate_id, fact.version, fact["role"], fact["street"], fact.effective),
    )


def officer_changed(db: Database, fact: Fact) -> None:
    """A transfer 调岗 is the officer's role and street from its effective date: one dated
    before the transfer in force (entered after a later-dated one, as a ledger could before
    session 21) does not replace it, today or as of any date after both (ISO dates sort as
    dates; on the same day, the one recorded last stands)."""
    db.write(
        "UPDATE pj_officers SET role = ?, street = ?, role_since = ? "
        "WHERE aggregate_id = ? AND role_since <= ?",
        (fact["role"], fact["street"], fact.effective, fact.aggregate_id, fact.effective),
    )
    _post_taken(db, fact)


def officer_retired(db: Database, fact: Fact) -> None:
    db.write("UPDATE pj_officers SET active = 0 WHERE aggregate_id = ?", (fact.aggregate_id,))


def officer_corrected(db: Database, fact: Fact) -> None:
    """A correction of an officer's record (since session 21) voids their latest transfer
    (``officer_transfer_voided``) or their retirement (``officer_reinstated``). A correction
    of any other record matches no officer's post nor row."""
    key = (fact.aggregate_id, fact["corrects"])
    if db.one(_VOIDED_POST, key) is not None:
        officer_transfer_voided(db, fact)
    else:
        officer_reinstated(db, fact)


_VOIDED_POST = "SELECT 1 FROM pj_officer_posts WHERE aggregate_id = ? AND version = ?"


def officer_transfer_voided(db: Database, fact: Fact) -> None:
    """The officer's transfer voided: its post goes, and their row holds the latest post left
    by effective date (on the same day, the one recorded last), as ``officer_changed`` chose
    it: the one the transfer replaced."""
    db.write(
        "DELETE FROM pj_officer_posts WHERE aggregate_id = ? AND version = ?",
        (fact.aggregate_id, fact["corrects"]),
    )
    db.write(
        "UPDATE pj_officers SET (role, street, role_since) = (SELECT role, street, since "
        "FROM pj_officer_posts p WHERE p.aggregate_id = pj_officers.aggregate_id "
        "ORDER BY since DESC, version DESC LIMIT 1) WHERE aggregate_id = ? AND EXISTS "
        "(SELECT 1 FROM pj_officer_posts p WHERE p.aggregate_id = pj_officers.aggregate_id)",
        (fact.aggregate_id,),
    )


def officer_reinstated(db: Database, fact: Fact) -> None:
    """A correction of an officer's record voiding their retirement: they are active again."""
    db.write("UPDATE pj_officers SET active = 1 WHERE aggregate_id = ?", (fact.aggregate_id,))


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
    """An amendment restates a helper's name, unit, rank or team size, or an officer's name or
    unit (a household's amendment changes neither row; each statement matches one record's row
    or none)."""
    for table, names in (("pj_helpers", _HELPER_FIELDS), ("pj_officers", _OFFICER_FIELDS)):
        restate(db, table, names, fact)


def restate(db: Database, table: str, names: tuple[str, ...], fact: Fact) -> bool:
    """Write an ``Amended`` fact's new values of columns ``names`` to its record's row of
    ``table`` (keyed by ``aggregate_id``); whether any of them was amended."""
    changes = fact["changes"]
    fields = [field for field in names if field in changes]
    if fields:
        db.write(
            f"UPDATE {table} SET {', '.join(f'{f} = ?' for f in fields)} WHERE aggregate_id = ?",
            (*(changes[f] for f in fields), fact.aggregate_id),
        )
    return bool(fields)


#: The officer columns an ``Amended`` event restates (``Officer.AMENDABLE``).
_OFFICER_FIELDS = ("name", "unit")


def clock_advanced(db: Database, tally: Tally) -> None:
    """Every event is counted and moves the latest recording time forward; the programme's
    own are counted on the days they took effect (``pj_days``), and the latest effective date
    is the latest day with one in force: a few statements a page (ISO dates sort as dates),
    none of which waits for the other tables' queued writes. After a page in which a
    correction took an entry off its day (``entry_voided``), the latest day is read again."""
    for day, events in tally.days.items():
        db.write(_COUNT_DAY, (day, events))
    voided = db.memo(_VOIDED)
    if voided:
        voided.clear()
        db.write(_COUNTED, (None, tally.last_recorded, tally.events))
        db.write(_LATEST_DAY)
    else:
        db.write(_COUNTED, (max(tally.days, default=None), tally.last_recorded, tally.events))


_COUNT_DAY = (
    "INSERT INTO pj_days VALUES (?, ?) ON CONFLICT (effective) DO UPDATE SET "
    "events = pj_days.events + excluded.events"
)
_COUNTED = (
    "INSERT INTO pj_clock VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
    "events = pj_clock.events + excluded.events, "
    "latest_recorded = excluded.latest_recorded, latest_effective = CASE "
    "WHEN pj_clock.latest_effective IS NULL OR pj_clock.latest_effective < "
    "excluded.latest_effective THEN excluded.latest_effective ELSE pj_clock.latest_effective END"
)
_LATEST_DAY = (
    "UPDATE pj_clock SET latest_effective = "
    "(SELECT MAX(effective) FROM pj_days WHERE events > 0) WHERE id = 1"
)
#: The memo that says a correction in this page took an entry off its day.
_VOIDED = "clock.voided"

#: The day a correctable entry took effect, from the row its own model keeps of it (every
#: model's tables are there: ``fold`` and ``catch_up`` make them all), by the entry's
#: aggregate and version. The clock's handlers run first, so a voided row still says it.
_VOIDED_DAY = (
    "SELECT visited_on FROM pj_visits WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT assessed_on FROM pj_incomes WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT signed_on FROM pj_households WHERE aggregate_id = ? AND signed_version = ? "
    # a closure's (since session 25)
    "UNION ALL SELECT closed_on FROM pj_households WHERE aggregate_id = ? AND closed_version = ? "
    "UNION ALL SELECT completed_on FROM pj_measures "
    "WHERE aggregate_id = ? AND completed_version = ? "
    "UNION ALL SELECT planned_on FROM pj_measure_entries WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT effective FROM pj_exit_steps WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT start FROM pj_notice_entries WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT reviewed_on FROM pj_review_entries WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT effective FROM pj_moves WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT signed_on FROM pj_agreements WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT received_on FROM pj_allocations WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT paid_on FROM pj_disbursements WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT effective FROM pj_employment_days WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT ended_on FROM pj_employment_ends WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT paired_on FROM pj_pairings WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT unpaired_on FROM pj_unpairings WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT recorded_on FROM pj_finding_entries WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT step_on FROM pj_finding_steps WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT held_on FROM pj_talks WHERE aggregate_id = ? AND version = ? "
    "UNION ALL SELECT noticed_on FROM pj_criticisms WHERE aggregate_id = ? AND version = ? "
    # a return's approval (since session 23): the period it opened (a registration's is
    # never voided)
    "UNION ALL SELECT started_on FROM pj_periods WHERE aggregate_id = ? AND version = ?"
)


#: The day of the payment behind a household's voided receipt (``ReceiptVoided`` names its
#: account's code and the payment's version there): its ``FundsReceived`` took effect then.
_RECEIPT_DAY = (
    "SELECT d.paid_on FROM pj_disbursements d JOIN pj_accounts a "
    "ON a.aggregate_id = d.aggregate_id WHERE a.code = ? AND d.version = ?"
)


#: How many tables ``_VOIDED_DAY`` reads, each by (aggregate id, version).
_VOIDED_TABLES = _VOIDED_DAY.count("?") // 2


def employment_dated(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_employment_days VALUES (?, ?, ?)",
        (fact.aggregate_id, fact.version, fact.effective),
    )


def entry_voided(db: Database, fact: Fact) -> None:
    """A correction takes the entry it voids off the day it took effect: a visit typed 2026
    for 2016 and voided no longer makes 2026 every report's "today" (every quarter up to it
    ended, each with its missed visits)."""
    key = (fact.aggregate_id, fact["corrects"])
    _take_off(db, db.one(_VOIDED_DAY, key * _VOIDED_TABLES))


def receipt_voided(db: Database, fact: Fact) -> None:
    """The household's side of a voided payment: its receipt (``FundsReceived``, dated the
    payment's day) is taken off that day too."""
    _take_off(db, db.one(_RECEIPT_DAY, (fact["account"], fact["disbursement"])))


def _take_off(db: Database, found: tuple[object, ...] | None) -> None:
    if found is None or found[0] is None:
        return  # nothing dated voided (not an entry the programme's days count)
    db.write(_COUNT_DAY, (found[0], -1))
    db.memo(_VOIDED)["day"] = found[0]  # the page's tally reads the latest day again


MODEL = ReadModel(
    name="reference",
    tables=(
        "pj_programme",
        "pj_years",
        "pj_streets",
        "pj_villages",
        "pj_officers",
        "pj_officer_posts",
        "pj_helpers",
        "pj_rules_amendments",
    ),
    schema=SCHEMA,
    handlers={
        "Opened": programme_opened,
        "YearParametersSet": year_set,
        "RulesAmended": rules_amended,
        "StreetRegistered": street_registered,
        "VillageAdded": village_added,
        "VillageAmended": village_amended,
        "OfficerRegistered": officer_registered,
        "OfficerRoleChanged": officer_changed,
        "OfficerRetired": officer_retired,
        "Corrected": officer_corrected,
        "HelperRegistered": helper_registered,
        "Amended": helper_amended,
    },
)

#: The ledger's latest effective date: the "today" of reports that are not as of a date.
CLOCK = ReadModel(
    name="clock",
    tables=("pj_clock", "pj_days", "pj_employment_days"),
    schema=CLOCK_SCHEMA,
    handlers={
        "WorkerEmployed": employment_dated,
        "Corrected": entry_voided,
        "ReceiptVoided": receipt_voided,
    },
    tally=clock_advanced,
)
