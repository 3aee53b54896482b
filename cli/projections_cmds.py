"""``fupin projections rebuild|status``: the read models 读模型 kept beside the events."""

from __future__ import annotations

import typer
from projections import api

from cli.common import console, emit_json, ledger_session, refusals, render_rows
from cli.reports import FormatOption, OutputFormat

projections_app = typer.Typer(help="Read models 读模型: rebuild from zero, show positions.")


@projections_app.command("rebuild")
@refusals
def rebuild() -> None:
    """Rebuild the read models 重建读模型: drop them all and replay from the first event."""
    with ledger_session() as app:
        applied = api.rebuild(app)
    console.print(f"read models rebuilt from {applied} events")


@projections_app.command("status")
@refusals
def status(output: FormatOption = OutputFormat.table) -> None:
    """Read model status 读模型状态: tracked position, and how far behind the ledger."""
    with ledger_session() as app:
        rows = api.status(app)
    if output is OutputFormat.json:
        emit_json(rows)
        return
    render_rows(
        "projections",
        ("projection", "position", "behind", "tables"),
        [(r["projection"], r["position"], r["behind"], ", ".join(r["tables"])) for r in rows],
    )
