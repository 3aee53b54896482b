"""PostgreSQL: ``fupin verify`` reports a trigger on the events table or the key table that is
not one of the ledger's own (``ledger.schema.LEDGER_PG_TRIGGERS``), as it reports any trigger
in a SQLite file (tests/cli/test_round22_schema.py, session 22)."""

from __future__ import annotations

import psycopg
import pytest
from ledger.application import Ledger
from ledger.keys import guard_household_keys
from ledger.verification import SCHEMA_POSITION, verify_ledger
from projections.pg import _APPEND_ONLY
from psycopg import sql

from tests.integration.test_key_table_support import dsn
from tests.support import register

#: A trigger that could rewrite every save as it is inserted (it only passes it on here).
_SNEAKY = """
CREATE FUNCTION sneaky() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER sneaky BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION sneaky();
"""


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_verify_reports_a_trigger_on_the_events_table_not_the_ledgers_own(
    store_ledger: Ledger,
) -> None:
    register(store_ledger, "JH-0001", serial=1)  # the key table, which the guard needs
    with psycopg.connect(dsn(store_ledger)) as owner:
        guard_household_keys(owner)  # the ledger's own: never reported
        owner.execute(_SNEAKY.format(table=store_ledger.recorder.events_table_name))  # type: ignore[attr-defined]

    report = verify_ledger(store_ledger.recorder, store_ledger.mapper)

    assert [(p.position, p.event) for p in report.problems] == [(SCHEMA_POSITION, "trigger sneaky")]
    assert "a trigger on ledger_events that fupin never creates" in report.problems[0].reason


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_verify_passes_with_the_ledgers_own_triggers(store_ledger: Ledger) -> None:
    register(store_ledger, "JH-0001", serial=1)  # the key table, which the guard needs
    with psycopg.connect(dsn(store_ledger)) as owner:
        guard_household_keys(owner)
        _protect_events(owner, store_ledger)

    assert verify_ledger(store_ledger.recorder, store_ledger.mapper).ok


def _protect_events(owner: psycopg.Connection[object], app: Ledger) -> None:
    """The ledger's own triggers on the events table (``projections.pg.protect_events``)."""
    table = sql.Identifier("public", app.recorder.events_table_name)  # type: ignore[attr-defined]
    owner.execute(sql.SQL(_APPEND_ONLY).format(schema=sql.Identifier("public"), table=table))


#: Tester F's trigger: one of the ledger's names, on its table, running another function.
_NAMESAKE = """
CREATE FUNCTION fupin_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
DROP TRIGGER fupin_append_only ON {table};
CREATE TRIGGER fupin_append_only BEFORE INSERT ON {table} FOR EACH ROW
    EXECUTE FUNCTION fupin_guard();
"""


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_verify_reports_a_trigger_named_as_the_ledgers_running_another_function(
    store_ledger: Ledger,
) -> None:
    register(store_ledger, "JH-0001", serial=1)
    with psycopg.connect(dsn(store_ledger)) as owner:
        guard_household_keys(owner)
        _protect_events(owner, store_ledger)
        owner.execute(_NAMESAKE.format(table=store_ledger.recorder.events_table_name))  # type: ignore[attr-defined]

    report = verify_ledger(store_ledger.recorder, store_ledger.mapper)

    found = [(p.position, p.event) for p in report.problems]
    assert found == [(SCHEMA_POSITION, "trigger fupin_append_only")]
    assert "named as one of the ledger's own, on another table, running another" in (
        report.problems[0].reason
    )


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_verify_reports_a_ledger_trigger_name_on_another_table_or_timing(
    store_ledger: Ledger,
) -> None:
    register(store_ledger, "JH-0001", serial=1)
    table = store_ledger.recorder.events_table_name  # type: ignore[attr-defined]
    with psycopg.connect(dsn(store_ledger)) as owner:
        guard_household_keys(owner)  # its function, fupin_household_keys_guard, reused below
        _protect_events(owner, store_ledger)
        owner.execute(
            f"CREATE TRIGGER fupin_keys_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION fupin_household_keys_guard()"
        )
        owner.execute(
            f"DROP TRIGGER fupin_no_truncate ON {table}; CREATE TRIGGER fupin_no_truncate "
            f"AFTER INSERT ON {table} FOR EACH STATEMENT EXECUTE FUNCTION "
            "fupin_events_append_only()"
        )

    report = verify_ledger(store_ledger.recorder, store_ledger.mapper)

    assert sorted(p.event for p in report.problems if p.position == SCHEMA_POSITION) == [
        "trigger fupin_keys_no_truncate",
        "trigger fupin_no_truncate",
    ]
