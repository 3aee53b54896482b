"""The demo's population: streets, villages, households and their fates, from a seed.

The figures are the plan's [三] — 884 households / 1,885 people in scope, 176 / 597 key targets
(142 / 502 rural, 34 / 95 urban) — multiplied by ``scale``. Exits follow 2:3:5 for the district
(35 / 53 / 88 key-target households at scale 1: cumulative 20 %, 50 %, 100 % of 176 = 35.2, 88,
176, rounded to 35, 88, 176). Each street's exits follow its own 2:3:5 targets (cumulative,
rounded half up) except 礼乐, which exits one household fewer than its 2017
target and catches up in 2018; see ``STREETS`` for why the district still meets the plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ledger.demo.names import synthetic_id_card, synthetic_name, synthetic_phone
from ledger.household import Personal

__all__ = ["STREETS", "HouseholdPlan", "StreetPlan", "build_population"]

YEARS = (2016, 2017, 2018)


@dataclass(frozen=True)
class StreetPlan:
    """A street's villages and its share of the caseload (per scale unit)."""

    name: str
    code: str
    villages: tuple[str, ...]  # rural villages 村; the first ones may be relatively poor
    communities: tuple[str, ...]  # urban communities 社区
    poor: tuple[str, ...]  # relatively poor villages 相对贫困村
    key_rural: int
    key_urban: int
    others: int  # households in scope that are not key targets
    odd: int  # rural key targets added once, whatever the scale (see STREETS)
    short: int  # exits short of the 2017 target, caught up in 2018

    def key_targets(self, scale: int) -> int:
        return (self.key_rural + self.key_urban) * scale + self.odd

    def exits(self, scale: int) -> tuple[int, ...]:
        """Exits per year: the 2:3:5 plan rounded half up cumulatively, less ``short`` in
        2017 and as many more in 2018."""
        total, shares, done, running, planned = self.key_targets(scale), (2, 3, 5), 0, 0, []
        for share in shares:
            running += share
            cumulative = (2 * total * running + 10) // 20
            planned.append(cumulative - done)
            done = cumulative
        return (planned[0], planned[1] - self.short, planned[2] + self.short)


#: Key targets per scale unit: 江南 70 (+1), 外海 60 (-1), 礼乐 46. The odd totals of 江南 and
#: 外海 make their half-up cumulative 2017 targets add up to one more than the district's 50 %,
#: which leaves room for 礼乐 to exit one household fewer than its 2017 target (at any
#: scale: the odd ±1 is not scaled) while every other street meets every target.
STREETS = (
    StreetPlan(
        "江南",
        "JN",
        ("雄光", "雄乡", "白石", "东华"),
        ("江南社区", "滘头社区"),
        ("雄光", "雄乡"),
        56,
        14,
        290,
        1,
        0,
    ),
    StreetPlan(
        "外海",
        "WH",
        ("镇龙", "直冲", "麻二", "南庄"),
        ("外海社区", "金溪社区"),
        ("镇龙",),
        48,
        12,
        230,
        -1,
        0,
    ),
    StreetPlan(
        "礼乐",
        "LL",
        ("新创", "乌纱", "威东", "英南"),
        ("礼乐社区", "文昌社区"),
        ("新创",),
        38,
        8,
        188,
        0,
        1,
    ),
)

#: People per scale unit: key rural, key urban, and everyone else in scope.
KEY_RURAL_PEOPLE, KEY_URBAN_PEOPLE, OTHER_PEOPLE = 502, 95, 1288


@dataclass
class HouseholdPlan:
    """One synthetic household and what will happen to it."""

    number: str
    street: StreetPlan
    village: str
    area: str
    members: int
    key: bool
    labour: bool
    willing: bool
    disabled: bool
    personal: Personal
    exit_year: int | None = None  # key targets only
    returns: bool = False  # exits early in 2018, then returns after typhoon 山竹
    helpers: list[str] = field(default_factory=list)


def sizes(count: int, total: int, rng: random.Random, low: int = 1, high: int = 7) -> list[int]:
    """``count`` household sizes between ``low`` and ``high`` summing exactly to ``total``."""
    base, extra = divmod(total, count)
    result = [base + (1 if i < extra else 0) for i in range(count)]
    for _ in range(count):
        i, j = rng.randrange(count), rng.randrange(count)
        if i != j and result[i] < high and result[j] > low:
            result[i] += 1
            result[j] -= 1
    rng.shuffle(result)
    return result


def build_population(rng: random.Random, scale: int) -> list[HouseholdPlan]:
    """Every household of the demo, numbered per street, key targets first."""
    rural = iter(sizes(142 * scale, KEY_RURAL_PEOPLE * scale, rng))
    urban = iter(sizes(34 * scale, KEY_URBAN_PEOPLE * scale, rng, high=5))
    other = iter(sizes(708 * scale, OTHER_PEOPLE * scale, rng, high=5))
    households: list[HouseholdPlan] = []
    for street in STREETS:
        serial = 0
        groups = (
            (street.key_rural * scale + street.odd, True, "rural", rural),
            (street.key_urban * scale, True, "urban", urban),
            (street.others * scale, False, "", other),
        )
        for count, key, area, members in groups:
            for _ in range(count):
                serial += 1
                households.append(make_household(rng, street, serial, key, area, next(members)))
        assign_exits([h for h in households if h.street is street and h.key], street, scale, rng)
    # One 江南 household exits early in 2018 and returns to poverty after typhoon 山竹.
    next(h for h in households if h.exit_year == 2018).returns = True
    return households


def make_household(
    rng: random.Random, street: StreetPlan, serial: int, key: bool, area: str, members: int
) -> HouseholdPlan:
    area = area or ("rural" if rng.random() < 0.7 else "urban")
    place = rng.choice(street.villages if area == "rural" else street.communities)
    labour = key or rng.random() < 0.15
    names = tuple(synthetic_name(rng) for _ in range(members))
    personal = Personal(
        head_name=names[0],
        id_card=synthetic_id_card(rng),
        phone=synthetic_phone(rng),
        address=f"江海区{street.name}街道{place}{rng.randrange(1, 200)}号",
        member_names=names,
    )
    return HouseholdPlan(
        number=f"{street.code}-{serial:06d}",
        street=street,
        village=place,
        area=area,
        members=members,
        key=key,
        labour=labour,
        willing=key,
        disabled=rng.random() < (0.08 if key else 0.2),
        personal=personal,
    )


def assign_exits(
    keys: list[HouseholdPlan], street: StreetPlan, scale: int, rng: random.Random
) -> None:
    """Give each key target its exit year: the street's exits per year, households shuffled."""
    exits = street.exits(scale)
    years = [year for year, n in zip(YEARS, exits, strict=True) for _ in range(n)]
    rng.shuffle(years)
    for household, year in zip(keys, years, strict=True):
        household.exit_year = year
