"""The HTML report's accountability tables 问责 and the dossiers 一户一档 of the households
they name; household numbers link to ``#household-{number}``."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from projections.accountability import COLUMNS, IMPORTED_BY
from projections.caseload import status_of, status_term
from projections.dossier import imported_said, say_imported
from projections.html_parts import (
    FAULT,
    GOOD,
    NEUTRAL,
    english,
    figure,
    heading,
    household_td,
    table,
    td,
    yuan,
)
from projections.restated import COMPARED, restated_text

__all__ = ["OPEN_ROWS", "SECTION_NAMES", "accountability_section", "dossiers_section"]

SECTION_NAMES = {
    "missed_visits": "Missed quarterly visits 未按季走访 [四(二)]",
    "missing_roles": "Incomplete 4+1 helpers 帮扶责任人不全 [四(二)]",
    "missing_assistance": (
        "Key targets without an agreement or a measure 未签扶贫协议或无帮扶措施 "
        "[六(三); 二、六(六)]"
    ),
    "registration_faults": "Registration faults 建档立卡违规 [四(一)]",
    "exit_faults": "Exit faults 退出违规 [六(六)]",
    "talks_due": "Leadership talks due 约谈 [六(七)]",
    "talks_not_due": "Talks held though not due 约谈 [六(七)]",
    "notices": "District notices naming slow units 通报 [六(七)]",
    "overdue_findings": "Deadlines missed 逾期整改 (rectified late or not yet) [六(七)]",
    "early_unpairings": "Pairings ended before exit 不脱贫不脱钩 [四(二)]",
    "over_budget": "Measures paid above their budget 超预算支出 [六(四)]",
    "rules_amendments": (
        "Programme rules amended after the opening 实施方案规则更正 (changes_closed_years: a plan "
        "year already over when recorded) [三、六(四)、六(七)]"
    ),
    "key_target_amendments": (
        "Key-target marks amended 重点帮扶对象更正 (changes_closed_years: moves the K of a "
        "plan year already over when recorded) [三; 四(一); 六(七)]"
    ),
}
#: What a yes means in each yes/no column (``projections.html_parts.td``; since session 26 a
#: fault's yes is red and a fact's plain, not every yes green): a yes/no column not named
#: here (the plan's year_over, key_target_amendments' before and after …) is a plain fact.
SENSES: dict[tuple[str, str], str] = {
    ("plan", "due_talk"): FAULT,
    ("district_plan", "behind"): FAULT,
    ("talks_due", "talk_held"): GOOD,
    ("rules_amendments", "changes_closed_years"): FAULT,
    ("key_target_amendments", "changes_closed_years"): FAULT,
    ("restated_years", "due_talk_before"): FAULT,
    ("restated_years", "due_talk_after"): FAULT,
}
#: The section of ``report html --restated`` (since session 26), after the findings.
RESTATED_TITLE = (
    "Closed plan years restated after the fact 往年减贫计划事后变动 (as known at the year's "
    "closing day → now; a moved figure in red, marked moved 已变动) [三、六(七)]"
)
#: A figure of ``restated_years`` that moved after its year closed says so in words.
MOVED = "(moved 已变动)"
#: Under the findings when ``--restated`` was not given: the section is not there, and why.
RESTATED_NOT_ASKED = (
    "Closed plan years restated after the fact 往年减贫计划事后变动: not checked (fupin report "
    "html --restated lists them; it replays the log once per closed year)"
)
#: Columns of free text, kept at least ``td.text``'s min-width wide (since session 26, tester Z:
#: on a 375 px phone a detail or a reason shrank to one word a line, ~30 px wide).
FREE_TEXT = frozenset({"detail", "document", "finding", "reason"})
#: Longer tables start folded, so the page opens on the charts.
OPEN_ROWS = 20


# -- accountability ----------------------------------------------------------------------------


def accountability_section(duty: dict[str, Any], shares: str) -> str:
    """The accountability findings; ``shares``: the yearly exit shares in force, named in the
    plan's heading (since session 23: it said 2:3:5 whatever ``programme amend`` made them)."""
    plan = table(
        (
            *("street", "year", "key targets", "target", "exits", "late exits, not counted"),
            *("cumulative target", "cumulative exits", "year over", "talk due", "talk held"),
        ),
        ([_plan_td(r, c) for c in COLUMNS["plan"]] for r in duty["plan"]),
        f"The {shares or 'no programme'} plan by street 分街道减贫计划",
        row_header=True,
        shown=False,
    )
    named = shares or "no programme"
    district = table(
        (
            *("year", "key targets", "target", "exits", "late exits, not counted"),
            *("cumulative target", "cumulative exits", "year over", "behind"),
            *("streets' targets, summed", "streets with a talk due"),
        ),
        (
            [td(r[c], SENSES.get(("district_plan", c), NEUTRAL)) for c in COLUMNS["district_plan"]]
            for r in duty["district_plan"]
        ),
        f"The {named} plan of the district 全区减贫计划",
        row_header=True,
        shown=False,
    )
    parts = [
        heading("h3", f"The {named} plan by street 分街道减贫计划") + plan,
        heading("h3", f"The {named} plan of the district 全区减贫计划 [三]") + district,
    ]
    parts.extend(
        _findings(section, title, _who_said(section, duty[section]))
        for section, title in SECTION_NAMES.items()
    )
    if "restated_years" in duty:
        parts.append(_findings("restated_years", RESTATED_TITLE, duty["restated_years"]))
    else:
        parts.append(f'<p class="meta" lang="en">{english(RESTATED_NOT_ASKED)}</p>')
    # 问责 as the plan names it (《广东省扶贫开发工作问责暂行办法》 [六(七)]); since session 27,
    # tester E: it read 责任追究, a word the plan never uses.
    return heading("h2", "Accountability 问责 [六(三)、(七)]") + "".join(parts)


