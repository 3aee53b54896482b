"""Caseload report 扶贫对象统计: households and people by status, street, village, rural or
urban, key target or not; exits per year.

Status is the household's stage, except that a registered household with at least one
active pairing is ``paired``: identified, reviewed, rejected, under-notice, registered,
paired, exited, returned. A household whose record was closed 注销 (merged, died out, moved
away, a duplicate, identified in error; since session 25) is in no group or total from its
closure's date (a view as of a day before it counts it as before); its exits stay in
``exits`` as the 2:3:5 plan's do (``households.LEAVES_ON``: all of them if it was out of
poverty when closed by a natural decrease, those of years before the closure's if not, none
for a duplicate or one identified in error); ``closed`` counts the households closed by that
date and their people, by reason, so that households identified = the groups' households +
the closed ones.
"""

from __future__ import annotations

from typing import Any

from projections.households import LEAVES_ON
from projections.storage import Database

__all__ = [
    "COLUMNS",
    "SECTIONS",
    "STATUS_LABELS",
    "STATUS_NAMES",
    "caseload",
    "households_and_people",
    "rejected_note",
    "status_of",
    "status_term",
]

#: The caseload statuses' Chinese terms, as docs/reports.md names them for `report caseload`
#: and the HTML report's legend and dossiers show them (since session 27, tester E: registered
#: read 建档立卡, as if the paired, exited and returned households were not registered, when
#: every one is [四(一)]; exited read 已退出 here, 已脱贫退出 there: it is 退出 everywhere).
STATUS_NAMES = {
    "identified": "识别",
    "reviewed": "已评议",
    "under-notice": "公示中",
    "registered": "已建档未结对",
    "paired": "结对帮扶",
    "returned": "返贫",
    "exited": "退出",
    "rejected": "未通过",
}
#: A status's English where its key alone would mislead: a registered household with a
#: helper paired is ``paired``, so ``registered`` counts the ones with none.
STATUS_LABELS = {"registered": "registered, not paired"}


def status_of(stage: str, paired: bool) -> str:
    """A household's status as the caseload counts it (``_STATUS``): its stage, except that a
    registered household with a helper ``paired`` now is ``paired``."""
    return "paired" if stage == "registered" and paired else stage


def status_term(status: str) -> str:
    """A status in both languages, as the legend names it: ``registered, not paired
    已建档未结对``, ``exited 退出``."""
    return f"{STATUS_LABELS.get(status, status)} {STATUS_NAMES.get(status, '')}".rstrip()


SECTIONS = ("by_status", "groups", "exits", "closed")

#: Each section's columns, in order (a CSV or table of an empty section still has its header).
COLUMNS: dict[str, tuple[str, ...]] = {
    "by_status": ("status", "households", "people"),
    "groups": ("street", "village", "area", "key_target", "status", "households", "people"),
    "exits": ("year", "street", "households", "people"),
    "closed": ("because", "households", "people"),
}

_STATUS = (
    "CASE WHEN h.stage = 'registered' AND EXISTS (SELECT 1 FROM pj_pairings p "
    "WHERE p.aggregate_id = h.aggregate_id AND p.unpaired_on IS NULL) "
    "THEN 'paired' ELSE h.stage END"
)

#: A household turned down at its review or on an upheld objection (its stage).
REJECTED = "rejected"

_GROUPS = (
    f"SELECT h.street, h.village, h.area, h.key_target, {_STATUS} AS status, "
    "COUNT(*) AS households, SUM(h.members) AS people FROM pj_households h "
    # a household whose record was closed 注销 (since session 25) is counted in no group, but
    # one turned down (rejected) stays in its group, no household of the programme, which an
    # older fupin closed (since session 29, tester J: it read as one of ``closed``)
    f"WHERE h.closed_on IS NULL OR h.stage = '{REJECTED}' "
    "GROUP BY h.street, h.village, h.area, h.key_target, status "
    "ORDER BY h.street, h.village, h.area, h.key_target, status"
)

