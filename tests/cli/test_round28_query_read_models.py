"""Session 28, tester I: ``fupin query`` read the raw event store, ``select cast(state as text)
from stored_events`` showing every event's JSON (documents, objection and visit summaries,
closure reasons: text outside the personal fields is in clear) to any active officer, though
docs/privacy.md said queries read the read models. Now it reads the read models (``pj_*``)
alone: every other table of the store is refused naming it, the events table naming where
events are read, on SQLite by the authorizer and on PostgreSQL by the query's plan. A read of
a column of the key table is refused in the words of a ``count(*)`` of it (it said ``access to
household_keys.household_id is prohibited: …``)."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import psycopg
import pytest
from cli.main import app
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused

EVENTS = (
    "the events: `fupin query` reads the read models (pj_* tables) only; events are read by "
    "role with `fupin history`, `fupin log` and `fupin export events` (docs/privacy.md)"
)


def _tables(fupin: Fupin) -> list[str]:
    """Every table of the store, from its schema."""
    if fupin.store.startswith("postgresql://"):
        with psycopg.connect(fupin.store) as db:
            found = db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            ).fetchall()
    else:
        with closing(sqlite3.connect(fupin.path)) as db:
            found = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return sorted(str(name) for (name,) in found)


def _query(fupin: Fupin, sql: str, actor: str | None = "jn-01") -> Result:
    return fupin.runner.invoke(app, [*(["--as", actor] if actor else []), "query", sql])


def test_the_events_are_refused_naming_where_they_are_read(seeded: Fupin) -> None:
    events = "ledger_events" if seeded.store.startswith("postgresql://") else "stored_events"

    for sql in (
        f"select cast(state as text) from {events}",
        f"select count(*) from {events.upper()}",
        f"select 1 from pj_households where exists (select 1 from {events})",
    ):
        refused = _query(seeded, sql)

        assert_refused(refused, "sql", f"no query may read {events}, {EVENTS}")
        assert refused.stdout == ""


def test_every_table_but_the_read_models_is_refused(seeded: Fupin) -> None:
    tables = _tables(seeded)
    others = [t for t in tables if not t.startswith("pj_")]
    assert "household_keys" in others  # and the events at least
    assert len(others) >= 2

    for table in others:
        refused = _query(seeded, f"select count(*) from {table}", actor=None)

        assert_refused(refused, "sql", f"no query may read {table}")
    for table in (t for t in tables if t.startswith("pj_")):
        _ = seeded.ok(f'query "select count(*) from {table}" --format csv', "jn-01")


@pytest.mark.parametrize(
    "sql", ["select household_id from household_keys", "select count(*) from Household_Keys"]
)
def test_the_key_table_is_refused_in_one_wording(seeded: Fupin, sql: str) -> None:
    refused = _query(seeded, sql)

    if seeded.store.startswith("postgresql://"):
        said = "permission denied for table household_keys: no query may read household_keys ("
    else:
        said = "refused sql: not authorized: no query may read household_keys (the wrapped"
    assert_refused(refused, "sql", said)
    assert "is prohibited" not in refused.stderr
