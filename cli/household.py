"""``fupin household``: the case 贫困户, from identification 识别 to exit 退出 and return 返贫.

Each command parses what the officer typed and calls one command of the ledger, which checks
the plan's rules (江高发〔2016〕4号) and the officer's street.
"""

from __future__ import annotations

from typing import Annotated

import typer
from ledger.casework import Identification, PersonalChange
from ledger.errors import InputError
from ledger.household import Personal

from cli.common import (
    DocumentOption,
    EffectiveOption,
    NoteOption,
    console,
    ledger_session,
    make_stamp,
    money,
    on_date,
    refusals,
)

household_app = typer.Typer(
    help="Households 贫困户: identification 识别 to exit 退出 and return 返贫."
)

Number = Annotated[str, typer.Argument(help="Household number 户号, e.g. JH-0001.")]
HelperArg = Annotated[str, typer.Argument(help="Helper id 帮扶责任人.")]
Year = Annotated[int, typer.Argument(help="Assessment year 年度.")]
Start = Annotated[str, typer.Option("--start", help="First day of the notice 公示 (YYYY-MM-DD).")]
End = Annotated[str, typer.Option("--end", help="Last day of the notice, inclusive (YYYY-MM-DD).")]
Members = Annotated[int, typer.Option("--members", help="Number of members 人口.")]
HeadName = Annotated[str, typer.Option("--head-name", help="Head of household 户主.")]
IdCard = Annotated[str, typer.Option("--id-card", help="Head's ID-card number 身份证号.")]
Phone = Annotated[str, typer.Option("--phone", help="Phone 电话.")]
Address = Annotated[str, typer.Option("--address", help="Address 住址.")]
MemberNames = Annotated[
    list[str] | None,
    typer.Option("--member-name", help="A member's name 成员姓名; repeat once per member."),
]


def _personal(
    head_name: str, id_card: str, phone: str, address: str, names: list[str] | None
) -> Personal:
    return Personal(head_name, id_card.strip().upper(), phone, address, tuple(names or ()))


@household_app.command("identify")
@refusals
def identify(
    number: Number,
    street: Annotated[str, typer.Option("--street", help="Street 街道.")],
    village: Annotated[str, typer.Option("--village", help="Village / community 村（社区）.")],
    members: Members,
    head_name: HeadName,
    id_card: IdCard,
    document: DocumentOption,
    area: Annotated[str, typer.Option("--area", help="rural 农村 | urban 城镇.")] = "rural",
    labour: Annotated[
        bool, typer.Option("--labour/--no-labour", help="With labour capacity 有劳动能力.")
    ] = True,
    willing: Annotated[
        bool, typer.Option("--willing/--not-willing", help="Willing to take part 有意愿.")
    ] = True,
    disabled: Annotated[
        bool, typer.Option("--disabled", help="Disabled with labour capacity: priority 残疾人.")
    ] = False,
    dibao: Annotated[
        bool, typer.Option("--dibao/--no-dibao", help="On the 低保 roll (the plan's scope).")
    ] = True,
    phone: Phone = "",
    address: Address = "",
    member_name: MemberNames = None,
    effective: EffectiveOption = None,
) -> None:
    """Identify a household 识别 from the 低保 roll."""
    personal = _personal(head_name, id_card, phone, address, member_name)
    facts = Identification(
        number, street, village, area, members, labour, willing, disabled, dibao, personal
    )
    with ledger_session() as app:
        app.identify(make_stamp(document, effective), facts)
    console.print(f"household {number} identified in {street} {village}")


KeptPhone = Annotated[
    str | None,
    typer.Option("--phone", help="Phone 电话; default: as on record; '' records none."),
]
KeptAddress = Annotated[
    str | None,
    typer.Option("--address", help="Address 住址; default: as on record; '' records none."),
]
KeptMemberNames = Annotated[
    list[str] | None,
    typer.Option(
        "--member-name",
        help="A member's name 成员姓名, once per member; default: the names on record; "
        "one empty --member-name '' records none.",
    ),
]