# People: the household's members on the day the exit took effect, by effective date (a later
# change of members, or one recorded before a late-entered approval, does not change a closed
# year's figure); a household never changed has its count in pj_households.
_EXITS = (
    "SELECT e.year, h.street, COUNT(*) AS households, "
    "SUM(COALESCE((SELECT m.members FROM pj_members m WHERE m.aggregate_id = e.aggregate_id "
    "AND m.effective <= e.effective ORDER BY m.effective DESC, m.version DESC LIMIT 1), "
    "h.members)) AS people "
    "FROM pj_exit_steps e JOIN pj_households h ON h.aggregate_id = e.aggregate_id "
    # as the 2:3:5 plan's (since session 25): no exit of a year on or after the one its
    # household left the plan in by a closure 注销 (``LEAVES_ON``; a duplicate's in no year)
    f"WHERE e.step = 'approved' AND ({LEAVES_ON} IS NULL "
    f"OR e.year < CAST(substr({LEAVES_ON}, 1, 4) AS INTEGER)) "
    "GROUP BY e.year, h.street ORDER BY e.year, h.street"
)

# Closed households 注销 (since session 25), by reason: the households the groups leave out, with
# their members as they stood (a closed household's members change no more); not one turned
# down, which no household of the programme is (its closure is refused since session 29).
_CLOSED = (
    "SELECT h.closed_because, COUNT(*) AS households, SUM(h.members) AS people "
    f"FROM pj_households h WHERE h.closed_on IS NOT NULL AND h.stage <> '{REJECTED}' "
    "GROUP BY h.closed_because ORDER BY h.closed_because"
)


def caseload(db: Database) -> dict[str, Any]:
    """The caseload sections; see docs/reports.md for the JSON shape."""
    groups = [
        {
            "street": street,
            "village": village,
            "area": area,
            "key_target": bool(key),
            "status": status,
            "households": households,
            "people": people,
        }
        for street, village, area, key, status, households, people in db.rows(_GROUPS)
    ]
    by_status: dict[str, dict[str, Any]] = {}
    for group in groups:
        entry = by_status.setdefault(
            group["status"], {"status": group["status"], "households": 0, "people": 0}
        )
        entry["households"] += group["households"]
        entry["people"] += group["people"]
    exits = [
        {"year": year, "street": street, "households": households, "people": people}
        for year, street, households, people in db.rows(_EXITS)
    ]
    closed = [
        {"because": because, "households": households, "people": people}
        for because, households, people in db.rows(_CLOSED)
    ]
    return {
        "by_status": sorted(by_status.values(), key=lambda e: str(e["status"])),
        "groups": groups,
        "exits": exits,
        "closed": closed,
        # In scope: every household on record but those rejected (at review, or on an upheld
        # objection): a rejected candidate is no 贫困户.
        "totals": {
            "households": sum(g["households"] for g in groups if g["status"] != "rejected"),
            "people": sum(g["people"] for g in groups if g["status"] != "rejected"),
        },
    }


def households_and_people(households: int, people: int) -> str:
    """'1 household, 1 person' and '2 households, 3 people' (since session 25: '1 households')."""
    return (
        f"{households} household{'' if households == 1 else 's'}, "
        f"{people} {'person' if people == 1 else 'people'}"
    )


def rejected_note(report: dict[str, Any]) -> str:
    """What the caseload says under its rows when some are of households turned down (status
    ``rejected``): ``totals`` leaves them out, the rows hold them (since session 35, tester d:
    the report row was not the sum of its rows, unsaid but in docs/reports.md)."""
    rejected = [row for row in report["by_status"] if row["status"] == "rejected"]
    if not rejected:
        return ""
    households = sum(row["households"] for row in rejected)
    people = sum(row["people"] for row in rejected)
    return (
        f"totals leave out the {households_and_people(households, people)} turned down at their "
        "village review or on an upheld objection (status rejected 未通过: no households of the "
        "programme), which by_status and groups list"
    )
