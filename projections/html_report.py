"""The HTML report 图表报告: one self-contained page a district leader would rather look at than
read — caseload over time, exits against the reduction plan (2:3:5, or as amended), funds
against the plan's rules, visit coverage as a heat map, accountability findings linking to the
households' dossiers 一户一档.

``render(inputs)`` is pure: it takes the ``ReportInputs`` of ``projections.series.gather`` (the
JSON reports' dicts and a few series) and returns the page. No network, no script, no CDN:
the charts are inline SVG (``projections.svg``), the fonts the reader's own CJK fonts.
Every figure drawn carries ``data-figure`` / ``data-value`` (money in fen) so it can be checked
against the JSON reports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from typing import Any

from ledger import clock
from ledger.funds import USE_WORDS

from projections.accountability import stale_today_note
from projections.caseload import STATUS_LABELS, STATUS_NAMES, households_and_people, status_term
from projections.fund_report import FISCAL_SOURCES
from projections.html_findings import accountability_section, dossiers_section
from projections.html_parts import (
    CSS,
    GOOD,
    english,
    figure,
    heading,
    legend,
    panel,
    scrolls,
    table,
    td,
    wan,
    yuan,
)
from projections.series import ReportInputs
from projections.svg import Cell, Column, Key, Segment, bar_chart, heat_map

__all__ = [
    "CATEGORY_NAMES",
    "SOURCE_NAMES",
    "STATUS_LABELS",
    "STATUS_NAMES",
    "render",
]
STATUS_COLOURS = {
    "identified": "#cbd5e1",
    "reviewed": "#94a3b8",
    "under-notice": "#fbbf24",
    "registered": "#f97316",
    "paired": "#2563eb",
    "returned": "#991b1b",
    "exited": "#16a34a",
    "rejected": "#6b7280",
}
#: A status's second cue besides its colour (since session 27: paired #2563eb and returned
#: #dc2626 printed the same grey, and under deuteranopia registered, returned and exited
#: read alike): a pattern over it where two statuses are alike in grey, and returned a darker
#: red (``tests/cli/test_round27_accessible_html.py`` checks every pair).
STATUS_PATTERNS = {
    "reviewed": "cross",
    "under-notice": "dots",
    "returned": "hatch",
    "exited": "dots",
    "rejected": "cross",
}
SOURCE_NAMES = {
    "city": "市扶贫基金",
    "district": "区财政",
    "street": "街道",
    "donation": "社会捐赠",
}
#: A category of use's Chinese term, the first the CLI's --category takes (``USE_WORDS``: 教育,
#: 就业 …), its name on the category chart's axis (since session 27: English only).
CATEGORY_NAMES = {
    name: next(word for word, english in USE_WORDS.items() if english == name)
    for name in dict.fromkeys(USE_WORDS.values())
}
SOURCE_COLOURS = {
    "city": "#2563eb",
    "district": "#16a34a",
    "street": "#f59e0b",
    "donation": "#a855f7",
}


def render(inputs: ReportInputs, sealed: bool = False, real_today: date | None = None) -> str:
    """The whole page as one string (UTF-8 HTML5); ``sealed``: made without the master key,
    so every personal field reads ``[sealed]`` (the header says so); ``real_today``: the real
    date in China, which the page does not count by but names under the header when the
    report's ``today`` is before it (``stale_today_note``)."""
    body = "".join(
        (
            _header(inputs, sealed, real_today),
            _caseload_section(inputs.series, inputs.caseload["closed"]),
            _exits_section(inputs.accountability["plan"], inputs.shares),
            _funds_section(inputs.funds),
            _visits_section(inputs.coverage),
            accountability_section(inputs.accountability, inputs.shares),
            dossiers_section(inputs.dossiers, inputs.masked, sealed),
        )
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>江海区精准扶贫 2016–2018 图表报告</title>"
        f"<style>{CSS}</style></head><body><main>{body}</main></body></html>\n"
    )


# -- header and headline figures ---------------------------------------------------------------


