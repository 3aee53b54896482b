"""A tiny hand-written SVG renderer for the HTML report's charts: bars (grouped, stacked,
with plan ticks) and a heat map.

Why not a charting library: the report must be one self-contained file that opens without a
network. Embedding a 300 KB library for five kinds of chart would dwarf the data; these few
functions write plain inline SVG, print well, and need no JavaScript at all.

Every mark is an element with class ``mark`` and ``data-figure`` / ``data-value`` attributes
naming the figure it shows, so a test (or an auditor's script) can read the figures back from
the page and compare them with the JSON reports.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

__all__ = ["Cell", "Column", "Segment", "bar_chart", "heat_map", "nice_ceiling"]

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
) -> str:
    """Bars per category (side by side when a category has several columns, stacked when a
    column has several segments), y axis from zero, plan targets drawn as dark ticks. The
    category labels get the room they need (``_label_room``)."""
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
    parts = [_axes(top, plot_w, plot_h, label, left)]
    for index, (name, columns) in enumerate(categories):
        x0 = left + index * slot
        bar_w = slot * 0.8 / max(len(columns), 1)
        for number, column in enumerate(columns):
            x = x0 + slot * 0.1 + number * bar_w
            parts.append(_column(column, x, bar_w * 0.92, top, plot_h, colours, label))
        parts.append(_x_label(name, x0 + slot / 2, slanted))
    return _svg(title, parts, height=TOP + plot_h + bottom)


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
    lines = []
    for tick in range(5):
        value = top * tick // 4
        y = TOP + plot_h - plot_h * tick / 4
        lines.append(
            f'<line class="grid" x1="{left:.1f}" x2="{left + plot_w:.1f}" y1="{y:.1f}" '
            f'y2="{y:.1f}"/><text class="tick" x="{left - 6:.1f}" y="{y + 4:.1f}" '
            f'text-anchor="end">'
            f"{escape(label(value))}</text>"
        )
    return "".join(lines)


def _column(
    column: Column,
    x: float,
    width: float,
    top: int,
    plot_h: float,
    colours: dict[str, str],
    label: Callable[[int], str],
) -> str:
    parts = []
    base = TOP + plot_h
    for segment in column.segments:
        height = plot_h * segment.value / top
        base -= height
        parts.append(
            f'<rect class="mark" x="{x:.1f}" y="{base:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" fill="{colours.get(segment.series, "#888")}" '
            f"{_data(segment.figure, segment.value)}>"
            f"<title>{escape(segment.series)}: {escape(label(segment.value))}</title></rect>"
        )
    if column.target is not None:
        y = TOP + plot_h - plot_h * column.target / top
        parts.append(
            f'<line class="mark target" x1="{x - 3:.1f}" x2="{x + width + 3:.1f}" '
            f'y1="{y:.1f}" y2="{y:.1f}" {_data(column.target_figure, column.target)}>'
            f"<title>plan 计划: {escape(label(column.target))}</title></line>"
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


def heat_map(title: str, rows: Sequence[str], columns: Sequence[str], cells: Sequence[Cell]) -> str:
    """A rows × columns grid; each cell coloured from red (share 0) to green (share 1)."""
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
    return _svg(title, parts, width, height)


def _cell(cell: Cell, x: float, y: float, w: float, h: float) -> str:
    extra = "".join(f' data-{k}="{escape(v)}"' for k, v in cell.extra.items())
    return (
        f'<rect class="mark cell" x="{x + 1:.1f}" y="{y + 1:.1f}" width="{w - 2:.1f}" '
        f'height="{h - 2:.1f}" fill="{_shade(cell.share)}" '
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


def _shade(share: float | None) -> str:
    """Red → amber → green; grey when nothing was due."""
    if share is None:
        return "#e5e7eb"
    low, mid, high = (220, 38, 38), (245, 158, 11), (22, 163, 74)
    a, b, t = (low, mid, share * 2) if share < 0.5 else (mid, high, share * 2 - 1)
    return "#" + "".join(f"{round(p + (q - p) * t):02x}" for p, q in zip(a, b, strict=True))


def _data(figure: str, value: int) -> str:
    return f'data-figure="{escape(figure)}" data-value="{value}"'


def _svg(title: str, parts: Sequence[str], width: float = WIDTH, height: float = HEIGHT) -> str:
    width, height = math.ceil(width), math.ceil(height)
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
