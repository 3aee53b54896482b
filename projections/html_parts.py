"""Pieces of the HTML report's page: its style sheet, money formats, figures carrying
``data-figure`` / ``data-value``, legends, panels and tables (``projections.html_report``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any

from ledger.values import format_yuan

__all__ = [
    "CSS",
    "FAULT",
    "GOOD",
    "NEUTRAL",
    "bilingual",
    "english",
    "figure",
    "heading",
    "household_td",
    "legend",
    "panel",
    "scrolls",
    "table",
    "td",
    "wan",
    "yuan",
]

#: A run of text holding no CJK character, and an English word (two lower-case letters: a
#: quarter ``2016Q1``, a household ``JN-000002`` or a figure is no word).
_LATIN_RUN = re.compile(r"[^\u2e80-\uffff]+")
_WORD = re.compile(r"[a-z]{2}")


def _english(text: str) -> bool:
    """Wholly English: a word and no CJK character."""
    return bool(_WORD.search(text)) and _LATIN_RUN.fullmatch(text) is not None


def bilingual(text: str) -> str:
    """``text`` escaped, its English words marked ``<span lang="en">`` in the zh-CN page
    (since session 27, WCAG 3.1.2: a screen reader read them with Chinese rules); a wholly
    English text is left for its element to mark (``heading``)."""
    if _english(text) or not _WORD.search(text):
        return escape(text, quote=False)
    return _LATIN_RUN.sub(_mark_run, text)


def _mark_run(run: re.Match[str]) -> str:
    text = run.group()
    core = text.strip().rstrip(" [(")
    if not _WORD.search(core):
        return escape(text, quote=False)  # text, not an attribute: "plan's" as typed
    start = text.index(core)
    before, after = (
        escape(part, quote=False) for part in (text[:start], text[start + len(core) :])
    )
    return f'{before}<span lang="en">{escape(core, quote=False)}</span>{after}'


#: A run of CJK text in English prose, with the digits, brackets and punctuation inside it,
#: and a term's closing "+" (互联网+: re-tester K, session 27, the + was read with English
#: rules after the span).
_CJK_RUN = re.compile(r"[\u2e80-\uffff](?:[\u2e80-\uffff0-9 ()（）:·、-]*[\u2e80-\uffff)）])?\+?")


def english(text: str) -> str:
    """``text``, mostly English, escaped for an element marked ``lang="en"``, each Chinese run
    in it a ``<span lang="zh-CN">`` (since session 27, WCAG 3.1.2)."""
    return _CJK_RUN.sub(
        lambda run: f'<span lang="zh-CN">{escape(run.group(), quote=False)}</span>',
        escape(text, quote=False),
    )


def heading(tag: str, text: str, attrs: str = "", inner: str = "") -> str:
    """``<tag>`` holding ``text`` (its English marked by ``bilingual``, or the element
    ``lang="en"`` when wholly English) and then ``inner`` HTML."""
    lang = ' lang="en"' if _english(text) else ""
    return f"<{tag}{attrs}{lang}>{bilingual(text)}{inner}</{tag}>"


CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",
"Microsoft YaHei","PingFang SC",sans-serif;margin:0 auto;max-width:1320px;padding:24px;
color:#1f2937;background:#f8fafc}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid
#e5e7eb;padding-bottom:4px}h3{font-size:15px;margin:12px 0 4px}
.meta{color:#6b7280;font-size:13px}.kpis{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.kpi{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 16px;min-width:150px}
.kpi b{display:block;font-size:24px}.kpi span{color:#6b7280;font-size:13px}
.grid{display:flex;flex-wrap:wrap;gap:16px}.panel{background:#fff;border:1px solid #e5e7eb;
border-radius:8px;padding:8px 12px;box-sizing:border-box;max-width:100%;min-width:0;
overflow-x:auto}svg.chart{max-width:100%;min-width:560px;height:auto;font-size:12px}
svg .grid{stroke:#e5e7eb}svg .tick{fill:#4b5563;font-size:11px}svg .target{stroke:#111827;
stroke-width:3}svg .cell-label{font-size:11px;fill:#111827}
svg .cell-counts{font-size:9px;fill:#111827}
.legend{font-size:12px;color:#374151}.legend i{display:inline-block;width:11px;height:11px;
margin:0 4px 0 10px;vertical-align:-1px}.legend i.target{background:#111827;height:3px}
table{border-collapse:collapse;font-size:12px;background:#fff;margin:4px 0}
td,th{border:1px solid #e5e7eb;padding:3px 7px;text-align:left}th{background:#f1f5f9}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.text{min-width:14em}
td.ok,td.bad{white-space:nowrap}.ok{color:#15803d}.bad{color:#b91c1c;
font-weight:bold}.dossiers{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,300px),1fr));
gap:10px}.dossier{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:6px 10px;
font-size:12px;min-width:0;overflow-wrap:anywhere}.scroll{overflow-x:auto;max-width:100%}
.dossier:target{outline:3px solid #2563eb}summary{cursor:pointer;font-weight:bold}
summary h3{display:inline;font-size:inherit;margin:0}caption{text-align:left;font-weight:bold;
padding:2px 0}caption.vh,.vh{position:absolute;width:1px;height:1px;overflow:hidden;
clip:rect(0 0 0 0);white-space:nowrap}th[scope=row]{font-weight:normal;background:none}
.chart-data summary{font-weight:normal;font-size:12px}
.legend i{print-color-adjust:exact;-webkit-print-color-adjust:exact}
:focus-visible{outline:2px solid #2563eb}
@media screen and (prefers-color-scheme:dark){body{background:#0f172a;color:#e5e7eb}
.panel,.kpi,.dossier,table{background:#1e293b;border-color:#334155}td,th{border-color:#334155}
th{background:#334155}h2{border-color:#334155}.meta,.kpi span{color:#9ca3af}
.legend{color:#d1d5db}svg .tick{fill:#cbd5e1}svg .grid{stroke:#334155}
svg .target{stroke:#f9fafb}.legend i.target{background:#f9fafb}
.ok{color:#4ade80}.bad{color:#f87171}a{color:#93c5fd}}
.print-only{display:none}@media (max-width:600px){body{padding:10px}h1{font-size:21px}}
@media print{.scroll,.panel{overflow:visible}
table{width:100%;table-layout:auto}th,td{white-space:normal;overflow-wrap:anywhere}
td.text{min-width:0}td.ok,td.bad{white-space:normal}
body{background:#fff;max-width:none;padding:0}.screen-only{display:none}
.print-only{display:block}.print-only h3{font-size:14px}
.panel,.kpi,.dossier,tr,svg.chart{break-inside:avoid}thead{display:table-header-group}
h2,h3,summary{break-after:avoid}.dossiers{display:block;columns:2;column-gap:10px}
.dossier{margin:0 0 8px}
.dossier:target{outline:none}}
"""