def _header(inputs: ReportInputs, sealed: bool = False, real_today: date | None = None) -> str:
    cases, money = inputs.caseload, inputs.funds
    allocated = sum(a["allocated_fen"] for a in money["accounts"])
    disbursed = sum(a["disbursed_fen"] for a in money["accounts"])
    # Households out of poverty now: one that returned is not, one that exited twice is one.
    exited = sum(s["households"] for s in cases["by_status"] if s["status"] == "exited")
    kpis = (
        ("households", cases["totals"]["households"], "Households 贫困户", str),
        ("people", cases["totals"]["people"], "People 人", str),
        ("exits", exited, "Exited 退出 (households out, not returned)", str),
        # The CLI's words (fupin fund --help, docs/events.md): an allocation 拨付 reaches an
        # account, a disbursement 支出 pays out of it (since session 27, tester E: the page
        # said 拨付 of the disbursements and 到位 of the allocations).
        ("allocated", allocated, "Allocated 拨付", yuan),
        ("disbursed", disbursed, "Disbursed 支出", yuan),
    )
    cards = "".join(
        f'<div class="kpi">{figure(name, value, fmt(value))}'
        f'<span lang="en">{english(label)}</span></div>'
        for name, value, label, fmt in kpis
    )
    reader = inputs.reader or "(no --as)"
    masking = (
        "sealed 未解密 (no master key: every personal field reads [sealed])"
        if sealed
        else "masked 已脱敏"
        if inputs.masked
        else "in full 未脱敏"
    )
    today = cases["today"]
    # Without --as-of the day is the latest effective date on record, and says so (tester P,
    # session 19: it read "as of 2018-12-21", as if that day had been asked for).
    times = (
        "no casework recorded yet 尚无扶贫业务记录"  # it said "as of None"
        if not today
        else f"as of 截至 {today}"
        if cases["as_of"]
        else f"up to the latest day on record 截至最新业务日 {today}"
    )
    if cases["known_at"]:
        known = str(cases["known_at"])
        provisional = clock.provisional_said(datetime.fromisoformat(known))  # since session 27
        times += f" · as known at {known}" + (f" ({provisional})" if provisional else "")
    if cases.get("recorded_through"):
        times += (
            # The recording time of the last event counted, in log order (recorded_through,
            # docs/reports.md), not the latest one counted: since the session 27 re-test, it
            # read "the last recorded", and an event counted was recorded later.
            f" · {cases['events']:,} events 条记录, the last counted (in log order) recorded at "
            f"{cases['recorded_through']}"
        )
    return (
        "<h1>江海区精准扶贫 2016–2018 图表报告</h1>"
        # English prose with its Chinese marked (since session 27, WCAG 3.1.2: read with
        # Chinese rules), as every line of English on the page (``html_parts.english``)
        '<p class="meta" lang="en">'
        + english(
            f"Jianghai District targeted poverty alleviation · {times} · reader {reader}: "
            f"personal data {masking} · 江高发〔2016〕4号"
        )
        + "</p>"
        f"{_stale_today(inputs, real_today)}"
        f'<div class="kpis">{cards}</div>'
    )


def _stale_today(inputs: ReportInputs, real_today: date | None) -> str:
    """One line under the header when the report's ``today`` is the last day on record and
    before the real date (``stale_today_note``, since session 24); nothing otherwise."""
    note = "" if real_today is None else stale_today_note(inputs.accountability, real_today)
    return f'<p class="meta" id="stale-today" lang="en">{english(note)}</p>' if note else ""


# -- caseload over time ------------------------------------------------------------------------


def _caseload_section(
    series: Sequence[dict[str, Any]], closed: Sequence[dict[str, Any]] = ()
) -> str:
    """The caseload by status at each quarter end, and the households closed 注销 by the
    report's day (since session 25), which no status counts: so the households identified are
    the ones shown plus the ones closed."""
    days = sorted({row["day"] for row in series})
    streets = sorted({row["street"] for row in series})
    statuses = [s for s in STATUS_NAMES if any(row["status"] == s for row in series)]
    counts = {(r["day"], r["street"], r["status"]): r["households"] for r in series}
    panels = []
    for street in streets:
        categories = [
            (
                _day_label(day),
                [
                    Column(
                        tuple(
                            Segment(
                                status,
                                counts.get((day, street, status), 0),
                                f"caseload-{day}-{street}-{status}",
                            )
                            for status in statuses
                        )
                    )
                ],
            )
            for day in days
        ]
        title = f"{street}街道 households by status 户数"
        # The day itself, not its axis label (re-tester K, session 27: "On 2016Q4, the last day
        # shown" for a report as of 2016-12-31, a quarter where a day was said).
        summary = (
            _caseload_summary(days[-1], categories[-1][1]) if categories else "No households yet."
        )
        chart = bar_chart(title, categories, STATUS_COLOURS, key=_STATUS_KEY, summary=summary)
        panels.append(panel(title, chart))
    key = legend(STATUS_NAMES, STATUS_COLOURS, statuses, STATUS_PATTERNS, STATUS_LABELS)
    return (
        heading("h2", "Caseload over time 扶贫对象 (households at each quarter end)")
        + f'{key}<div class="grid">{"".join(panels)}</div>{_closed_line(closed)}'
    )


