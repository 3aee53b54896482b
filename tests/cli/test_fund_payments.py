"""``fupin fund``: what a payment names, and when accounts and payments may be dated [六(四)].

A payment names only what its purpose uses (a household and measure, or a street and village);
an option given to another purpose is refused, never stored: it would show a working expense in
a household's dossier, or file money under another street's village. An account takes effect no
earlier than the programme opened; a household is paid for the days it was assisted, whenever
the payment is entered.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from ledger.application import open_ledger
from ledger.funds import FundAccount

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import record_stray_payments, stamp

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

WORKING = "fund disburse city-2016 --amount 8 --category working --purpose working"
HOUSEHOLD = (
    "fund disburse city-2016 --amount 100 --category education --purpose household "
    "--household JH-0001 --measure m-1"
)


def funds_of(fupin: Fupin, number: str) -> list[dict[str, object]]:
    shown = fupin.ok(f"household show {number} --format json", actor="admin")
    funds: list[dict[str, object]] = json.loads(shown.stdout)["funds"]
    return funds


def refused(fupin: Fupin, line: str, actor: str, field: str, rule: str) -> None:
    before = fupin.event_count()
    assert_refused(fupin(line, actor=actor), field, rule)
    assert fupin.event_count() == before


@pytest.mark.parametrize(
    ("line", "field", "rule"),
    [
        (
            f"{WORKING} --household JH-0001",
            "household",
            "'JH-0001' given, but a payment of purpose working names no household",
        ),
        (
            "fund disburse city-2016 --amount 7 --category social-work --purpose organisation "
            "--street 礼乐 --village 新创",
            "street",
            "'礼乐' given, but a payment of purpose organisation names no household",
        ),
        (
            f"{HOUSEHOLD} --street 礼乐 --village 新创",
            "street",
            "a payment of purpose household names its household and measure (its street and "
            "village are the household's)",
        ),
    ],
)
def test_an_option_the_purpose_does_not_use_is_refused(
    seeded: Fupin, line: str, field: str, rule: str
) -> None:
    refused(seeded, f"{line} {doc('2016-09-02')}", "qu-01", field, rule)

    assert funds_of(seeded, "JH-0001") == []


def test_an_account_dated_before_the_programme_opened_is_refused(seeded: Fupin) -> None:
    refused(
        seeded,
        f"fund open city-1950 --source city --year 2016 {doc('1950-01-01')}",
        "qu-01",
        "effective",
        "the account is dated 1950-01-01; the programme opened only on 2016-07-26",
    )


def exit_jh_0001(fupin: Fupin) -> None:
    """JH-0001 exits: its approval takes effect on 2016-12-20."""
    app = open_ledger(fupin.store)
    try:
        day = date(2016, 12, 1)
        app.assess_income(stamp("jn-01", day), "JH-0001", 2016, 900_000)
        app.propose_exit(stamp("jn-01", day), "JH-0001", 2016)
        app.verify_exit(stamp("jn-01", day), "JH-0001")
        app.post_exit_notice(stamp("jn-01", day), "JH-0001", day, date(2016, 12, 7))
        app.approve_exit(stamp("qu-01", date(2016, 12, 20)), "JH-0001")
    finally:
        app.close()


def test_a_payment_made_before_the_exit_is_entered_after_its_approval(seeded: Fupin) -> None:
    exit_jh_0001(seeded)

    seeded.ok(f"{HOUSEHOLD} {doc('2016-11-15')}", actor="qu-01")

    assert [f["paid_on"] for f in funds_of(seeded, "JH-0001")] == ["2016-11-15"]
    refused(
        seeded,
        f"{HOUSEHOLD} {doc('2016-12-21')}",
        "qu-01",
        "effective",
        "the payment is dated 2016-12-21; JH-0001 exited on 2016-12-20",
    )


DISBURSE_CSV = "ref,actor,effective,document,account,amount,category,purpose,household,measure\n"


def test_an_imported_payment_naming_what_its_purpose_does_not_use_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = (
        "P-1,qu-01,2016-09-02,凭证1,city-2016,8,working,working,,\n"
        "P-2,qu-01,2016-09-02,凭证2,city-2016,7,social-work,organisation,NOPE-1,zz\n"
    )
    sheet = tmp_path / "disburse.csv"
    sheet.write_text(DISBURSE_CSV + rows)
    before = seeded.event_count()

    result = seeded(f"import {sheet}", actor="qu-01")

    assert result.exit_code == 2, result.output
    assert (
        "disburse.csv row 3, household: 'NOPE-1' given, but a payment of purpose organisation"
        in result.output
    )
    assert "Traceback" not in result.output
    assert seeded.event_count() == before


def test_a_payment_an_older_ledger_stored_with_a_stray_household_is_corrected(
    seeded: Fupin,
) -> None:
    """An older ledger may hold a working payment naming JH-0001 and an organisation payment
    naming NOPE-1 (never on record): ``correct fund`` voids each on the account alone."""
    app = open_ledger(seeded.store)
    try:
        working, organisation = record_stray_payments(app, "city-2016", "qu-01", "JH-0001")
    finally:
        app.close()
    before = seeded.event_count()

    for version in (organisation, working):
        seeded.ok(f"correct fund city-2016 {version} --reason 录错 {doc('2016-09-03')}", "qu-01")

    assert seeded.event_count() == before + 2
    app = open_ledger(seeded.store)
    try:
        fund = app.load(FundAccount, "city-2016", "account")
        assert (fund.balance_fen, set(fund.voided)) == (100_000, {working, organisation})
        assert app.household("JH-0001").received_fen == 0
    finally:
        app.close()
    assert funds_of(seeded, "JH-0001") == []


def test_a_street_account_is_paid_by_its_street_or_the_district_office_never_another_street(
    seeded: Fupin,
) -> None:
    # Session 37's tester l (F6) read the docs as forbidding the district office's payment;
    # the district office acts for every street (docs/privacy.md, Roles), in its money too
    seeded.ok(
        f"fund open street-JN-2016 --source street --year 2016 --street 江南 {doc('2016-08-01')}",
        "qu-01",
    )
    seeded.ok(f"fund allocate street-JN-2016 --amount 100 {doc('2016-08-02')}", "qu-01")
    pay = WORKING.replace("city-2016", "street-JN-2016") + f" {doc('2016-09-01')}"

    seeded.ok(pay, "qu-01")  # the district office
    seeded.ok(pay.replace("--amount 8", "--amount 9"), "jn-01")  # 江南's own officer
    refused(seeded, pay.replace("--amount 8", "--amount 7"), "ll-01", "as", "江南")


def test_a_correction_says_what_it_voided_and_stands_once_recorded(seeded: Fupin) -> None:
    # Session 37's tester l (F3): "fund city-2016 entry 3 corrected", nothing of what it
    # voided, and a correction of the wrong entry could not be voided, told only "not a
    # correctable entry here"
    seeded.ok(f"{WORKING} {doc('2016-09-01')}", "qu-01")
    paid = 3  # city-2016: opened (1), its allocation (2), this payment (3)
    said = seeded.ok(f"correct fund city-2016 {paid} --reason 录错 {doc('2016-09-02')}", "qu-01")

    assert said.stdout.strip() == (
        f"fund city-2016 entry {paid} corrected: its Disbursed of 2016-09-01, 8.00 yuan is void"
    )
    refused(
        seeded,
        f"correct fund city-2016 {paid + 1} --reason 更正错了 {doc('2016-09-03')}",
        "qu-01",
        "version",
        f"entry {paid + 1} is a correction 更正 (of entry {paid}), which stands once recorded: "
        f"if entry {paid} was right, record it again, its note saying why",
    )


def test_a_household_payment_above_the_largest_budget_a_measure_may_have_is_refused(
    seeded: Fupin,
) -> None:
    # Session 37's tester k (F18): fen typed as yuan, 2,500,000 yuan for a measure, was taken
    seeded.ok(f"fund allocate city-2016 --amount 3000000 {doc('2016-08-20')}", "qu-01")
    line = HOUSEHOLD.replace("--amount 100", "--amount {}") + f" {doc('2016-09-01')}"

    refused(
        seeded,
        line.format("2500000"),
        "qu-01",
        "amount",
        "2500000.00 yuan cannot be one payment to a household's measure: at most 1000000.00 yuan, "
        "the largest budget a measure may have (is it in fen, or does it have a digit too many?)",
    )
    seeded.ok(line.format("1000000"), "qu-01")  # at the bound: over m-1's budget, reported
