"""Session 23: ``fupin verify`` replayed a village's amended flag (``VillageAmended``) and the
programme's amended rules (``RulesAmended``) by their records' own checks, but not the rules
their commands read elsewhere in the log (documented as "not yet" in session 22): a flag
amended to "not relatively poor" while a village payment to it stood, and an exit percentage
or notice length amended after an exit proposal or a notice it judged, each written into the
store by hand, verified. Now each is judged at its place in the log."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from ledger.application import open_ledger
from ledger.base import Provenance
from ledger.places import Street
from ledger.programme import PROGRAMME_CODE, Programme

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "verify's replay of amendments: SQLite is enough (tests/conftest.py)"

PAY = (
    "fund disburse city-2016 --amount 100 --category facilities --purpose village "
    "--street 江南 --village 雄光 "
)
FORGED = Provenance("admin", "admin", date(2016, 9, 2), "伪造", "")


def _unflag_by_hand(fupin: Fupin) -> None:
    """雄光 amended to "not relatively poor" past its command (which refuses it while a
    village payment to it stands), saved through the aggregate."""
    ledger = open_ledger(fupin.store)
    try:
        street = ledger.load(Street, "江南", "street")
        street._village_amended("雄光", False, True, "伪造", FORGED)
        ledger.save(street)
    finally:
        ledger.close()


def _amend_rules_by_hand(fupin: Fupin, **rules: Any) -> None:
    ledger = open_ledger(fupin.store)
    try:
        programme = ledger.load(Programme, PROGRAMME_CODE, "programme")
        amended = replace(programme.rules, **rules)
        programme._rules_amended(amended, programme.rules, "伪造", FORGED)
        ledger.save(programme)
    finally:
        ledger.close()


def _said(fupin: Fupin) -> str:
    found = fupin("verify", "admin")
    assert found.exit_code == 1, found.output
    return " ".join(found.output.split())


def test_a_village_unflagged_under_a_standing_payment_is_reported(seeded: Fupin) -> None:
    seeded.ok(PAY + doc("2016-09-01"), "qu-01")
    _unflag_by_hand(seeded)

    said = _said(seeded)

    assert "a payment to 雄光 (entry 3 of its account, log position" in said
    assert "the command refuses to amend the flag to false until it is voided" in said


def test_a_village_unflagged_once_its_payment_is_void_verifies(seeded: Fupin) -> None:
    seeded.ok(PAY + doc("2016-09-01"), "qu-01")
    seeded.ok(f"correct fund city-2016 3 --reason 误付 {doc('2016-09-02')}", "qu-01")
    seeded.ok(
        f"place amend-village 江南 雄光 --not-relatively-poor --reason 误标 {doc('2016-09-02')}",
        "admin",
    )

    assert seeded.ok("verify", "admin").stdout.startswith("verified ")


def test_a_payment_made_after_a_village_was_unflagged_is_not_held_against_it(
    seeded: Fupin,
) -> None:
    """Judged at the amendment's place in the log: a payment recorded after it (forged too,
    or an import's) is not what the amendment stood under."""
    _unflag_by_hand(seeded)  # nothing paid to 雄光 yet: the command allows it

    assert seeded.ok("verify", "admin").stdout.startswith("verified ")


def test_notice_days_amended_after_a_notice_are_reported(seeded: Fupin) -> None:
    _amend_rules_by_hand(seeded, notice_min_days=5)  # JH-0001's notice is on record

    said = _said(seeded)

    assert "it amends notice_min_days, which judged the NoticePosted at log position" in said
    assert "while a NoticePosted or ExitNoticed is on record" in said


def test_exit_percentages_amended_before_any_proposal_verify(seeded: Fupin) -> None:
    seeded.ok(
        f"programme amend --reason 录入错误 --rural-exit-percent 40 {doc('2016-08-20')}", "admin"
    )
    for line in (
        f"household agree JH-0001 {doc('2016-08-20')}",
        f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}",
        f"household propose-exit JH-0001 2016 {doc('2016-12-01')}",
    ):
        seeded.ok(line, "jn-01")

    assert seeded.ok("verify", "admin").stdout.startswith("verified ")

    _amend_rules_by_hand(seeded, rural_exit_percent=45)  # after the proposal now

    assert "it amends rural_exit_percent, which judged the ExitProposed" in _said(seeded)