_STATUS_KEY = Key(
    STATUS_NAMES, patterns=STATUS_PATTERNS, corner="quarter end 季末", labels=STATUS_LABELS
)


def _caseload_summary(day: str, columns: Sequence[Column]) -> str:
    """The chart's description: the last day's households by status (since session 27)."""
    counts = [(s.value, status_term(s.series)) for c in columns for s in c.segments if s.value]
    total = sum(value for value, _ in counts)
    shown = ", ".join(f"{value} {term}" for value, term in counts) or "none"
    return f"On {day}, the last day shown: {total} households, {shown}."


def _closed_line(closed: Sequence[dict[str, Any]]) -> str:
    """The households closed 注销 by the report's day, by reason: counted in no figure above."""
    households = sum(row["households"] for row in closed)
    people = sum(row["people"] for row in closed)
    reasons = "; ".join(
        f"{escape(str(row['because']))} {households_and_people(row['households'], row['people'])}"
        for row in closed
    )
    shown = f"{households_and_people(households, people)} ({reasons})" if closed else "none"
    return (
        '<p class="meta" id="closed" lang="en">Closed <span lang="zh-CN">注销</span> by this day '
        "(merged, died out, moved away, duplicate, identified in error), counted from its "
        "closure's date in no caseload group "
        f"or total: {shown}</p>"
    )


def _day_label(day: str) -> str:
    month_day = day[5:]
    quarter = {"03-31": 1, "06-30": 2, "09-30": 3, "12-31": 4}.get(month_day)
    return f"{day[:4]}Q{quarter}" if quarter else day


# -- exits against the reduction plan (2:3:5) --------------------------------------------------


def _exits_section(plan: Sequence[dict[str, Any]], shares: str) -> str:
    """Exits against each street's plan; ``shares``: the yearly shares in force (2:3:5 unless
    ``programme amend --shares`` restated them: the targets follow them, so do the words)."""
    plain = shares or "no programme"
    named = escape(plain)
    categories = [
        (
            f"{row['street']} {row['year']}",
            [
                Column(
                    (Segment("exits", row["exits"], f"exits-{row['year']}-{row['street']}"),),
                    target=row["target"],
                    target_figure=f"target-{row['year']}-{row['street']}",
                )
            ],
        )
        for row in sorted(plan, key=lambda r: (r["street"], r["year"]))
    ]
    title = f"Key-target exits against the {plain} plan by street and year 分街道年度退出"
    chart = bar_chart(
        title,
        categories,
        {"exits": "#16a34a"},
        key=Key({"exits": "退出"}, corner="street and year 街道 年度"),
        summary=_exits_summary(plan),
    )
    legend = (
        '<div class="legend" lang="en"><i style="background:#16a34a"></i>exits '
        '<span lang="zh-CN">退出</span> (key targets, approved)<i class="target"></i>plan '
        f'target <span lang="zh-CN">计划</span> ({named})</div>'
    )
    return heading("h2", f"Exits per year against the {plain} plan 年度减贫计划 [三]") + (
        f'<div class="grid">{panel(title, chart, legend)}</div>'
    )


def _exits_summary(plan: Sequence[dict[str, Any]]) -> str:
    """The chart's description: each street's exits against its target, in all and by year."""
    streets: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(plan, key=lambda r: (r["street"], r["year"])):
        streets[row["street"]].append(row)
    shown = "; ".join(
        f"{street} {sum(r['exits'] for r in rows)} of {sum(r['target'] or 0 for r in rows)} ("
        + ", ".join(f"{r['year']} {r['exits']}/{r['target'] or 0}" for r in rows)
        + ")"
        for street, rows in streets.items()
    )
    return (
        "Exits against the plan's target by street, in all (each year exits/target): "
        f"{shown or 'no plan'}."
    )


# -- funds -------------------------------------------------------------------------------------


def _funds_section(money: dict[str, Any]) -> str:
    return (
        heading("h2", "Funds 资金 [六(四)]")
        + f'<div class="grid">{_by_source_chart(money["by_source_year"])}'
        f"{_by_category_chart(money['disbursements'])}</div>"
        + heading("h3", "The plan's money rules 资金规则")
        + _rules_tables(money)
    )


