"""The caseload over time of ``report html`` (``projections.series.caseload_series``): since
session 37 (session 36's tester h F5) read and folded once per day, streamed, instead of every
event of the ledger held in a list (507 MiB at 204 k events). Its figures must stay exactly
``api.caseload(as_of=day)``'s, as known at any time."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from ledger.application import open_ledger
from projections import api
from projections.series import _by_street_status, caseload_series, report_days

STORE_INDEPENDENT = "the read models' fold of the demo: SQLite is enough"


@pytest.mark.parametrize("known_at", [None, datetime(2017, 3, 1, tzinfo=UTC)])
def test_the_series_is_the_caseload_as_of_each_day(
    demo_file: Path, tmp_path: Path, known_at: datetime | None
) -> None:
    store = tmp_path / "demo.db"
    shutil.copyfile(demo_file, store)
    app = open_ledger(str(store))
    try:
        # three of the report's days (each caseload below is a fold of its own)
        days = report_days(date(2016, 7, 26), date(2018, 12, 31))[1::3]
        series = caseload_series(app, days, known_at)
        today = caseload_series(app, days) if known_at else series
        expected = []
        for day in days:
            groups = api.caseload(app, as_of=day, known_at=known_at)["groups"]
            expected += _by_street_status(day, groups)
    finally:
        app.close()

    assert len(days) == 3
    assert series == expected
    # the figures move: a series of one day's counts repeated would pass the comparison too
    by_day: dict[str, tuple[tuple[str, str, int], ...]] = {}
    for row in series:
        by_day[row["day"]] = (
            *by_day.get(row["day"], ()),
            (row["street"], row["status"], row["households"]),
        )
    assert len(set(by_day.values())) > 1 or known_at is not None
    # and what was known on 1 March 2017 is not what is known today
    assert (series != today) is (known_at is not None)
