"""Round 15: an identification notice 公示 posted in error (for the wrong household, or with
dates typed wrong) could not be corrected: the household stayed under it, to be signed and
registered on a notice that was never posted. It is now voided with ``fupin correct household
NUMBER VERSION`` while nothing rests on it (no objection raised during it, no signature, no
registration): the household is back at its village review, to be noticed again."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc

VOID = "correct household JH-0004 {} --reason 公示日期录错 " + doc("2016-08-05")


def _notice(fupin: Fupin) -> int:
    """The version of JH-0004's notice (3-9 August 2016, the ``seeded`` fixture's)."""
    history = orjson.loads(fupin.ok("history JH-0004 --format json", "admin").stdout)
    return next(int(row["version"]) for row in history if row["event"] == "NoticePosted")


def _household(fupin: Fupin) -> list[object]:
    sql = "SELECT stage, notice_start, notice_end FROM pj_households WHERE number = 'JH-0004'"
    rows: list[list[object]] = orjson.loads(fupin.ok(f'query "{sql}" --format json').stdout)["rows"]
    return rows[0]


def test_a_notice_posted_in_error_is_voided_and_posted_again(seeded: Fupin) -> None:
    assert _household(seeded) == ["under-notice", "2016-08-03", "2016-08-09"]

    seeded.ok(VOID.format(_notice(seeded)), "jn-01")

    assert _household(seeded) == ["reviewed", None, None]
    before = seeded.event_count()
    signed = seeded(f"household sign JH-0004 {doc('2016-08-06')}", "jn-01")
    assert_refused(signed, "stage", "JH-0004 is reviewed")
    assert seeded.event_count() == before
    notice = "household notice JH-0004 --start 2016-08-10 --end 2016-08-16 " + doc("2016-08-10")
    seeded.ok(notice, "jn-01")
    assert _household(seeded) == ["under-notice", "2016-08-10", "2016-08-16"]
    assert seeded("projections check", "admin").exit_code == 0
    assert seeded("verify", "admin").exit_code == 0


def test_a_notice_objected_to_or_signed_is_not_voided(seeded: Fupin) -> None:
    version = _notice(seeded)
    seeded.ok(f"household sign JH-0004 {doc('2016-08-04')}", "jn-01")
    before = seeded.event_count()

    refused = seeded(VOID.format(version), "jn-01")

    assert_refused(refused, "version", "JH-0004 signed to confirm it (2016-08-04): correct the")
    seeded.ok(f"household object JH-0004 o-1 --summary 收入不实 {doc('2016-08-05')}", "jn-01")
    refused = seeded(VOID.format(version), "jn-01")
    assert_refused(refused, "version", "objection 'o-1' was raised during this notice")
    assert seeded.event_count() == before + 1  # the objection alone
