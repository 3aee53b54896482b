"""Random casework histories for the property tests (``test_replay``, ``test_projection_folds``).

A history is a list of steps, each a command and a gap in days from the step before: mostly
forward, sometimes back (an entry dated earlier than one already recorded, as officers enter
late paperwork). Commands cover every event the read models handle: casework from objection to
return, money in and out, corrections of every voidable kind, amendments of households' and
helpers' registrations, employment, inspections, and changes of officers.

Each command runs as an officer allowed to run it (``ledger/authority.py``): the street
officer for the street's casework, the district officer for district steps and the city
account, the inspector for inspections, the admin for officers. A few run as someone else
(``("as", actor, command)``): an analyst or another street's officer, refused; the street
officer, refused for the district's steps. A few run as imported by the admin for the officer
(``("imported", command)``: an import of the officer's rows, whose events name the admin as
``imported_by``, since session 29 here: the read models keep it).

Targets are drawn as indexes and picked from the state when the command runs: the version a
correction voids from the aggregate's voidable entries still in force, the helper of a visit or
an unpairing from those paired, the measure of a payment from those planned. About one pick in
five, or any pick from an empty list, is a raw value instead, often not valid: refusals stay
part of every history.

Some commands are a procedure's next steps, a week apart (an exit and a return, a finding's
rectification and closing): histories of a few dozen steps get through them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st
from ledger.application import Ledger
from ledger.base import LedgerAggregate
from ledger.core import Stamp
from ledger.errors import LedgerError
from ledger.funds import Disbursement, FundAccount
from ledger.helpers import Helper
from ledger.household import EXIT_STEPS, RETURN_STEPS, Personal, Stage
from ledger.inspections import Inspection

from tests.support import DOC, id_card, identify, register, stamp

#: Registered key-target households of 江南 (``prepare``).
HOUSEHOLDS = ("JH-1", "JH-2")
#: A household of 江南 left under public notice: objections, its signature, its registration.
CANDIDATE = "JH-3"
ACCOUNT = "city-2016"
#: ``tests.support.seed_reference``'s helpers, and a second social worker (``prepare``).
HELPER_KINDS = {
    "c-1": "cadre",
    "c-2": "cadre",
    "e-1": "enterprise",
    "sw-1": "social-worker",
    "sw-2": "social-worker",
    "v-1": "volunteer-team",
}
HELPERS = tuple(HELPER_KINDS)
EMPLOYER = "e-1"
MEASURES = ("m1", "m2", "m3")
CATEGORIES = ("industry", "education", "employment")
#: Inspection codes and their street ("": district-wide). ``prepare`` opens the first two.
INSPECTIONS = {"I-JN": "江南", "I-QU": "", "I-LL": "礼乐"}

#: What a finding may be about: households for a street inspection, the rest for a district one.
STREET_SUBJECTS = [("household", number) for number in (*HOUSEHOLDS, CANDIDATE)]
DISTRICT_SUBJECTS = [
    ("village", "雄光"),
    ("street", "江南"),
    ("account", ACCOUNT),
    ("officer", "jn-01"),
]

STREET = "jn-01"  # 江南's officer: casework on every household here
DISTRICT = "qu-01"  # the district officer: district steps and the city account
INSPECTOR = "insp-1"
ADMIN = "admin"
#: 礼乐's officer: no household here is theirs; its role is changed, and it retires.
SPARE = "ll-01"

FIRST_DAY = date(2016, 8, 11)  # the day after ``prepare`` registers the households
LAST_DAY = date(2018, 12, 31)  # before the tests' recording clock (2019): no day to come

Command = tuple[Any, ...]
Step = tuple[Command, int]

#: An index into what the state offers (wrapping), or from ``_RAW`` on (about one draw in five)
#: a raw value instead, often refused.
_pick = st.integers(0, 39)
_RAW = 32
_households = st.sampled_from(HOUSEHOLDS)
_fen = st.one_of(st.integers(1, 300_000), st.integers(-100, 2_000_000))
_payment = st.one_of(st.integers(1, 100_000), st.integers(-100, 2_000_000))  # mostly covered
_income = st.one_of(st.integers(500_000, 1_200_000), st.integers(0, 3_000_000))
_inspections = st.sampled_from(("I-JN", "I-QU"))
_measures = st.sampled_from(MEASURES)
_roles = st.sampled_from(("officer", "inspector"))
_handover = st.sampled_from((True, True, True, False))
_categories = st.sampled_from(CATEGORIES)
_steps = st.integers(1, len(EXIT_STEPS) + len(RETURN_STEPS))
_household_amendment = st.fixed_dictionaries(
    {},
    optional={
        "area": st.sampled_from(("rural", "urban")),
        "labour": st.booleans(),
        "willing": st.booleans(),
        "disabled": st.booleans(),
        "key_target": st.booleans(),
    },
)
_helper_amendment = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(("王干部", "黄干部")),
        "unit": st.sampled_from(("区财政局", "区农业局")),
        "rank": st.sampled_from(("section", "division", "staff")),
        "team_size": st.integers(0, 20),
    },
)

_casework = [
    # A move to the street's other village (and back), a household's record closed 注销 (since
    # session 25: a closed household takes no later step, so few histories hold one).
    st.tuples(st.just("move"), _households),
    st.tuples(st.just("close-household"), _households, st.sampled_from(("died-out", "in-error"))),
    st.tuples(st.just("pair"), _households, _pick),
    st.tuples(st.just("pair"), _households, _pick),
    # Mostly a handover (with a replacement); without one, only after the exit.
    st.tuples(st.just("unpair"), _households, _pick, _handover),
    st.tuples(st.just("unpair"), _households, _pick, _handover),
    st.tuples(st.just("agreement"), _households),
    st.tuples(st.just("visit"), _households, _pick),
    st.tuples(st.just("visit"), _households, _pick),
    # A measure planned, then (2) completed.
    st.tuples(st.just("plan"), _households, _measures, _categories, st.integers(1, 2)),
    st.tuples(st.just("plan"), _households, _measures, _categories, st.integers(1, 2)),
    st.tuples(st.just("complete"), _households, _pick),
    # The year assessed: the step's own, the one before, or one not begun yet.
    st.tuples(st.just("income"), _households, st.sampled_from((0, 0, -1, 1)), _income),
    st.tuples(st.just("income"), _households, st.sampled_from((0, 0, -1, 1)), _income),
    st.tuples(st.just("members"), _households, st.integers(1, 6), st.booleans()),
    # The exit and the return are four steps each: a command takes up to eight.
    st.tuples(st.just("exit"), _households, _steps),
    st.tuples(st.just("exit"), _households, _steps),
    st.tuples(st.just("exit"), _households, _steps),
    st.tuples(st.just("withdraw"), _households, st.integers(0, len(EXIT_STEPS) - 1)),
    st.tuples(st.just("sign"), st.sampled_from((*HOUSEHOLDS, CANDIDATE))),
    # An objection raised, then (2) answered; or the one open answered.
    st.tuples(st.just("objection"), st.booleans(), st.integers(1, 2)),
    st.tuples(st.just("candidate")),
]
_money = [
    st.tuples(st.just("allocate"), _fen),
    st.tuples(st.just("allocate"), _fen),
    st.tuples(st.just("disburse"), _households, _pick, _payment),
    st.tuples(st.just("disburse"), _households, _pick, _payment),
    st.tuples(st.just("pay-working"), _payment),
    # A worker employed, then (2) leaving.
    st.tuples(st.just("employ"), _households, st.integers(0, 400), st.integers(1, 2)),
    st.tuples(st.just("end-employment"), _pick),
]
_corrections = [
    st.tuples(st.just("correct"), st.just("household"), _households, _pick),
    st.tuples(st.just("correct"), st.just("household"), _households, _pick),
    st.tuples(st.just("correct"), st.just("fund"), st.just(ACCOUNT), _pick),
    st.tuples(st.just("correct"), st.just("fund"), st.just(ACCOUNT), _pick),
    st.tuples(st.just("correct"), st.just("helper"), st.just(EMPLOYER), _pick),
    # A finding (not yet acted on), a talk or a notice recorded in error.
    st.tuples(st.just("correct"), st.just("inspection"), _inspections, _pick),
    # Amendments of a registration (an empty one, a value already held: refused).
    st.tuples(st.just("amend"), st.just("household"), _households, _household_amendment),
    st.tuples(st.just("amend"), st.just("helper"), st.sampled_from(HELPERS), _helper_amendment),
    # A village's flag or the plan's shares restated (since session 22).
    st.tuples(st.just("amend-village"), st.booleans()),
    st.tuples(st.just("amend-shares"), st.sampled_from(((2, 3, 5), (2, 3, 4), (1, 1, 1)))),
]
_oversight = [
    st.tuples(st.just("inspect"), st.sampled_from(sorted(INSPECTIONS))),
    # A finding's next steps: recorded, rectified, closed.
    st.tuples(st.just("finding"), _inspections, _pick, st.integers(0, 120), st.integers(1, 3)),
    st.tuples(st.just("finding"), _inspections, _pick, st.integers(0, 120), st.integers(1, 3)),
    st.tuples(st.just("rectify"), _inspections, _pick),
    st.tuples(st.just("close"), _inspections, _pick),
    st.tuples(st.just("criticise"), _inspections),
    # A talk is about a year over: 2017's only from its last day.
    st.tuples(st.just("talk"), _inspections, st.sampled_from((2016, 2016, 2017))),
    # 礼乐's officer given another role or street, then (2) retired.
    st.tuples(st.just("officer"), _roles, st.booleans(), st.sampled_from((1, 1, 1, 2))),
]
_permitted: st.SearchStrategy[Command] = st.one_of(*_casework, *_money, *_corrections, *_oversight)
#: Someone not allowed to run the command (an analyst, another street's officer, a street
#: officer for the district) or allowed after all (the street officer for the street's work).
_as_another = st.tuples(st.just("as"), st.sampled_from(("ana-1", SPARE, STREET)), _permitted)

#: The officer's own command recorded by the admin for them (an import of their rows).
_imported = st.tuples(st.just("imported"), _permitted)

commands: st.SearchStrategy[Command] = st.one_of(
    _permitted, _as_another, _as_another, _as_another, _imported
)
steps: st.SearchStrategy[Step] = st.tuples(commands, st.integers(-30, 90))


def histories(min_size: int = 8, max_size: int = 30) -> st.SearchStrategy[list[Step]]:
    return st.lists(steps, min_size=min_size, max_size=max_size)


def dated(history: list[Step]) -> list[tuple[Command, date]]:
    """Each command with its effective day: the gaps added up from ``FIRST_DAY``, kept within
    the programme's days (a negative gap dates a command before the one recorded before it)."""
    day, out = FIRST_DAY, []
    for command, gap in history:
        day = min(max(day + timedelta(days=gap), FIRST_DAY), LAST_DAY)
        out.append((command, day))
    return out


