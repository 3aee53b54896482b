"""The stores of ``seeded``, ``ledger`` and ``store_ledger``, copied from templates seeded once a
worker (``tests.templates``, since session 33), hold what seeding the test's own store would:
every row alike, on either store, but for the personal data's encryption (random in each, the
same once decoded), the same recording times, the same origin; a test's clock left where
seeding leaves it; and a store seeded afresh when the environment the ledger reads or the
test's clock is not the template's."""

from __future__ import annotations

import shlex
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cli.main import app as fupin_app
from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.privacy import generate_master_key, master_key_id, parse_master_key
from ledger.transparency import LOG_NAME, store_origin

from tests.cli.conftest import Fupin, another_store, seed
from tests.support import TickingClock, ledger_at, stamp, umask_of
from tests.templates import decoded

#: The cells a store seeded afresh may hold otherwise: what is sealed under a household's key,
#: drawn at random for each store (the events table is eventsourcing's: ``stored_events`` on
#: SQLite, ``ledger_events`` on PostgreSQL).
RANDOM = {("stored_events", "state"), ("ledger_events", "state"), ("household_keys", "wrapped_key")}

#: The schema objects of a PostgreSQL store, by kind: name and what defines it.
_PG_SCHEMA = """
SELECT 'table', table_name, string_agg(column_name || ' ' || data_type, ', '
    ORDER BY ordinal_position)
FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name
UNION ALL SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
UNION ALL SELECT 'function', p.proname, pg_get_functiondef(p.oid) FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
UNION ALL SELECT 'trigger', tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
UNION ALL SELECT 'sequence', sequencename, last_value::text FROM pg_sequences
ORDER BY 1, 2
"""


def _schema_and_rows(store: str) -> tuple[list[tuple[Any, ...]], dict[str, list[dict[str, Any]]]]:
    """The store's schema objects and every row of each of its tables, in the tables' order."""
    if store.startswith("postgresql://"):
        with psycopg.connect(store) as conn:
            schema = conn.execute(_PG_SCHEMA).fetchall()
            return schema, {
                name: _rows(conn.execute(f'SELECT * FROM "{name}" ORDER BY 1, 2'))
                for kind, name, _ in schema
                if kind == "table"
            }
    with closing(sqlite3.connect(store)) as db:
        schema = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY 1, 2").fetchall()
        settings = [db.execute(f"PRAGMA {name}").fetchone() for name in ("user_version",)]
        return [*schema, *settings], {
            name: _rows(db.execute(f'SELECT * FROM "{name}" ORDER BY rowid'))
            for kind, name, _ in schema
            if kind == "table"
        }


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _origin(store: str) -> str:
    app = open_ledger(store)
    try:
        return store_origin(app.recorder, app.mapper)
    finally:
        app.close()


def assert_alike(copied: str, fresh: str) -> None:
    """``copied`` and ``fresh`` hold the same schema, rows and decoded events, and differ in
    nothing but cells sealed at random (``RANDOM``), in rows whose decoded events are alike."""
    schema, rows = _schema_and_rows(copied)
    fresh_schema, fresh_rows = _schema_and_rows(fresh)
    assert schema == fresh_schema
    assert rows.keys() == fresh_rows.keys()
    apart: set[tuple[str, str]] = set()
    for table, table_rows in rows.items():
        assert len(table_rows) == len(fresh_rows[table]), table
        for row, other in zip(table_rows, fresh_rows[table], strict=True):
            apart.update((table, name) for name, value in row.items() if other[name] != value)
    assert apart <= RANDOM, apart
    events, fresh_events = decoded(copied), decoded(fresh)
    assert events == fresh_events
    assert len(events) == sum(len(r) for t, r in rows.items() if t.endswith("_events"))
    assert _origin(copied) == _origin(fresh) == LOG_NAME


def test_a_seeded_store_is_one_seeded_afresh_but_for_what_is_sealed_at_random(
    seeded: Fupin, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    fresh = another_store(seeded.store, "fresh", tmp_path, request)

    seed(Fupin(fresh, seeded.runner))

    assert_alike(seeded.store, fresh)
    # what the commands read of either, read models built on the way
    for line in ("history JH-0004 --format json", "report caseload --format json"):
        said = seeded.runner.invoke(
            fupin_app, ["--store", fresh, "--as", "admin", *shlex.split(line)]
        )
        assert seeded.ok(line, "admin").stdout == said.stdout


def test_the_reference_data_is_ledger_at_s_and_the_clock_where_it_leaves_it(
    store_ledger: Ledger,
    store: str,
    ticking: TickingClock,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    fresh = another_store(store, "fresh", tmp_path, request)
    fresh_clock = TickingClock()
    with ledger_at(fresh, fresh_clock) as app:
        counted = app.event_count()

    assert ticking == fresh_clock
    assert store_ledger.event_count() == counted
    assert_alike(store, fresh)
    # open on the test's clock: the next save is recorded on it, after seeding's last
    store_ledger.register_street(stamp(day=date(2016, 7, 26)), "棠下")
    assert decoded(store)[-1][1].timestamp == ticking.current > fresh_clock.current


def test_the_sqlite_ledger_is_ledger_at_s_and_the_clock_where_it_leaves_it(
    ledger: Ledger, ticking: TickingClock, tmp_path: Path
) -> None:
    fresh_clock = TickingClock()
    with ledger_at(tmp_path / "fresh.db", fresh_clock):
        pass

    assert ticking == fresh_clock
    assert clock.now() == fresh_clock()  # the fixture's ledger is open on the test's clock
    assert_alike(str(tmp_path / "ledger.db"), str(tmp_path / "fresh.db"))


@pytest.fixture
def group_writable() -> Iterator[None]:
    """A umask of 002: a file copied is 0664, a database SQLite makes 0644."""
    with umask_of(0o002):
        yield


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # a file's mode
def test_a_copied_store_has_the_mode_sqlite_gives_a_new_one(
    group_writable: None, seeded: Fupin, tmp_path: Path
) -> None:
    with ledger_at(tmp_path / "fresh.db"):
        pass

    assert (seeded.path.stat().st_mode, (tmp_path / "fresh.db").stat().st_mode) == (
        0o100644,
        0o100644,
    )


@pytest.fixture
def another_master_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A master key of the test's own, set before its store is seeded."""
    key = generate_master_key()
    monkeypatch.setenv("LEDGER_MASTER_KEY", key)
    return key


def test_a_store_seeded_under_another_master_key_is_seeded_afresh(
    another_master_key: str, seeded: Fupin
) -> None:
    _, rows = _schema_and_rows(seeded.store)

    masters = {row["master_id"] for row in rows["household_keys"]}
    assert masters == {master_key_id(parse_master_key(another_master_key))}
    assert '"户主4"' in seeded.ok("history JH-0004 --format json", "admin").stdout


@pytest.fixture
def later(ticking: TickingClock) -> TickingClock:
    """The test's clock moved to 2020 before its ledger is seeded."""
    ticking.current = datetime(2020, 1, 1, tzinfo=UTC)
    return ticking


def test_a_ledger_seeded_on_a_clock_moved_first_is_seeded_afresh(
    later: TickingClock, store_ledger: Ledger, store: str
) -> None:
    first = decoded(store)[0][1]

    assert first.timestamp.date() == date(2020, 1, 1)
    assert store_ledger.event_count() == len(decoded(store))
