"""``fupin`` 扶贫: the command line of the poverty-alleviation audit ledger.

One ``Typer()`` per noun, composed here. Global options come before the command::

    fupin --store fupin.db --as jn-01 household visit JH-0001 --helper c-001 -d 江南扶贫〔2016〕12号
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from cli import common
from cli.corrections import correct
from cli.demo import demo
from cli.dossier import show
from cli.exporting import export_app
from cli.funds import fund_app
from cli.helpers import helper_app
from cli.household import household_app
from cli.importing import import_app
from cli.inspections import inspection_app
from cli.keys import keys_app
from cli.ledger_cmds import history, init, log
from cli.officers import officer_app
from cli.places import place_app
from cli.programme import programme_app
from cli.projections_cmds import projections_app
from cli.query import query
from cli.reports import report_app
from cli.verify import checkpoint, prove, verify

app = typer.Typer(
    name="fupin",
    help="扶贫 audit ledger of the Jianghai District targeted poverty-alleviation plan 2016-2018.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def main(
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            envvar="LEDGER_STORE",
            help="Ledger store: a SQLite path (default fupin.db) or postgresql://user:pass@host/db.",
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option("--as", envvar="LEDGER_ACTOR", help="Officer id recording events 记录人."),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            envvar="LEDGER_KEY",
            help="Your private key file 私钥 (mode 0600): signs your saves once registered.",
        ),
    ] = None,
) -> None:
    """扶贫台账: record, replay and verify the programme's history."""
    common.settings.store = store
    common.settings.actor = actor
    common.settings.key = key


app.command("init")(init)
app.command("history")(history)
app.command("log")(log)
app.add_typer(programme_app, name="programme")
app.add_typer(place_app, name="place")
app.add_typer(officer_app, name="officer")
app.add_typer(helper_app, name="helper")
app.add_typer(household_app, name="household")
household_app.command("show")(show)
app.add_typer(fund_app, name="fund")
app.add_typer(inspection_app, name="inspection")
app.command("correct")(correct)
app.add_typer(keys_app, name="keys")
app.command("verify")(verify)
app.command("checkpoint")(checkpoint)
app.command("prove")(prove)

app.add_typer(report_app, name="report")
app.add_typer(projections_app, name="projections")
app.command("query")(query)
app.command("demo")(demo)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


def run() -> None:
    """Console entry point: no traceback ever reaches a user."""
    try:
        app()
    except Exception as exc:  # a defect, not a refusal: say so in one line
        if os.environ.get("FUPIN_DEBUG"):
            raise
        common.err_console.print(
            f"internal error: {type(exc).__name__}: {exc} (set FUPIN_DEBUG=1 for details)",
            markup=False,
        )
        sys.exit(1)