def _by_source_chart(rows: Sequence[dict[str, Any]]) -> str:
    categories = [
        (
            f"{row['year']} {SOURCE_NAMES.get(row['source'], row['source'])}",
            [
                Column(
                    (
                        Segment(
                            "allocated",
                            row["allocated_fen"],
                            f"allocated-{row['source']}-{row['year']}",
                        ),
                    )
                ),
                Column(
                    (
                        Segment(
                            "disbursed",
                            row["disbursed_fen"],
                            f"disbursed-{row['source']}-{row['year']}",
                        ),
                    )
                ),
            ],
        )
        for row in sorted(rows, key=lambda r: (r["year"], r["source"]))
    ]
    colours = {"allocated": "#93c5fd", "disbursed": "#1d4ed8"}
    names = {"allocated": "拨付", "disbursed": "支出"}
    title = "Allocated 拨付 and disbursed 支出 by source and year 按来源 (万元)"
    key = Key(names, yuan, corner="year and source 年度 来源")
    chart = bar_chart(title, categories, colours, wan, key, _by_source_summary(rows))
    return panel(title, chart, legend(names, colours, colours))


def _by_source_summary(rows: Sequence[dict[str, Any]]) -> str:
    """The chart's description: each source's money allocated and disbursed, all years."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        sums[row["source"]][0] += row["allocated_fen"]
        sums[row["source"]][1] += row["disbursed_fen"]
    shown = "; ".join(
        f"{SOURCE_NAMES.get(source, source)} allocated {yuan(a)}, disbursed {yuan(d)}"
        for source, (a, d) in sums.items()
    )
    return f"All years, by source: {shown or 'none'}."


def _by_category_chart(rows: Sequence[dict[str, Any]]) -> str:
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        totals[(row["category"], row["source"])] += row["amount_fen"]
    categories = sorted({c for c, _ in totals})
    sources = sorted({s for _, s in totals})
    title = "Disbursed 支出 by category of use 按用途 (万元)"
    chart = bar_chart(
        title,
        [
            (
                CATEGORY_NAMES.get(category, category),
                [
                    Column(
                        tuple(
                            Segment(s, totals[(category, s)], f"disbursed-{category}-{s}")
                            for s in sources
                        )
                    )
                ],
            )
            for category in categories
        ],
        SOURCE_COLOURS,
        wan,
        Key(SOURCE_NAMES, yuan, corner="category of use 用途"),
        _by_category_summary(totals),
    )
    return panel(
        title,
        chart,
        legend(SOURCE_NAMES, SOURCE_COLOURS, sources),
    )


def _by_category_summary(totals: dict[tuple[str, str], int]) -> str:
    """The chart's description: the money disbursed in all and per category, most first."""
    sums: dict[str, int] = defaultdict(int)
    for (category, _), fen in totals.items():
        sums[category] += fen
    shown = ", ".join(
        f"{CATEGORY_NAMES.get(category, category)} {yuan(fen)}"
        for category, fen in sorted(sums.items(), key=lambda item: (-item[1], item[0]))
    )
    return f"Disbursed {yuan(sum(sums.values()))} in all: {shown or 'none'}."


def _rule_td(met: bool, over: bool, year: int | None) -> str:
    """A money rule's cell: met, failed, or (not met, its year not over yet) still due. On the
    day the programme opened every rule read ✗ no (tester D, session 17)."""
    if met or over:
        return td(met, GOOD)
    by = f" by 31 Dec {year}" if year else ""
    return f'<td class="due">… due{by}</td>'


