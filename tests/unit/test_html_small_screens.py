"""The HTML report on a phone or a tablet (tester X, session 26, MEDIUM 3: no table scrolled
on its own, so the page became 977 px wide and the verdict columns fell off the screen;
dossier cards were at least 400 px; the browser test measures the page drawn at 500 px)."""

from __future__ import annotations

import re

from projections.html_parts import CSS, table, td


def test_a_table_scrolls_sideways_in_a_box_of_its_own() -> None:
    html = table(("year", "rule met"), [[td(2016), td(True)]])

    assert html.startswith('<div class="scroll"><table>')
    assert html.endswith("</table></div>")
    assert re.search(r"\.scroll\{overflow-x:auto[;}]", CSS)


def test_a_dossier_card_fits_a_phone() -> None:
    least = re.search(r"\.dossiers\{[^}]*minmax\(([^,]+,)?\s*min\(100%,(\d+)px\)", CSS)

    assert least, "dossier cards keep a fixed minimum width"
    assert int(least.group(2)) <= 300


def test_a_chart_keeps_its_labels_readable_and_scrolls_in_its_panel() -> None:
    assert re.search(r"svg\.chart\{[^}]*min-width:(\d+)px", CSS)
    assert re.search(r"\.panel\{[^}]*overflow-x:auto", CSS)
