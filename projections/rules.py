"""The programme's rules and yearly parameters as read back from the read models.

Reports never use constants: the rules come from the ``Opened`` event, the yearly standards
from ``YearParametersSet`` (both kept in ``pj_programme`` / ``pj_years``).
"""

from __future__ import annotations

from datetime import date

from ledger.programme import ProgrammeRules, YearParameters, exit_threshold_fen

from projections.storage import Database

__all__ = ["exit_threshold", "planned_exits", "quarter_of", "read_rules", "year_parameters"]


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


def planned_exits(rules: ProgrammeRules, key_targets: int) -> dict[int, int]:
    """Exits planned per year for ``key_targets`` households under the 2:3:5 shares.

    Cumulative targets are rounded half up, and each year's target is the difference of two
    cumulative targets, so the years always add up to every key target exactly.
    """
    total = sum(rules.reduction_shares)
    planned: dict[int, int] = {}
    done = running = 0
    for offset, share in enumerate(rules.reduction_shares):
        running += share
        cumulative = (2 * key_targets * running + total) // (2 * total) if total else 0
        planned[rules.first_year + offset] = cumulative - done
        done = cumulative
    return planned


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of the quarter (the last of 9999 too: no day after it is needed)."""
    start = date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    if end_month == 12:
        return start, date(year, 12, 31)
    return start, date.fromordinal(date(year, end_month + 1, 1).toordinal() - 1)
