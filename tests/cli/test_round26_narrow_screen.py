"""Session 26, tester D (terminal and locale): on an 80-column screen (PuTTY's and SecureCRT's
default, and ``TERM=dumb``, which rich takes for 80 columns) ``fupin history``, the reports and
``household show`` cut every date, recording time and document ("2016-08-…", "江南街道低保台账
…"); even at 120 columns the recording time lost its end. Now a column of values with no space
in them (dates, times, numbers, ids, documents) is as wide as its widest value, only free text
wraps, and a table whose values do not fit the screen even so is written as into a pipe, at
the width its cells need: nothing is cut."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from cli import common
from tests.cli.conftest import Fupin
from tests.support import DOC

STORE_INDEPENDENT = "the layout of a table on a screen: SQLite is enough"

DATE = re.compile(r"\d{4}-\d\d-\d\d")
RECORDED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def _screen(monkeypatch: pytest.MonkeyPatch, width: int, term: str = "xterm") -> None:
    """Tables written as on a terminal ``width`` columns wide (no colours)."""
    screen = Console(
        markup=False,
        emoji=False,
        force_terminal=True,
        color_system=None,
        width=width,
        _environ={"TERM": term},
    )
    monkeypatch.setattr(common, "console", screen)


def _cut(text: str) -> bool:
    return "…" in text


@pytest.mark.parametrize("width", [80, 100, 120])
def test_history_on_a_narrow_screen_cuts_no_date_time_or_document(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    wide = seeded.ok("history JH-0001", "admin").stdout
    _screen(monkeypatch, width)
    narrow = seeded.ok("history JH-0001", "admin").stdout

    assert not _cut(narrow), narrow
    assert DATE.findall(narrow) == DATE.findall(wide)
    assert [m.group() for m in RECORDED.finditer(narrow)] == [
        m.group() for m in RECORDED.finditer(wide)
    ]
    assert narrow.count(DOC) == wide.count(DOC) > 0


def test_a_table_that_fits_the_screen_wraps_only_its_free_text(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    _screen(monkeypatch, 150)
    shown = seeded.ok("history JH-0001", "admin").stdout

    assert max(cell_len(line) for line in shown.splitlines()) <= 150
    assert RECORDED.search(shown) is not None
    assert not _cut(shown)


@pytest.mark.parametrize("term", ["xterm", "dumb"])
def test_a_report_on_an_80_column_screen_cuts_no_date_or_number(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch, term: str
) -> None:
    wide = seeded.ok("report caseload --as-of 2016-12-31").stdout
    _screen(monkeypatch, 80, term)
    narrow = seeded.ok("report caseload --as-of 2016-12-31").stdout

    assert not _cut(narrow), narrow
    assert DATE.findall(narrow) == DATE.findall(wide)
    assert re.findall(r"\d+", narrow) == re.findall(r"\d+", wide)


def test_household_show_on_an_80_column_screen_cuts_no_field(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = seeded.ok("household show JH-0001", "admin").stdout
    _screen(monkeypatch, 80)
    narrow = seeded.ok("household show JH-0001", "admin").stdout

    assert not _cut(narrow), narrow
    assert DATE.findall(narrow) == DATE.findall(wide)
    # The facts fit the screen; the report's line of figures does not, and is written whole.
    facts = [line for line in narrow.splitlines() if "registered_on" in line]
    assert facts
    assert all(cell_len(line) <= 80 for line in facts)
    assert DATE.search(narrow.split("facts")[0]) is not None