def _rules_tables(money: dict[str, Any]) -> str:
    per_person = [
        [
            td(row["key_target_people"]),
            _money_td("per-person-disbursed", row["disbursed_fen"]),
            _money_td("per-person-outside", row["early_disbursed_fen"] + row["late_disbursed_fen"]),
            _money_td("per-person-donations", row["donation_disbursed_fen"]),
            _money_td("per-person", row["per_person_fen"]),
            _money_td("per-person-min", row["per_person_min_fen"]),
            _rule_td(row["meets_rule"], row["programme_over"], None),
        ]
        for row in money["per_person"]
    ]
    splits = [
        [
            td(row["year"]),
            _money_td(f"split-{row['year']}-city", row["city_fen"]),
            _money_td(f"split-{row['year']}-district", row["district_fen"]),
            _money_td(f"split-{row['year']}-street", row["street_fen"]),
            _money_td(f"split-{row['year']}-local", row["local_fen"]),
            _money_td(f"split-{row['year']}-local-min", row["local_min_fen"]),
            # Money of the year received after its 31 December is shown, as the per-person
            # table shows money outside the years (tester P, session 19: the chart above
            # counted it, this table said nothing of it).
            _money_td(
                f"split-{row['year']}-late",
                sum(row[f"{source}_late_fen"] for source in FISCAL_SOURCES),
            ),
            *(
                _rule_td(row[flag], row["year_over"], row["year"])
                for flag in ("city_local_ok", "district_ok", "street_ok", "local_total_ok")
            ),
        ]
        for row in money["splits"]
    ]
    return table(
        (
            "key-target people",
            "fiscal disbursed 财政支出",
            "fiscal outside the programme's years, not counted",
            "donations 社会捐赠, not counted",
            "fiscal per person 人均",
            "minimum 最低",
            "rule met",
        ),
        per_person,
        "The per-person rule 人均资金规则 (fiscal money within the programme's years)",
    ) + table(
        (
            "year",
            "city 市",
            "district 区",
            "street 街道",
            "local 地方",
            "local minimum 地方最低",
            "received after 31 Dec, not counted",
            "city:local share 市:地方",
            "district share 区",
            "street share 街道",
            "local ≥ minimum",
        ),
        splits,
        "Each year's split of fiscal money 年度资金分担 (city:local 6:4, district:street 50:50, "
        "local minimum)",
        row_header=True,
    )


def _money_td(name: str, fen: int) -> str:
    return f'<td class="num">{figure(name, fen, yuan(fen), "span")}</td>'


# -- visit coverage ----------------------------------------------------------------------------


def _visits_section(coverage: Sequence[dict[str, Any]]) -> str:
    streets = sorted({row["street"] for row in coverage})
    quarters = sorted({row["quarter"] for row in coverage})
    # A street with no coverage row for a quarter shown owed no visit there: a grey "–" cell,
    # as for a row owing none (since session 26: no cell was drawn, the note says grey).
    held = {(row["street"], row["quarter"]) for row in coverage}
    none_owed = [
        {"street": s, "quarter": q, "owed": 0, "missed": 0}
        for s in streets
        for q in quarters
        if (s, q) not in held
    ]
    cells = [
        Cell(
            row=row["street"],
            column=row["quarter"],
            label=f"{_percent(row)} ({row['owed'] - row['missed']}/{row['owed']} visits)",
            share=(row["owed"] - row["missed"]) / row["owed"] if row["owed"] else None,
            figure=f"visits-{row['street']}-{row['quarter']}",
            value=row["missed"],
            extra={"owed": str(row["owed"])},
            counts=f"{row['owed'] - row['missed']}/{row['owed']}" if row["owed"] else "",
        )
        for row in [*coverage, *none_owed]
    ]
    title = "Visit coverage per street and quarter 分街道季度走访覆盖率"
    chart = heat_map(title, streets, quarters, cells, "street 街道", _visits_summary(coverage))
    note = (
        '<p class="meta" lang="en">Each cell: share of the visits owed (one per helper per quarter '
        "while the household is assisted) that were made, and under it the visits made / owed "
        "(since session 26 written in the cell: phones and paper cannot hover). Red: missed; "
        "grey: none owed.</p>"
    )
    return heading("h2", "Visit coverage 走访覆盖率 (each helper once a quarter [四(二)])") + (
        f'<div class="panel"{scrolls(title)}>{heading("h3", title)}{chart}{note}</div>'
    )


def _visits_summary(coverage: Sequence[dict[str, Any]]) -> str:
    """The chart's description: the lowest coverage and where, and how many street-quarters
    had every visit owed made."""
    owed = [row for row in coverage if row["owed"]]
    if not owed:
        return "No visits owed yet."
    lowest = min((row["owed"] - row["missed"]) / row["owed"] for row in owed)
    where = [r for r in owed if (r["owed"] - r["missed"]) / r["owed"] == lowest]
    full = sum(1 for row in owed if not row["missed"])
    places = ", ".join(
        f"{r['street']} {r['quarter']} ({r['owed'] - r['missed']}/{r['owed']} visits)"
        for r in where[:5]
    ) + (f" and {len(where) - 5} more" if len(where) > 5 else "")
    return (
        f"Lowest coverage {_percent(where[0])}: {places}. {full} of {len(owed)} street-quarters "
        "owing visits had every visit made."
    )


def _percent(row: dict[str, Any]) -> str:
    if not row["owed"]:
        return "–"
    return f"{(row['owed'] - row['missed']) * 100 // row['owed']}%"
