"""Session 24, a tester scripting ``fupin query``:

* a ``;`` inside a string was refused as a second statement (``select group_concat(street,
  ';') from pj_streets``: "one statement only: no ';' inside the query");
* a write behind a ``WITH`` was refused in the driver's words (SQLite's "attempt to write a
  readonly database"), not the documented read-only refusal.

Both stores: the statement is cut and the write refused by each store's own reading."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused

READ_ONLY = "read-only: only a SELECT (or WITH ... SELECT) statement runs"


@pytest.mark.parametrize(
    "sql",
    [
        "select 'a;b' as v",
        "select 'it''s;' as v -- a comment; with a semicolon",
        'select 1 as "v;" /* a ; in a comment */',
        "select 'x' as v; -- a last comment after the end",
        "select 'y' as v ;  ; /* and another */ ",
    ],
)
def test_a_semicolon_inside_a_string_name_or_comment_ends_nothing(seeded: Fupin, sql: str) -> None:
    result = seeded.runner.invoke(app, ["query", sql, "--format", "csv"])

    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2, result.stdout


def test_a_group_concat_with_a_semicolon_runs(seeded: Fupin) -> None:
    sql = "select string_agg(street, ';') as s from pj_streets"
    if not seeded.store.startswith("postgresql://"):
        sql = "select group_concat(street, ';') as s from pj_streets"

    result = seeded.runner.invoke(app, ["query", sql, "--format", "json"])

    assert result.exit_code == 0, result.output
    assert ";" in result.stdout


# E'…' and $$…$$ are PostgreSQL's own strings.
@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_postgresql_strings_of_its_own_end_nothing(seeded: Fupin) -> None:
    sql = "select E'a\\';b' as e, $$c;d$$ as d, $t$e;$$f$t$ as t"

    result = seeded.runner.invoke(app, ["query", sql, "--format", "csv"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "a';b,c;d,e;$$f"


@pytest.mark.parametrize(
    "sql", ["select 1; select 2", "select ';'; delete from pj_visits", "select 1;; x"]
)
def test_a_second_statement_after_the_end_is_refused(seeded: Fupin, sql: str) -> None:
    result = seeded.runner.invoke(app, ["query", sql])

    assert_refused(result, "sql", "one statement only: a ';' ends it, and only blanks and")
    assert result.stdout == ""


@pytest.mark.parametrize(
    "sql",
    [
        "with x as (select 1) delete from pj_visits",
        "with x as (select 1) update pj_visits set voided = 1",
        "with x as (select 1) insert into pj_streets select * from pj_streets",
    ],
)
def test_a_write_behind_a_with_is_refused_as_read_only(seeded: Fupin, sql: str) -> None:
    before = seeded.ok("query 'select count(*) from pj_visits' --format csv").stdout

    result = seeded.runner.invoke(app, ["query", sql])

    assert_refused(result, "sql", READ_ONLY)
    assert seeded.ok("query 'select count(*) from pj_visits' --format csv").stdout == before


# SQLite has no write inside a WITH.
@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_write_inside_a_with_is_refused_as_read_only_on_postgresql(seeded: Fupin) -> None:
    sql = "with d as (delete from pj_visits returning 1) select count(*) from d"

    result = seeded.runner.invoke(app, ["query", sql])

    assert_refused(result, "sql", READ_ONLY)
