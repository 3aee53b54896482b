"""Round 13: a pairing 结对帮扶 typed in error is voided with ``fupin correct``.

A helper paired with the wrong household could never be removed: ``household unpair`` is
refused before the exit (不脱贫不脱钩, about real helpers leaving), and ``correct`` refused the
``HelperPaired`` entry. The pairing that never happened then owed a visit every quarter
(false missed visits), held one of the three cadre places, and an enterprise's one household
一对一. Now its ``HelperPaired`` is voided as other entries are: from the start, in every
report and ``--as-of`` view; ``--known-at`` before the correction still shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import figures

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

PAIRING = "江南扶贫〔2016〕9号"
VOID = "--reason 录错户 -d 更正单"


def history(fupin: Fupin, number: str = "JH-0001") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = orjson.loads(fupin.ok(f"history {number} --format json").stdout)
    return found


def version_of(fupin: Fupin, event: str, number: str = "JH-0001", **details: str) -> int:
    """The version of ``number``'s last ``event`` whose details hold ``details``."""
    found = [
        e["version"]
        for e in history(fupin, number)
        if e["event"] == event and all(e["details"].get(k) == v for k, v in details.items())
    ]
    assert found, (event, details)
    return int(found[-1])


def report(fupin: Fupin, name: str, view: str = "") -> dict[str, Any]:
    found: dict[str, Any] = orjson.loads(
        fupin.ok(f"report {name} --format json {view}", "admin").stdout
    )
    return found


def missed(fupin: Fupin, view: str = "") -> list[tuple[str, str, str]]:
    return [
        (m["household"], m["helper"], m["quarter"])
        for m in report(fupin, "accountability", view)["missed_visits"]
    ]


def pair(fupin: Fupin, helper: str, effective: str, number: str = "JH-0001") -> None:
    fupin.ok(f"household pair {number} {helper} -d {PAIRING} -e {effective}", "jn-01")


def visit(fupin: Fupin, helper: str, effective: str) -> None:
    fupin.ok(f"household visit JH-0001 --helper {helper} --summary 走访 {doc(effective)}", "jn-01")


def void(fupin: Fupin, version: int, effective: str, actor: str = "jn-01") -> None:
    fupin.ok(f"correct household JH-0001 {version} {VOID} -e {effective}", actor)


def refused(fupin: Fupin, line: str, field: str, rule: str, actor: str = "jn-01") -> None:
    before = fupin.event_count()

    result = fupin(line, actor=actor)

    assert_refused(result, field, rule)
    assert fupin.event_count() == before


def wrongly_paired_with_c2(seeded: Fupin) -> int:
    """JH-0001 (c-1 paired on 2016-08-11 by ``seeded``) paired with c-2 by mistake on
    2016-08-20; c-1 visits every quarter to 2017Q1. Returns the wrong pairing's version."""
    pair(seeded, "c-2", "2016-08-20")
    for day in ("2016-09-01", "2016-12-01", "2017-01-05"):
        visit(seeded, "c-1", day)
    return version_of(seeded, "HelperPaired", helper="c-2")


def register_jh_0003(fupin: Fupin) -> None:
    """JH-0003 (reviewed by ``seeded``) noticed, signed and registered, as JH-0001 was."""
    fupin.ok(
        f"household notice JH-0003 --start 2016-08-03 --end 2016-08-09 {doc('2016-08-03')}",
        "jn-01",
    )
    fupin.ok(f"household sign JH-0003 {doc('2016-08-05')}", "jn-01")
    fupin.ok(f"household register JH-0003 --key-target {doc('2016-08-10')}", "jn-01")


# -- the void, and what the reports show --------------------------------------------------------


def test_a_voided_pairing_owes_no_visits_in_any_report(seeded: Fupin) -> None:
    wrong = wrongly_paired_with_c2(seeded)
    before = missed(seeded)

    void(seeded, wrong, "2017-02-01")

    assert before == [("JH-0001", "c-2", "2016Q3"), ("JH-0001", "c-2", "2016Q4")]
    assert missed(seeded) == []
    assert missed(seeded, "--as-of 2016-12-31") == []
    shown = orjson.loads(seeded.ok("household show JH-0001 --format json", "admin").stdout)
    assert [h["helper"] for h in shown["helpers"]] == ["c-1"]
    assert [e["event"] for e in history(seeded)][-1] == "Corrected"


def test_an_as_of_view_before_the_correction_takes_it_and_known_at_does_not(
    seeded: Fupin,
) -> None:
    wrong = wrongly_paired_with_c2(seeded)
    known = history(seeded)[-1]["recorded_at"]  # the last visit: after the wrong pairing

    void(seeded, wrong, "2017-02-01")

    # The correction is dated after the view's day: a past view takes it all the same.
    assert missed(seeded, "--as-of 2016-12-31") == []
    assert missed(seeded, f"--known-at {known}") == [
        ("JH-0001", "c-2", "2016Q3"),
        ("JH-0001", "c-2", "2016Q4"),
    ]


