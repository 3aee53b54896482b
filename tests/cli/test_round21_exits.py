"""Session 21 (the street officer in charge of exits): the exit steps had no date bound, an
exit rested on a year's income while a later year's was below its threshold, a proposal was
judged on an assessment dated after it, and two refusals named the wrong thing.

- A year's exit is proposed by the year's closing day, 31 January of the next
  (``ledger.programme.closing_day``); its verification 核实, notice 公示 and approval by the
  programme's last closing day, 31 January 2019 (``ledger.programme.last_exit_day``).
- No exit for a year while a later year's income, as assessed by the proposal's date, is
  below that year's threshold: the refusal names the assessment.
- The proposal rests on the year's latest live assessment dated by it: one dated after it,
  even if recorded first, neither stops it nor is what it rests on (corrections and the
  accountability report's ``assessed-early`` read the same one).
- An exit notice takes no objection (the exit is withdrawn instead); an approved exit is not
  withdrawn, and the refusal names the correction that voids its approval.
"""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the exit commands' own rules and messages, the same code on either store"

JN, QU = "jn-01", "qu-01"


def assess(fupin: Fupin, year: int, income: int, on: str) -> None:
    fupin.ok(f"household assess JH-0001 {year} --income {income} {doc(on)}", JN)


def to_notice(fupin: Fupin, proposed: str, verified: str, start: str, end: str) -> None:
    fupin.ok(f"household propose-exit JH-0001 2016 {doc(proposed)}", JN)
    fupin.ok(f"household verify-exit JH-0001 {doc(verified)}", JN)
    fupin.ok(f"household exit-notice JH-0001 --start {start} --end {end} -d 公示", JN)


def exit_faults(fupin: Fupin) -> list[dict[str, object]]:
    report = fupin.ok("report accountability --format json", "admin").stdout
    faults: list[dict[str, object]] = orjson.loads(report)["exit_faults"]
    return faults


# -- 1. the exit steps are dated within the programme ------------------------------------------


def test_a_years_exit_proposed_after_its_closing_day_is_refused_naming_it(
    seeded: Fupin,
) -> None:
    assess(seeded, 2016, 9000, "2016-12-01")
    events = seeded.event_count()

    late = seeded(f"household propose-exit JH-0001 2016 {doc('2017-02-01')}", JN)
    far = seeded(f"household propose-exit JH-0001 2016 {doc('2020-01-05')}", JN)

    assert_refused(
        late,
        "effective",
        "the 2016 exit proposal is dated 2017-02-01, after 2017-01-31, the 2016 closing day",
    )
    assert_refused(far, "effective", "after 2017-01-31, the 2016 closing day")
    assert seeded.event_count() == events
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2017-01-31')}", JN)


def test_exit_steps_dated_after_the_programmes_last_closing_day_are_refused(
    seeded: Fupin,
) -> None:
    assess(seeded, 2016, 9000, "2016-12-01")
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)
    bound = "a 2016 exit is verified, noticed and approved by 2019-01-31, the closing day of "

    verified = seeded(f"household verify-exit JH-0001 {doc('2025-01-06')}", JN)
    assert_refused(verified, "effective", "the 2016 exit's verification 核实 is dated 2025-01-06")
    assert bound in verified.stderr
    seeded.ok(f"household verify-exit JH-0001 {doc('2019-01-20')}", JN)
    # a notice ending on the last day leaves no day for the approval after it
    noticed = seeded(
        "household exit-notice JH-0001 --start 2019-01-25 --end 2019-01-31 -d 公示", JN
    )
    assert_refused(noticed, "end", "the 2016 exit's notice ends 2019-01-31, leaving no day by")
    seeded.ok("household exit-notice JH-0001 --start 2019-01-21 --end 2019-01-27 -d 公示", JN)
    approved = seeded(f"household approve-exit JH-0001 {doc('2019-02-01')}", QU)
    assert_refused(approved, "effective", "the 2016 exit's approval is dated 2019-02-01")

    seeded.ok(f"household approve-exit JH-0001 {doc('2019-01-31')}", QU)


# -- 2. no exit while a later year's income is below its threshold -----------------------------