def wan(fen: int) -> str:
    """Fen as 万元 (10,000 yuan) with one decimal, exact integer arithmetic: 240000000 → 240万;
    nothing is 0 (since session 27: the axis's foot read 0万). Below 1万, two significant
    digits, as many decimals as that takes: 250 yuan → 0.025万, 133.32 → 0.013万 (since
    session 37, tester l: grid lines of 250, 500, 750 and 1,000 yuan read 0万, 0.1万, 0.1万,
    0.1万, and a bar of 133.32 yuan 0万)."""
    if fen == 0:
        return "0"
    sign = "-" if fen < 0 else ""
    if abs(fen) >= 1_000_000:  # 1万 and up: one decimal
        tenths = (abs(fen) * 10 + 500_000) // 1_000_000
        whole, part = divmod(tenths, 10)
        return f"{sign}{whole}万" if part == 0 else f"{sign}{whole}.{part}万"
    value = Decimal(abs(fen)).scaleb(-6)  # exact: fen to 万元
    shown = value.quantize(Decimal(1).scaleb(value.adjusted() - 1), ROUND_HALF_UP)
    return f"{sign}{format(shown.normalize(), 'f')}万"


def yuan(fen: int) -> str:
    """``-123456`` fen -> ``-¥1,234.56``."""
    return f"{'-' if fen < 0 else ''}¥{format_yuan(abs(fen), grouped=True)}"


def figure(name: str, value: int, text: str, tag: str = "b") -> str:
    return (
        f'<{tag} class="figure" data-figure="{escape(name)}" data-value="{value}">'
        f"{escape(text)}</{tag}>"
    )


