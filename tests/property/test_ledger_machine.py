"""The real ledger driven beside a plain model (Hypothesis stateful testing, as in its
``DatabaseComparison`` example): after every step the stored households' stages, the accounts'
balances and the number of stored events agree with the model."""

from __future__ import annotations

import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)
from ledger import clock
from ledger.application import Ledger
from ledger.errors import LedgerError, PermissionRefusedError, RuleError
from ledger.funds import Disbursement, FundAccount
from ledger.helpers import ROLE_OF_KIND
from ledger.household import Stage
from ledger.verification import verify_ledger

from tests.support import TickingClock, identify, ledger_at, stamp

NUMBERS = ("JH-1", "JH-2")
#: Identified not willing: registered as no key target only (the others, with labour capacity
#: and willing, as key targets only: since session 26 [三; 四(一)]).
NOT_WILLING = frozenset({"JH-2"})
REGISTERED_AT_START = "JH-3"
MOSTLY_YES = st.sampled_from((True, True, True, False))
HELPER_KINDS = {"c-1": "cadre", "c-2": "cadre", "e-1": "enterprise", "sw-1": "social-worker"}
ACCOUNTS = ("city-2016", "district-2016")
JN = "jn-01"
#: Each step on or after the one it follows: notice from 3 August, signed within it, registered
#: on the 20th, paired after that.
SIGNED = date(2016, 8, 5)
REGISTERED = date(2016, 8, 20)
PAIRED = date(2016, 8, 21)
#: Incomes are assessed, and exits proposed, verified and noticed, after the registration.
ASSESSED = date(2016, 11, 1)
RURAL_2016_THRESHOLD = 810_000  # 45 % of 18,000 yuan, in fen


@dataclass
class Model:
    """What the ledger should hold, in plain dicts."""

    stages: dict[str, str] = field(default_factory=dict)
    signed: set[str] = field(default_factory=set)
    key_target: dict[str, bool] = field(default_factory=dict)
    pairings: dict[str, dict[str, str]] = field(default_factory=dict)  # number -> helper -> role
    income: dict[str, int] = field(default_factory=dict)  # 2016 income
    # Each household's 2016 assessments standing (version, income), in the order recorded
    # (all on one day: the last is the income), and those an exit was proposed on.
    assessments: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    rested: set[tuple[str, int]] = field(default_factory=set)
    exit_steps: dict[str, list[str]] = field(default_factory=dict)
    received: dict[str, int] = field(default_factory=dict)
    disbursed: dict[str, int] = field(default_factory=dict)
    # The amounts of the allocations and payments standing, each on the same day, document
    # and note (``stamp``): one alike is refused as recorded twice (``check_not_alike``).
    allocated: set[tuple[str, int]] = field(default_factory=set)
    paid: Counter[tuple[str, int]] = field(default_factory=Counter)
    events: int = 0

    def balance(self, code: str) -> int:
        return self.received[code] - self.disbursed[code]


