"""Session 30 (brief f): three of session 28's rules an export's replay spares
(``SPARED_BEFORE``) had no ``fupin verify`` note, and no report tells apart what they refuse:
``talk_under_street_inspection`` (report accountability counts a talk whatever inspection
holds it), ``notice_or_talk_twice`` (it lists a notice recorded twice as two, as it does two
given for real) and ``account_case_lookalike`` (report funds lists ``CITY-2016`` beside
``city-2016``). Since session 30 verify notes each "under today's rules", in the store and in
one moved from its export, while the entry stands (``ledger.oversight_spared``)."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from ledger.application import open_ledger
from ledger.funding import FundCommands
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, doc
from tests.cli.test_round28_account_case import OPEN
from tests.cli.test_round28_notice_talk_twice import DISTRICT, NOTICE, TALK
from tests.cli.test_round28_talks import _talk_as_an_older_fupin_held_it
from tests.cli.test_round30_exit_spared_notes import noted_until, verified_said
from tests.support import stamp

STORE_INDEPENDENT = "verify's notes, read from the events: SQLite is enough"

#: the inspector, and the day session 28's rules came in, in China
INSP, SESSION_28 = "insp-1", "2026-12-02"


def test_verify_notes_a_talk_under_a_street_inspection_until_it_is_voided(
    seeded: Fupin, tmp_path: Path
) -> None:
    _talk_as_an_older_fupin_held_it(seeded)  # SI-JN opened (entry 1), the talk its entry 2

    noted_until(
        seeded,
        tmp_path,
        "inspection SI-JN, a street inspection of 江南, holds the talk 约谈 with 江南's leaders "
        "about 2017 (entry 2, dated 2018-02-01)",
        "a talk 约谈 with a street's leaders is the district's, held under a district inspection",
        f"correct inspection SI-JN 2 --reason 应由区督查 {doc('2018-02-02')}",
        INSP,
        SESSION_28,
    )


def _twice(fupin: Fupin) -> None:
    """DI-1 (entry 1) notices 江南 on 2017-02-01 twice (entries 2 and 3) and holds the talk
    about its 2017 twice (entries 4 and 5), each the same, as a fupin before session 28 took
    them."""
    fupin.ok(DISTRICT, INSP)
    with closing(open_ledger(fupin.store)) as app, replayed_as_recorded():
        for _ in range(2):
            app.notice_criticism(stamp(INSP, date(2017, 2, 1)), "DI-1", "江南", "进度慢")
        for _ in range(2):
            app.hold_talk(stamp(INSP, date(2018, 2, 1)), "DI-1", "江南", 2017, "未完成")


def test_verify_notes_a_notice_and_a_talk_recorded_twice_until_one_is_voided(
    seeded: Fupin, tmp_path: Path
) -> None:
    _twice(seeded)
    talk = (
        "inspection DI-1's talk 约谈 with 江南's leaders about 2017 (entry 5, dated "
        "2018-02-01) is recorded as its entry 4 was"
    )
    assert talk in verified_said(seeded, seeded.store)
    seeded.ok(f"correct inspection DI-1 4 --reason 重复录入 {doc('2018-02-02')}", INSP)
    assert "about 2017 (entry 5" not in verified_said(seeded, seeded.store)

    noted_until(
        seeded,
        tmp_path,
        "inspection DI-1's notice 通报 naming 江南 (entry 3, dated 2017-02-01) is recorded "
        "as its entry 2 was: the same day, document, note and reason",
        "a notice 通报 or talk 约谈 like one on record is the same recorded twice",
        f"correct inspection DI-1 3 --reason 重复录入 {doc('2017-02-02')}",
        INSP,
        SESSION_28,
    )


def test_verify_notes_no_notice_nor_talk_told_apart(seeded: Fupin) -> None:
    seeded.ok(DISTRICT, INSP)
    seeded.ok(NOTICE.format("进度慢"), INSP)
    seeded.ok(NOTICE.format("进度慢，二次通报"), INSP)
    seeded.ok(TALK.format("未完成"), INSP)
    assert "under today's rules" not in verified_said(seeded, seeded.store)


def test_verify_notes_an_account_differing_from_one_before_it_in_case_only(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(OPEN.format("CITY-2017"), "qu-01")  # no look-alike: no note
    assert "under today's rules" not in verified_said(seeded, seeded.store)
    with pytest.MonkeyPatch.context() as before_the_rule:
        before_the_rule.setattr(FundCommands, "check_no_lookalike", lambda *args: None)
        seeded.ok(OPEN.format("CITY-2016"), "qu-01")

    noted_until(
        seeded,
        tmp_path,
        "fund account 'CITY-2016' (opened 2016-08-01) differs from 'city-2016' (opened "
        "2016-08-01, before it) only in the case of its letters",
        "an account differing from one on record only so is found by nobody who types the first",
        "",
        since=SESSION_28,
    )
