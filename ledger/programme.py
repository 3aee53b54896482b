"""The programme 精准扶贫精准脱贫实施方案 (2016—2018) and its rules, opened once by the district.

The plan's numbers are parameters recorded in the ``Opened`` event, not constants in code:
per-person funding minimum, the 2:3:5 reduction shares, the 6:4 city:local and 50:50
district:street splits, the local yearly minimum, the exit income thresholds and the 7-day
notice. Yearly figures (urban 低保 standard, district rural per-capita disposable income) are
recorded each year with ``YearParametersSet``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import MAXYEAR, date, timedelta
from uuid import UUID

from eventsourcing.domain import event

from ledger.base import LedgerAggregate, Provenance, natural_id
from ledger.errors import InputError, RuleError
from ledger.values import MAX_FEN, check_says, format_yuan

__all__ = [
    "AMENDABLE_RULES",
    "MAX_RURAL_INCOME_FEN",
    "MIN_RURAL_INCOME_FEN",
    "MIN_URBAN_DIBAO_FEN",
    "PROGRAMME_CODE",
    "Programme",
    "ProgrammeRules",
    "YearParameters",
    "check_seed_notice_days",
    "closing_day",
    "exit_threshold_fen",
    "last_exit_day",
    "last_registration_day",
    "rule_shown",
    "year_result_fixed_on",
]

#: The one programme this ledger records (document 江高发〔2016〕4号).
PROGRAMME_CODE = "jianghai-2016"


@dataclass(frozen=True)
class ProgrammeRules:
    """The plan's rules as numbers [三、六(四)]; defaults are those of 江高发〔2016〕4号."""

    first_year: int = 2016
    last_year: int = 2018
    per_person_min_fen: int = 2_000_000  # 20,000 yuan per key-target person over three years
    reduction_shares: tuple[int, ...] = (2, 3, 5)  # 2:3:5 of key targets exit per year
    city_share: int = 6  # city fund 市扶贫基金 : local share = 6 : 4
    local_share: int = 4
    district_share: int = 1  # local share split district : street = 50 : 50
    street_share: int = 1
    local_yearly_min_fen: int = 159_200_000  # local (district + street) >= 1.592 M yuan a year
    urban_exit_percent: int = 150  # urban: >= 150 % of that year's urban 低保 standard
    rural_exit_percent: int = 45  # rural: >= 45 % of district rural per-capita income
    notice_min_days: int = 7  # public notice 张榜公示 at least 7 days
    max_cadres_per_household: int = 3  # "2-to-1" or "3-to-1" for the hardest cases
    volunteer_team_min_size: int = 10  # a volunteer team 义工团队 of 10 party members

    def check(self) -> None:
        """Refuse rules that could not be the plan's: empty or far-off years, zero or absurd
        shares, negative or absurd sums and counts (each bounded, so no report's sum of them
        can leave SQLite's integers)."""
        for name in ("first_year", "last_year"):
            _within(name, getattr(self, name), 2000, 2100)
        if self.last_year < self.first_year:
            raise InputError("last_year", "must not be before first_year")
        years = self.last_year - self.first_year + 1
        if len(self.reduction_shares) != years or min(self.reduction_shares) < 0:
            raise InputError("reduction_shares", f"needs one non-negative share per year ({years})")
        if sum(self.reduction_shares) == 0 or max(self.reduction_shares) > _MAX_SHARE:
            raise InputError("reduction_shares", f"needs shares of 0 to {_MAX_SHARE}, not all 0")
        for name in ("city_share", "local_share", "district_share", "street_share"):
            if not 0 < getattr(self, name) <= _MAX_SHARE:
                raise InputError(name, f"must be a positive share of at most {_MAX_SHARE}")
        for name in ("per_person_min_fen", "local_yearly_min_fen"):
            _within(name, getattr(self, name), 0, MAX_FEN)
        _within("notice_min_days", self.notice_min_days, 1, MAX_NOTICE_DAYS)
        for name in ("urban_exit_percent", "rural_exit_percent"):
            _within(name, getattr(self, name), 1, 1000)
        _within("max_cadres_per_household", self.max_cadres_per_household, 1, 10)
        _within("volunteer_team_min_size", self.volunteer_team_min_size, 1, 1000)


