"""Session 24, testers: a year of the 2:3:5 plan is over once its closing day has passed.

An exit of assessment year Y counts for Y until its closing day, 31 January of Y + 1
(``ledger.programme.closing_day``), but the plan called the year over, and a talk 约谈 due,
from 31 December: a street on target by 31 January showed ``year_over``, ``due_talk`` for a
month, then flipped, and ``inspection talk`` took a talk about Y from Y-12-31."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import orjson
from ledger.application import open_ledger
from ledger.inspections import Inspection

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import stamp

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

OPEN = f"inspection open DI-1 --level district --year 2016 {doc('2017-01-05')}"
TALK = "inspection talk DI-1 --street 江南 --year 2016 --reason 未完成年度减贫任务"


def _year_over(fupin: Fupin, as_of: str) -> bool:
    line = f"report accountability --format json --as-of {as_of}"
    plan = orjson.loads(fupin.ok(line, "ana-1").stdout)["plan"]
    return bool(next(row for row in plan if row["year"] == 2016)["year_over"])


def test_a_year_is_over_only_once_its_closing_day_has_passed(seeded: Fupin) -> None:
    assert _year_over(seeded, "2016-12-31") is False
    assert _year_over(seeded, "2017-01-31") is False
    assert _year_over(seeded, "2017-02-01") is True


def test_a_talk_about_a_year_dated_by_its_closing_day_is_refused(seeded: Fupin) -> None:
    seeded.ok(OPEN, "insp-1")
    before = seeded.event_count()

    refused = seeded(f"{TALK} {doc('2017-01-31')}", "insp-1")

    assert_refused(
        refused,
        "effective",
        "a talk 约谈 about 江南's 2016 target only from 2017-02-01, once 2016's closing day "
        "(2017-01-31: an exit of 2016 approved by then counts for it) has passed",
    )
    assert seeded.event_count() == before
    seeded.ok(f"{TALK} {doc('2017-02-01')}", "insp-1")


def test_an_export_replays_a_talk_held_by_the_rule_of_its_day(
    seeded: Fupin, tmp_path: Path
) -> None:
    # A ledger written before session 24 may hold a talk dated in the closing month.
    seeded.ok(OPEN, "insp-1")
    with closing(open_ledger(seeded.store)) as app:
        inspection = app.load(Inspection, "DI-1", "inspection")
        prov = app.authorise(stamp("insp-1", date(2017, 1, 6)), "hold_talk", "")
        inspection.hold_talk("江南", 2016, "未完成", prov, as_recorded=True)
        app.save(inspection)

    result = reimported(seeded, tmp_path)

    assert result.exit_code == 0, result.output
    with closing(open_ledger(str(tmp_path / "fresh.db"))) as fresh:
        assert fresh.load(Inspection, "DI-1", "inspection").talks == [("江南", 2016)]
