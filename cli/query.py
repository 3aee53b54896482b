"""``fupin query "SELECT ..."``: analysts' read-only SQL over the read models (``pj_*``)."""

from __future__ import annotations

import csv
import sys
from typing import Annotated

import typer
from projections import api
from projections.query import run_query

from cli.common import emit_json, ledger_session, refusals, render_rows
from cli.reports import FormatOption, OutputFormat


@refusals
def query(
    sql: Annotated[str, typer.Argument(help="One SELECT (or WITH ... SELECT) statement.")],
    output: FormatOption = OutputFormat.table,
) -> None:
    """Run one read-only SELECT over the read models 读模型 (tables in docs/reports.md)."""
    with ledger_session() as app:
        api.catch_up(app)
        columns, rows = run_query(app, sql)
    if output is OutputFormat.json:
        emit_json({"columns": columns, "rows": [list(r) for r in rows]})
    elif output is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        render_rows("query", columns, rows)
