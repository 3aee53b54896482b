"""A tiny hand-written SVG renderer for the HTML report's charts: bars (grouped, stacked,
with plan ticks) and a heat map.

Why not a charting library: the report must be one self-contained file that opens without a
network. Embedding a 300 KB library for five kinds of chart would dwarf the data; these few
functions write plain inline SVG, print well, and need no JavaScript at all.

Every mark is an element with class ``mark`` and ``data-figure`` / ``data-value`` attributes
naming the figure it shows, so a test (or an auditor's script) can read the figures back from
the page and compare them with the JSON reports.

Every chart is followed by its text equivalent (since session 27, WCAG 1.1.1): a sentence of
its figures, hidden on screen, that the svg names with ``aria-describedby`` (``described``), and
a table of the figures it draws, in a ``<details>`` the svg names with ``aria-details``
(``role="img"`` hides the marks' own titles from a screen reader). The table is written from
the same segments and cells as the marks, so the two cannot disagree; each figure's cell
carries ``data-of`` (the mark's ``data-figure``) and ``data-value``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from projections.html_parts import english, heading

__all__ = [
    "Cell",
    "Column",
    "Segment",
    "bar_chart",
    "contrast",
    "heat_map",
    "nice_ceiling",
    "shade",
]

WIDTH, HEIGHT = 620, 270
LEFT, RIGHT, TOP, BOTTOM = 78, 12, 14, 58


@dataclass(frozen=True)
class Segment:
    """One stacked piece of a bar: which series it belongs to, its value, its figure name."""

    series: str
    value: int
    figure: str


@dataclass(frozen=True)
class Column:
    """One bar of a category: its stacked segments and an optional plan tick (target)."""

    segments: tuple[Segment, ...]
    target: int | None = None
    target_figure: str = ""

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)


@dataclass(frozen=True)
class Cell:
    """One heat-map cell: ``share`` in 0..1 colours it (None: nothing was due)."""

    row: str
    column: str
    label: str
    share: float | None
    figure: str
    value: int
    extra: dict[str, str] = field(default_factory=dict)
    #: A second line written in the cell (the counts), read without hovering.
    counts: str = ""


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2, 2.5, 3, 4, 5, 6 or 8 × 10ⁿ at or above ``value`` (at least 1): a round
    axis top that leaves little of the plot empty."""
    step = 1
    while True:
        for tenths in (10, 20, 25, 30, 40, 50, 60, 80, 100):  # integers: money axes stay exact
            if value * 10 <= step * tenths:
                return max(step * tenths // 10, 1)
        step *= 10


def bar_chart(
    title: str,
    categories: Sequence[tuple[str, Sequence[Column]]],
    colours: dict[str, str],
    label: Callable[[int], str] = str,
    key: Key | None = None,
    summary: str = "",
) -> str:
    """Bars per category (side by side when a category has several columns, stacked when a
    column has several segments), y axis from zero, plan targets drawn as dark ticks. The
    category labels get the room they need (``_label_room``). ``title`` is the chart's
    accessible name (the panel's visible heading); ``key`` names the series in the figures'
    table, writes its figures exactly and gives a series a pattern over its colour; ``summary``
    its figures in a sentence, the chart's description (``described``)."""
    key = key or Key()
    ident = chart_id(title)
    top = nice_ceiling(
        max(
            [c.total for _, cols in categories for c in cols]
            + [c.target or 0 for _, cols in categories for c in cols]
            + [1]
        )
    )
    left, bottom, slanted = _label_room([name for name, _ in categories])
    plot_w, plot_h = WIDTH - left - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(categories), 1)
    parts = [_patterns(ident, key.patterns), _axes(top, plot_w, plot_h, label, left)]
    for index, (name, columns) in enumerate(categories):
        x0 = left + index * slot
        bar_w = slot * 0.8 / max(len(columns), 1)
        for number, column in enumerate(columns):
            x = x0 + slot * 0.1 + number * bar_w
            draw = _Draw(colours, label, key.patterns, ident)
            parts.append(_column(column, x, bar_w * 0.92, top, plot_h, draw))
        parts.append(_x_label(name, x0 + slot / 2, slanted))
    svg = _svg(title, parts, height=TOP + plot_h + bottom, ident=ident)
    return (
        svg
        + described(ident, summary)
        + _bar_table(title, ident, categories, key, key.exact or label)
    )


