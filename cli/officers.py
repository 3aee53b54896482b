"""``fupin officer``: officers who record 记录人 — street poverty offices 街道扶贫办, the district
office 区扶贫办, inspectors 督查 and analysts."""

from __future__ import annotations

from typing import Annotated

import typer
from projections import api

from cli.common import (
    DocumentOption,
    EffectiveTodayOption,
    NoteOption,
    console,
    describe_changes,
    ledger_session,
    make_stamp,
    refusals,
)
from cli.privacy import reader_of
from cli.reports import (
    AsOfOption,
    FormatOption,
    KnownAtOption,
    OutputFormat,
    emit_report,
    times,
)

officer_app = typer.Typer(help="Officers 记录人: who may record what, and for which street 街道.")

OfficerArgument = Annotated[str, typer.Argument(help="Officer id 工号, e.g. jn-01.")]
RoleOption = Annotated[
    str,
    typer.Option(
        "--role",
        help="admin 区扶贫办 | officer 专干 | inspector 督查 | analyst 分析员.",
    ),
]
StreetOption = Annotated[
    str,
    typer.Option("--street", help="Street 街道 the officer works for; omit for district level."),
]


@officer_app.command("add")
@refusals
def add_officer(
    officer_id: OfficerArgument,
    name: Annotated[str, typer.Option("--name", help="Name 姓名.")],
    role: RoleOption,
    document: DocumentOption,
    street: StreetOption = "",
    unit: Annotated[str, typer.Option("--unit", help="Unit 单位, e.g. 江南街道扶贫办.")] = "",
    effective: EffectiveTodayOption = None,
) -> None:
    """Register an officer 登记记录人 with a role and, for a street office, a street."""
    with ledger_session() as app:
        app.register_officer(make_stamp(document, effective), officer_id, name, role, street, unit)
    console.print(f"officer {officer_id.strip()} registered as {role}")


@officer_app.command("change")
@refusals
def change_officer(
    officer_id: OfficerArgument,
    role: RoleOption,
    document: DocumentOption,
    street: StreetOption = "",
    effective: EffectiveTodayOption = None,
    note: NoteOption = "",
) -> None:
    """Give an officer another role or street 调岗; history keeps the old one."""
    with ledger_session() as app:
        app.change_officer(make_stamp(document, effective, note), officer_id, role, street)
    console.print(f"officer {officer_id} is now {role}" + (f" of {street}" if street else ""))


@officer_app.command("retire")
@refusals
def retire_officer(
    officer_id: OfficerArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why the officer leaves 离岗原因.")],
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
) -> None:
    """An officer leaves 离岗; their past events stay attributed to them."""
    with ledger_session() as app:
        app.retire_officer(make_stamp(document, effective), officer_id, reason)
    console.print(f"officer {officer_id} retired")


@officer_app.command("amend")
@refusals
def amend_officer(
    officer_id: OfficerArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why the entry was wrong 更正原因.")],
    document: DocumentOption,
    name: Annotated[str | None, typer.Option("--name", help="Name 姓名, as it really is.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit 单位.")] = None,
    effective: EffectiveTodayOption = None,
) -> None:
    """Amend their registration 更正登记事项: a name or unit typed wrong (the district office).

    Only what is given changes; the id, role and street stay (a transfer is `officer change`).
    The event keeps what each field was."""
    given = {"name": name, "unit": unit}
    changes = {field: value for field, value in given.items() if value is not None}
    with ledger_session() as app:
        restated = app.amend(
            make_stamp(document, effective), "officer", officer_id, changes, reason
        )
    console.print(f"officer {officer_id} amended: {describe_changes(restated)}")


@officer_app.command("list")
@refusals
def list_officers(
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Every officer registered 记录人: id, name, role, street, unit, still active or retired.

    From the read models, as the reports (--as-of, --known-at); for any reader."""
    day, moment = times(as_of, known_at)
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader
        report = api.officers(app, day, moment)
    emit_report(report, ("officers",), output, {"officers": api.OFFICER_COLUMNS})
