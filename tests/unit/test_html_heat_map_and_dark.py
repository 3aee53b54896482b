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


def test_a_street_owing_no_visit_in_a_quarter_shown_gets_a_grey_cell() -> None:
    # Tester Z, session 26, L2: a street with no coverage row for a quarter another street
    # owed visits in was left blank, while the note says "grey: none owed".
    coverage = [
        {"street": "江南", "quarter": "2019Q1", "owed": 4, "missed": 4},
        {"street": "外海", "quarter": "2018Q4", "owed": 2, "missed": 0},
    ]

    html = _visits_section(coverage)

    cells = re.findall(r'<rect class="mark cell"[^>]*fill="(#[0-9a-f]{6})"[^>]*>', html)
    assert len(cells) == 4
    assert cells.count("#e5e7eb") == 2
    assert 'data-figure="visits-外海-2019Q1" data-value="0" data-owed="0"' in html
    assert 'data-figure="visits-江南-2018Q4" data-value="0" data-owed="0"' in html
    texts = re.findall(r'<text class="cell-(?:label|counts)"[^>]*>([^<]*)</text>', html)
    assert sorted(texts) == sorted(["0%", "0/4", "100%", "2/2", "–", "–"])