def prepare(app: Ledger) -> None:
    """On a ledger with ``seed_reference``'s data: two registered households, each paired with
    a helper who has an unpaired one of the same kind and with a measure planned, the first
    with its 2016 income above the exit threshold; a candidate under notice (to 2016-09-01); the
    city account, with money; a street and a district inspection. Histories start from there,
    so that a few steps reach visits, handovers, payments, exits, findings."""
    app.register_helper(stamp(ADMIN, date(2016, 7, 26)), "sw-2", "social-worker", "李社工")
    for serial, number in enumerate(HOUSEHOLDS, start=1):
        register(app, number, serial=serial)
    identify(app, CANDIDATE, serial=3)
    app.review(stamp(STREET, date(2016, 8, 2)), CANDIDATE, True)
    # The longest notice a household's entry may record (30 days): an objection is raised during
    # the notice, and the histories' objections come weeks after ``prepare``.
    app.post_notice(stamp(STREET, date(2016, 8, 3)), CANDIDATE, date(2016, 8, 3), date(2016, 9, 1))
    day = date(2016, 8, 10)
    app.pair(stamp(STREET, day), HOUSEHOLDS[0], "c-1")
    app.pair(stamp(STREET, day), HOUSEHOLDS[1], "sw-1")
    app.plan_measure(stamp(STREET, day), HOUSEHOLDS[0], "m1", "industry", "养殖", 300_000)
    app.plan_measure(stamp(STREET, day), HOUSEHOLDS[1], "m1", "education", "助学", 100_000)
    app.open_account(stamp(DISTRICT, day), ACCOUNT, "city", 2016)
    app.assess_income(stamp(STREET, day), HOUSEHOLDS[0], 2016, 900_000)
    app.receive_allocation(stamp(DISTRICT, day), ACCOUNT, 500_000)
    app.open_inspection(stamp(INSPECTOR, day), "I-JN", "street", 2016, INSPECTIONS["I-JN"])
    app.open_inspection(stamp(INSPECTOR, day), "I-QU", "district", 2016)