@dataclass(frozen=True)
class Key:
    """How a bar chart's series are named and told apart beyond colour: ``names`` a series'
    Chinese name in its table heading, ``exact`` the figures' text in the table (yuan where
    the axis rounds to 万), ``patterns`` a series' pattern over its colour (``PATTERNS``)."""

    names: dict[str, str] = field(default_factory=dict)
    exact: Callable[[int], str] | None = None
    patterns: dict[str, str] = field(default_factory=dict)
    #: The heading over the categories' column of the table.
    corner: str = "category 类别"
    #: A series' English in its table heading where not its name (``registered, not paired``).
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Draw:
    colours: dict[str, str]
    label: Callable[[int], str]
    patterns: dict[str, str]
    ident: str


def chart_id(title: str) -> str:
    """The chart's element id, from its title (unique on the page, as the titles are)."""
    return "chart-" + re.sub(r"\W+", "-", title).strip("-")


#: A series' second cue besides its colour (since session 27, WCAG 1.4.1: paired and returned
#: printed the same grey): white strokes drawn over the colour, 6 px a repeat.
PATTERNS = {
    "hatch": '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2.2"/>',
    "dots": '<circle cx="3" cy="3" r="1.2" fill="#fff"/>',
    "cross": (
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="1.4"/>'
        '<line x1="0" y1="0" x2="6" y2="0" stroke="#fff" stroke-width="1.4"/>'
    ),
}


def _patterns(ident: str, patterns: dict[str, str]) -> str:
    kinds = sorted(set(patterns.values()))
    if not kinds:
        return ""
    defs = "".join(
        f'<pattern id="{ident}-{kind}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)">{PATTERNS[kind]}</pattern>'
        for kind in kinds
    )
    return f"<defs>{defs}</defs>"


def _bar_table(
    title: str,
    ident: str,
    categories: Sequence[tuple[str, Sequence[Column]]],
    key: Key,
    text: Callable[[int], str],
) -> str:
    """The figures a bar chart draws, a row a category, a column a series (and the plan)."""
    series = list(
        dict.fromkeys(s.series for _, cols in categories for c in cols for s in c.segments)
    )
    targeted = any(c.target is not None for _, cols in categories for c in cols)
    heads = [f"{key.labels.get(s, s)} {key.names.get(s, '')}".strip() for s in series] + (
        ["plan 计划"] if targeted else []
    )
    rows = []
    for name, columns in categories:
        found = {s.series: s for c in columns for s in c.segments}
        cells = [
            _figure_td(found[s].figure, found[s].value, text) if s in found else "<td></td>"
            for s in series
        ]
        if targeted:
            planned = next((c for c in columns if c.target is not None), None)
            cells.append(
                _figure_td(planned.target_figure, planned.target or 0, text)
                if planned
                else "<td></td>"
            )
        rows.append(f'<tr><th scope="row">{escape(name)}</th>{"".join(cells)}</tr>')
    return _data_table(title, ident, [key.corner, *heads], rows)


def _figure_td(figure: str, value: int, text: Callable[[int], str]) -> str:
    return (
        f'<td class="num" data-of="{escape(figure)}" data-value="{value}">'
        f"{escape(text(value))}</td>"
    )


def _data_table(title: str, ident: str, heads: Sequence[str], rows: Sequence[str]) -> str:
    """A chart's figures as a table in a folded ``<details>`` (the svg's description)."""
    head = "".join(heading("th", h) for h in heads)
    return (
        '<details class="chart-data"><summary>图表数据 <span lang="en">figures</span></summary>'
        f'<div class="scroll" tabindex="0" role="region" aria-label="{escape(title)} figures">'
        f'<table id="{ident}-data">{heading("caption", title)}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></details>"
    )


#: The tick labels' font size, and how far below the plot a category label's baseline sits.
TICK_PX, LABEL_DROP = 11, 16
COS, SIN = 0.819, 0.574  # of the 35° a slanted label is turned by


def text_width(text: str) -> float:
    """A generous estimate of ``text``'s width in px at TICK_PX: a CJK character is a square,
    a Latin one about 0.6 of it (no font metrics without a browser)."""
    return sum(TICK_PX if ord(ch) > 0x2E80 else TICK_PX * 0.62 for ch in text)


