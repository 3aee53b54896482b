"""``fupin helper``: the 4+1 helpers 帮扶责任人 — cadres 干部, enterprises 企业 and cooperatives
合作社, social workers 社工, volunteer teams 义工团队 — and the registered poor workers that
enterprises employ [四(十一)]."""

from __future__ import annotations

from typing import Annotated

import typer
from ledger.helpers import parse_kind

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

helper_app = typer.Typer(
    help="Helpers 帮扶责任人 of the 4+1 model, and employment 就业 of workers."
)

EnterpriseArgument = Annotated[
    str, typer.Argument(help="Helper id of the enterprise 企业 or cooperative 合作社.")
]
HouseholdArgument = Annotated[str, typer.Argument(help="Household number 户号 of the worker.")]


@helper_app.command("add")
@refusals
def add_helper(
    helper_id: Annotated[str, typer.Argument(help="Helper id, e.g. c-001.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="cadre 干部 | enterprise 企业 | cooperative 合作社 | social-worker 社工 | "
            "volunteer-team 义工团队, in English or Chinese, recorded in English.",
        ),
    ],
    name: Annotated[str, typer.Option("--name", help="Name 名称.")],
    document: DocumentOption,
    unit: Annotated[str, typer.Option("--unit", help="Unit 单位 (a cadre's bureau...).")] = "",
    rank: Annotated[
        str,
        typer.Option(
            "--rank",
            help="A cadre's rank: deputy-section 副科级 | section 正科级 | "
            "deputy-division 副处级 | division 正处级 | deputy-bureau 副厅级 | bureau 正厅级.",
        ),
    ] = "",
    team_size: Annotated[
        int, typer.Option("--team-size", help="A volunteer team's members 人数 (at least 10).")
    ] = 0,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Register a helper 帮扶责任人 of the 4+1 model."""
    with ledger_session() as app:
        app.register_helper(
            make_stamp(document, effective, note), helper_id, kind, name, unit, rank, team_size
        )
    console.print(f"helper {helper_id.strip()} registered as {parse_kind(kind)}")


@helper_app.command("amend")
@refusals
def amend_helper(
    helper_id: Annotated[str, typer.Argument(help="Helper id, e.g. c-001.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the entry was wrong 更正原因.")],
    document: DocumentOption,
    name: Annotated[str | None, typer.Option("--name", help="Name 名称, as it really is.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit 单位.")] = None,
    rank: Annotated[str | None, typer.Option("--rank", help="A cadre's rank (see add).")] = None,
    team_size: Annotated[
        int | None, typer.Option("--team-size", help="A volunteer team's members 人数.")
    ] = None,
    effective: EffectiveTodayOption = None,
) -> None:
    """Amend its registration 更正登记事项: a name, unit, rank or team size typed wrong.

    Only what is given changes; its id and kind stay. The event keeps what each field was."""
    given = {"name": name, "unit": unit, "rank": rank, "team_size": team_size}
    changes = {field: value for field, value in given.items() if value is not None}
    with ledger_session() as app:
        restated = app.amend(make_stamp(document, effective), "helper", helper_id, changes, reason)
    console.print(f"helper {helper_id} amended: {describe_changes(restated)}")


@helper_app.command("employ")
@refusals
def employ(
    enterprise: EnterpriseArgument,
    household: HouseholdArgument,
    since: Annotated[
        str, typer.Option("--since", help="Employed since 入职日期 (YYYY-MM-DD or YYYY年M月D日).")
    ],
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """An enterprise or cooperative employs a registered poor worker 吸纳贫困劳动力就业."""
    start = on_date(since, "since")
    with ledger_session() as app:
        app.employ_worker(make_stamp(document, effective, note), enterprise, household, start)
    console.print(f"{enterprise} employs a worker of household {household} since {start}")


@helper_app.command("end-employment")
@refusals
def end_employment(
    enterprise: EnterpriseArgument,
    household: HouseholdArgument,
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """The registered worker leaves the enterprise 离职, on or before the household's closure
    注销 if it is closed."""
    with ledger_session() as app:
        app.end_employment(make_stamp(document, effective, note), enterprise, household)
    console.print(f"employment of household {household} by {enterprise} ended")
