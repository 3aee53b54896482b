"""Session 32, tester e: on PostgreSQL the table's owner (no superuser) disabled the
append-only trigger, deleted the last save and enabled the trigger again; ``fupin verify
--checkpoint`` with a checkpoint from before that save passed, exit 0, saying nothing, while
every report refused: "the read models hold events up to notification 52, but the ledger's last
is 49: events were removed from the end of the ledger". Verify now reports the read models'
position past the ledger's end as a problem (on either store), and notes the ledger's own
triggers disabled, dropped or never installed on PostgreSQL; read models it may not read are
said not compared.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing

import psycopg
import pytest
from ledger.store import parse_store
from projections.pg import protect_events
from typer.testing import CliRunner, Result

from tests.cli.conftest import Fupin, doc, run_sql, seed
from tests.pgserver import PgConnInfo, ThrowawayPostgres

EVENTS_GUARDS = (
    "the append-only triggers on ledger_events (refusing UPDATE, DELETE and TRUNCATE for every "
    "role)"
)
KEYS_GUARDS = (
    "the key table's triggers on household_keys (refusing a key destroyed without a recorded "
    "erasure, a key row deleted and the table emptied, for every role)"
)
DROPPED = "is missing (dropped: its function is still there)"
PAY = (
    "fund disburse city-2016 --amount 300 --category education --purpose household "
    "--household JH-0001 --measure m-1 {}"
)


def _last_id(store: str) -> int:
    if store.startswith("postgresql://"):
        with psycopg.connect(store) as conn:
            row = conn.execute("SELECT MAX(notification_id) FROM ledger_events").fetchone()
    else:
        with closing(sqlite3.connect(store)) as db:
            row = db.execute("SELECT MAX(rowid) FROM stored_events").fetchone()
    assert row is not None
    return int(row[0])


def _cut_tail(store: str, after: int) -> None:
    """Delete every event past log id ``after``, as its owner would outside fupin."""
    if store.startswith("postgresql://"):
        run_sql(store, f"DELETE FROM ledger_events WHERE notification_id > {after}")
    else:
        run_sql(store, f"DELETE FROM stored_events WHERE rowid > {after}")


def _failed(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return " ".join(result.output.split())


def test_verify_reports_read_models_ahead_of_a_ledger_whose_tail_was_cut(seeded: Fupin) -> None:
    seeded.ok(PAY.format(doc("2016-09-05")), "qu-01")
    seeded.ok("report funds")  # the read models count every event
    last = _last_id(seeded.store)
    seeded.ok("verify")
    # the payment's save: its seal, the payment and the allocation's, as tester e cut it
    _cut_tail(seeded.store, last - 2)
    kept = _last_id(seeded.store)

    said = _failed(seeded("verify"))

    size = seeded.event_count()
    assert said.startswith(
        f"FAILED at the end of the ledger (its last position is {size - 1}): read models: the "
        f"read models hold events up to notification {last}, but the ledger's last is {kept}: "
        "events were removed from the end of the ledger after the read models counted them, or "
        "the read models came from another copy of it"
    ), said
    assert "every report refuses them" in said
    assert "`fupin projections rebuild` would make the read models anew and remove this" in said
    assert "1 problem(s) in" in said


def test_an_honest_store_passes_after_a_rebuild_and_a_restore(
    seeded: Fupin, empty: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # A rebuild makes the read models from the events there are; a restore brings them with
    # its own events: neither leaves them ahead.
    seeded.ok(PAY.format(doc("2016-09-05")), "qu-01")
    seeded.ok("report funds")
    backup = tmp_path_factory.mktemp("backup") / "store.backup"
    seeded.ok(f"backup {backup}")
    seeded.ok("verify")
    _cut_tail(seeded.store, _last_id(seeded.store) - 2)
    _failed(seeded("verify"))

    seeded.ok("projections rebuild")
    seeded.ok("verify")
    seeded.ok(f"--store {empty} restore {backup}")
    seeded.ok(f"--store {empty} verify")
    seeded.ok(f"--store {empty} report funds")
    seeded.ok(f"--store {empty} verify")


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # rows deleted from the file
def test_verify_reports_the_read_models_last_event_replaced(seeded: Fupin) -> None:
    # SQLite gives new events the ids of deleted ones: the ledger's end is past the read
    # models' position again, but the event there is not the one they counted.
    seeded.ok("report caseload")
    last = _last_id(seeded.store)
    with closing(sqlite3.connect(seeded.path)) as db, db:
        db.execute("DELETE FROM stored_events WHERE rowid > ?", (last - 2,))
    for n in range(3):
        seeded.ok(f"place add-street 新街{n} {doc('2016-09-01')}", "admin")

    said = _failed(seeded("verify"))

    assert f"read models: the event the ledger holds at notification {last} (recorded " in said
    assert "is not the one the read models counted there (recorded " in said
    assert "events were removed from the end of the ledger after the read models" in said


# -- PostgreSQL: the ledger's own triggers ------------------------------------------------------


@pytest.fixture
def owned(pg_server: ThrowawayPostgres) -> Iterator[PgConnInfo]:
    """A database owned by a role that is no superuser, as docs/operations.md sets it up."""
    tag = secrets.token_hex(4)
    owner = pg_server.create_role(f"fupin_owner_{tag}")
    info = pg_server.create_database(f"owned_{tag}", owner=owner.user)
    yield pg_server.conninfo(dbname=info.dbname, user=owner.user, password=owner.password)
    pg_server.drop_database(info.dbname, force=True)
    with pg_server.connect(dbname="postgres") as conn:
        conn.execute(f'DROP ROLE "{owner.user}"')


@pytest.fixture
def protected(owned: PgConnInfo, pg_server: ThrowawayPostgres) -> Iterator[tuple[Fupin, str]]:
    """``seeded``'s records on the owner's database, protected by the owner (protect_events)
    for an officers' role (named beside it)."""
    env = {"LEDGER_STORE": owned.dsn, "LEDGER_ACTOR": None, "LEDGER_KEY": None, "COLUMNS": "240"}
    made = seed(Fupin(owned.dsn, CliRunner(env=env)))
    officers = pg_server.create_role(f"officers_{owned.dbname}"[:63]).user
    protect_events(parse_store(owned.dsn), officers)
    yield made, officers
    pg_server.drop_database(owned.dbname, force=True)
    with pg_server.connect(dbname="postgres") as conn:
        conn.execute(f'DROP ROLE "{officers}"')


