"""The HTML report printed (tester X, session 26, MEDIUM 2: a section of more than OPEN_ROWS
rows starts as a closed <details>, which prints closed: the 98 missed visits were absent from
the PDF while the dossiers printed, and cards and tables broke across pages)."""

from __future__ import annotations

import re
from typing import Any

from projections.accountability import COLUMNS
from projections.html_findings import OPEN_ROWS, SECTION_NAMES, accountability_section
from projections.html_parts import CSS
from projections.restated import RESTATED_BY_COLUMNS, restated_text


def _missed(count: int) -> dict[str, Any]:
    rows = [
        dict.fromkeys(COLUMNS["missed_visits"], "x") | {"household": f"JN-{n:06}"}
        for n in range(count)
    ]
    return {
        "plan": [],
        "district_plan": [],
        **{key: [] for key in SECTION_NAMES},
        "missed_visits": rows,
    }


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


def test_a_wide_table_wraps_its_cells_to_the_page_width_in_print() -> None:
    # Re-test T2, session 26: the restated years' 18 columns ran past the page and every
    # column from cumulative_target_after on (due_talk, restated_by, the note) never printed.
    printed = CSS[CSS.index("@media print") :]
    assert "table{width:100%;table-layout:auto}" in printed
    assert "th,td{white-space:normal;overflow-wrap:anywhere}" in printed
    assert "td.text{min-width:0}" in printed


def test_an_entrys_own_line_breaks_make_no_line_of_restated_by() -> None:
    # Re-test T2, session 26: a reason typed over two lines showed as a second, forged entry
    # credited to another officer.
    entry: dict[str, Any] = dict.fromkeys(RESTATED_BY_COLUMNS)
    entry.update(
        event="Corrected",
        record="LL-000001",
        actor="qu-01",
        reason="批复有误\nevent Corrected; record LL-000006; actor insp-1",
    )

    said = restated_text([entry])

    assert said.count("\n") == 0
    assert "reason 批复有误 ⏎ event Corrected; record LL-000006; actor insp-1" in said


def test_a_cell_of_lines_wraps_in_an_exported_workbook() -> None:
    # Re-test T2, session 26: restated_by's entries, a line each, showed on one line in Excel.
    import io

    from cli.exporting import write_xlsx
    from openpyxl import load_workbook

    report = {"report": "accountability", "restated_years": [{"restated_by": "a\nb"}]}
    buffer = io.BytesIO()
    write_xlsx(report, buffer)

    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["restated_years"]
    assert sheet["A2"].value == "a\nb"
    assert sheet["A2"].alignment.wrap_text
