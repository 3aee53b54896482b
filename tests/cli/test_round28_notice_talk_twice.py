"""Session 28, tester Y (a command-line fuzzer): the same district notice 通报 could be recorded
three times and the accountability report listed it three times, and the same talk 约谈 twice,
while a visit, an allocation or a payment recorded twice is refused as "the same recorded
twice?". A notice or talk like one on record (the same subject, day, document, note and
reason, as a reader reads them) is refused so; one told apart by its document or reason is
taken; one voided by a correction may be recorded again; an older ledger holding such a
pair still moves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import open_ledger
from ledger.values import REPLAY_SPARED

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import stamp

STORE_INDEPENDENT = "the inspection commands' own rule: SQLite is enough (tests/conftest.py)"

DISTRICT = f"inspection open DI-1 --level district --year 2016 {doc('2017-01-05')}"
NOTICE = "inspection criticise DI-1 --unit 江南 --reason {} " + doc("2017-02-01")
TALK = "inspection talk DI-1 --street 江南 --year 2017 --reason {} " + doc("2018-02-01")
TWICE = "on record under document '江高发〔2016〕4号' (entry "


def _notices(fupin: Fupin) -> list[object]:
    report = orjson.loads(fupin.ok("report accountability --format json", "ana-1").stdout)
    return [n["unit"] for n in report["notices"]]


def test_a_notice_recorded_twice_is_refused_and_one_told_apart_is_taken(seeded: Fupin) -> None:
    seeded.ok(DISTRICT, "insp-1")
    seeded.ok(NOTICE.format("进度慢"), "insp-1")
    before = seeded.event_count()

    refused = seeded(NOTICE.format("进度慢"), "insp-1")

    assert_refused(refused, "document", "the notice 通报 naming 江南 on 2017-02-01 is " + TWICE)
    assert "the same recorded twice?" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(NOTICE.format("进度慢，二次通报"), "insp-1")
    assert _notices(seeded) == ["江南", "江南"]


def test_a_talk_recorded_twice_is_refused_and_a_voided_one_may_be_recorded_again(
    seeded: Fupin,
) -> None:
    seeded.ok(DISTRICT, "insp-1")
    seeded.ok(TALK.format("未完成"), "insp-1")

    refused = seeded(TALK.format("未完成"), "insp-1")

    assert_refused(refused, "document", "the talk 约谈 with 江南's leaders about 2017 on ")
    seeded.ok(f"correct inspection DI-1 2 --reason 录错 {doc('2018-02-01')}", "insp-1")
    seeded.ok(TALK.format("未完成"), "insp-1")


@pytest.mark.spared_on_replay("notice_or_talk_twice")
def test_an_older_ledger_holding_a_notice_twice_still_moves(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(DISTRICT, "insp-1")
    app = open_ledger(seeded.store)
    spared = REPLAY_SPARED.set(True)  # as a fupin before session 28 took it
    try:
        for _ in range(2):
            app.notice_criticism(stamp("insp-1", date(2017, 2, 1)), "DI-1", "江南", "进度慢")
    finally:
        REPLAY_SPARED.reset(spared)
        app.close()

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
