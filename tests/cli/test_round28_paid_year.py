"""Tester A, session 28 (a district finance officer): ``report funds``' ``disbursements``
section's ``year`` is the paying account's (budget) year, not the year the money was paid: a
2018 account's payment of 2019-12-20 was listed under ``year: 2018`` alone, while
``per_person`` counted it as paid late. The section keeps ``year`` and shows beside it
``paid_year``, the calendar year of the payment's effective date, in every format
(docs/reports.md)."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
from openpyxl import load_workbook

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "the report's own columns: SQLite is enough (tests/conftest.py)"

PAY = "fund disburse city-2016 --amount {} --purpose working --category working {}"
COLUMNS = [
    *("year", "paid_year", "source", "category", "street", "village", "purpose"),
    *("amount_fen", "count"),
]


def _paid_in_two_years(seeded: Fupin) -> Fupin:
    seeded.ok(PAY.format(10, doc("2016-09-01")), "qu-01")
    seeded.ok(PAY.format(7, doc("2017-12-20")), "qu-01")
    return seeded


def test_a_payment_is_shown_under_its_accounts_year_and_the_year_it_was_paid(
    seeded: Fupin,
) -> None:
    fupin = _paid_in_two_years(seeded)

    report: dict[str, Any] = orjson.loads(fupin.ok("report funds --format json", "admin").stdout)

    rows = report["disbursements"]
    assert [list(row) for row in rows] == [COLUMNS] * len(rows)
    assert [(r["year"], r["paid_year"], r["amount_fen"], r["count"]) for r in rows] == [
        (2016, 2016, 1_000, 1),
        (2016, 2017, 700, 1),
    ]


def test_the_csv_and_the_table_show_the_column_beside_year(seeded: Fupin) -> None:
    fupin = _paid_in_two_years(seeded)

    written = fupin.ok("report funds --format csv", "admin").stdout
    table = fupin.ok("report funds", "admin").stdout

    header = ",".join(COLUMNS)
    assert header in written.splitlines()
    block = written.split(header + "\n", 1)[1].split("\n\n", 1)[0]
    assert list(csv.reader(io.StringIO(block)))[:2] == [
        ["2016", "2016", "city", "working", "", "", "working", "1000", "1"],
        ["2016", "2017", "city", "working", "", "", "working", "700", "1"],
    ]
    assert "paid_year" in table


def test_the_workbook_shows_it_too(seeded: Fupin) -> None:
    fupin = _paid_in_two_years(seeded)

    result = fupin.ok("export report funds --format xlsx", "admin")

    sheet = load_workbook(io.BytesIO(result.stdout_bytes))["disbursements"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == COLUMNS
    assert [row[:2] for row in rows[1:]] == [[2016, 2016], [2016, 2017]]
