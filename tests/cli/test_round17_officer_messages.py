"""Session 17's tester, as street officer jn-01: refusals that named the wrong rule or no way on.

- A notice whose ``--end`` is before its ``--start`` was refused as lasting "-5 days; the plan
  needs 7": it is refused as an end before the start, with both dates (the identification
  notice and the exit notice alike).
- ``correct helper c-1 1`` (its registration) by jn-01 was refused on ``as`` ("works for street
  '江南', not the district"), while an admin was told the entry is not correctable: an entry
  that is none a correction voids, or no entry at all, is refused on ``version`` for anyone;
  the permission is checked after it, as before, for an entry that is correctable.
- The assessment an exit rests on was refused with no way on: the refusal says to withdraw
  the exit under way first, or to have the district void an approved exit's approval and then
  withdraw the exit (or why its approval stands).
"""

from __future__ import annotations

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ASSESSED = "the 2016 exit rests on this assessment"


def _version_of_last(fupin: Fupin, kind: str, key: str, event: str) -> int:
    entries = orjson.loads(fupin.ok(f"history --kind {kind} {key} --format json").stdout)
    return int(next(e["version"] for e in reversed(entries) if e["event"] == event))


def _refused_unwritten(fupin: Fupin, line: str, actor: str, field: str, rule: str) -> None:
    before = fupin.event_count()
    assert_refused(fupin(line, actor), field, rule)
    assert fupin.event_count() == before


# -- a notice ending before it starts ------------------------------------------------------------


@pytest.mark.parametrize("end", ["2016-08-03", "2016-08-08"], ids=["days-before", "day-before"])
@pytest.mark.parametrize("dated", ["", " -e 2016-08-09"], ids=["by-start", "by-e"])
def test_a_notice_ending_before_its_start_is_refused_as_such(
    seeded: Fupin, end: str, dated: str
) -> None:
    _refused_unwritten(
        seeded,
        f"household notice JH-0003 --start 2016-08-09 --end {end} -d 公示{dated}",
        "jn-01",
        "end",
        f"the notice ends {end}, before its start 2016-08-09: a notice runs from its start to "
        "its end, both included, at least 7 days [四(一)]",
    )


def test_an_exit_notice_ending_before_its_start_is_refused_as_such(seeded: Fupin) -> None:
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}", "jn-01")
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-01')}", "jn-01")
    seeded.ok(f"household verify-exit JH-0001 {doc('2016-12-02')}", "jn-01")

    _refused_unwritten(
        seeded,
        "household exit-notice JH-0001 --start 2016-12-10 --end 2016-12-03 -d 退出公示",
        "jn-01",
        "end",
        "the notice ends 2016-12-03, before its start 2016-12-10: a notice runs from its start "
        "to its end, both included, at least 7 days",
    )
    # A notice too short, its end after its start, is refused as before.
    _refused_unwritten(
        seeded,
        "household exit-notice JH-0001 --start 2016-12-03 --end 2016-12-08 -d 退出公示",
        "jn-01",
        "end",
        "the notice lasts 6 days; the plan needs 7",
    )


# -- an entry no correction voids, before the permission -----------------------------------------


@pytest.mark.parametrize("officer", ["jn-01", "ll-01"])
def test_an_entry_that_is_not_correctable_is_refused_on_version_for_a_street_officer(
    seeded: Fupin, officer: str
) -> None:
    seeded.ok(f"helper employ e-1 JH-0001 --since 2016-09-01 {doc('2016-09-01')}", "jn-01")
    employed = _version_of_last(seeded, "helper", "e-1", "WorkerEmployed")
    void = "correct {} {} {} --reason 录错 " + doc("2016-10-01")

    _refused_unwritten(
        seeded,
        void.format("helper", "c-1", 1),
        officer,
        "version",
        "1 is not a correctable entry here (correctable: EmploymentEnded, WorkerEmployed)",
    )
    _refused_unwritten(
        seeded,
        void.format("helper", "e-1", employed + 5),
        officer,
        "version",
        f"there is no entry {employed + 5}: this record's entries run from 1 to {employed}",
    )
    _refused_unwritten(
        seeded,
        void.format("household", "JH-0001", 99_999),
        officer,
        "version",
        "there is no entry 99999: this record's entries run from 1 to ",
    )
    if officer == "ll-01":  # a correctable entry of another street: the permission, as before
        _refused_unwritten(
            seeded,
            void.format("helper", "e-1", employed),
            officer,
            "as",
            "ll-01 works for street '礼乐', not '江南'",
        )
    else:  # jn-01 may correct the employment of a household of its street
        seeded.ok(void.format("helper", "e-1", employed), officer)


