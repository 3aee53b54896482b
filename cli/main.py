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
from cli.ledger_cmds import history, init, log
from cli.places import place_app
from cli.programme import programme_app

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
) -> None:
    """扶贫台账: record, replay and verify the programme's history."""
    common.settings.store = store
    common.settings.actor = actor


app.command("init")(init)
app.command("history")(history)
app.command("log")(log)
app.add_typer(programme_app, name="programme")
app.add_typer(place_app, name="place")


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
