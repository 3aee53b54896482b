"""``fupin report caseload|funds|accountability``: the reports 统计报表 from the read models.

Each takes ``--as-of DATE`` (what was true then, as best known now), ``--known-at TIMESTAMP``
(only what was recorded by then) and ``--format table|json|csv``. The rendering helpers here
are shared by ``fupin query`` and ``fupin household show``. A report holds no personal data,
yet ``--as`` is checked as every reader's is: an id that is no active officer is refused (a typo
or a retired officer's id is not read as an anonymous reader).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from ledger import clock
from ledger.values import check_come, known_at_moment, parse_date, today
from projections import api
from projections.accountability import COLUMNS as ACCOUNTABILITY_COLUMNS
from projections.accountability import IMPORTED_BY as ACCOUNTABILITY_IMPORTED_BY
from projections.accountability import SECTIONS as ACCOUNTABILITY_SECTIONS
from projections.accountability import stale_today_note
from projections.caseload import COLUMNS as CASELOAD_COLUMNS
from projections.caseload import SECTIONS as CASELOAD_SECTIONS
from projections.caseload import rejected_note
from projections.dossier import say_imported
from projections.fund_report import COLUMNS as FUNDS_COLUMNS
from projections.fund_report import JUDGED as FUNDS_JUDGED
from projections.fund_report import SECTIONS as FUNDS_SECTIONS
from projections.restated import RESTATED_COLUMNS, restated_text

from cli.common import (
    KnownAtOption,
    check_tables,
    console,
    emit_json,
    err_console,
    ledger_session,
    refusals,
    render_rows,
)
from cli.outputs import SpreadsheetCSV
from cli.privacy import reader_of

__all__ = [
    "AsOfOption",
    "FormatOption",
    "KnownAtOption",
    "OutputFormat",
    "emit",
    "report_app",
    "times",
]

report_app = typer.Typer(help="Reports 统计报表: caseload, funds, accountability.")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="table, json or csv (CSV: one block a section).")
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="What was true on this effective date (YYYY-MM-DD or YYYY年M月D日), as known now.",
    ),
]


def times(as_of: str | None, known_at: str | None) -> tuple[Any, Any]:
    """The report's two times parsed into a date and a timezone-aware timestamp.

    ``--as-of`` is a day that has come, as ``-e`` is: nothing takes effect after today, and a
    quarter not ended yet has no visit missed (``--as-of 9999-12-31`` counted every quarter to
    the end of the calendar as missed and charted them one by one). Any day up to today is
    taken, ``0001-01-01`` included (nothing was on record yet)."""
    # Given but empty is a mistake (an unset shell variable), not "no filter".
    day = None if as_of is None else parse_date(as_of, "as-of")
    if day is not None:
        check_come(day, "as-of", "a report is as of a day that has come")
    return day, None if known_at is None else known_at_moment(known_at)


def emit(
    report: dict[str, Any],
    sections: Sequence[str],
    output: OutputFormat,
    columns: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Write the report: JSON as is; tables and CSV one section after another, each with its
    header even when it has no rows (``columns``: the columns of every section, as a query's
    result, or each section's by name, as the reports' ``COLUMNS``)."""
    if output is OutputFormat.json:
        emit_json(report)
        return
    if output is OutputFormat.table:
        tables = [(section, _names(report[section], section, columns)) for section in sections]
        shown = [(names, _cells(report[section], names)) for section, names in tables]
        check_tables(shown)  # the whole report, before any section is written
        for (section, _), (names, rows) in zip(tables, shown, strict=True):
            render_rows(section, names, rows)
        return
    writer = SpreadsheetCSV(sys.stdout)
    for index, section in enumerate(sections):
        rows = report[section]
        names = _names(rows, section, columns)
        if index:
            sys.stdout.write("\n")
        writer.writerow([f"# {section}"])
        writer.writerow(names)
        writer.writerows([cell(row[c]) for c in names] for row in rows)


def _names(
    rows: Sequence[Mapping[str, Any]],
    section: str,
    columns: Sequence[str] | Mapping[str, Sequence[str]] | None,
) -> list[str]:
    """A section's column names, as ``emit`` takes them."""
    if isinstance(columns, Mapping):
        return list(rows[0] if rows else columns.get(section, ()))
    return list(columns or (rows[0] if rows else []))


