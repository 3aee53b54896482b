"""The HTML report colours a yes/no cell by what it means, not by its value (tester X,
session 26, HIGH 1: an amendment restating closed years read changes_closed_years ✓ yes in
green, a street that missed its target "talk due ✓ yes" in green, a year still running
"year over ✗ no" in bold red)."""

from __future__ import annotations

import re
from typing import Any

from projections.accountability import COLUMNS
from projections.html_findings import SECTION_NAMES, accountability_section
from projections.html_report import _rules_tables


def _plan_row(due_talk: bool, talk_held: bool, year_over: bool) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS["plan"], 0)
    row.update(street="礼乐", year=2017, year_over=year_over, due_talk=due_talk)
    return row | {"talk_held": talk_held}


def _amendment(section: str, changes: bool | None) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS[section], "x")
    return row | {"changes_closed_years": changes, "before": True, "after": False}


def _duty(**sections: list[dict[str, Any]]) -> dict[str, Any]:
    return {"plan": [], "district_plan": [], **{key: [] for key in SECTION_NAMES}, **sections}


def _cells(html: str, table_heading: str) -> list[str]:
    """The cells of the table under ``table_heading`` (an h3 or a details' summary)."""
    start = html.index(table_heading)
    body = html[start : html.index("</table>", start)]
    return re.findall(r"<td[^>]*>[^<]*</td>", body)


def test_an_amendment_restating_closed_years_is_marked_red_not_green() -> None:
    rows = [_amendment("rules_amendments", True)]
    html = accountability_section(_duty(rules_amendments=rows), "3:3:4")

    cells = _cells(html, "实施方案规则更正")

    assert '<td class="bad">⚠ yes</td>' in cells
    assert not any("✓" in cell for cell in cells)


def test_a_harmless_amendment_reads_a_plain_no_not_a_red_cross() -> None:
    rows = [_amendment("key_target_amendments", False)]

    cells = _cells(
        accountability_section(_duty(key_target_amendments=rows), "3:3:4"), "重点帮扶对象更正"
    )

    assert "<td>no</td>" in cells
    assert not any("✗" in cell or "bad" in cell for cell in cells)
    assert cells.count("<td>yes</td>") == 1  # before: a key target, a plain fact


def test_a_talk_due_is_red_and_a_year_still_running_is_a_plain_no() -> None:
    plan = [_plan_row(due_talk=True, talk_held=False, year_over=False)]

    cells = _cells(accountability_section(_duty(plan=plan), "3:3:4"), "plan by street")

    year_over, due_talk, talk_held = cells[-3:]
    assert (year_over, due_talk) == ("<td>no</td>", '<td class="bad">⚠ yes</td>')
    assert talk_held == '<td class="bad">✗ no</td>'  # a talk due and not held


def test_a_talk_held_though_none_was_due_is_a_plain_fact() -> None:
    plan = [_plan_row(due_talk=False, talk_held=True, year_over=True)]

    cells = _cells(accountability_section(_duty(plan=plan), "3:3:4"), "plan by street")

    assert cells[-3:] == ["<td>yes</td>", "<td>no</td>", "<td>yes</td>"]


def test_a_talk_due_and_held_is_green_in_the_talks_due_section() -> None:
    row: dict[str, Any] = dict.fromkeys(COLUMNS["talks_due"], 0) | {"talk_held": True}

    cells = _cells(accountability_section(_duty(talks_due=[row]), "3:3:4"), "Leadership talks due")

    assert cells[-2] == '<td class="ok">✓ yes</td>'  # then the count of talks (session 28)


def test_a_money_rule_kept_stays_green_and_a_rule_broken_red() -> None:
    split: dict[str, Any] = {
        "year": 2016,
        "year_over": True,
        **{f"{s}_fen": 0 for s in ("city", "district", "street", "local", "local_min")},
        **{f"{s}_late_fen": 0 for s in ("city", "district", "street")},
        **dict.fromkeys(("city_local_ok", "district_ok", "street_ok"), True),
        "local_total_ok": False,
    }
    money = {"per_person": [], "splits": [split]}

    cells = _cells(_rules_tables(money), "local ≥ minimum")

    assert cells[-4:] == ['<td class="ok">✓ yes</td>'] * 3 + ['<td class="bad">✗ no</td>']
