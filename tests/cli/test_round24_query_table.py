"""Session 24, a tester scripting ``fupin query``: the table format, the default, had no bound
of its own. The SQL's 60 s and the answer's cells stop the query, not rich, which lays a
table out whole before it prints a line: an answer of 168 k cells took 34 s and 171 MB as a
table (0.9 s as JSON), ``select * from pj_visits`` of the demo 12 s. A table now shows at most
``MAX_TABLE_CELLS`` cells; a larger answer, or report, is refused before anything is written."""

from __future__ import annotations

import pytest
from cli.main import app

from cli import common
from cli import query as query_command
from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the table format's bound is the command line's: SQLite is enough"

TABLE_RULE = "the table format shows at most 10,000 cells (a cell's lines past its first count"


def _numbers(count: int, columns: int = 1) -> str:
    """SQL for ``count`` rows of ``columns`` cells each."""
    cells = ", ".join(f"i AS c{n}" for n in range(columns))
    return (
        f"WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < {count}) "
        f"SELECT {cells} FROM r"
    )


@pytest.fixture
def small_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables of at most 12 cells."""
    monkeypatch.setattr(common, "MAX_TABLE_CELLS", 12)
    monkeypatch.setattr(query_command, "MAX_TABLE_CELLS", 12)


def test_an_answer_past_the_table_bound_is_refused_before_it_is_rendered(seeded: Fupin) -> None:
    result = seeded.runner.invoke(app, ["query", _numbers(2001, 5)])

    assert_refused(result, "format", TABLE_RULE)
    assert "this answer passes it at row 2,001: use --format csv or --format json, or a LIMIT" in (
        result.stderr
    )
    assert result.stdout == ""


@pytest.mark.parametrize("output", ["csv", "json"])
def test_the_same_answer_is_written_as_csv_or_json(seeded: Fupin, output: str) -> None:
    result = seeded.runner.invoke(app, ["query", _numbers(2001, 5), "--format", output])

    assert result.exit_code == 0, result.output
    assert "2001" in result.stdout


def test_an_answer_at_the_bound_is_shown_as_a_table(seeded: Fupin, small_tables: None) -> None:
    result = seeded.runner.invoke(app, ["query", _numbers(4, 3)])

    assert result.exit_code == 0, result.output
    assert "│ 4  │ 4  │ 4  │" in result.stdout


def test_one_row_more_is_refused(seeded: Fupin, small_tables: None) -> None:
    result = seeded.runner.invoke(app, ["query", _numbers(5, 3)])

    assert_refused(result, "format", "shows at most 12 cells")
    assert "passes it at row 5:" in result.stderr
    assert result.stdout == ""


def test_each_line_of_a_cell_counts(seeded: Fupin, small_tables: None) -> None:
    # One cell of 13 lines: rich lays out every line (62 k lines took 16 s).
    sql = "SELECT replace('a,b,c,d,e,f,g,h,i,j,k,l,m', ',', char(10)) AS lines"

    result = seeded.runner.invoke(app, ["query", sql])

    assert_refused(result, "format", "shows at most 12 cells")
    assert "passes it at row 1:" in result.stderr


def test_a_report_past_the_bound_is_refused_before_any_section(
    seeded: Fupin, small_tables: None
) -> None:
    result = seeded.runner.invoke(app, ["report", "caseload"])

    assert_refused(result, "format", "shows at most 12 cells")
    assert "this report's tables show " in result.stderr
    assert result.stdout == ""
    assert seeded.ok("report caseload --format csv").stdout.startswith("# report")