def _who_said(section: str, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``section``'s rows with an entry the district office imported for its officer said so
    in its "who" cell, ``jn-01, imported by admin``, as the report's table says it (since
    session 30: the page named the officer alone), the ``X_imported_by`` column left out."""
    shown = [dict(row) for row in rows]
    say_imported(shown, IMPORTED_BY[section])
    return shown


def _plan_td(row: dict[str, Any], column: str) -> str:
    """A plan cell; a talk held is good when one was due, a plain fact when none was."""
    if column == "talk_held":
        return td(row[column], GOOD if row["due_talk"] else NEUTRAL)
    return td(row[column], SENSES.get(("plan", column), NEUTRAL))


def _findings(section: str, title: str, rows: Sequence[dict[str, Any]]) -> str:
    columns = list(rows[0]) if rows else []
    # A money column's cells are yuan here: its heading says so (tester Z, session 23: the
    # headings said budget_fen over cells of ¥38,566.55).
    headings = [f"{c.removesuffix('_fen')} (元)" if c.endswith("_fen") else c for c in columns]
    rendered = table(
        headings,
        ([_cell(section, column, row) for column in columns] for row in rows),
        title,
        shown=False,
    )
    count = figure(f"rows-{section}", len(rows), str(len(rows)), "span")
    # The title a heading inside the summary (since session 27: heading navigation jumped from
    # Accountability to Dossiers over the twelve sections).
    named = heading("h3", title, inner=f": {count}")
    if len(rows) <= OPEN_ROWS:
        shown = rendered if rows else "<p class=meta>none 无</p>"
        return f"<details open><summary>{named}</summary>{shown}</details>"
    # A closed <details> prints closed, its rows left out of the PDF, and no style sheet opens
    # it in every browser: the rows are written once more for print only (since session 26,
    # tester X: 98 missed visits were absent from the printed report).
    printed = heading("h3", f"▼ {title}", inner=f": {len(rows)}")
    return (
        f'<details class="screen-only"><summary>{named}</summary>{rendered}</details>'
        f'<section class="print-only">{printed}{rendered}</section>'
    )


def _cell(section: str, column: str, row: dict[str, Any]) -> str:
    if column == "household" or (
        section == "overdue_findings" and column == "subject" and row["subject_kind"] == "household"
    ):
        return household_td(str(row[column]))
    if column.endswith("_fen"):  # money in yuan, as the funds tables show it
        return f'<td class="num">{yuan(int(row[column]))}</td>'
    if section == "restated_years":
        return _restated_cell(column, row)
    if column in FREE_TEXT and isinstance(row[column], str):
        return f'<td class="text">{escape(row[column])}</td>'
    return td(row[column], SENSES.get((section, column), NEUTRAL))


def _restated_cell(column: str, row: dict[str, Any]) -> str:
    """A cell of ``restated_years``: ``restated_by`` an entry a line, as the CSV gives it; a
    figure after that differs from before red (a figure moved after the year closed is a fault
    to look at), and says so in words (since session 27: red bold only, which a screen reader
    and a grey printout do not tell); a talk due a fault as in the plan table."""
    if column == "restated_by":
        lines = restated_text(row[column]).splitlines()
        return '<td class="text">' + "<br>".join(escape(line) for line in lines) + "</td>"
    if column == "note":
        return f'<td class="text">{escape(str(row[column] or ""))}</td>'
    name = column.removesuffix("_after")
    if name in COMPARED and row[column] != row[f"{name}_before"] and row["judged"]:
        if isinstance(row[column], bool):
            return (
                f'<td class="bad">⚠ yes {MOVED}</td>'
                if row[column]
                else f'<td class="bad">no {MOVED}</td>'
            )
        shown = "" if row[column] is None else str(row[column])
        return f'<td class="num bad">{escape(shown)} {MOVED}</td>'
    return td(row[column], SENSES.get(("restated_years", column), NEUTRAL))


# -- dossiers ----------------------------------------------------------------------------------


def dossiers_section(dossiers: Sequence[dict[str, Any]], masked: bool, sealed: bool = False) -> str:
    """``sealed``: made without the master key, every personal field reads ``[sealed]``."""
    note = (
        "personal data sealed 未解密 (no master key: every personal field reads [sealed])"
        if sealed
        else "names and ID numbers masked 已脱敏 (admins, inspectors and district officers see "
        "them in full)"
        if masked
        else "personal data in full 个人信息未脱敏: handle as confidential"
    )
    cards = "".join(_dossier(record) for record in dossiers)
    title = f"Dossiers 一户一档 of the households named above ({len(dossiers)})"
    return (
        heading("h2", title)
        + f'<p class="meta" lang="en">{english(note)}</p><div class="dossiers">{cards}</div>'
    )


def _exited(record: dict[str, Any]) -> str:
    """The day the exit in force was approved; for a household back in poverty, the day of the
    exit its return undid, said so (since the session 27 re-test, tester K: ``exited_on`` is
    blank once a return is approved, and the dossier read "exited –" of a household that did
    exit, as the exits chart beside it counted); "–" for none."""
    facts = record["household"]
    if facts["exited_on"]:
        return str(facts["exited_on"])
    if facts.get("returned_on"):
        approved = [
            str(step["effective"])
            for step in record.get("exit_steps", ())
            if step["step"] == "approved" and str(step["effective"]) <= str(facts["returned_on"])
        ]
        if approved:
            return f"{max(approved)} (undone by the return)"
    return "–"


def _dossier(record: dict[str, Any]) -> str:
    facts, personal = record["household"], record["personal"]
    number = str(facts["number"])
    who = f"{personal['head_name']} · {personal['id_card']}"
    if personal["phone"]:
        who += f" · {personal['phone']} · {personal['address']}"
    summary = (
        f"{facts['street']} {facts['village']} · {facts['area']} · {facts['members']} 人 · "
        f"status {_status(facts, record['helpers'])} · "
        f"key target {'yes' if facts['key_target'] else 'no'} · "
        f"registered {facts['registered_on'] or '–'} · exited {_exited(record)}"
    )
    if facts.get("returned_on"):
        # A return to poverty 返贫 shown with its plan year (tester Z, session 23: a returned
        # household's dossier said only "stage returned … exited 2018-07-23").
        summary += f" · returned {facts['returned_on']}, in the {facts['plan_year']} plan"
    if facts.get("closed_on"):
        # A closure 注销 (since session 25: the file read as an open household's, its stage
        # and plan year as before the closure; household show said it).
        into = f" into {facts['closed_into']}" if facts.get("closed_into") else ""
        # An officer's closure the district office imported says so, as the dossier does
        # (since session 29: it named the officer alone).
        closer = imported_said(facts["closed_by"], facts.get("closed_imported_by"))
        summary += (
            f" · closed 注销 {facts['closed_on']}: {facts['closed_because']}{into}, "
            f"{facts['closed_document']}, by {closer}"
        )
    helpers = table(
        ("helper", "role", "paired", "unpaired"),
        (
            [td(h["helper"]), td(h["role"]), td(h["paired_on"]), td(h["unpaired_on"])]
            for h in record["helpers"]
        ),
        f"Helpers of {number} 帮扶责任人",
        row_header=True,
    )
    funds = sum(f["amount_fen"] for f in record["funds"])
    activity = (
        f"visits 走访 {len(record['visits'])} · measures 措施 {len(record['measures'])} · "
        f"incomes {_incomes(record['incomes'])} · funds received {yuan(funds)}"
    )
    findings = _dossier_findings(number, record["findings"])
    return (
        f'<section class="dossier" id="household-{escape(number)}"><h3>{escape(number)} '
        f'<span class="person">{escape(who)}</span></h3>'
        # the English lines marked so, their Chinese lang="zh-CN" (since session 27, WCAG 3.1.2)
        f'<div lang="en">{english(summary)}</div>'
        f'<div><span lang="en">members</span> 成员: '
        f"{escape('、'.join(personal['member_names']))}</div>"
        f'<div lang="en">{english(activity)}</div>'
        f"{helpers if record['helpers'] else ''}{findings}</section>"
    )


def _status(facts: dict[str, Any], helpers: Sequence[dict[str, Any]]) -> str:
    """The household's status as the caseload counts it, in both languages (since session 27,
    tester J: "stage registered" for a household with four helpers paired, which the caseload
    counts as paired 结对帮扶; stages in English only). A household closed 注销 is counted
    in no status."""
    if facts.get("closed_on"):
        return "closed 注销 (counted in no caseload status)"
    paired = any(helper["unpaired_on"] is None for helper in helpers)
    return status_term(status_of(str(facts["stage"]), paired))


def _dossier_findings(number: str, rows: Sequence[dict[str, Any]]) -> str:
    """The inspections' findings about the household, an overdue one saying so in words, as
    the overdue table does (since session 27: the dossier the overdue table links to did not
    list the finding at all)."""
    if not rows:
        return ""
    return table(
        ("finding", "description", "deadline", "rectified", "closed", "overdue 逾期"),
        (
            [
                td(f"{row['inspection']} {row['finding']}"),
                f'<td class="text">{escape(str(row["description"] or ""))}</td>',
                td(row["deadline"]),
                td(row["rectified_on"]),
                td(row["closed_on"]),
                _overdue_td(row),
            ]
            for row in rows
        ),
        f"Findings about {number} 督查发现",
        row_header=True,
    )


def _overdue_td(row: dict[str, Any]) -> str:
    if not row["overdue"]:
        return td(False, FAULT)
    late = "rectified late 逾期整改" if row["rectified_on"] else "not rectified 逾期未整改"
    return f'<td class="bad">⚠ yes, {late}</td>'


def _incomes(rows: Sequence[dict[str, Any]]) -> str:
    """Each assessment, one not in force (its year's assessed later) marked so (since
    session 23: two of a year read as two incomes)."""
    return (
        ", ".join(
            f"{r['year']}: {yuan(r['income_fen'])}"
            + ("" if r.get("in_force", True) else " (superseded)")
            for r in rows
        )
        or "–"
    )