def test_the_owner_disables_the_trigger_cuts_the_tail_verify_fails_and_notes(
    protected: tuple[Fupin, str],
) -> None:
    fupin, officers = protected
    store = fupin.store
    fupin.ok(PAY.format(doc("2016-09-05")), "qu-01")
    fupin.ok("report funds")
    last = _last_id(store)
    passed = fupin.ok("verify")
    assert "trigger" not in passed.output  # all four fire: nothing to say

    # tester e's steps, as the table's owner, who is no superuser
    with psycopg.connect(store, autocommit=True) as conn:
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert row.fetchone() == (False,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM ledger_events WHERE notification_id = %s", (last,))
        conn.execute("ALTER TABLE ledger_events DISABLE TRIGGER fupin_append_only")
    _cut_tail(store, last - 3)

    disabled = " ".join(fupin("verify").output.split())
    assert (
        f"note: {EVENTS_GUARDS}: fupin_append_only is disabled (ALTER TABLE … DISABLE TRIGGER): "
        "not a problem verify can judge (a trigger's state changes no event, and the table's "
        "owner, not only a superuser, may disable a trigger, change the table and enable it "
        "again)"
    ) in disabled
    assert "fupin_no_truncate" not in disabled
    assert f"but the ledger's last is {_last_id(store)}: events were removed" in disabled

    run_sql(store, "ALTER TABLE ledger_events ENABLE TRIGGER fupin_append_only")
    enabled = _failed(fupin("verify"))
    assert "note:" not in enabled
    assert f"read models hold events up to notification {last}, but the ledger's" in enabled

    run_sql(
        store,
        "DROP TRIGGER fupin_append_only ON ledger_events",
        "DROP TRIGGER fupin_no_truncate ON ledger_events",
        "ALTER TABLE household_keys DISABLE TRIGGER fupin_keys_no_truncate",
    )
    fupin.ok("projections rebuild")  # the evidence gone: verify passes, and notes
    dropped = " ".join(fupin.ok("verify").output.split())
    both = f"fupin_append_only {DROPPED}; fupin_no_truncate {DROPPED}"
    assert f"note: {EVENTS_GUARDS}: {both}: not a problem" in dropped
    keys = "fupin_keys_no_truncate is disabled (ALTER TABLE … DISABLE TRIGGER)"
    assert f"note: {KEYS_GUARDS}: {keys}: not a problem" in dropped
    assert "fupin_keys_erased_only" not in dropped

    protect_events(parse_store(store), officers)  # idempotent: all four again
    assert "note:" not in fupin.ok("verify").output


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_store_never_protected_is_noted_not_failed(seeded: Fupin) -> None:
    said = " ".join(seeded.ok("verify").output.split())

    never = "are not on this store, and never were (no {} function): protect_events was not run"
    assert f"note: {EVENTS_GUARDS} {never.format('fupin_events_append_only')} on it" in said
    assert f"note: {KEYS_GUARDS} {never.format('fupin_household_keys_guard')} on it" in said
    assert "fupin_append_only" not in said


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_sqlite_store_has_no_trigger_to_note(seeded: Fupin) -> None:
    assert "trigger" not in seeded.ok("verify").output


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_read_models_a_role_may_not_read_are_said_not_compared(
    seeded: Fupin, pg_server: ThrowawayPostgres
) -> None:
    seeded.ok("report caseload")
    dbname = psycopg.conninfo.conninfo_to_dict(seeded.store)["dbname"]
    reader = pg_server.create_role(f"events_only_{secrets.token_hex(4)}", dbname=str(dbname))
    run_sql(seeded.store, f'GRANT SELECT ON ledger_events TO "{reader.user}"')

    said = " ".join(seeded.ok(f"--store {reader.dsn} verify").output.split())

    assert (
        "note: the read models' position was not compared with the ledger's end (they could "
        "not be read: "
    ) in said
    assert "permission denied for table pj_" in said
