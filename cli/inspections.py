"""``fupin inspection``: inspections 督查 [六(三)、(七)] — findings with a rectification deadline
限期整改, rectification reports 整改, notices 通报 and leadership talks 约谈."""

from __future__ import annotations

from typing import Annotated

import typer
from ledger.inspections import parse_level

from cli.common import (
    DocumentOption,
    EffectiveOption,
    EffectiveTodayOption,
    NoteOption,
    console,
    describe_changes,
    ledger_session,
    make_stamp,
    on_date,
    refusals,
)

inspection_app = typer.Typer(
    help="Inspections 督查: findings 问题, rectification 整改, notices 通报, talks 约谈."
)

Code = Annotated[str, typer.Argument(help="Inspection code 督查编号, e.g. DC-2017-1.")]
Finding = Annotated[str, typer.Argument(help="Finding id 问题编号.")]
Reason = Annotated[str, typer.Option("--reason", help="Why 理由.")]


@inspection_app.command("open")
@refusals
def open_inspection(
    code: Code,
    level: Annotated[
        str,
        typer.Option(
            "--level",
            help="district 区级 (down to villages) | street 街道级, in English or Chinese, "
            "recorded in English.",
        ),
    ],
    year: Annotated[int, typer.Option("--year", help="Year inspected 年度.")],
    document: DocumentOption,
    street: Annotated[str, typer.Option("--street", help="Street 街道 inspected.")] = "",
    scope: Annotated[str, typer.Option("--scope", help="Scope 督查范围.")] = "",
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Open an inspection 督查."""
    with ledger_session() as app:
        app.open_inspection(make_stamp(document, effective, note), code, level, year, street, scope)
    console.print(f"inspection {code.strip()} opened ({parse_level(level)}, {year})")


@inspection_app.command("find")
@refusals
def find(
    code: Code,
    finding: Finding,
    subject_kind: Annotated[
        str,
        typer.Option(
            "--subject-kind", help="street | village | household | helper | officer | account."
        ),
    ],
    subject: Annotated[str, typer.Option("--subject", help="What the finding is about 对象.")],
    deadline: Annotated[
        str,
        typer.Option(
            "--deadline", help="Rectification deadline 整改期限 (YYYY-MM-DD or YYYY年M月D日)."
        ),
    ],
    document: DocumentOption,
    description: Annotated[str, typer.Option("--description", help="The problem 问题.")] = "",
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Record a finding 问题 with its rectification deadline 限期整改."""
    due = on_date(deadline, "deadline")
    with ledger_session() as app:
        app.record_finding(
            make_stamp(document, effective, note),
            code,
            finding,
            subject_kind,
            subject,
            description,
            due,
        )
    console.print(f"finding {finding.strip()} of {code} recorded, rectify by {due}")


@inspection_app.command("rectify")
@refusals
def rectify(
    code: Code,
    finding: Finding,
    summary: Annotated[str, typer.Option("--summary", help="What was rectified 整改情况.")],
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: Annotated[
        str,
        typer.Option(
            "--note",
            help="Note 备注; needed for a report dated before the first on record: why it "
            "was entered late.",
        ),
    ] = "",
) -> None:
    """The inspected unit reports its rectification 整改. One dated before the first on record
    (made then, entered late) says why in --note."""
    with ledger_session() as app:
        app.report_rectification(make_stamp(document, effective, note), code, finding, summary)
    console.print(f"rectification of {finding} reported")


@inspection_app.command("close")
@refusals
def close(
    code: Code,
    finding: Finding,
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """The inspector accepts the rectification and closes the finding 销号."""
    with ledger_session() as app:
        app.close_finding(make_stamp(document, effective, note), code, finding)
    console.print(f"finding {finding} of {code} closed")


@inspection_app.command("criticise")
@refusals
def criticise(
    code: Code,
    unit: Annotated[str, typer.Option("--unit", help="Unit named in the notice 被通报单位.")],
    reason: Reason,
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """A district notice 通报 names a unit with slow progress."""
    with ledger_session() as app:
        app.notice_criticism(make_stamp(document, effective, note), code, unit, reason)
    console.print(f"{unit} named in a notice under {code}")


@inspection_app.command("talk")
@refusals
def talk(
    code: Code,
    street: Annotated[str, typer.Option("--street", help="Street 街道 summoned.")],
    year: Annotated[int, typer.Option("--year", help="Year whose target was missed.")],
    reason: Reason,
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """A street that missed its yearly target has its leaders summoned for a talk 约谈."""
    with ledger_session() as app:
        app.hold_talk(make_stamp(document, effective, note), code, street, year, reason)
    console.print(f"leaders of {street} summoned for a talk about {year}")


@inspection_app.command("amend")
@refusals
def amend(
    code: Code,
    reason: Annotated[str, typer.Option("--reason", help="Why the entry was wrong 更正原因.")],
    document: DocumentOption,
    year: Annotated[
        int | None, typer.Option("--year", help="Year inspected 年度, as it really is.")
    ] = None,
    street: Annotated[
        str | None, typer.Option("--street", help="Street 街道 of a street inspection.")
    ] = None,
    scope: Annotated[str | None, typer.Option("--scope", help="Scope 督查范围.")] = None,
    effective: EffectiveTodayOption = None,
) -> None:
    """Amend an inspection opened with its year, street or scope typed wrong 更正登记事项.

    Only what is given changes; the code and level stay (open another inspection for those).
    A street inspection's street only while no finding, talk or notice stands under it (void
    them first with `fupin correct inspection`). The event keeps what each field was."""
    given = {"year": year, "street": street, "scope": scope}
    changes = {field: value for field, value in given.items() if value is not None}
    with ledger_session() as app:
        restated = app.amend(make_stamp(document, effective), "inspection", code, changes, reason)
    console.print(f"inspection {code.strip()} amended: {describe_changes(restated)}")
