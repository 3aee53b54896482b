"""Fund accounts 扶贫资金: the city fund 市扶贫基金, the district, each street, social donations.

Each account belongs to one source and one year. Allocations come in; disbursements go out to a
household's measure, a village project in a relatively poor village, a social-work organisation
or working expenses — never beyond the balance [六(四)].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import MAXYEAR, date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.base import LedgerAggregate, Provenance, natural_id, with_article
from ledger.errors import RuleError
from ledger.typed import said_as_read
from ledger.values import (
    CATEGORY_WORDS,
    MAX_FEN,
    check_as_recorded,
    choice,
    format_yuan,
    parse_category,
    visible,
)

__all__ = [
    "ALLOCATION_SIGN",
    "FUND_SOURCES",
    "FUND_USES",
    "PAYMENT_OPTIONS",
    "PAYMENT_SIGN",
    "PURPOSES",
    "PURPOSE_WORDS",
    "SOURCE_WORDS",
    "USE_WORDS",
    "Disbursement",
    "FundAccount",
    "last_opening_day",
    "parse_purpose",
    "parse_source",
    "parse_use",
]

#: Where money comes from: 市扶贫基金, 区财政, 街道, 社会捐赠.
FUND_SOURCES = ("city", "district", "street", "donation")
#: The sources as officers write them in Chinese (docs/cli.md: 市扶贫基金, 区财政, 街道, 社会捐赠;
#: the plan's 区级 and 街道级 财政资金 [六(四)], and 市级 beside them), read as the English name
#: where a source is typed (``parse_source``; since session 26, tester F: ``--source 区财政``
#: was refused beside the terms docs/cli.md lists).
SOURCE_WORDS = {
    "市扶贫基金": "city",
    "市级": "city",
    "区财政": "district",
    "区级": "district",
    "街道": "street",
    "街道级": "street",
    "社会捐赠": "donation",
}

#: What the refusal of a negative allocation (``fund allocate --amount -5``) advises.
ALLOCATION_SIGN = (
    "money paid out is recorded with fund disburse, an entry typed wrong voided with fupin correct"
)
#: What the refusal of a negative payment advises (since session 22: it was told that money
#: paid out is recorded with fund disburse, the very command it ran).
PAYMENT_SIGN = (
    "a payment is typed as the amount paid out; one typed wrong is voided with fupin correct"
)

#: What a disbursement is for.
PURPOSES = ("household", "village", "organisation", "working")

#: Categories of use [六(四)]: the measure categories plus the village and working uses.
FUND_USES = (
    "industry",
    "finance",
    "entrepreneurship",
    "employment",
    "education",
    "medical",
    "relief",
    "internet",
    "social",
    "facilities",  # production facilities in the relatively poor villages
    "party-building",  # 党建 in the relatively poor villages
    "social-work",  # social-work organisations 社工组织
    "working",  # working expenses 工作经费
)
#: The uses as officers write them in Chinese (docs/cli.md), read as the English name where a
#: payment's category is typed (``parse_use``; since session 24).
USE_WORDS = {
    **CATEGORY_WORDS,
    "生产设施": "facilities",
    "党建": "party-building",
    "社工组织": "social-work",
    "工作经费": "working",
}


#: The purposes as officers write them in Chinese (docs/cli.md: 到户, 到村), read as the English
#: name where a payment's purpose is typed (``parse_purpose``; since session 24, tester T:
#: ``--purpose 到户`` was refused beside a category read in Chinese).
#: (社工组织 and 工作经费 since session 28, as ``fund disburse --help`` lists them: re-tester O)
PURPOSE_WORDS = {
    "到户": "household",
    "到村": "village",
    "社工组织": "organisation",
    "工作经费": "working",
}


def parse_source(value: str, field: str = "source") -> str:
    """An account's source: one of ``FUND_SOURCES``, in English or in Chinese
    (``SOURCE_WORDS``), read as the English name (``parse_category``; since session 26)."""
    return parse_category(value, FUND_SOURCES, SOURCE_WORDS, field)


def parse_purpose(value: str, field: str = "purpose") -> str:
    """A payment's purpose: one of ``PURPOSES``, in English or in Chinese (``PURPOSE_WORDS``),
    read as the English name (``parse_category``; since session 24)."""
    return parse_category(value, PURPOSES, PURPOSE_WORDS, field)


def parse_use(value: str, field: str = "category") -> str:
    """A payment's category: one of ``FUND_USES``, in English or in Chinese (``USE_WORDS``),
    read as the English name (``parse_category``; since session 24)."""
    return parse_category(value, FUND_USES, USE_WORDS, field)


#: The options a payment of each purpose names, all of them required; any other is refused
#: (never stored unchecked): a household payment names its household and the measure, its
#: street and village being the household's own; a village payment the street and the
#: relatively poor village 相对贫困村; organisation and working payments none of them.
PAYMENT_OPTIONS: dict[str, tuple[str, ...]] = {
    "household": ("household", "measure"),
    "village": ("street", "village"),
    "organisation": (),
    "working": (),
}

_NAMES = {
    "household": "its household and measure (its street and village are the household's)",
    "village": "its street and village",
    "organisation": "no household, measure, street or village",
    "working": "no household, measure, street or village",
}

_MISSING = {
    "household": "a household payment names the household it pays (--household)",
    "street": "a village payment names the street of its village (--street)",
    "village": "a village payment names its relatively poor village 相对贫困村 (--village)",
}


@dataclass(frozen=True)
class Disbursement:
    """Money paid out of an account, and what for."""

    amount_fen: int
    category: str
    purpose: str
    household: str = ""  # with purpose "household"
    measure_id: str = ""
    street: str = ""  # with purpose "village"
    village: str = ""

    def options(self) -> dict[str, str]:
        """The payment's household, measure, street and village, by option name."""
        return {
            "household": self.household,
            "measure": self.measure_id,
            "street": self.street,
            "village": self.village,
        }

    def check_options(self) -> None:
        """The purpose is known and the payment names exactly the options it uses
        (``PAYMENT_OPTIONS``): a missing one is refused, and so is one given that the
        purpose does not use, naming the option and the purpose."""
        choice(self.purpose, PURPOSES, "purpose")
        uses = PAYMENT_OPTIONS[self.purpose]
        for option, value in self.options().items():
            if option in uses and not value.strip():
                raise RuleError(
                    option,
                    _MISSING.get(
                        option, f"name the measure of {self.household} it is for (--{option})"
                    ),
                )
            if option not in uses and value:
                raise RuleError(
                    option,
                    f"{value!r} given, but a payment of purpose {self.purpose} names "
                    f"{_NAMES[self.purpose]}: leave the {option} out",
                )


