"""The programme's rules and yearly parameters as read back from the read models.

Reports never use constants: the rules come from the ``Opened`` event, the yearly standards
from ``YearParametersSet`` (both kept in ``pj_programme`` / ``pj_years``).
"""

from __future__ import annotations

from datetime import date

from ledger.programme import ProgrammeRules, YearParameters, closing_day, exit_threshold_fen

from projections.storage import Database

__all__ = [
    "closing_day",
    "cumulative_targets",
    "exit_threshold",
    "income_known_from",
    "quarter_of",
    "read_rules",
    "year_parameters",
]


def read_rules(db: Database) -> ProgrammeRules | None:
    row = db.one(
        "SELECT first_year, last_year, per_person_min_fen, reduction_shares, city_share, "
        "local_share, district_share, street_share, local_yearly_min_fen, urban_exit_percent, "
        "rural_exit_percent, notice_min_days FROM pj_programme"
    )
    if row is None:
        return None
    return ProgrammeRules(
        first_year=row[0],
        last_year=row[1],
        per_person_min_fen=row[2],
        reduction_shares=tuple(int(s) for s in str(row[3]).split(":")),
        city_share=row[4],
        local_share=row[5],
        district_share=row[6],
        street_share=row[7],
        local_yearly_min_fen=row[8],
        urban_exit_percent=row[9],
        rural_exit_percent=row[10],
        notice_min_days=row[11],
    )


def year_parameters(db: Database) -> dict[int, YearParameters]:
    rows = db.rows("SELECT year, urban_dibao_standard_fen, rural_income_fen FROM pj_years")
    return {int(y): YearParameters(int(y), int(u), int(r)) for y, u, r in rows}


def exit_threshold(
    rules: ProgrammeRules, years: dict[int, YearParameters], year: int, area: str
) -> int | None:
    """The year's exit threshold for ``area``, or None while its parameters are not recorded."""
    params = years.get(year)
    return None if params is None else exit_threshold_fen(rules, params, area)


def cumulative_targets(rules: ProgrammeRules, key_targets: dict[int, int]) -> dict[int, int]:
    """The cumulative 2:3:5 target by the end of each programme year: ``round_half_up(K ×
    (s1+…+si) / (s1+…+sn))``, K being ``key_targets[year]`` (the key targets registered by
    the end of that year: a year's target never moves once the year is over). K never falls
    from one year to the next, so neither do these."""
    total = sum(rules.reduction_shares)
    targets: dict[int, int] = {}
    running = 0
    for offset, share in enumerate(rules.reduction_shares):
        running += share
        year = rules.first_year + offset
        k = key_targets.get(year, 0)
        targets[year] = (2 * k * running + total) // (2 * total) if total else 0
    return targets


def income_known_from(year: int) -> date:
    """The first day an assessment of ``year``'s per-capita disposable income 年人均可支配收入
    [三] can rest an exit: 1 October, the start of the year's last quarter. The threshold is
    a year's income, reached in the assessment year [六(六)]: before its last quarter a
    quarter or more of that income is still to come, and a figure then is a projection."""
    return date(year, 10, 1)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of the quarter (the last of 9999 too: no day after it is needed)."""
    start = date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    if end_month == 12:
        return start, date(year, 12, 31)
    return start, date.fromordinal(date(year, end_month + 1, 1).toordinal() - 1)
