"""``fupin query``'s cells as each format shows them, and its bounds: a BLOB is shown as its
bytes in hex in every format (JSON could not hold it: an internal error; the table and CSV
showed Python's ``b'\\x00\\xff'``), and a cell or a result too large to show is refused (``SELECT
randomblob(1000000000)`` grew the process to 16 GB)."""

from __future__ import annotations

import csv
import io

import orjson
import pytest
from cli.main import app

from cli import query as query_command
from tests.cli.conftest import Fupin, assert_refused


def _postgres(fupin: Fupin) -> bool:
    return fupin.store.startswith("postgresql://")


def _blob(fupin: Fupin, hex_digits: str) -> str:
    """SQL for a BLOB (SQLite) or bytea (PostgreSQL) of the bytes ``hex_digits``."""
    return f"decode('{hex_digits}', 'hex')" if _postgres(fupin) else f"x'{hex_digits}'"


def _run(fupin: Fupin, sql: str, *options: str) -> str:
    result = fupin.runner.invoke(app, ["query", sql, *options])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout


def test_a_blob_is_shown_in_hex_in_every_format(seeded: Fupin) -> None:
    sql = f"SELECT {_blob(seeded, '00ff10')} AS b, 1 AS n"

    shown = orjson.loads(_run(seeded, sql, "--format", "json"))
    as_csv = list(csv.reader(io.StringIO(_run(seeded, sql, "--format", "csv"))))
    table = _run(seeded, sql)

    assert shown == {"columns": ["b", "n"], "rows": [["00ff10", 1]]}
    assert as_csv == [["b", "n"], ["00ff10", "1"]]
    assert "00ff10" in table
    assert "b'" not in table


def test_an_empty_blob_is_an_empty_text(seeded: Fupin) -> None:
    sql = f"SELECT {_blob(seeded, '')} AS b"

    assert orjson.loads(_run(seeded, sql, "--format", "json"))["rows"] == [[""]]


@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_postgresql_value_json_has_no_type_for_is_shown_as_the_table_shows_it(
    seeded: Fupin,
) -> None:
    # numeric and interval come back as Decimal and timedelta, which orjson cannot write.
    sql = "SELECT 1.50::numeric AS amount, interval '1 day' AS span"

    shown = orjson.loads(_run(seeded, sql, "--format", "json"))
    as_csv = list(csv.reader(io.StringIO(_run(seeded, sql, "--format", "csv"))))

    assert shown["rows"] == [["1.50", "1 day, 0:00:00"]]
    assert as_csv[1] == ["1.50", "1 day, 0:00:00"]


def test_an_infinite_number_is_not_shown_as_a_null_in_json(seeded: Fupin) -> None:
    # SQLite reads 1e400 as infinity; PostgreSQL needs the spelling.
    pos, neg = (
        ("'Infinity'::float8", "'-Infinity'::float8") if _postgres(seeded) else ("1e400", "-1e400")
    )
    sql = f"SELECT {pos} AS pos, {neg} AS neg, NULL AS nul, 2 AS n"

    shown = orjson.loads(_run(seeded, sql, "--format", "json"))
    as_csv = list(csv.reader(io.StringIO(_run(seeded, sql, "--format", "csv"))))

    assert shown["rows"] == [["inf", "-inf", None, 2]]
    assert as_csv[1] == ["inf", "-inf", "", "2"]


def test_a_blob_too_large_to_show_is_refused(seeded: Fupin) -> None:
    size = query_command.MAX_CELL_CHARS // 2 + 1  # one byte more than its hex may hold
    blob = f"decode(repeat('00', {size}), 'hex')" if _postgres(seeded) else f"zeroblob({size})"
    # Each output on SQLite; on PostgreSQL (6 s each: 8 MiB made and sent) the table only.
    # The bound is checked before any output is written, the same code for either store.
    outputs = ("table",) if _postgres(seeded) else ("table", "json", "csv")

    for output in outputs:
        result = seeded.runner.invoke(
            app, ["query", f"SELECT 1 AS n, {blob} AS b", "--format", output]
        )

        assert_refused(result, "sql", f"row 1, column 'b' is a BLOB of {size:,} bytes")
        assert "16 MiB" in result.stderr
        assert result.stdout == ""


