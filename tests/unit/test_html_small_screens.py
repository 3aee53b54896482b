"""The HTML report on a phone or a tablet (tester X, session 26, MEDIUM 3: no table scrolled
on its own, so the page became 977 px wide and the verdict columns fell off the screen;
dossier cards were at least 400 px; the browser test measures the page drawn at 500 px)."""

from __future__ import annotations

import re

from projections.html_findings import _cell
from projections.html_parts import CSS, table, td


def test_a_table_scrolls_sideways_in_a_box_of_its_own() -> None:
    html = table(("year", "rule met"), [[td(2016), td(True)]])

    assert html.startswith(
        '<div class="scroll" tabindex="0" role="region" aria-label="year"><table>'
    )
    assert html.endswith("</table></div>")
    assert re.search(r"\.scroll\{overflow-x:auto[;}]", CSS)


def test_a_dossier_card_fits_a_phone() -> None:
    least = re.search(r"\.dossiers\{[^}]*minmax\(([^,]+,)?\s*min\(100%,(\d+)px\)", CSS)

    assert least, "dossier cards keep a fixed minimum width"
    assert int(least.group(2)) <= 300


def test_a_chart_keeps_its_labels_readable_and_scrolls_in_its_panel() -> None:
    assert re.search(r"svg\.chart\{[^}]*min-width:(\d+)px", CSS)
    assert re.search(r"\.panel\{[^}]*overflow-x:auto", CSS)


def test_a_free_text_column_keeps_a_readable_width_on_a_phone() -> None:
    # Tester Z, session 26, L3: on a 375 px phone an exit fault's detail, an amendment's reason
    # and document shrank to one word a line, ~30 px wide, and "⚠ yes" broke over two lines.
    fault = {"household": "LL-000050", "detail": "exit approved before the notice ran its days"}
    amendment = {"document": "更正〔2026〕5号", "reason": "标记错误", "changes_closed_years": True}

    detail = _cell("exit_faults", "detail", fault)
    reason = _cell("key_target_amendments", "reason", amendment)
    document = _cell("key_target_amendments", "document", amendment)
    closed = _cell("key_target_amendments", "changes_closed_years", amendment)

    assert detail == '<td class="text">exit approved before the notice ran its days</td>'
    assert reason == '<td class="text">标记错误</td>'
    assert document == '<td class="text">更正〔2026〕5号</td>'
    assert closed == '<td class="bad">⚠ yes</td>'
    least = re.search(r"td\.text\{min-width:(\d+)em\}", CSS)
    assert least
    assert int(least.group(1)) >= 12
    assert "td.ok,td.bad{white-space:nowrap}" in CSS
