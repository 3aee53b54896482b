"""PostgreSQL: ``fupin verify`` reports a trigger on the events table or the key table that is
not one of the ledger's own (``ledger.schema.LEDGER_PG_TRIGGERS``), as it reports any trigger
in a SQLite file (tests/cli/test_round22_schema.py, session 22)."""

from __future__ import annotations

import psycopg
import pytest
from ledger.application import Ledger
from ledger.keys import guard_household_keys
from ledger.verification import SCHEMA_POSITION, verify_ledger

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

    assert verify_ledger(store_ledger.recorder, store_ledger.mapper).ok
