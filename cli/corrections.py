"""``fupin correct``: corrections 更正 never edit an entry; they append ``Corrected`` naming the
voided version, and the record takes the entry's effect back out."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import (
    DocumentOption,
    EffectiveTodayOption,
    console,
    err_console,
    ledger_session,
    make_stamp,
    refusals,
    say_of_exit,
)


@refusals
def correct(
    kind: Annotated[
        str,
        typer.Argument(
            help="household 贫困户 | fund 资金账户 | helper 帮扶责任人 | officer 工作人员 | "
            "inspection 督查. Never street or programme: a village's flag is restated by place "
            "amend-village, the rules by programme amend, a year's standards by programme "
            "set-year --note."
        ),
    ],
    key: Annotated[
        str, typer.Argument(help="Its key: household number, account code, helper id...")
    ],
    version: Annotated[int, typer.Argument(help="Version of the entry to void (see history).")],
    reason: Annotated[str, typer.Option("--reason", help="Why the entry is wrong 更正原因.")],
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
) -> None:
    """Void a mistaken entry 更正 (a visit, an income assessment, a payment...), saying why."""
    with ledger_session() as app:
        said = app.correct(make_stamp(document, effective), kind, key, version, reason)
        left = app.merge_void_left(key, version) if kind == "household" else ""
        voided = app.voided_entry(kind, key, version)
    # what was voided, so that a wrong version is seen at once (since session 37, tester l F3:
    # only "entry 3 corrected", where every other confirmation echoes its figures)
    console.print(f"{kind} {key} entry {version} corrected: its {voided} is void", soft_wrap=True)
    say_of_exit(said)  # a voided assessment or change of members (since session 30)
    if left:
        err_console.print(f"warning: {left}", soft_wrap=True)
