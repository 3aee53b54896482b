"""Tracking: catch-up is resumable and idempotent, a crash mid-page counts nothing twice,
and analysts' SQL cannot write."""

from __future__ import annotations

from datetime import date

import pytest
from ledger.application import Ledger
from projections import api, engine
from projections.catchup import MODELS
from projections.engine import Fact
from projections.query import QueryError, run_query
from projections.storage import Database, open_database

from tests.support import register, stamp


@pytest.fixture
def ledger(store_ledger: Ledger) -> Ledger:
    """Every test here runs on SQLite and on PostgreSQL (the ``store`` fixture)."""
    return store_ledger


def visits(app: Ledger) -> int:
    _columns, rows = run_query(app, "SELECT COUNT(*) FROM pj_visits")
    return int(rows[0][0])


def test_catching_up_twice_applies_nothing_the_second_time(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    first = api.catch_up(ledger)
    second = api.catch_up(ledger)

    assert first > 0
    assert second == 0


def test_a_page_another_process_applied_meanwhile_counts_nothing(ledger: Ledger) -> None:
    # Two processes catch up at once: the second read the positions before the first
    # committed, then waits for the write lock and finds the page applied.
    register(ledger, "JH-1")
    page = list(engine.facts(ledger))
    db = open_database(ledger.location)
    try:
        with db.transaction():
            engine.create_schema(db, MODELS)
        with db.transaction():
            first = engine.apply_facts(db, MODELS, page)
        with db.transaction():
            again = engine.apply_facts(db, MODELS, page)
    finally:
        db.close()

    assert first == len(page) > 0
    assert again == 0


def test_a_crash_between_event_and_projection_update_never_double_counts(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")
    api.catch_up(ledger)
    ledger.record_visit(stamp("jn-01", date(2016, 9, 1)), "JH-1", "c-1")
    ledger.record_visit(stamp("jn-01", date(2016, 10, 1)), "JH-1", "c-1")
    real = engine.apply_facts

    def crash_after_applying(db: Database, models: object, page: list[Fact]) -> None:
        real(db, MODELS, page)
        raise RuntimeError("power cut")

    monkeypatch.setattr("projections.catchup.apply_facts", crash_after_applying)
    with pytest.raises(RuntimeError):
        api.catch_up(ledger)
    monkeypatch.undo()
    api.catch_up(ledger)

    assert visits(ledger) == 2


def test_a_rebuild_gives_the_same_tables(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    before = api.caseload(ledger)

    api.rebuild(ledger)

    assert api.caseload(ledger) == before


def test_a_write_through_the_query_is_refused_and_changes_nothing(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    api.catch_up(ledger)

    for sql in (
        "DELETE FROM pj_households",
        "WITH x AS (SELECT 1) DELETE FROM pj_households",
        "SELECT 1; DROP TABLE pj_households",
    ):
        with pytest.raises(QueryError):
            run_query(ledger, sql)

    db = open_database(ledger.location)
    assert db.rows("SELECT number FROM pj_households") == [("JH-1",)]
    db.close()


def test_a_query_cannot_read_the_wrapped_household_keys(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    api.catch_up(ledger)

    for sql in (
        "SELECT wrapped_key FROM household_keys",
        "WITH k AS (SELECT * FROM household_keys) SELECT COUNT(*) FROM k",
        "SELECT (SELECT MAX(wrapped_key) FROM household_keys) AS k",
    ):
        with pytest.raises(QueryError) as refused:
            run_query(ledger, sql)
        assert refused.value.field == "sql"

    assert run_query(ledger, "SELECT COUNT(*) FROM pj_households")[1] == [(1,)]


@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_query_cannot_read_the_keys_through_sql_given_as_text(ledger: Ledger) -> None:
    # query_to_xml runs its SQL where the plan's check cannot see it: it returned the keys.
    register(ledger, "JH-1")
    api.catch_up(ledger)

    for sql in (
        "SELECT query_to_xml('select wrapped_key from household_keys', true, false, '')::text",
        "SELECT \"query_to_xml\"('select 1', true, false, '')",
        "SELECT table_to_xml('household_keys', true, false, '')",
        "SELECT pg_catalog.cursor_to_xml('c', 1, true, false, '')",
        # ts_rewrite runs its second argument as SQL
        "SELECT ts_rewrite('x'::tsquery, 'select ''x''::tsquery, ''y''::tsquery')",
    ):
        with pytest.raises(QueryError) as refused:
            run_query(ledger, sql)
        assert refused.value.field == "sql"
        assert "permission denied for function" in str(refused.value)

    # The planner's statistics hold sample values of the keys once the table is analysed.
    db = open_database(ledger.location)
    try:
        db.execute("ANALYZE household_keys")
    finally:
        db.close()
    with pytest.raises(QueryError) as refused:
        run_query(ledger, "SELECT histogram_bounds::text FROM pg_stats")
    assert "permission denied for table" in str(refused.value)

    assert run_query(ledger, "SELECT 'query_to_xml is a word here' AS t")[1] == [
        ("query_to_xml is a word here",)
    ]
    # A constant that reads like a call is no call (it was refused).
    assert run_query(ledger, "SELECT 'see lo_open(x)' AS t, 'dblink(y)' AS u")[1] == [
        ("see lo_open(x)", "dblink(y)")
    ]