#: A legend swatch's pattern, as the chart's (``projections.svg.PATTERNS``) draws it.
SWATCHES = {
    "hatch": "repeating-linear-gradient(45deg,#fff 0 1.5px,{c} 1.5px 4px)",
    "dots": "radial-gradient(circle,#fff 1px,{c} 1.4px) 0 0/4px 4px",
    "cross": (
        "repeating-linear-gradient(45deg,#fff 0 1px,transparent 1px 4px),"
        "repeating-linear-gradient(-45deg,#fff 0 1px,{c} 1px 4px)"
    ),
}


def legend(
    names: dict[str, str],
    colours: dict[str, str],
    keys: Iterable[str],
    patterns: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> str:
    """Swatches naming the series (``labels``: a series' English where not its key); a
    patterned series' swatch shows its pattern."""
    patterns, labels = patterns or {}, labels or {}
    items = "".join(
        f'<i style="background:{_swatch(colours[k], patterns.get(k))}"></i>'
        + english(f"{labels.get(k, k)} {names.get(k, '')}")
        for k in keys
    )
    return f'<div class="legend" lang="en">{items}</div>'


def _swatch(colour: str, pattern: str | None) -> str:
    return SWATCHES[pattern].format(c=colour) if pattern else colour


def panel(title: str, chart: str, legend: str = "") -> str:
    """A chart's box, headed by its title; it scrolls sideways on a narrow screen, so it can
    be reached and scrolled from the keyboard (since session 27)."""
    return f'<div class="panel"{scrolls(title)}>{heading("h3", title)}{chart}{legend}</div>'


def scrolls(name: str) -> str:
    """A scrolling box's attributes: focusable, a named region (WCAG 2.1.1, 4.1.2)."""
    return f' tabindex="0" role="region" aria-label="{escape(name)}"'


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    caption: str = "",
    row_header: bool = False,
    shown: bool = True,
) -> str:
    """A table with a ``caption`` naming it (its scrolling box too; not ``shown`` on screen
    when a heading just above says it); ``row_header``: the first cell of each row names the
    row, a ``<th scope="row">`` (since session 27)."""
    # Headings all in English: the row says so once, not each heading (the dossiers' tables).
    english = all(_english(c) for c in columns)
    lang = ' lang="en"' if english else ""
    head = "".join(f"<th>{escape(c)}</th>" if english else heading("th", c) for c in columns)
    body = "".join(
        "<tr>" + "".join(_row_header(row) if row_header else row) + "</tr>" for row in rows
    )
    hidden = "" if shown else ' class="vh"'
    named = heading("caption", caption, hidden) if caption else ""
    # In a box of its own that scrolls sideways, so a wide table leaves the page at the
    # screen's width (since session 26: on a phone the page was 977 px wide, the verdicts off).
    return (
        f'<div class="scroll"{scrolls(caption or columns[0])}><table>{named}'
        f"<thead><tr{lang}>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def _row_header(row: Sequence[str]) -> list[str]:
    first = row[0]
    if first.startswith("<td") and first.endswith("</td>"):
        first = '<th scope="row"' + first[3:-5] + "</th>"
    return [first, *row[1:]]


#: What a yes means in a yes/no column (since session 26: every yes read green ✓ and every
#: no red ✗, so a street that missed its target showed "talk due ✓ yes" in green and a year
#: still running "year over ✗ no" in bold red): ``good`` (a rule kept: ✓ yes green, ✗ no
#: red), ``fault`` (⚠ yes red, no unstyled) or ``neutral`` (a fact: yes / no unstyled).
GOOD, FAULT, NEUTRAL = "good", "fault", "neutral"


def td(value: Any, sense: str = NEUTRAL) -> str:
    """A table cell: a yes/no coloured by ``sense`` (``GOOD``, ``FAULT``, ``NEUTRAL``), an
    integer right-aligned, anything else as text (None: empty)."""
    if value is True or value is False:
        return _yes_no(value, sense)
    if isinstance(value, int):
        return f'<td class="num">{value}</td>'
    return f"<td>{escape('' if value is None else str(value))}</td>"


def _yes_no(value: bool, sense: str) -> str:
    if sense == GOOD:
        css, text = ("ok", "✓ yes") if value else ("bad", "✗ no")
    elif sense == FAULT:
        css, text = ("bad", "⚠ yes") if value else ("", "no")
    else:
        css, text = "", "yes" if value else "no"
    return f'<td class="{css}">{text}</td>' if css else f"<td>{text}</td>"


def household_td(number: str) -> str:
    return f'<td><a href="#household-{escape(number)}">{escape(number)}</a></td>'
