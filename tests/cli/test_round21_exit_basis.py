"""The assessment an exit proposal rests on, on ledgers of every age (a reviewer, session 21).

Since session 21 a proposal rests on its year's latest live assessment dated by it, and its
event names it (``ExitProposed.basis``). A proposal recorded before names none: the ledger
reads it as it did then (the latest live one whose income the event carries), or a ledger
whose proposal was dated before a same-income assessment entered earlier would rest, read by
the new rule, on another assessment, and ``fupin verify`` would fail a correction the ledger
took when it was recorded.
"""

from __future__ import annotations

from datetime import date

from ledger.application import open_ledger
from ledger.base import Provenance
from ledger.household import Household

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import stamp

STORE_INDEPENDENT = "the ledger's own replay and its read models, the same code on either store"

JN = "jn-01"
RESTS = "the 2016 exit rests on this assessment"
PROPOSED = date(2017, 1, 5)


def _two_alike_then_a_proposal(fupin: Fupin, *, legacy: bool) -> tuple[int, int]:
    """JH-0001's 2016 income assessed at 9,000 yuan twice, dated 2017-01-20 (entered first)
    and 2016-12-01, then an exit proposed on 2017-01-05: as recorded today, or (``legacy``)
    as a ledger before session 21 recorded it, its event naming no assessment. The two
    assessments' versions: (dated after the proposal, dated before it)."""
    fupin.ok(f"household assess JH-0001 2016 --income 9000 {doc('2017-01-20')}", JN)
    fupin.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    app = open_ledger(str(fupin.store))
    try:
        before, after = app.household("JH-0001").income_entries[2016]
        if legacy:
            threshold = app.programme().exit_threshold(2016, "rural")

            def propose(household: Household, prov: Provenance) -> None:
                household._exit_proposed(2016, 900_000, threshold, prov)  # as before session 21

            app.on_household(stamp(JN, PROPOSED), "propose_exit", "JH-0001", propose)
        else:
            app.propose_exit(stamp(JN, PROPOSED), "JH-0001", 2016)
    finally:
        app.close()
    return after, before


def _correct(fupin: Fupin, version: int) -> str:
    return f"correct household JH-0001 {version} --reason 重复录入 -d 更正 -e 2017-01-21"


def test_a_proposal_rests_on_the_assessment_dated_by_it_and_says_so(seeded: Fupin) -> None:
    after, before = _two_alike_then_a_proposal(seeded, legacy=False)

    assert_refused(seeded(_correct(seeded, before), JN), "version", RESTS)
    seeded.ok(_correct(seeded, after), JN)
    assert seeded.ok("verify", "admin").exit_code == 0


def test_an_older_proposal_naming_none_rests_where_the_ledger_put_it_then(
    seeded: Fupin,
) -> None:
    after, before = _two_alike_then_a_proposal(seeded, legacy=True)

    # as the ledger read it before session 21: the latest live assessment of that income
    assert_refused(seeded(_correct(seeded, after), JN), "version", RESTS)
    seeded.ok(_correct(seeded, before), JN)
    assert seeded.ok("verify", "admin").exit_code == 0
    assert seeded.ok("projections check", "admin").exit_code == 0


# -- a later year below its threshold, entered after the proposal --------------------------


def test_a_later_year_below_its_threshold_entered_after_the_proposal_stops_the_exit(
    seeded: Fupin,
) -> None:
    # tester E, session 21: the same facts entered the other way round went through
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2017-01-15')}", JN)
    seeded.ok(f"household assess JH-0001 2017 --income 5000 {doc('2017-01-10')}", JN)
    before = seeded.event_count()

    result = seeded(f"household verify-exit JH-0001 {doc('2017-01-16')}", JN)

    assert_refused(
        result,
        "income",
        "JH-0001's 2017 income was assessed at 5000.00 yuan on 2017-01-10 (entry ",
    )
    assert "no exit for 2016 while a later year's income is below its threshold: " in result.stderr
    assert "withdraw the exit (fupin household withdraw-exit JH-0001)" in result.stderr
    assert seeded.event_count() == before


def test_a_later_year_assessed_below_after_the_verification_stops_the_approval(
    seeded: Fupin,
) -> None:
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2017-01-15')}", JN)
    seeded.ok(f"household verify-exit JH-0001 {doc('2017-01-16')}", JN)
    seeded.ok("household exit-notice JH-0001 --start 2017-01-17 --end 2017-01-23 -d 公示", JN)
    # dated after the notice began: the notice stands, the approval on a later day does not
    seeded.ok(f"household assess JH-0001 2017 --income 5000 {doc('2017-01-20')}", JN)
    before = seeded.event_count()

    result = seeded(f"household approve-exit JH-0001 {doc('2017-01-25')}", "qu-01")

    assert_refused(result, "income", "JH-0001's 2017 income was assessed at 5000.00 yuan")
    assert seeded.event_count() == before
