"""The visit heat map read without hovering, and the page in a dark colour scheme (tester X,
session 26, LOW 5: the counts were in a hover title only, which phones and paper cannot show;
no prefers-color-scheme rule)."""

from __future__ import annotations

import re

from projections.html_parts import CSS
from projections.html_report import _visits_section


def test_each_heat_map_cell_writes_its_visits_made_and_owed() -> None:
    coverage = [
        {"street": "江南", "quarter": "2017Q1", "owed": 30, "missed": 3},
        {"street": "江南", "quarter": "2017Q2", "owed": 0, "missed": 0},
    ]

    html = _visits_section(coverage)

    texts = re.findall(r'<text class="cell-(?:label|counts)"[^>]*>([^<]*)</text>', html)
    assert texts == ["90%", "27/30", "–"]
    assert "hover for the counts" not in html


def test_the_screen_follows_a_dark_colour_scheme_and_paper_stays_light() -> None:
    dark = re.search(r"@media screen and \(prefers-color-scheme:dark\)\{(.*?)\}\n", CSS, re.S)

    assert dark
    assert "body{background:#0f172a" in dark.group(1)