def _label_room(names: Sequence[str]) -> tuple[float, float, bool]:
    """The left margin and the room under the plot the category labels need, and whether they
    are slanted: when there are more than 8 or one is wider than its slot. A slanted label ends
    under its bar and reaches up-left, so the first needs room on the left and the longest
    below (since session 26, tester X: '2016 市扶贫基金' read '016 市扶贫基金' and
    'entrepreneurship' 'trepreneurship', cut at the chart's edge)."""
    count = max(len(names), 1)
    widest = max((text_width(n) for n in names), default=0.0)
    slanted = count > 8 or widest > (WIDTH - LEFT - RIGHT) / count * 0.95
    if not slanted:
        return LEFT, BOTTOM, False
    first = text_width(names[0]) * COS + 4 if names else 0.0
    # first label's end: left + slot / 2, slot = (WIDTH - left - RIGHT) / count
    half = 1 / (2 * count)
    left = max(LEFT, (first - (WIDTH - RIGHT) * half) / (1 - half))
    bottom = max(BOTTOM, LABEL_DROP + widest * SIN + TICK_PX + 4)
    return left, bottom, True


def _axes(
    top: int, plot_w: float, plot_h: float, label: Callable[[int], str], left: float = LEFT
) -> str:
    # Grid lines at whole numbers (since session 27, re-tester J: a top of 250 households drew
    # lines at 62.5 and 187.5 labelled 62 and 187): four parts if they are whole, else five …
    parts = next(d for d in (4, 5, 3, 2, 1) if top % d == 0)
    lines = []
    for tick in range(parts + 1):
        value = top * tick // parts
        y = TOP + plot_h - plot_h * tick / parts
        lines.append(
            f'<line class="grid" x1="{left:.1f}" x2="{left + plot_w:.1f}" y1="{y:.1f}" '
            f'y2="{y:.1f}"/><text class="tick" x="{left - 6:.1f}" y="{y + 4:.1f}" '
            f'text-anchor="end">'
            f"{escape(label(value))}</text>"
        )
    return "".join(lines)


def _column(column: Column, x: float, width: float, top: int, plot_h: float, draw: _Draw) -> str:
    parts = []
    base = TOP + plot_h
    for segment in column.segments:
        height = plot_h * segment.value / top
        base -= height
        box = f'x="{x:.1f}" y="{base:.1f}" width="{width:.1f}" height="{height:.1f}"'
        parts.append(
            f'<rect class="mark" {box} fill="{draw.colours.get(segment.series, "#888")}" '
            f"{_data(segment.figure, segment.value)}>"
            f"<title>{escape(segment.series)}: {escape(draw.label(segment.value))}</title></rect>"
        )
        pattern = draw.patterns.get(segment.series)
        if pattern and segment.value:
            parts.append(
                f'<rect class="pattern" {box} fill="url(#{draw.ident}-{pattern})" '
                f'data-series="{escape(segment.series)}"/>'
            )
    if column.target is not None:
        y = TOP + plot_h - plot_h * column.target / top
        parts.append(
            f'<line class="mark target" x1="{x - 3:.1f}" x2="{x + width + 3:.1f}" '
            f'y1="{y:.1f}" y2="{y:.1f}" {_data(column.target_figure, column.target)}>'
            f"<title>plan 计划: {escape(draw.label(column.target))}</title></line>"
        )
    return "".join(parts)


def _x_label(name: str, x: float, slanted: bool) -> str:
    y = HEIGHT - BOTTOM + LABEL_DROP
    if slanted:  # many categories or long names: slant the labels so they do not overlap
        return (
            f'<text class="tick" x="{x:.1f}" y="{y}" text-anchor="end" '
            f'transform="rotate(-35 {x:.1f} {y})">{escape(name)}</text>'
        )
    return f'<text class="tick" x="{x:.1f}" y="{y}" text-anchor="middle">{escape(name)}</text>'


