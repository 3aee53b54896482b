"""Session 24, a tester: ``fupin query "(select 1)"`` was refused as a write ("read-only: only
a SELECT …"), though a parenthesised SELECT is a read. Past its opening parentheses (and any
comments between them) the verb is read as any statement's: PostgreSQL runs it, SQLite gives
its own syntax error (it takes no parenthesised statement), and a write stays refused."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused

READ_ONLY = "read-only: only a SELECT (or WITH ... SELECT) statement runs"


@pytest.mark.parametrize(
    "sql",
    [
        "(select 1 as v)",
        "( /* c */ (select 1 as v))",
        "((with x as (select 1 as v) select v from x))",
    ],
)
def test_a_parenthesised_read_is_no_write(seeded: Fupin, sql: str) -> None:
    result = seeded.runner.invoke(app, ["query", sql, "--format", "csv"])

    if seeded.store.startswith("postgresql://"):
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == ["v", "1"]
    else:
        assert_refused(result, "sql", 'near "(": syntax error')
    assert READ_ONLY not in result.output


@pytest.mark.parametrize(
    "sql", ["(delete from pj_visits)", "( /* c */ (update pj_visits set voided = 1))"]
)
def test_a_parenthesised_write_is_still_refused_as_read_only(seeded: Fupin, sql: str) -> None:
    result = seeded.runner.invoke(app, ["query", sql])

    assert_refused(result, "sql", READ_ONLY)
