"""``fupin place``: streets 街道 and villages / communities 村（社区）."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import (
    DocumentOption,
    EffectiveTodayOption,
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
    effective: EffectiveTodayOption = None,
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
    effective: EffectiveTodayOption = None,
    relatively_poor: Annotated[
        bool, typer.Option("--relatively-poor", help="A relatively poor village 相对贫困村.")
    ] = False,
) -> None:
    """Add a village / community 村（社区） to a street."""
    with ledger_session() as app:
        stamp = make_stamp(document, effective)
        recorded = app.add_village(stamp, street, village, relatively_poor)
    console.print(f"village {recorded} added to {street}")  # as recorded: trimmed


@place_app.command("amend-village")
@refusals
def amend_village(
    street: Annotated[str, typer.Argument(help="Street 街道.")],
    village: Annotated[str, typer.Argument(help="Village or community 村（社区）.")],
    relatively_poor: Annotated[
        bool,
        typer.Option(
            "--relatively-poor/--not-relatively-poor",
            help="What the village really is: relatively poor 相对贫困村, or not.",
            show_default=False,
        ),
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why the entry was wrong 更正原因.")],
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
) -> None:
    """Amend a village added with its relatively-poor flag 相对贫困村 typed wrong 更正登记事项.

    The flag holds from the village's addition on; the event keeps what it was. Not to
    --not-relatively-poor while a village payment to it stands (void it first with `fupin
    correct fund`). A village's name is not amended: households and payments name it."""
    with ledger_session() as app:
        stamp = make_stamp(document, effective)
        app.amend_village(stamp, street, village, relatively_poor, reason)
    shown = "relatively poor" if relatively_poor else "not relatively poor"
    console.print(f"village {village.strip()} of {street.strip()} amended: {shown}")