#: The rules ``programme amend`` may restate (since session 22), and what must not be on record
#: for each (the log's events judged by it; "" for a rule only reports read: always). The
#: years are not (``set-year`` and every year check rest on them), nor the pairing and
#: volunteer-team bounds, nor the city:local and district:street splits (no command sets them).
def rule_shown(name: str, value: object) -> str:
    """A rule as ``programme open`` takes it: shares as 2:3:5, sums in yuan."""
    if isinstance(value, tuple):
        return ":".join(str(share) for share in value)
    if name.endswith("_fen") and isinstance(value, int):
        return f"{format_yuan(value)} yuan"
    return str(value)


AMENDABLE_RULES: dict[str, tuple[str, ...]] = {
    "reduction_shares": (),
    "per_person_min_fen": (),
    "local_yearly_min_fen": (),
    "urban_exit_percent": ("ExitProposed",),
    "rural_exit_percent": ("ExitProposed",),
    "notice_min_days": ("NoticePosted", "ExitNoticed"),
}


#: The least public notice the seed allows [四(一)「公示期要在7天以上」]: ``programme open`` and
#: ``programme amend`` refuse fewer notice days (since session 26; an export's rows replayed
#: into the empty store they rebuild are spared, ``Ledger.rebuilding_export``).
SEED_NOTICE_MIN_DAYS = 7


#: The most notice days a rule may hold (a year), as ``ProgrammeRules.check`` takes them.
MAX_NOTICE_DAYS = 366


def check_seed_notice_days(days: int) -> None:
    """Refuse notice days fewer than the seed's 7 [四(一)], or more than a year: the range
    is said from 7, the least taken (tester N, session 26: "is not between 1 and 366" while
    1–6 were refused too)."""
    if not 1 <= days <= MAX_NOTICE_DAYS:  # no number of days a notice runs: what was typed
        raise InputError(
            "notice_min_days", f"{days} is not between {SEED_NOTICE_MIN_DAYS} and {MAX_NOTICE_DAYS}"
        )
    if days < SEED_NOTICE_MIN_DAYS:
        raise RuleError(
            "notice_min_days",
            f"{days} days is shorter than the seed allows: 公示期要在7天以上, a public notice "
            f"公示 runs at least {SEED_NOTICE_MIN_DAYS} days [四(一)]",
        )


#: The least urban 低保 standard a year may record, per person per year: 3,000 yuan (250 a
#: month). 低保 standards are published as monthly figures, several hundred yuan a month in
#: 2016–2018 (Jiangmen's urban ~560–700: 6,700–8,400 a year; the national urban average
#: ~495 a month in 2016, ~5,900 a year); one typed where the yearly figure belongs would let
#: urban households exit at a twelfth of the plan's threshold [三]. Every monthly figure is
#: far below 3,000, and so is a quarter's of Jiangmen (~1,700–2,100); no yearly one is near.
MIN_URBAN_DIBAO_FEN = 300_000

#: The least district rural per-capita disposable income 农村居民人均可支配收入 a year may
#: record, per person per year: 5,000 yuan. Rural incomes are yearly statistics, but a
#: monthly figure typed in (19,000 a year is 1,583.33 a month) would let rural households
#: exit at a twelfth of the plan's threshold [三]. No province's rural income of 2016–2018
#: was near 5,000 a year (Guangdong's ~14,500–17,200; the lowest, Gansu's, ~7,500 in 2016),
#: and the highest was half of it a month (Shanghai's, ~2,500 a month in 2018). A quarter's
#: figure is not always caught: one of a district earning over 20,000 a year is above it.
MIN_RURAL_INCOME_FEN = 500_000