def test_no_exit_for_a_year_while_a_later_years_assessment_is_below_its_threshold(
    seeded: Fupin,
) -> None:
    assess(seeded, 2016, 9000, "2016-12-01")
    assess(seeded, 2017, 7000, "2017-01-10")  # the 2017 rural threshold is 8550 yuan
    events = seeded.event_count()

    refused = seeded(f"household propose-exit JH-0001 2016 {doc('2017-01-20')}", JN)

    assert_refused(
        refused,
        "income",
        "JH-0001's 2017 income was assessed at 7000.00 yuan on 2017-01-10 (entry ",
    )
    assert "below the 2017 threshold 8550.00 yuan: no exit for 2016" in refused.stderr
    assert seeded.event_count() == events
    # made before the 2017 assessment, the proposal stood on 2016's income alone
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2017-01-09')}", JN)


# -- 3. the assessment standing on the proposal's date -------------------------------------------


def test_an_exit_rests_on_the_assessment_dated_by_its_proposal_not_a_later_dated_one(
    seeded: Fupin,
) -> None:
    assess(seeded, 2017, 9000, "2017-11-05")
    assess(seeded, 2017, 9500, "2017-11-20")
    early = seeded(f"household propose-exit JH-0001 2017 {doc('2017-11-01')}", JN)
    assert_refused(
        early,
        "effective",
        "the exit proposal is dated 2017-11-01; its 2017 income was first assessed only on "
        "2017-11-05",
    )

    seeded.ok(f"household propose-exit JH-0001 2017 {doc('2017-11-10')}", JN)

    history = orjson.loads(seeded.ok("history JH-0001 --format json").stdout)
    proposed = history[-1]
    assert (proposed["event"], proposed["details"]["income_fen"]) == ("ExitProposed", 900_000)
    versions = {
        e["details"]["income_fen"]: e["version"] for e in history if e["event"] == "IncomeAssessed"
    }
    # the one it rests on stands; the later-dated one may be corrected
    rests = seeded(f"correct household JH-0001 {versions[900_000]} --reason 录错 -d 更正", "admin")
    assert_refused(rests, "version", "the 2017 exit rests on this assessment")
    seeded.ok(f"correct household JH-0001 {versions[950_000]} --reason 录错 -d 更正", "admin")


def test_the_report_judges_the_assessment_dated_by_the_proposal_as_the_ledger_does(
    seeded: Fupin,
) -> None:
    # September's is before the year's last quarter; November's, recorded before the
    # proposal but dated after it, is not what the exit rests on
    assess(seeded, 2016, 9000, "2016-09-20")
    assess(seeded, 2016, 9000, "2016-11-20")

    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-11-10')}", JN)

    early = [f for f in exit_faults(seeded) if f["fault"] == "assessed-early"]
    assert [f["detail"] for f in early] == [
        "the 2016 income it rests on was assessed 2016-09-20, before 2016-10-01: a year's "
        "income is known from its last quarter"
    ]
    assert seeded("verify", "admin").exit_code == 0


# -- 4. the refusals say what to do ------------------------------------------------------------


def test_an_objection_during_an_exit_notice_is_refused_saying_to_withdraw_the_exit(
    seeded: Fupin,
) -> None:
    assess(seeded, 2016, 9000, "2016-11-01")
    to_notice(seeded, "2016-11-02", "2016-11-03", "2016-11-04", "2016-11-10")

    refused = seeded(f"household object JH-0001 o-1 --summary 家有轿车 {doc('2016-11-05')}", JN)

    assert_refused(
        refused, "stage", "JH-0001's exit notice 公示 (to 2016-11-10) takes no objection"
    )
    assert "fupin household withdraw-exit JH-0001" in refused.stderr


def test_withdrawing_an_approved_exit_names_the_correction_that_voids_its_approval(
    seeded: Fupin,
) -> None:
    assess(seeded, 2016, 9000, "2016-11-01")
    to_notice(seeded, "2016-11-02", "2016-11-03", "2016-11-04", "2016-11-10")
    seeded.ok(f"household approve-exit JH-0001 {doc('2016-11-11')}", QU)
    approval = orjson.loads(seeded.ok("history JH-0001 --format json").stdout)[-1]["version"]

    refused = seeded(f"household withdraw-exit JH-0001 --reason 错 {doc('2016-11-12')}", JN)

    assert_refused(
        refused,
        "exit",
        f"JH-0001's exit was approved on 2016-11-11 (entry {approval}): an approved exit is "
        f"not withdrawn; the district voids an approval recorded in error (fupin correct "
        f"household JH-0001 {approval} --reason …)",
    )