def test_a_text_too_large_to_show_is_refused(seeded: Fupin) -> None:
    size = query_command.MAX_CELL_CHARS + 1
    text = f"repeat('a', {size})" if _postgres(seeded) else f"printf('%.{size}c', 'a')"

    result = seeded.runner.invoke(app, ["query", f"SELECT {text} AS t"])

    assert_refused(result, "sql", f"row 1, column 't' holds {size:,} characters")


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the bound is the CLI's own
def test_a_result_too_large_to_show_is_refused(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query_command, "MAX_RESULT_CHARS", 100)
    sql = (
        "WITH r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r LIMIT 5) "
        "SELECT printf('%.30c', 'x') FROM r"
    )

    result = seeded.runner.invoke(app, ["query", sql, "--format", "csv"])

    assert_refused(result, "sql", "the result is larger than 100 characters by row 4")
    assert result.stdout == ""


def test_the_bounds_leave_ordinary_answers_alone(seeded: Fupin) -> None:
    shown = orjson.loads(
        _run(seeded, "SELECT number FROM pj_households ORDER BY number", "--format", "json")
    )

    assert shown["rows"] == [["JH-0001"], ["JH-0002"], ["JH-0003"], ["JH-0004"]]


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # SQLite's own limit
def test_sqlite_makes_no_value_larger_than_a_query_may_show(seeded: Fupin) -> None:
    # It built a gigabyte before the command line could refuse it.
    result = seeded.runner.invoke(app, ["query", "SELECT randomblob(1000000000) AS b"])

    assert_refused(result, "sql", "a value of more than 64 MiB: query less")


@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_postgresqls_json_arrays_booleans_and_times_show_the_same_in_every_format(
    seeded: Fupin,
) -> None:
    # Analyst's round, 2026-11-29: the table and CSV showed Python's {'k': 1}, [1, 2], True
    # and "2016-08-01 09:30:00+00:00" where JSON had {"k":1}, [1,2], true and "...T09:30...".
    # json and arrays now come as PostgreSQL writes them, in every format (as Python lists
    # they were not measured: array_agg of 20 M integers took 1.1 GB).
    sql = (
        "SELECT json_build_object('k', 1, 'z', '江南') AS h, array[1, 2] AS g, true AS j, "
        "timestamptz '2016-08-01 09:30:00+00' AS f, date '2016-08-01' AS d, "
        "'{\"a\": [1]}'::jsonb AS b, array['a b', 'c'] AS t"
    )

    shown = orjson.loads(_run(seeded, sql, "--format", "json"))
    as_csv = list(csv.reader(io.StringIO(_run(seeded, sql, "--format", "csv"))))
    table = _run(seeded, sql)

    when = shown["rows"][0][3]  # in the session's time zone, whichever the server's is
    h, g, b, t = '{"k" : 1, "z" : "江南"}', "{1,2}", '{"a": [1]}', '{"a b",c}'
    assert shown["rows"] == [[h, g, True, when, "2016-08-01", b, t]]
    assert "T" in when
    texts = [h, g, "true", when, "2016-08-01", b, t]
    assert as_csv[1] == texts
    for text in texts[1:]:
        assert text in table
    assert "True" not in table


@pytest.mark.parametrize("output", ["csv", "json", "table"])
def test_an_answer_of_no_rows_keeps_its_columns(seeded: Fupin, output: str) -> None:
    # Review of the analyst round: on PostgreSQL a streamed answer of no rows had no columns.
    sql = "SELECT number, street AS 街道 FROM pj_households WHERE number = 'none'"

    shown = _run(seeded, sql, "--format", output)

    if output == "csv":
        assert shown == "number,街道\n"
    elif output == "json":
        assert orjson.loads(shown) == {"columns": ["number", "街道"], "rows": []}
    else:
        assert "number" in shown
        assert "街道" in shown
