"""Round 14: a step of the programme entered with no ``-e`` was dated today. While the programme
ran that was right; entered in 2026, a 2017 visit, payment or withdrawal was dated 2026 (a
withdrawn exit could then never be proposed again in its year, and a visit dated 2026 ended
every quarter up to 2026 in the reports). After the programme's years (and the next, for the
plan of the last year's returns), a programme step needs its date said; reference data, keys,
corrections and amendments still take effect the day they are done."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest
from ledger.core import Stamp
from ledger.errors import RuleError
from ledger.values import today

from tests.cli.conftest import Fupin, assert_refused
from tests.support import DOC, TickingClock, ledger_at, register

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

VISIT = f"household visit JH-0001 --helper c-1 --summary 走访 -d {DOC}"


def test_a_programme_step_with_no_date_is_refused_after_the_programme(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(VISIT, "jn-01")

    assert_refused(refused, "effective", "no date given (-e), and today, ")
    assert "is after the programme (2016-2018): say when this step took effect" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(f"{VISIT} -e 2016-09-01", "jn-01")
    # today, said: with a note saying why, as every step dated after the programme (since
    # session 23)
    refused = seeded(f"{VISIT} -e {today().isoformat()}", "jn-01")
    assert_refused(refused, "effective", "a step dated after it says why in its note, naming")
    seeded.ok(f"{VISIT} -e {today().isoformat()} --note {today().year}年项目结束后回访", "jn-01")


def test_a_helper_added_with_no_date_is_refused_after_the_programme(seeded: Fupin) -> None:
    # A helper serves from its registration: dated today, it could never be paired for the
    # programme's years (and its registration date cannot be amended).
    cadre = f"helper add c-9 --kind cadre --name 新干部 --unit 区民政局 --rank section -d {DOC}"
    before = seeded.event_count()

    assert_refused(seeded(cadre, "qu-01"), "effective", "no date given (-e)")
    assert seeded.event_count() == before
    seeded.ok(f"{cadre} -e 2016-08-20", "qu-01")
    seeded.ok(f"household pair JH-0001 c-9 -d {DOC} -e 2016-09-01", "jn-01")


def test_reference_data_and_corrections_are_still_dated_today(seeded: Fupin) -> None:
    seeded.ok(f"place add-street 外海 -d {DOC}", "admin")
    seeded.ok(f"{VISIT} -e 2016-09-01", "jn-01")
    visit = orjson.loads(seeded.ok("history JH-0001 --format json").stdout)[-1]
    assert visit["event"] == "VisitRecorded"

    seeded.ok(f"correct household JH-0001 {visit['version']} --reason 录入错误 -d {DOC}", "jn-01")

    corrected = orjson.loads(seeded.ok("history JH-0001 --format json").stdout)[-1]
    assert (corrected["event"], corrected["effective"]) == ("Corrected", today().isoformat())


@pytest.mark.parametrize(
    ("now", "accepted"),
    [
        (datetime(2017, 6, 1, tzinfo=UTC), True),
        (datetime(2019, 12, 31, tzinfo=UTC), True),
        (datetime(2020, 1, 2, tzinfo=UTC), False),
    ],
)
def test_today_is_a_steps_date_while_the_programme_runs(
    tmp_path: Path, now: datetime, accepted: bool
) -> None:
    ticking = TickingClock(current=now)
    with ledger_at(tmp_path / "l.db", ticking) as app:
        register(app, "JH-0001", serial=1)
        app.pair(Stamp("jn-01", date(2016, 8, 11), DOC), "JH-0001", "c-1")
        day = ticking.current.date()
        undated = Stamp("jn-01", day, DOC, dated=False)
        if accepted:
            app.record_visit(undated, "JH-0001", "c-1")
            assert app.household("JH-0001").version > 0
        else:
            with pytest.raises(RuleError) as refused:
                app.record_visit(undated, "JH-0001", "c-1")
            assert refused.value.field == "effective"
            # said, with why (since session 23): recorded
            app.record_visit(Stamp("jn-01", day, DOC, "项目结束后回访"), "JH-0001", "c-1")
