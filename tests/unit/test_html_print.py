"""The HTML report printed (tester X, session 26, MEDIUM 2: a section of more than OPEN_ROWS
rows starts as a closed <details>, which prints closed: the 98 missed visits were absent from
the PDF while the dossiers printed, and cards and tables broke across pages)."""

from __future__ import annotations

import re
from typing import Any

from projections.accountability import COLUMNS
from projections.html_findings import OPEN_ROWS, SECTION_NAMES, accountability_section
from projections.html_parts import CSS


def _missed(count: int) -> dict[str, Any]:
    rows = [
        dict.fromkeys(COLUMNS["missed_visits"], "x") | {"household": f"JN-{n:06}"}
        for n in range(count)
    ]
    return {"plan": [], **{key: [] for key in SECTION_NAMES}, "missed_visits": rows}


def _print_css() -> str:
    found = re.search(r"@media print\{(.*)\}", CSS, re.S)
    assert found, "no @media print rules"
    return found.group(1)


def test_a_folded_section_prints_its_rows() -> None:
    html = accountability_section(_missed(OPEN_ROWS + 1), "3:3:4")

    folded = html.index('<details class="screen-only">')
    printed = html[html.index('<section class="print-only">') :]
    assert folded < html.index('<section class="print-only">')
    assert printed.count("<tr><td") >= OPEN_ROWS + 1
    assert f"JN-{OPEN_ROWS:06}" in printed
    assert ".print-only{display:none}" in CSS
    assert ".screen-only{display:none}" in _print_css()
    assert ".print-only{display:block}" in _print_css()


def test_a_short_section_is_open_and_written_once() -> None:
    html = accountability_section(_missed(OPEN_ROWS), "3:3:4")

    assert "print-only" not in html
    assert html.count(f"JN-{OPEN_ROWS - 1:06}") == 2  # its link's href and its text


def test_cards_rows_and_charts_do_not_break_across_pages() -> None:
    rules = _print_css()

    avoided = re.search(r"([^{}]*)\{break-inside:avoid\}", rules)
    assert avoided
    selectors = {s.strip() for s in avoided.group(1).split(",")}
    assert {".dossier", ".panel", "tr", "svg.chart"} <= selectors
    assert "thead{display:table-header-group}" in rules
