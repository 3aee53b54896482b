"""Session 17 (tester D, an analyst): a report as of a day after the programme (today, 2026)
counted every quarter up to it as a missed visit of each household still assisted when the
programme ended, and the HTML report's visit heat map owed them too. Visits are owed no later
than the end of the year after the programme's last (2019 for 2016-2018: the plan of the
last year's returns)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from projections import series

from tests.support import ledger_at, register, stamp


def test_visits_are_owed_until_the_year_after_the_programme_and_no_later(
    tmp_path: Path,
) -> None:
    with ledger_at(tmp_path / "l.db") as app:
        register(app, "JH-1")
        app.pair(stamp("jn-01", date(2016, 8, 21)), "JH-1", "c-1")  # never visited, never exits

        inputs = series.gather(app, as_of=date(2026, 11, 30))

    quarters = [m["quarter"] for m in inputs.accountability["missed_visits"]]
    owed = {row["quarter"]: (row["owed"], row["missed"]) for row in inputs.coverage}

    assert quarters[0] == "2016Q3"  # paired on 2016-08-21
    assert quarters[-1] == "2019Q4"
    assert len(quarters) == len(set(quarters)) == 14  # 2016Q3 to 2019Q4
    assert sorted(owed) == sorted(quarters)
    assert set(owed.values()) == {(1, 1)}
