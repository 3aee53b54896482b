"""Session 25, a concurrency tester: events the commands refuse were on record (let in by a
race), and ``fupin verify`` passed them: a street officer's visits to a household of the street
they had been transferred from, and a village payment to a village amended to "not relatively
poor" before it. Verify now replays the street rule of ``ledger.authority`` for every event a
street officer records, and the village's flag as the log stood at a village payment. The
events are written into the store past their commands' checks, as a race could leave them."""

from __future__ import annotations

from datetime import date

from ledger.application import open_ledger
from ledger.base import Provenance
from ledger.funds import Disbursement, FundAccount
from ledger.household import Household, Personal

from tests.cli.conftest import Fupin, doc
from tests.support import id_card

STORE_INDEPENDENT = "verify's replay of the street rule: SQLite is enough (tests/conftest.py)"


def _visit_by_hand(fupin: Fupin, actor: str, day: date) -> None:
    """A visit to JH-0001 (江南) recorded by ``actor``, past ``fupin household visit``."""
    ledger = open_ledger(fupin.store)
    try:
        household = ledger.load(Household, "JH-0001", "household")
        household._visit_recorded("c-1", "走访", Provenance(actor, "officer", day, "走访记录", ""))
        ledger.save(household)
    finally:
        ledger.close()


def _village_payment_by_hand(fupin: Fupin, day: date) -> None:
    """A payment 到村 to 雄光 (江南) out of city-2016 by qu-01, past ``fupin fund disburse``."""
    ledger = open_ledger(fupin.store)
    try:
        account = ledger.load(FundAccount, "city-2016", "account")
        payment = Disbursement(10_000, "facilities", "village", street="江南", village="雄光")
        account._disbursed(payment, Provenance("qu-01", "officer", day, "拨付单", ""))
        ledger.save(account)
    finally:
        ledger.close()


def _identified_by_hand(fupin: Fupin, actor: str, street: str, village: str) -> None:
    """Household JH-0900 identified in ``street`` by ``actor``, past ``household identify``."""
    ledger = open_ledger(fupin.store)
    try:
        household = Household(
            number="JH-0900",
            street=street,
            village=village,
            area="rural",
            members=1,
            labour=True,
            willing=True,
            disabled=False,
            dibao=True,
            personal=Personal("户主", id_card(900), "", "", ("户主",)),
            prov=Provenance(actor, "officer", date(2016, 8, 20), "低保台账", ""),
        )
        ledger.save(household)
    finally:
        ledger.close()


def _said(fupin: Fupin) -> str:
    found = fupin("verify", "admin")
    assert found.exit_code == 1, found.output
    return " ".join(found.output.split())


def test_the_seeded_ledger_and_a_visit_in_the_officers_own_street_verify(seeded: Fupin) -> None:
    _visit_by_hand(seeded, "jn-01", date(2016, 8, 20))

    assert seeded.ok("verify", "admin").stdout.startswith("verified ")


def test_a_visit_by_an_officer_transferred_away_is_reported(seeded: Fupin) -> None:
    seeded.ok(f"household visit JH-0001 --helper c-1 --summary 走访 {doc('2016-08-20')}", "jn-01")
    seeded.ok(f"officer change jn-01 --role officer --street 礼乐 {doc('2016-09-01')}", "admin")
    refused = seeded(
        f"household visit JH-0001 --helper c-1 --summary 走访 {doc('2016-09-02')}", "jn-01"
    )
    assert refused.exit_code != 0
    assert "jn-01 works for street '礼乐', not '江南'" in refused.output
    _visit_by_hand(seeded, "jn-01", date(2016, 9, 2))

    said = _said(seeded)

    assert "1 problem(s)" in said  # the visit before the transfer stands
    assert "Household.VisitRecorded" in said
    assert "jn-01 worked for street '礼乐' (as recorded last before it)" in said
    assert "the entry is of street '江南'" in said
    assert "refused as: jn-01 works for street '礼乐', not '江南'" in said


def test_a_visit_by_another_streets_officer_is_reported(seeded: Fupin) -> None:
    _visit_by_hand(seeded, "ll-01", date(2016, 8, 20))

    said = _said(seeded)

    assert "refused as: ll-01 works for street '礼乐', not '江南'" in said


def test_a_village_payment_after_its_village_was_unflagged_is_reported(seeded: Fupin) -> None:
    seeded.ok(
        f"place amend-village 江南 雄光 --not-relatively-poor --reason 误标 {doc('2016-09-01')}",
        "admin",
    )
    _village_payment_by_hand(seeded, date(2016, 9, 2))

    said = _said(seeded)

    assert "Disbursed" in said
    assert "a village payment to 雄光 of 江南, which was not a relatively poor village" in said
    assert "refused village: 雄光 is not a relatively poor village 相对贫困村" in said


def test_a_village_payment_before_its_village_was_unflagged_is_the_amendments(
    seeded: Fupin,
) -> None:
    """Paid while 雄光 was relatively poor: the payment stands; the amendment after it is
    what verify reports (session 23), not the payment."""
    _village_payment_by_hand(seeded, date(2016, 9, 2))

    assert seeded.ok("verify", "admin").stdout.startswith("verified ")


def test_a_second_exit_proposal_names_the_one_under_way(seeded: Fupin) -> None:
    """Four officers proposed one household's exit at once: the losers were told only
    "an exit is already proposed". The refusal names the proposal that stands."""
    for line in (
        f"household agree JH-0001 {doc('2016-08-20')}",
        f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}",
        f"household propose-exit JH-0001 2016 {doc('2016-12-01')}",
    ):
        seeded.ok(line, "jn-01")

    refused = seeded(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", "qu-01")

    assert refused.exit_code != 0
    said = " ".join(refused.output.split())
    assert "refused exit: an exit is already proposed: entry " in said
    assert "of JH-0001, the 2016 exit proposed by jn-01, recorded " in said
    assert "effective 2016-12-01" in said
    assert "Traceback" not in refused.output


def test_an_identification_in_another_street_is_reported(seeded: Fupin) -> None:
    """An identification carries its own street: a 礼乐 officer's of a 江南 household is
    reported (verify judges it without a call in its pass only when the streets agree)."""
    _identified_by_hand(seeded, "ll-01", "江南", "雄光")

    said = _said(seeded)

    assert "Household.Identified" in said
    assert "refused as: ll-01 works for street '礼乐', not '江南'" in said


def test_an_identification_in_the_officers_own_street_verifies(seeded: Fupin) -> None:
    _identified_by_hand(seeded, "jn-01", "江南", "雄光")

    assert seeded.ok("verify", "admin").stdout.startswith("verified ")
