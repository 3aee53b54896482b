"""``fupin projections rebuild|status``: the read models 读模型 kept beside the events."""

from __future__ import annotations

import typer
from projections import api
from projections.catchup import counted

from cli.common import console, emit_json, err_console, ledger_session, refusals, render_rows
from cli.privacy import reader_of
from cli.reports import FormatOption, OutputFormat

projections_app = typer.Typer(help="Read models 读模型: rebuild from zero, show positions.")


@projections_app.command("rebuild")
@refusals
def rebuild() -> None:
    """Rebuild the read models 重建读模型: drop them all and replay from the first event."""
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader (docs/privacy.md)
        applied = api.rebuild(app)
        held = counted(app)
    console.print(rebuilt_message(applied, held))


def rebuilt_message(applied: int, held: int) -> str:
    """What a rebuild says it did: the events it applied, and those another process applied
    meanwhile (a second rebuild at once, a report's catch-up): "rebuilt from 0 events" was
    printed by the one of two rebuilds at once whose pages the other had applied."""
    if held <= applied:
        return f"read models rebuilt from {applied} events"
    if applied == 0:
        return (
            f"read models rebuilt from {held} events, all applied by another process meanwhile "
            "(another rebuild, or a report catching up)"
        )
    return (
        f"read models rebuilt from {held} events: {applied} applied by this rebuild, "
        f"{held - applied} by another process meanwhile (another rebuild, or a report catching up)"
    )


@projections_app.command("status")
@refusals
def status(output: FormatOption = OutputFormat.table) -> None:
    """Read model status 读模型状态: tracked position, and how far behind the ledger."""
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader (docs/privacy.md)
        rows = api.status(app)
        note = api.readiness(app)
    if output is OutputFormat.json:
        emit_json(rows)
    else:
        render_rows(
            "projections",
            ("projection", "position", "behind", "tables"),
            [(r["projection"], r["position"], r["behind"], ", ".join(r["tables"])) for r in rows],
        )
    if note is not None:  # on stderr: the JSON on stdout stays the list it was
        err_console.print(note, markup=False, highlight=False, soft_wrap=True)


@projections_app.command("check")
@refusals
def check(output: FormatOption = OutputFormat.table) -> None:
    """Check the read models 核对读模型: every table as stored against the same table folded
    afresh from the events; exit 1 if one differs (changed behind the ledger's back)."""
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader (docs/privacy.md)
        rows = api.check(app)
    if output is OutputFormat.json:
        emit_json(rows)
    else:
        render_rows(
            "read models against the events",
            ("table", "stored rows", "rebuilt rows", "same"),
            [
                (r["table"], r["stored_rows"], r["rebuilt_rows"], "yes" if r["same"] else "NO")
                for r in rows
            ],
        )
    differ = [r["table"] for r in rows if not r["same"]]
    if differ:
        err_console.print(
            f"read models differ from the events: {', '.join(differ)}. Either the read models "
            "were changed, or the events themselves were (altered, removed): run `fupin verify` "
            "first, since a rebuild from altered events puts the alteration into every report; "
            "if it passes, rebuild them (fupin projections rebuild) and find out who changed "
            "them",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