# -- the assessment an exit rests on: the way on -------------------------------------------------


def _proposed(fupin: Fupin) -> int:
    """JH-0001's 2016 exit proposed; the version of the assessment it rests on."""
    fupin.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}", "jn-01")
    fupin.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-01')}", "jn-01")
    return _version_of_last(fupin, "household", "JH-0001", "IncomeAssessed")


def _approved(fupin: Fupin) -> tuple[int, int]:
    """JH-0001's 2016 exit approved: the assessment's version and the approval's."""
    assessed = _proposed(fupin)
    fupin.ok(f"household verify-exit JH-0001 {doc('2016-12-02')}", "jn-01")
    notice = "household exit-notice JH-0001 --start 2016-12-03 --end 2016-12-09 "
    fupin.ok(notice + doc("2016-12-03"), "jn-01")
    fupin.ok(f"household approve-exit JH-0001 {doc('2016-12-20')}", "qu-01")
    return assessed, _version_of_last(fupin, "household", "JH-0001", "ExitAdvanced")


def _void(version: int, day: str) -> str:
    return f"correct household JH-0001 {version} --reason 收入核算有误 {doc(day)}"


def test_the_assessment_of_an_exit_under_way_says_to_withdraw_it_first(seeded: Fupin) -> None:
    assessed = _proposed(seeded)
    withdraw = (
        f"{ASSESSED}: withdraw the exit under way first (fupin household withdraw-exit "
        "JH-0001), then correct the assessment"
    )

    _refused_unwritten(seeded, _void(assessed, "2016-12-05"), "jn-01", "version", withdraw)
    seeded.ok(f"household verify-exit JH-0001 {doc('2016-12-02')}", "jn-01")
    seeded.ok(
        "household exit-notice JH-0001 --start 2016-12-03 --end 2016-12-09 " + doc("2016-12-03"),
        "jn-01",
    )
    _refused_unwritten(seeded, _void(assessed, "2016-12-05"), "jn-01", "version", withdraw)

    seeded.ok(f"household withdraw-exit JH-0001 --reason 收入有误 {doc('2016-12-06')}", "jn-01")
    seeded.ok(_void(assessed, "2016-12-06"), "jn-01")


def test_the_assessment_of_an_approved_exit_says_to_void_the_approval_first(
    seeded: Fupin,
) -> None:
    assessed, approval = _approved(seeded)

    _refused_unwritten(
        seeded,
        _void(assessed, "2016-12-25"),
        "jn-01",
        "version",
        f"{ASSESSED}: the district voids its approval first (fupin correct household JH-0001 "
        f"{approval} --reason …), then the exit is withdrawn (fupin household withdraw-exit "
        "JH-0001)",
    )
    # The way it names leads to the correction.
    seeded.ok(_void(approval, "2016-12-25"), "qu-01")
    seeded.ok(f"household withdraw-exit JH-0001 --reason 收入有误 {doc('2016-12-25')}", "jn-01")
    seeded.ok(_void(assessed, "2016-12-25"), "jn-01")


def test_the_assessment_of_an_exit_a_return_rests_on_says_why_the_approval_stands(
    seeded: Fupin,
) -> None:
    assessed, approval = _approved(seeded)
    recognised = "--disaster 台风 --authority 江海区应急管理局 "
    seeded.ok(f"household return JH-0001 recognised {recognised}{doc('2017-01-05')}", "qu-01")

    _refused_unwritten(
        seeded,
        _void(assessed, "2017-01-06"),
        "jn-01",
        "version",
        f"{ASSESSED}; its approval (entry {approval}) stands: a return of JH-0001 is "
        "recognised (2017-01-05): an exit a return was raised against stays on record",
    )
    for step in ("applied", "reviewed", "approved"):
        seeded.ok(f"household return JH-0001 {step} {doc('2017-01-06')}", "qu-01")
    _refused_unwritten(
        seeded,
        _void(assessed, "2017-01-07"),
        "jn-01",
        "version",
        f"{ASSESSED}: a return ended that exit, which stays on record, and so does its assessment",
    )
