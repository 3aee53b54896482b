"""Round 14: ``fupin query 'SELECT COUNT(*) FROM household_keys'`` was refused as ``not
authorized``, naming neither the table nor the rule (a query naming a column was told
``access to household_keys.household_id is prohibited``). Both now say which table no query may
read, and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli.conftest import Fupin, assert_refused
from tests.support import ledger_at, register


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT COUNT(*) FROM household_keys",
        "SELECT household_id FROM household_keys",
        "SELECT 1 FROM pj_households WHERE EXISTS (SELECT 1 FROM household_keys)",
    ],
)
def test_a_query_of_the_key_table_is_refused_naming_it(tmp_path: Path, sql: str) -> None:
    with ledger_at(tmp_path / "l.db") as app:
        register(app, "JH-0001", serial=1)
    env = {"LEDGER_STORE": str(tmp_path / "l.db"), "LEDGER_ACTOR": None, "LEDGER_KEY": None}
    fupin = Fupin(str(tmp_path / "l.db"), CliRunner(env=env))

    refused = fupin(f'query "{sql}"', "ana-1")

    assert_refused(refused, "sql", "no query may read household_keys (the wrapped household keys")
