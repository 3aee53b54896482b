"""Session 35, tester d (F1): ``report caseload``'s totals leave out households turned down at
their village review (status ``rejected``), which its rows list, so the report row was not the
sum of its rows, and only docs/reports.md said why. The table says it under the rows now, and
CSV and JSON on stderr (their stdout stays the report alone)."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "the report's words: SQLite is enough"

NOTE = "totals leave out the 1 household, 3 people turned down at their village review"


def test_the_caseload_says_its_totals_leave_the_rejected_out(seeded: Fupin) -> None:
    assert NOTE not in seeded.ok("report caseload").stdout  # none rejected yet
    seeded.ok(f"household review JH-0002 --rejected {doc('2016-08-02')}", "jn-01")

    table = seeded.ok("report caseload")
    as_json = seeded.ok("report caseload --format json")

    assert NOTE in table.stdout
    assert NOTE in as_json.stderr
    report = orjson.loads(as_json.stdout)
    rejected = [r for r in report["by_status"] if r["status"] == "rejected"]
    assert [(r["households"], r["people"]) for r in rejected] == [(1, 3)]
    listed = sum(r["households"] for r in report["by_status"])
    assert report["totals"]["households"] == listed - 1
