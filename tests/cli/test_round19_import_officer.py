"""Session 19, tester O (a street clerk doing the year's work from spreadsheets):

- ``--as`` a name no officer has imported a file whose rows were all on record: exit 0, and
  the name was told which rows of it the ledger holds (every reader refuses it);
- a propose_exit row refused for its income named the household's income without saying
  whose, or that it is the year's assessment (the sheet has no income column);

and tester P (a provincial auditor): a household's receipt of a payment voided on its account
was not marked voided in the household's history."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the import's own check of who runs it: SQLite is enough (tests/conftest.py)"

ALLOCATION = (
    "编号,记录人,生效日期,文件,备注,账户,金额\nAL-A,qu-01,2016-10-01,追加拨款A,,city-2016,100.00\n"
)


@pytest.mark.parametrize("dry", ["", "--dry-run "])
def test_an_import_by_no_officer_is_refused_even_with_nothing_new(
    seeded: Fupin, tmp_path: Path, dry: str
) -> None:
    sheet = tmp_path / "资金到账.csv"
    sheet.write_text(ALLOCATION, encoding="utf-8")
    seeded.ok(f"import {sheet}", "qu-01")
    before = seeded.event_count()

    result = seeded(f"import {dry}{sheet}", "nobody")

    assert_refused(result, "as", "'nobody' is not a registered officer")
    assert "already imported" not in result.output
    assert seeded.event_count() == before
    again = seeded(f"import {dry}{sheet}", "qu-01")
    assert again.exit_code == 0, again.output
    assert ("1 already imported" if dry else "skipped 1 already imported (of 1)") in again.stdout


def test_an_exit_refused_for_its_income_names_the_household_and_the_assessment(
    seeded: Fupin,
) -> None:
    seeded.ok(f"household assess JH-0001 2016 --income 6050.00 {doc('2016-11-20')}", "jn-01")

    result = seeded(f"household propose-exit JH-0001 2016 {doc('2016-12-01')}", "jn-01")
    missing = seeded(f"household propose-exit JH-0001 2017 {doc('2017-12-01')}", "jn-01")

    assert_refused(result, "income", "JH-0001's 2016 income (assessed) of 6050.00 yuan is below")
    assert_refused(missing, "income", "JH-0001 has no income assessment for 2017")


def test_a_households_receipt_of_a_voided_payment_is_marked_voided_in_its_history(
    seeded: Fupin,
) -> None:
    """Tester P, session 19: the account's history marked the payment voided, the household's
    did not mark its receipt, so its receipts summed from history counted the money."""
    seeded.ok(
        "fund disburse city-2016 --amount 100 --category education --purpose household "
        f"--household JH-0001 --measure m-1 {doc('2016-09-01')}",
        "qu-01",
    )
    account = orjson.loads(seeded.ok("history city-2016 --kind fund --format json", "admin").stdout)
    paid = account[-1]["version"]
    seeded.ok(f"correct fund city-2016 {paid} --reason 金额录错 {doc('2016-09-02')}", "qu-01")

    entries = orjson.loads(seeded.ok("history JH-0001 --format json", "admin").stdout)
    table = seeded.ok("history JH-0001", "admin").stdout

    receipt = next(e for e in entries if e["event"] == "FundsReceived")
    voided = next(e for e in entries if e["event"] == "ReceiptVoided")
    assert receipt["voided_by"] == voided["version"]
    assert [e["version"] for e in entries if "voided_by" in e] == [receipt["version"]]
    assert f"FundsReceived 资金到户 (voided by #{voided['version']})" in table


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_an_imported_exit_refused_for_its_income_names_no_column_it_lacks(
    seeded: Fupin, tmp_path: Path, kind: str
) -> None:
    # Session 34, tester c: a 拟退出 sheet's row was refused as "row 3, income: …", a column its
    # sheet does not have (the income is a 收入核查 row's); its own columns are named as before.
    seeded.ok(f"household assess JH-0001 2016 --income 6050.00 {doc('2016-11-20')}", "jn-01")
    if kind == "csv":
        sheet = tmp_path / "拟退出.csv"
        sheet.write_text(
            "编号,记录人,生效日期,文件,备注,户号,年度\nEX-1,jn-01,2016-12-01,拟退出,,JH-0001,2016\n"
            "EX-2,jn-01,2016-12-01,拟退出,,JH-9999,2016\n",
            encoding="utf-8",
        )
    else:
        sheet = tmp_path / "exits.jsonl"
        rows = [
            {"command": "propose_exit", "ref": ref, "actor": "jn-01", "effective": "2016-12-01"}
            | {"document": "拟退出", "args": {"household": number, "year": 2016}}
            for ref, number in (("EX-1", "JH-0001"), ("EX-2", "JH-9999"))
        ]
        sheet.write_bytes(b"\n".join(orjson.dumps(row) for row in rows) + b"\n")
    before = seeded.event_count()

    result = seeded(f"import {sheet}", "jn-01")

    assert result.exit_code == 2, result.output
    assert (
        "income (not a column of this row): JH-0001's 2016 income (assessed) of 6050.00 yuan "
        "is below"
    ) in result.stderr
    column = "户号" if kind == "csv" else "household"  # as the file heads it
    assert f"{column}: no household 'JH-9999' on record" in result.stderr
    assert seeded.event_count() == before
