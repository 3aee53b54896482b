"""``fupin programme``: open the programme 扶贫实施方案 and record yearly parameters 年度参数."""

from __future__ import annotations

from typing import Annotated

import typer
from ledger.application import Ledger
from ledger.errors import LedgerError
from ledger.programme import ProgrammeRules, YearParameters, rule_shown
from ledger.values import parse_shares

from cli.common import (
    DocumentOption,
    EffectiveTodayOption,
    NoteOption,
    console,
    describe_changes,
    err_console,
    ledger_session,
    make_stamp,
    money,
    refusals,
)

programme_app = typer.Typer(help="The programme 扶贫实施方案 and its yearly parameters 年度参数.")

_DEFAULT = ProgrammeRules()


@programme_app.command("open")
@refusals
def open_programme(
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
    title: Annotated[
        str, typer.Option(help="Title 方案名称.")
    ] = "新时期城乡精准扶贫精准脱贫实施方案（2016—2018年）",
    first_year: Annotated[int, typer.Option(help="First year.")] = _DEFAULT.first_year,
    last_year: Annotated[int, typer.Option(help="Last year.")] = _DEFAULT.last_year,
    per_person_min: Annotated[
        str, typer.Option(help="Minimum funding per key-target person over the programme, yuan.")
    ] = "20000",
    shares: Annotated[str, typer.Option(help="Yearly exit shares 减贫计划, e.g. 2:3:5.")] = "2:3:5",
    local_yearly_min: Annotated[
        str, typer.Option(help="Local (district + street) funding minimum per year, yuan.")
    ] = "1592000",
    urban_exit_percent: Annotated[
        int, typer.Option(help="Urban exit: % of the urban 低保 standard.")
    ] = _DEFAULT.urban_exit_percent,
    rural_exit_percent: Annotated[
        int, typer.Option(help="Rural exit: % of district rural per-capita income.")
    ] = _DEFAULT.rural_exit_percent,
    notice_days: Annotated[
        int, typer.Option(help="Minimum public notice 公示 days (at least 7 [四(一)]).")
    ] = _DEFAULT.notice_min_days,
) -> None:
    """Open the programme with its rules (defaults: 江高发〔2016〕4号)."""
    rules = ProgrammeRules(
        first_year=first_year,
        last_year=last_year,
        per_person_min_fen=money(per_person_min, "per_person_min"),
        reduction_shares=parse_shares(shares),
        local_yearly_min_fen=money(local_yearly_min, "local_yearly_min"),
        urban_exit_percent=urban_exit_percent,
        rural_exit_percent=rural_exit_percent,
        notice_min_days=notice_days,
    )
    with ledger_session() as app:
        app.open_programme(make_stamp(document, effective), title, rules)
    console.print("programme opened")


@programme_app.command("set-year")
@refusals
def set_year(
    year: Annotated[int, typer.Argument(help="The year 年度.")],
    urban_dibao: Annotated[
        str,
        typer.Option(
            help="Urban 低保 standard per person per year, yuan 城镇低保标准 "
            "(a monthly standard × 12)."
        ),
    ],
    rural_income: Annotated[
        str,
        typer.Option(
            help="District rural per-capita disposable income, yuan 农村居民人均可支配收入."
        ),
    ],
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
    note: NoteOption = "",
) -> None:
    """Record a year's standards 年度参数; setting a year again is a correction and needs --note."""
    params = YearParameters(
        year, money(urban_dibao, "urban_dibao"), money(rural_income, "rural_income")
    )
    with ledger_session() as app:
        programme = app.opened_programme()
        again = programme is not None and year in programme.years
        app.set_year(make_stamp(document, effective, note), params)
        console.print(f"parameters for {year} recorded")
        if not again:
            return
        # A correction of a year's standards judges its exits again (the district
        # administrator, session 22: 46 approved exits turned faults, and nothing said so).
        # Said once the correction is recorded, and only said: a report that cannot be made
        # now (read models refused, a lock) fails nothing (tester Q: the correction was
        # recorded, then the command said "nothing was written" and exited 2).
        try:
            below = _exits_below(app, year)
        except LedgerError as exc:
            err_console.print(
                f"note: the correction is recorded, but its exits could not be counted "
                f"({exc.field}: {exc.rule}); once that is put right, fupin report "
                "accountability lists them",
                markup=False,
                soft_wrap=True,
            )
            return
    if below:
        console.print(
            f"{below} exit(s) of {year} now rest on an income below the corrected threshold: "
            "fupin report accountability lists them (exit_faults, income-below); the next step "
            "of one under way is refused until it is withdrawn or the year assessed again",
            soft_wrap=True,
        )


def _exits_below(app: Ledger, year: int) -> int:
    """How many of ``year``'s exits the accountability report finds on an income below its
    threshold, as the ledger stands."""
    from projections import api

    faults = api.accountability(app)["exit_faults"]
    return sum(1 for f in faults if f["year"] == year and f["fault"] == "income-below")


@programme_app.command("amend")
@refusals
def amend(
    reason: Annotated[str, typer.Option("--reason", help="Why the rules were wrong 更正原因.")],
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
    shares: Annotated[
        str | None, typer.Option(help="Yearly exit shares 减贫计划, e.g. 2:3:5.")
    ] = None,
    per_person_min: Annotated[
        str | None, typer.Option(help="Minimum funding per key-target person, yuan.")
    ] = None,
    local_yearly_min: Annotated[
        str | None, typer.Option(help="Local funding minimum per year, yuan.")
    ] = None,
    urban_exit_percent: Annotated[
        int | None, typer.Option(help="Urban exit: % of the urban 低保 standard.")
    ] = None,
    rural_exit_percent: Annotated[
        int | None, typer.Option(help="Rural exit: % of district rural per-capita income.")
    ] = None,
    notice_days: Annotated[
        int | None, typer.Option(help="Minimum public notice 公示 days (at least 7 [四(一)]).")
    ] = None,
) -> None:
    """Amend rules typed wrong at `programme open` 更正登记事项, from the opening on.

    Only what is given changes; the event keeps what each rule was. The shares and funding
    minimums (read by reports only) always; the exit percentages only while no exit was
    ever proposed, the notice days only while no notice was ever posted (each judged by
    them), and never below 7 (公示期要在7天以上 [四(一)]). The years are not amended. One
    recorded after a plan year ended restates that year after the fact (its target, a talk
    due, a minimum met): `fupin report accountability` lists every amendment
    (rules_amendments)."""
    changes: dict[str, object] = {}
    if shares is not None:
        changes["reduction_shares"] = parse_shares(shares)
    if per_person_min is not None:
        changes["per_person_min_fen"] = money(per_person_min, "per_person_min")
    if local_yearly_min is not None:
        changes["local_yearly_min_fen"] = money(local_yearly_min, "local_yearly_min")
    given = {
        "urban_exit_percent": urban_exit_percent,
        "rural_exit_percent": rural_exit_percent,
        "notice_min_days": notice_days,
    }
    changes.update({name: value for name, value in given.items() if value is not None})
    with ledger_session() as app:
        restated = app.amend_rules(make_stamp(document, effective), changes, reason)
    shown = {  # named as the options and history name them (per_person_min, no _fen)
        name.removesuffix("_fen"): (rule_shown(name, was), rule_shown(name, now))
        for name, (was, now) in restated.items()
    }
    console.print(f"programme rules amended: {describe_changes(shown)}")
