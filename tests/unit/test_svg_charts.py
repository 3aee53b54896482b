"""The hand-written SVG charts of the HTML report: marks carry their figures."""

from __future__ import annotations

import re

from projections.svg import Cell, Column, Segment, bar_chart, heat_map, nice_ceiling


def test_an_axis_top_is_the_next_round_number() -> None:
    assert [nice_ceiling(v) for v in (0, 7, 24, 260, 1_200_000_000)] == [
        1,
        8,
        25,
        300,
        2_000_000_000,
    ]


def test_each_segment_and_target_is_a_mark_carrying_its_figure() -> None:
    column = Column(
        (Segment("exits", 12, "exits-2016-江南"), Segment("late", 3, "late-2016-江南")),
        target=14,
        target_figure="target-2016-江南",
    )

    svg = bar_chart("exits", [("江南 2016", [column])], {"exits": "#16a34a"})

    figures = dict(
        re.findall(r'class="mark[^"]*"[^>]*data-figure="([^"]+)" data-value="(\d+)"', svg)
    )
    assert figures == {"exits-2016-江南": "12", "late-2016-江南": "3", "target-2016-江南": "14"}
    assert svg.startswith('<svg class="chart"')
    assert "江南 2016" in svg


def test_a_taller_bar_is_drawn_taller() -> None:
    svg = bar_chart(
        "two",
        [("a", [Column((Segment("s", 10, "a"),))]), ("b", [Column((Segment("s", 30, "b"),))])],
        {},
    )

    heights = [float(h) for h in re.findall(r'class="mark"[^>]*height="([\d.]+)"', svg)]
    assert heights[1] == 3 * heights[0] > 0


def test_a_heat_map_cell_with_nothing_due_is_grey_and_a_full_one_green() -> None:
    cells = [
        Cell("江南", "2016Q3", "–", None, "visits-江南-2016Q3", 0),
        Cell("江南", "2016Q4", "100%", 1.0, "visits-江南-2016Q4", 0),
    ]

    svg = heat_map("visits", ["江南"], ["2016Q3", "2016Q4"], cells)

    fills = re.findall(r'class="mark cell"[^>]*fill="(#[0-9a-f]{6})"', svg)
    assert fills == ["#e5e7eb", "#16a34a"]


def _bars(*names: str) -> str:
    return bar_chart("t", [(n, [Column((Segment("s", 1, n),))]) for n in names], {})


def test_a_slanted_first_label_gets_room_on_the_left_and_the_longest_below() -> None:
    # Tester X, session 26, LOW 4: '2016 市扶贫基金' read '016 市扶贫基金' at the chart's edge.
    names = [f"{2016 + n // 4} 市扶贫基金{n}" for n in range(12)]

    svg = _bars(*names)

    first = re.search(
        r'<text class="tick" x="([\d.]+)" y="([\d.]+)" text-anchor="end" '
        r'transform="rotate',
        svg,
    )
    height = int(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))  # type: ignore[union-attr]
    assert first
    x, y = float(first.group(1)), float(first.group(2))
    widest = 5 * 6.8 + 6 * 11  # '2016 ' and six CJK-wide characters, generously
    assert x - widest * 0.819 >= 0
    assert y + widest * 0.574 <= height


def test_labels_wider_than_their_slots_are_slanted_not_overlapping() -> None:
    svg = _bars("entrepreneurship", "infrastructure", "education", "healthcare", "housing")

    assert svg.count('transform="rotate(-35') == 5
