"""Session 24, tester: a village review 村评议 entered in error (forged with a stolen key, or
typed on the wrong household) could not be voided: ``correct household N V`` said "Reviewed is
not a correctable entry", and a rejected household could only be identified again under a new
number. A review, accepted or rejected, is a correctable entry: the household is back at its
identification, awaiting its review; refused while a notice 公示 rests on an acceptance. Both
stores: voiding a review runs read-model SQL (``pj_review_entries``) no integration test runs
on PostgreSQL (tests/conftest.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
from ledger.application import open_ledger
from ledger.verification import verify_ledger
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused, doc, history_rows, last_entry, reimported
from tests.support import identify, stamp

JN = "jn-01"


def _void(fupin: Fupin, number: str, version: int) -> Result:
    return fupin(f"correct household {number} {version} --reason 误录评议 {doc('2016-08-10')}", JN)


def _stage(fupin: Fupin, number: str, options: str = "") -> list[object]:
    shown = orjson.loads(fupin.ok(f"household show {number} --format json {options}").stdout)
    household = shown["household"]
    return [household["stage"], household["reviewed_on"]]


def _by_status(fupin: Fupin) -> dict[str, int]:
    report = orjson.loads(fupin.ok("report caseload --format json", "ana-1").stdout)
    return {row["status"]: row["households"] for row in report["by_status"]}


def test_a_rejection_entered_in_error_is_voided_and_the_household_reviewed_again(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"household review JH-0002 --rejected {doc('2016-08-02')}", JN)
    rejected = last_entry(seeded, "JH-0002", "Reviewed")
    assert _by_status(seeded).get("rejected") == 1
    recorded_at = str(history_rows(seeded, "JH-0002")[-1]["recorded_at"])

    voided = _void(seeded, "JH-0002", rejected)

    assert voided.exit_code == 0, voided.output
    assert _stage(seeded, "JH-0002") == ["identified", None]
    assert "rejected" not in _by_status(seeded)
    assert _by_status(seeded)["identified"] == 1
    # what was known before the correction still shows the review
    known = f"--known-at {recorded_at}"
    assert _stage(seeded, "JH-0002", known) == ["rejected", "2016-08-02"]
    assert seeded.ok("verify", "admin").exit_code == 0
    assert seeded.ok("projections check", "admin").exit_code == 0
    # the right review is recorded
    seeded.ok(f"household review JH-0002 --accepted {doc('2016-08-11')}", JN)
    assert _stage(seeded, "JH-0002") == ["reviewed", "2016-08-11"]
    assert seeded.ok("projections check", "admin").exit_code == 0
    fresh = reimported(seeded, tmp_path)
    assert fresh.exit_code == 0, fresh.output


def test_an_acceptance_is_voided_only_once_its_notice_is(seeded: Fupin) -> None:
    review = last_entry(seeded, "JH-0004", "Reviewed")
    notice = last_entry(seeded, "JH-0004", "NoticePosted")
    before = seeded.event_count()

    refused = _void(seeded, "JH-0004", review)

    assert_refused(
        refused,
        "version",
        f"the identification notice 公示 of JH-0004 (entry {notice}, from 2016-08-03) rests on "
        f"this review: correct it first (fupin correct household JH-0004 {notice} --reason …), "
        "then the "
        "review",
    )
    assert seeded.event_count() == before
    assert _void(seeded, "JH-0004", notice).exit_code == 0
    assert _void(seeded, "JH-0004", review).exit_code == 0
    assert _stage(seeded, "JH-0004") == ["identified", None]
    assert seeded.ok("verify", "admin").exit_code == 0
    assert seeded.ok("projections check", "admin").exit_code == 0


def test_a_registered_households_review_stands(seeded: Fupin) -> None:
    review = last_entry(seeded, "JH-0001", "Reviewed")
    notice = last_entry(seeded, "JH-0001", "NoticePosted")
    before = seeded.event_count()

    refused = _void(seeded, "JH-0001", review)

    assert_refused(
        refused,
        "version",
        f"JH-0001 is registered, past the identification notice 公示 posted on this review "
        f"(entry {notice}",
    )
    assert seeded.event_count() == before


def _shared(fupin: Fupin) -> list[object]:
    shown = orjson.loads(fupin.ok("household duplicates --format json", "admin").stdout)
    return [row["households"] for row in shown["shared_id_cards"]]


def test_a_household_whose_rejection_is_voided_is_compared_again(seeded: Fupin) -> None:
    seeded.ok(f"household review JH-0002 --rejected {doc('2016-08-02')}", JN)
    app = open_ledger(seeded.store)
    try:  # its head identified again under another number
        identify(app, "JH-0009", serial=2)
    finally:
        app.close()
    assert _shared(seeded) == []  # a household turned down is left out

    assert _void(seeded, "JH-0002", last_entry(seeded, "JH-0002", "Reviewed")).exit_code == 0

    assert _shared(seeded) == [["JH-0002", "JH-0009"]]


def test_verify_reports_a_review_voided_under_its_notice(seeded: Fupin) -> None:
    """Written into the file by hand: JH-0004's acceptance voided while it is under the notice
    posted on it; the command refuses it."""
    review = last_entry(seeded, "JH-0004", "Reviewed")
    app = open_ledger(seeded.store)
    try:
        household = app.household("JH-0004")
        household._corrected(
            review, "录错", app.authorise(stamp(JN, date(2016, 8, 10)), "correct", "江南")
        )
        app.save(household)

        reasons = [p.reason for p in verify_ledger(app.recorder, app.mapper).problems]
    finally:
        app.close()

    assert len(reasons) == 1
    assert reasons[0].startswith(
        "its record's rules refuse it (version: the identification notice 公示 of JH-0004"
    )


def test_a_review_whose_notice_drew_an_objection_stands_and_says_so(seeded: Fupin) -> None:
    # Re-test N, session 24: the refusal said to void the notice first, whose own refusal then
    # said a notice objected to stands: advice that led nowhere.
    seeded.ok(f"household object JH-0004 o-1 --summary 群众异议 {doc('2016-08-05')}", JN)
    review = last_entry(seeded, "JH-0004", "Reviewed")
    notice = last_entry(seeded, "JH-0004", "NoticePosted")
    before = seeded.event_count()

    refused = _void(seeded, "JH-0004", review)

    assert_refused(
        refused,
        "version",
        f"objection 'o-1' was raised during the identification notice 公示 posted on this "
        f"review (entry {notice}, from 2016-08-03; objected 2016-08-05): a notice objected to "
        "stands, and so does the review it rests on",
    )
    assert "correct it first" not in refused.stderr
    assert seeded.event_count() == before
