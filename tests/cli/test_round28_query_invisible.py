"""Session 28, re-tester Q: ``fupin query``'s table let the C1 controls (U+0080-U+009F: U+009B
is a terminal's CSI, U+0085 NEL a line end), U+2028, U+2029 and the marks of direction (U+202E)
through to the terminal as they were, and 12,000 lines parted by NEL, U+2028 or U+2029 were laid
out where as many parted by LF were refused by the 10,000-cell bound. The table now shows each
as its escape (``\\u009b``, as fupin writes a character its terminal cannot show), counts every
line end ``str.splitlines`` knows, and CSV keeps every character."""

from __future__ import annotations

import pytest
from cli.main import app

from cli import common
from cli import query as query_command
from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the command line's table and its bound: SQLite is enough"


@pytest.mark.parametrize(
    "code", [0x9B, 0x85, 0x80, 0x9F, 0x2028, 0x2029, 0x202E, 0x200F, 0x2066, 0x61C, 0xFEFF]
)
def test_an_invisible_or_c1_character_is_shown_as_its_escape(seeded: Fupin, code: int) -> None:
    shown = seeded.ok(f"query \"select 'i'||char({code})||'[31mj' as c\"", "jn-01").stdout

    assert chr(code) not in shown
    assert f"i\\u{code:04x}[31mj" in shown


def test_csv_keeps_them(seeded: Fupin) -> None:
    shown = seeded.ok("query \"select 'a'||char(155)||'b'||char(8238) as c\" --format csv", "jn-01")

    assert "a\x9bb\u202e" in shown.stdout


@pytest.fixture
def small_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables of at most 12 cells."""
    monkeypatch.setattr(common, "MAX_TABLE_CELLS", 12)
    monkeypatch.setattr(query_command, "MAX_TABLE_CELLS", 12)


@pytest.mark.parametrize("line_end", [0x85, 0x2028, 0x2029, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E])
def test_a_cell_of_lines_parted_by_any_line_end_counts_as_by_lf(
    seeded: Fupin, small_tables: None, line_end: int
) -> None:
    sql = f"SELECT replace('a,b,c,d,e,f,g,h,i,j,k,l,m', ',', char({line_end})) AS lines"

    result = seeded.runner.invoke(app, ["query", sql])

    assert_refused(result, "format", "shows at most 12 cells")
    assert result.stdout == ""


def test_a_tab_is_shown_as_its_picture_not_as_a_line_break(seeded: Fupin) -> None:
    """Re-tester S, session 28: a tab, shown as blank space, wrapped the column, so
    ``'a'||char(9)||'b'`` read as two lines, as a line feed does."""
    sql = "select 'a'||char(9)||'b' as t"

    table = seeded.ok(f'query "{sql}"', "ana-1").stdout

    assert "a␉b" in table
    assert "\t" not in table
    assert "a\tb" in seeded.ok(f'query --format csv "{sql}"', "ana-1").stdout


@pytest.mark.parametrize("code", [0x200B, 0x200C, 0x200D, 0x2060, 0xAD, 0x180E, 0xFFF9, 0x3164])
def test_a_zero_width_or_format_character_is_shown_as_its_escape(seeded: Fupin, code: int) -> None:
    """Re-tester Z, session 28: ``'jn-0'||char(8203)||'1'`` looked like ``jn-01`` in the table;
    the ledger itself counts these characters as invisible (``ledger.typed``)."""
    shown = seeded.ok(f"query \"select 'jn-0'||char({code})||'1' as c\"", "ana-1").stdout

    assert f"jn-0\\u{code:04x}1" in shown
    assert chr(code) not in shown
