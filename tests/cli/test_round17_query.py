"""Round 17: ``fupin query`` as analyst ana-1 on the demo ledger.

1. ``select load_extension('/tmp/x.so')`` was refused as a read of ``household_keys``: every
   SQLite "not authorized" was said to be the key table. Each refusal now names what it refused.
2. ``select fts3_tokenizer('simple')`` showed a native memory address, and given a second value
   it could replace it: such functions are denied by the SQLite authorizer, naming them.
3. ``--as ghost`` was served, though every reader refuses an id that is no active officer.
4. A statement beginning with a comment (``/* c */ select 1``) was refused as no SELECT, and so
   was ``selec 1``, which is SQLite's syntax error.
"""

from __future__ import annotations

import pytest
from cli.main import app
from projections.query import after_comments
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused

SQLITE_ONLY = pytest.mark.parametrize("store", ["sqlite"], indirect=True)
POSTGRES_ONLY = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def _query(fupin: Fupin, sql: str, actor: str | None = "ana-1") -> Result:
    """``fupin [--as actor] query -- SQL`` (``--``: the SQL may begin with ``--``)."""
    prefix = ["--as", actor] if actor else []
    return fupin.runner.invoke(app, [*prefix, "query", "--format", "csv", "--", sql])


def _answer(fupin: Fupin, sql: str, actor: str | None = "ana-1") -> str:
    result = _query(fupin, sql, actor)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout


# -- 1 and 2: functions the authorizer denies, each named ----------------------------------------


@SQLITE_ONLY
def test_loading_an_extension_is_refused_saying_so(seeded: Fupin) -> None:
    refused = _query(seeded, "select load_extension('/tmp/x.so')")

    assert_refused(
        refused, "sql", "not authorized: no query may call load_extension(): extensions cannot"
    )
    assert "household_keys" not in refused.stderr


@SQLITE_ONLY
@pytest.mark.parametrize(
    "sql",
    [
        "select fts3_tokenizer('simple')",
        "select fts3_tokenizer('simple', x'4141414141414141')",
        "SELECT FTS3_Tokenizer('simple') AS p",
        "with t as (select fts3_tokenizer('porter') as p) select p from t",
        "select 1 where exists (select fts3_tokenizer('simple'))",
    ],
)
def test_the_fts3_tokenizer_address_is_neither_shown_nor_replaced(seeded: Fupin, sql: str) -> None:
    refused = _query(seeded, sql)

    assert_refused(refused, "sql", "not authorized: no query may call fts3_tokenizer(): it shows")
    assert refused.stdout == ""


@SQLITE_ONLY
def test_the_r_tree_node_decoder_is_refused(seeded: Fupin) -> None:
    refused = _query(seeded, "select rtreenode(2, x'000000000000')")

    assert_refused(refused, "sql", "no query may call rtreenode(): an r-tree debugging function")
    # SQLite's other functions still run.
    shown = _answer(seeded, "select abs(-3) as a, upper('x') as u, length('abc') as n")
    assert shown.splitlines() == ["a,u,n", "3,X,3"]


# -- 3: --as is an active officer or nobody --------------------------------------------------


def test_an_unknown_reader_is_refused(seeded: Fupin) -> None:
    refused = _query(seeded, "select 1", actor="ghost")

    assert_refused(refused, "as", "'ghost' is not a registered officer")
    assert refused.stdout == ""
    # An active officer, and nobody (docs/privacy.md, Roles: everything masked), are served.
    assert _answer(seeded, "select 1 as one", actor="ana-1").splitlines() == ["one", "1"]
    assert _answer(seeded, "select 1 as one", actor=None).splitlines() == ["one", "1"]


def test_a_retired_reader_is_refused(seeded: Fupin) -> None:
    seeded.ok("officer retire ll-01 --reason 退休 -d 退休通知 -e 2016-10-01", actor="admin")

    refused = _query(seeded, "select 1", actor="ll-01")

    assert_refused(refused, "as", "ll-01 has retired")


# -- 4: leading comments, and a first word that begins no statement ----------------------------


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("/* c */ select 1 as one", ["one", "1"]),
        ("-- note\nselect 2 as two", ["two", "2"]),
        ("  /* a */ -- b\n/**/\tWITH t AS (SELECT 3 AS three) SELECT three FROM t", ["three", "3"]),
        ("-- note\r\nselect*from pj_clock limit 0", ["id,latest_effective,latest_recorded,events"]),
    ],
)
def test_a_select_after_comments_runs(seeded: Fupin, sql: str, expected: list[str]) -> None:
    assert _answer(seeded, sql).splitlines() == expected


@pytest.mark.parametrize(
    ("comment", "write"),
    [
        ("/* c */", "delete from pj_households"),
        ("-- select\n", "delete from pj_households"),
        ("/* select */", "insert into pj_households (number) values ('X')"),
        ("-- c\n", "values (1)"),
    ],
)
def test_a_comment_lets_a_select_run_and_never_a_write(
    seeded: Fupin, comment: str, write: str
) -> None:
    assert _answer(seeded, f"{comment} select 1 as one").splitlines() == ["one", "1"]

    refused = _query(seeded, f"{comment} {write}")

    assert_refused(refused, "sql", "read-only: only a SELECT (or WITH ... SELECT) statement runs")
    assert _answer(seeded, "select count(*) as n from pj_households").splitlines() == ["n", "4"]


@pytest.mark.parametrize("sql", ["/* c */", "-- only a note", "/* not closed select 1"])
def test_only_comments_are_refused_as_no_statement(seeded: Fupin, sql: str) -> None:
    refused = _query(seeded, sql)

    assert_refused(refused, "sql", "give one SELECT statement (the query holds only comments)")


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        ("selec 1", 'near "selec": syntax error'),
        ("/* c */ selec 1", 'near "selec": syntax error'),
        ("42", 'near "42": syntax error'),
    ],
)
def test_a_statement_of_no_known_word_gets_sqlites_syntax_error(
    seeded: Fupin, sql: str, said: str
) -> None:
    refused = _query(seeded, sql)

    assert_refused(refused, "sql", said)
    assert "read-only" not in refused.stderr


@SQLITE_ONLY
def test_comments_do_not_nest_on_sqlite(seeded: Fupin) -> None:
    # SQLite ends the comment at the first */: "c */ select 3" is what follows.
    refused = _query(seeded, "/* a /* b */ c */ select 3")

    assert_refused(refused, "sql", 'near "c": syntax error')


@POSTGRES_ONLY
def test_comments_nest_on_postgresql(seeded: Fupin) -> None:
    assert _answer(seeded, "/* a /* b */ c */ select 3 as three").splitlines() == ["three", "3"]
    # What PostgreSQL runs after a nested comment is what is checked: a write is refused.
    refused = _query(seeded, "/* a /* */ select */ delete from pj_households")
    assert_refused(refused, "sql", "read-only: only a SELECT (or WITH ... SELECT) statement runs")


def test_a_line_comment_ends_where_each_store_ends_it() -> None:
    # PostgreSQL ends a -- comment at a carriage return too; SQLite at a line feed only (the
    # reviewer, session 17): what follows the CR is a statement to PostgreSQL.
    text = "-- note\rWITH d AS (SELECT 1) SELECT 2\nSELECT 3"

    assert after_comments(text, nested=True) == "WITH d AS (SELECT 1) SELECT 2\nSELECT 3"
    assert after_comments(text, nested=False) == "SELECT 3"
