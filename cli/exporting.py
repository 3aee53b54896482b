"""``fupin export`` 导出: the event log as re-importable command lines, and reports as files.

``fupin export events --format jsonl`` writes every officer's command rebuilt from the stored
events, with provenance; ``fupin import`` of it into an empty store gives identical reports
(recording times are new). ``fupin export report NAME --format csv|json|xlsx`` writes one of
the three reports.

Files are written with ``cli.outputs.output_file``: whole or not at all.
"""

from __future__ import annotations

import io
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import orjson
import typer
from ledger.errors import InputError
from ledger.imports import export_commands
from projections import accountability, api, caseload, fund_report
from projections.restated import RESTATED_COLUMNS, restated_text

from cli.common import console, ledger_session, refusals
from cli.outputs import CSV_BOM, SpreadsheetCSV, check_output, output_file, output_path
from cli.outputs import output_format as output_format_of
from cli.privacy import reader_of
from cli.reports import (
    AsOfOption,
    KnownAtOption,
    cell,
    joined,
    provisional_said,
    say_provisional,
    times,
)

__all__ = ["export_app"]

export_app = typer.Typer(help="Export 导出 the event log or a report.", no_args_is_help=True)


class EventFormat(StrEnum):
    jsonl = "jsonl"


class ReportName(StrEnum):
    caseload = "caseload"
    funds = "funds"
    accountability = "accountability"


class ReportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "--out",
        "-o",
        help="File to write; default: standard output.",
        parser=output_path,
        metavar="<path>",
    ),
]
ReportOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "--out",
        "-o",
        help="File to write; default: standard output (XLSX: never a terminal; give -o).",
        parser=output_path,
        metavar="<path>",
    ),
]


def stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (not a file or a pipe)."""
    return sys.stdout.isatty()


@export_app.command("events")
@refusals
def export_events(
    output_format: Annotated[
        EventFormat | None, typer.Option("--format", help="jsonl (the only one).")
    ] = None,
    output: OutputOption = None,
) -> None:
    """Export the event log 导出事件 as JSONL commands with provenance (re-importable)."""
    if output is not None:
        check_output(output, "output")
    given = None if output_format is None else output_format.value
    output_format_of(output, given, ["jsonl"], "export events")  # never JSONL as .csv, .xlsx
    with ledger_session() as app:
        # who may export, the master key, and every household's key readable
        commands = export_commands(app, reader_of(app))
        lines = (orjson.dumps(line) + b"\n" for line in commands)
        if output is None:
            for line in lines:
                sys.stdout.buffer.write(line)
            sys.stdout.flush()
            return
        with output_file(output, "output", private=True) as handle:  # names in clear
            handle.writelines(lines)
    console.print(f"events written to {output}")


@export_app.command("report")
@refusals
def export_report(
    name: Annotated[ReportName, typer.Argument(help="caseload, funds or accountability.")],
    output_format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format", help="json, csv or xlsx; default: as -o's extension says, else json."
        ),
    ] = None,
    output: ReportOutputOption = None,
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    restated: Annotated[
        bool,
        typer.Option(
            "--restated",
            help="accountability only: add restated_years, as report accountability --restated "
            "(a replay of the log a closed year).",
        ),
    ] = False,
) -> None:
    """Export a report 导出报表 as JSON, CSV (a block a section) or XLSX (a sheet a section)."""
    build = {"caseload": api.caseload, "funds": api.funds}
    day, moment = times(as_of, known_at)
    if restated and name is not ReportName.accountability:
        raise InputError(
            "restated",
            f"only the accountability report has restated years, not {name.value}: "
            "fupin export report accountability --restated",
        )
    if output is not None:
        check_output(output, "output")
    given = None if output_format is None else output_format.value
    chosen = ReportFormat(output_format_of(output, given, _REPORT_FORMATS, "export report"))
    if output is None and chosen is ReportFormat.xlsx and stdout_is_terminal():
        # A workbook is bytes no terminal shows (before, it went to ./NAME.xlsx, replacing
        # a file there, while --help said standard output).
        raise InputError(
            "output",
            "an XLSX workbook is not shown on a terminal: give -o FILE (or redirect the "
            "output into a file or a pipe)",
        )
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader (docs/privacy.md)
        if name is ReportName.accountability:
            report = api.accountability(app, day, moment, restated)
        else:
            report = build[name.value](app, day, moment)
    if restated and chosen is not ReportFormat.json:  # an entry a line of one cell, as the CSV
        report["restated_years"] = [
            {**row, "restated_by": restated_text(row["restated_by"])}
            for row in report["restated_years"]
        ]
    if chosen is ReportFormat.xlsx:
        buffer = io.BytesIO()
        write_xlsx(report, buffer)
        data = buffer.getvalue()
    elif chosen is ReportFormat.json:
        data = orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n"
    else:  # a file for Excel and WPS to open: with the BOM that says UTF-8
        data = ("" if output is None else CSV_BOM).encode() + to_csv(report).encode()
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        with output_file(output, "output") as handle:
            handle.write(data)
        console.print(f"report written to {output}")
    say_provisional(report, provisional_said(report))  # the data as it was: the note beside


#: What ``export report`` writes, the default first (``-o``'s extension chooses, since
#: session 21).
_REPORT_FORMATS = [f.value for f in ReportFormat]


#: Each report's sections' columns: the header of a section with no rows.
REPORT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "caseload": caseload.COLUMNS,
    "funds": fund_report.COLUMNS,
    "accountability": {**accountability.COLUMNS, "restated_years": RESTATED_COLUMNS},
}


def sections(report: dict[str, Any]) -> list[tuple[str, list[str], list[dict[str, Any]]]]:
    """The report's tables (title, columns, rows): the header values (and the figures of a
    dict, ``totals.people``) as one section, then each list of rows (an empty one with the
    columns the report names for it)."""
    header = {k: v for k, v in report.items() if not isinstance(v, list | dict)}
    # The caseload's totals in the report's own row (``totals.households``), as ``fupin report
    # --format csv`` writes them (tester J, session 22: the export gave them a section of
    # their own, so a sheet built on one layout broke on the other).
    for key, value in report.items():
        if isinstance(value, dict):
            header.update(_flat(value, f"{key}."))
    named = REPORT_COLUMNS.get(str(report.get("report")), {})
    tables = [("report", list(header), [header])]
    for key, value in report.items():
        if isinstance(value, list):
            rows = [_flat(row) for row in value]
            tables.append((key, _columns(rows) or list(named.get(key, ())), rows))
    return tables


def _flat(row: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(row, dict):
        return {prefix or "value": joined(row)}
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, f"{name}."))
        else:
            flat[name] = joined(value)
    return flat


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return list(names)


def to_csv(report: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = SpreadsheetCSV(buffer)
    for index, (title, columns, rows) in enumerate(sections(report)):
        if index:
            buffer.write("\n")
        writer.writerow([f"# {title}"])
        writer.writerow(columns)
        # yes/no, as `fupin report --format csv` writes them (XLSX keeps Excel's booleans)
        writer.writerows([cell(row.get(c)) for c in columns] for row in rows)
    return buffer.getvalue()


def write_xlsx(report: dict[str, Any], path: Path | BinaryIO) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    workbook = Workbook()
    first = True
    for title, columns, rows in sections(report):
        sheet = workbook.active if first else workbook.create_sheet()
        assert sheet is not None
        sheet.title = title[:31]
        first = False
        sheet.append(columns)
        for row in rows:
            sheet.append([_exact(row.get(c)) for c in columns])
            for written in sheet[sheet.max_row]:
                if written.data_type == "f":  # a text openpyxl took for a formula: text
                    written.data_type = "s"  # (``=1+2`` typed as a village: tester M)
                if isinstance(written.value, str) and "\n" in written.value:
                    # a cell of lines (restated_by: an entry a line) shows them so (re-test T2)
                    written.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(path)


#: The largest whole number a spreadsheet keeps exact: Excel and WPS keep 15 significant digits.
_EXACT_IN_A_CELL = 10**15 - 1


def _exact(value: Any) -> Any:
    """``value`` as an XLSX cell holds it exactly: a whole number of more than 15 digits (a sum
    of fen past ~10 trillion yuan) as its digits in a text cell, which a spreadsheet would
    otherwise keep to 15 significant digits, and openpyxl past 2^53 writes through a float
    (since session 37, tester l: 9499999999999905 fen was written 9499999999999904, and every
    other format said ...905)."""
    if type(value) is int and abs(value) > _EXACT_IN_A_CELL:
        return str(value)
    return value
