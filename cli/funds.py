"""``fupin fund``: fund accounts 扶贫资金 — the city fund 市扶贫基金, district 区财政, street 街道,
social donations 社会捐赠 — their allocations 拨付 and disbursements 支出 [六(四)]."""

from __future__ import annotations

from typing import Annotated

import typer
from ledger.funds import (
    ALLOCATION_SIGN,
    PAYMENT_SIGN,
    Disbursement,
    parse_purpose,
    parse_source,
    parse_use,
)
from ledger.values import format_yuan

from cli.common import (
    DocumentOption,
    EffectiveOption,
    EffectiveTodayOption,
    NoteOption,
    console,
    describe_changes,
    ledger_session,
    make_stamp,
    money,
    refusals,
)

fund_app = typer.Typer(help="Fund accounts 扶贫资金: allocations 拨付 and disbursements 支出.")

Account = Annotated[str, typer.Argument(help="Account code 账户, e.g. city-2016.")]
Amount = Annotated[str, typer.Option("--amount", help="Amount in yuan 元 (at most 2 decimals).")]


@fund_app.command("open")
@refusals
def open_account(
    code: Account,
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="city 市扶贫基金 | district 区财政 | street 街道 | donation 社会捐赠, in "
            "English or Chinese (市级, 区级, 街道级 too), recorded in English.",
        ),
    ],
    year: Annotated[int, typer.Option("--year", help="Year 年度 of the account.")],
    document: DocumentOption,
    street: Annotated[str, typer.Option("--street", help="Street 街道 of a street account.")] = "",
    donor: Annotated[str, typer.Option("--donor", help="Donor 捐赠方 of a donation account.")] = "",
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Open a fund account 开设资金账户 for one source and one year."""
    with ledger_session() as app:
        app.open_account(make_stamp(document, effective, note), code, source, year, street, donor)
    console.print(f"account {code.strip()} opened ({parse_source(source)}, {year})")


@fund_app.command("allocate")
@refusals
def allocate(
    code: Account,
    amount: Amount,
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """An allocation 拨付 reaches the account.

    One like an allocation on record (the same day, document, note and amount) is refused as
    recorded twice: a second one has a document of its own, or a note saying what sets it
    apart."""
    amount_fen = money(amount, "amount", ALLOCATION_SIGN)
    with ledger_session() as app:
        app.receive_allocation(make_stamp(document, effective, note), code, amount_fen)
    console.print(f"{format_yuan(amount_fen)} yuan allocated to {code}")  # as recorded


@fund_app.command("disburse")
@refusals
def disburse(
    code: Account,
    amount: Amount,
    category: Annotated[
        str,
        typer.Option(
            "--category",
            help="A measure category (industry 产业, education 教育...) for a household; "
            "facilities 生产设施 | party-building 党建 for a village; social-work 社工组织; "
            "working 工作经费. In English or Chinese, recorded in English.",
        ),
    ],
    purpose: Annotated[
        str,
        typer.Option(
            "--purpose",
            help="household 到户 | village 到村 (相对贫困村) | organisation 社工组织 | "
            "working 工作经费.",
        ),
    ],
    document: DocumentOption,
    household: Annotated[
        str, typer.Option("--household", help="Household number 户号 (purpose household only).")
    ] = "",
    measure: Annotated[
        str, typer.Option("--measure", help="The household's measure id (purpose household only).")
    ] = "",
    street: Annotated[
        str,
        typer.Option("--street", help="Street 街道 of a village project (purpose village only)."),
    ] = "",
    village: Annotated[
        str,
        typer.Option(
            "--village", help="Relatively poor village 相对贫困村 (purpose village only)."
        ),
    ] = "",
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Pay out of an account 支出, never beyond its balance.

    Give only the options the purpose uses: --household and --measure for household,
    --street and --village for village, none for organisation and working; a household is
    paid for a day it was assisted (-e). A payment like one on record (the same day,
    document, note and payment) is refused as recorded twice, as an allocation is."""
    paid = money(amount, "amount", PAYMENT_SIGN)
    payment = Disbursement(paid, category, purpose, household, measure, street, village)
    with ledger_session() as app:
        app.disburse(make_stamp(document, effective, note), code, payment)
    shown = format_yuan(payment.amount_fen)  # as recorded, not as typed (" 1,000.1 ")
    # The purpose and category as recorded: 到户 is household, 教育 education (since session 24).
    recorded = f"{parse_purpose(purpose)}, {parse_use(category)}"
    console.print(f"{shown} yuan disbursed from {code} ({recorded})")


@fund_app.command("amend")
@refusals
def amend(
    code: Account,
    reason: Annotated[str, typer.Option("--reason", help="Why the entry was wrong 更正原因.")],
    document: DocumentOption,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Source 来源, as it really is, as fund open takes it."),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Year 年度 of the account.")] = None,
    street: Annotated[
        str | None, typer.Option("--street", help="Street 街道 of a street account.")
    ] = None,
    donor: Annotated[
        str | None, typer.Option("--donor", help="Donor 捐赠方 of a donation account.")
    ] = None,
    effective: EffectiveTodayOption = None,
) -> None:
    """Amend an account opened with its source, year, street or donor typed wrong 更正登记事项.

    Only what is given changes (a source that names no street or donor clears the account's);
    the code stays. Only while no allocation or payment stands on the account (void them
    first with `fupin correct fund`). The event keeps what each field was."""
    given = {"source": source, "year": year, "street": street, "donor": donor}
    changes = {field: value for field, value in given.items() if value is not None}
    with ledger_session() as app:
        restated = app.amend(make_stamp(document, effective), "fund", code, changes, reason)
    console.print(f"account {code.strip()} amended: {describe_changes(restated)}")