def _cells(rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> list[list[Any]]:
    """A section's cells as a table shows them (``cell``)."""
    return [[cell(row[c]) for c in names] for row in rows]


def emit_report(
    report: dict[str, Any],
    sections: Sequence[str],
    output: OutputFormat,
    columns: Mapping[str, Sequence[str]],
) -> None:
    """A report as ``emit`` writes it, its tables and CSV led by a ``report`` section: which
    report, as of and as known at what, the day it judges quarters and deadlines by
    (``today``) and its totals, as JSON and ``fupin export report`` give them. Before session
    17 a table or CSV said none of these: a leader could not tell a report as of 2017 from
    today's, nor what day "overdue" was judged on."""
    provisional = provisional_said(report)
    if output is OutputFormat.json:
        emit(report, sections, output, columns)
        say_provisional(report, provisional)
        return
    keys = ("report", "as_of", "known_at", "today", "events", "recorded_through")
    heading = {key: report.get(key) for key in keys}
    if provisional and output is OutputFormat.table:  # the CSV's cells stay data
        heading["known_at"] = f"{report['known_at']} ({provisional})"
    for key, value in report.items():
        if isinstance(value, dict):  # the caseload's totals
            heading.update({f"{key}.{name}": figure for name, figure in value.items()})
    shown = {**report, "report": [heading]}
    emit(shown, ("report", *sections), output, {"report": list(heading), **columns})
    if output is OutputFormat.csv:
        say_provisional(report, provisional)


def provisional_said(report: Mapping[str, Any]) -> str:
    """``provisional until …`` for a report as known at a time a later run may still count
    more in (``clock.provisional_said``: since session 27), "" otherwise."""
    known = report.get("known_at")
    return clock.provisional_said(datetime.fromisoformat(str(known))) if known else ""


def say_provisional(report: Mapping[str, Any], provisional: str) -> None:
    """``provisional_said`` on standard error beside CSV or JSON, whose data scripts read."""
    if provisional:
        err_console.print(
            f"note: as known at {report['known_at']} ({provisional})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def joined(value: Any) -> Any:
    """A list as one cell: its items joined with 、 (anything else as it is)."""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def cell(value: Any) -> Any:
    """A cell as reports write it in tables and CSV: booleans yes or no, lists ``joined`` (a
    household's member names were written as a Python list)."""
    value = joined(value)
    return "yes" if value is True else "no" if value is False else value


@report_app.command("caseload")
@refusals
def caseload(
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Caseload 扶贫对象: households and people by status, street, village; exits per year.

    Statuses: identified 识别, reviewed 已评议, rejected 未通过, under-notice 公示中,
    registered 已建档未结对 (registered, no helper paired), paired 结对帮扶, exited 退出,
    returned 返贫 (every one but the first four registered 建档立卡).
    """
    day, moment = times(as_of, known_at)
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader (docs/privacy.md)
        report = api.caseload(app, day, moment)
    emit_report(report, CASELOAD_SECTIONS, output, CASELOAD_COLUMNS)
    _say_stale_today(rejected_note(report), output)


@report_app.command("funds")
@refusals
def funds(
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Funds 资金: allocations, disbursements, balances; per-person rule; yearly splits."""
    day, moment = times(as_of, known_at)
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader (docs/privacy.md)
        report = api.funds(app, day, moment)
    emit_report(report, FUNDS_SECTIONS, output, FUNDS_COLUMNS)
    # Since the re-test, session 24: years over and the programme's end move with it too.
    _say_stale_today(stale_today_note(report, today(), FUNDS_JUDGED), output)


@report_app.command("accountability")
@refusals
def accountability(
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    output: FormatOption = OutputFormat.table,
    restated: Annotated[
        bool,
        typer.Option(
            "--restated",
            help="Add restated_years: each closed plan year whose street's plan row moved "
            "since the year closed (read as known at the end of its closing day, China, "
            "against now), with the entries recorded later that may have moved it. Costs a "
            "replay of the log a closed year.",
        ),
    ] = False,
) -> None:
    """Accountability 问责: visits, 4+1 roles, registrations, exits, the reduction plan
    (2:3:5 unless amended) and talks 约谈, notices 通报, deadlines missed 逾期整改 (rectified
    late or not yet), pairings ended before exit, measures paid above their budget 超预算支出."""
    day, moment = times(as_of, known_at)
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader (docs/privacy.md)
        report = api.accountability(app, day, moment, restated)
    sections: tuple[str, ...] = ACCOUNTABILITY_SECTIONS
    columns: dict[str, Sequence[str]] = dict(ACCOUNTABILITY_COLUMNS)
    if restated:
        sections = (*sections, "restated_years")
        columns["restated_years"] = RESTATED_COLUMNS
        if output is not OutputFormat.json:  # an entry a line of one cell
            report["restated_years"] = [
                {**row, "restated_by": restated_text(row["restated_by"])}
                for row in report["restated_years"]
            ]
    if output is OutputFormat.table:
        columns = _imported_said(report, columns)
    emit_report(report, sections, output, columns)
    _say_stale_today(stale_today_note(report, today()), output)


def _imported_said(
    report: dict[str, Any], columns: Mapping[str, Sequence[str]]
) -> dict[str, Sequence[str]]:
    """The table's columns: an entry the district office imported for its officer says so in
    its "who" cell, ``jn-01, imported by admin``, as ``household show`` and ``fupin history``
    do, and the table has no ``X_imported_by`` column (JSON and CSV keep them; since session
    30: the report named the officer alone)."""
    for section, pairs in ACCOUNTABILITY_IMPORTED_BY.items():
        say_imported(report[section], pairs)
    return {
        section: tuple(
            name
            for name in names
            if name not in ACCOUNTABILITY_IMPORTED_BY.get(section, {}).values()
        )
        for section, names in columns.items()
    }


def _say_stale_today(note: str, output: OutputFormat) -> None:
    """The note of a report whose ``today`` is the last day on record, before the real date
    (``stale_today_note``): under the table; on stderr for CSV and JSON, whose stdout stays the
    report alone, for a program reading it."""
    if note and output is OutputFormat.table:
        console.print(note, markup=False, highlight=False, soft_wrap=True)
    elif note:
        err_console.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