def test_a_household_whose_only_pairing_is_voided_is_no_longer_paired(seeded: Fupin) -> None:
    # c-1 is JH-0001's only pairing (seeded), never visited, no agreement.
    def statuses() -> dict[str, int]:
        return {r["status"]: r["households"] for r in report(seeded, "caseload")["by_status"]}

    def roles() -> str:
        found = report(seeded, "accountability")["missing_roles"]
        return str(next(r["missing_roles"] for r in found if r["household"] == "JH-0001"))

    assert statuses().get("paired") == 1
    assert "cadre" not in roles()

    void(seeded, version_of(seeded, "HelperPaired", helper="c-1"), "2016-08-20")

    assert "paired" not in statuses()
    assert statuses()["registered"] == 1
    assert roles().startswith("cadre")


def test_the_right_helper_is_paired_after_the_void_and_the_cadre_place_is_free(
    seeded: Fupin,
) -> None:
    for helper in ("c-3", "c-4"):
        seeded.ok(
            f"helper add {helper} --kind cadre --name 干部{helper} --unit 区农业局 "
            f"--rank section {doc('2016-07-26')}",
            "admin",
        )
    pair(seeded, "c-2", "2016-08-11")
    pair(seeded, "c-3", "2016-08-11")  # meant for another household
    refused(
        seeded,
        f"household pair JH-0001 c-4 -d {PAIRING} -e 2016-08-11",
        "helper",
        "the household already has 3 cadre helper(s)",
    )

    void(seeded, version_of(seeded, "HelperPaired", helper="c-3"), "2016-08-15")
    pair(seeded, "c-4", "2016-08-11")

    shown = orjson.loads(seeded.ok("household show JH-0001 --format json", "admin").stdout)
    assert sorted(h["helper"] for h in shown["helpers"]) == ["c-1", "c-2", "c-4"]


def test_a_helper_voided_can_be_paired_again_on_the_right_day(seeded: Fupin) -> None:
    pair(seeded, "c-2", "2016-11-20")  # 2016-08-20 typed as 2016-11-20
    void(seeded, version_of(seeded, "HelperPaired", helper="c-2"), "2016-11-21")

    pair(seeded, "c-2", "2016-08-20")
    visit(seeded, "c-2", "2016-09-01")

    shown = orjson.loads(seeded.ok("household show JH-0001 --format json", "admin").stdout)
    assert {h["helper"]: h["paired_on"] for h in shown["helpers"]} == {
        "c-1": "2016-08-11",
        "c-2": "2016-08-20",
    }


# -- refusals -----------------------------------------------------------------------------------


def test_a_pairing_with_visits_in_force_is_voided_only_after_them(seeded: Fupin) -> None:
    wrong = wrongly_paired_with_c2(seeded)
    visit(seeded, "c-2", "2016-09-10")
    visited = version_of(seeded, "VisitRecorded", helper="c-2")
    line = f"correct household JH-0001 {wrong} {VOID} -e 2017-02-01"

    refused(
        seeded,
        line,
        "version",
        f"c-2 visited JH-0001 under this pairing (entry {visited}, 2016-09-10): correct its "
        "visits first",
    )
    void(seeded, visited, "2017-02-01")
    void(seeded, wrong, "2017-02-01")

    assert missed(seeded) == []


def test_a_pairing_replaced_since_is_voided_only_once_its_unpairing_is(seeded: Fupin) -> None:
    paired = version_of(seeded, "HelperPaired", helper="c-1")
    seeded.ok(
        "household unpair JH-0001 c-1 --replacement c-2 --reason 调岗 "
        "-d 江南扶贫〔2016〕20号 -e 2016-09-21",
        "jn-01",
    )
    replaced = version_of(seeded, "HelperUnpaired", helper="c-1")

    refused(
        seeded,
        f"correct household JH-0001 {paired} {VOID} -e 2016-10-01",
        "version",
        f"entry {paired} paired c-1, a pairing with JH-0001 that has ended since",
    )
    # Since session 21 the unpairing is voided (it never happened: c-2's pairing neither),
    # and c-1's pairing is its current one again (tests/cli/test_round21_unpair_correct.py).
    seeded.ok(f"correct household JH-0001 {replaced} {VOID} -e 2016-10-01", "jn-01")
    seeded.ok(f"correct household JH-0001 {paired} {VOID} -e 2016-10-01", "jn-01")


def test_a_pairing_an_agreement_rests_on_is_not_voided(seeded: Fupin) -> None:
    paired = version_of(seeded, "HelperPaired", helper="c-1")
    seeded.ok(f"household agree JH-0001 {doc('2016-08-20')}", "jn-01")

    refused(
        seeded,
        f"correct household JH-0001 {paired} {VOID} -e 2016-10-01",
        "version",
        "the agreement of 2016-08-20 rests on this pairing, the only one JH-0001 had in force",
    )


