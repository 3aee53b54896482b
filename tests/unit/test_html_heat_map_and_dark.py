"""The visit heat map read without hovering, and the page in a dark colour scheme (tester X,
session 26, LOW 5: the counts were in a hover title only, which phones and paper cannot show;
no prefers-color-scheme rule)."""

from __future__ import annotations

import re

from projections.html_parts import CSS
from projections.html_report import _exits_section, _visits_section


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


def test_the_plan_target_swatch_turns_light_with_the_target_line_on_a_dark_screen() -> None:
    # Tester Z, session 26, L1: the swatch kept an inline near-black background, which no
    # style sheet rule overrides, while the target line it stands for turned white.
    plan = [{"street": "江南", "year": 2016, "exits": 3, "target": 4}]

    html = _exits_section(plan, "2:3:5")
    dark = CSS.split("@media screen and (prefers-color-scheme:dark){")[1].split("}}")[0]

    assert '<i class="target"></i>plan target' in html
    assert "background:#111827" not in html
    assert ".legend i.target{background:#f9fafb}" in dark
    assert "svg .target{stroke:#f9fafb}" in dark