def heat_map(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Cell],
    corner: str = "row",
    summary: str = "",
) -> str:
    """A rows × columns grid; each cell coloured from red (share 0) to green (share 1), then
    its ``summary`` (``described``) and its figures' table (each cell's ``label``)."""
    ident = chart_id(title)
    width = max(WIDTH, LEFT + 56 * len(columns) + RIGHT)
    cell_w = (width - LEFT - RIGHT) / max(len(columns), 1)
    cell_h = 40
    height = TOP + cell_h * len(rows) + 40
    where = {(c.row, c.column): c for c in cells}
    parts = []
    for r, row in enumerate(rows):
        y = TOP + r * cell_h
        parts.append(
            f'<text class="tick" x="{LEFT - 8}" y="{y + cell_h / 2 + 5:.1f}" '
            f'text-anchor="end">{escape(row)}</text>'
        )
        for c, column in enumerate(columns):
            cell = where.get((row, column))
            if cell is not None:
                parts.append(_cell(cell, LEFT + c * cell_w, y, cell_w, cell_h))
    for c, column in enumerate(columns):
        x = LEFT + (c + 0.5) * cell_w
        y = TOP + cell_h * len(rows) + 18
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{y}" text-anchor="middle">{escape(column)}</text>'
        )
    svg = _svg(title, parts, width, height, ident)
    lines = [
        f'<tr><th scope="row">{escape(row)}</th>'
        + "".join(_cell_td(where.get((row, column))) for column in columns)
        + "</tr>"
        for row in rows
    ]
    return svg + described(ident, summary) + _data_table(title, ident, [corner, *columns], lines)


def _cell_td(cell: Cell | None) -> str:
    if cell is None:
        return "<td></td>"
    extra = "".join(f' data-{k}="{escape(v)}"' for k, v in cell.extra.items())
    return (
        f'<td class="num" data-of="{escape(cell.figure)}" data-value="{cell.value}"{extra}>'
        f"{escape(cell.label)}</td>"
    )


def _cell(cell: Cell, x: float, y: float, w: float, h: float) -> str:
    extra = "".join(f' data-{k}="{escape(v)}"' for k, v in cell.extra.items())
    return (
        f'<rect class="mark cell" x="{x + 1:.1f}" y="{y + 1:.1f}" width="{w - 2:.1f}" '
        f'height="{h - 2:.1f}" fill="{shade(cell.share)}" '
        f"{_data(cell.figure, cell.value)}{extra}><title>{escape(cell.label)}</title></rect>"
        f'<text class="cell-label" x="{x + w / 2:.1f}" '
        f'y="{y + h / 2 + (-2 if cell.counts else 4):.1f}" '
        f'text-anchor="middle">{escape(cell.label.split(" ")[0])}</text>'
        + (
            f'<text class="cell-counts" x="{x + w / 2:.1f}" y="{y + h / 2 + 11:.1f}" '
            f'text-anchor="middle">{escape(cell.counts)}</text>'
            if cell.counts
            else ""
        )
    )


#: The heat map's ends and middle. Its labels are dark (``LABEL``, svg .cell-label in the
#: page's CSS) on every fill: the red end is light enough for 4.5:1 (since session 27, WCAG
#: 1.4.3: #dc2626 gave 3.67:1 at 0 %, the cells an inspector must read).
LOW, MID, HIGH = (248, 113, 113), (245, 158, 11), (22, 163, 74)
LABEL = "#111827"


def shade(share: float | None) -> str:
    """Red → amber → green; grey when nothing was due."""
    if share is None:
        return "#e5e7eb"
    a, b, t = (LOW, MID, share * 2) if share < 0.5 else (MID, HIGH, share * 2 - 1)
    return "#" + "".join(f"{round(p + (q - p) * t):02x}" for p, q in zip(a, b, strict=True))


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, two: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    high, low = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def described(ident: str, summary: str) -> str:
    """The chart's description (``aria-describedby``): its figures in a sentence or two, made
    by the caller from the numbers it draws, in English with its Chinese terms marked, hidden
    on screen but read by a screen reader whether the figures' table is folded or not (since
    session 27, re-tester J: the description was the table, which a browser reads as its
    caption, the chart's title again, and leaves out of the tree while folded). ``hidden``: a
    description is read from the element its reference names even so, and the reading order
    does not read the figures a second time after the chart (re-tester K, session 27)."""
    return f'<p class="vh" id="{ident}-summary" lang="en" hidden>{english(summary)}</p>'


def _data(figure: str, value: int) -> str:
    return f'data-figure="{escape(figure)}" data-value="{value}"'


def _svg(
    title: str,
    parts: Sequence[str],
    width: float = WIDTH,
    height: float = HEIGHT,
    ident: str = "",
) -> str:
    width, height = math.ceil(width), math.ceil(height)
    ident = ident or chart_id(title)
    return (
        f'<svg class="chart" role="img" id="{ident}" aria-labelledby="{ident}-title" '
        f'aria-describedby="{ident}-summary" aria-details="{ident}-data" '
        f'viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(title)}</title>{"".join(parts)}</svg>'
    )
