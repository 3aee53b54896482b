"""Session 20, tester X (a newly posted street officer): a household entered in the wrong
village could never be put right once registered (``amend`` had no ``--village``; a correction
never voids an identification), so its caseload and its payments stayed filed under the wrong
village for good. ``fupin household amend NUMBER --village V`` restates it, from the start,
within the household's own street: its row, and the rows of the payments made to it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from cli.main import app
from ledger.application import open_ledger
from ledger.base import Provenance
from ledger.household import Household

from tests.cli.conftest import Fupin, assert_refused, doc, reimported

PAY = (
    "fund disburse city-2016 --amount 100 --category education --purpose household "
    "--household JH-0001 --measure m-1"
)
AMEND = f"household amend JH-0001 --village 江南社区 --reason 村录错 {doc('2016-08-20')}"


def _rows(fupin: Fupin, sql: str, *options: str) -> list[list[object]]:
    found = fupin.runner.invoke(app, [*options, "query", sql, "--format", "json"])
    assert found.exit_code == 0, found.output
    rows: list[list[object]] = orjson.loads(found.stdout)["rows"]
    return rows


def test_a_village_amended_holds_for_the_household_and_its_payments(seeded: Fupin) -> None:
    seeded.ok(f"{PAY} {doc('2016-08-15')}", "qu-01")

    amended = seeded.ok(AMEND, "jn-01")
    seeded.ok(f"{PAY} {doc('2016-08-25')}", "qu-01")  # after it: the village as amended

    assert amended.stdout.strip() == (
        "household JH-0001 amended: village 雄光 → 江南社区 (the village from the start; a "
        "real move from a date is fupin household move JH-0001)"
    )
    households = "SELECT street, village FROM pj_households WHERE number = 'JH-0001'"
    assert _rows(seeded, households) == [["江南", "江南社区"]]
    paid = "SELECT paid_on, village FROM pj_disbursements WHERE household = 'JH-0001' ORDER BY 1"
    assert _rows(seeded, paid) == [["2016-08-15", "江南社区"], ["2016-08-25", "江南社区"]]
    history = orjson.loads(seeded.ok("history JH-0001 --format json", "admin").stdout)
    assert [e["details"].get("was") for e in history if e["event"] == "Amended"] == [
        {"village": "雄光"}
    ]
    assert seeded("verify", "admin").exit_code == 0
    checked = seeded("projections check", "admin")  # a rebuild gives the same rows
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the command's rules: no SQL
@pytest.mark.parametrize(
    ("line", "actor", "field", "rule"),
    [
        (
            f"household amend JH-0001 --village 新创 --reason 村录错 {doc('2016-08-20')}",
            "jn-01",
            "village",
            "'新创' is not a village of street 江南",
        ),
        (
            f"household amend JH-0001 --village 雄光 --reason 村录错 {doc('2016-08-20')}",
            "jn-01",
            "village",
            "is already '雄光': nothing to amend",
        ),
        (AMEND, "ll-01", "as", "江南"),
        (
            f"household amend JH-0001 --village 江南社区 --reason 村录错 {doc('2016-07-31')}",
            "jn-01",
            "effective",
            "JH-0001 was identified only on 2016-08-01",
        ),
    ],
)
def test_a_village_amendment_the_rules_refuse_writes_nothing(
    seeded: Fupin, line: str, actor: str, field: str, rule: str
) -> None:
    before = seeded.event_count()

    assert_refused(seeded(line, actor), field, rule)
    assert seeded.event_count() == before


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_village_amendment_is_exported_and_imported_again(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(AMEND, "jn-01")

    imported = reimported(seeded, tmp_path)

    assert imported.exit_code == 0, imported.output
    fresh = ("--store", str(tmp_path / "fresh.db"))
    sql = "SELECT village FROM pj_households WHERE number = 'JH-0001'"
    assert _rows(seeded, sql, *fresh) == [["江南社区"]]


def test_verify_reports_a_village_of_another_street_written_into_the_store(
    seeded: Fupin,
) -> None:
    """Tester A, session 20: the command refuses it (the street's villages are another
    record's), but one written into the file otherwise passed verify, and the reports filed
    the household's money under another street's village."""
    ledger = open_ledger(seeded.store)
    try:
        household = ledger.load(Household, "JH-0001", "household")
        prov = Provenance("jn-01", "officer", date(2016, 8, 20), "伪造", "")
        household.amend({"village": "新创"}, "改村", prov)  # 礼乐's
        ledger.save(household)
    finally:
        ledger.close()

    found = seeded("verify", "admin")

    assert found.exit_code == 1, found.output
    assert "its record's rules refuse it (village: '新创' is not a village of street 江南)" in (
        " ".join(found.output.split())
    )


def test_verify_reports_an_amendment_and_a_correction_by_another_streets_officer(
    seeded: Fupin,
) -> None:
    """Tester A, session 20: written into the file, a 礼乐 officer's amendment and
    correction of a 江南 household passed verify ("every event's recorder was an active
    officer allowed to record it"); the commands refuse both."""
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "jn-01")
    ledger = open_ledger(seeded.store)
    try:
        household = ledger.load(Household, "JH-0001", "household")
        visit = household.version  # the visit just recorded
        prov = Provenance("ll-01", "officer", date(2016, 9, 2), "伪造", "")
        household.amend({"disabled": True}, "改", prov)
        household.correct(visit, "作废", prov)
        ledger.save(household)
    finally:
        ledger.close()

    found = " ".join(seeded("verify", "admin").output.split())

    assert "an officer of street '礼乐' amended a record of street '江南', beyond their own" in (
        found
    )
    assert "an officer of street '礼乐' corrected an entry of street '江南', beyond their own" in (
        found
    )


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_an_amend_sheet_takes_the_village_under_identifys_header(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Tester G: amend's village column was headed 村, every other village column
    村（社区）: a sheet with one village column could not serve both commands."""
    path = tmp_path / "amend.csv"
    path.write_text(
        "ref,actor,effective,document,note,kind,key,村（社区） village,reason\n"
        "A-1,,2016-08-20,更正登记,,household,JH-0001,江南社区,村名录错\n",
        encoding="utf-8",
    )

    seeded.ok(f"import {path}", "jn-01")

    assert _rows(seeded, "SELECT village FROM pj_households WHERE number = 'JH-0001'") == [
        ["江南社区"]
    ]