class FundAccount(LedgerAggregate):
    """One source's account for one year; its balance never goes below zero."""

    VOIDABLE = frozenset({"AllocationReceived", "Disbursed"})
    #: What ``Amended`` may restate of an account opened with a field typed wrong (``fupin
    #: fund amend``, since session 22: an opening is not correctable, and a wrong source,
    #: year, street or donor stood for good): only while no allocation or payment stands on
    #: it, each having been judged against them (a street account pays only its street; the
    #: funds report sums by source and year). Never the code (every entry names it).
    AMENDABLE = frozenset({"source", "year", "street", "donor"})

    @staticmethod
    def create_id(code: str) -> UUID:
        return natural_id("fund", code)

    @event("AccountOpened")
    def __init__(
        self, code: str, source: str, year: int, street: str, donor: str, prov: Provenance
    ) -> None:
        self.code = code
        self.source = source
        self.year = year
        self.street = street
        self.donor = donor
        self.opened_on = prov.effective
        self.balance_fen = 0
        self.received_fen = 0
        self.disbursed_fen = 0
        self.flows: dict[int, tuple[date, int]] = {}  # version -> (effective date, signed fen)
        # Each day's flows summed (``flows`` by day): a payment dated before the latest flow is
        # judged on at most a day per calendar day (``disburse``), not on every flow.
        self.by_day: dict[date, int] = {}
        self.latest_flow: date | None = None  # the latest effective date among flows, or later
        # Each flow by what it moved (kind, day, amount or payment) -> (version, document,
        # note) as recorded, voided ones too: ``check_not_alike`` compares the few that moved
        # the same money on the same day (their documents read as a reader reads them).
        self.said: dict[tuple[Any, ...], list[tuple[int, str, str]]] = {}
        # The same, by what each says as compared (``said_as_read``), filled as ``check_not_alike``
        # needs it: how many of ``said[moved]`` are indexed, and the index. Without it each
        # check read every earlier flow's text again, and an import of n allocations alike
        # but for their documents took n² (tester I, session 18: 3,000 rows, 35 s).
        self._said_index: dict[
            tuple[Any, ...], tuple[list[int], dict[tuple[str, str], list[tuple[int, str]]]]
        ] = {}

    @staticmethod
    def check_opening(
        source: str, street: str, donor: str, *, donor_anywhere: bool = False
    ) -> None:
        """``donor_anywhere``: an export replayed, which may hold an account of another kind
        naming a donor (recorded before session 18): as recorded."""
        if (source == "street") != bool(street):
            raise RuleError(
                "street",
                "a street account names its street: give --street"
                if source == "street"
                else f"{with_article(source)} account names no street; only a street account does",
            )
        if source == "donation" and not donor:
            raise RuleError("donor", "a donation account names its donor")
        if source != "donation" and donor and not donor_anywhere:
            # a fiscal account opened with a donor showed it in every report for good, an
            # opening being neither correctable nor amendable (tester J, session 18)
            raise RuleError("donor", "a donation account names its donor; no other account does")

    @staticmethod
    def check_opened_by(year: int, effective: date, field: str = "effective") -> None:
        """An account of ``year`` is opened by the end of the next year (``last_opening_day``):
        its money comes in that year, or early in the next. An account of 2019 opened in 2026
        is a typo (tester, session 22: ``-e 2026-06-30`` for 2018-06-30 was recorded, for good,
        and shut out every allocation dated before it)."""
        last = last_opening_day(year)
        if effective > last:
            raise RuleError(
                field,
                f"the {year} account is dated {effective}, after {last}: an account of a year is "
                f"opened by the end of the next year ({year + 1})",
            )

    def check_amendment(self, changes: dict[str, Any], prov: Provenance) -> None:
        """Not dated before the account was opened; no allocation or payment in force (void
        them first); the account as amended is one ``open_account`` would open: its source
        one of ``FUND_SOURCES``, a street only on a street account, a donor only on a donation
        account, and a year by whose next year's end it was opened (``check_opened_by``)."""
        self.check_not_before(prov.effective, self.opened_on, f"{self.code} was opened")
        if self.flows:  # those in force (``undo_entry`` keeps only them)
            raise RuleError(
                sorted(changes)[0],
                f"{self.code} holds {len(self.flows)} allocation(s) or payment(s) in force, "
                "each judged against its source, year and street: void them first (fupin "
                "correct fund CODE VERSION --reason …), or open another account",
            )
        after = {field: changes.get(field, getattr(self, field)) for field in self.AMENDABLE}
        for field in ("source", "street", "donor"):
            if field in changes:
                check_as_recorded(field, changes[field], _as_text)
        choice(after["source"], FUND_SOURCES, "source")
        self.check_opening(after["source"], after["street"], after["donor"])
        if "year" in changes:
            if type(after["year"]) is not int or not 1 <= after["year"] < MAXYEAR:
                raise RuleError("year", f"{after['year']!r} is not a year")
            self.check_opened_by(after["year"], self.opened_on, "year")

    def receive(self, amount_fen: int, prov: Provenance, *, alike_ok: bool = False) -> None:
        """An allocation 拨付 reaches the account. One like an allocation on record (the same
        day, document and amount) is refused unless ``alike_ok`` (an export replayed: it
        names one recorded event each)."""
        if amount_fen <= 0:
            raise RuleError("amount", "an allocation is a positive amount")
        if not alike_ok:
            self.check_not_alike(
                ("AllocationReceived", prov.effective, amount_fen),
                prov,
                f"received {format_yuan(amount_fen)} yuan on {prov.effective}",
            )
        if self.received_fen + amount_fen > MAX_FEN:
            raise RuleError(
                "amount",
                f"{self.code} would receive more than {format_yuan(MAX_FEN)} yuan in all, "
                "the most the ledger keeps exact",
            )
        self.check_not_before(prov.effective, self.opened_on, f"{self.code} was opened")
        self._received(amount_fen, prov)

    def check_not_alike(self, moved: tuple[Any, ...], prov: Provenance, what: str) -> None:
        """Refuse a flow that says what one on record says (not voided): the same allocation
        or payment typed in by one officer and imported from the 台账 by another was recorded
        twice, money and all (tester B, session 16). A second one for real has a document
        of its own (拨款通知1号 and 拨款通知2号), or a note saying what sets it apart (as
        an import's rows: docs/import.md)."""
        entries = self.said.get(moved)
        if not entries:
            return
        done, index = self._said_index.setdefault(moved, ([0], {}))
        for version, document, note in entries[done[0] :]:
            index.setdefault(said_as_read(document, note), []).append((version, document))
        done[0] = len(entries)
        same = [
            (version, document)
            for version, document in index.get(said_as_read(prov.document, prov.note), ())
            if version not in self.voided
        ]
        if same:
            version, document = same[0]
            raise RuleError(
                "document",
                f"{self.code} already {what} under document {document!r} (entry {version}): "
                "the same one recorded twice? A second one has a document of its own, or a "
                "note saying what sets it apart; a wrong one is corrected (fupin correct "
                f"fund {self.code} {version} --reason …)",
            )

    @event("AllocationReceived")
    def _received(self, amount_fen: int, prov: Provenance) -> None:
        version = self.remember_entry("AllocationReceived", prov, amount_fen)
        moved = ("AllocationReceived", prov.effective, amount_fen)
        self.said.setdefault(moved, []).append((version, prov.document, prov.note))
        self.flows[version] = (prov.effective, amount_fen)
        self.by_day[prov.effective] = self.by_day.get(prov.effective, 0) + amount_fen
        self._latest(prov.effective)
        self.balance_fen += amount_fen
        self.received_fen += amount_fen

    def disburse(self, payment: Disbursement, prov: Provenance, *, alike_ok: bool = False) -> None:
        """Pay out, never beyond the balance; a payment like one on record (the same day,
        document and payment) is refused unless ``alike_ok`` (see ``receive``)."""
        if payment.amount_fen <= 0:
            raise RuleError("amount", "a disbursement is a positive amount")
        payment.check_options()
        if not alike_ok:
            self.check_not_alike(
                ("Disbursed", prov.effective, payment),
                prov,
                f"paid {format_yuan(payment.amount_fen)} yuan on {prov.effective} "
                f"({_paid_to(payment)})",
            )
        self.check_not_before(prov.effective, self.opened_on, f"{self.code} was opened")
        if payment.amount_fen > self.balance_fen:
            dated = self.latest_flow is not None and prov.effective < self.latest_flow
            later = (
                f", what the flows on record leave, those dated after {prov.effective} included"
                if dated
                else ""
            )
            raise RuleError(
                "amount",
                f"{format_yuan(payment.amount_fen)} yuan exceeds the balance of {self.code} "
                f"({format_yuan(self.balance_fen)} yuan{later}): pay it from another account, "
                "or once an allocation covers it",
            )
        # Paid on or after every flow so far, it comes last (or among that day's payments,
        # after the day's money arrived): the balance just checked is the lowest it reaches.
        # Only a payment dated earlier needs the day-by-day walk (sorting every flow).
        # Its day's sums are read (``by_day``), not every flow: a step a day with flows (tester
        # c, session 34: a file of payments out of date order sorted the account's whole
        # history per row, 20,000 rows in ten minutes).
        short = None
        if self.latest_flow is not None and prov.effective < self.latest_flow:
            paid = (prov.effective, -payment.amount_fen)
            short = lowest_balance([*self.by_day.items(), paid])
        if short is not None:
            raise RuleError(
                "effective",
                f"paid on {prov.effective}, {self.code} would be {format_yuan(-short[1])} "
                f"yuan short on {short[0]}: the money on record by then, less the payments "
                "on record up to that day, does not cover it; date it after an allocation "
                "that covers it, or pay it from another account",
            )
        self._disbursed(payment, prov)

    @event("Disbursed")
    def _disbursed(self, payment: Disbursement, prov: Provenance) -> None:
        # Only a household payment has a receipt on a household. A ledger written before the
        # payment options were checked may hold a working or organisation payment naming a
        # household (even one never on record): its key names none, so voiding it voids the
        # payment on the account only (the key is rebuilt from the event on every replay).
        paid = payment.household if payment.purpose == "household" else ""
        version = self.remember_entry("Disbursed", prov, (payment.amount_fen, paid))
        moved = ("Disbursed", prov.effective, payment)
        self.said.setdefault(moved, []).append((version, prov.document, prov.note))
        self.flows[version] = (prov.effective, -payment.amount_fen)
        day = prov.effective
        self.by_day[day] = self.by_day.get(day, 0) - payment.amount_fen
        self._latest(prov.effective)
        self.balance_fen -= payment.amount_fen
        self.disbursed_fen += payment.amount_fen

    def _latest(self, day: date) -> None:
        # Voiding a flow leaves this as it was: later than the latest is still safe (the
        # shortcut in ``disburse`` is then taken less often, never wrongly).
        if self.latest_flow is None or day > self.latest_flow:
            self.latest_flow = day

    def household_paid_by(self, version: int) -> str:
        """The household a ``Disbursed`` entry paid, whose receipt a correction voids too;
        "" for other entries and for payments of any other purpose, even one an older ledger
        stored naming a household."""
        kind, key = self.entries.get(version, ("", None))
        return str(key[1]) if kind == "Disbursed" else ""

    def check_correctable(self, version: int) -> None:
        super().check_correctable(version)
        kind, _amount = self.entries[version]
        if kind == "AllocationReceived":
            rest = [flow for v, flow in self.flows.items() if v != version]
            short = lowest_balance(rest)
            if short is not None:  # (it is, too, when the amount exceeds the balance)
                raise RuleError(
                    "version",
                    f"voiding this allocation would leave {self.code} "
                    f"{format_yuan(-short[1])} yuan short on {short[0]}: payments made from "
                    "it by then rest on it (void those first)",
                )

    def undo_entry(self, kind: str, key: Any) -> None:
        self.flows = {v: flow for v, flow in self.flows.items() if v not in self.voided}
        self.by_day = {}
        for day, amount in self.flows.values():
            self.by_day[day] = self.by_day.get(day, 0) + amount
        if kind == "AllocationReceived":
            self.balance_fen -= key
            self.received_fen -= key
        else:
            amount, _household = key
            self.balance_fen += amount
            self.disbursed_fen -= amount