def test_a_pairing_is_voided_when_another_was_in_force_at_the_agreement(seeded: Fupin) -> None:
    pair(seeded, "c-2", "2016-08-15")
    seeded.ok(f"household agree JH-0001 {doc('2016-08-20')}", "jn-01")

    void(seeded, version_of(seeded, "HelperPaired", helper="c-1"), "2016-10-01")

    shown = orjson.loads(seeded.ok("household show JH-0001 --format json", "admin").stdout)
    assert [h["helper"] for h in shown["helpers"]] == ["c-2"]


def test_a_pairing_is_voided_once(seeded: Fupin) -> None:
    paired = version_of(seeded, "HelperPaired", helper="c-1")
    void(seeded, paired, "2016-08-20")

    refused(
        seeded,
        f"correct household JH-0001 {paired} {VOID} -e 2016-08-21",
        "version",
        f"entry {paired} was already corrected",
    )


def test_an_unpairing_before_exit_is_still_refused(seeded: Fupin) -> None:
    # The way out of a pairing typed in error is the correction, not an unpairing.
    refused(
        seeded,
        f"household unpair JH-0001 c-1 {VOID} -e 2016-09-01",
        "helper",
        "no unpairing before exit 不脱贫不脱钩, except a replacement",
    )


# -- enterprise helpers ---------------------------------------------------------------------------


def test_a_voided_enterprise_pairing_gives_the_enterprise_back(seeded: Fupin) -> None:
    register_jh_0003(seeded)
    pair(seeded, "e-1", "2016-09-01")  # meant for JH-0003
    refused(
        seeded,
        f"household pair JH-0003 e-1 -d {PAIRING} -e 2016-08-11",
        "helper",
        "e-1 is paired with household JH-0001",
    )

    void(seeded, version_of(seeded, "HelperPaired", helper="e-1"), "2016-09-02")
    # Dated before the voided pairing began: it never was, so it overlaps nothing.
    pair(seeded, "e-1", "2016-08-11", number="JH-0003")

    shown = orjson.loads(seeded.ok("household show JH-0003 --format json", "admin").stdout)
    assert [h["helper"] for h in shown["helpers"]] == ["e-1"]
    assert seeded.ok("verify").exit_code == 0


def test_an_inspector_voids_an_enterprise_pairing_and_its_side(seeded: Fupin) -> None:
    # The enterprise's side is ``PairingReleased``, which ``correct`` records too (since
    # session 14; before, only ``unpair``'s admins and officers could, so an inspector's
    # correction of an enterprise pairing was refused on ``as``).
    pair(seeded, "e-1", "2016-09-01")
    line = f"correct household JH-0001 {version_of(seeded, 'HelperPaired', helper='e-1')} {VOID}"

    seeded.ok(line + " -e 2016-09-02", "insp-1")

    assert seeded.ok("verify").exit_code == 0
    pair(seeded, "e-1", "2016-09-03")  # the household's place and the enterprise are free


# -- rebuild and verify --------------------------------------------------------------------------


def test_a_rebuild_gives_the_same_reports_and_verify_passes_after_the_void(
    seeded: Fupin,
) -> None:
    wrong = wrongly_paired_with_c2(seeded)
    pair(seeded, "e-1", "2016-08-20")
    void(seeded, version_of(seeded, "HelperPaired", helper="e-1"), "2017-02-01")
    void(seeded, wrong, "2017-02-01")
    reports = [report(seeded, name) for name in ("accountability", "caseload")]
    past = report(seeded, "accountability", "--as-of 2016-12-31")

    seeded.ok("projections rebuild", "admin")

    assert [report(seeded, name) for name in ("accountability", "caseload")] == reports
    assert report(seeded, "accountability", "--as-of 2016-12-31") == past
    assert reports[0]["missed_visits"] == []
    seeded.ok("projections check", "admin")
    assert seeded.ok("verify").stdout.startswith("verified ")


def test_a_voided_pairing_typed_years_late_no_longer_sets_today(seeded: Fupin) -> None:
    visit(seeded, "c-1", "2016-09-01")
    pair(seeded, "c-2", "2018-03-01")  # 2016 typed as 2018
    typo = report(seeded, "accountability")["today"]

    void(seeded, version_of(seeded, "HelperPaired", helper="c-2"), "2018-03-02")

    assert typo == "2018-03-01"
    assert report(seeded, "accountability")["today"] == "2016-09-01"


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_voided_pairing_is_exported_and_imported_again(seeded: Fupin, tmp_path: Path) -> None:
    # SQLite only: the export is read back into a fresh SQLite file either way.
    register_jh_0003(seeded)
    pair(seeded, "e-1", "2016-09-01")
    void(seeded, version_of(seeded, "HelperPaired", helper="e-1"), "2016-09-02")
    pair(seeded, "e-1", "2016-08-11", number="JH-0003")
    before = report(seeded, "accountability")

    imported = reimported(seeded, tmp_path)

    assert imported.exit_code == 0, imported.output
    fresh = ["--store", str(tmp_path / "fresh.db"), "--as", "admin"]
    shown = seeded.runner.invoke(app, [*fresh, "report", "accountability", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert figures(orjson.loads(shown.stdout)) == figures(before)
