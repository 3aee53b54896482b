"""Session 28, tester I: ``fupin query``'s table dropped a carriage return (``select
'a'||char(13)||'b'`` showed ``ab``, CSV kept it) and passed an escape to the terminal; a cell
of 12,000 lines parted by CR was laid out as a table where the same parted by LF was refused
by the 10,000-cell bound; ``--as-of`` and ``--known-at`` got Click's "No such option". The
table now shows every control character but LF and tab as its picture (a CR as ``␍`` and a
line break), counts a CR as a line end, and query refuses the two times naming the reports."""

from __future__ import annotations

import pytest
from cli.main import app

from cli import common
from cli import query as query_command
from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the command line's table and options: SQLite is enough"


def test_a_carriage_return_is_shown_in_the_table(seeded: Fupin) -> None:
    shown = seeded.ok("query \"select 'a'||char(13)||'b' as cr\"", "jn-01").stdout

    assert "│ a␍ │" in shown
    assert "│ b  │" in shown


def test_a_cr_lf_shows_once(seeded: Fupin) -> None:
    shown = seeded.ok("query \"select 'k'||char(13,10)||'l' as crlf\"", "jn-01").stdout

    assert "│ k␍   │" in shown
    assert "│ l    │" in shown


def test_an_escape_never_reaches_the_terminal(seeded: Fupin) -> None:
    shown = seeded.ok("query \"select 'i'||char(27)||'[31mj'||char(7) as esc\"", "jn-01").stdout

    assert "\x1b[31m" not in shown
    assert "i␛[31mj␇" in shown


def test_csv_keeps_the_carriage_return(seeded: Fupin) -> None:
    shown = seeded.ok("query \"select 'a'||char(13)||'b' as cr\" --format csv", "jn-01").stdout

    assert "a\rb" in shown


@pytest.fixture
def small_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables of at most 12 cells."""
    monkeypatch.setattr(common, "MAX_TABLE_CELLS", 12)
    monkeypatch.setattr(query_command, "MAX_TABLE_CELLS", 12)


@pytest.mark.parametrize("line_end", ["char(13)", "char(10)"])
def test_a_cell_of_lines_parted_by_cr_counts_as_by_lf(
    seeded: Fupin, small_tables: None, line_end: str
) -> None:
    sql = f"SELECT replace('a,b,c,d,e,f,g,h,i,j,k,l,m', ',', {line_end}) AS lines"

    result = seeded.runner.invoke(app, ["query", sql])

    assert_refused(result, "format", "shows at most 12 cells")
    assert result.stdout == ""


@pytest.mark.parametrize("option", ["--as-of 2018-01-01", "--known-at now"])
def test_query_refuses_a_time_naming_the_reports(seeded: Fupin, option: str) -> None:
    result = seeded(f'query "select 1" {option}', "jn-01")

    assert_refused(
        result,
        option.split(maxsplit=1)[0].removeprefix("--"),
        "fupin query reads the read models as they are now, and takes no --as-of or "
        "--known-at: the reports take both",
    )
    assert result.stdout == ""


def test_query_help_says_it_reads_the_read_models_now(seeded: Fupin) -> None:
    said = " ".join(seeded.ok("query --help").stdout.split())

    assert "as they are now: no --as-of or --known-at (the reports take both)" in said
    assert "Options go before a `--` that ends them" in said


def test_options_before_the_double_dash(seeded: Fupin) -> None:
    result = seeded.runner.invoke(app, ["query", "--format", "csv", "--", "select 1 as x"])

    assert result.exit_code == 0, result.output
    assert result.stdout == "x\n1\n"