def _as_text(value: str, field: str) -> str:
    """An account's source, street or donor as ``open_account`` records it: trimmed (the
    street and donor; "" for none)."""
    return value.strip() if visible(value) else ""


def last_opening_day(year: int) -> date:
    """The last day an account of ``year`` may be opened: 31 December of the next year."""
    return date(year + 1, 12, 31) if year < MAXYEAR else date.max


def _paid_to(payment: Disbursement) -> str:
    """Whom or what a payment was for, in a few words."""
    if payment.purpose == "household":
        return f"household {payment.household}, measure {payment.measure_id}"
    if payment.purpose == "village":
        return f"village {payment.village} of {payment.street}"
    return payment.purpose


def lowest_balance(flows: list[tuple[date, int]]) -> tuple[date, int] | None:
    """The first day the balance of ``flows`` goes below zero, and by how much at that day's
    end, the day's lowest (money arriving on a day counts before money leaving it); None if it
    never does. Since session 34 (re-tester r) the day's shortfall: the balance at the first
    payment of the day to cross zero was said (a payment of 75 leaving a day 25 short was told
    "5.00 yuan short", and lowered by that, still refused)."""
    by_day: dict[date, int] = {}
    for day, amount in flows:
        by_day[day] = by_day.get(day, 0) + amount
    running = 0
    for day in sorted(by_day):
        running += by_day[day]
        if running < 0:
            return day, running
    return None