def apply(app: Ledger, command: Command, day: date) -> None:
    """Run ``command`` on ``day`` through the application. A refusal raises its
    ``LedgerError`` and writes nothing; a command of several steps that was accepted for the
    first stops quietly at a refusal of a later one."""
    actor: str | None = None
    if command[0] == "imported":  # as an import by the admin of the officer's rows
        app.importing_by = ADMIN
        try:
            _Run(app, day, None).run(command[1])
        finally:
            app.importing_by = ""
        return
    if command[0] == "as":
        _, actor, command = command
    _Run(app, day, actor).run(command)


class _Run:
    """One command on one day, each stamp by the officer allowed to run it unless ``actor``."""

    def __init__(self, app: Ledger, day: date, actor: str | None) -> None:
        self.app, self.day, self.actor = app, day, actor

    def by(self, officer: str, note: str = "") -> Stamp:
        return Stamp(self.actor or officer, self.day, DOC, note)

    def run(self, command: Command) -> None:
        kind, *args = command
        handler: Callable[..., None] = getattr(self, "do_" + kind.replace("-", "_"))
        handler(*args)

    # -- casework ------------------------------------------------------------------------

    def do_pair(self, number: str, pick: int) -> None:
        paired = self.app.household(number).helpers
        helper = _nth([h for h in HELPERS if h not in paired], pick, HELPERS[pick % len(HELPERS)])
        self.app.pair(self.by(STREET), number, helper)

    def do_unpair(self, number: str, pick: int, replace: bool) -> None:
        """A pairing ended: with ``replace``, a paired helper who has an unpaired one of the
        same kind (a cadre, a social worker) hands over to them; else, only after the exit."""
        paired = sorted(self.app.household(number).helpers)
        raw = HELPERS[pick % len(HELPERS)]
        if not replace:
            self.app.unpair(self.by(STREET), number, _nth(paired, pick, raw), "脱贫")
            return
        free = {h: [r for r in HELPERS if r not in paired and _same_kind(h, r)] for h in paired}
        helper = _nth([h for h in paired if free[h]], pick, raw)
        replacement = _nth(free.get(helper, []), pick, HELPERS[(pick + 1) % len(HELPERS)])
        self.app.unpair(self.by(STREET), number, helper, "调整帮扶", replacement)

    def do_agreement(self, number: str) -> None:
        self.app.sign_agreement(self.by(STREET), number)

    def do_visit(self, number: str, pick: int) -> None:
        household = self.app.household(number)
        visitors = sorted({*household.helpers, *household.past_pairings})
        helper = _nth(visitors, pick, HELPERS[pick % len(HELPERS)])
        self.app.record_visit(self.by(STREET), number, helper, "走访")

    def do_plan(self, number: str, measure: str, category: str, count: int) -> None:
        steps = [
            lambda: self.app.plan_measure(
                self.by(STREET), number, measure, category, "措施", 10_000
            ),
            lambda: self.app.complete_measure(self.by(STREET), number, measure, "完成"),
        ]
        self.in_steps(steps[:count])

    def do_complete(self, number: str, pick: int) -> None:
        planned = sorted(self.app.household(number).measures)
        measure = _nth(planned, pick, MEASURES[pick % len(MEASURES)])
        self.app.complete_measure(self.by(STREET), number, measure, "完成")

    def do_income(self, number: str, years_on: int, fen: int) -> None:
        self.app.assess_income(self.by(STREET), number, self.day.year + years_on, fen)

    def do_members(self, number: str, members: int, named: bool) -> None:
        serial = 10 + members
        # the head among them (since session 23)
        names = (f"户主{serial}", *(f"成员{i}" for i in range(1, members))) if named else ()
        personal = Personal(f"户主{serial}", id_card(serial), "13900000000", "江海区", names)
        self.app.change_members(self.by(STREET, note="人口变更"), number, members, personal)

    def do_move(self, number: str) -> None:
        """To 江南's other village: 江南社区 from 雄光, 雄光 from 江南社区."""
        village = "雄光" if self.app.household(number).village == "江南社区" else "江南社区"
        self.app.move(self.by(STREET), number, village, "搬迁")

    def do_close_household(self, number: str, because: str) -> None:
        self.app.close_household(self.by(STREET), number, because, "", "注销")

    def in_steps(self, steps: list[Callable[[], None]]) -> None:
        """Several commands, a week apart from this step's day (an exit notice lasts the 7
        days the plan asks). They stop at the first refusal, which is raised only if it was
        the first: a refused step writes nothing, an accepted one writes."""
        first = self.day
        for done, step in enumerate(steps):
            self.day = first + timedelta(weeks=done)
            try:
                step()
            except LedgerError:
                if done == 0:
                    raise
                break
        self.day = first

    def do_exit(self, number: str, count: int) -> None:
        """The next ``count`` steps of the household's exit (proposed, verified, noticed,
        approved) and, once it has exited, of its return to poverty (recognised and applied
        for by the street, reviewed and approved by the district); then its next exit."""
        self.in_steps([lambda: self.next_step(number)] * count)

    def next_step(self, number: str) -> None:
        household = self.app.household(number)
        if household.stage == Stage.EXITED:
            step = RETURN_STEPS[len(household.return_steps) % len(RETURN_STEPS)]
            officer = STREET if step in ("recognised", "applied") else DISTRICT
            named = ("台风", "区应急管理局") if step == "recognised" else ()
            self.app.advance_return(self.by(officer), number, step, *named)
            return
        done = household.exit_steps
        step = EXIT_STEPS[len(done)] if len(done) < len(EXIT_STEPS) else "proposed"
        if step == "proposed":
            years = [y for y in household.incomes if y <= self.day.year]
            year = max([*years, household.plan_year or 0]) or self.day.year
            self.app.propose_exit(self.by(STREET), number, year)
        elif step == "verified":
            self.app.verify_exit(self.by(STREET), number)
        elif step == "noticed":
            end = self.day + timedelta(days=6)
            self.app.post_exit_notice(self.by(STREET), number, self.day, end)
        else:
            self.app.approve_exit(self.by(DISTRICT), number)

    def do_withdraw(self, number: str, count: int) -> None:
        """The next ``count`` steps of the exit, then its withdrawal; once the household has
        exited, of its return to poverty, then the return's withdrawal."""

        def withdraw() -> None:
            if self.app.household(number).stage == Stage.EXITED:
                self.app.withdraw_return(self.by(STREET), number, "区审核不通过")
            else:
                self.app.withdraw_exit(self.by(STREET), number, "核实未通过")

        self.in_steps([*[lambda: self.next_step(number)] * count, withdraw])

    def do_sign(self, number: str) -> None:
        self.app.sign(self.by(STREET), number)

    def do_objection(self, upheld: bool, count: int) -> None:
        """An objection to the candidate's notice, or the answer to the one open; ``count`` of
        them."""
        self.in_steps([lambda: self.objection(upheld)] * count)

    def objection(self, upheld: bool) -> None:
        household = self.app.household(CANDIDATE)
        open_ = [o for o, resolved in household.objections.items() if not resolved]
        if open_:
            self.app.resolve_objection(self.by(STREET), CANDIDATE, open_[0], upheld)
        else:
            raised = f"o-{len(household.objections) + 1}"
            self.app.raise_objection(self.by(STREET), CANDIDATE, raised, "异议")

    def do_candidate(self) -> None:
        """The candidate signs, or once signed is registered."""
        if self.app.household(CANDIDATE).signed_on is None:
            self.app.sign(self.by(STREET), CANDIDATE)
        else:
            self.app.register(self.by(STREET), CANDIDATE, True)

    # -- money -------------------------------------------------------------------------------

    def do_allocate(self, fen: int) -> None:
        self.app.receive_allocation(self.by(DISTRICT), ACCOUNT, fen)

    def do_disburse(self, number: str, pick: int, fen: int) -> None:
        household = self.app.household(number)
        measure = _nth(sorted(household.measures), pick, MEASURES[pick % len(MEASURES)])
        planned = household.measures.get(measure)
        category = planned.category if planned and pick < _RAW else CATEGORIES[pick % 3]
        payment = Disbursement(fen, category, "household", number, measure)
        self.app.disburse(self.by(DISTRICT), ACCOUNT, payment)

    def do_pay_working(self, fen: int) -> None:
        self.app.disburse(self.by(DISTRICT), ACCOUNT, Disbursement(fen, "working", "working"))

    def do_employ(self, number: str, days_before: int, count: int) -> None:
        since = self.day - timedelta(days=days_before)
        steps = [
            lambda: self.app.employ_worker(self.by(STREET), EMPLOYER, number, since),
            lambda: self.app.end_employment(self.by(STREET), EMPLOYER, number),
        ]
        self.in_steps(steps[:count])

    def do_end_employment(self, pick: int) -> None:
        workers = sorted(self.app.load(Helper, EMPLOYER, "enterprise").workers)
        number = _nth(workers, pick, (*HOUSEHOLDS, CANDIDATE)[pick % 3])
        self.app.end_employment(self.by(STREET), EMPLOYER, number)

    # -- the district office's restatements (since session 22) ------------------------------

    def do_amend_village(self, poor: bool) -> None:
        """江南社区's relatively-poor flag restated (refused when it is so already)."""
        self.app.amend_village(self.by(ADMIN), "江南", "江南社区", poor, "录入错误")

    def do_amend_shares(self, shares: tuple[int, ...]) -> None:
        """The plan's yearly shares restated (only reports read them)."""
        self.app.amend_rules(self.by(ADMIN), {"reduction_shares": shares}, "录入错误")

    # -- corrections -------------------------------------------------------------------------

    def do_correct(self, kind: str, key: str, pick: int) -> None:
        """Void one of the entries in force, the latest first (a raw pick: that version,
        which may be voided already or no voidable entry at all)."""
        aggregate = self.aggregate(kind, key)
        live = sorted((v for v in aggregate.entries if v not in aggregate.voided), reverse=True)
        version = live[pick % len(live)] if live and pick < _RAW else pick
        officer = {"fund": DISTRICT, "inspection": INSPECTOR}.get(kind, STREET)
        if aggregate.entries.get(version, ("", None))[0] in ("ExitAdvanced", "ReturnAdvanced"):
            # an exit's or (since session 23) a return's approval is the district's to void
            # (correct_exit)
            officer = DISTRICT
        self.app.correct(self.by(officer), kind, key, version, "录入错误")

    def do_amend(self, kind: str, key: str, changes: dict[str, Any]) -> None:
        """Restate fields of the household's or helper's registration (as its street's
        officer: any officer may amend a helper)."""
        self.app.amend(self.by(STREET), kind, key, changes, "录入错误")

    def aggregate(self, kind: str, key: str) -> LedgerAggregate:
        if kind == "household":
            return self.app.household(key)
        if kind == "fund":
            return self.app.load(FundAccount, key, "account")
        if kind == "inspection":
            return self.app.load(Inspection, key, "inspection")
        return self.app.load(Helper, key, "helper")

    # -- oversight and officers -----------------------------------------------------------

    def do_inspect(self, code: str) -> None:
        street = INSPECTIONS[code]
        level = "street" if street else "district"
        self.app.open_inspection(self.by(INSPECTOR), code, level, self.day.year, street)

    def inspection(self, code: str) -> Inspection | None:
        if not self.app.exists(Inspection, code):
            return None
        return self.app.load(Inspection, code, "inspection")

    def open_findings(self, code: str, rectified: bool = False) -> list[str]:
        """The inspection's findings not closed (only those with a rectification reported)."""
        inspection = self.inspection(code)
        if inspection is None:
            return []
        found = set(inspection.rectified) if rectified else set(inspection.findings)
        return sorted(found - inspection.closed)

    def do_finding(self, code: str, pick: int, days: int, count: int) -> None:
        """A finding recorded, then (``count`` 2 or 3) its rectification reported, then it is
        closed."""
        inspection = self.inspection(code)
        held = len(inspection.findings) + len(inspection.voided_findings) if inspection else 0
        finding = f"{code}-F{held + 1}"  # a voided finding keeps its id
        steps = [
            lambda: self.record_finding(code, finding, pick, days),
            lambda: self.rectify(code, finding),
            lambda: self.app.close_finding(self.by(INSPECTOR), code, finding),
        ]
        self.in_steps(steps[:count])

    def record_finding(self, code: str, finding: str, pick: int, days: int) -> None:
        subjects = STREET_SUBJECTS if INSPECTIONS[code] else DISTRICT_SUBJECTS
        kind, subject = subjects[pick % len(subjects)]
        deadline = self.day + timedelta(days=days)
        self.app.record_finding(self.by(INSPECTOR), code, finding, kind, subject, "问题", deadline)

    def do_rectify(self, code: str, pick: int) -> None:
        """Another rectification report, on a finding not closed."""
        self.rectify(code, _nth(self.open_findings(code), pick, f"{code}-F{pick}"))

    def rectify(self, code: str, finding: str) -> None:
        officer = STREET if INSPECTIONS[code] else DISTRICT
        # Entered after its deadline, by the test's clock, as every entry here: it says so
        # (since session 22).
        self.app.report_rectification(self.by(officer, "补录"), code, finding, "已整改")

    def do_close(self, code: str, pick: int) -> None:
        finding = _nth(self.open_findings(code, rectified=True), pick, f"{code}-F{pick}")
        self.app.close_finding(self.by(INSPECTOR), code, finding)

    def do_criticise(self, code: str) -> None:
        self.app.notice_criticism(self.by(INSPECTOR), code, "江南街道", "进度慢")

    def do_talk(self, code: str, year: int) -> None:
        self.app.hold_talk(self.by(INSPECTOR), code, "江南", year, "未完成年度目标")

    def do_officer(self, role: str, with_street: bool, count: int) -> None:
        street = "礼乐" if with_street else ""
        steps = [
            lambda: self.app.change_officer(self.by(ADMIN), SPARE, role, street),
            lambda: self.app.retire_officer(self.by(ADMIN), SPARE, "调离"),
        ]
        self.in_steps(steps[:count])