class LedgerMachine(RuleBasedStateMachine):
    """Households through identification, registration, pairing and exit; accounts through
    allocations, disbursements and their corrections."""

    disbursements = Bundle("disbursements")  # (account, version, amount)

    def __init__(self) -> None:
        super().__init__()
        self.resources = ExitStack()
        folder = self.resources.enter_context(tempfile.TemporaryDirectory())
        ticking = TickingClock()
        self.app: Ledger = self.resources.enter_context(ledger_at(Path(folder) / "m.db", ticking))
        self.resources.enter_context(clock.using_clock(ticking))
        self.model = Model(events=self.app.event_count())

    def teardown(self) -> None:
        try:
            # Whatever the commands accepted verifies: each correction replayed by its
            # record's rules, each role and permission as recorded (``fupin verify``).
            problems = verify_ledger(self.app.recorder, self.app.mapper).problems
            assert [problem.reason for problem in problems] == []
        finally:
            self.resources.close()

    def accepted(self, events: int = 1) -> None:
        self.model.events += events

    def refused(self, error: type[LedgerError], command: object) -> None:
        before = self.app.event_count()
        try:
            command()  # type: ignore[operator]
        except error:
            assert self.app.event_count() == before
        else:
            raise AssertionError("the ledger accepted a command the model refuses")

    # -- households ------------------------------------------------------------------------

    @initialize()
    def identify_households_and_open_accounts(self) -> None:
        for serial, number in enumerate(NUMBERS, start=1):
            identify(self.app, number, serial=serial, willing=number not in NOT_WILLING)
            self.model.stages[number] = Stage.IDENTIFIED
        for code in ACCOUNTS:
            self.app.open_account(stamp("qu-01"), code, code.split("-")[0], 2016)
            self.model.received[code] = self.model.disbursed[code] = 0
        self.accepted(len(NUMBERS) + len(ACCOUNTS))
        # One more household registered from the start (a key target, signed): the later
        # steps (assessments, exits, their corrections) are reached in a short run too.
        identify(self.app, REGISTERED_AT_START, serial=len(NUMBERS) + 1)
        self.app.review(stamp(JN), REGISTERED_AT_START, True)
        start = date(2016, 8, 3)
        self.app.post_notice(stamp(JN, start), REGISTERED_AT_START, start, date(2016, 8, 9))
        self.app.sign(stamp(JN, SIGNED), REGISTERED_AT_START)
        self.app.register(stamp(JN, REGISTERED), REGISTERED_AT_START, True)
        self.model.stages[REGISTERED_AT_START] = Stage.REGISTERED
        self.model.signed.add(REGISTERED_AT_START)
        self.model.key_target[REGISTERED_AT_START] = True
        self.model.pairings[REGISTERED_AT_START] = {}
        self.accepted(5)

    def numbers_in(self, *stages: str) -> list[str]:
        return sorted(n for n, s in self.model.stages.items() if s in stages)

    @precondition(lambda self: self.numbers_in(Stage.IDENTIFIED))
    @rule(data=st.data(), accept=MOSTLY_YES)
    def review(self, data: st.DataObject, accept: bool) -> None:
        number = data.draw(st.sampled_from(self.numbers_in(Stage.IDENTIFIED)))
        self.app.review(stamp(JN), number, accept)
        self.model.stages[number] = Stage.REVIEWED if accept else Stage.REJECTED
        self.accepted()

    @precondition(lambda self: self.numbers_in(Stage.REVIEWED))
    @rule(data=st.data(), days=st.integers(5, 10))
    def post_notice(self, data: st.DataObject, days: int) -> None:
        number = data.draw(st.sampled_from(self.numbers_in(Stage.REVIEWED)))
        start = date(2016, 8, 3)
        end = date(2016, 8, 2 + days)
        if days < 7:
            self.refused(
                RuleError, lambda: self.app.post_notice(stamp(JN, start), number, start, end)
            )
            return
        self.app.post_notice(stamp(JN, start), number, start, end)
        self.model.stages[number] = Stage.UNDER_NOTICE
        self.accepted()

    @precondition(lambda self: self.numbers_in(Stage.UNDER_NOTICE))
    @rule(data=st.data())
    def sign(self, data: st.DataObject) -> None:
        number = data.draw(st.sampled_from(self.numbers_in(Stage.UNDER_NOTICE)))
        if number in self.model.signed:
            self.refused(RuleError, lambda: self.app.sign(stamp(JN, SIGNED), number))
            return
        self.app.sign(stamp(JN, SIGNED), number)
        self.model.signed.add(number)
        self.accepted()

    @precondition(lambda self: self.numbers_in(Stage.UNDER_NOTICE))
    @rule(data=st.data(), key_target=MOSTLY_YES)
    def register(self, data: st.DataObject, key_target: bool) -> None:
        number = data.draw(st.sampled_from(self.numbers_in(Stage.UNDER_NOTICE)))
        s = stamp(JN, REGISTERED)
        # a key target is willing, and one with labour capacity that is willing is a key target
        if number not in self.model.signed or key_target == (number in NOT_WILLING):
            self.refused(RuleError, lambda: self.app.register(s, number, key_target))
            return
        self.app.register(s, number, key_target)
        self.model.stages[number] = Stage.REGISTERED
        self.model.key_target[number] = key_target
        self.model.pairings[number] = {}
        self.accepted()

    @rule(data=st.data(), helper=st.sampled_from(sorted(HELPER_KINDS)))
    def pair(self, data: st.DataObject, helper: str) -> None:
        number = data.draw(st.sampled_from(sorted(self.model.stages)))
        role = ROLE_OF_KIND[HELPER_KINDS[helper]]
        paired = self.model.pairings.get(number)
        # An enterprise pairs one household 一对一 (ledger.casework.check_enterprise_free).
        elsewhere = any(helper in p for n, p in self.model.pairings.items() if n != number)
        # Judged on its date: dated (PAIRED) before an exit's approval (8 November), it is
        # accepted after the exit too (ledger.household.check_assisted_on).
        if (
            paired is None
            or self.model.stages[number] not in (Stage.REGISTERED, Stage.EXITED)
            or helper in paired
            or (role == "enterprise" and elsewhere)
        ):
            self.refused(RuleError, lambda: self.app.pair(stamp(JN, PAIRED), number, helper))
            return
        self.app.pair(
            stamp(JN, PAIRED), number, helper
        )  # at most 2 cadres here, under the limit of 3
        paired[helper] = role
        self.accepted(2 if role == "enterprise" else 1)  # and the enterprise's PairingTaken

    @precondition(lambda self: self.numbers_in(Stage.REGISTERED))
    @rule(data=st.data(), income=st.integers(780_000, 900_000))
    def assess_income(self, data: st.DataObject, income: int) -> None:
        number = data.draw(st.sampled_from(self.numbers_in(Stage.REGISTERED)))
        self.app.assess_income(stamp(JN, ASSESSED), number, 2016, income)
        self.model.income[number] = income
        version = self.app.household(number).version
        self.model.assessments.setdefault(number, []).append((version, income))
        self.accepted()

    @precondition(lambda self: any(self.model.assessments.values()))
    @rule(data=st.data())
    def void_assessment(self, data: st.DataObject) -> None:
        number = data.draw(
            st.sampled_from(sorted(n for n, a in self.model.assessments.items() if a))
        )
        standing = self.model.assessments[number]
        version = standing[-1][0]

        def correct() -> None:
            self.app.correct(stamp(JN, ASSESSED), "household", number, version, "核算有误")

        if (number, version) in self.model.rested:  # an exit was proposed on it
            self.refused(RuleError, correct)
            return
        correct()
        standing.pop()
        if standing:
            self.model.income[number] = standing[-1][1]
        else:
            del self.model.income[number]
        self.accepted()
        event("an assessment was voided")

    @precondition(lambda self: self.numbers_in(Stage.REGISTERED))
    @rule(data=st.data())
    def propose_exit(self, data: st.DataObject) -> None:
        number = data.draw(st.sampled_from(self.numbers_in(Stage.REGISTERED)))
        allowed = (
            self.model.key_target[number]
            and not self.model.exit_steps.get(number)
            and self.model.income.get(number, 0) >= RURAL_2016_THRESHOLD
        )
        if not allowed:
            self.refused(
                RuleError, lambda: self.app.propose_exit(stamp(JN, ASSESSED), number, 2016)
            )
            return
        self.app.propose_exit(stamp(JN, ASSESSED), number, 2016)
        self.model.exit_steps[number] = ["proposed"]
        self.model.rested.add((number, self.model.assessments[number][-1][0]))
        self.accepted()

    def exits_at(self, step: str) -> list[str]:
        return sorted(n for n, steps in self.model.exit_steps.items() if steps[-1:] == [step])

    @precondition(lambda self: self.exits_at("proposed") or self.exits_at("noticed"))
    @rule(data=st.data())
    def advance_exit(self, data: st.DataObject) -> None:
        number = data.draw(st.sampled_from(self.exits_at("proposed") + self.exits_at("noticed")))
        steps = self.model.exit_steps[number]
        # An exit goes on only while the year's latest assessment reaches the threshold
        # (session 19): one assessed anew below it, or voided, stops it.
        below = self.model.income.get(number, 0) < RURAL_2016_THRESHOLD
        if steps[-1] == "proposed" and below:
            self.refused(RuleError, lambda: self.app.verify_exit(stamp(JN, ASSESSED), number))
            event("an exit stopped by its year's latest assessment")
            return
        if steps[-1] == "proposed":
            self.app.verify_exit(stamp(JN, ASSESSED), number)
            self.app.post_exit_notice(stamp(JN, ASSESSED), number, ASSESSED, date(2016, 11, 7))
            steps += ["verified", "noticed"]
            self.accepted(2)
            return
        after_notice = date(2016, 11, 8)
        self.refused(
            PermissionRefusedError, lambda: self.app.approve_exit(stamp(JN, after_notice), number)
        )
        if below:
            self.refused(
                RuleError, lambda: self.app.approve_exit(stamp("qu-01", after_notice), number)
            )
            event("an exit stopped by its year's latest assessment")
            return
        self.app.approve_exit(stamp("qu-01", after_notice), number)
        steps.append("approved")
        self.model.stages[number] = Stage.EXITED
        self.accepted()
        event("a household exited")

    # -- money -----------------------------------------------------------------------------

    @rule(data=st.data(), amount=st.integers(-10, 500_000))
    def allocate(self, data: st.DataObject, amount: int) -> None:
        code = data.draw(st.sampled_from(sorted(self.model.received)))
        if amount <= 0 or (code, amount) in self.model.allocated:
            self.refused(
                RuleError, lambda: self.app.receive_allocation(stamp("qu-01"), code, amount)
            )
            return
        self.app.receive_allocation(stamp("qu-01"), code, amount)
        self.model.received[code] += amount
        self.model.allocated.add((code, amount))
        self.accepted()

    @rule(target=disbursements, data=st.data(), amount=st.integers(1, 600_000))
    def disburse(self, data: st.DataObject, amount: int) -> tuple[str, int, int]:
        code = data.draw(st.sampled_from(sorted(self.model.received)))
        payment = Disbursement(amount, "working", "working")
        if amount > self.model.balance(code) or self.model.paid[code, amount]:
            self.refused(RuleError, lambda: self.app.disburse(stamp("qu-01"), code, payment))
            return (code, 0, 0)  # nothing paid: a version no correction will find
        self.app.disburse(stamp("qu-01"), code, payment)
        self.model.disbursed[code] += amount
        self.model.paid[code, amount] += 1
        self.accepted()
        return (code, self.account(code).version, amount)

    @rule(paid=consumes(disbursements))
    def void_disbursement(self, paid: tuple[str, int, int]) -> None:
        code, version, amount = paid
        if version == 0:
            self.refused(
                RuleError, lambda: self.app.correct(stamp("qu-01"), "fund", code, 1, "误录")
            )
            return
        self.app.correct(stamp("qu-01"), "fund", code, version, "误录")
        self.model.disbursed[code] -= amount
        self.model.paid[code, amount] -= 1  # voided: one alike may be paid again
        self.accepted()
        event("a disbursement was voided")

    def account(self, code: str) -> FundAccount:
        return self.app.load(FundAccount, code, "account")

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def balances_add_up(self) -> None:
        for code in self.model.received:
            account = self.account(code)
            assert account.balance_fen == account.received_fen - account.disbursed_fen
            assert account.balance_fen >= 0
            assert (account.received_fen, account.disbursed_fen) == (
                self.model.received[code],
                self.model.disbursed[code],
            )

    @invariant()
    def stages_match(self) -> None:
        for number, expected in self.model.stages.items():
            household = self.app.household(number)
            assert household.stage == expected
            assert household.helpers == self.model.pairings.get(number, {})

    @invariant()
    def every_accepted_command_is_stored(self) -> None:
        assert self.app.event_count() == self.model.events


LedgerMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedgerMachine = LedgerMachine.TestCase
