"""Session 19, tester U (keeper of the plan's rules): an exit proposed on an income at the
threshold went on to verification and approval after the year was assessed anew below it;
only the accountability report said ``income-below``. Each step after the proposal now
needs the year's latest assessment at the threshold (2016, rural: 8100.00 yuan)."""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the exit's own rule: SQLite is enough (tests/conftest.py)"

# since session 37 (tester j F05) said as assessed, not "now assessed": the threshold may be
# what moved; and the withdrawal's command given whole
BELOW = (
    "JH-0001's 2016 income as assessed, 5000.00 yuan, is below the 2016 threshold 8100.00 yuan: "
    "an exit rests on the year's latest assessment and its threshold as set; withdraw the exit "
    "(fupin household withdraw-exit JH-0001 --reason …) or assess the year again"
)


def assess(fupin: Fupin, income: str, day: str) -> None:
    fupin.ok(f"household assess JH-0001 2016 --income {income} {doc(day)}", "jn-01")


def test_an_exit_goes_on_only_while_the_years_latest_assessment_reaches_the_threshold(
    seeded: Fupin,
) -> None:
    assess(seeded, "8100.00", "2016-11-20")
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-01')}", "jn-01")
    assess(seeded, "5000.00", "2016-12-02")
    before = seeded.event_count()

    refused = seeded(f"household verify-exit JH-0001 {doc('2016-12-03')}", "jn-01")

    assert_refused(refused, "income", BELOW)
    assert seeded.event_count() == before
    assess(seeded, "8200.00", "2016-12-04")  # assessed again
    seeded.ok(f"household verify-exit JH-0001 {doc('2016-12-05')}", "jn-01")
    seeded.ok(
        f"household exit-notice JH-0001 --start 2016-12-06 --end 2016-12-12 {doc('2016-12-06')}",
        "jn-01",
    )
    assess(seeded, "5000.00", "2016-12-13")
    approval = seeded(f"household approve-exit JH-0001 {doc('2016-12-14')}", "qu-01")
    assert_refused(approval, "income", BELOW)
    seeded.ok(
        f"household withdraw-exit JH-0001 --reason 收入复核未达标 {doc('2016-12-14')}", "jn-01"
    )


def test_a_step_out_of_order_is_refused_for_its_order_first(seeded: Fupin) -> None:
    result = seeded(f"household verify-exit JH-0001 {doc('2016-12-03')}", "jn-01")

    assert result.exit_code == 2, result.output
    assert "refused step: " in result.stderr
