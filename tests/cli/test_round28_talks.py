"""Session 28 (tester F, a policy expert): a talk 约谈 with a street's leaders is the district's
[六(七)「对未完成年度减贫任务的街道要对党政主要领导进行约谈」]. A district inspector's talk was
taken under a *street* inspection, and a second talk about the same street and year was
neither refused nor shown.

- A talk sits under a district inspection, as a notice 通报 does (``inspection criticise``);
  an export of a ledger recorded before replays a talk under a street inspection as recorded.
- The accountability report's ``talks_due`` says how many talks in force were held about the
  street and year (``talks``): a repeated talk shows as 2; a talk voided by a correction is not
  counted, and a new one takes its place.
"""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import open_ledger
from ledger.inspections import Inspection
from ledger.values import replayed_as_recorded

from tests.cli.conftest import (
    Fupin,
    assert_refused,
    doc,
    reimported,
    rule_came_in,
)
from tests.support import stamp

STORE_INDEPENDENT = "the talk command's own rule and the report's count: SQLite is enough"

STREET = f"inspection open SI-JN --level street --street 江南 --year 2016 {doc('2017-01-05')}"
DISTRICT = f"inspection open DI-1 --level district --year 2016 {doc('2017-01-05')}"
TALK = "inspection talk {} --street 江南 --year 2017 --reason 未完成年度减贫任务 " + doc(
    "2018-02-01"
)


def talks_due(fupin: Fupin) -> list[tuple[object, object, object, object]]:
    line = "report accountability --format json --as-of 2018-06-30"
    due = orjson.loads(fupin.ok(line, "ana-1").stdout)["talks_due"]
    return [(t["street"], t["year"], t["talk_held"], t["talks"]) for t in due]


def test_a_talk_under_a_street_inspection_is_refused_naming_the_rule(seeded: Fupin) -> None:
    seeded.ok(STREET, "insp-1")
    seeded.ok(DISTRICT, "insp-1")
    before = seeded.event_count()

    refused = seeded(TALK.format("SI-JN"), "insp-1")

    assert_refused(
        refused,
        "inspection",
        "SI-JN is a street inspection of 江南: a talk 约谈 with a street's leaders is the "
        "district's, held under a district inspection [六(七)]",
    )
    assert seeded.event_count() == before
    seeded.ok(TALK.format("DI-1"), "insp-1")
    assert talks_due(seeded) == [("江南", 2017, True, 1)]


def _talk_as_an_older_fupin_held_it(seeded: Fupin) -> None:
    """A talk about 江南's 2017 under the street inspection SI-JN, as a fupin before session 28
    took it."""
    seeded.ok(STREET, "insp-1")
    with closing(open_ledger(seeded.store)) as app, replayed_as_recorded():
        inspection = app.load(Inspection, "SI-JN", "inspection")
        prov = app.authorise(stamp("insp-1", date(2018, 2, 1)), "hold_talk", "江南")
        inspection.hold_talk("江南", 2017, "未完成", prov, as_recorded=True)
        app.save(inspection)


@pytest.mark.spared_on_replay("talk_under_street_inspection")
def test_an_export_replays_a_talk_held_under_a_street_inspection_before_session_28(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _talk_as_an_older_fupin_held_it(seeded)
    rule_came_in(monkeypatch, "talk_under_street_inspection", after_now=True)

    result = reimported(seeded, tmp_path)

    assert result.exit_code == 0, result.output
    with closing(open_ledger(str(tmp_path / "fresh.db"))) as fresh:
        assert fresh.load(Inspection, "SI-JN", "inspection").talks == [("江南", 2017)]


def test_a_repeated_talk_is_counted_and_a_voided_one_is_not(seeded: Fupin) -> None:
    seeded.ok(DISTRICT, "insp-1")
    seeded.ok(TALK.format("DI-1"), "insp-1")  # entry 2
    assert talks_due(seeded) == [("江南", 2017, True, 1)]

    # entry 3: the same street and year again, told apart by its note (the same talk twice
    # is refused since tester Y, session 28: tests/cli/test_round28_notice_talk_twice.py)
    seeded.ok(TALK.format("DI-1") + " --note 第二次约谈", "insp-1")
    assert talks_due(seeded) == [("江南", 2017, True, 2)]

    seeded.ok(f"correct inspection DI-1 2 --reason 重复录入 {doc('2018-02-10')}", "insp-1")
    assert talks_due(seeded) == [("江南", 2017, True, 1)]
    seeded.ok(f"correct inspection DI-1 3 --reason 录入错误 {doc('2018-02-10')}", "insp-1")
    assert talks_due(seeded) == [("江南", 2017, False, 0)]
    # a talk voided by a correction leaves room for the one that should have been recorded
    seeded.ok(TALK.format("DI-1"), "insp-1")
    assert talks_due(seeded) == [("江南", 2017, True, 1)]
