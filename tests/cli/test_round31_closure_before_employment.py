"""Session 31, helper n: since session 25 a household is not closed 注销 while an enterprise's
employment of one of its workers stands past the closure's date, and the refusal said "end it
first, on or before the closure … or void it if it never was". For an employment that began
after the closure's date that first way cannot be followed: ``helper end-employment`` refuses an
end dated before the employment began ("JH-0001 was employed by e-1 only on …"). Since session
31 such a refusal names the ways that can: void the employment if it never was, or, if it was,
end it and date the closure on or after its end (an employment already ended: its end's day).
One that began on or before the closure's date keeps the first advice, which it can follow.

(The brief asked this of ``fupin verify``'s note of an employment standing past a closure; a
ledger holding one that began on or after the closure failed verify's pass since session 25, at
the employment or the closure, so that note was never shown of one. Since session 32 it is,
with the ways out that can be followed: tests/cli/test_round32_employment_closure_spared.py.)"""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round30_under_way_past_closure import CLOSE, JN

STORE_INDEPENDENT = "a closure and an employment on the enterprise's record: SQLite is enough"

#: what a closure dated 2016-12-20 is told of e-1's employment (entry 2) since 2017-01-05
AFTER = (
    "the closure is dated 2016-12-20; e-1's employment of a worker of JH-0001 since 2017-01-05 "
    "(entry 2{0}) stands past it: it began after the closure's date, so no end of it is on or "
    "before it: void it if it never was (fupin correct helper e-1 2 --reason …), or, if it "
    "was, {1}"
)
STANDING = AFTER.format(
    "",
    "end it (fupin helper end-employment e-1 JH-0001 -e DATE) and date the closure on or after "
    "its end",
)
ENDED = AFTER.format(
    ", ended only on 2017-01-10", "date the closure on or after its end, 2017-01-10"
)
#: the advice an employment from before the closure is given (since session 25)
END_FIRST = "end it first, on or before the closure"


def _employed_from(fupin: Fupin, since: str) -> None:
    """JH-0001 agreed and assessed for 2016, and e-1 employs a worker of it from ``since``
    (entry 2 of e-1)."""
    fupin.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    fupin.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    fupin.ok(f"helper employ e-1 JH-0001 --since {since} {doc(since)}", JN)


def _close_refused(fupin: Fupin, day: str) -> str:
    """JH-0001's closure dated ``day`` refused on ``household``, nothing written: what it said,
    on one line."""
    before = fupin.event_count()
    refused = fupin(CLOSE.format(day), JN)
    assert_refused(refused, "household", "the closure is dated")
    assert fupin.event_count() == before
    return " ".join(refused.stderr.split())


def _clean(fupin: Fupin) -> None:
    """``fupin verify`` passes with no note under today's rules."""
    verified = fupin.ok("verify", "admin").stdout
    assert "under today's rules" not in verified, verified


def test_an_employment_begun_after_the_closure_date_is_told_to_be_voided(seeded: Fupin) -> None:
    _employed_from(seeded, "2017-01-05")

    said = _close_refused(seeded, "2016-12-20")

    assert STANDING in said, said
    assert END_FIRST not in said
    # the first way: it never was, voided; the closure is then taken
    seeded.ok(f"correct helper e-1 2 --reason 录错户 {doc('2017-01-06')}", JN)
    seeded.ok(CLOSE.format("2016-12-20"), JN)
    _clean(seeded)


def test_or_ended_and_the_closure_dated_on_or_after_its_end(seeded: Fupin) -> None:
    _employed_from(seeded, "2017-01-05")
    # the advice it was given before cannot be followed: no end before it began
    assert_refused(
        seeded(f"helper end-employment e-1 JH-0001 {doc('2016-12-20')}", JN),
        "effective",
        "JH-0001 was employed by e-1 only on 2017-01-05",
    )

    seeded.ok(f"helper end-employment e-1 JH-0001 {doc('2017-01-10')}", JN)
    said = _close_refused(seeded, "2016-12-20")

    assert ENDED in said, said
    assert END_FIRST not in said
    seeded.ok(CLOSE.format("2017-01-10"), JN)
    _clean(seeded)


def test_an_employment_begun_on_the_closure_date_is_told_to_end_first(seeded: Fupin) -> None:
    _employed_from(seeded, "2016-12-20")

    said = _close_refused(seeded, "2016-12-20")

    assert (
        "stands past it: end it first, on or before the closure (fupin helper end-employment "
        "e-1 JH-0001 -e DATE), or void it if it never was (fupin correct helper e-1 2 --reason …)"
    ) in said, said
    # and it can be followed: ended on the closure's date, its first day
    seeded.ok(f"helper end-employment e-1 JH-0001 {doc('2016-12-20')}", JN)
    seeded.ok(CLOSE.format("2016-12-20"), JN)
    _clean(seeded)
