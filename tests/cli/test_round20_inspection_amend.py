"""Session 20 (a medium left from session 19, testers V and U): an inspection opened with its
year, street or scope typed wrong could not be corrected, and nothing under it could be moved
to the right one. ``fupin inspection amend CODE [--year] [--street] [--scope] --reason``
restates them, as a helper's or an officer's registration is amended: the event keeps what
each was; the code and level stay; a street inspection's street only while nothing stands
under it; by the inspectors (or an admin), never the street inspected."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from uuid import UUID

import orjson
import pytest
from cli.main import app
from ledger.application import open_ledger
from ledger.base import Provenance
from ledger.helpers import Helper
from ledger.household import Household
from ledger.inspections import Inspection

from tests.cli.conftest import Fupin, assert_refused, doc, reimported

STREET = f"inspection open SI-1 --level street --street 江南 --year 2016 {doc('2016-07-27')}"
DISTRICT = f"inspection open DI-1 --level district --year 2016 {doc('2016-12-01')}"

#: insp-ll, an inspector of 礼乐 (the seeded store has district inspectors only).
STREET_INSPECTOR_ADDED = (
    "officer add insp-ll --name 礼乐督查 --role inspector --street 礼乐 --unit 礼乐督查组 "
    "-d 任命 -e 2016-07-27"
)


def forge_amendment(
    fupin: Fupin, code: str, changes: dict[str, object], actor: str, role: str
) -> None:
    """An amendment of inspection ``code`` written into the store past its command's rules
    (through the aggregate), dated the day the inspection opened."""
    ledger = open_ledger(fupin.store)
    try:
        inspection = ledger.load(Inspection, code, "inspection")
        prov = Provenance(actor, role, inspection.opened_on, "伪造", "")
        inspection.amend(changes, "伪造", prov)
        ledger.save(inspection)
    finally:
        ledger.close()


def _inspection(fupin: Fupin, code: str, *options: str) -> list[object]:
    sql = f"SELECT level, year, street, scope FROM pj_inspections WHERE code = '{code}'"
    found = fupin.runner.invoke(app, [*options, "query", sql, "--format", "json"])
    assert found.exit_code == 0, found.output
    rows: list[list[object]] = orjson.loads(found.stdout)["rows"]
    return rows[0]


def test_an_inspector_amends_the_street_and_scope_of_an_empty_street_inspection(
    seeded: Fupin,
) -> None:
    seeded.ok(STREET, "insp-1")

    amended = seeded.ok(
        f"inspection amend SI-1 --street 礼乐 --scope 走访 --reason 街道录错 {doc('2016-07-28')}",
        "insp-1",
    )

    assert "inspection SI-1 amended: scope (none) → 走访, street 江南 → 礼乐" in amended.stdout
    assert _inspection(seeded, "SI-1") == ["street", 2016, "礼乐", "走访"]
    history = seeded.ok("history --kind inspection SI-1 --format json", "admin").stdout
    last = orjson.loads(history)[-1]
    assert (last["event"], last["details"]["was"]) == ("Amended", {"scope": "", "street": "江南"})
    # the findings now belong to the street it inspects
    seeded.ok(
        "inspection find SI-1 f1 --subject-kind village --subject 新创 "
        f"--deadline 2016-12-31 {doc('2016-08-01')}",
        "insp-1",
    )
    assert seeded("verify", "admin").exit_code == 0
    assert seeded("projections check", "admin").exit_code == 0


def test_the_year_of_an_inspection_with_findings_is_amended(seeded: Fupin) -> None:
    seeded.ok(f"inspection open DI-1 --level district --year 2016 {doc('2017-01-05')}", "insp-1")
    seeded.ok(
        "inspection find DI-1 f1 --subject-kind village --subject 雄光 "
        f"--deadline 2017-03-31 {doc('2017-01-06')}",
        "insp-1",
    )

    seeded.ok(f"inspection amend DI-1 --year 2017 --reason 年度录错 {doc('2017-01-07')}", "admin")

    assert _inspection(seeded, "DI-1")[:2] == ["district", 2017]
    assert seeded("verify", "admin").exit_code == 0


@pytest.mark.parametrize(
    ("line", "actor", "field", "rule"),
    [
        (
            f"inspection amend SI-1 --street 礼乐 --reason 录错 {doc('2016-07-28')}",
            "ll-01",
            "as",
            "fupin inspection amend needs admin or inspector",
        ),
        (
            f"inspection amend SI-1 --street 礼乐 --reason 录错 {doc('2016-07-28')}",
            "jn-01",
            "as",
            "fupin inspection amend needs admin or inspector",
        ),
        (
            f"inspection amend SI-1 --reason 录错 {doc('2016-07-28')}",
            "insp-1",
            "changes",
            "an amendment restates at least one of: scope, street, year",
        ),
        (
            f"inspection amend SI-1 --year 2017 --reason 录错 {doc('2016-07-28')}",
            "insp-1",
            "year",
            "an inspection of 2017's work is opened in 2017 or later, not on 2016-07-27",
        ),
        (
            f"inspection amend SI-1 --year 1999 --reason 录错 {doc('2016-07-28')}",
            "insp-1",
            "year",
            "1999 is outside the programme",
        ),
        (
            f"inspection amend SI-1 --street 江南 --reason 录错 {doc('2016-07-28')}",
            "insp-1",
            "street",
            "is already '江南': nothing to amend",
        ),
        (
            f"inspection amend SI-1 --street 东海 --reason 录错 {doc('2016-07-28')}",
            "insp-1",
            "street",
            "东海",
        ),
        (
            f"inspection amend SI-1 --scope ' ' --reason 录错 {doc('2016-07-28')}",
            "insp-1",
            "scope",
            "shows nothing",
        ),
        (
            f"inspection amend SI-1 --street 礼乐 --reason 录错 {doc('2016-07-20')}",
            "insp-1",
            "effective",
            "SI-1 was opened only on 2016-07-27",
        ),
        (
            f"inspection amend SI-1 --street 礼乐 --reason ' ' {doc('2016-07-28')}",
            "insp-1",
            "reason",
            "an amendment must say why",
        ),
        (
            f"inspection amend DI-1 --street 礼乐 --reason 录错 {doc('2016-12-02')}",
            "insp-1",
            "street",
            "DI-1 is a district inspection, which covers every street: it names none",
        ),
    ],
)
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the command's rules: no SQL
def test_an_amendment_the_rules_refuse_writes_nothing(
    seeded: Fupin, line: str, actor: str, field: str, rule: str
) -> None:
    seeded.ok(STREET, "insp-1")
    seeded.ok(DISTRICT, "insp-1")
    before = seeded.event_count()

    assert_refused(seeded(line, actor), field, rule)
    assert seeded.event_count() == before


def test_a_street_is_amended_only_once_what_stands_under_it_is_voided(seeded: Fupin) -> None:
    seeded.ok(STREET, "insp-1")
    seeded.ok(
        "inspection find SI-1 f1 --subject-kind household --subject JH-0001 "
        f"--deadline 2016-12-31 {doc('2016-08-20')}",
        "insp-1",
    )
    line = f"inspection amend SI-1 --street 礼乐 --reason 街道录错 {doc('2016-08-21')}"
    before = seeded.event_count()

    refused = seeded(line, "insp-1")

    assert_refused(
        refused,
        "street",
        "SI-1 holds 1 finding about 江南, judged against that street: void them first",
    )
    assert seeded.event_count() == before
    seeded.ok(f"correct inspection SI-1 2 --reason 录错 {doc('2016-08-21')}", "insp-1")
    seeded.ok(line, "insp-1")
    assert _inspection(seeded, "SI-1")[2] == "礼乐"


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_an_inspections_amendment_is_exported_and_imported_again(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(STREET, "insp-1")
    seeded.ok(
        f"inspection amend SI-1 --street 礼乐 --scope 走访 --reason 录错 {doc('2016-07-28')}",
        "insp-1",
    )

    imported = reimported(seeded, tmp_path)

    assert imported.exit_code == 0, imported.output
    fresh = ("--store", str(tmp_path / "fresh.db"))
    assert _inspection(seeded, "SI-1", *fresh) == ["street", 2016, "礼乐", "走访"]


def test_verify_reports_an_inspections_amendment_by_an_officer(seeded: Fupin) -> None:
    """The command refuses it; one written into the store otherwise is found."""
    seeded.ok(STREET, "insp-1")
    forge_amendment(seeded, "SI-1", {"scope": "自查"}, "jn-01", "officer")

    found = seeded("verify", "admin")

    assert found.exit_code == 1, found.output
    assert "officer amended an inspection; amend_inspection needs admin or inspector" in (
        found.output
    )


def test_verify_reports_an_inspection_amended_to_a_street_not_on_record(seeded: Fupin) -> None:
    seeded.ok(STREET, "insp-1")
    forge_amendment(seeded, "SI-1", {"street": "东海"}, "insp-1", "inspector")

    found = seeded("verify", "admin")

    assert found.exit_code == 1, found.output
    assert "its record's rules refuse it (street: no street '东海' on record)" in " ".join(
        found.output.split()
    )


def test_verify_takes_a_moved_inspection_as_its_new_streets(seeded: Fupin) -> None:
    """The reviewer, session 20: once SI-1 was moved from 江南 to 礼乐, 礼乐's own inspector
    amended it and voided a finding under it, as the commands let them, and verify said
    they reached beyond their street (it read the street the inspection was opened with)."""
    seeded.ok(STREET_INSPECTOR_ADDED, "admin")
    seeded.ok(STREET, "insp-1")
    seeded.ok(f"inspection amend SI-1 --street 礼乐 --reason 录错 {doc('2016-07-28')}", "insp-1")
    seeded.ok(f"inspection amend SI-1 --scope 走访 --reason 补 {doc('2016-07-29')}", "insp-ll")
    seeded.ok(
        "inspection find SI-1 f1 --subject-kind village --subject 新创 "
        f"--deadline 2016-12-31 {doc('2016-08-01')}",
        "insp-ll",
    )
    seeded.ok(f"correct inspection SI-1 4 --reason 错 {doc('2016-08-02')}", "insp-ll")

    found = seeded("verify", "admin")

    assert found.exit_code == 0, found.output


def test_verify_reports_an_inspectors_amendment_of_a_household_or_a_helper(
    seeded: Fupin,
) -> None:
    """The reviewer, session 20: with inspectors allowed to amend an inspection, one list of
    the roles any amendment may have let an inspector's amendment of a household or a helper
    pass (the commands refuse both)."""
    forged = Provenance("insp-1", "inspector", date(2016, 9, 2), "伪造", "")
    ledger = open_ledger(seeded.store)
    try:
        household = ledger.load(Household, "JH-0001", "household")
        household.amend({"disabled": True}, "改", forged)
        ledger.save(household)
        helper = ledger.load(Helper, "c-1", "helper")
        helper.amend({"unit": "某局"}, "改", forged)
        ledger.save(helper)
    finally:
        ledger.close()

    found = seeded("verify", "admin")

    assert found.exit_code == 1, found.output
    said = " ".join(found.output.split())
    assert "inspector amended a household; amend needs admin or officer" in said
    assert "inspector amended a helper; amend_helper needs admin or officer" in said


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # a row written into the file
def test_a_record_holding_an_event_it_cannot_take_is_refused_not_an_internal_error(
    seeded: Fupin,
) -> None:
    """Tester T: an ``Amended`` stored under ``Inspection.Amended`` (not the base class's topic
    the ledger writes) made every command on the inspection an internal error, exit 1."""
    seeded.ok(STREET, "insp-1")
    ledger = open_ledger(seeded.store)
    try:
        stored = ledger.recorder.select_events(Inspection.create_id("SI-1"))[-1]
        state = stored.state
    finally:
        ledger.close()
    with sqlite3.connect(seeded.store) as db:
        db.execute(
            "INSERT INTO stored_events VALUES (?, ?, ?, ?)",
            (
                UUID(str(stored.originator_id)).hex,
                stored.originator_version + 1,
                "ledger.inspections:Inspection.Amended",
                state,
            ),
        )

    refused = seeded(
        f"inspection amend SI-1 --scope 走访 --reason 补 {doc('2016-07-28')}", "insp-1"
    )

    assert refused.exit_code == 2, refused.output
    assert "Inspection.Amended at version 2 of record" in refused.stderr
    assert "`fupin verify` names the event" in " ".join(refused.stderr.split())
