"""Session 29, tester D (a policy expert on income lines and exits): ``household assess``
recording an income below the line after the exit it carried was approved printed only
"recorded", and ``report accountability`` then listed ``income-below``. Since session 29 it
says so, as ``programme set-year`` says it of a corrected threshold; the assessment is a fact,
recorded, and the command exits 0."""

from __future__ import annotations

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "the assessment's own words after it is recorded: SQLite is enough"

JN = "jn-01"
BELOW = "household assess JH-0001 2016 --income 8099.99 " + doc("2016-12-20")


def _approved(fupin: Fupin) -> None:
    """JH-0001's 2016 exit on 9000 yuan (threshold 8100) approved on 2016-12-12."""
    fupin.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    fupin.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    fupin.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)
    fupin.ok(f"household verify-exit JH-0001 {doc('2016-12-03')}", JN)
    fupin.ok("household exit-notice JH-0001 --start 2016-12-04 --end 2016-12-10 -d 公示", JN)
    fupin.ok(f"household approve-exit JH-0001 {doc('2016-12-12')}", "qu-01")


def test_an_assessment_below_the_line_after_an_approved_exit_says_the_exit_is_now_a_fault(
    seeded: Fupin,
) -> None:
    _approved(seeded)
    before = seeded.event_count()

    said = seeded.ok(BELOW, JN)

    assert seeded.event_count() == before + 1
    lines = said.stdout.strip().splitlines()
    assert lines == [
        "household JH-0001: 2016 income 8099.99 yuan per person recorded",
        "the 2016 exit of JH-0001 (approved on 2016-12-12) now rests on an income below the "
        "2016 threshold 8100.00 yuan: fupin report accountability lists it (exit_faults, "
        "income-below)",
    ]


def test_an_assessment_below_the_line_during_an_exit_says_its_next_step_is_refused(
    seeded: Fupin,
) -> None:
    seeded.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)

    said = seeded.ok(BELOW.replace("2016-12-20", "2016-12-03"), JN)

    assert "the 2016 exit of JH-0001 (proposed on 2016-12-02) now rests on an income below" in (
        " ".join(said.stdout.split())
    )
    assert "its next step is refused until the exit is withdrawn" in " ".join(said.stdout.split())


def test_an_assessment_at_the_line_or_with_no_exit_says_only_recorded(seeded: Fupin) -> None:
    seeded.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    said = seeded.ok(BELOW, JN)  # below the line, but no exit on record
    assert said.stdout.strip().splitlines() == [
        "household JH-0001: 2016 income 8099.99 yuan per person recorded"
    ]
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-21')}", JN)
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-22')}", JN)
    again = seeded.ok(f"household assess JH-0001 2016 --income 8100 {doc('2016-12-23')}", JN)
    assert again.stdout.strip().splitlines() == [
        "household JH-0001: 2016 income 8100.00 yuan per person recorded"
    ]