#: The most a year's urban 低保 standard may be, per person per year: 50,000 yuan (4,167 a
#: month, four times the highest city's of 2018, Shanghai's ~1,070 a month). The mirror of the
#: least above: a yearly figure typed in fen where yuan are asked (×100), or with digits too
#: many, would let no urban household exit that year (the district administrator, session 22:
#: 99,999,999,999 was taken).
MAX_URBAN_DIBAO_FEN = 5_000_000

#: The most a year's district rural per-capita disposable income may be, per person per year:
#: 200,000 yuan, six times the highest province's of 2018 (Shanghai's ~30,400; Guangdong's
#: ~17,200): a figure in fen typed as yuan (1,800,000 for 18,000) is far above it.
MAX_RURAL_INCOME_FEN = 20_000_000

#: The largest share of a ratio (2:3:5, 6:4, 50:50; a district may write household counts).
_MAX_SHARE = 100_000


def _within(field: str, value: int, lowest: int, highest: int) -> None:
    if not lowest <= value <= highest:
        raise InputError(field, f"{value} is not between {lowest} and {highest}")


@dataclass(frozen=True)
class YearParameters:
    """A year's standards, per person per year, in fen."""

    year: int
    urban_dibao_standard_fen: int  # urban 低保 standard, per person per year
    rural_income_fen: int  # district rural per-capita disposable income 农村居民人均可支配收入


