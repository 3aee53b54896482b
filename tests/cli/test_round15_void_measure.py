"""Round 15: a measure 帮扶措施 planned in error (the wrong category, budget or household) could
not be corrected: it stayed in the household's plan 一户一策 for good, and its category decided
what every payment to it could be. It is now voided with ``fupin correct household NUMBER
VERSION``, once nothing rests on it (its completion and its payments are voided first); its id
stays used, and the voided measure leaves the dossier, the reports and the clock."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc, reimported

VOID = "correct household JH-0001 {} --reason 类别录错 " + doc("2016-09-01")
PLAN_M2 = f"household plan-measure JH-0001 m-2 --category industry {doc('2016-09-02')}"
PAY = (
    "fund disburse city-2016 --amount 100 --category education --purpose household "
    f"--household JH-0001 --measure m-1 {doc('2016-08-20')}"
)


def _planned(fupin: Fupin, measure: str = "m-1") -> int:
    """The version of the entry that planned ``measure`` for JH-0001."""
    history = orjson.loads(fupin.ok("history JH-0001 --format json", "admin").stdout)
    return next(
        int(row["version"])
        for row in history
        if row["event"] == "MeasurePlanned" and row["details"]["measure"]["measure_id"] == measure
    )


def _measures(fupin: Fupin, *options: str) -> list[str]:
    """JH-0001's measures in its dossier (``options`` go before the command: ``--store``)."""
    shown = fupin.runner.invoke(app, [*options, "household", "show", "JH-0001", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    return [row["measure_id"] for row in orjson.loads(shown.stdout)["measures"]]


def test_a_measure_planned_in_error_is_voided_and_its_id_stays_used(seeded: Fupin) -> None:
    planned = _planned(seeded)
    assert _measures(seeded) == ["m-1"]

    voided = seeded.ok(VOID.format(planned), "jn-01")

    assert _measures(seeded) == []
    history = orjson.loads(seeded.ok("history JH-0001 --format json", "admin").stdout)
    assert history[-1]["event"] == "Corrected"
    assert history[-1]["details"]["corrects"] == planned
    assert "Traceback" not in voided.output
    before = seeded.event_count()
    again = seeded(
        f"household plan-measure JH-0001 m-1 --category industry {doc('2016-09-02')}", "jn-01"
    )
    assert_refused(again, "measure", f"'m-1' of JH-0001 was voided (entry {planned})")
    assert seeded.event_count() == before
    seeded.ok(PLAN_M2, "jn-01")
    assert _measures(seeded) == ["m-2"]
    assert seeded("projections check", "admin").exit_code == 0


def test_a_paid_measure_is_voided_only_once_its_payment_is(seeded: Fupin) -> None:
    seeded.ok(PAY, "qu-01")
    planned = _planned(seeded)
    before = seeded.event_count()

    refused = seeded(VOID.format(planned), "jn-01")

    assert_refused(refused, "version", "paid measure m-1: void that payment")
    # who voids it (session 34, tester a: jn-01 was sent to a correction only the district may
    # record)
    assert (
        "by an officer who records on city-2016: the district for a city or district account) "
        "first, then the measure"
    ) in refused.stderr
    assert seeded.event_count() == before
    query = "query 'SELECT version FROM pj_disbursements' --format json"
    funds = orjson.loads(seeded.ok(query).stdout)
    [[paid]] = funds["rows"]
    seeded.ok(f"correct fund city-2016 {paid} --reason 错付 {doc('2016-09-01')}", "qu-01")
    seeded.ok(VOID.format(planned), "jn-01")
    assert _measures(seeded) == []


def test_an_exit_whose_only_measure_is_voided_is_flagged(seeded: Fupin) -> None:
    """The measure was never part of the plan: the accountability report's exit faults read the
    measures there are, so an exit proposed with no other measure lacks one."""
    for line in (
        f"household agree JH-0001 {doc('2016-08-20')}",
        f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}",
        f"household propose-exit JH-0001 2016 {doc('2016-12-01')}",
    ):
        seeded.ok(line, "jn-01")

    def lacking() -> list[str]:
        found = seeded.ok("report accountability --as-of 2016-12-31 --format json", "ana-1")
        return [row["detail"] for row in orjson.loads(found.stdout)["exit_faults"]]

    assert not any("no measure" in detail for detail in lacking())
    seeded.ok(VOID.format(_planned(seeded)), "jn-01")
    assert any("no measure 一户一策" in detail for detail in lacking())


def test_a_voided_measure_no_longer_sets_the_reports_today(seeded: Fupin) -> None:
    def today() -> str:
        found = seeded.ok("report accountability --format json", "ana-1").stdout
        return str(orjson.loads(found)["today"])

    was = today()
    plan = "household plan-measure JH-0001 m-9 --category industry --note 2026年补录 "
    plan += doc("2026-03-01")
    seeded.ok(plan, "jn-01")  # typed 2026 for 2016
    assert today() == "2026-03-01"
    seeded.ok(
        f"correct household JH-0001 {_planned(seeded, 'm-9')} --reason 年份录错 "
        f"{doc('2026-03-02')}",
        "jn-01",
    )
    assert today() == was


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_voided_measure_is_exported_and_imported_again(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(VOID.format(_planned(seeded)), "jn-01")
    seeded.ok(PLAN_M2, "jn-01")

    imported = reimported(seeded, tmp_path)

    assert imported.exit_code == 0, imported.output
    assert _measures(seeded, "--store", str(tmp_path / "fresh.db")) == ["m-2"]
