"""Fund commands: accounts, allocations, disbursements, enterprise employment [六(四)、四(十一)].

A disbursement to a household's measure is saved together with the household's own
``FundsReceived`` event, in one transaction, so the household's history shows its money.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ledger.base import LedgerAggregate, check_new_key, with_article
from ledger.core import LedgerCore, Stamp
from ledger.errors import AlreadyExistsError, RuleError
from ledger.funds import (
    USE_WORDS,
    Disbursement,
    FundAccount,
    parse_purpose,
    parse_source,
    parse_use,
)
from ledger.helpers import Helper
from ledger.household import ACTIVE_STAGES, MAX_MEASURE_BUDGET_FEN, Household, Stage
from ledger.places import Street
from ledger.values import (
    CATEGORY_WORDS,
    format_yuan,
    named,
    optional_text,
    replay_spares,
    require_text,
)

__all__ = ["FundCommands"]

#: Uses allowed for each purpose; household measures use their own category.
_USES_BY_PURPOSE = {
    "village": ("facilities", "party-building"),
    "organisation": ("social-work",),
    "working": ("working",),
}


class FundCommands(LedgerCore):
    """Commands of the district and street offices on money."""

    def open_account(
        self, stamp: Stamp, code: str, source: str, year: int, street: str = "", donor: str = ""
    ) -> None:
        """Open a fund account for one source and one year."""
        code = require_text(code, "account", 60)
        source = parse_source(source)  # 区财政 … read as district … (since session 26)
        prov = self.authorise(stamp, "open_account", street)
        donor = optional_text(donor, "donor")  # a donor of spaces alone names no one
        FundAccount.check_opening(source, street, donor, donor_anywhere=self.replaying_export)
        programme = self.programme()
        programme.check_year_in_programme(year)
        # Nothing of the programme takes effect before it opened (1950 typed for 2016). A
        # street's or village's own date bounds nothing: added late (by default today) they
        # would shut out the earlier entries made late, and their dates are not amended.
        FundAccount.check_not_before(
            prov.effective,
            programme.opened_on,
            f"the account is dated {prov.effective}; the programme opened",
        )
        if not self.replaying_export:  # an export replays an opening as recorded (before 22)
            FundAccount.check_opened_by(year, prov.effective)
        if street:
            self.load(Street, street, "street")
        check_new_key("fund", code)
        if self.exists(FundAccount, code):
            raise AlreadyExistsError("account", f"{code} is already open")
        if not replay_spares("account_case_lookalike"):
            # CITY-2016 typed with Caps Lock beside city-2016 (tester A, session 28): a second
            # account, found by nobody who types the first. A ledger recorded before this rule
            # may hold such a pair: an export's replay of it moves it as recorded.
            self.check_no_lookalike(FundAccount, code, "account")
        account = FundAccount(
            code=code, source=source, year=year, street=street, donor=donor, prov=prov
        )
        self.execute(lambda: [account])

    def receive_allocation(self, stamp: Stamp, code: str, amount_fen: int) -> None:
        """An allocation reaches the account."""

        def attempt() -> list[LedgerAggregate]:
            account = self.load(FundAccount, code, "account")
            prov = self.authorise(stamp, "receive_allocation", account.street)
            account.receive(amount_fen, prov, alike_ok=self.replaying_export)
            return [account]

        self.execute(attempt)

    def disburse(self, stamp: Stamp, code: str, payment: Disbursement) -> None:
        """Pay out of an account, never beyond its balance: a household's measure, a village
        project in a relatively poor village, a social-work organisation or working expenses,
        each naming only what its purpose uses (``PAYMENT_OPTIONS``)."""
        # Its purpose and category in English or in Chinese (到户; 教育, 工作经费 …), recorded in
        # English.
        payment = replace(payment, purpose=parse_purpose(payment.purpose))
        payment.check_options()
        payment = replace(payment, category=parse_use(payment.category))

        def attempt() -> list[LedgerAggregate]:
            account = self.load(FundAccount, code, "account")
            changed: list[LedgerAggregate] = [account]
            household = None
            street = payment.street  # a village payment's; "" for organisation and working
            if payment.purpose == "household":
                household = self.household(payment.household)
                street = household.street
            # City, district and donation accounts are paid out by the district office; a
            # street account by its own street office or the district office (an officer of
            # no street acts for every street, ``check_permission``), for its street only.
            prov = self.authorise(stamp, "disburse", account.street)
            if account.street and street and street != account.street:
                if payment.purpose == "village":
                    # a street not on record (``江南街道``, ``江南 ``) is told as such, on the
                    # street typed, not on the account (tester i, session 36)
                    self.load(Street, street, "street")
                raise RuleError("account", f"{code} pays only for street {account.street}")
            if household is not None:
                self.check_household_payment(household, payment, prov.effective)
                if not self.replaying_export:  # an older ledger's payment moves as recorded
                    check_household_amount(payment.amount_fen)
            elif payment.purpose == "village":
                self.check_village_payment(payment, prov.effective)
            else:
                self.check_use(payment)
            # Every check is done before either aggregate changes (batches rely on it).
            account.disburse(payment, prov, alike_ok=self.replaying_export)
            if household is not None:
                household.receive_funds(
                    code, account.version, payment.measure_id, payment.amount_fen, prov
                )
                changed.append(household)
            return changed

        self.execute(attempt)

    @staticmethod
    def check_household_payment(household: Household, payment: Disbursement, paid: date) -> None:
        """The household is on record and was assisted on the day it was paid: registered (or
        returned) and not yet exited, or exited after that day (a payment entered late); the
        measure is its own, planned by then, and of the payment's category. A closed
        household's closure is named first, as an unpairing's is (``Household.trigger_event``
        judges it again; a batch puts back what a refused command changed, since session 26)."""
        household.check_open_on(paid, "FundsReceived")
        if household.stage not in (*ACTIVE_STAGES, Stage.EXITED):
            raise RuleError("household", f"{household.number} is {household.stage}, not registered")
        household.check_measure(payment.measure_id)
        planned = household.measures[payment.measure_id].category
        if payment.category != planned:
            # Tester T, session 24: it said only "measure t1 is medical".
            raise RuleError(
                "category",
                f"a household payment's category is its measure's: {payment.measure_id} is "
                f"{_named(planned)}, not {_named(payment.category)}",
            )
        household.check_payment_date(payment.measure_id, paid)

    def check_village_payment(self, payment: Disbursement, paid: date) -> None:
        """Village projects go only to the relatively poor villages 相对贫困村 [六(四)], a
        village of the street named."""
        self.check_use(payment)
        street = self.load(Street, payment.street, "street")
        street.check_has_village(payment.village)
        if not street.villages[payment.village]:
            raise RuleError(
                "village", f"{payment.village} is not a relatively poor village 相对贫困村"
            )

    @staticmethod
    def check_use(payment: Disbursement) -> None:
        allowed = _USES_BY_PURPOSE[payment.purpose]
        if payment.category not in allowed:
            # Tester T, session 24: it said "working payments are for working".
            raise RuleError(
                "category",
                f"{with_article(payment.purpose)} payment's category is "
                f"{'one of ' if len(allowed) > 1 else ''}{', '.join(map(_named, allowed))}, "
                f"not {_named(payment.category)}",
            )

    def employ_worker(self, stamp: Stamp, enterprise: str, number: str, since: date) -> None:
        """An enterprise or cooperative employs a registered poor worker [四(十一)]: one of a
        household registered by the employment's date and assisted on it (judged on that date,
        as a payment is: one dated before an exit is entered after it)."""

        def attempt() -> list[LedgerAggregate]:
            household = self.household(number)
            prov = self.authorise(stamp, "employ_worker", household.street)
            if household.closed_on is None or household.closed_on > since:
                # entered after the closure, with no end yet, it would stand past it: the
                # closure is named first, as of a household step (since session 30, re-tester
                # R: one from before the closure was taken)
                household.check_not_left_under_way(
                    f"the employment is from {since}",
                    "an employment of a worker of it",
                    "standing",
                    self.rebuilding_export,
                )
            helper = self.load(Helper, enterprise, "enterprise")
            helper.check_employer()
            if household.stage not in (*ACTIVE_STAGES, Stage.EXITED):
                raise RuleError("household", f"{number} is {household.stage}, not registered")
            if not household.labour:
                # Employment 就业 is of poor workers [四(十一)]; a household without labour
                # capacity stays under 低保 (tester U, session 22: one was employed, twice).
                raise RuleError(
                    "household",
                    f"{number} has no labour capacity 无劳动能力 on record: no worker of it is "
                    "employed (amend its labour first if that was typed wrong: fupin household "
                    f"amend {number} --labour)",
                )
            household.check_not_before(
                prov.effective,
                household.registered_on,
                f"the employment is dated {prov.effective}; {number} was registered",
            )
            household.check_assisted_on(
                prov.effective,
                "the employment",
                "a registered poor worker is employed while assisted",
            )
            if (
                household.closed_on is not None
                and household.closed_on <= since
                and not replay_spares("employed_from_closure", self.rebuilding_export)
            ):
                # (since session 25: the employment is on the enterprise's record, which the
                # household's closure rule never sees; an export's row is replayed as a fupin
                # of session 25 before the rule took it, since session 32)
                raise RuleError(
                    "since",
                    f"the employment is from {since}; {household.closure_said()}: a closed "
                    "household has no worker employed on or after its closure",
                )
            helper.employ(number, since, prov)
            return [helper]

        self.execute(attempt)

    def end_employment(self, stamp: Stamp, enterprise: str, number: str) -> None:
        """The registered worker leaves the enterprise, on or before the household's closure
        注销 in force (since session 31, ``Household.check_employment_ends_by``), judged after
        the employment's own rules."""

        def attempt() -> list[LedgerAggregate]:
            household = self.household(number)
            prov = self.authorise(stamp, "end_employment", household.street)
            helper = self.load(Helper, enterprise, "enterprise")
            helper.check_ending(number, prov.effective)
            household.check_employment_ends_by(enterprise, prov.effective, self.rebuilding_export)
            helper.end_employment(number, prov)
            return [helper]

        self.execute(attempt)


def _named(category: str) -> str:
    """A measure's or a payment's category with its Chinese term (``medical 医疗``)."""
    return named([category], {**CATEGORY_WORDS, **USE_WORDS})


def check_household_amount(fen: int) -> None:
    """A payment to one household's measure is at most the largest budget a measure may have
    (``MAX_MEASURE_BUDGET_FEN``), as its budget is bounded: an amount typed in fen as yuan was
    taken, 2,500,000 yuan for a 3,000-yuan measure, and the per-person funding rule then read
    as kept (since session 37, tester k F18). A payment above its measure's budget but within
    this stays the accountability report's ``over_budget``."""
    if fen > MAX_MEASURE_BUDGET_FEN:
        raise RuleError(
            "amount",
            f"{format_yuan(fen)} yuan cannot be one payment to a household's measure: at most "
            f"{format_yuan(MAX_MEASURE_BUDGET_FEN)} yuan, the largest budget a measure may have "
            "(is it in fen, or does it have a digit too many?)",
        )