def _kept_names(names: list[str] | None) -> tuple[str, ...] | None:
    """``--member-name`` of ``household members``: not given keeps the names on record; one
    empty value records none."""
    if names is None:
        return None
    if any(not name.strip() for name in names):
        if len(names) > 1:
            raise InputError(
                "member_name",
                "an empty --member-name records no names: give it alone, or give every name",
            )
        return ()
    return tuple(names)


def _given(value: str | None) -> str | None:
    """What an option of ``household members`` records: not given (None) keeps the value on
    record; given empty on purpose (``--phone ''``) records none."""
    return None if value is None else value if value.strip() else ""


@household_app.command("members")
@refusals
def change_members(
    number: Number,
    members: Members,
    head_name: HeadName,
    id_card: IdCard,
    document: DocumentOption,
    note: Annotated[str, typer.Option("--note", help="What changed 变更说明 (required).")],
    phone: KeptPhone = None,
    address: KeptAddress = None,
    member_name: KeptMemberNames = None,
    effective: EffectiveOption = None,
) -> None:
    """The household's members changed 人口变更 (birth, death, marriage...).

    Phone, address and member names not given are kept as on record; give one empty
    (--phone '') to record none."""
    personal = PersonalChange(
        head_name,
        id_card.strip().upper(),
        _given(phone),
        _given(address),
        _kept_names(member_name),
    )
    with ledger_session() as app:
        app.change_members(make_stamp(document, effective, note), number, members, personal)
    kept = [
        name
        for name, value in (
            ("phone", personal.phone),
            ("address", personal.address),
            ("member names", personal.member_names),
        )
        if value is None
    ]
    said = f" ({', '.join(kept)} as on record)" if kept else ""
    console.print(f"household {number} now has {members} members{said}", soft_wrap=True)


