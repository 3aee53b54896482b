"""PostgreSQL: an analyst's ``fupin query`` may not take an advisory lock. A read-only
transaction may, and ``select pg_advisory_xact_lock(<READ_MODEL_LOCK>), pg_sleep(55)`` held the
read models' lock: every officer's report was refused ("another process is updating the read
models") for as long as the query ran, again and again."""

from __future__ import annotations

import pytest
from cli.main import app
from projections.pg import READ_MODEL_LOCK

from tests.cli.conftest import Fupin, assert_refused

pytestmark = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@pytest.mark.parametrize(
    ("call", "function"),
    [
        (f"pg_advisory_xact_lock({READ_MODEL_LOCK})", "pg_advisory_xact_lock"),
        (f"pg_try_advisory_xact_lock({READ_MODEL_LOCK})", "pg_try_advisory_xact_lock"),
        (f"pg_catalog.pg_advisory_lock({READ_MODEL_LOCK})", "pg_advisory_lock"),
        (f'"pg_advisory_lock_shared"({READ_MODEL_LOCK})', "pg_advisory_lock_shared"),
        ("pg_try_advisory_lock(1, 2)", "pg_try_advisory_lock"),
        ("pg_advisory_unlock_all()", "pg_advisory_unlock_all"),
    ],
)
def test_an_advisory_lock_is_refused(seeded: Fupin, call: str, function: str) -> None:
    result = seeded.runner.invoke(app, ["query", f"SELECT {call} AS a, 1 AS b"])

    assert_refused(result, "sql", f"permission denied for function {function}: advisory locks")
    assert result.stdout == ""


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT number FROM pj_households WHERE pg_try_advisory_xact_lock({READ_MODEL_LOCK})",
        f"WITH l AS (SELECT pg_advisory_xact_lock({READ_MODEL_LOCK}) AS x) SELECT 1 FROM l",
    ],
)
def test_an_advisory_lock_anywhere_in_the_query_is_refused(seeded: Fupin, sql: str) -> None:
    result = seeded.runner.invoke(app, ["query", sql])

    assert_refused(result, "sql", "advisory locks are the ledger's own")


def test_a_lock_named_in_a_text_is_no_call(seeded: Fupin) -> None:
    sql = "SELECT 'see pg_advisory_lock(1)' AS t"

    result = seeded.runner.invoke(app, ["query", sql, "--format", "csv"])

    assert result.exit_code == 0, result.output
    assert result.stdout == "t\nsee pg_advisory_lock(1)\n"


@pytest.mark.parametrize(
    ("sql", "rule"),
    [
        # Review of the analyst round: the plan leaves out what LIMIT/OFFSET/FETCH compute.
        (
            "SELECT number FROM pj_households LIMIT CASE WHEN "
            f"pg_try_advisory_xact_lock({READ_MODEL_LOCK}) THEN 1 ELSE 1 END",
            "advisory locks are the ledger's own",
        ),
        (
            f"SELECT 1 AS a OFFSET (SELECT 0 WHERE pg_try_advisory_xact_lock({READ_MODEL_LOCK}))",
            "advisory locks are the ledger's own",
        ),
        (
            f'SELECT 1 AS a FETCH FIRST (SELECT 1 WHERE "pg_advisory_lock"({READ_MODEL_LOCK})) '
            "ROWS ONLY",
            "advisory locks are the ledger's own",
        ),
        (
            "SELECT 1 AS a LIMIT length(query_to_xml('select 1', true, false, '')::text)",
            "permission denied for function query_to_xml",
        ),
        (
            'SELECT 1 AS a LIMIT CASE WHEN U&"pg\\005fadvisory_xact_lock"(1) THEN 1 END',
            "permission denied for Unicode-escaped names",
        ),
    ],
)
def test_a_call_the_plan_does_not_show_is_refused_by_its_name(
    seeded: Fupin, sql: str, rule: str
) -> None:
    result = seeded.runner.invoke(app, ["query", sql])

    assert_refused(result, "sql", rule)
    assert result.stdout == ""


def test_a_lock_named_in_a_comment_or_a_dollar_quoted_text_is_no_call(seeded: Fupin) -> None:
    sql = (
        "SELECT $q$pg_advisory_lock(1)$q$ AS t, E'it''s \\' pg_advisory_lock(2)' AS u "
        "-- pg_advisory_lock(3)\n/* pg_advisory_lock(4) /* nested */ still */"
    )

    result = seeded.runner.invoke(app, ["query", sql, "--format", "csv"])

    assert result.exit_code == 0, result.output
    assert result.stdout == "t,u\npg_advisory_lock(1),it's ' pg_advisory_lock(2)\n"
