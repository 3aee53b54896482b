"""``fupin place``: streets 街道 and villages / communities 村（社区）."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import (
    DocumentOption,
    EffectiveOption,
    console,
    ledger_session,
    make_stamp,
    refusals,
)

place_app = typer.Typer(help="Streets 街道 and villages / communities 村（社区）.")


@place_app.command("add-street")
@refusals
def add_street(
    name: Annotated[str, typer.Argument(help="Street name 街道, e.g. 江南.")],
    document: DocumentOption,
    effective: EffectiveOption = None,
) -> None:
    """Register a street 街道."""
    with ledger_session() as app:
        recorded = app.register_street(make_stamp(document, effective), name)
    console.print(f"street {recorded} registered")  # as recorded: trimmed


@place_app.command("add-village")
@refusals
def add_village(
    street: Annotated[str, typer.Argument(help="Street 街道.")],
    village: Annotated[str, typer.Argument(help="Village or community 村（社区）.")],
    document: DocumentOption,
    effective: EffectiveOption = None,
    relatively_poor: Annotated[
        bool, typer.Option("--relatively-poor", help="A relatively poor village 相对贫困村.")
    ] = False,
) -> None:
    """Add a village / community 村（社区） to a street."""
    with ledger_session() as app:
        stamp = make_stamp(document, effective)
        recorded = app.add_village(stamp, street, village, relatively_poor)
    console.print(f"village {recorded} added to {street}")  # as recorded: trimmed