@household_app.command("review")
@refusals
def review(
    number: Number,
    document: DocumentOption,
    accepted: Annotated[
        bool, typer.Option("--accepted/--rejected", help="Outcome of the village review.")
    ] = True,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Village review 村（社区）评议 of the identification."""
    with ledger_session() as app:
        app.review(make_stamp(document, effective, note), number, accepted)
    console.print(f"household {number} {'accepted' if accepted else 'rejected'} at review")


@household_app.command("notice")
@refusals
def notice(
    number: Number,
    start: Start,
    end: End,
    document: DocumentOption,
    effective: EffectiveOption = None,
) -> None:
    """Public notice 张榜公示, at least 7 days."""
    first, last = on_date(start, "start"), on_date(end, "end")
    with ledger_session() as app:
        app.post_notice(make_stamp(document, effective), number, first, last)
    console.print(f"household {number} under notice {first} to {last}")


@household_app.command("object")
@refusals
def raise_objection(
    number: Number,
    objection: Annotated[str, typer.Argument(help="Objection id 异议编号.")],
    summary: Annotated[str, typer.Option("--summary", help="What the objection says 异议内容.")],
    document: DocumentOption,
    effective: EffectiveOption = None,
) -> None:
    """An objection 异议 to the public notice (the public, 两代表一委员)."""
    with ledger_session() as app:
        app.raise_objection(make_stamp(document, effective), number, objection, summary)
    console.print(f"objection {objection} to household {number} recorded")


@household_app.command("resolve")
@refusals
def resolve_objection(
    number: Number,
    objection: Annotated[str, typer.Argument(help="Objection id 异议编号.")],
    document: DocumentOption,
    upheld: Annotated[
        bool,
        typer.Option("--upheld/--dismissed", help="Upheld: the household is not registered."),
    ] = False,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Answer an objection 异议处理."""
    with ledger_session() as app:
        app.resolve_objection(make_stamp(document, effective, note), number, objection, upheld)
    console.print(f"objection {objection} {'upheld' if upheld else 'dismissed'}")


@household_app.command("sign")
@refusals
def sign(number: Number, document: DocumentOption, effective: EffectiveOption = None) -> None:
    """The household signs to confirm 逐户签字确认."""
    with ledger_session() as app:
        app.sign(make_stamp(document, effective), number)
    console.print(f"household {number} signed")


@household_app.command("register")
@refusals
def register(
    number: Number,
    document: DocumentOption,
    key_target: Annotated[
        bool,
        typer.Option(
            "--key-target/--not-key-target", help="Key target 重点帮扶对象 (labour and willing)."
        ),
    ] = True,
    effective: EffectiveOption = None,
) -> None:
    """Registration 建档立卡, one file per household 一户一档."""
    with ledger_session() as app:
        app.register(make_stamp(document, effective), number, key_target)
    console.print(f"household {number} registered" + (" as a key target" if key_target else ""))


@household_app.command("pair")
@refusals
def pair(
    number: Number, helper: HelperArg, document: DocumentOption, effective: EffectiveOption = None
) -> None:
    """Pair a helper 结对帮扶 (4+1: cadres, enterprise, social worker, volunteer team)."""
    with ledger_session() as app:
        app.pair(make_stamp(document, effective), number, helper)
    console.print(f"helper {helper} paired with household {number}")


@household_app.command("unpair")
@refusals
def unpair(
    number: Number,
    helper: HelperArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the pairing ends 原因.")],
    document: DocumentOption,
    replacement: Annotated[
        str, typer.Option("--replacement", help="Helper of the same kind taking over 接替人.")
    ] = "",
    effective: EffectiveOption = None,
) -> None:
    """End a pairing 脱钩: 不脱贫不脱钩 — before exit only with a replacement."""
    with ledger_session() as app:
        app.unpair(make_stamp(document, effective), number, helper, reason, replacement)
    console.print(f"helper {helper} unpaired from household {number}")


@household_app.command("agree")
@refusals
def agree(number: Number, document: DocumentOption, effective: EffectiveOption = None) -> None:
    """The two-way assistance agreement 扶贫协议 is signed."""
    with ledger_session() as app:
        app.sign_agreement(make_stamp(document, effective), number)
    console.print(f"agreement signed with household {number}")


@household_app.command("visit")
@refusals
def visit(
    number: Number,
    helper: Annotated[str, typer.Option("--helper", help="Paired helper who visited 走访人.")],
    document: DocumentOption,
    summary: Annotated[str, typer.Option("--summary", help="What was done 走访情况.")] = "",
    effective: EffectiveOption = None,
) -> None:
    """A visit 走访 by a paired helper (at least once a quarter)."""
    with ledger_session() as app:
        app.record_visit(make_stamp(document, effective), number, helper, summary)
    console.print(f"visit by {helper} to household {number} recorded")


@household_app.command("plan-measure")
@refusals
def plan_measure(
    number: Number,
    measure: Annotated[str, typer.Argument(help="Measure id 措施编号.")],
    category: Annotated[
        str,
        typer.Option(
            "--category",
            help="industry 产业 | finance 金融 | entrepreneurship 创业 | employment 就业 | "
            "education 教育 | medical 医疗 | relief 救助 | internet 互联网+ | social 社会.",
        ),
    ],
    document: DocumentOption,
    description: Annotated[str, typer.Option("--description", help="What 措施内容.")] = "",
    budget: Annotated[str, typer.Option("--budget", help="Budget 预算, yuan.")] = "0",
    effective: EffectiveOption = None,
) -> None:
    """Plan a measure 帮扶措施 of the household's plan 一户一策."""
    budget_fen = money(budget, "budget")
    with ledger_session() as app:
        app.plan_measure(
            make_stamp(document, effective), number, measure, category, description, budget_fen
        )
    console.print(f"measure {measure} planned for household {number}")


@household_app.command("complete-measure")
@refusals
def complete_measure(
    number: Number,
    measure: Annotated[str, typer.Argument(help="Measure id 措施编号.")],
    document: DocumentOption,
    outcome: Annotated[str, typer.Option("--outcome", help="What came of it 成效.")] = "",
    effective: EffectiveOption = None,
) -> None:
    """A measure was carried out 措施落实."""
    with ledger_session() as app:
        app.complete_measure(make_stamp(document, effective), number, measure, outcome)
    console.print(f"measure {measure} of household {number} completed")


@household_app.command("assess")
@refusals
def assess(
    number: Number,
    year: Year,
    income: Annotated[
        str, typer.Option("--income", help="Per-capita disposable income 人均可支配收入, yuan.")
    ],
    document: DocumentOption,
    effective: EffectiveOption = None,
) -> None:
    """The yearly income assessment 收入核算."""
    income_fen = money(income, "income")
    with ledger_session() as app:
        app.assess_income(make_stamp(document, effective), number, year, income_fen)
    console.print(f"household {number}: {year} income {income} yuan per person recorded")


@household_app.command("propose-exit")
@refusals
def propose_exit(
    number: Number, year: Year, document: DocumentOption, effective: EffectiveOption = None
) -> None:
    """Propose exit 拟退出 for an assessment year (income at the threshold)."""
    with ledger_session() as app:
        app.propose_exit(make_stamp(document, effective), number, year)
    console.print(f"exit of household {number} proposed for {year}")


@household_app.command("verify-exit")
@refusals
def verify_exit(
    number: Number, document: DocumentOption, effective: EffectiveOption = None
) -> None:
    """The street verifies the exit 核实."""
    with ledger_session() as app:
        app.verify_exit(make_stamp(document, effective), number)
    console.print(f"exit of household {number} verified")


@household_app.command("withdraw-exit")
@refusals
def withdraw_exit(
    number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Why the exit is withdrawn 原因.")],
    document: DocumentOption,
    effective: EffectiveOption = None,
) -> None:
    """Withdraw an exit under way 撤回退出 (its verification 核实 failed...), saying why."""
    with ledger_session() as app:
        app.withdraw_exit(make_stamp(document, effective), number, reason)
    console.print(f"exit of household {number} withdrawn")


@household_app.command("exit-notice")
@refusals
def exit_notice(
    number: Number,
    start: Start,
    end: End,
    document: DocumentOption,
    effective: EffectiveOption = None,
) -> None:
    """The exit is publicly announced 公示, at least 7 days."""
    first, last = on_date(start, "start"), on_date(end, "end")
    with ledger_session() as app:
        app.post_exit_notice(make_stamp(document, effective), number, first, last)
    console.print(f"exit of household {number} announced {first} to {last}")


@household_app.command("approve-exit")
@refusals
def approve_exit(
    number: Number, document: DocumentOption, effective: EffectiveOption = None
) -> None:
    """The district approves the exit 退出: the household leaves the programme."""
    with ledger_session() as app:
        app.approve_exit(make_stamp(document, effective), number)
    console.print(f"household {number} exited")


@household_app.command("return")
@refusals
def return_to_poverty(
    number: Number,
    step: Annotated[
        str,
        typer.Argument(
            help="recognised 认定 | applied 申报 (street) | reviewed 审核 (district) | "
            "approved 审批 (city)."
        ),
    ],
    document: DocumentOption,
    disaster: Annotated[
        str, typer.Option("--disaster", help="The major natural disaster 重大自然灾害.")
    ] = "",
    authority: Annotated[
        str,
        typer.Option(
            "--authority", help="Department at district level or higher that recognised it."
        ),
    ] = "",
    effective: EffectiveOption = None,
) -> None:
    """Return to poverty 返贫 after a major disaster, one step at a time."""
    with ledger_session() as app:
        app.advance_return(make_stamp(document, effective), number, step, disaster, authority)
    console.print(f"return of household {number}: {step}")
