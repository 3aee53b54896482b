"""What the demo's officers do, year by year, as dated actions on the public commands.

Each ``Script`` method adds actions ``(effective date, order, actor, document, command, args)``;
the generator runs them in date order under a simulated recording clock. Only the ``Ledger``'s
public commands are used: nothing is written to the store any other way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ledger.casework import Identification
from ledger.demo.plan import STREETS, HouseholdPlan, StreetPlan
from ledger.funds import Disbursement
from ledger.programme import ProgrammeRules, YearParameters, exit_threshold_fen
from ledger.values import CATEGORY_WORDS, MEASURE_CATEGORIES

__all__ = ["PARAMETERS", "Action", "Script"]

#: A measure category's Chinese term in a measure's description, the shortest an officer writes
#: (产业, 社会): since session 27 (tester E), before which it read "2016年industry帮扶".
_CATEGORY_TERMS = {
    name: min((w for w, n in CATEGORY_WORDS.items() if n == name), key=len)
    for name in MEASURE_CATEGORIES
}


PLAN_DOC = "江高发〔2016〕4号"

#: Yearly standards (fen per person per year): urban 低保 standard, district rural income.
PARAMETERS = {
    2016: YearParameters(2016, 720_000, 1_800_000),
    2017: YearParameters(2017, 780_000, 1_950_000),
    2018: YearParameters(2018, 840_000, 2_100_000),
}

_YUAN = 100
#: Allocations per year and scale unit, in fen: city 6 : local 4, local split 50 / 50.
CITY_FEN, DISTRICT_FEN = 2_400_000 * _YUAN, 800_000 * _YUAN
STREET_FEN = {"江南": 320_000 * _YUAN, "外海": 260_000 * _YUAN, "礼乐": 220_000 * _YUAN}
RELIEF_FEN = 5_000 * _YUAN


@dataclass(frozen=True, order=True)
class Action:
    """One command to run: when it took effect, who records it, on what document."""

    day: date
    order: int
    actor: str
    document: str
    command: str
    args: tuple[Any, ...]
    note: str = ""


def officer(street: StreetPlan, serial: int) -> str:
    return f"{street.code.lower()}-0{1 + serial % 2}"


class Script:
    """Builds the demo's actions; ``helpers`` and ``households`` come from ``plan``."""

    def __init__(self, households: list[HouseholdPlan], rng: random.Random, scale: int) -> None:
        self.households = households
        self.keys = [h for h in households if h.key]
        self.rng = rng
        self.scale = scale
        self.actions: list[Action] = []
        self.employed: set[str] = set()
        self.categories: dict[tuple[str, int], str] = {}

    def add(
        self, day: date, actor: str, document: str, command: str, *args: Any, note: str = ""
    ) -> None:
        self.actions.append(Action(day, len(self.actions), actor, document, command, args, note))

    def take(self, until: date) -> list[Action]:
        """The actions effective by ``until``, in date order; the later ones wait."""
        due = sorted(a for a in self.actions if a.day <= until)
        self.actions = [a for a in self.actions if a.day > until]
        return due

    # -- reference data ---------------------------------------------------------------------

    def reference(self) -> None:
        day = date(2016, 7, 26)
        self.add(
            day,
            "admin",
            PLAN_DOC,
            "open_programme",
            "新时期城乡精准扶贫精准脱贫实施方案（2016—2018年）",
            ProgrammeRules(),
        )
        self.add(day, "admin", PLAN_DOC, "set_year", PARAMETERS[2016])
        for street in STREETS:
            self.add(day, "admin", PLAN_DOC, "register_street", street.name)
            for village in (*street.villages, *street.communities):
                self.add(
                    day,
                    "admin",
                    PLAN_DOC,
                    "add_village",
                    street.name,
                    village,
                    village in street.poor,
                )
        self.officers(date(2016, 7, 28))
        self.helpers(date(2016, 8, 20))

    def officers(self, day: date) -> None:
        doc = "江海区扶贫办人员安排〔2016〕1号"
        self.add(
            day,
            "admin",
            doc,
            "register_officer",
            "qu-01",
            "区扶贫办专干",
            "officer",
            "",
            "区扶贫办",
        )
        for street in STREETS:
            for n in (1, 2):
                code = f"{street.code.lower()}-0{n}"
                self.add(
                    day,
                    "admin",
                    doc,
                    "register_officer",
                    code,
                    f"{street.name}专干{n}",
                    "officer",
                    street.name,
                    f"{street.name}街道扶贫办",
                )
        self.add(
            day, "admin", doc, "register_officer", "insp-1", "区督查组", "inspector", "", "区督查组"
        )
        self.add(
            day,
            "admin",
            doc,
            "register_officer",
            "ana-1",
            "区统计分析员",
            "analyst",
            "",
            "区统计局",
        )

    def helpers(self, day: date) -> None:
        """Cadres 干部, one enterprise or cooperative per key target, social workers, teams."""
        doc = "江海区帮扶责任人名单〔2016〕"
        n = len(self.keys)
        ranks = ("deputy-section", "section", "deputy-division")
        units = ("区财政局", "区教育局", "区社会事务局", "区卫计局", "区人社局", "区农林局")
        cadres = [f"cadre-{i:05d}" for i in range(1, n * 5 // 8 + 4)]
        for i, cadre in enumerate(cadres):
            self.add(
                day,
                "admin",
                doc,
                "register_helper",
                cadre,
                "cadre",
                f"{cadre}干部",
                units[i % 6],
                ranks[i % 3],
                0,
            )
        workers = [f"sw-{i:04d}" for i in range(1, n // 10 + 2)]
        teams = [f"team-{i:04d}" for i in range(1, n // 8 + 2)]
        for worker in workers:
            self.add(
                day,
                "admin",
                doc,
                "register_helper",
                worker,
                "social-worker",
                f"社工{worker}",
                "江海社工服务中心",
                "",
                0,
            )
        for team in teams:
            self.add(
                day,
                "admin",
                doc,
                "register_helper",
                team,
                "volunteer-team",
                f"党员义工队{team}",
                "",
                "",
                10,
            )
        slots = iter(c for _ in range(2) for c in cadres)  # never one cadre twice in a row
        for i, household in enumerate(self.keys):
            kind = "cooperative" if i % 7 == 0 else "enterprise"
            employer = f"{'coop' if kind == 'cooperative' else 'ent'}-{i + 1:05d}"
            self.add(
                day, "admin", doc, "register_helper", employer, kind, f"江海{employer}", "", "", 0
            )
            count = 3 if i % 20 == 0 else 2 if i % 7 == 3 else 1
            household.helpers = [next(slots) for _ in range(count)]
            household.helpers += [employer, workers[i // 10], teams[i // 8]]

    # -- identification to registration ----------------------------------------------------

    def identification(self) -> None:
        for i, h in enumerate(self.households):
            d0 = date(2016, 8, 1) + timedelta(days=i * 20 // len(self.households))
            who, doc = officer(h.street, i), f"{h.street.name}街道低保台账〔2016〕"
            facts = Identification(
                h.number,
                h.street.name,
                h.village,
                h.area,
                h.members,
                h.labour,
                h.willing,
                h.disabled,
                True,
                h.personal,
            )
            self.add(d0, who, doc, "identify", facts)
            self.add(
                d0 + timedelta(days=3),
                who,
                f"{h.village}评议记录〔2016〕",
                "review",
                h.number,
                True,
            )
            self.add(
                d0 + timedelta(days=5),
                who,
                f"{h.village}公示〔2016〕",
                "post_notice",
                h.number,
                d0 + timedelta(days=5),
                d0 + timedelta(days=11),
            )
            if i % 97 == 5:
                self.add(
                    d0 + timedelta(days=6),
                    who,
                    "群众来信",
                    "raise_objection",
                    h.number,
                    f"obj-{h.number}",
                    "邻居反映家庭收入",
                )
                self.add(
                    d0 + timedelta(days=9),
                    who,
                    "核查报告",
                    "resolve_objection",
                    h.number,
                    f"obj-{h.number}",
                    False,
                )
            self.add(d0 + timedelta(days=7), who, f"{h.number} 确认书", "sign", h.number)
            self.add(
                d0 + timedelta(days=12),
                who,
                f"{h.street.name}建档立卡〔2016〕",
                "register",
                h.number,
                h.key,
            )

    def pairing(self) -> None:
        for i, h in enumerate(self.keys):
            day = date(2016, 9, 5) + timedelta(days=i % 10)
            who = officer(h.street, i)
            for helper in h.helpers:
                self.add(day, who, "结对帮扶安排〔2016〕", "pair", h.number, helper)
            self.add(
                day + timedelta(days=5), who, f"扶贫协议 {h.number}", "sign_agreement", h.number
            )

    # -- a programme year -------------------------------------------------------------------

    def year(self, year: int) -> None:
        """Accounts and allocations, measures and funds, visits, income and exits of a year."""
        if year > 2016:
            self.add(
                date(year, 1, 10), "admin", f"江海区{year}年度参数", "set_year", PARAMETERS[year]
            )
        active = [h for h in self.keys if h.exit_year is not None and h.exit_year >= year]
        self.funds(year, active)
        self.visits(year, active)
        self.incomes_and_exits(year, active)
        if year == 2018:
            self.disaster_return(next(h for h in self.keys if h.returns))

    def funds(self, year: int, active: list[HouseholdPlan]) -> None:
        opened = date(2016, 8, 15) if year == 2016 else date(year, 1, 20)
        tranches = (
            (date(2016, 8, 20), date(2016, 9, 30))
            if year == 2016
            else (date(year, 2, 20), date(year, 4, 20))
        )
        paying = date(2016, 10, 10) if year == 2016 else date(year, 5, 5)
        k = self.scale
        accounts = [
            (f"city-{year}", "city", "", CITY_FEN * k),
            (f"district-{year}", "district", "", DISTRICT_FEN * k),
        ]
        accounts += [
            (f"street-{s.code}-{year}", "street", s.name, STREET_FEN[s.name] * k) for s in STREETS
        ]
        for code, source, street, total in accounts:
            who = "qu-01" if not street else f"{code.split('-')[1].lower()}-01"
            self.add(
                opened, who, f"{year}年扶贫资金账户", "open_account", code, source, year, street, ""
            )
            half = total // 2
            self.add(tranches[0], who, f"拨款通知〔{year}〕1号", "receive_allocation", code, half)
            self.add(
                tranches[1], who, f"拨款通知〔{year}〕2号", "receive_allocation", code, total - half
            )
        budgets = self.budgets(year, active)
        for i, h in enumerate(active):
            category = MEASURE_CATEGORIES[(i + year) % len(MEASURE_CATEGORIES)]
            self.categories[(h.number, year)] = category
            who = officer(h.street, i)
            self.add(
                paying - timedelta(days=5),
                who,
                f"一户一策 {h.number}",
                "plan_measure",
                h.number,
                f"M{year}",
                category,
                f"{year}年{_CATEGORY_TERMS[category]}帮扶",  # 2016年产业帮扶
                budgets[h.number],
            )
            if category == "employment" and h.number not in self.employed:
                self.employed.add(h.number)
                self.add(paying, who, "用工证明", "employ_worker", h.helpers[-3], h.number, paying)
            done = date(2018, 6, 30) if h.returns and year == 2018 else date(year, 11, 1)
            self.add(
                done, who, f"{h.number} 验收", "complete_measure", h.number, f"M{year}", "已落实"
            )
        city, district, streets = self.pools(year, active)
        self.pay_households(year, paying, f"city-{year}", "qu-01", active, city)
        self.pay_households(year, paying, f"district-{year}", "qu-01", active, district)
        for village_street in STREETS:
            for village in village_street.poor:
                self.disburse(
                    paying,
                    "qu-01",
                    f"city-{year}",
                    Disbursement(
                        400_000 * _YUAN * k // 4,
                        "facilities",
                        "village",
                        street=village_street.name,
                        village=village,
                    ),
                )
        self.disburse(
            paying,
            "qu-01",
            f"district-{year}",
            Disbursement(60_000 * _YUAN * k, "social-work", "organisation"),
        )
        self.disburse(
            paying,
            "qu-01",
            f"district-{year}",
            Disbursement(20_000 * _YUAN * k, "working", "working"),
        )
        for s, (own, pool) in zip(STREETS, streets, strict=True):
            who, code = f"{s.code.lower()}-01", f"street-{s.code}-{year}"
            for village in s.poor:
                self.disburse(
                    paying,
                    who,
                    code,
                    Disbursement(
                        20_000 * _YUAN * k,
                        "party-building",
                        "village",
                        street=s.name,
                        village=village,
                    ),
                )
            self.disburse(paying, who, code, Disbursement(10_000 * _YUAN * k, "working", "working"))
            self.pay_households(year, paying, code, who, own, pool)

    def pools(
        self, year: int, active: list[HouseholdPlan]
    ) -> tuple[int, int, list[tuple[list[HouseholdPlan], int]]]:
        """What the city's, the district's and each street's account of ``year`` pay to the
        households' measures (``pay_households``): each street's with its own households."""
        k = self.scale
        reserve = RELIEF_FEN * k if year == 2018 else 0
        streets = []
        for s in STREETS:
            fixed = 10_000 * _YUAN * k + 20_000 * _YUAN * k * len(s.poor)
            own = [h for h in active if h.street is s]
            streets.append((own, STREET_FEN[s.name] * k - fixed))
        city = CITY_FEN * k - 400_000 * _YUAN * k
        return city, DISTRICT_FEN * k - 80_000 * _YUAN * k - reserve, streets

    def budgets(self, year: int, active: list[HouseholdPlan]) -> dict[str, int]:
        """Each household's measure of ``year`` budgeted 预算 at what the three accounts pay
        it, so that the accountability report's ``over_budget`` lists none (session 23:
        planned at 0, every measure of the demo was paid above its budget)."""
        city, district, streets = self.pools(year, active)
        budgets = dict.fromkeys((h.number for h in active), 0)
        for paid, pool in ((active, city), (active, district), *streets):
            for h, amount in zip(paid, _shares(pool, len(paid)), strict=True):
                budgets[h.number] += amount
        return budgets

    def disburse(self, day: date, who: str, code: str, payment: Disbursement) -> None:
        self.add(day, who, f"支付凭证 {code}", "disburse", code, payment)

    def pay_households(
        self, year: int, start: date, code: str, who: str, paid: list[HouseholdPlan], pool: int
    ) -> None:
        """Share ``pool`` fen among the households' measures of the year, to the last fen."""
        for i, (h, amount) in enumerate(zip(paid, _shares(pool, len(paid)), strict=True)):
            day = start + timedelta(days=i * 40 // len(paid))
            self.disburse(
                day,
                who,
                code,
                Disbursement(
                    amount,
                    self.measure_category(h, year),
                    "household",
                    household=h.number,
                    measure_id=f"M{year}",
                ),
            )

    def measure_category(self, h: HouseholdPlan, year: int) -> str:
        return self.categories[(h.number, year)]

    # -- visits, income, exits, return ------------------------------------------------------

    def visits(self, year: int, active: list[HouseholdPlan]) -> None:
        """Each paired helper visits once a quarter; about one visit in fifty lapses."""
        for i, h in enumerate(active):
            for quarter in range(3 if year == 2016 else 1, 5):
                window = self.visit_window(h, year, quarter)
                if window is None:
                    continue
                first, days = window
                for helper in h.helpers:
                    if self.rng.random() < 0.02:
                        continue
                    day = first + timedelta(days=self.rng.randrange(days))
                    self.add(
                        day,
                        officer(h.street, i),
                        f"走访记录 {year}Q{quarter}",
                        "record_visit",
                        h.number,
                        helper,
                        "入户走访",
                    )

    @staticmethod
    def visit_window(h: HouseholdPlan, year: int, quarter: int) -> tuple[date, int] | None:
        """First day and length of the days a visit may fall on, or None after the exit."""
        if year == 2016 and quarter == 3:
            return date(2016, 9, 21), 10  # after pairing and agreement
        if h.returns and year == 2018 and quarter >= 3:
            return (date(2018, 7, 1), 20) if quarter == 3 else None
        first = date(year, 3 * quarter - 2, 1)
        if h.exit_year == year and quarter == 4:
            return first, 60  # before the exit is approved in December
        return first, 80

    def incomes_and_exits(self, year: int, active: list[HouseholdPlan]) -> None:
        params = PARAMETERS[year]
        for i, h in enumerate(active):
            if h.returns and year == 2018:
                self.exit(h, i, year, date(2018, 7, 5))
                continue
            exiting = h.exit_year == year
            self.assess(h, i, year, date(year, 11, 5), params, exiting)
            if exiting:
                self.exit(h, i, year, date(year, 11, 12))

    def assess(
        self, h: HouseholdPlan, i: int, year: int, day: date, params: YearParameters, above: bool
    ) -> None:
        threshold = exit_threshold_fen(ProgrammeRules(), params, h.area)
        factor = self.rng.randrange(105, 140) if above else self.rng.randrange(55, 95)
        income = threshold * factor // 100
        self.add(
            day,
            officer(h.street, i),
            f"{year}年收入核查 {h.number}",
            "assess_income",
            h.number,
            year,
            income,
        )

    def exit(self, h: HouseholdPlan, i: int, year: int, day: date) -> None:
        """Proposed, verified, announced for 7 days, approved by the district."""
        who = officer(h.street, i)
        if h.returns:
            self.assess(h, i, year, day - timedelta(days=1), PARAMETERS[year], True)
        self.add(day, who, f"{h.street.name}拟退出名单〔{year}〕", "propose_exit", h.number, year)
        self.add(day + timedelta(days=5), who, f"退出核实 {h.number}", "verify_exit", h.number)
        start = day + timedelta(days=8)
        self.add(
            start,
            who,
            f"{h.village}退出公示〔{year}〕",
            "post_exit_notice",
            h.number,
            start,
            start + timedelta(days=6),
        )
        self.add(
            start + timedelta(days=10),
            "qu-01",
            f"江海区脱贫退出批复〔{year}〕",
            "approve_exit",
            h.number,
        )

    def disaster_return(self, h: HouseholdPlan) -> None:
        """Typhoon 山竹 (16 September 2018): recognised, applied, reviewed, approved 返贫."""
        who = officer(h.street, 0)
        self.add(
            date(2018, 9, 25),
            who,
            "江海区民政局灾情认定〔2018〕7号",
            "advance_return",
            h.number,
            "recognised",
            "台风山竹房屋损毁",
            "江海区民政局",
        )
        self.add(
            date(2018, 10, 10),
            who,
            f"{h.street.name}返贫申请〔2018〕1号",
            "advance_return",
            h.number,
            "applied",
            "",
            "",
        )
        self.add(
            date(2018, 10, 30),
            "qu-01",
            "江海区返贫审核〔2018〕1号",
            "advance_return",
            h.number,
            "reviewed",
            "",
            "",
        )
        self.add(
            date(2018, 11, 20),
            "qu-01",
            "江门市扶贫办返贫批复〔2018〕3号",
            "advance_return",
            h.number,
            "approved",
            "",
            "",
        )
        self.add(
            date(2018, 11, 25),
            who,
            f"一户一策 {h.number}",
            "plan_measure",
            h.number,
            "R2018",
            "relief",
            "灾后重建救助",
            RELIEF_FEN * self.scale,
        )
        self.disburse(
            date(2018, 12, 3),
            "qu-01",
            "district-2018",
            Disbursement(
                RELIEF_FEN * self.scale,
                "relief",
                "household",
                household=h.number,
                measure_id="R2018",
            ),
        )
        for helper in h.helpers:
            self.add(
                date(2018, 12, 10),
                who,
                "走访记录 2018Q4",
                "record_visit",
                h.number,
                helper,
                "灾后走访",
            )

    # -- inspections ------------------------------------------------------------------------

    def inspections(self) -> None:
        """Yearly inspections: findings rectified and closed, some left past their deadline;
        礼乐 named in a notice 通报 and its leaders summoned for a talk 约谈 over 2017."""
        i = "insp-1"
        self.add(
            date(2017, 1, 10),
            i,
            "江海区2016年度督查方案",
            "open_inspection",
            "DI-2016",
            "district",
            2016,
            "",
            "进度、成效、资金",
        )
        self.add(
            date(2017, 1, 12),
            i,
            "督查记录 DI-2016",
            "record_finding",
            "DI-2016",
            "F1",
            "village",
            "雄乡",
            "帮扶档案不完整",
            date(2017, 3, 31),
        )
        self.add(
            date(2017, 3, 20),
            "qu-01",
            "整改报告 DI-2016-F1",
            "report_rectification",
            "DI-2016",
            "F1",
            "档案已补齐",
        )
        self.add(date(2017, 4, 5), i, "督查记录 DI-2016", "close_finding", "DI-2016", "F1")
        self.add(
            date(2018, 1, 15),
            i,
            "江海区2017年度督查方案",
            "open_inspection",
            "DI-2017",
            "district",
            2017,
            "",
            "减贫进度",
        )
        self.add(
            date(2018, 1, 16),
            i,
            "督查记录 DI-2017",
            "record_finding",
            "DI-2017",
            "F1",
            "street",
            "礼乐",
            "2017年退出户数未达2:3:5计划",
            date(2018, 3, 31),
        )
        self.add(
            date(2018, 1, 20),
            i,
            "江海区扶贫工作通报〔2018〕1号",
            "notice_criticism",
            "DI-2017",
            "礼乐街道扶贫办",
            "2017年减贫进度滞后",
        )
        self.add(
            # After 2017's closing day (31 January 2018), when its result is fixed: the ledger
            # takes a talk about 2017 only from 1 February 2018 (session 24).
            date(2018, 2, 5),
            i,
            "约谈记录〔2018〕1号",
            "hold_talk",
            "DI-2017",
            "礼乐",
            2017,
            "未完成2017年度减贫任务",
        )
        self.add(
            date(2018, 3, 25),
            "qu-01",
            "整改报告 DI-2017-F1",
            "report_rectification",
            "DI-2017",
            "F1",
            "制定加快退出计划",
        )
        self.add(date(2018, 4, 2), i, "督查记录 DI-2017", "close_finding", "DI-2017", "F1")
        self.add(
            date(2018, 6, 5),
            i,
            "外海街道2018年督查方案",
            "open_inspection",
            "SI-WH-2018",
            "street",
            2018,
            "外海",
            "入户核查",
        )
        target = next(h for h in self.keys if h.street.name == "外海" and h.exit_year == 2018)
        self.add(
            date(2018, 6, 6),
            i,
            "督查记录 SI-WH-2018",
            "record_finding",
            "SI-WH-2018",
            "F1",
            "household",
            target.number,
            "帮扶措施台账与实际不符",
            date(2018, 8, 31),
        )
        self.add(
            date(2018, 12, 20),
            i,
            "江海区2018年度督查方案",
            "open_inspection",
            "DI-2018",
            "district",
            2018,
            "",
            "资金到位",
        )
        self.add(
            date(2018, 12, 21),
            i,
            "督查记录 DI-2018",
            "record_finding",
            "DI-2018",
            "F1",
            "village",
            "镇龙",
            "生产设施项目进度滞后",
            date(2019, 1, 31),
        )


def _shares(pool: int, count: int) -> list[int]:
    """``pool`` fen shared among ``count`` measures, the last taking what does not divide."""
    share, rest = divmod(pool, count)
    return [share + (rest if i == count - 1 else 0) for i in range(count)]
