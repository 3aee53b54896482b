"""The same allocation or payment recorded twice (tester B, session 16).

A street officer typed an allocation in; the district admin then imported the 台账 holding
the same line: the import's check of rows imported before saw only rows that came in by an
import, and the account held the money twice. An allocation or payment like one on record
(the same day, document, note and amount or payment, not voided) is now refused, typed or
imported; a second one for real has a document of its own. An export replayed into a new
store keeps two alike that a ledger holds (each row names one recorded event).
"""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

from ledger.application import open_ledger
from ledger.funds import Disbursement, FundAccount

from tests.cli.conftest import Fupin, assert_refused, reimported
from tests.support import stamp

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ALLOCATE = "fund allocate city-2016 --amount 500 -d 拨款通知9号 -e 2016-09-01"
PAY = (
    "fund disburse city-2016 --amount 120 --category education --purpose household "
    "--household JH-0001 --measure m-1 -d 支出凭证3号 -e 2016-09-02"
)


def _balance(fupin: Fupin) -> int:
    with closing(open_ledger(fupin.store)) as app:
        account = app.get_by_id(FundAccount.create_id("city-2016"))
        assert isinstance(account, FundAccount)
        return account.balance_fen


def test_an_allocation_typed_in_and_then_imported_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(ALLOCATE, "qu-01")
    sheet = tmp_path / "receive_allocation.csv"
    sheet.write_text(
        "ref,effective,document,account,amount\nAL-1,2016-09-01,拨款通知9号,city-2016,500\n",
        encoding="utf-8",
    )
    before, balance = seeded.event_count(), _balance(seeded)

    result = seeded(f"import {sheet}", "qu-01")

    assert result.exit_code == 2, result.output
    assert (
        "row 2, document: city-2016 already received 500.00 yuan on 2016-09-01 under document "
        "'拨款通知9号' (entry " in result.stderr
    )
    assert (seeded.event_count(), _balance(seeded)) == (before, balance)


def test_the_same_command_twice_is_refused_and_another_document_is_not(seeded: Fupin) -> None:
    seeded.ok(ALLOCATE, "qu-01")
    seeded.ok(PAY, "qu-01")
    before = seeded.event_count()

    assert_refused(seeded(ALLOCATE, "qu-01"), "document", "city-2016 already received 500.00")
    assert_refused(
        seeded(PAY, "qu-01"),
        "document",
        "city-2016 already paid 120.00 yuan on 2016-09-02 (household JH-0001, measure m-1) "
        "under document '支出凭证3号'",
    )
    assert seeded.event_count() == before
    seeded.ok(ALLOCATE.replace("拨款通知9号", "拨款通知10号"), "qu-01")
    seeded.ok(PAY.replace("支出凭证3号", "支出凭证4号"), "qu-01")
    seeded.ok(f"{ALLOCATE} --note 第二笔", "qu-01")  # a note says what sets it apart
    seeded.ok(f"{PAY} --note 第二笔", "qu-01")


def test_a_voided_allocation_may_be_recorded_again(seeded: Fupin) -> None:
    seeded.ok(ALLOCATE, "qu-01")
    with closing(open_ledger(seeded.store)) as app:
        version = app.get_by_id(FundAccount.create_id("city-2016")).version  # type: ignore[union-attr]
    seeded.ok(
        f"correct fund city-2016 {version} --reason 金额录错 -d 更正单 -e 2016-09-03", "qu-01"
    )

    seeded.ok(ALLOCATE, "qu-01")


def test_an_export_replays_two_alike_a_ledger_holds(seeded: Fupin, tmp_path: Path) -> None:
    # A ledger written before the rule may hold two alike: its export replays as it was.
    with closing(open_ledger(seeded.store)) as app:
        account = app.get_by_id(FundAccount.create_id("city-2016"))
        assert isinstance(account, FundAccount)
        prov = app.authorise(stamp("qu-01", date(2016, 9, 1)), "receive_allocation", "")
        account.receive(50_000, prov, alike_ok=True)
        account.receive(50_000, prov, alike_ok=True)
        pay = app.authorise(stamp("qu-01", date(2016, 9, 2)), "disburse", "")
        for _ in range(2):
            account.disburse(Disbursement(1_000, "working", "working"), pay, alike_ok=True)
        app.save(account)
    balance = _balance(seeded)

    result = reimported(seeded, tmp_path)

    assert result.exit_code == 0, result.output
    with closing(open_ledger(str(tmp_path / "fresh.db"))) as fresh:
        account = fresh.get_by_id(FundAccount.create_id("city-2016"))
        assert isinstance(account, FundAccount)
        assert account.balance_fen == balance


def test_a_row_borrowing_an_exports_ref_form_is_not_spared(seeded: Fupin, tmp_path: Path) -> None:
    # An export's allocations and payments may be like one on record (a ledger may hold two
    # alike): a row that only borrowed the form of their refs was spared the check too
    # (tester D; the reviewer: its own account at entry 1, another record the payment
    # touches).
    seeded.ok(ALLOCATE, "qu-01")
    seeded.ok(PAY, "qu-01")
    with closing(open_ledger(seeded.store)) as app:
        account = app.get_by_id(FundAccount.create_id("city-2016"))
        household = app.household("JH-0001")
        assert account is not None
        entry, paid = account.version + 1, household.version + 1
    allocation = "2016-09-01,拨款通知9号,,city-2016,500"
    payment = "2016-09-02,支出凭证3号,,city-2016,120,education,household,JH-0001,m-1"
    for name, header, line, ref in [
        ("receive_allocation", "account,amount", allocation, "fund:nosuch@1"),
        ("receive_allocation", "account,amount", allocation, "fund:city-2016@1"),
        ("receive_allocation", "account,amount", allocation, f"fund:city-2016@{entry + 3}"),
        ("receive_allocation", "account,amount", allocation, "programme:jianghai@1"),
        (
            "disburse",
            "account,amount,category,purpose,household,measure",
            payment,
            f"household:JH-0001@{paid}",
        ),
    ]:
        sheet = tmp_path / f"{name}.csv"
        sheet.write_text(f"ref,effective,document,note,{header}\n{ref},{line}\n", encoding="utf-8")
        before, balance = seeded.event_count(), _balance(seeded)

        result = seeded(f"import {sheet}", "qu-01")

        assert result.exit_code == 2, (ref, result.output)
        assert "row 2, document: city-2016 already " in result.stderr, (ref, result.stderr)
        assert (seeded.event_count(), _balance(seeded)) == (before, balance)


def test_an_export_of_a_keyed_officers_changes_replays(seeded: Fupin, tmp_path: Path) -> None:
    # A signing key's registration is not exported: the officer's later entries carry higher
    # numbers than the replay gives them. A first version of the check above refused them.
    made = seeded.ok(f"keys new --out {tmp_path / 'jn02.pem'}").stdout
    public = next(line.split()[-1] for line in made.splitlines() if line.startswith("public key"))
    seeded.ok(
        "officer add jn-02 --name 王五 --role officer --street 江南 -d 任命 -e 2016-08-01", "admin"
    )
    seeded.ok(f"keys register jn-02 {public} -d 备案 -e 2016-08-02", "admin")
    seeded.ok("officer retire jn-02 --reason 调离 -d 免职 -e 2016-09-01", "admin")

    result = reimported(seeded, tmp_path)

    assert result.exit_code == 0, result.output