class Programme(LedgerAggregate):
    """The programme 扶贫实施方案: its rules and the yearly parameters."""

    @staticmethod
    def create_id(code: str) -> UUID:
        return natural_id("programme", code)

    @event("Opened")
    def __init__(self, code: str, title: str, rules: ProgrammeRules, prov: Provenance) -> None:
        self.code = code
        self.title = title
        self.rules = rules
        self.years: dict[int, YearParameters] = {}
        self.opened_on = prov.effective  # nothing of the programme takes effect before it

    def set_year(self, params: YearParameters, prov: Provenance) -> None:
        """Record a year's 低保 standard and rural income; a re-set must say why (a correction).
        Not dated before the programme opened (as every entry of it; refused since 2026-11-29)."""
        self.check_not_before(
            prov.effective,
            self.opened_on,
            f"the year parameters are dated {prov.effective}; the programme opened",
        )
        self.check_year_in_programme(params.year)
        if params.urban_dibao_standard_fen <= 0 or params.rural_income_fen <= 0:
            raise InputError("parameters", "standards must be positive amounts")
        if params.urban_dibao_standard_fen < MIN_URBAN_DIBAO_FEN:
            raise RuleError(
                "urban_dibao",
                f"{format_yuan(params.urban_dibao_standard_fen)} yuan cannot be a year's urban "
                "低保 standard: it is recorded per person per year (a monthly standard × 12), "
                f"at least {format_yuan(MIN_URBAN_DIBAO_FEN)} yuan",
            )
        if params.rural_income_fen < MIN_RURAL_INCOME_FEN:
            raise RuleError(
                "rural_income",
                f"{format_yuan(params.rural_income_fen)} yuan cannot be a year's district rural "
                "per-capita disposable income 农村居民人均可支配收入: it is recorded per person "
                f"per year, at least {format_yuan(MIN_RURAL_INCOME_FEN)} yuan",
            )
        for field, value, most, what in (
            (
                "urban_dibao",
                params.urban_dibao_standard_fen,
                MAX_URBAN_DIBAO_FEN,
                "urban 低保 standard",
            ),
            ("rural_income", params.rural_income_fen, MAX_RURAL_INCOME_FEN, "rural income"),
        ):
            if value > most:
                raise RuleError(
                    field,
                    f"{format_yuan(value)} yuan cannot be a year's {what}: at most "
                    f"{format_yuan(most)} yuan per person per year (is it in fen, or does it "
                    "have a digit too many?)",
                )
        if params.year in self.years:
            check_says(
                "note", prov.note, f"{params.year} is already set: a correction must say why"
            )
        self._year_set(params, prov)

    @event("YearParametersSet")
    def _year_set(self, params: YearParameters, prov: Provenance) -> None:
        self.years[params.year] = params

    def amend_rules(self, rules: ProgrammeRules, reason: str, prov: Provenance) -> None:
        """Restate rules typed wrong at ``programme open`` 更正登记事项 (since session 22): they
        were ``rules`` from the opening on. The event keeps what they were. Whether anything
        judged by a rule is on record is the command's to check (``AMENDABLE_RULES``)."""
        self.check_amend_rules(rules, reason, prov)
        self._rules_amended(rules, self.rules, reason.strip(), prov)

    def check_amend_rules(self, rules: ProgrammeRules, reason: str, prov: Provenance) -> None:
        """Refuse the amendment ``amend_rules`` would refuse, changing nothing (``fupin
        verify`` replays each by it): at least one rule changed, only amendable ones, rules
        ``programme open`` takes, a reason, not dated before the programme opened."""
        changed = self.changed_rules(rules)
        if not changed:
            listed = ", ".join(AMENDABLE_RULES)
            raise RuleError("rules", f"an amendment restates at least one of: {listed}")
        for name in changed:
            if name not in AMENDABLE_RULES:
                raise RuleError(name, f"is not amendable (amendable: {', '.join(AMENDABLE_RULES)})")
        rules.check()
        check_says("reason", reason, "an amendment must say why")
        self.check_not_before(
            prov.effective,
            self.opened_on,
            f"the amendment is dated {prov.effective}; the programme opened",
        )

    def changed_rules(self, rules: ProgrammeRules) -> list[str]:
        """The names of the rules ``rules`` states otherwise than the programme holds."""
        return [
            f.name for f in fields(rules) if getattr(rules, f.name) != getattr(self.rules, f.name)
        ]

    @event("RulesAmended")
    def _rules_amended(
        self, rules: ProgrammeRules, was: ProgrammeRules, reason: str, prov: Provenance
    ) -> None:
        self.rules = rules

    def check_year_in_programme(self, year: int) -> None:
        # Returns to poverty join "next year's plan", so one year past the plan is accepted.
        if not self.rules.first_year <= year <= self.rules.last_year + 1:
            raise RuleError(
                "year",
                f"{year} is outside the programme: its years are {self.rules.first_year}-"
                f"{self.rules.last_year}, and {self.rules.last_year + 1} only for the plan of "
                f"households that returned to poverty in {self.rules.last_year} [六(六)]",
            )

    def check_registering_on(self, effective: date, step: str) -> None:
        """A household is taken on 建档立卡 by the end of the programme's last year (since session
        28; tester M): the plan takes its key targets out by then [三], K counts registrations by
        each 31 December, and the year after the last is only for households that returned to
        poverty [六(六)], so one registered later is in no year's plan and is never assessed
        nor exits. Identification, review, notice and signature lead only to registration, and
        are refused after that day too; the steps of a return are not (``advance_return``)."""
        last = self.rules.last_year
        if effective > last_registration_day(last):
            raise RuleError(
                "effective",
                f"the {step} is dated {effective}: a household is identified and registered "
                f"建档立卡 by {last_registration_day(last)}, the end of the programme's last "
                f"year [三] ({self.rules.first_year}-{last}); one registered later is in no "
                f"year's plan, and {last + 1} is only for the plan of households that returned "
                f"to poverty in {last} [六(六)] (fupin household return)",
            )

    def check_leaves_registration(self, effective: date, step: str) -> None:
        """An identification or an accepted village review 评议 leaves time for a full notice
        公示 and a registration by the last day (since session 28, re-tester P: one dated
        2018-12-25 to -31 was taken, and the household could then never be registered): the
        notice, of at least the programme's notice days, starts no earlier than it and ends
        before the last day (``check_notice_leaves_registration``), so the latest such day is
        the last day less the notice days (2018-12-24 for 7)."""
        last = last_registration_day(self.rules.last_year)
        days = self.rules.notice_min_days
        latest = last - timedelta(days=days)
        if effective > latest:
            raise RuleError(
                "effective",
                f"the {step} is dated {effective}, after {latest}: a household is registered "
                f"建档立卡 by {last}, the end of the programme's last year [三], after a notice "
                f"公示 of at least {days} days [四(一)] that starts no earlier than this "
                f"{step} and ends by {last - timedelta(days=1)}: one taken on later could never "
                f"be registered (date it on or before {latest})",
            )

    def check_notice_leaves_registration(self, end: date) -> None:
        """A notice 公示 ends before the last day of registration (``check_registering_on``):
        the registration it leads to is dated from the day after its end."""
        last = last_registration_day(self.rules.last_year)
        if end >= last:
            raise RuleError(
                "end",
                f"the notice runs until {end}: its registration is dated from "
                f"{end + timedelta(days=1)}, and a household is registered 建档立卡 by {last}, "
                f"the end of the programme's last year [三]: end the notice by "
                f"{last - timedelta(days=1)}",
            )

    def exit_threshold(self, year: int, area: str) -> int:
        """The per-capita yearly income (fen) a household must reach to exit in ``year``."""
        params = self.years.get(year)
        if params is None:
            raise RuleError(
                "year",
                f"the parameters for {year} are not recorded yet: an admin records them with "
                f"fupin programme set-year {year}",
            )
        return exit_threshold_fen(self.rules, params, area)