def _same_kind(helper: str, other: str) -> bool:
    return HELPER_KINDS[helper] == HELPER_KINDS[other]


def _nth(items: list[str], pick: int, otherwise: str) -> str:
    """``items[pick]`` (wrapping) for a pick below ``_RAW``; else, or when ``items`` is empty,
    ``otherwise``: a value the state did not offer, often refused."""
    return items[pick % len(items)] if items and pick < _RAW else otherwise


#: JH-2's amendment in the tour: no key target from the start, nor willing, and urban.
_NO_KEY_TARGET = {"key_target": False, "willing": False, "area": "urban"}

#: A history through every event the read models handle (``test_projection_folds`` checks it
#: does), with entries dated before others already recorded: each property runs it besides the
#: histories it draws. Some steps are imported by the admin for their officer (since session
#: 29): the read models keep who imported each entry beside its officer.

TOUR: list[Step] = [
    (("visit", "JH-1", 0), 0),
    (("plan", "JH-1", "m2", "education", 2), 1),  # planned, completed a week later
    (("allocate", 200_000), 1),
    (("disburse", "JH-1", 0, 50_000), 1),  # to m1
    (("pay-working", 10_000), 1),
    (("correct", "fund", ACCOUNT, 1), 1),  # voids the payment to JH-1 (and its receipt)
    # voids m1's planning (entry 4 of JH-1's voidable ones, the latest first: m2's completion
    # and planning, the visit, the assessment; correctable since session 15), its payment
    # voided just before (its signature stands under its registration since session 29: the
    # candidate's is voided under notice below)
    (("correct", "household", "JH-1", 4), 1),
    (("members", "JH-2", 4, True), 1),
    # sw-1 hands over to sw-2, imported for jn-01 by the admin (the unpairing's and the
    # replacement's pairing's importer)
    (("imported", ("unpair", "JH-2", 0, True)), 1),
    (("agreement", "JH-2"), 1),
    (("employ", "JH-2", 30, 2), 1),  # employed, leaving a week later
    (("employ", "JH-1", 10, 1), 1),
    (("correct", "helper", EMPLOYER, 0), 1),  # voids JH-1's employment
    (("objection", False, 2), 1),  # raised, dismissed a week later
    (("candidate",), 1),  # signs
    (("correct", "household", CANDIDATE, 0), 0),  # voids that signature, under notice
    (("candidate",), 1),  # signs again
    (("imported", ("candidate",)), 8),  # is registered
    (("imported", ("finding", "I-JN", 0, 30, 3)), 1),  # recorded, rectified, closed
    (("finding", "I-QU", 0, 30, 1), 1),
    (("criticise", "I-QU"), 1),
    (("correct", "inspection", "I-QU", 0), 0),  # voids the notice, that day
    (("correct", "inspection", "I-QU", 0), 0),  # voids the finding (not acted on)
    (("officer", "inspector", False, 2), 1),  # changed, retired a week later
    (("withdraw", "JH-1", 1), 1),  # proposed, withdrawn a week later
    (("exit", "JH-1", 4), 14),  # proposed, verified, noticed, approved
    # the approval came three weeks on: voided the day after (JH-1's latest entry), then
    # approved again the next day
    (("correct", "household", "JH-1", 0), 22),
    (("exit", "JH-1", 1), 1),
    (("unpair", "JH-1", 0, False), 12),  # after the exit, with no replacement
    (("withdraw", "JH-1", 2), 1),  # return recognised, applied, withdrawn two weeks on
    (("exit", "JH-1", 4), 15),  # return recognised, applied, reviewed, approved
    # the return's approval (three weeks on) voided the day after (JH-1's latest entry; since
    # session 23), then approved again the next day
    (("correct", "household", "JH-1", 0), 22),
    (("exit", "JH-1", 1), 1),
    (("imported", ("talk", "I-QU", 2016)), 70),  # in 2017
    (("amend-village", True), 0),  # 江南社区 relatively poor after all (since session 22)
    (("imported", ("amend-shares", (2, 3, 4))), 0),  # the plan's shares restated
    # months on, the close voided, then the rectification (correctable since session 22):
    # the finding is open and unrectified again, then rectified and closed anew
    (("correct", "inspection", "I-JN", 0), 0),
    (("correct", "inspection", "I-JN", 0), 0),
    (("rectify", "I-JN", 0), 2),
    (("close", "I-JN", 0), 1),
    (("income", "JH-2", 0, 950_000), 1),
    (("visit", "JH-2", 1), -40),  # by sw-2, entered late: dated before the talk
    (("income", "JH-1", 0, 700_000), -10),  # JH-1's 2016 income, entered late
    (("correct", "household", "JH-2", 0), 30),  # voids the late visit
    # jn-01's visit and qu-01's allocation imported by the admin (``imported_by``, session 29)
    (("imported", ("visit", "JH-2", 1)), 0),
    (("imported", ("allocate", 30_000)), 0),
    # JH-2 was no key target from the start: 2016's plan loses it, whatever the view's date.
    (("imported", ("amend", "household", "JH-2", _NO_KEY_TARGET)), 1),
    (("amend", "helper", "v-1", {"name": "江南党员义工队", "team_size": 12}), 1),
    # JH-2 moved to 江南社区, the move voided (its latest entry), moved again; its record
    # closed, the closure voided, then JH-1's closed for good (since session 25).
    (("move", "JH-2"), 1),
    (("correct", "household", "JH-2", 0), 1),
    (("move", "JH-2"), 1),
    (("close-household", "JH-2", "died-out"), 20),  # after its latest step
    (("correct", "household", "JH-2", 0), 1),
    (("imported", ("close-household", "JH-1", "in-error")), 1),
    # an inspection opened, a notice, JH-2 paired again, each imported for its officer
    (("imported", ("inspect", "I-LL")), 0),
    (("imported", ("criticise", "I-QU")), 0),
    (("imported", ("pair", "JH-2", 0)), 0),
]
