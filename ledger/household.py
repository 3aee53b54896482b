"""The household 贫困户: the case, from identification 识别 to exit 退出 and return to poverty 返贫.

Lifecycle [四(一)、六(六)]: identified 识别 → village review 村（社区）评议 → public notice 张榜公示
(at least 7 days; objections raised and resolved) → household signature 逐户签字确认 →
registration 建档立卡 → pairing 结对帮扶 with the 4+1 helpers, agreement 扶贫协议, visits, measures
一户一策, funds → yearly income assessment → exit proposed 拟退出, verified 核实, noticed 公示,
approved → (after a major disaster) return 返贫 recognised, applied for, reviewed, approved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import event

from ledger.authority import EVENT_COMMANDS
from ledger.base import (
    LedgerAggregate,
    Provenance,
    differs_in_case,
    natural_id,
    with_article,
)
from ledger.errors import RuleError
from ledger.programme import MAX_RURAL_INCOME_FEN, closing_day, last_exit_day
from ledger.typed import key_hint, said_as_read
from ledger.values import (
    AREAS,
    SIMPLIFIED,
    check_as_recorded,
    check_come,
    check_flag,
    check_says,
    choice,
    format_yuan,
    parse_category,
    replay_spares,
    require_text,
)

__all__ = [
    "ACTIVE_STAGES",
    "AFTER_CLOSURE",
    "CLOSURE_INTO",
    "CLOSURE_REASONS",
    "CLOSURE_WORDS",
    "ENDS_BY_CLOSURE",
    "ERASED",
    "ERASED_PERSONAL",
    "EXIT_STEP_WORDS",
    "LABOUR_CATEGORIES",
    "MAX_NOTICE_DAYS",
    "PLACEHOLDERS",
    "RETURN_STEPS",
    "RETURN_STEP_WORDS",
    "SEALED",
    "Household",
    "Measure",
    "Personal",
    "Stage",
    "Unpairing",
    "check_notice_dates",
    "exit_in_force_on",
    "names_shown",
    "parse_return_step",
]

#: A day as the ledger keeps it (``date``) or as the read models do (ISO text, which sorts as
#: dates do).
Day = TypeVar("Day", date, str)


def exit_in_force_on(
    exits: Sequence[Day], returns: Sequence[Day], day: Day
) -> tuple[Day, Day | None] | None:
    """The approved exit a household was out under on ``day``, by effective date and not by
    its stage now: ``exits`` are its exit approvals, ``returns`` its return approvals, in the
    order they follow one another (each return ends the exit before it); (that exit's
    approval, the next return's approval or None) with approval <= ``day`` < return, else
    None. The ledger's rule (``Household.exit_in_force``) and the read models'
    (``projections.households.out_on``) both."""
    for cycle, exited in enumerate(exits):
        back = returns[cycle] if cycle < len(returns) else None
        if exited <= day and (back is None or day < back):
            return exited, back
    return None


#: What personal data reads as once erased 已删除 (its key destroyed), and when no master key
#: is at hand to open it (docs/privacy.md).
ERASED = "[erased]"
SEALED = "[sealed]"
#: Every placeholder a reader is shown instead of personal data: ``ERASED``, ``SEALED``,
#: ``[unreadable]`` (a household whose key is damaged, ``ledger.reading.UNREADABLE``) and
#: ``[masked]`` (an unreadable event's personal data, ``ledger.reading.raw_entry``). None is
#: recorded as a value (``ledger.casework.named``): a household would then look erased.
PLACEHOLDERS = (ERASED, SEALED, "[unreadable]", "[masked]")


#: The most members a household may have: far above any real one, low enough that no report's
#: sum of members leaves SQLite's integers.
MAX_MEMBERS = 100


#: The measure categories that need labour capacity: employment 就业 and entrepreneurship 创业
#: are for poor people able to work 有就业能力的贫困人口 [四(六)] (since session 24).
LABOUR_CATEGORIES = frozenset({"employment", "entrepreneurship"})

#: The largest budget one household's measure may have: 1,000,000 yuan, far above any measure
#: of the plan (a house rebuilt, a herd bought) and far below a budget typed in fen as yuan.
MAX_MEASURE_BUDGET_FEN = 100_000_000


class Stage:
    """Where a household stands in its lifecycle."""

    IDENTIFIED = "identified"  # 识别
    REVIEWED = "reviewed"  # 村（社区）评议 passed
    REJECTED = "rejected"  # not accepted at review
    UNDER_NOTICE = "under-notice"  # 张榜公示
    REGISTERED = "registered"  # 建档立卡
    EXITED = "exited"  # 退出
    RETURNED = "returned"  # 返贫, back in next year's plan


#: Stages in which a household receives assistance (pairing, visits, measures, funds).
ACTIVE_STAGES = (Stage.REGISTERED, Stage.RETURNED)

#: Why a household's record ends 注销 / 自然减少 (since session 25): merged into another 合户,
#: the whole household died 全户死亡, moved out of the district 迁出, identified twice 重复识别,
#: identified in error 识别错误. Merged and duplicate name the household it went into.
CLOSURE_REASONS = ("merged", "died-out", "moved-away", "duplicate", "in-error")
CLOSURE_WORDS = {
    "合户": "merged",
    "全户死亡": "died-out",
    "迁出": "moved-away",
    "重复识别": "duplicate",
    "识别错误": "in-error",
}
CLOSURE_INTO = frozenset({"merged", "duplicate"})
#: The rule an employment of a worker of a closed household stands by (since session 25 for
#: the closure, since session 31 for its end and the voiding of its end; verify's note says it).
ENDS_BY_CLOSURE = (
    "an employment of a worker of a household ends on or before the household's closure 注销"
)

#: Entries a closed household still takes, whatever their date: a correction (voiding the
#: closure among others, or a payment's receipt), an amendment (from the start), an erasure,
#: and the withdrawal of an exit left under way by a closure an older fupin took (since
#: session 29: that exit could be neither verified nor withdrawn; tester D), or of a return
#: (since session 30: re-tester R, a return recognised before the closure could be neither
#: applied for nor withdrawn on a true date).
AFTER_CLOSURE = frozenset(
    {
        "Corrected",
        "Amended",
        "PersonalDataErased",
        "ReceiptVoided",
        "ExitWithdrawn",
        "ReturnWithdrawn",
    }
)

#: The commands that leave an exit or a return 返贫 under way (every step of one but its
#: approval), by the process they leave so: a closed household takes none, whatever its date
#: (since session 30, ``Household.check_open_for``).
UNDER_WAY_COMMANDS = {
    "propose_exit": "an exit",
    "verify_exit": "an exit",
    "post_exit_notice": "an exit",
    "recognise_return": "a return 返贫",
    "apply_return": "a return 返贫",
    "review_return": "a return 返贫",
}

#: A step as a closed household's refusal names it (others by their event's name).
_STEP_NAMES = {
    "VisitRecorded": "a visit",
    "MeasurePlanned": "a measure",
    "MeasureCompleted": "a measure's completion",
    "FundsReceived": "a payment",
    "HelperPaired": "a pairing",
    "HelperUnpaired": "an unpairing",
    "AgreementSigned": "an agreement",
    "IncomeAssessed": "an income assessment",
    "ExitProposed": "an exit's proposal",
    "ExitAdvanced": "an exit's step",
    "ExitNoticed": "an exit's notice",
    "ExitWithdrawn": "an exit's withdrawal",
    "MembersChanged": "a change of members",
    "ReturnAdvanced": "a return's step",
    "Closed": "a closure",
    # every other event of a household has its word too (since session 25: a refusal said
    # "ObjectionRaised is dated …")
    "Identified": "an identification",
    "Reviewed": "a village review",
    "NoticePosted": "a notice",
    "ObjectionRaised": "an objection",
    "ObjectionResolved": "an objection's resolution",
    "Signed": "a signature",
    "Registered": "a registration",
    "ReturnWithdrawn": "a return's withdrawal",
    "Moved": "a move",
    "Corrected": "a correction",
    "Amended": "an amendment",
    "PersonalDataErased": "an erasure",
    "ReceiptVoided": "a receipt's voiding",
}

#: The step of the household each command records, by its event's name: what its closure's
#: refusal names when the command is dated on or after the closure (``Household.check_open_for``).
COMMAND_STEPS = {
    command: step
    for step, commands in EVENT_COMMANDS.items()
    if step in _STEP_NAMES
    for command in commands
}

#: Who may be marked a key target 重点帮扶对象 [三].
KEY_TARGET_RULE = "key targets have labour capacity and are willing [三]"

#: The other direction (since session 26): a registered household with labour capacity that
#: is willing is a key target, in the seed's words below [三; 四(一)].
ABLE_KEY_TARGET_RULE = (
    "a 低保 household with labour capacity that is willing is a key target 重点帮扶对象 "
    "[三「将认定有劳动能力，且愿意接受帮扶的城乡低保家庭 … 作为 … 重点帮扶对象」; "
    "四(一)「将有劳动能力且愿意脱贫的低保户识别出来，作为本轮精准扶贫的重点帮扶对象」]"
)

#: The exit procedure 拟选对象、精准扶持、民主评议、公示公告, in order.
EXIT_STEPS = ("proposed", "verified", "noticed", "approved")

#: The exit's steps an ``ExitAdvanced`` records, in the seed's words [六(六)「各街道对当年达到或
#: 超过脱贫标准的帮扶对象进行核实公示并退出帮扶」]: verified 核实, approved 退出帮扶 (shown by
#: ``fupin history``; since the session 27 re-test, tester H: 核实 / 批准, no 批准 in the seed).
EXIT_STEP_WORDS = {"核实": "verified", "退出帮扶": "approved"}

#: The return-to-poverty procedure 返贫, in order [六(六)].
RETURN_STEPS = ("recognised", "applied", "reviewed", "approved")
#: The return's steps in the seed's words [六(六)「应根据区级以上农业、气象、民政、国土等部门认定，
#: 由镇级扶贫部门申请、区级扶贫部门审核、市级扶贫部门审定」], read as the English name where a step
#: is typed (``parse_return_step``; since session 27, tester E: 认定 was refused).
RETURN_STEP_WORDS = {
    "认定": "recognised",
    "申请": "applied",
    "审核": "reviewed",
    "审定": "approved",
}


def parse_closure_reason(value: str, field: str = "because") -> str:
    """A closure's reason 注销原因 as typed, in English or Chinese (``CLOSURE_WORDS``), read as
    the English name it records (``parse_category``): ``Ledger.close_household`` and an
    import row's mark (``ledger.commands.coded_as_recorded``) read it alike."""
    return parse_category(value, CLOSURE_REASONS, CLOSURE_WORDS, field)


def parse_return_step(value: str, field: str = "step") -> str:
    """A return's step as typed on the command line or in an import: its English name or the
    seed's word (``RETURN_STEP_WORDS``: 认定, 申请, 审核, 审定), read as the English name it
    records, as a category is (``parse_category``); anything else is refused listing both.
    A word in traditional characters is read as the simplified (申請 as 申请, as --authority
    reads 江海區民政局; since the session 27 re-test, tester H: it was refused)."""
    simplified = value.translate(SIMPLIFIED)
    typed = simplified if simplified.strip() in RETURN_STEP_WORDS else value
    return parse_category(typed, RETURN_STEPS, RETURN_STEP_WORDS, field)


#: The entries a return in force may hold up (``Household.check_return_voidable``), as a
#: refusal names them: only a household assisted on their date records them.
_RESTING_ON_RETURN = {
    "HelperPaired": "a pairing",
    "HelperUnpaired": "a replacement's pairing",
    "AgreementSigned": "an agreement",
    "MeasurePlanned": "a measure",
}


#: The longest public notice 公示 (identification or exit) a household's entry may record, in
#: days, unless the programme's least is longer: a month. The plan asks for at least 7 days
#: [四(一)]; notices run 7, sometimes 10 or 15. The registration (the exit's approval) waits for
#: the notice's last day, and a posted notice is not voided (everything after it rests on it):
#: an end typed a month or a year too late would hold the household up that long.
MAX_NOTICE_DAYS = 30


#: Where an exit notice's days come from: 六(六) asks for the notice 公示 and names no length;
#: the 7 days 「公示期要在7天以上」 are 四(一)'s, written for the identification's notice, and
#: the programme's ``notice_min_days`` applies them to the exit's too (since session 34,
#: tester a: the refusal cited 六(六) alone, as if it gave the length).
EXIT_NOTICE_DAYS_CITED = " (the programme's notice days, 四(一)'s, for the exit notice of 六(六))"


#: Who voids a payment a household's correction waits on: not always the officer told (a
#: street officer voiding a measure paid from a city account; since session 34, tester a:
#: told to void it, then refused as not the district's).
_BY_ITS_OFFICER = "by an officer who records on {}: the district for a city or district account"


def check_notice_length(start: date, end: date, min_days: int, cited: str = "") -> None:
    """A public notice ends on or after its start and lasts at least ``min_days``, both its
    days included (``cited``: the plan's article, after the rule). An end before the start is
    refused as such, not as a notice of so many days, "-5" of them."""
    if end < start:
        raise RuleError(
            "end",
            f"the notice ends {end}, before its start {start}: a notice runs from its start to "
            f"its end, both included, at least {min_days} days{cited}",
        )
    days = (end - start).days + 1
    if days < min_days:
        raise RuleError("end", f"the notice lasts {days} days; the plan needs {min_days}{cited}")


def check_notice_dates(start: date, end: date, min_days: int, effective: date) -> None:
    """A public notice 张榜公示 / 退出公示 (whose length is at least ``min_days``, checked by the
    caller) has begun by today (China time, as ``-e`` is judged), takes effect the day it is
    posted, its first day (so what follows it, objections and signatures dated from its start,
    never comes before it), and runs at most ``MAX_NOTICE_DAYS`` (or ``min_days``)."""
    check_come(start, "start", "a notice is recorded once it is posted")
    if start != effective:
        raise RuleError(
            "start",
            f"the notice starts {start} and is dated {effective}: a public notice takes effect "
            "the day it is posted, its first day; give the same date to both (the start and -e)",
        )
    days = (end - start).days + 1
    longest = max(MAX_NOTICE_DAYS, min_days)
    if days > longest:
        raise RuleError(
            "end",
            f"the notice lasts {days} days ({start} to {end}); a public notice runs at most "
            f"{longest} (the step after it waits for its last day): is the end typed right?",
        )


@dataclass(frozen=True)
class Personal:
    """Personal data 个人信息 of the household: sensitive, shown masked to analysts."""

    head_name: str
    id_card: str  # 身份证号 of the head of household
    phone: str = ""
    address: str = ""
    member_names: tuple[str, ...] = ()


#: An erased household's personal data as every reader reads it: ``[erased]`` in every field,
#: the members' names as one mark (``names_shown`` gives one for each member where they are
#: shown).
ERASED_PERSONAL = Personal(ERASED, ERASED, ERASED, ERASED, (ERASED,))


def names_shown(personal: Personal, members: int) -> Personal:
    """``personal`` as shown and exported beside ``members``, the household's count where it
    is shown: an erased household's member names read one ``[erased]`` for each of its
    members (since session 29, tester J: one ``[erased]`` stood for them all in ``household
    show``, the HTML report and the export alike, as if it had one member), so that a reader
    sees both that the names are erased and how many members there are. Any other as it is."""
    if personal != ERASED_PERSONAL or members < 1:
        return personal
    return replace(personal, member_names=(ERASED,) * members)


@dataclass(frozen=True)
class Unpairing:
    """What an unpairing 脱钩 (``HelperUnpaired``) ended and began, for a correction that voids
    it: ``helper``'s pairing in ``role`` from ``began`` to ``ended``, begun by entry ``entry``
    (its ``HelperPaired``, or the unpairing that named it a replacement; None: neither is on
    record), the day its pairing before it here had ended (``ended_before``: None if none),
    and the ``replacement`` paired in its place that day ("" for none)."""

    helper: str
    replacement: str
    role: str
    began: date
    ended: date
    entry: int | None
    ended_before: date | None


def _held(role: str, helpers: list[str], day: date) -> str:
    """Who holds the places of ``role`` on ``day`` (``Household.places_held``), as refusals
    say it: ``3 cadre helper(s) in force on 2016-12-01 (c-1, c-2, c-3)``."""
    return f"{len(helpers)} {role} helper(s) in force on {day} ({', '.join(helpers)})"


@dataclass(frozen=True)
class MembersUnlike:
    """The year's income assessment an exit step rests on (entry ``basis``, dated
    ``assessed``), made for ``made_for`` members as then on record; the household had ``then``
    that day as now known (since ``then_since``, by entry ``late``) and ``now`` on the step's
    day (since ``since``): ``Household.members_unlike``."""

    basis: int
    assessed: date
    made_for: int
    then: int
    then_since: date
    late: int
    now: int
    since: date


@dataclass(frozen=True)
class MergeIn:
    """A household merged 合户 into another (``Household.check_assessed_for_members``): its
    number, the merge's date, its members that day and its closure's entry."""

    number: str
    day: date
    members: int
    entry: int


@dataclass(frozen=True)
class Measure:
    """One measure of the household's plan 一户一策."""

    measure_id: str
    category: str
    description: str
    budget_fen: int


class Household(LedgerAggregate):
    """A low-income household 低保户 in the programme, identified by its household number."""

    VOIDABLE = frozenset(
        {
            *("VisitRecorded", "IncomeAssessed", "MeasurePlanned", "MeasureCompleted"),
            *("NoticePosted", "Signed", "HelperPaired", "AgreementSigned", "ExitAdvanced"),
            *("HelperUnpaired", "ReturnAdvanced", "Reviewed", "MembersChanged"),
            "Closed",
            "Moved",
            "ExitWithdrawn",
        }
    )
    #: Of an exit's steps, only its approval is an entry a correction voids; of a return's,
    #: only its approval too (since session 23).
    # (tester K, session 18: a newcomer was not told what to do instead)
    FIRST_ENTRY_INSTEAD = (
        "an identification is never voided: a field typed wrong is amended (fupin household "
        "amend NUMBER: village, area, labour, willing, disabled, key target), the head, ID "
        "card and members recorded anew from a date (fupin household members NUMBER), and a "
        "household identified in error is turned down at the village review while it awaits "
        "one (fupin household review NUMBER --rejected)"
    )
    VOIDABLE_SHOWN = (
        *sorted(VOIDABLE - {"ExitAdvanced", "ReturnAdvanced"}),
        "ExitAdvanced (an exit's approval only)",
        "ReturnAdvanced (a return's approval only)",
    )
    #: What ``Amended`` may restate: the identification's village (one of its street's: the
    #: command checks it against the street; tester X, session 20: a household entered in the
    #: wrong village stayed filed there for good), area and flags, the registration's
    #: key-target mark. Not the number or street (its accounts, officers and inspections are
    #: the street's), nor members and personal data (``MembersChanged``).
    AMENDABLE = frozenset({"village", "area", "labour", "willing", "disabled", "key_target"})
    #: The closure 注销 in force (since session 25): its effective date, why, into what
    #: household ("" for none) and its entry's version; None while the household is open.
    closed_on: date | None = None
    closed_because = ""
    closed_into = ""
    closure_entry: int | None = None
    #: The registration's entry (its version; since session 29): it is never voided, and the
    #: signature it rests on stands (``check_signature_voidable``). None before it.
    registration_entry: int | None = None

    def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None:
        """Every new entry of the household passes here (a replay does not): a closed
        household takes no step dated on or after its closure (since session 25), whichever
        command records it; a correction, an amendment or an erasure is still taken."""
        prov = kwargs.get("prov")
        if isinstance(prov, Provenance) and event_class.__name__ not in AFTER_CLOSURE:
            self.check_open_on(prov.effective, event_class.__name__)
        super().trigger_event(event_class, **kwargs)

    def check_open_on(self, day: date, step: str) -> None:
        """A closed household takes no step ``step`` (an event's name) dated on or after its
        closure; a command checks it first where its own rules would say less (an unpairing:
        since session 25, the closure is named before 不脱贫不脱钩)."""
        if self.closed_on is not None and day >= self.closed_on:
            raise RuleError(
                "effective",
                f"{_STEP_NAMES.get(step, step)} is dated {day}; {self.closure_said()}: a "
                "closed household takes no step dated on or after its closure (a closure in "
                f"error is voided: fupin correct household {self.number} {self.closure_entry} "
                "--reason …)",
            )

    def check_open_for(self, command: str, day: date) -> None:
        """A closed household's closure is the first refusal of a step dated on or after it,
        whichever command records the step (since session 29; tester G: a proposal was refused
        for a missing income assessment, a signature for the household's stage, a change of
        members for its names, each sending the officer to a step refused for the closure);
        a command a closed household still takes (``AFTER_CLOSURE``) is let through."""
        step = COMMAND_STEPS.get(command)
        if step is not None and step not in AFTER_CLOSURE:
            self.check_open_on(day, step)
        process = UNDER_WAY_COMMANDS.get(command)
        if process is not None and step is not None:
            self.check_not_left_under_way(f"{_STEP_NAMES[step]} is dated {day}", process)

    def check_not_left_under_way(
        self, what: str, process: str, state: str = "under way", replaying: bool = False
    ) -> None:
        """A step dated before the household's closure, entered after it, that would leave
        ``process`` (an exit, a return, an employment of a worker of it) ``state`` past the
        closure is refused naming the closure (since session 30; re-tester R: an exit proposed
        and verified, and an employment, dated before a closure and entered after it, were
        taken, and the closed household kept them under way, unseen by every report), as the
        closure itself is refused while one is under way (``check_no_exit_under_way``,
        ``check_no_return_under_way``): the closure in force is voided first, the process
        recorded to its end, and the household closed again. An export's replay spares it
        (``replay_spares``; ``replaying``: the ledger's ``rebuilding_export``)."""
        if self.closed_on is None or replay_spares("under_way_past_closure", replaying):
            return
        raise RuleError(
            "household",
            f"{what}; {self.closure_said()} (entry {self.closure_entry}): entered after "
            f"the closure, it would leave {process} {state} past it, and a household is not "
            f"closed with one {state}; if it came before the closure, void the closure first "
            f"(fupin correct household {self.number} {self.closure_entry} --reason …), "
            "record it to its end, then close the household again",
        )

    def check_employment_ends_by(self, enterprise: str, day: date, replaying: bool = False) -> None:
        """An end 离职 of ``enterprise``'s employment of a worker of the household is dated on
        or before the household's closure 注销 in force (since session 31, helper d: one dated
        after it was taken, and the job stood past the closure until then, which the closure
        itself is refused with, ``CaseworkCommands._check_no_employment_after``). An export's
        replay spares it (``replay_spares``; ``replaying``: the ledger's ``rebuilding_export``),
        and ``fupin verify`` notes such an employment (``ledger.closed_under_way``)."""
        if self.closed_on is None or day <= self.closed_on:
            return
        if replay_spares("employment_end_after_closure", replaying):
            return
        raise RuleError(
            "effective",
            f"the end of {enterprise}'s employment of a worker of {self.number} is dated {day}; "
            f"{self.closure_said()} (entry {self.closure_entry}): {ENDS_BY_CLOSURE}; end it on "
            f"or before the closure's date {self.closed_on} (fupin helper end-employment "
            f"{enterprise} {self.number} -e DATE), or, if the closure was in error, void it "
            f"first (fupin correct household {self.number} {self.closure_entry} --reason …)",
        )

    def check_employment_end_voidable(self, enterprise: str, version: int, ended: date) -> None:
        """Entry ``version`` of ``enterprise``, the end of its employment of a worker of the
        household on ``ended``, is not voided while a closure 注销 of the household dated on or
        after that day stands (since session 31, helper d: it was, and the job stood again past
        the closure): the closure is voided first, then the end, as an exit's approval is
        (``check_approval_open``). An end dated after the closure (an older fupin's, which
        ``fupin verify`` notes) is voided, to end the employment anew on or before the
        closure. Called by ``Ledger.correct``, which an export's replay spares."""
        if self.closed_on is None or ended > self.closed_on:
            return
        raise RuleError(
            "version",
            f"{self.closure_said()} (entry {self.closure_entry}): voiding entry {version} of "
            f"{enterprise}, its end on {ended} of the employment of a worker of {self.number}, "
            f"would leave that employment standing past the closure, and {ENDS_BY_CLOSURE}; "
            f"void the closure first (fupin correct household {self.number} "
            f"{self.closure_entry} --reason …), then the end (then end the employment on the "
            "right day, on or before the closure, and close the household again)",
        )

    def closure_said(self) -> str:
        into = f" into {self.closed_into}" if self.closed_into else ""
        return f"{self.number} was closed on {self.closed_on} ({self.closed_because}{into})"

    @staticmethod
    def create_id(number: str) -> UUID:
        return natural_id("household", number)

    @event("Identified")
    def __init__(
        self,
        number: str,
        street: str,
        village: str,
        area: str,
        members: int,
        labour: bool,
        willing: bool,
        disabled: bool,
        dibao: bool,
        personal: Personal,
        prov: Provenance,
    ) -> None:
        self.number = number
        self.street = street
        self.village = village
        self.area = area
        self.members = members
        self.labour = labour
        self.willing = willing
        self.disabled = disabled
        self.dibao = dibao
        self.personal = personal
        self.stage = Stage.IDENTIFIED
        self.identified_on = prov.effective
        self.members_since = prov.effective  # the effective date of ``members``/``personal``
        self.identified_members = members  # the count before any change (``members_on``)
        #: version of each change of members -> (its effective date, the count it records)
        self.member_counts: dict[int, tuple[date, int]] = {}
        #: version of each change of members voided -> the correction's (``members_on``)
        self.members_voided_by: dict[int, int] = {}
        self.reviewed_on: date | None = None
        self.key_target = False
        self.notice: tuple[date, date] | None = None
        self.objections: dict[str, bool] = {}  # objection id -> resolved
        self.objected_on: dict[str, date] = {}  # objection id -> effective date raised
        self.answered_on: date | None = None  # the latest answer to an objection, by date
        self.last_answered = ""  # the objection answered then
        #: the upheld objection that turned the household down, and its answer's date
        self.upheld: tuple[str, date] | None = None
        self.signed_on: date | None = None
        self.helpers: dict[str, str] = {}  # helper id -> 4+1 role
        #: helper id -> version of the entry that began its current pairing here: its
        #: ``HelperPaired``, or the ``HelperUnpaired`` that named it the replacement
        self.pairing_entries: dict[str, int] = {}
        self.agreement_on: date | None = None
        self.agreements: list[date] = []  # effective date of every agreement signed
        self.agreement_entries: dict[int, date] = {}  # version -> its date, in recorded order
        self.visits: dict[int, tuple[str, date]] = {}  # version -> (helper, date)
        #: (helper, date) -> (version, document, note, summary) of each visit recorded then,
        #: voided ones too (``check_visit_not_alike`` keeps to those in ``visits``)
        self.visits_said: dict[tuple[str, date], list[tuple[int, str, str, str]]] = {}
        self.measures: dict[str, Measure] = {}
        self.measures_planned_on: dict[str, date] = {}  # measure id -> effective date planned
        self.measure_entries: dict[str, int] = {}  # measure id -> version of its planning
        #: measure id -> version of the voided planning: the id stays used (a payment, a
        #: completion or a report that named it names that entry)
        self.voided_measures: dict[str, int] = {}
        self.completed: dict[str, int] = {}  # measure id -> version of completion
        self.incomes: dict[int, int] = {}  # year -> per-capita income, fen
        self.income_entries: dict[int, list[int]] = {}  # year -> versions, latest (by date) last
        self.assessed_on: dict[int, date] = {}  # assessment version -> effective date
        # The assessments (versions) the household's exits rested on, every exit's.
        self.exit_assessments: set[int] = set()
        self.proposal_assessment: int | None = None  # the assessment of the exit under way
        self.exit_withdrawn_on: date | None = None  # the last withdrawal's effective date
        self.exit_steps: list[str] = []
        self.exit_year: int | None = None
        self.exits_on_record = 0  # exits proposed and not withdrawn (approved ones included)
        self.return_steps: list[str] = []
        self.return_dates: list[date] = []  # effective date of each return step so far
        self.return_withdrawn_on: date | None = None  # the last return withdrawal's date
        self.plan_year: int | None = None
        self.received_fen = 0
        self.paired_on: dict[str, date] = {}  # helper id -> effective date of the pairing
        self.unpaired_on: dict[str, date] = {}  # helper id -> when its last pairing ended
        self.first_paired_on: date | None = None  # the household's first pairing of all
        #: helper id -> (from, to) of each pairing of theirs here that has ended
        self.past_pairings: dict[str, list[tuple[date, date]]] = {}
        self.registered_on: date | None = None
        self.exit_dates: list[date] = []  # effective date of each exit step so far
        self.exit_notice_end: date | None = None
        self.receipts: dict[tuple[str, int], int] = {}  # (account, disbursement version) -> fen
        # version of a FundsReceived -> (account, disbursement version): what voids it
        self.receipt_entries: dict[int, tuple[str, int]] = {}
        self.receipt_dates: dict[tuple[str, int], date] = {}  # same key -> effective date paid
        self.receipt_measures: dict[tuple[str, int], str] = {}  # same key -> measure id paid
        # same key -> (version, effective date) of the ReceiptVoided that took it back out
        self.receipts_voided: dict[tuple[str, int], tuple[int, date]] = {}
        self.exits_approved: list[date] = []  # effective date of every exit approved
        self.approval_entry: int | None = None  # version of the latest exit approval
        self.returns_approved: list[date] = []  # effective date of every return approved
        self.return_entry: int | None = None  # version of the approval of the return in force
        self.proposal_entry: int | None = None  # version of the latest exit proposal
        self.erased = False  # personal data erased (crypto-shredded), ledger.privacy
        self.erasure_entry: int | None = None  # version of the erasure, once erased
        #: versions of the changes of members, in recorded order (voided ones leave it)
        self.members_entries: list[int] = []
        #: its moves 迁移 to another village of its street (since session 25), in date order:
        #: (effective date, village before, village after, version); voided ones leave it
        self.moves: list[tuple[date, str, str, int]] = []

    # -- identification, review, notice, signature, registration -------------------------

    @staticmethod
    def check_identification(
        members: int, dibao: bool, names: tuple[str, ...], head: str = ""
    ) -> None:
        """The plan takes households from the 低保 roll [三]; a household has people in it;
        its members' names, when given, are every member's, the head of household's among
        them (since session 23; tester B: a register whose head was not among its members
        was taken). Names are never quoted: they are personal data."""
        if not dibao:
            raise RuleError("dibao", "households are identified from the 低保 roll [三]")
        if not 1 <= members <= MAX_MEMBERS:
            raise RuleError("members", f"a household has 1 to {MAX_MEMBERS} members")
        if names and len(names) != members:
            raise RuleError("member_names", f"{len(names)} names given for {members} members")
        if names and head and head not in names:
            raise RuleError(
                "member_names",
                "the head of household's name is not among the members' names: the head is a "
                "member; give every member's name, the head's as on the ID card",
            )

    def change_members(self, members: int, personal: Personal | None, prov: Provenance) -> None:
        """The household's members changed (birth, death, marriage...); the note says how.
        ``personal`` None records the count alone, and only that once the household's personal
        data is erased (since session 24: its casework goes on, and its people count with it);
        the event then carries no personal data (``personal`` null, nothing sealed)."""
        self.check_not_rejected("a change of members")
        if personal is None:
            if not self.erased:
                raise RuleError("personal", "a change of members gives the head and ID card")
        else:
            self.check_not_erased(self.count_alone())
        names, head = (personal.member_names, personal.head_name) if personal else ((), "")
        self.check_identification(members, True, names, head)
        check_says("note", prov.note, "a change of members must say what changed")
        self.check_not_before(prov.effective, self.identified_on, f"{self.number} was identified")
        self._members_changed(members, personal, prov)

    @event("MembersChanged")
    def _members_changed(self, members: int, personal: Personal | None, prov: Provenance) -> None:
        # A change entered late, dated before the one in force, is history (``--as-of``
        # shows it in its time); the household now is its latest change by effective date.
        was = (self.members, self.personal, self.members_since)
        version = self.remember_entry("MembersChanged", prov, was)
        self.members_entries.append(version)
        self.member_counts[version] = (prov.effective, members)
        if prov.effective >= self.members_since:
            self.members = members
            if personal is not None:  # a count alone (erased) keeps the personal data's marks
                self.personal = personal
            self.members_since = prov.effective

    def members_on(
        self, day: date, before: int | None = None, without: int | None = None
    ) -> tuple[int, date, int]:
        """The household's members in force on ``day``, since when and by which entry: its
        latest live change of members dated by then (by effective date, then version), else
        the identification's count (entry 1). ``before``: as the ledger knew it when its entry
        ``before`` was recorded, from the changes recorded before it and not voided before it
        (one voided since counts, as the ledger knew it then: since session 30, re-tester S);
        ``without``: were the change at that entry voided."""
        dated = [
            (since, version, count)
            for version, (since, count) in self.member_counts.items()
            if (
                version not in self.voided
                or (before is not None and self.members_voided_by.get(version, 0) > before)
            )
            and version != without
            and since <= day
            and (before is None or version < before)
        ]
        if not dated:
            return self.identified_members, self.identified_on, 1
        since, version, count = max(dated)
        return count, since, version

    def took_in(
        self, day: date, people: int, before: int | None = None, without: int | None = None
    ) -> bool:
        """Whether a live change of members dated ``day`` takes ``people`` in: it has the
        household at least that many more members than the day before (since session 30;
        re-tester S: a names-only change or a death dated on a merge's day, or the
        identification itself, passed for the take-in). ``before``, ``without`` as
        ``members_on``."""
        count, since, version = self.members_on(day, before, without)
        if since != day or version not in self.member_counts:
            return False  # no change of members dated that day (the identification is none)
        return count >= self.members_on(day - timedelta(days=1), before, without)[0] + people

    def take_in_of(self, merges: Sequence[MergeIn], version: int) -> list[MergeIn]:
        """The merges 合户 into the household (of ``merges``) whose people its change of
        members at entry ``version`` takes in: dated on its day, taken in with it and not
        without it (since session 30). [] if it is no live change of members."""
        if version in self.voided or version not in self.member_counts:
            return []
        day = self.member_counts[version][0]
        that_day = [merge for merge in merges if merge.day == day]
        people = sum(merge.members for merge in that_day)
        if not that_day or not self.took_in(day, people):
            return []
        return [] if self.took_in(day, people, None, version) else that_day

    def check_assessed_for_members(
        self,
        year: int,
        day: date,
        basis: int | None = None,
        merges: Sequence[MergeIn] = (),
    ) -> None:
        """An exit step dated ``day`` rests on the year's income as assessed for the members
        the household has that day (since session 29): the income is per person 人均可支配收入,
        so an assessment made for 3 people says nothing of 5 after a merger 合户 or a birth
        (tester D, session 29: a 3-person household's income at the line carried the exit of
        5). ``basis`` is the assessment it rests on (a proposal's); else the year's latest
        live one dated by ``day``. The assessment was made for the members on record on its
        date when it was recorded: a change of members entered since, dated by then, says it
        was made for members the household did not have (tester, session 30: such a change
        escaped the rule), and so refuses the step too. A merge 合户 into it (``merges``, each
        live one) dated after the assessment's date and by ``day`` changed its members too,
        whatever change of members is or is not on record (since session 30; re-tester S: the
        take-in voided, or a merge dated on the assessment's day before the proposal, or an
        approval voided and given again after a merge, and the exit went on for the members
        before it); one dated on the assessment's day, unless a change of members recorded
        before the assessment takes its people in (``took_in``). An export's replay spares
        it (``replay_spares``)."""
        unlike = self.members_unlike(year, day, basis)
        if unlike is None:
            chosen = self.exit_basis(year, day, basis)
            if chosen is not None:
                self._check_merged_before(year, day, chosen, merges)
            return
        if replay_spares("exit_on_other_members"):
            return
        again = (
            f"the income is per person 人均可支配收入, so an exit rests on an assessment made for "
            f"the members the household has: assess {year} again "
            f"(fupin household assess {self.number} {year} --income …)"
        )
        made_for_entry = self.members_on(unlike.assessed, before=unlike.basis)[2]
        voided_by = self.members_voided_by.get(made_for_entry)
        if unlike.made_for != unlike.then and voided_by is not None:
            raise RuleError(
                "members",
                f"{self.number}'s {year} income was assessed on {unlike.assessed} (entry "
                f"{unlike.basis}) for {unlike.made_for} members, as the change of members then "
                f"on record had it (entry {made_for_entry}); a correction entered since (entry "
                f"{voided_by}) voided that change, and it has {unlike.then} members since "
                f"{unlike.then_since}: {again}",
            )
        if unlike.made_for != unlike.then:
            raise RuleError(
                "members",
                f"{self.number}'s {year} income was assessed on {unlike.assessed} (entry "
                f"{unlike.basis}) for {unlike.made_for} members, as then on record; a change of "
                f"members entered since (entry {unlike.late}) has it {unlike.then} members "
                f"since {unlike.then_since}: {again}",
            )
        raise RuleError(
            "members",
            f"{self.number} has {unlike.now} members since {unlike.since}; its {year} income "
            f"was assessed for {unlike.then} on {unlike.assessed} (entry {unlike.basis}): {again}",
        )

    def exit_basis(self, year: int, day: date, basis: int | None = None) -> int | None:
        """The entry of the year's income assessment an exit step dated ``day`` rests on:
        ``basis`` (a proposal's), else the year's latest live one dated by ``day``; None if
        there is none."""
        if basis is not None:
            return basis
        live = [v for v in self.income_entries.get(year, []) if v not in self.voided]
        dated = [v for v in live if self.assessed_on[v] <= day]
        return dated[-1] if dated else None

    def members_unlike(
        self, year: int, day: date, basis: int | None = None
    ) -> MembersUnlike | None:
        """The members an exit step dated ``day`` would find unlike those the year's income
        was assessed for (``check_assessed_for_members``, which says what ``basis`` is), or
        None if they are alike, or there is no such assessment."""
        basis = self.exit_basis(year, day, basis)
        if basis is None:
            return None
        assessed = self.assessed_on[basis]
        made_for, _, _ = self.members_on(assessed, before=basis)
        then, then_since, late = self.members_on(assessed)
        now, since, _ = self.members_on(day)
        if made_for == then == now:
            return None
        return MembersUnlike(basis, assessed, made_for, then, then_since, late, now, since)

    def _check_merged_before(
        self, year: int, day: date, basis: int, merges: Sequence[MergeIn]
    ) -> None:
        """``check_assessed_for_members``' merges, once the members on record agree: none
        dated from the assessment's date to ``day`` but one on its date whose people a change
        recorded before it took in."""
        assessed = self.assessed_on[basis]
        for merge in merges:
            if not assessed <= merge.day <= day:
                continue
            people = sum(other.members for other in merges if other.day == merge.day)
            if merge.day == assessed and self.took_in(merge.day, people, before=basis):
                continue
            if replay_spares("exit_on_other_members"):
                return
            raise RuleError(
                "members",
                f"{merge.number} merged 合户 into {self.number} on {merge.day} (entry "
                f"{merge.entry} of {merge.number}), its {merge.members} member(s) with it; "
                f"{self.number}'s {year} income was assessed on {assessed} (entry {basis}), "
                f"for its members before the merge: the income is per person 人均可支配收入, "
                f"so record the members {self.number} has from {merge.day} (fupin household "
                f"members {self.number} --members N … -e {merge.day}), then assess {year} "
                f"again for them (fupin household assess {self.number} {year} --income … "
                f"-e DATE, on or after {merge.day})",
            )

    # -- a move to another village of its street 迁移 (since session 25) --------------------

    def village_on(self, day: date) -> str:
        """The village the household was in on ``day``: its latest move dated by then, or
        the village before its first move (the identification's, as amended)."""
        for effective, _, after, _ in reversed(self.moves):
            if effective <= day:
                return after
        return self.moves[0][1] if self.moves else self.village

    def move(self, village: str, reason: str, prov: Provenance) -> None:
        """The household moved to another village of its street 迁移, from the move's effective
        date on (the command checks the village is one of the street's). Not dated before its
        identification, nor before a move already on record (moves are dated in order); to
        another village than the one it is in on that date. Not of a household turned down
        (``check_not_rejected``, since session 30; re-tester S: a rejected household moved,
        and the caseload filed it under its new village)."""
        self.check_not_rejected("a move 迁移")
        check_as_recorded("village", village, require_text)
        check_says("reason", reason, "a move must say why")
        self.check_not_before(prov.effective, self.identified_on, f"{self.number} was identified")
        if self.moves and prov.effective < self.moves[-1][0]:
            last = self.moves[-1]
            raise RuleError(
                "effective",
                f"moves are dated in order: {self.number} moved to {last[2]} on {last[0]} "
                f"(entry {last[3]}); a move is dated on or after it (a move entered there in "
                "error is voided first: fupin correct household "
                f"{self.number} {last[3]} --reason …)",
            )
        was = self.village_on(prov.effective)
        if village == was:
            raise RuleError(
                "village",
                f"{self.number} is in {village} on {prov.effective}: a move is to another village",
            )
        self._moved(village, was, reason.strip(), prov)

    @event("Moved")
    def _moved(self, village: str, was: str, reason: str, prov: Provenance) -> None:
        version = self.remember_entry("Moved", prov, was)
        self.moves.append((prov.effective, was, village, version))
        self.village = village

    def check_move_voidable(self, version: int) -> None:
        """Only the latest live move is voided (since session 25): a later one starts from it."""
        latest = self.moves[-1][3]
        if version != latest:
            raise RuleError(
                "version",
                f"a later move of {self.number} (entry {latest}) was recorded on it: only the "
                "latest live move is voided (void that one first)",
            )

    # -- erasure of personal data (ledger.privacy, docs/privacy.md) -------------------------

    def count_alone(self) -> str:
        """What a refused change of an erased household's personal data may record instead."""
        return (
            ": no personal data is recorded for it again; its count of members alone is "
            f"(household members {self.number} --members N --note …, with no head, ID card, "
            "phone, address, member names or --personal-file)"
        )

    # -- closure 注销 / 自然减少 (since session 25) -------------------------------------------

    def check_closable(self, because: str, into: str, reason: str, prov: Provenance) -> None:
        """A household's record ends once: merged into another 合户 or identified twice
        重复识别 (``into`` names the other household, not itself; the command checks it is on
        record and open), the whole household died 全户死亡, moved away 迁出 or was identified
        in error 识别错误. Not dated before its identification, nor before a step of it on
        record (it would stand after the closure)."""
        if self.closed_on is not None:
            raise RuleError(
                "household",
                f"{self.closure_said()}: a household is closed once (a closure in error is "
                f"voided: fupin correct household {self.number} {self.closure_entry} --reason …)",
            )
        self.check_not_rejected("a closure")
        if because not in CLOSURE_REASONS:
            raise RuleError("because", f"{because!r} is not one of {', '.join(CLOSURE_REASONS)}")
        check_says("reason", reason, "a closure must say why")
        if because in CLOSURE_INTO and not into:
            raise RuleError(
                "into",
                f"a household closed as {because} names the household it went into (--into NUMBER)",
            )
        if into and because not in CLOSURE_INTO:
            raise RuleError(
                "into",
                f"only a household merged or a duplicate names another (--into); {because} "
                "names none",
            )
        if into == self.number:
            raise RuleError("into", f"{self.number} cannot be closed into itself")
        self.check_no_exit_under_way()
        self.check_no_return_under_way()
        self.check_not_before(prov.effective, self.identified_on, f"{self.number} was identified")
        later = [
            day
            for version, day in self.entry_dates.items()
            if version not in self.voided and day > prov.effective
        ]
        later += [day for day in (*self.exit_dates, *self.return_dates) if day > prov.effective]
        later += [
            day
            for key, day in self.receipt_dates.items()
            if key not in self.receipts_voided and day > prov.effective
        ]
        if self.members_since > prov.effective:
            later.append(self.members_since)
        if later:
            raise RuleError(
                "effective",
                f"the closure is dated {prov.effective}; {self.number} has a step dated "
                f"{max(later)} on record: a closed household takes no step after its closure, "
                "so date the closure on or after its last step (or void that step first)",
            )

    def check_no_exit_under_way(self) -> None:
        """A household is not closed while an exit of it is under way (proposed, not approved
        nor withdrawn): the exit is withdrawn first, as an enterprise's employment of a worker
        of it is ended first (since session 29; tester D: the closed household kept an exit
        that could be neither verified nor withdrawn, and no report listed it). An export's
        replay spares it (``replay_spares``)."""
        if not self.exit_steps or self.exit_steps[-1] == "approved":
            return
        if replay_spares("closure_during_exit"):
            return
        raise RuleError(
            "household",
            f"{self.number}'s {self.exit_year} exit is {self.exit_steps[-1]} (entry "
            f"{self.proposal_entry}, proposed on {self.exit_dates[0]}): a household with an "
            "exit under way is not closed; withdraw the exit first (fupin household "
            f"withdraw-exit {self.number} --reason …), then close it",
        )

    def check_no_return_under_way(self) -> None:
        """A household is not closed while a return 返贫 of it is under way (recognised,
        applied for or reviewed; not approved nor withdrawn): the return is withdrawn first, as
        an exit under way is (since session 30; re-tester R: the closed household kept a
        return that could be neither applied for nor withdrawn on a true date). An export's
        replay spares it (``replay_spares``)."""
        if self.stage != Stage.EXITED or not self.return_steps:
            return
        if replay_spares("closure_during_return"):
            return
        raise RuleError(
            "household",
            f"{self.number}'s return 返贫 is {self.return_steps[-1]} (recognised on "
            f"{self.return_dates[0]}): a household with a return under way is not closed; "
            f"withdraw the return first (fupin household withdraw-return {self.number} "
            "--reason …), then close it",
        )

    def closed_under_way(self) -> str:
        """What ``fupin verify`` notes of a closed household with an exit or a return of it
        under way (``ledger.closed_under_way``, since session 30), or ""."""
        left = []
        if self.exit_steps and self.exit_steps[-1] != "approved":
            left.append(
                f"its {self.exit_year} exit {self.exit_steps[-1]} (entry {self.proposal_entry}, "
                f"proposed on {self.exit_dates[0]}; withdraw it: fupin household withdraw-exit "
                f"{self.number} --reason …)"
            )
        if self.stage == Stage.EXITED and self.return_steps:
            left.append(
                f"its return 返贫 {self.return_steps[-1]} (recognised on {self.return_dates[0]}; "
                f"withdraw it: fupin household withdraw-return {self.number} --reason …)"
            )
        if not left or self.closed_on is None:
            return ""
        return (
            f"household {self.closure_said()} (entry {self.closure_entry}) with "
            f"{' and '.join(left)} under way"
        )

    def check_takes_in(self, merged: str, day: date, people: int) -> None:
        """Household ``merged`` merges 合户 into this one on ``day`` (since session 30): while
        an exit of this one is under way, or approved on or after ``day``, the people it takes
        in change its members, and the exit rests on an income assessed for its members
        (``check_assessed_for_members``), so the change of members that takes them in is
        recorded first, dated on the merge's day (docs/cli.md): the exit then goes on once
        its year is assessed again for them, or report accountability lists it
        (``members-changed``). Without it the exit went on for the members before the merge,
        which no rule nor report saw. ``people``: the members of the households merging into
        it that day, this one's among them; the change takes them in (``took_in``: a change
        of names alone, a death, or the identification is no take-in; since session 30). An
        export's replay spares it (the caller)."""
        if not self.exit_steps or self.exit_year is None:
            return
        step, last = self.exit_steps[-1], self.exit_dates[-1]
        if step == "approved" and last < day:
            return
        if self.took_in(day, people):
            return
        if step == "approved":
            said = f"approved on {last} (entry {self.approval_entry})"
        else:
            said = f"{step} (entry {self.proposal_entry}, proposed on {self.exit_dates[0]})"
        raise RuleError(
            "into",
            f"{self.number}'s {self.exit_year} exit is {said}: {merged} merging 合户 into it "
            f"on {day} changes its members, and the exit rests on an income assessed per "
            f"person 人均可支配收入 for its members; record the members {self.number} has "
            f"from {day} first, at least {people} more than the day before (fupin household "
            f"members {self.number} --members N … -e {day}), then the merge, and assess "
            f"{self.exit_year} again for them",
        )

    def rejection_said(self) -> str:
        """How the household was turned down (``stage`` rejected): at its village review, the
        review's entry named (a rejection in error is voided so), or on an upheld objection."""
        if self.upheld is not None:
            objection, day = self.upheld
            return (
                f"{self.number} was turned down on {day}, objection {objection!r} to its "
                "identification notice 公示 upheld"
            )
        reviews = (v for v, (kind, _) in self.entries.items() if kind == "Reviewed")
        entry = max(v for v in reviews if v not in self.voided)
        return (
            f"{self.number} was rejected at its village review on {self.reviewed_on} (entry "
            f"{entry}; a rejection in error is voided: fupin correct household {self.number} "
            f"{entry} --reason …, and the household awaits its review again)"
        )

    def check_not_rejected(self, what: str, field: str = "stage") -> None:
        """Nothing is recorded of a household turned down, at its village review or on an
        upheld objection, after it (since session 29, tester J: a rejected household took a
        change of members and a closure, which put it and its people in the caseload's
        ``closed``): a candidate turned down is no household of the programme. Its other steps
        already need a stage it is not at. An export's replay spares it (``replay_spares``)."""
        if self.stage != Stage.REJECTED or replay_spares("step_after_rejection"):
            return
        raise RuleError(
            field,
            f"{what} is not recorded of a household turned down: {self.rejection_said()}; "
            "a household turned down is no household of the programme, and nothing is "
            "recorded of it after",
        )

    def close(self, because: str, into: str, reason: str, prov: Provenance) -> None:
        """Close the household's record 注销 (since session 25): from the closure's date it is
        in no caseload total and takes no further step; the plan and the per-person base keep
        a household out of poverty then, and drop a duplicate or one in error from the start
        (``projections.households.LEAVES_ON``, docs/reports.md)."""
        self.check_closable(because, into, reason, prov)
        self._closed(because, into, reason.strip(), prov)

    @event("Closed")
    def _closed(self, because: str, into: str, reason: str, prov: Provenance) -> None:
        self.closure_entry = self.remember_entry("Closed", prov)
        self.closed_on = prov.effective
        self.closed_because = because
        self.closed_into = into

    def check_not_erased(self, then: str = "") -> None:
        if self.erased:
            raise RuleError("household", f"the personal data of {self.number} was erased{then}")

    def erase_personal(self, reason: str, prov: Provenance) -> None:
        """Erasure 删除个人信息: the household's key is destroyed right after this event is saved;
        its counts, money and history stay, its personal data reads ``[erased]`` for good."""
        self.check_not_erased()
        check_says("reason", reason, "an erasure must say why")
        # The erasure's date is its only account of when it took effect, and it cannot be
        # corrected: not dated before the household existed (as other casework is refused).
        self.check_not_before(prov.effective, self.identified_on, f"{self.number} was identified")
        # Nor before personal data recorded later (since session 24): the history would say it
        # erased, then taking new data. Before erasure every change of members carries personal
        # data, so the latest of them by date is ``members_since``.
        if prov.effective < self.members_since:
            raise RuleError(
                "effective",
                f"the erasure is dated {prov.effective}, before personal data of {self.number} "
                f"recorded on {self.members_since} (its latest identification or change of "
                "members): an erasure erases what is on record, so date it on or after that",
            )
        self._personal_data_erased(reason.strip(), prov)

    @event("PersonalDataErased")
    def _personal_data_erased(self, reason: str, prov: Provenance) -> None:
        self.erased = True
        self.erasure_entry = self.version + 1
        self.personal = ERASED_PERSONAL

    def review(self, accepted: bool, prov: Provenance) -> None:
        """Village review 村（社区）评议 of the identification."""
        self.check_stage("review", Stage.IDENTIFIED)
        self.check_not_before(prov.effective, self.identified_on, f"{self.number} was identified")
        if not accepted:
            self.check_turned_down_after_steps(prov.effective, "a rejection")
        self._reviewed(accepted, prov)

    def check_turned_down_after_steps(self, day: date, what: str) -> None:
        """A household is turned down (rejected at its review, or on an upheld objection) on
        or after its live changes of members and moves 迁移 (since session 30; re-tester S: a
        rejection entered late, dated before a change of members on record, left a change
        dated after it, which ``check_not_rejected`` says is never recorded of such a
        household, and fupin verify, reading the log's order, said nothing). An export's
        replay spares it (``step_after_rejection``)."""
        later = [
            (since, version, "change of members")
            for version, (since, _) in self.member_counts.items()
        ]
        later += [(moved, version, "move 迁移") for moved, _, _, version in self.moves]
        later = [item for item in later if item[0] > day and item[1] not in self.voided]
        if not later or replay_spares("step_after_rejection"):
            return
        since, version, step = max(later)
        raise RuleError(
            "effective",
            f"{what} is dated {day}; {self.number} has a {step} dated {since} (entry "
            f"{version}) on record: nothing is recorded of a household turned down after it, "
            f"so date it on or after {since} (or void that entry first: fupin correct "
            f"household {self.number} {version} --reason …)",
        )

    @event("Reviewed")
    def _reviewed(self, accepted: bool, prov: Provenance) -> None:
        self.remember_entry("Reviewed", prov, accepted)
        self.stage = Stage.REVIEWED if accepted else Stage.REJECTED
        self.reviewed_on = prov.effective

    def check_review_voidable(self, accepted: bool) -> None:
        """A village review entered in error (on the wrong household, or forged with a stolen
        key) is voided while nothing rests on it (since session 24): the household is back at
        its identification, awaiting its review. Nothing follows a rejection (no notice,
        objection, signature or registration takes a rejected household; a change of members,
        an amendment or an erasure rests on the identification, not on the review). An
        acceptance is voided while no notice 公示 rests on it: one the household is still
        under is voided first (``check_notice_voidable``), unless an objection was raised during
        it; once objected to, registered, or turned down on an upheld objection, the notice and
        what followed it stand, and so does the review."""
        if not accepted or self.stage == Stage.REVIEWED:
            return
        notice = max(
            (
                v
                for v, (kind, _) in self.entries.items()
                if kind == "NoticePosted" and v not in self.voided
            ),
            default=None,
        )
        start = "" if self.notice is None else f", from {self.notice[0]}"
        if self.stage == Stage.UNDER_NOTICE and self.objections:
            # Re-test N, session 24: the advice to void the notice first led to its own
            # refusal, a notice objected to standing.
            first = min(self.objected_on.items(), key=lambda item: item[1])
            raise RuleError(
                "version",
                f"objection {first[0]!r} was raised during the identification notice 公示 "
                f"posted on this review (entry {notice}{start}; objected {first[1]}): a notice "
                "objected to stands, and so does the review it rests on",
            )
        if self.stage == Stage.UNDER_NOTICE:
            raise RuleError(
                "version",
                f"the identification notice 公示 of {self.number} (entry {notice}{start}) rests "
                f"on this review: correct it first (fupin correct household {self.number} "
                f"{notice} --reason …), then the review",
            )
        raise RuleError(
            "version",
            f"{self.number} is {self.stage}, past the identification notice 公示 posted on this "
            f"review (entry {notice}{start}): the notice and what followed it rest on the "
            "review, which stands",
        )

    def post_notice(
        self,
        start: date,
        end: date,
        min_days: int,
        prov: Provenance,
        then: Callable[[date, date], None] | None = None,
    ) -> None:
        """Public notice 张榜公示 from ``start`` to ``end`` inclusive: at least 7 days [四(一)],
        posted after the village review, and taking effect on its first day
        (``check_notice_dates``); ``then`` (its start and end) checks what the programme asks
        of it once its own dates are found right (``Casework.post_notice``)."""
        self.check_stage("notice", Stage.REVIEWED)
        if self.reviewed_on is not None and start < self.reviewed_on:
            raise RuleError("start", f"the village review took effect only on {self.reviewed_on}")
        self.check_not_before(
            prov.effective,
            self.reviewed_on,
            f"the notice is dated {prov.effective}; the village review took effect",
        )
        check_notice_length(start, end, min_days, " [四(一)]")
        check_notice_dates(start, end, min_days, prov.effective)
        if then is not None:
            then(start, end)
        self._notice_posted(start, end, prov)

    @event("NoticePosted")
    def _notice_posted(self, start: date, end: date, prov: Provenance) -> None:
        self.remember_entry("NoticePosted", prov)
        self.notice = (start, end)
        self.stage = Stage.UNDER_NOTICE

    def check_notice_voidable(self) -> None:
        """A notice posted in error (the wrong household, dates typed wrong) is voided while
        nothing rests on it: the household is still under that notice (not registered, not
        rejected), no objection was raised during it, and it has not signed to confirm it (a
        signature is voided first). The household is back at its village review, to be
        noticed again on the right dates."""
        if self.stage != Stage.UNDER_NOTICE:
            raise RuleError(
                "version",
                f"{self.number} is {self.stage}: only a notice it is still under is voided",
            )
        if self.objections:
            first = min(self.objected_on.items(), key=lambda item: item[1])
            raise RuleError(
                "version",
                f"objection {first[0]!r} was raised during this notice ({first[1]}): a notice "
                "objected to stands",
            )
        if self.signed_on is not None:
            raise RuleError(
                "version",
                f"{self.number} signed to confirm it ({self.signed_on}): correct the signature "
                "first, then the notice",
            )

    def raise_objection(self, objection_id: str, summary: str, prov: Provenance) -> None:
        """Someone objects during the notice (the public, "两代表一委员"): not dated before the
        notice began, nor after its last day (an objection dated later would hold up a
        registration the notice's end had already let through). An exit notice takes none:
        what it raises stops the exit, which is withdrawn (docs/cli.md; session 21)."""
        if self.stage != Stage.UNDER_NOTICE and self.exit_steps[-1:] == ["noticed"]:
            raise RuleError(
                "stage",
                f"{self.number}'s exit notice 公示 (to {self.exit_notice_end}) takes no "
                "objection, only an identification notice does [四(一)]: what the exit notice "
                f"raised stops the exit, withdrawn saying why (fupin household withdraw-exit "
                f"{self.number} --reason …)",
            )
        self.check_stage("objection", Stage.UNDER_NOTICE)
        if objection_id in self.objections:
            raise RuleError("objection", f"{objection_id!r} was already raised")
        assert self.notice is not None
        start, end = self.notice
        self.check_not_before(
            prov.effective,
            start,
            f"the objection is dated {prov.effective}; the notice it objects to began",
        )
        if prov.effective > end:
            raise RuleError(
                "effective",
                f"the objection is dated {prov.effective}; the notice it objects to ended on "
                f"{end}: an objection is raised during the notice [四(一)]",
            )
        self._objection_raised(objection_id, summary, prov)

    @event("ObjectionRaised")
    def _objection_raised(self, objection_id: str, summary: str, prov: Provenance) -> None:
        self.objections[objection_id] = False
        self.objected_on[objection_id] = prov.effective

    def resolve_objection(self, objection_id: str, upheld: bool, prov: Provenance) -> None:
        """The objection is answered, not dated before it was raised; an upheld objection ends
        the household's candidacy."""
        if self.objections.get(objection_id) is not False:
            raise RuleError("objection", f"{objection_id!r} is not an open objection")
        self.check_not_before(
            prov.effective,
            self.objected_on.get(objection_id),
            f"the answer is dated {prov.effective}; objection {objection_id!r} was raised",
        )
        if upheld:
            self.check_turned_down_after_steps(prov.effective, "an objection upheld")
        self._objection_resolved(objection_id, upheld, prov)

    @event("ObjectionResolved")
    def _objection_resolved(self, objection_id: str, upheld: bool, prov: Provenance) -> None:
        self.objections[objection_id] = True
        if self.answered_on is None or prov.effective > self.answered_on:
            self.answered_on = prov.effective
            self.last_answered = objection_id
        if upheld:
            self.stage = Stage.REJECTED
            self.upheld = (objection_id, prov.effective)

    def sign(self, prov: Provenance, spared: bool = False) -> None:
        """The household signs to confirm 逐户签字确认 [四(一)]; a household whose signature was
        voided signs again, registered, returned or exited alike (the correction may have been
        of the date: the new signature, like the first, is dated from the notice's start).
        Only an older ledger's registered household is unsigned (``check_signature_voidable``,
        since session 29): signing after its registration, whatever the date, it says why in
        the note (the accountability report flags it ``signed-late``), unless ``spared``: an
        export's row replayed into the store it rebuilds, as an older fupin took it."""
        if self.stage != Stage.UNDER_NOTICE and not (
            self.stage in (*ACTIVE_STAGES, Stage.EXITED) and self.signed_on is None
        ):
            self.check_stage("signature", Stage.UNDER_NOTICE)
        if self.signed_on is not None:
            raise RuleError("signature", "the household has already signed")
        if self.notice is not None and prov.effective < self.notice[0]:
            raise RuleError("effective", f"the notice it confirms began only on {self.notice[0]}")
        if self.registration_entry is not None and not spared:
            check_says(
                "note",
                prov.note,
                f"{self.number} was registered 建档立卡 on {self.registered_on} (entry "
                f"{self.registration_entry}) on a signature since voided: a signature recorded "
                "after the registration, whatever its date, is one the registration did not "
                "rest on (the accountability report lists it signed-late), so it says why in "
                "--note",
            )
        self._signed(prov)

    @event("Signed")
    def _signed(self, prov: Provenance) -> None:
        self.remember_entry("Signed", prov)
        self.signed_on = prov.effective

    def register(self, key_target: bool, prov: Provenance, spared: bool = False) -> None:
        """Registration 建档立卡, one file per household 一户一档: after notice and signature.
        A household with labour capacity that is willing is registered a key target (since
        session 26), unless ``spared``: an export's row replayed into the empty store it
        rebuilds (``Ledger.rebuilding_export``), as an older fupin took it."""
        self.check_stage("registration", Stage.UNDER_NOTICE)
        assert self.notice is not None
        if prov.effective <= self.notice[1]:
            # Say the first day it may be dated (tester X, session 20).
            raise RuleError(
                "effective",
                f"the notice runs until {self.notice[1]}: a registration is dated from "
                f"{self.notice[1] + timedelta(days=1)}",
            )
        if not all(self.objections.values()):
            open_ = ", ".join(repr(o) for o, answered in self.objections.items() if not answered)
            raise RuleError(
                "objection",
                f"objection {open_} to the notice of {self.number} is still open: answer it "
                f"first (fupin household resolve {self.number} OBJECTION_ID)",
            )
        self.check_not_before(
            prov.effective,
            self.answered_on,
            f"the registration is dated {prov.effective}; objection "
            f"{self.last_answered!r} was answered",
        )
        if self.signed_on is None:
            raise RuleError("signature", "the household has not signed to confirm 签字确认")
        self.check_not_before(
            prov.effective,
            self.signed_on,
            f"the registration is dated {prov.effective}; {self.number} signed to confirm 签字确认",
        )
        if key_target and not (self.labour and self.willing):
            # A registration is a key target unless it says otherwise: say so, and how (tester
            # X, session 20: an officer who never typed --key-target could not tell why).
            lacks = "has no labour capacity" if not self.labour else "is not willing"
            raise RuleError(
                "key_target",
                f"{KEY_TARGET_RULE}, and {self.number} {lacks}: register it as no key target "
                "(--not-key-target; a registration is a key target unless it says otherwise)",
            )
        if not key_target and not spared:
            self.check_able_is_key_target({"key_target": False}, registering=True)
        self._registered(key_target, prov)

    def check_able_is_key_target(self, changes: dict[str, Any], registering: bool = False) -> None:
        """Refuse a registered household (or one ``registering``) left with labour capacity,
        willing and no key target by ``changes`` (since session 26: ``ABLE_KEY_TARGET_RULE``)."""
        if self.registered_on is None and not registering:
            return
        if not registering and not {"labour", "willing", "key_target"}.intersection(changes):
            # An amendment of another field leaves the mark as it found it: a household an
            # older fupin left so is amended (its village typed wrong) without restating its
            # closed years (re-check B2, session 26); verify notes it.
            return
        labour = changes.get("labour", self.labour)
        willing = changes.get("willing", self.willing)
        if not (labour and willing) or changes.get("key_target", self.key_target):
            return
        disabled = (
            " (and disabled: 特别是要将低保线内有劳动能力的残疾人作为重点扶持对象)"
            if changes.get("disabled", self.disabled)
            else ""
        )
        if registering:
            how = "register it as a key target (leave out --not-key-target)"
        elif "key_target" in changes:
            how = "amend labour or willing too if one was typed wrong"
        else:
            how = "amend key_target too (--key-target)"
        raise RuleError(
            "key_target",
            f"{ABLE_KEY_TARGET_RULE}, and {self.number} has labour capacity and is willing"
            f"{disabled}: {how}",
        )

    def check_signature_voidable(self, version: int) -> None:
        """A signature 签字确认 is voided while no registration rests on it (since session 29,
        tester H: voided after the registration, it left a household registered, even
        exited, with no signature, which the registration itself refuses [四(一)]). A
        registration is never voided (everything after it rests on it), so the signature it
        rests on stands; one voided under notice is given again before the registration."""
        kind = self.entries.get(version, ("", None))[0]
        if kind != "Signed" or self.registration_entry is None or version in self.voided:
            return
        if version > self.registration_entry:
            # Signed again after an older fupin voided the one the registration rested on:
            # not one the registration rested on (``sign``, the report's ``signed-late``), but
            # the one the registered household has (since session 30, re-tester R: refused
            # saying the registration rested on it).
            raise RuleError(
                "version",
                f"{self.number} was registered 建档立卡 on {self.registered_on} (entry "
                f"{self.registration_entry}) on a signature since voided, and this signature "
                "签字确认, recorded after the registration (the accountability report lists it "
                "signed-late), is the one it has on record: a registered household keeps a "
                "signature on record, so the signature stands",
            )
        raise RuleError(
            "version",
            f"the registration 建档立卡 of {self.number} (entry {self.registration_entry}, "
            f"{self.registered_on}) rests on this signature 签字确认, and a registration is "
            "never voided: the signature stands",
        )

    @event("Registered")
    def _registered(self, key_target: bool, prov: Provenance) -> None:
        self.stage = Stage.REGISTERED
        self.key_target = key_target
        self.registered_on = prov.effective
        self.registration_entry = self.version + 1  # this event's

    # -- pairing, agreement, visits, measures, funds ---------------------------------------

    def pair(self, helper: str, role: str, max_cadres: int, prov: Provenance) -> None:
        """Pair a helper 结对帮扶 in a role of the 4+1 model, while the household is assisted on
        the pairing's date (``check_assisted_on``: one dated before an exit enters late)."""
        self.check_casework_stage("pairing")
        if helper in self.helpers:
            raise RuleError("helper", f"{helper!r} is already paired with {self.number}")
        limit = max_cadres if role == "cadre" else 1
        day, held = self.places_held(role, prov.effective)
        if len(held) >= limit:
            raise RuleError(
                "helper",
                f"the household already has {_held(role, held, day)}, the most it may have",
            )
        self.check_not_before(prov.effective, self.registered_on, f"{self.number} was registered")
        self.check_assisted_on(prov.effective, "the pairing", "a helper is paired while assisted")
        self.check_not_before(
            prov.effective, self.unpaired_on.get(helper), f"{helper}'s last pairing with it ended"
        )
        self._paired(helper, role, prov)

    @event("HelperPaired")
    def _paired(self, helper: str, role: str, prov: Provenance) -> None:
        self.pairing_entries[helper] = self.remember_entry("HelperPaired", prov, (helper, role))
        self.helpers[helper] = role
        self.paired_on[helper] = prov.effective
        self._first_pairing(prov.effective)

    def unpair(
        self, helper: str, replacement: str, reason: str, prov: Provenance, spared: bool = False
    ) -> None:
        """End a pairing: "不脱贫不脱钩", never before exit unless a replacement takes over.
        "Before exit" counts by the unpairing's date (``exit_in_force``): on or after an exit's
        approval and before the next return's approval, whatever the stage is today. A
        replacement is paired only while the household is assisted (since 2026-11-30), unless
        ``spared``: an export's row replayed into the empty store it rebuilds
        (``Ledger.rebuilding_export``), as an older fupin took it (``ledger.late_replacements``
        says it since session 26)."""
        self.check_open_on(prov.effective, "HelperUnpaired")
        if helper not in self.helpers:
            # typed otherwise than on record ('c-1 ', 'C-1'): said so, not that the pairing
            # does not exist (since session 37, tester k F7)
            hint = key_hint(helper, self.helpers.__contains__)
            raise RuleError("helper", f"{helper!r} is not paired with {self.number}{hint}")
        if replacement and replacement in self.helpers:
            raise RuleError("replacement", f"{replacement!r} is already paired with {self.number}")
        check_says("reason", reason, "ending a pairing must say why")
        out = self.exit_in_force(prov.effective)
        if out is None and not replacement and not self.exits_approved:
            raise RuleError("helper", "no unpairing before exit 不脱贫不脱钩, except a replacement")
        self.check_not_before(prov.effective, self.paired_on.get(helper), f"{helper} was paired")
        if replacement:
            self.check_not_before(
                prov.effective,
                self.unpaired_on.get(replacement),
                f"{replacement}'s last pairing with it ended",
            )
        if replacement and not spared:
            # The replacement is paired that day: as ``pair`` does, only while assisted.
            self.check_assisted_on(
                prov.effective, "the replacement", "a helper is paired while assisted"
            )
        if out is None and not replacement:
            later = [exited for exited in self.exits_approved if exited > prov.effective]
            when = (
                f"exited only on {later[0]}"
                if later
                else f"returned (approved on {self.returns_approved[-1]}) and has not exited again"
            )
            raise RuleError(
                "effective",
                f"the unpairing is dated {prov.effective}; {self.number} {when}: no unpairing "
                "before exit 不脱贫不脱钩, except a replacement",
            )
        self.check_no_visit_after(helper, prov.effective)
        self._unpaired(helper, replacement, reason, prov)

    def check_no_visit_after(self, helper: str, ended: date) -> None:
        """A pairing ends on or after the last visit on record under it: a visit entered before
        an unpairing dated earlier would stand on record outside any pairing (``record_visit``
        refuses it entered the other way round), and a visit is voided before its pairing."""
        since = self.paired_on.get(helper, date.min)
        later = sorted(
            (day, version)
            for version, (by, day) in self.visits.items()
            if by == helper and since <= day and day > ended
        )
        if later:
            day, version = later[-1]
            raise RuleError(
                "effective",
                f"the unpairing is dated {ended}; {helper} visited {self.number} on {day} under "
                f"this pairing (entry {version}): date it on or after the last visit, or correct "
                "the visit first",
            )

    @event("HelperUnpaired")
    def _unpaired(self, helper: str, replacement: str, reason: str, prov: Provenance) -> None:
        role = self.helpers.pop(helper)
        began = self.paired_on.pop(helper, date.min)
        ended = Unpairing(
            helper,
            replacement,
            role,
            began,
            prov.effective,
            self.pairing_entries.pop(helper, None),  # ended: no longer voidable
            self.unpaired_on.get(helper),
        )
        version = self.remember_entry("HelperUnpaired", prov, ended)
        self.unpaired_on[helper] = prov.effective
        self.past_pairings.setdefault(helper, []).append((began, prov.effective))
        if replacement:
            self.helpers[replacement] = role
            self.paired_on[replacement] = prov.effective
            self.pairing_entries[replacement] = version
            self._first_pairing(prov.effective)

    def places_held(
        self, role: str, day: date, voiding: int | None = None
    ) -> tuple[date, list[str]]:
        """The places of ``role`` held on the busiest day from ``day`` on, by effective date
        (since session 21): (that day, the helpers holding them). A pairing from ``day``
        runs on, so it overlaps every pairing of the role in force on ``day`` or begun since:
        a helper paired now, or one whose pairing ended after ``day`` (tester K: a cadre
        paired from a day before three others were unpaired made four at once). A pairing
        ended on a day hands over that day. ``voiding``: the unpairing a correction voids,
        whose pairing is the one that runs again, not another's."""
        spans = [(began, date.max, h) for h, began in self.paired_on.items()]
        spans = [span for span in spans if self.helpers.get(span[2]) == role]
        for version, (kind, ended) in self.entries.items():
            if kind != "HelperUnpaired" or version in self.voided or version == voiding:
                continue
            if ended.role == role and ended.ended > max(day, ended.began):
                spans.append((ended.began, ended.ended, ended.helper))
        busiest: tuple[date, list[str]] = (day, [])
        for start in sorted({day, *(began for began, _, _ in spans if began > day)}):
            held = sorted(h for began, end, h in spans if began <= start < end)
            if len(held) > len(busiest[1]):
                busiest = (start, held)
        return busiest

    def _first_pairing(self, day: date) -> None:
        if self.first_paired_on is None or day < self.first_paired_on:
            self.first_paired_on = day

    def sign_agreement(self, prov: Provenance) -> None:
        """The two-way assistance agreement 扶贫协议 with the paired helpers, while the household
        is assisted on the agreement's date (one dated before an exit enters late)."""
        self.check_casework_stage("agreement")
        if self.first_paired_on is None:  # (all unpaired since, after an exit: it was paired)
            raise RuleError("agreement", "pair at least one helper before the agreement")
        # The first pairing of all: an agreement signed with a helper since replaced stands.
        self.check_not_before(prov.effective, self.first_paired_on, "its first helper was paired")
        self.check_assisted_on(prov.effective, "the agreement", "it is signed while assisted")
        self._agreement_signed(prov)

    @event("AgreementSigned")
    def _agreement_signed(self, prov: Provenance) -> None:
        version = self.remember_entry("AgreementSigned", prov, self.version + 1)
        self.agreement_entries[version] = prov.effective
        self.agreement_on = prov.effective
        self.agreements.append(prov.effective)

    def undo_agreement(self, version: int) -> None:
        """An agreement recorded in error (twice, or for the wrong household) never was: the
        household's agreement is the one recorded last of those left (nothing rests on an
        agreement but the accountability report, which reads the ones there are)."""
        self.agreement_entries.pop(version, None)
        self.agreements = list(self.agreement_entries.values())
        self.agreement_on = self.agreements[-1] if self.agreements else None

    def record_visit(
        self, helper: str, summary: str, prov: Provenance, *, alike_ok: bool = False
    ) -> None:
        """A paired helper meets the household (at least once a quarter [四(二)]); a visit
        entered late may be by a helper whose pairing has ended since, within that pairing.
        One like a visit in force (``check_visit_not_alike``) is refused unless ``alike_ok``
        (an export replayed: a ledger may hold two alike)."""
        day = prov.effective
        past = self.past_pairings.get(helper, [])
        if not any(start <= day <= end for start, end in past):
            if helper not in self.helpers:
                during = _paired_during(past)
                raise RuleError(
                    "helper", f"{helper!r} is not paired with household {self.number}{during}"
                )
            self.check_not_before(day, self.paired_on.get(helper), f"{helper} was paired")
        if not alike_ok:
            self.check_visit_not_alike(helper, summary, prov)
        self._visit_recorded(helper, summary, prov)

    def check_visit_not_alike(self, helper: str, summary: str, prov: Provenance) -> None:
        """Refuse a visit that says what one in force says: the same helper on the same day,
        under the same document, note and summary as a reader reads them (``said_as_read``).
        The same visit typed in by one officer and imported from the 走访台账 by another
        counted twice toward the quarter's visits (tester H, session 21), as an allocation
        recorded twice did (``FundAccount.check_not_alike``). A second visit that day for
        real has a document of its own, or a summary or note saying what sets it apart."""
        said = self.visits_said.get((helper, prov.effective))
        if not said:
            return
        wanted = (*said_as_read(prov.document, prov.note), said_as_read(summary, "")[0])
        for version, document, note, told in said:
            alike = (*said_as_read(document, note), said_as_read(told, "")[0]) == wanted
            if version in self.visits and alike:
                raise RuleError(
                    "document",
                    f"{helper}'s visit to {self.number} on {prov.effective} is on record under "
                    f"document {document!r} (entry {version}): the same visit recorded twice? "
                    "A second visit that day has a document of its own, or a summary (an "
                    "import row: a note) saying what sets it apart; a wrong one is corrected "
                    "(fupin correct "
                    f"household {self.number} {version} --reason …)",
                )

    @event("VisitRecorded")
    def _visit_recorded(self, helper: str, summary: str, prov: Provenance) -> None:
        version = self.remember_entry("VisitRecorded", prov)
        self.visits[version] = (helper, prov.effective)
        # as recorded: compared (``said_as_read``) only against a visit of that helper and day
        self.visits_said.setdefault((helper, prov.effective), []).append(
            (version, prov.document, prov.note, summary)
        )

    def plan_measure(
        self, measure: Measure, prov: Provenance, *, as_recorded: bool = False
    ) -> None:
        """A measure of the household's plan 一户一策 [四(三)–(十一)], while the household is
        assisted on the measure's date (one dated before an exit enters late). ``as_recorded``:
        a row of an export replayed into the empty store it rebuilds, judged without the rules
        of session 24 on the data typed (an id differing from one on record only in case, an
        employment measure without labour capacity), which an older ledger may hold."""
        self.check_casework_stage("measure")
        if measure.measure_id in self.measures:
            raise RuleError("measure", f"{measure.measure_id!r} is already planned")
        self.check_not_voided_measure(measure.measure_id)
        if not replay_spares("measure_case_lookalike", as_recorded):
            self.check_measure_id_case(measure.measure_id)  # noted by verify since session 32
        if not as_recorded:
            self.check_labour_for(measure.category)
        self.check_not_before(
            prov.effective,
            self.registered_on,
            f"measure {measure.measure_id} is dated {prov.effective}; {self.number} was registered",
        )
        self.check_assisted_on(
            prov.effective, f"measure {measure.measure_id}", "a measure is planned while assisted"
        )
        if measure.budget_fen > MAX_MEASURE_BUDGET_FEN:
            # Tester Z, session 23: 100 billion yuan was taken, and a budget typed too large
            # hides every payment above the real one from the report's over_budget for good.
            raise RuleError(
                "budget",
                f"{format_yuan(measure.budget_fen)} yuan cannot be one household's measure: at "
                f"most {format_yuan(MAX_MEASURE_BUDGET_FEN)} yuan (is it in fen, or does it "
                "have a digit too many?)",
            )
        self._measure_planned(measure, prov)

    def check_measure_id_case(self, measure_id: str) -> None:
        """Refuse a measure id that differs from one of this household's, planned or voided,
        only in the case of its letters (``ED-1``, ``ed-1`` or ``Ed-1`` beside one another:
        two measures that read as one in every payment and report), as a household's, helper's
        or street's key is (``LedgerCore.check_no_lookalike``; since session 24). Compared by
        ``casefold`` against every id on record, so the order they are typed in does not
        matter (re-test, session 24: ``ed-1`` was taken beside ``Ed-1``)."""
        folded = measure_id.casefold()
        for other in sorted({*self.measures, *self.voided_measures}):
            if other != measure_id and other.casefold() == folded:
                raise RuleError(
                    "measure", differs_in_case(measure_id, other, "on record", "measure")
                )

    def check_labour_for(self, category: str) -> None:
        """An employment 就业 or entrepreneurship 创业 measure is for poor people able to work
        有就业能力的贫困人口 [四(六)]: refused for a household with no labour capacity 无劳动能力
        on record, which stays under 低保 (industry, finance, education, medical and the other
        categories stay open to it: asset income 资产收益 needs no labour). Since session 24:
        one was planned and paid, while ``helper employ`` refused the job."""
        if category in LABOUR_CATEGORIES and not self.labour:
            raise RuleError(
                "category",
                f"{self.number} has no labour capacity 无劳动能力 on record: "
                f"{with_article(category)} measure is for poor people able to work "
                "有就业能力的贫困人口 [四(六)]; a household without labour capacity stays under "
                "低保, and measures of the other categories stay open to it (amend its labour "
                f"first if that was typed wrong: fupin household amend {self.number} --labour)",
            )

    @event("MeasurePlanned")
    def _measure_planned(self, measure: Measure, prov: Provenance) -> None:
        self.measures[measure.measure_id] = measure
        self.measures_planned_on[measure.measure_id] = prov.effective
        self.measure_entries[measure.measure_id] = self.remember_entry(
            "MeasurePlanned", prov, measure.measure_id
        )

    def complete_measure(self, measure_id: str, outcome: str, prov: Provenance) -> None:
        """The measure was carried out."""
        self.check_measure(measure_id)
        if measure_id in self.completed:
            raise RuleError("measure", f"{measure_id!r} is already completed")
        self.check_not_before(
            prov.effective,
            self.measures_planned_on.get(measure_id),
            f"the completion is dated {prov.effective}; {measure_id} was planned",
        )
        self._measure_completed(measure_id, outcome, prov)

    @event("MeasureCompleted")
    def _measure_completed(self, measure_id: str, outcome: str, prov: Provenance) -> None:
        self.completed[measure_id] = self.remember_entry("MeasureCompleted", prov, measure_id)

    def check_measure(self, measure_id: str) -> None:
        if not measure_id:
            raise RuleError("measure", f"name the measure of {self.number} it is for (--measure)")
        self.check_not_voided_measure(measure_id)
        if measure_id not in self.measures:
            raise RuleError(
                "measure",
                f"{measure_id!r} is not a measure of {self.number}"
                f"{key_hint(measure_id, self.measures.__contains__)}",
            )

    def check_not_voided_measure(self, measure_id: str) -> None:
        """A voided measure's id stays used: it is neither paid, completed nor planned again."""
        if measure_id in self.voided_measures:
            raise RuleError(
                "measure",
                f"{measure_id!r} of {self.number} was voided (entry "
                f"{self.voided_measures[measure_id]}): plan the measure under another id",
            )

    def receive_funds(
        self, account: str, disbursement: int, measure_id: str, amount_fen: int, prov: Provenance
    ) -> None:
        """Money disbursed to one of the household's measures (recorded with the disbursement,
        ``disbursement`` being the version of the ``Disbursed`` entry on the fund account)."""
        if self.stage != Stage.EXITED:  # an exited one, paid late for a day before its exit
            self.check_active("disbursement")
        self.check_measure(measure_id)
        self.check_payment_date(measure_id, prov.effective)
        self._funds_received(account, disbursement, measure_id, amount_fen, prov)

    def check_payment_date(self, measure_id: str, effective: date) -> None:
        """Money reaches a household only once it is registered and the measure is planned,
        and only while it is assisted: up to the day its exit was approved, or from the day
        its return was approved (judged on the payment's date, so a payment made before the
        exit may be entered after it: the approval stays valid, ``check_paid_before_exit``)."""
        self.check_not_before(
            effective,
            self.registered_on,
            f"the payment is dated {effective}; {self.number} was registered",
        )
        self.check_assisted_on(effective, "the payment", "a household is paid only while assisted")
        self.check_not_before(
            effective,
            self.measures_planned_on.get(measure_id),
            f"the payment is dated {effective}; measure {measure_id} was planned",
        )

    @event("FundsReceived")
    def _funds_received(
        self, account: str, disbursement: int, measure_id: str, amount_fen: int, prov: Provenance
    ) -> None:
        self.receipts[(account, disbursement)] = amount_fen
        self.receipt_entries[self.version + 1] = (account, disbursement)
        self.receipt_dates[(account, disbursement)] = prov.effective
        self.receipt_measures[(account, disbursement)] = measure_id
        self.received_fen += amount_fen

    def void_receipt(self, account: str, disbursement: int, reason: str, prov: Provenance) -> None:
        """The disbursement behind a receipt was voided on its fund account: take it back out,
        in the same save as the fund's ``Corrected`` event."""
        if (account, disbursement) not in self.receipts:
            raise RuleError("version", f"{self.number} has no receipt of {account} #{disbursement}")
        self._receipt_voided(account, disbursement, reason, prov)

    @event("ReceiptVoided")
    def _receipt_voided(
        self, account: str, disbursement: int, reason: str, prov: Provenance
    ) -> None:
        self.received_fen -= self.receipts.pop((account, disbursement))
        self.receipts_voided[(account, disbursement)] = (self.version + 1, prov.effective)
        self.receipt_dates.pop((account, disbursement), None)
        self.receipt_measures.pop((account, disbursement), None)

    # -- income, exit and return -----------------------------------------------------------

    def assess_income(self, year: int, income_fen: int, prov: Provenance) -> None:
        """Yearly per-capita disposable income 人均可支配收入, in fen."""
        if self.stage not in (*ACTIVE_STAGES, Stage.EXITED):
            raise RuleError("stage", f"{self.number} is {self.stage}, not registered")
        self.check_not_before(
            prov.effective,
            self.registered_on,
            f"the assessment is dated {prov.effective}; {self.number} was registered",
        )
        self.check_year(year, prov.effective, "income assessment")
        if income_fen > MAX_RURAL_INCOME_FEN:
            # As a year's standard is bounded (``programme set-year``): an income in fen typed
            # as yuan, as history shows it (income_fen=535275), cleared every threshold and an
            # exit went ahead on it (tester V, session 22).
            raise RuleError(
                "income",
                f"{format_yuan(income_fen)} yuan cannot be a household's per-capita income: "
                f"at most {format_yuan(MAX_RURAL_INCOME_FEN)} yuan per person per year, as a "
                "district's rural income (is it in fen, or does it have a digit too many?)",
            )
        self._income_assessed(year, income_fen, prov)

    def check_year(self, year: int, effective: date, what: str) -> None:
        """An assessment year has begun by the day its assessment (or exit) takes effect (it
        may be late: the 2016 income is assessed in early 2017 too), and is not a year before
        the household was registered."""
        self.check_not_before(
            effective, date(year, 1, 1), f"the {year} {what} is dated {effective}; {year} begins"
        )
        if self.registered_on is not None and year < self.registered_on.year:
            raise RuleError(
                "year",
                f"{self.number} was registered on {self.registered_on}: no {what} for {year}, "
                f"a year before {self.registered_on.year}",
            )

    @event("IncomeAssessed")
    def _income_assessed(self, year: int, income_fen: int, prov: Provenance) -> None:
        version = self.remember_entry("IncomeAssessed", prov, (year, income_fen))
        self.assessed_on[version] = prov.effective
        entries = self.income_entries.setdefault(year, [])
        entries.append(version)
        # "A later assessment of the same year supersedes the earlier" (events.md): later by
        # effective date, then by version. An older form entered late is history, not the
        # income now.
        entries.sort(key=lambda v: (self.assessed_on[v], v))
        self.incomes[year] = self.entries[entries[-1]][1][1]

    def income_in_force(self, year: int) -> tuple[int, date]:
        """The income (fen) of ``year`` in force and the date of its assessment: the year's
        latest live one by effective date, then by version (``_income_assessed``)."""
        version = self.income_entries[year][-1]
        return self.entries[version][1][1], self.assessed_on[version]

    def exit_below(self, year: int, threshold_fen: int) -> str:
        """What the year's income in force, below ``threshold_fen``, does to the household's
        exit of ``year`` on record ("" if there is none, or the income reaches it): an approved
        exit now rests on an income below the threshold (``report accountability``'s
        ``income-below``), one under way is stopped at its next step (``check_exit_income``).
        Said after an assessment is recorded, never refused: the assessment is a fact (since
        session 29; tester D: ``household assess`` said only "recorded")."""
        income = self.incomes.get(year)
        if self.exit_year != year or not self.exit_steps or income is None:
            return ""
        if income >= threshold_fen:
            return ""
        below = f"an income below the {year} threshold {format_yuan(threshold_fen)} yuan"
        return self._exit_now_rests_on(below, "income-below")

    def exit_on_other_members(self, dated: date) -> str:
        """What the household's members now on record do to its exit of the year ("" if
        nothing), after an entry dated ``dated`` changed them or the assessment in force: one
        under way rests on an income assessed for other members than it has now, so its next
        step is refused (``check_assessed_for_members``); an approved one did on its
        approval's day, when the entry is dated by then (``report accountability``'s
        ``members-changed``). Said after a change of members, or a correction, is recorded,
        never refused (since session 30, re-tester R: ``household members`` said only "now
        has 3 members")."""
        year = self.exit_year
        if year is None or not self.exit_steps:
            return ""
        day = self.exit_dates[-1]
        if self.exit_steps[-1] == "approved" and dated > day:
            return ""  # after the approval: not what it rested on
        if self.exit_steps[-1] != "approved":  # the next step: dated by the latest change too
            live = [d for v, (d, _) in self.member_counts.items() if v not in self.voided]
            day = max([day, *live])
        unlike = self.members_unlike(year, day)
        if unlike is None:
            return ""
        if unlike.made_for != unlike.then:
            members = (
                f"an income assessed on {unlike.assessed} for {unlike.made_for} members, as "
                f"then on record; a change of members entered since (entry {unlike.late}) has "
                f"it {unlike.then} members since {unlike.then_since}"
            )
        else:
            members = (
                f"an income assessed on {unlike.assessed} for {unlike.then} members; "
                f"{self.number} has {unlike.now} since {unlike.since}"
            )
        return self._exit_now_rests_on(members, "members-changed")

    def _exit_now_rests_on(self, what: str, fault: str) -> str:
        """What an entry just recorded does to the household's exit on record, in one wording
        (``exit_below``, ``exit_on_other_members``): it now rests on ``what``; approved, the
        accountability report lists it as ``fault``; under way, its next step is refused."""
        year, step, day = self.exit_year, self.exit_steps[-1], self.exit_dates[-1]
        said = f"the {year} exit of {self.number} ({step} on {day}) now rests on {what}"
        if step == "approved":
            return f"{said}: fupin report accountability lists it (exit_faults, {fault})"
        return (
            f"{said}: its next step is refused until the exit is withdrawn (fupin household "
            f"withdraw-exit {self.number}) or {year} assessed again"
        )

    def propose_exit(
        self,
        year: int,
        threshold_fen: int,
        prov: Provenance,
        threshold: Callable[[int, str], int],
        merges: Sequence[MergeIn] = (),
        *,
        notice_days: int,
        last_year: int,
    ) -> None:
        """Exit proposed 拟退出 for an assessment year, by its closing day, on the year's income
        as assessed by the proposal's date at the threshold, while no later year's income as
        assessed by then is below its own (``threshold(year, area)``:
        ``Programme.exit_threshold``), leaving room for a notice of ``notice_days`` and an
        approval by the programme's last exit day (``check_room_for_exit_notice``)."""
        self.check_active("exit")
        if not self.key_target:
            raise RuleError("key_target", "only key targets exit; others stay under 低保 [三]")
        if self.exit_steps:
            raise RuleError("exit", f"an exit is already {self.exit_steps[-1]}")
        # After a withdrawal the next exit starts from it: dated earlier, an --as-of view
        # before the withdrawal saw two proposals in one exit cycle.
        self.check_not_before(
            prov.effective,
            self.exit_withdrawn_on,
            f"the exit proposal is dated {prov.effective}; the exit before it was withdrawn",
        )
        if self.plan_year is not None and year < self.plan_year:
            raise RuleError(
                "year", f"after its return {self.number} is in the {self.plan_year} plan [六(六)]"
            )
        self.check_year(year, prov.effective, "exit proposal")
        self.check_proposed_by_closing_day(year, prov.effective)
        self.check_room_for_exit_notice(year, prov.effective, notice_days, last_year, "proposal")
        basis = self.assessment_standing(year, prov.effective)
        income = self.entries[basis][1][1]
        if income < threshold_fen:
            raise RuleError(
                "income",
                f"{self.number}'s {year} income (assessed) of {format_yuan(income)} yuan is below "
                f"the {year} threshold {format_yuan(threshold_fen)} yuan: an exit needs the "
                "year's income at the threshold or above",
            )
        self.check_later_years_reached(year, prov.effective, threshold)
        self.check_assessed_for_members(year, prov.effective, basis, merges)
        self._exit_proposed(year, income, threshold_fen, prov, basis)

    def check_proposed_by_closing_day(self, year: int, effective: date) -> None:
        """A year's exit is proposed by the year's closing day (``closing_day``), 31 January of
        the next: each assessment year the streets verify, announce and exit those who reached
        the standard that year [六(六)], and after the closing day the year's result is fixed.
        A later exit rests on a later year's income (tester, session 21: a 2016 exit proposed
        in 2020 was counted as a 2016 exit)."""
        closes = closing_day(year)
        if effective > closes:
            raise RuleError(
                "effective",
                f"the {year} exit proposal is dated {effective}, after {closes}, the {year} "
                f"closing day: a year's exit is proposed by 31 January of the next year "
                f"[六(六)]; an exit proposed later rests on a later year's income",
            )

    def check_room_for_exit_notice(
        self,
        year: int,
        effective: date,
        notice_days: int,
        last_year: int,
        what: str,
        remedy: str = "",
        field: str = "effective",
    ) -> None:
        """An exit's proposal 拟退出 or verification 核实 leaves room for its notice 公示 and
        approval by the programme's last exit day (``last_exit_day``): the notice, of at least
        ``notice_days``, starts no earlier than it and ends before that day
        (``check_exit_in_programme``), so the latest such day is that day less the notice days
        (2019-01-24 for a 2018 exit and 7). Since session 34 (tester a: a 2018 exit proposed
        and verified on 2019-01-28 was taken, and every notice and approval after it refused,
        the household left with an exit it could only withdraw), as an identification leaves
        room for its registration (``Programme.check_leaves_registration``)."""
        last = last_exit_day(year, last_year)
        latest = last - timedelta(days=notice_days)
        if effective <= latest or replay_spares("exit_without_notice_room"):
            return
        remedy = remedy or (
            f"date it on or before {latest}"
            if what == "proposal"
            else f"or withdraw the exit (fupin household withdraw-exit {self.number})"
        )
        raise RuleError(
            field,
            f"the {year} exit's {what} is dated {effective}, after {latest}: a {year} exit is "
            f"approved by {last} [三、六(六)], after a notice 公示 of at least {notice_days} days"
            f"{EXIT_NOTICE_DAYS_CITED} that starts no earlier than this {what} and ends by "
            f"{last - timedelta(days=1)}: one taken on later could never be approved ({remedy})",
        )

    def assessment_standing(self, year: int, day: date) -> int:
        """The assessment (version) of ``year`` an exit proposed on ``day`` rests on: the
        year's latest live one (by effective date) dated on or before ``day``. One dated
        later, even if recorded first, had not been made when the proposal was (before session
        21 the proposal was refused while a later-dated one stood, though an earlier one stood
        on its day)."""
        live = [v for v in self.income_entries.get(year, []) if v not in self.voided]
        if not live:
            raise RuleError(
                "income",
                f"{self.number} has no income assessment for {year} (fupin household assess "
                "records it)",
            )
        standing = [v for v in live if self.assessed_on[v] <= day]
        if not standing:
            raise RuleError(
                "effective",
                f"the exit proposal is dated {day}; its {year} income was first assessed only "
                f"on {self.assessed_on[live[0]]}: an exit rests on an assessment dated by its "
                "proposal",
            )
        return standing[-1]

    def check_later_years_reached(
        self, year: int, day: date, threshold: Callable[[int, str], int], then: str = ""
    ) -> None:
        """No exit on a year's income while a later year's income, as assessed by the
        proposal's date, is below that year's threshold (``thresholds``): the household is
        poor again by the latest measure (tester, session 21: a 2016 exit proposed on the 2016
        income while 2017 was assessed below its threshold went through, no fault listed). A
        later year whose standard is not set has no threshold to be below."""
        for later in sorted(y for y in self.income_entries if y > year):
            live = [v for v in self.income_entries[later] if v not in self.voided]
            standing = [v for v in live if self.assessed_on[v] <= day]
            if not standing:
                continue
            try:
                threshold_fen = threshold(later, self.area)
            except RuleError:
                continue
            income = self.entries[standing[-1]][1][1]
            if income < threshold_fen:
                raise RuleError(
                    "income",
                    f"{self.number}'s {later} income was assessed at {format_yuan(income)} yuan "
                    f"on {self.assessed_on[standing[-1]]} (entry {standing[-1]}), below the "
                    f"{later} threshold {format_yuan(threshold_fen)} yuan: no exit for {year} "
                    f"while a later year's income is below its threshold"
                    + (f": {then} (fupin household withdraw-exit {self.number})" if then else ""),
                )

    def check_later_years_still(self, day: date, threshold: Callable[[int, str], int]) -> None:
        """``check_later_years_reached`` again at each later step of the exit, on its date: a
        later year's income assessed below its threshold after the proposal was recorded, or
        dated after it, stops the exit as it would have stopped the proposal (tester E and a
        reviewer, session 21: entered in that order, the exit went through, no fault listed)."""
        if self.exit_year is not None:
            self.check_later_years_reached(self.exit_year, day, threshold, "withdraw the exit")

    @event("ExitProposed")
    def _exit_proposed(
        self, year: int, income_fen: int, threshold_fen: int, prov: Provenance, basis: int = 0
    ) -> None:
        # ``basis``: the assessment (version) the proposal rests on (``assessment_standing``),
        # carried by the event since session 21; 0 in an older event (``proposal_basis``).
        self.exit_steps = ["proposed"]
        self.proposal_entry = self.version + 1
        self.exit_year = year
        self.exits_on_record += 1
        rests_on = basis or self.proposal_basis(year, income_fen)
        self.proposal_assessment = rests_on
        if rests_on is not None:
            self.exit_assessments.add(rests_on)
        self.exit_dates = [prov.effective]
        self.exit_notice_end = None

    def proposal_basis(self, year: int, income_fen: int) -> int | None:
        """The assessment an exit proposal recorded before session 21 rested on, its event
        naming none: the year's latest live one whose income the event carries (else the
        latest), as the ledger read it then (before 2026-11-29 "latest" meant the latest
        entered: the income says which that was). A proposal recorded since names its own
        (``assessment_standing``: dated by the proposal), which an older ledger's may not be
        (a reviewer, session 21: read by the new rule, an old proposal rested on another
        assessment, and ``fupin verify`` failed a correction the ledger had taken)."""
        live = [v for v in self.income_entries.get(year, []) if v not in self.voided]
        same = [v for v in live if self.entries[v][1][1] == income_fen]
        return same[-1] if same else live[-1] if live else None

    def withdraw_exit(self, reason: str, prov: Provenance) -> None:
        """An exit under way is withdrawn 撤回: its verification 核实 failed, or the notice 公示
        raised what stops it. The household stays assisted; a later exit is proposed anew."""
        if self.stage == Stage.EXITED:
            self.refuse_withdrawing_approved()
        if not self.exit_steps:
            raise RuleError("exit", f"{self.number} has no exit under way to withdraw")
        check_says("reason", reason, "a withdrawn exit must say why")
        self.check_after_last_step(prov.effective)
        self._exit_withdrawn(reason.strip(), prov)

    def refuse_withdrawing_approved(self) -> None:
        """An approved exit is not withdrawn: an approval recorded in error is voided by the
        district (``check_approval_voidable``), and the exit, back at its notice, is withdrawn
        then; the refusal says so, or why the approval stands (session 21: it said there was
        no exit under way)."""
        approval = self.approval_entry
        approved = f"{self.number}'s exit was approved on {self.exits_approved[-1]}"
        if approval is None:  # every approval is remembered; no way to name otherwise
            raise RuleError("exit", f"{approved}: an approved exit is not withdrawn")
        try:
            self.check_approval_voidable(approval)
            self.check_approval_open(approval)
        except RuleError as refused:
            raise RuleError(
                "exit",
                f"{approved} (entry {approval}): an approved exit is not withdrawn, and its "
                f"approval stands: {refused.rule}",
            ) from None
        raise RuleError(
            "exit",
            f"{approved} (entry {approval}): an approved exit is not withdrawn; the district "
            f"voids an approval recorded in error (fupin correct household {self.number} "
            f"{approval} --reason …), and the exit, back at its notice, is withdrawn then",
        )

    @event("ExitWithdrawn")
    def _exit_withdrawn(self, reason: str, prov: Provenance) -> None:
        # What a correction of the withdrawal puts back (``undo_withdrawal``; since session 34)
        was = (
            *(tuple(self.exit_steps), tuple(self.exit_dates), self.exit_year),
            *(self.exit_notice_end, self.proposal_assessment, self.exit_withdrawn_on),
        )
        self.remember_entry("ExitWithdrawn", prov, was)
        # The withdrawn proposal's assessment no longer holds an exit up: it may be corrected.
        if self.proposal_assessment is not None:
            self.exit_assessments.discard(self.proposal_assessment)
        self.proposal_assessment = None
        self.exits_on_record -= 1
        self.exit_withdrawn_on = prov.effective
        self.exit_steps = []
        self.exit_year = None
        self.exit_dates = []
        self.exit_notice_end = None

    def advance_exit(
        self,
        step: str,
        prov: Provenance,
        threshold: Callable[[int, str], int],
        last_year: int,
        merges: Sequence[MergeIn] = (),
        *,
        notice_days: int,
    ) -> None:
        """Exit verified 核实, noticed 公示, approved: each only after the step before it, by
        the programme's last exit day (``check_exit_in_programme``; a verification leaving
        room for a notice of ``notice_days`` before it, ``check_room_for_exit_notice``), and
        while the year's latest assessment reaches ``threshold(year, area)``
        (``Programme.exit_threshold``)."""
        self.check_next_step("exit", self.exit_steps, EXIT_STEPS, step)
        self.check_exit_in_programme(step, prov.effective, last_year)
        if step == "verified" and self.exit_year is not None:
            self.check_room_for_exit_notice(
                self.exit_year, prov.effective, notice_days, last_year, "verification 核实"
            )
        self.check_exit_income(threshold)
        self.check_later_years_still(prov.effective, threshold)
        if self.exit_year is not None:
            self.check_assessed_for_members(self.exit_year, prov.effective, None, merges)
        if step == "noticed":
            raise RuleError("step", "an exit notice is posted with its dates (post_exit_notice)")
        self.check_after_last_step(prov.effective)
        if step == "approved" and self.exit_notice_end and prov.effective <= self.exit_notice_end:
            raise RuleError(
                "effective",
                f"the exit notice runs until {self.exit_notice_end}: an approval is dated from "
                f"{self.exit_notice_end + timedelta(days=1)}",
            )
        if step == "approved":
            self.check_paid_before_exit(prov.effective)
        self._exit_advanced(step, prov)

    def check_exit_in_programme(
        self, step: str, effective: date, last_year: int, ends: date | None = None
    ) -> None:
        """An exit's verification, notice (taking effect on ``effective``, ending on ``ends``)
        and approval are dated by ``last_exit_day``: the last closing day of the programme,
        whose years end with ``last_year``. An exit approved later counts for no year of the
        plan (tester, session 21: a 2016 exit verified and approved in 2025 was counted as a
        2016 exit, as a return after the programme's years is refused). A notice ends before
        it, so that the approval after the notice can still be dated by it."""
        year = self.exit_year
        if year is None:
            return
        last = last_exit_day(year, last_year)
        what = {"verified": "verification 核实", "noticed": "notice 公示"}.get(step, "approval")
        when = f"of the programme's last year {last_year}" if year <= last_year else f"of {year}"
        bound = (
            f"a {year} exit is verified, noticed and approved by {last}, the closing day {when} "
            f"[三、六(六)]: withdraw the exit (fupin household withdraw-exit {self.number})"
        )
        if effective > last:
            raise RuleError(
                "effective", f"the {year} exit's {what} is dated {effective}, after {last}: {bound}"
            )
        if ends is not None and ends >= last:
            raise RuleError(
                "end",
                f"the {year} exit's notice ends {ends}, leaving no day by {last} for the "
                f"approval after it: {bound}",
            )

    def check_exit_income(self, threshold: Callable[[int, str], int]) -> None:
        """An exit goes on only while the year it is for has its latest assessment (by
        effective date) at the threshold: one assessed anew below it after the proposal stops
        the exit until it is withdrawn or the year assessed again (tester U, session 19: the
        exit was verified and approved, and only the accountability report said
        ``income-below``)."""
        year = self.exit_year
        if year is None:
            return
        threshold_fen = threshold(year, self.area)
        income = self.incomes.get(year)
        if income is not None and income >= threshold_fen:
            return
        now = (  # none is not "below" (re-tester r, session 34)
            f"has no assessment in force, and the {year} threshold is"
            if income is None
            # "now" said neither assessed again nor the threshold set again (since session 37,
            # tester j F05: the year's standards corrected, it read as a new assessment)
            else f"as assessed, {format_yuan(income)} yuan, is below the {year} threshold"
        )
        raise RuleError(
            "income",
            f"{self.number}'s {year} income {now} {format_yuan(threshold_fen)} yuan: an exit "
            "rests on the year's latest assessment and its threshold as set; withdraw the exit "
            f"(fupin household withdraw-exit {self.number} --reason …) or assess the year again",
        )

    def check_paid_before_exit(self, effective: date) -> None:
        """No exit before a payment the household received: it is paid only until it exits."""
        if not self.receipt_dates:
            return
        (account, version), paid = max(self.receipt_dates.items(), key=lambda item: item[1])
        if effective < paid:
            raise RuleError(
                "effective",
                f"the exit approval is dated {effective}; {self.number} received a payment "
                f"dated {paid} ({account} #{version}): no exit before a payment it received",
            )

    def check_after_last_step(self, effective: date) -> None:
        """Exit steps happen in order in time too, not only in sequence."""
        if self.exit_dates and effective < self.exit_dates[-1]:
            raise RuleError(
                "effective", f"the previous exit step took effect {self.exit_dates[-1]}"
            )

    def post_exit_notice(
        self,
        start: date,
        end: date,
        min_days: int,
        prov: Provenance,
        threshold: Callable[[int, str], int],
        last_year: int,
        merges: Sequence[MergeIn] = (),
    ) -> None:
        """The exit is publicly announced 公示 for at least 7 days, from the verification on, and
        taking effect on its first day (``check_notice_dates``), while the year's latest
        assessment reaches ``threshold``, ending before the programme's last exit day
        (``advance_exit``)."""
        self.check_next_step("exit", self.exit_steps, EXIT_STEPS, "noticed")
        self.check_exit_income(threshold)
        self.check_later_years_still(prov.effective, threshold)
        if self.exit_year is not None:
            self.check_assessed_for_members(self.exit_year, prov.effective, None, merges)
        check_notice_length(start, end, min_days, EXIT_NOTICE_DAYS_CITED)
        self.check_after_last_step(prov.effective)
        for when, earlier in (("proposed", self.exit_dates[0]), ("verified", self.exit_dates[-1])):
            self.check_not_before(
                start, earlier, f"the exit notice starts {start}; the exit was {when}", "start"
            )
        check_notice_dates(start, end, min_days, prov.effective)
        self.check_exit_in_programme("noticed", prov.effective, last_year, end)
        self._exit_noticed(start, end, prov)

    @event("ExitNoticed")
    def _exit_noticed(self, start: date, end: date, prov: Provenance) -> None:
        self.exit_steps.append("noticed")
        self.exit_dates.append(prov.effective)
        self.exit_notice_end = end

    @event("ExitAdvanced")
    def _exit_advanced(self, step: str, prov: Provenance) -> None:
        self.exit_steps.append(step)
        self.exit_dates.append(prov.effective)
        if step == "approved":
            # An approval recorded in error is voided (``check_approval_voidable``): what it
            # replaced comes back then.
            was = (self.stage, tuple(self.return_steps), tuple(self.return_dates))
            self.approval_entry = self.remember_entry("ExitAdvanced", prov, was)
            self.stage = Stage.EXITED
            self.return_steps = []
            self.return_dates = []
            self.exits_approved.append(prov.effective)

    def advance_return(self, step: str, disaster: str, authority: str, prov: Provenance) -> None:
        """Return to poverty 返贫 by a major disaster: recognised by a department at district
        level or higher, applied for by the street, reviewed by the district, approved by the
        city; the household joins next year's plan [六(六)]."""
        if self.stage == Stage.RETURNED and self.return_steps and step in self.return_steps:
            # a step of the return approved run again (tester K, session 18: it was said
            # not to have exited)
            raise RuleError(
                "step",
                f"return {step} of {self.number} is already done (the return was approved on "
                f"{self.returns_approved[-1]}); the household is back in the plan of "
                f"{self.plan_year}",
            )
        if self.stage != Stage.EXITED:
            raise RuleError("stage", f"{self.number} has not exited; no return to record")
        self.check_next_step("return", self.return_steps, RETURN_STEPS, step)
        if self.return_dates:
            after, earliest = f"return {self.return_steps[-1]} took effect", self.return_dates[-1]
        else:  # recognised: not before the exit it returns from was approved
            after, earliest = f"the exit of {self.number} was approved", self.exit_dates[-1]
        self.check_not_before(
            prov.effective, earliest, f"return {step} is dated {prov.effective}; {after}"
        )
        if not self.return_dates:  # a return recognised anew after a withdrawal starts from it
            self.check_not_before(
                prov.effective,
                self.return_withdrawn_on,
                f"return {step} is dated {prov.effective}; the return before it was withdrawn",
            )
        self._return_advanced(step, disaster, authority, prov)

    @event("ReturnAdvanced")
    def _return_advanced(self, step: str, disaster: str, authority: str, prov: Provenance) -> None:
        self.return_steps.append(step)
        self.return_dates.append(prov.effective)
        if step == "approved":
            # An approval recorded in error is voided (``check_return_voidable``, since
            # session 23): the exit it ended and the plan year before it come back then.
            was = (tuple(self.exit_steps), self.plan_year)
            self.return_entry = self.remember_entry("ReturnAdvanced", prov, was)
            self.stage = Stage.RETURNED
            self.plan_year = prov.effective.year + 1
            self.returns_approved.append(prov.effective)
            self.exit_steps = []

    def withdraw_return(self, reason: str, prov: Provenance) -> None:
        """A return under way (recognised, applied or reviewed; not approved) is withdrawn 撤回:
        the district's review 审核 or the city's approval 审定 turned it down, or it was
        recognised against the wrong household. The household stays exited; a later return is
        recognised anew. An approved return is not withdrawn (``refuse_withdrawing_return``)."""
        if self.stage == Stage.RETURNED and self.return_entry is not None:
            self.refuse_withdrawing_return(self.return_entry)
        if self.stage != Stage.EXITED or not self.return_steps:
            raise RuleError("return", f"{self.number} has no return under way to withdraw")
        check_says("reason", reason, "a withdrawn return must say why")
        self.check_not_before(
            prov.effective,
            self.return_dates[-1],
            f"the withdrawal is dated {prov.effective}; return {self.return_steps[-1]} took effect",
        )
        self._return_withdrawn(reason.strip(), prov)

    def refuse_withdrawing_return(self, approval: int) -> None:
        """An approved return is not withdrawn: one approved in error has its approval
        ``approval`` voided by the district (``check_return_voidable``), and the return, back at
        its review, is withdrawn then; the refusal says so, or why the approval stands (since
        session 23: it said there was no return under way)."""
        approved = f"{self.number}'s return was approved on {self.returns_approved[-1]}"
        try:
            self.check_return_voidable(approval)
            self.check_approval_open(approval)
        except RuleError as refused:
            raise RuleError(
                "return",
                f"{approved} (entry {approval}): an approved return is not withdrawn, and its "
                f"approval stands: {refused.rule}",
            ) from None
        raise RuleError(
            "return",
            f"{approved} (entry {approval}): an approved return is not withdrawn; the district "
            f"voids an approval recorded in error (fupin correct household {self.number} "
            f"{approval} --reason …), and the return, back at its review, is withdrawn then",
        )

    @event("ReturnWithdrawn")
    def _return_withdrawn(self, reason: str, prov: Provenance) -> None:
        self.return_steps = []
        self.return_dates = []
        self.return_withdrawn_on = prov.effective

    # -- checks and corrections ------------------------------------------------------------

    def check_stage(self, what: str, expected: str) -> None:
        if self.stage != expected:
            raise RuleError(
                "stage", f"{what} needs a household {expected}; {self.number} is {self.stage}"
            )

    def exit_in_force(self, day: date) -> tuple[date, date | None] | None:
        """The approved exit the household was out under on ``day``, by effective date and
        not by today's stage: (its approval, the next return's approval or None) with approval
        <= ``day`` < return; None while it was not (yet, or again) exited on ``day``."""
        return exit_in_force_on(self.exits_approved, self.returns_approved, day)

    def check_assisted_on(self, day: date, entry: str, rule: str) -> None:
        """Was the household assisted on ``day``? An entry dated then (a payment, a pairing, an
        agreement, a measure, an employment) is refused on ``effective`` when the household
        had exited by then and not yet returned: assisted up to and on its exit's approval
        day, again from its return's approval. Judged on the entry's date, not today's stage,
        so one dated before an exit is entered after it (the caller checks the registration)."""
        out = self.exit_in_force(day)
        if out is not None and out[0] < day:
            exited, back = out
            returned = f", its return approved on {back}" if back else ""
            raise RuleError(
                "effective",
                f"{entry} is dated {day}; {self.number} exited on {exited}{returned}: {rule}",
            )

    def check_casework_stage(self, what: str) -> None:
        """Registered, returned or exited (then ``check_assisted_on`` judges the date)."""
        if self.stage != Stage.EXITED:
            self.check_active(what)

    def check_active(self, what: str) -> None:
        if self.stage not in ACTIVE_STAGES:
            raise RuleError(
                "stage", f"{what} needs a registered household; {self.number} is {self.stage}"
            )

    @staticmethod
    def check_next_step(what: str, done: list[str], steps: tuple[str, ...], step: str) -> None:
        if step not in steps:
            raise RuleError("step", f"{step!r} is not one of {', '.join(steps)}")
        expected = steps[len(done)] if len(done) < len(steps) else None
        if step in done:
            raise RuleError("step", f"{what} {step} is already done; done: {', '.join(done)}")
        if step != expected:
            raise RuleError(
                "step", f"{what} {step} needs {expected} first; done: {', '.join(done) or 'none'}"
            )

    def check_amend(
        self,
        changes: dict[str, Any],
        reason: str,
        prov: Provenance,
        opened: date | None = None,
    ) -> None:
        """Once a move is on record, any village amendment is refused first, whatever the
        village it names (since session 27): it restates the identification's village, from
        the start, not the village after the move, so "is already ...: nothing to amend" about
        the village moved to would answer a question not asked."""
        if "village" in changes and self.moves:
            moved = self.moves[-1]
            raise RuleError(
                "village",
                f"{self.number} moved to {moved[2]} on {moved[0]} (entry {moved[3]}): an "
                "amendment restates the village typed wrong from the start, before any "
                f"move; void the move first (fupin correct household {self.number} "
                f"{moved[3]} --reason …), amend, then record the move again",
            )
        super().check_amend(changes, reason, prov, opened)

    def check_amendment(self, changes: dict[str, Any], prov: Provenance) -> None:
        """A key-target mark is the registration's; a key target has labour capacity and is
        willing [三], amended or not; and an exit's threshold and eligibility were judged on the
        area and the mark, so neither is restated once an exit is on record (one under way is
        withdrawn first). Not dated before the entry it restates. Each value as the command
        records it: an area of ``AREAS``, a mark true or false."""
        for field, value in changes.items():
            if field == "area":
                check_as_recorded(field, value, lambda text, name: choice(text, AREAS, name))
            elif field == "village":
                check_as_recorded(field, value, require_text)
            else:
                check_flag(field, value)
        self.check_not_before(prov.effective, self.identified_on, f"{self.number} was identified")
        if "key_target" in changes:
            if self.registered_on is None:
                raise RuleError(
                    "key_target",
                    f"{self.number} is not registered: the mark is set at registration",
                )
            self.check_not_before(
                prov.effective, self.registered_on, f"{self.number} was registered"
            )
        key_target = changes.get("key_target", self.key_target)
        labour = changes.get("labour", self.labour)
        willing = changes.get("willing", self.willing)
        unfit = "" if labour and willing else "labour" if not labour else "willing"
        if self.exits_on_record:
            judged = sorted({"area", "key_target"} & set(changes)) or (
                [unfit] if unfit and self.key_target else []
            )
            if judged:
                under_way = self.stage != Stage.EXITED and bool(self.exit_steps)
                raise RuleError(
                    judged[0],
                    f"{self.number} has an exit on record, judged on its area and its "
                    "key-target mark: neither is restated once an exit is proposed"
                    + (" (withdraw the exit under way first)" if under_way else ""),
                )
        if key_target and unfit:
            hint = "labour and willing" if "key_target" in changes else "key_target"
            raise RuleError(unfit, f"{KEY_TARGET_RULE}: amend {hint} too")

    def check_correctable(self, version: int) -> None:
        """Corrections never pull the ground from under an exit: the assessment an exit was
        proposed on stands, for that exit and for any earlier one (a later, lower assessment
        is recorded instead, and the report flags the exit); any other assessment may be
        voided. A voided signature may be given again; one a registration rests on is not
        voided since session 29 (``check_signature_voidable``, called by ``Ledger.correct``:
        an older ledger's correction is replayed as recorded). A pairing, an unpairing, a
        measure, an exit's approval and a notice are voided on the terms of
        ``check_pairing_voidable``, ``check_unpairing_voidable`` (and ``check_place_again``),
        ``check_measure_voidable``, ``check_approval_voidable`` and ``check_notice_voidable``;
        an agreement always (the accountability report then judges an exit on the agreements
        left); a village review on the terms of ``check_review_voidable``, a change of members
        on those of ``check_members_change_voidable`` (both since session 24)."""
        receipt = self.receipt_entries.get(version)
        if receipt is not None:
            # Tester F, session 20: the refusal listed the correctable kinds, not the way; and
            # tester C, session 23: it still did once the payment was voided on its account.
            raise RuleError("version", self.receipt_refusal(version, *receipt))
        super().check_correctable(version)
        kind, key = self.entries[version]
        if kind == "IncomeAssessed" and version in self.exit_assessments:
            raise RuleError(
                "version", f"the {key[0]} exit rests on this assessment{self.way_out(version)}"
            )
        if kind == "HelperPaired":
            self.check_pairing_voidable(version, key[0])
        if kind == "HelperUnpaired":
            self.check_unpairing_voidable(version, key)
        if kind == "MeasurePlanned":
            self.check_measure_voidable(key)
        if kind == "ExitAdvanced":
            self.check_approval_voidable(version)
        if kind == "ReturnAdvanced":
            self.check_return_voidable(version)
        if kind == "NoticePosted":
            self.check_notice_voidable()
        if kind == "Reviewed":
            self.check_review_voidable(key)
        if kind == "MembersChanged":
            self.check_members_change_voidable(version)
        if kind == "Moved":
            self.check_move_voidable(version)
        if kind == "ExitWithdrawn":
            self.check_withdrawal_voidable(version)

    def check_withdrawal_voidable(self, version: int) -> None:
        """An exit withdrawn in error (the wrong household, a slip) is voided (since session
        34, tester a: it could not be, and proposed anew the exit started over, a 2018 one past
        the last day for its notice, a talk 约谈 owed for a typing error): the exit is back
        where it stood, to be carried on or withdrawn again. Only the latest withdrawal, while
        no exit was proposed since, the household is not closed, and nothing but visits was
        recorded on it since (the assessment the exit rested on voided is said so)."""
        later = [v for v, (kind, _) in self.entries.items() if kind == "ExitWithdrawn"]
        if self.exit_steps or version != max(later):
            raise RuleError(
                "version",
                f"an exit of {self.number} was proposed since this withdrawal: only the "
                "withdrawal of the latest exit is voided, while no exit was proposed since",
            )
        if self.closed_on is not None:
            raise RuleError(
                "version",
                f"{self.number} was closed on {self.closed_on}, after this withdrawal: a "
                "closed household has no exit under way",
            )
        year, assessment = self.entries[version][1][2], self.entries[version][1][4]
        if assessment is not None and assessment in self.voided:
            # re-tester r, session 34: the exit came back resting on no income, said nothing
            raise RuleError(
                "version",
                f"the {year} income assessment the withdrawn exit rested on (entry "
                f"{assessment}) was voided since: the exit cannot stand as it stood; propose "
                f"it anew on the year's assessment (fupin household propose-exit {self.number} "
                f"{year})",
            )
        # Only visits since: anything else may change what the exit was judged on (an
        # amendment of its area or key target, a change of members; re-tester r, session 34:
        # an urban household without labour capacity then exited)
        visits = sum(
            1 for v, (k, _) in self.entries.items() if v > version and k == "VisitRecorded"
        )
        if self.version - version != visits:
            raise RuleError(
                "version",
                f"entries other than visits were recorded on {self.number} since this "
                f"withdrawal (entry {version}; its latest entry is {self.version}): what the "
                "exit was judged on may have changed, so it cannot stand as it stood; propose "
                f"it anew (fupin household propose-exit {self.number} {year})",
            )

    def check_withdrawn_exit_room(self, version: int, notice_days: int, last_year: int) -> None:
        """The exit a voided withdrawal brings back can be carried on: one not yet noticed 公示
        leaves room, from its latest step (its proposal or verification 核实), for its notice
        and approval by the programme's last exit day (``check_room_for_exit_notice``). Since
        session 35 (re-tester r, session 34: the withdrawal of an exit an older fupin recorded
        past that day was voided, bringing back an exit the ledger refuses to carry on, and
        ``report accountability`` listed it ``no-notice-room`` again); spared on an export's
        replay as the step itself is (``exit_without_notice_room``)."""
        steps, dates, year = self.entries[version][1][:3]
        if year is None or not steps or steps[-1] not in ("proposed", "verified"):
            return
        what = "proposal" if steps[-1] == "proposed" else "verification 核实"
        self.check_room_for_exit_notice(
            year,
            dates[-1],
            notice_days,
            last_year,
            what,
            f"it stays withdrawn; this withdrawal (entry {version}) is not voided",
            "version",  # the entry chosen, not a date typed (re-tester r, session 35)
        )

    def check_members_change_voidable(self, version: int) -> None:
        """A change of members typed on the wrong household or with the wrong date is voided
        (since session 24): the household's members, and its personal data, are then those
        before it (the identification's, or the previous live change's). Only the latest live
        change is voided, a later one having been built on it (it is voided first); and not a
        change recorded before the personal data was erased: the data before it is gone, so
        the change stands (a change of the count alone records the right count from a date)."""
        latest = self.members_entries[-1]
        if version != latest:
            raise RuleError(
                "version",
                f"a later change of members of {self.number} (entry {latest}) was recorded "
                "on it: only the latest live change of members is voided (void that one first)",
            )
        if self.erasure_entry is not None and version < self.erasure_entry:
            raise RuleError(
                "version",
                f"the personal data of {self.number} was erased since (entry "
                f"{self.erasure_entry}): the personal data before this change is gone, so it "
                f"stands; record the right count of members from a date instead (household "
                f"members {self.number} --members N --note …)",
            )

    def way_out(self, assessment: int) -> str:
        """What frees the ``assessment`` an exit rests on, said after the refusal: the exit under
        way is withdrawn first; an approved one's approval is voided first, by the district
        (``check_approval_voidable``, unless something rests on it: then that is said), and the
        exit then withdrawn. The assessment of an exit a return ended stays."""
        number = self.number
        withdraw = f"fupin household withdraw-exit {number}"
        if assessment != self.proposal_assessment or not self.exit_steps:
            return ": a return ended that exit, which stays on record, and so does its assessment"
        if self.stage != Stage.EXITED:
            return f": withdraw the exit under way first ({withdraw}), then correct the assessment"
        approval = self.approval_entry
        if approval is None:  # every approval is remembered; no way out to name otherwise
            return ""
        try:
            self.check_approval_voidable(approval)
            self.check_approval_open(approval)
        except RuleError as refused:
            return f"; its approval (entry {approval}) stands: {refused.rule}"
        return (
            f": the district voids its approval first (fupin correct household {number} "
            f"{approval} --reason …), then the exit is withdrawn ({withdraw})"
        )

    def check_approval_voidable(self, version: int) -> None:
        """An exit approved in error (the wrong household, a notice that had not ended) is
        voided: the exit is back at its notice 公示, to be withdrawn or approved again on the
        right day. Only the exit in force, and only while nothing rests on it: no return is
        under way or approved since, and no helper's pairing ended on or after the approval
        (an unpairing after an exit needs no replacement: 不脱贫不脱钩)."""
        if self.stage != Stage.EXITED or version != self.approval_entry:
            raise RuleError(
                "version",
                f"entry {version} approved an exit of {self.number} that a return has ended "
                "since: only the exit in force is voided",
            )
        if self.return_steps:
            raise RuleError(
                "version",
                f"a return of {self.number} is {self.return_steps[-1]} "
                f"({self.return_dates[-1]}): an exit a return was raised against stays on "
                "record, the return withdrawn or not",
            )
        approved = self.entry_dates[version]
        if self.return_withdrawn_on is not None and self.return_withdrawn_on >= approved:
            raise RuleError(
                "version",
                f"a return of {self.number} was withdrawn on {self.return_withdrawn_on}, after "
                f"the exit approved on {approved}: the return it withdrew rests on the exit",
            )
        ended = sorted(
            (end, helper)
            for helper, periods in self.past_pairings.items()
            for _start, end in periods
            if end >= approved
        )
        if ended:
            end, helper = ended[0]
            raise RuleError(
                "version",
                f"{helper}'s pairing with {self.number} ended on {end}, on or after the day the "
                f"exit was approved ({approved}): an unpairing with no replacement rests on it",
            )

    def check_approval_open(self, version: int) -> None:
        """An exit's approval is not voided once the household is closed 注销 (since session
        30): the exit would be back at its notice, under way on a closed record, which takes
        no step, so it could be neither approved again nor withdrawn, and a household is not
        closed while an exit of it is under way (``check_no_exit_under_way``). Nor a return's
        approval (since session 30, re-tester R's F3 followed: the return would be back at its
        review, under way on a closed record, ``check_no_return_under_way``). The closure is
        voided first, then the approval. Called by ``Ledger.correct`` (an older ledger's such
        correction is replayed as recorded)."""
        kind = self.entries.get(version, ("", None))[0]
        process = {"ExitAdvanced": "exit", "ReturnAdvanced": "return 返贫"}.get(kind)
        if self.closed_on is None or process is None:
            return
        raise RuleError(
            "version",
            f"{self.closure_said()} (entry {self.closure_entry}): voiding the approval of its "
            f"{process} would leave the {process} under way on a closed record, which takes no "
            f"step; void the closure first (fupin correct household {self.number} "
            f"{self.closure_entry} --reason …), then the approval",
        )

    def check_return_voidable(self, version: int) -> None:
        """A return to poverty 返贫 approved in error (the wrong household, the wrong day) is
        voided (since session 23): the household is exited again, its return back at its
        review 审核, to be withdrawn or approved again on the right day, its exit and plan year
        as before. Only the return in force (the household not exited again since), and only
        while nothing rests on it: what a returned household may have and an exited one may
        not. That is an exit proposed since (under way, approved or withdrawn: only a household
        assisted proposes one), and an entry dated after the day the exit it ended was
        approved, which only the return lets be assisted on (``check_assisted_on``): a pairing
        (or a replacement named by an unpairing), an agreement, a measure, a payment received.
        A visit, a measure's completion, an income assessment and an unpairing are recorded
        for an exited household too, and rest on nothing here (an assessment of the year after
        the programme's last, which only a return in that year allows, is judged by the
        caller, who knows the programme: ``check_plan_year_kept``); an unpairing dated after
        the return, from before it was approved, is an early one while the return stands."""
        if self.stage != Stage.RETURNED or version != self.return_entry:
            raise RuleError(
                "version",
                f"entry {version} approved a return of {self.number} that a later exit has "
                "ended since: only the return in force is voided",
            )
        if self.proposal_entry is not None and self.proposal_entry > version:
            now = self.exit_steps[-1] if self.exit_steps else "withdrawn"
            raise RuleError(
                "version",
                f"an exit of {self.number} was proposed since the return (entry "
                f"{self.proposal_entry}, {now} now): it rests on the return, and stays on record",
            )
        resting = self.resting_on_return()
        if resting:
            entry, day, what, way = resting[0]
            raise RuleError(
                "version",
                f"entry {entry}, {what} dated {day}, rests on the return: {self.number} had "
                f"exited on {self.exits_approved[-1]} and is assisted that day only as returned; "
                f"{way}, then the return",
            )

    def receipt_refusal(self, version: int, account: str, payment: int) -> str:
        """Why the household's ``FundsReceived`` entry ``version`` (payment ``payment`` of
        fund ``account``) is not corrected here: on the account, unless that was done."""
        said = f"entry {version} is the receipt of payment {payment} of fund {account}: "
        voided = self.receipts_voided.get((account, payment))
        if voided is None:
            return (
                f"{said}a payment is voided on its account, and its receipt with it (fupin "
                f"correct fund {account} {payment} --reason …)"
            )
        entry, day = voided
        return (
            f"{said}that payment was already voided on its account, and this receipt with it "
            f"(entry {entry}, ReceiptVoided, dated {day}): nothing is left to correct"
        )

    def unpaired_since(self, day: date) -> list[tuple[str, date]]:
        """(helper, the day its pairing ended) of each pairing ended with no replacement on or
        after ``day``, not voided: after a return approved that day, each is an early
        unpairing 不脱贫不脱钩 (the accountability report lists it), which the unpairing's own
        command refuses when it is entered after the approval (re-test F, session 23: an
        approval dated before an unpairing on record made it one, and said nothing)."""
        return sorted(
            (key.helper, key.ended)
            for version, (kind, key) in self.entries.items()
            if kind == "HelperUnpaired"
            and isinstance(key, Unpairing)
            and not key.replacement
            and version not in self.voided
            and key.ended >= day
        )

    def resting_on_return(self) -> list[tuple[int, date, str, str]]:
        """(entry, its date, what it is, how it is undone) of each live entry the return in
        force holds up (``check_return_voidable``), earliest entry first."""
        exited = self.exits_approved[-1]
        found: list[tuple[int, date, str, str]] = []
        correct = f"correct it first (fupin correct household {self.number} "
        for version, (kind, key) in self.entries.items():
            what = _RESTING_ON_RETURN.get(kind)
            if what is None or version in self.voided or self.entry_dates[version] <= exited:
                continue
            if kind == "HelperUnpaired" and not key.replacement:
                continue
            way = f"{correct}{version} --reason …)"
            found.append((version, self.entry_dates[version], what, way))
        for version, (account, paid) in self.receipt_entries.items():
            day = self.receipt_dates.get((account, paid))
            if day is not None and day > exited:
                way = (
                    f"void that payment first (fupin correct fund {account} {paid} --reason …, "
                    f"{_BY_ITS_OFFICER.format(account)})"
                )
                found.append((version, day, f"a payment received ({account} #{paid})", way))
        return sorted(found)

    def check_plan_year_kept(self, version: int, last_year: int) -> None:
        """A return approval ``version`` voided takes the household out of the year after the
        programme's ``last_year`` (the plan of the last year's returns [六(六)]) unless another
        of its returns was approved in that year or since: then no income assessment of that
        year is left in force (``_check_plan_year`` of ``ledger.casework`` allows it only so)."""
        kind = self.entries.get(version, ("", None))[0]
        if kind != "ReturnAdvanced" or version != self.return_entry:
            return
        others = self.returns_approved[:-1]
        if any(day.year >= last_year for day in others):
            return
        late = sorted(
            (v, year)
            for year, versions in self.income_entries.items()
            if year > last_year
            for v in versions
            if v not in self.voided
        )
        if late:
            entry, year = late[0]
            raise RuleError(
                "version",
                f"entry {entry}, the {year} income assessment, rests on the return: {year} is "
                f"only for the plan of households that returned to poverty in {last_year} "
                f"[六(六)]; correct it first (fupin correct household {self.number} {entry} "
                "--reason …), then the return",
            )

    def check_measure_voidable(self, measure_id: str) -> None:
        """A measure planned in error (the wrong category, budget or household) is voided: it
        never was part of the plan 一户一策, so nothing may rest on it. Its completion is voided
        first, and every payment made to it is voided on its fund account first (the money and
        the plan always agree)."""
        if measure_id in self.completed:
            raise RuleError(
                "version",
                f"measure {measure_id} was completed (entry {self.completed[measure_id]}): "
                "correct its completion first, then the measure",
            )
        paid = sorted(
            key for key, measure in self.receipt_measures.items() if measure == measure_id
        )
        if paid:
            account, disbursement = paid[0]
            raise RuleError(
                "version",
                f"{account} #{disbursement} paid measure {measure_id}: void that payment "
                f"(fupin correct fund {account} {disbursement} --reason …, "
                f"{_BY_ITS_OFFICER.format(account)}) first, then the measure",
            )

    def check_pairing_voidable(self, version: int, helper: str) -> None:
        """A pairing typed in error (the wrong helper, the wrong household) is voided: it never
        happened. "不脱贫不脱钩" is about real helpers leaving, so this is no unpairing, and
        nothing may rest on it: it is the helper's current pairing here (not ended, not
        replaced since), no visit of the helper under it is in force (they are corrected
        first), and no agreement was signed while it was the household's only pairing in
        force (the agreement rests on it)."""
        if self.pairing_entries.get(helper) != version:
            raise RuleError(
                "version",
                f"entry {version} paired {helper}, a pairing with {self.number} that has ended "
                "since (unpaired or replaced): only a helper's current pairing is voided",
            )
        since = self.paired_on[helper]
        visits = self.visits_under(helper, since)
        if visits:
            day, visit = visits[0]
            raise RuleError(
                "version",
                f"{helper} visited {self.number} under this pairing (entry {visit}, {day}): "
                "correct its visits first, then the pairing",
            )
        for signed in sorted(self.agreements):
            if signed >= since and not self.paired_besides(helper, signed):
                raise RuleError(
                    "version",
                    f"the agreement of {signed} rests on this pairing, the only one "
                    f"{self.number} had in force then: it is not voided",
                )

    def paired_besides(self, helper: str, day: date) -> bool:
        """Whether a pairing other than ``helper``'s current one was in force here on ``day``
        (begun by then and not ended before it)."""
        running = (began for other, began in self.paired_on.items() if other != helper)
        ended = (
            began
            for periods in self.past_pairings.values()
            for began, until in periods
            if day <= until
        )
        return any(began <= day for began in (*running, *ended))

    def undo_entry(self, kind: str, key: Any) -> None:
        if kind == "VisitRecorded":
            self.visits = {v: visit for v, visit in self.visits.items() if v not in self.voided}
        elif kind == "Signed":
            self.signed_on = None
        elif kind == "MeasureCompleted":
            self.completed.pop(key, None)
        elif kind == "ExitAdvanced":
            self.undo_approval(key)
        elif kind == "ReturnAdvanced":
            self.undo_return(key)
        elif kind == "NoticePosted":
            self.stage, self.notice = Stage.REVIEWED, None
        elif kind == "Reviewed":
            self.stage, self.reviewed_on = Stage.IDENTIFIED, None
        elif kind == "AgreementSigned":
            self.undo_agreement(key)
        elif kind == "MeasurePlanned":
            self.measures.pop(key, None)
            self.measures_planned_on.pop(key, None)
            self.voided_measures[key] = self.measure_entries.pop(key)
        elif kind == "IncomeAssessed":
            self.undo_income(key[0])
        elif kind == "HelperPaired":
            self.undo_pairing(key[0])
        elif kind == "HelperUnpaired":
            self.undo_unpairing(key)
        elif kind == "MembersChanged":
            self.undo_members_change(key)
        elif kind == "Closed":  # the household counts again, and takes steps again
            self.closed_on, self.closed_because, self.closed_into = None, "", ""
            self.closure_entry = None
        elif kind == "Moved":  # the latest move never was: back in the village before it
            self.moves = [m for m in self.moves if m[3] not in self.voided]
            self.village = key
        elif kind == "ExitWithdrawn":
            self.undo_withdrawal(key)

    def undo_withdrawal(self, was: tuple[Any, ...]) -> None:
        """The exit withdrawn in error is under way again, as it stood (since session 34)."""
        steps, dates, year, notice_end, assessment, withdrawn_before = was
        self.exit_steps, self.exit_dates = list(steps), list(dates)
        self.exit_year, self.exit_notice_end = year, notice_end
        self.proposal_assessment = assessment
        if assessment is not None:
            self.exit_assessments.add(assessment)
        self.exits_on_record += 1
        self.exit_withdrawn_on = withdrawn_before

    def undo_members_change(self, was: tuple[int, Personal, date]) -> None:
        """The latest live change of members never was: the members, personal data and their
        date are those before it (a count alone, after an erasure, leaves the erased marks)."""
        for version in self.members_entries:
            if version in self.voided:  # the correction being applied is the next entry
                self.members_voided_by.setdefault(version, self.version + 1)
        self.members_entries = [v for v in self.members_entries if v not in self.voided]
        self.members, personal, self.members_since = was
        if not self.erased:
            self.personal = personal

    def undo_approval(self, was: tuple[str, tuple[str, ...], tuple[date, ...]]) -> None:
        """The exit approved in error is back at the step before its approval, and the
        household where it stood then (registered, or returned and in a later year's plan)."""
        self.stage = was[0]
        self.return_steps, self.return_dates = list(was[1]), list(was[2])
        self.exit_steps.pop()
        self.exit_dates.pop()
        self.exits_approved.pop()
        self.approval_entry = None

    def undo_return(self, was: tuple[tuple[str, ...], int | None]) -> None:
        """The return approved in error never was: the household is exited again, its return
        back at the step before its approval, its exit's steps and plan year as before."""
        self.stage = Stage.EXITED
        self.return_steps.pop()
        self.return_dates.pop()
        self.returns_approved.pop()
        self.exit_steps = list(was[0])
        self.plan_year = was[1]
        self.return_entry = None

    def undo_pairing(self, helper: str) -> None:
        """The pairing never happened: the helper's place (a cadre's among the three, the one
        of each other role) is free again, and the household's first pairing is the earliest
        of those left (every pairing, running or ended, began on a day in ``paired_on`` or
        ``past_pairings``)."""
        self.helpers.pop(helper, None)
        self.paired_on.pop(helper, None)
        self.pairing_entries.pop(helper, None)
        self.first_paired_on = self._earliest_pairing()

    def _earliest_pairing(self) -> date | None:
        began = [
            *self.paired_on.values(),
            *(start for periods in self.past_pairings.values() for start, _ in periods),
        ]
        return min(began, default=None)

    def check_unpairing_voidable(self, version: int, ended: Unpairing) -> None:
        """An unpairing typed in error (the wrong helper, the wrong household) is voided: it
        never happened (since session 21). The helper's pairing is in force again as if never
        ended, and the replacement's, if any, never was. Only the latest change of that place
        (the helper not paired here again since, the replacement not unpaired or replaced
        since), and only while nothing rests on the replacement's pairing: no visit of the
        replacement under it is in force (corrected first). An agreement signed since rests
        on no pairing of theirs alone: the helper's, in force again from the day it began,
        covers it (session 21: such a correction was refused). Whether the helper may take its
        place again (the 4+1 count, an enterprise's 一对一) is judged by the caller, which
        knows the programme and the enterprise (``check_place_again``)."""
        helper, replacement = ended.helper, ended.replacement
        later = [
            v
            for v, (kind, key) in self.entries.items()
            if kind == "HelperUnpaired" and v > version and v not in self.voided
            if key.helper == helper
        ]
        if helper in self.helpers or later:
            again = f"unpaired again (entry {later[-1]})" if later else "is paired here again"
            raise RuleError(
                "version",
                f"entry {version} unpaired {helper} from {self.number} on {ended.ended}, and "
                f"{helper} {again} since: only a helper's latest unpairing is voided",
            )
        if not replacement:
            return
        if self.pairing_entries.get(replacement) != version:
            raise RuleError(
                "version",
                f"entry {version} paired {replacement} in place of {helper}, a pairing with "
                f"{self.number} that has ended since (unpaired or replaced): only the latest "
                "change of a place is voided",
            )
        visits = self.visits_under(replacement, ended.ended)
        if visits:
            day, visit = visits[0]
            raise RuleError(
                "version",
                f"{replacement} visited {self.number} under the pairing entry {version} began "
                f"(entry {visit}, {day}): correct its visits first, then the unpairing",
            )

    def visits_under(self, helper: str, since: date) -> list[tuple[date, int]]:
        """(day, version) of each visit in force by ``helper`` under its current pairing here,
        begun on ``since``, earliest first: not one on that day under its earlier pairing
        here that ended then (session 21: it held up the correction of an unpairing that
        named it a replacement the day it had left another place of the household)."""
        earlier = self.past_pairings.get(helper, [])
        return sorted(
            (day, v)
            for v, (by, day) in self.visits.items()
            if by == helper and day >= since
            if not any(start <= day <= end for start, end in earlier)
        )

    def check_place_again(self, version: int, max_cadres: int) -> None:
        """The helper an unpairing ``version`` ended takes its place again when the unpairing
        is voided: a replacement gives it back; with none (an unpairing after an exit), the
        place must still be free, at most ``max_cadres`` cadres and one of each other role
        (a helper of its role paired here since, after a return, holds it)."""
        kind, ended = self.entries.get(version, ("", None))
        if kind != "HelperUnpaired" or not isinstance(ended, Unpairing) or ended.replacement:
            return
        limit = max_cadres if ended.role == "cadre" else 1
        day, held = self.places_held(ended.role, ended.began, version)
        if len(held) >= limit:
            # which helpers hold the places, and on what day (session 21: "paired since" the
            # unpairing named helpers paired long before it)
            raise RuleError(
                "version",
                f"{self.number} has {_held(ended.role, held, day)}, the most it may have: "
                f"{ended.helper}, unpaired by entry {version}, cannot take its place again "
                f"from {ended.began}",
            )

    def undo_unpairing(self, ended: Unpairing) -> None:
        """The unpairing never happened: the helper is paired from the day its pairing began,
        as if never ended (its last pairing before, if any, ended when it did), and the
        replacement's pairing never was; the household's first pairing is the earliest left."""
        if ended.replacement:
            self.helpers.pop(ended.replacement, None)
            self.paired_on.pop(ended.replacement, None)
            self.pairing_entries.pop(ended.replacement, None)
        self.helpers[ended.helper] = ended.role
        self.paired_on[ended.helper] = ended.began
        if ended.entry is not None:
            self.pairing_entries[ended.helper] = ended.entry
        periods = self.past_pairings.get(ended.helper, [])
        if (ended.began, ended.ended) in periods:
            periods.reverse()
            periods.remove((ended.began, ended.ended))  # the latest of them
            periods.reverse()
        if not periods:
            self.past_pairings.pop(ended.helper, None)
        if ended.ended_before is None:
            self.unpaired_on.pop(ended.helper, None)
        else:
            self.unpaired_on[ended.helper] = ended.ended_before
        self.first_paired_on = self._earliest_pairing()

    def undo_income(self, year: int) -> None:
        live = [v for v in self.income_entries[year] if v not in self.voided]
        self.income_entries[year] = live
        if live:
            self.incomes[year] = self.entries[live[-1]][1][1]
        else:
            self.incomes.pop(year, None)


def _paired_during(past: list[tuple[date, date]]) -> str:
    """A refused visit's helper's past pairings here, each to its unpairing day, which is the
    pairing's last: a handover visit that day is accepted under it (the quarters it owes end
    before that day, docs/reports.md). Since session 23 the refusal says so: "paired
    2016-08-11 to 2016-11-15" read as a visit on the 15th refused, the 15th accepted."""
    if not past:
        return ""
    periods = ", ".join(f"{start} to {end}" for start, end in past)
    last = "its last day" if len(past) == 1 else "each end the pairing's last day"
    return f" (paired {periods}, {last})"
