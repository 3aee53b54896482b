"""Least privilege on PostgreSQL: the officers' role appends events, never changes them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import psycopg
import pytest
from ledger.application import open_ledger
from ledger.errors import InputError
from ledger.store import parse_store
from projections import api
from projections.pg import protect_events

from tests.pgserver import PgConnInfo, ThrowawayPostgres
from tests.support import ledger_at, register, stamp

CHANGES = (
    "UPDATE ledger_events SET state = state || '\\x20'::bytea",
    "DELETE FROM ledger_events WHERE notification_id = (SELECT MAX(notification_id) FROM "
    "ledger_events)",
    "TRUNCATE ledger_events",
)


@dataclass(frozen=True)
class Roles:
    owner: PgConnInfo
    officers: PgConnInfo


@pytest.fixture
def roles(pg_server: ThrowawayPostgres, pg_database: PgConnInfo) -> Iterator[Roles]:
    """A ledger initialised by the owner, then protected for a fresh officers' role."""
    with ledger_at(pg_database.dsn) as app:
        register(app, "JH-1")
    name = f"officers_{pg_database.dbname}"[:63]
    officers = pg_server.create_role(name, dbname=pg_database.dbname)
    protect_events(parse_store(pg_database.dsn), name)
    yield Roles(pg_database, officers)
    pg_server.drop_database(pg_database.dbname, force=True)
    with pg_server.connect(dbname="postgres") as conn:
        conn.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(name)))


def count(info: PgConnInfo) -> int:
    with psycopg.connect(info.dsn) as conn:
        row = conn.execute("SELECT COUNT(*) FROM ledger_events").fetchone()
    assert row is not None
    return int(row[0])


def test_the_officers_role_appends_events_and_keeps_the_read_models(roles: Roles) -> None:
    before = count(roles.owner)

    app = open_ledger(roles.officers.dsn)
    try:
        app.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")
        report = api.caseload(app)
    finally:
        app.close()

    assert count(roles.owner) == before + 1
    assert report["by_status"] == [{"status": "paired", "households": 1, "people": 3}]


@pytest.mark.parametrize("change", CHANGES)
def test_the_officers_role_can_never_change_or_remove_an_event(roles: Roles, change: str) -> None:
    before = count(roles.owner)

    with (
        psycopg.connect(roles.officers.dsn) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(change)

    assert count(roles.owner) == before


def test_the_officers_role_destroys_a_key_only_through_a_recorded_erasure(roles: Roles) -> None:
    # Its UPDATE right on household_keys (for rotation and erasure) crypto-shredded a
    # household with no PersonalDataErased and no trace.
    shred = "UPDATE household_keys SET wrapped_key = NULL, destroyed_at = now()::text"
    with (
        psycopg.connect(roles.officers.dsn) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="only after its erasure"),
    ):
        conn.execute(shred)

    app = open_ledger(roles.officers.dsn)
    try:
        app.erase(stamp("admin", date(2016, 9, 1)), "JH-1", "本人申请")
        erased = app.household_keys.is_destroyed(app.household("JH-1").id)
    finally:
        app.close()

    assert erased


@pytest.mark.parametrize("change", CHANGES)
def test_even_the_owner_cannot_change_an_event_while_the_triggers_stand(
    roles: Roles, change: str
) -> None:
    before = count(roles.owner)

    with (
        psycopg.connect(roles.owner.dsn) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
    ):
        conn.execute(change)

    assert count(roles.owner) == before


@pytest.mark.parametrize("rebuilt_by", ["owner", "officers"])
def test_read_models_rebuilt_after_an_upgrade_keep_the_officers_grants(
    roles: Roles, rebuilt_by: str
) -> None:
    # A rebuild dropped and made the tables again: they lost protect_events' grants, and every
    # officer's report failed ("permission denied for table pj_tracking").
    owner = open_ledger(roles.owner.dsn)
    try:
        api.caseload(owner)
    finally:
        owner.close()
    with psycopg.connect(roles.owner.dsn) as conn:
        conn.execute("UPDATE pj_schema SET version = version - 1")  # built by an older fupin

    first = open_ledger(getattr(roles, rebuilt_by).dsn)
    try:
        api.caseload(first)
    finally:
        first.close()
    officers = open_ledger(roles.officers.dsn)
    try:
        officers.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")
        report = api.caseload(officers)
    finally:
        officers.close()

    assert report["by_status"] == [{"status": "paired", "households": 1, "people": 3}]


def test_after_an_upgrade_the_owner_runs_a_report_and_protect_events_again(
    roles: Roles,
) -> None:
    # A store protected before the read models kept a schema version has no pj_schema: an
    # officer may not create it (a clear refusal, not an internal error); the owner's report
    # makes it, and protect_events again grants it.
    with psycopg.connect(roles.owner.dsn) as conn:
        conn.execute("DROP TABLE pj_schema")
    officers = open_ledger(roles.officers.dsn)
    try:
        with pytest.raises(InputError, match="only the store's owner may create"):
            api.caseload(officers)
        owner = open_ledger(roles.owner.dsn)
        try:
            api.caseload(owner)
        finally:
            owner.close()
        protect_events(parse_store(roles.owner.dsn), roles.officers.user)

        report = api.caseload(officers)
    finally:
        officers.close()

    assert report["totals"]["households"] == 1