def exit_threshold_fen(rules: ProgrammeRules, params: YearParameters, area: str) -> int:
    """The exit income threshold (fen, rounded up): urban, a percentage of the urban 低保
    standard; rural, a percentage of the district rural per-capita disposable income [三]."""
    if area == "urban":
        return -(-params.urban_dibao_standard_fen * rules.urban_exit_percent // 100)
    return -(-params.rural_income_fen * rules.rural_exit_percent // 100)


def last_registration_day(last_year: int) -> date:
    """The last day a household is identified or registered 建档立卡, the programme's years
    ending with ``last_year``: 31 December of that year (``Programme.check_registering_on``)."""
    return date(last_year, 12, 31)


def closing_day(year: int) -> date:
    """The last day on which an exit of assessment year ``year`` counts for that year's
    target: 31 January of the next year. A year's income may be assessed early in the next
    (``ledger.household.Household.check_year``), and January leaves time for the proposal,
    verification 核实, the 7-day notice 公示 and the approval [六(六)]; an exit of the year
    approved later is late (the year's result, and its talk 约谈 [六(七)], are fixed by then).
    The ledger refuses a proposal of the year dated after it (``Household.propose_exit``)."""
    return date(year + 1, 1, 31) if year < MAXYEAR else date.max


def year_result_fixed_on(year: int) -> date:
    """The first day on which assessment ``year`` is over for the 2:3:5 plan: the day after its
    closing day (``closing_day``), when no exit of the year counts for it any more, so its
    result, and whether its street is due a talk 约谈 [六(七)], can no longer change. The
    accountability report counts the year over (``year_over``, ``due_talk``) from it, and the
    ledger takes a talk about the year from it (``Inspection.hold_talk``); until session 24
    both said 31 December, and a street on target by 31 January showed a talk due for a month
    (tester finding, session 24)."""
    closes = closing_day(year)
    return closes + timedelta(days=1) if closes < date.max else date.max


def last_exit_day(year: int, last_year: int) -> date:
    """The last day a step of an exit of assessment ``year`` (its verification 核实, notice
    公示 or approval) may be dated, the programme's years ending with ``last_year``
    (``ProgrammeRules.last_year``): the closing day of the programme's last year, the last on
    which an exit counts for the 2:3:5 plan (a late exit of an earlier year counts towards the
    cumulative exits of the year whose closing day it precedes: docs/reports.md), or for an
    exit of the year after it, the plan of a household that returned to poverty in the last
    year [六(六)], that year's own closing day."""
    return closing_day(max(year, last_year))
