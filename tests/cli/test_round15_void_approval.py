"""Round 15: an exit approved in error (the wrong household: JH-0001 for JH-0010) could not be
corrected. The only way out was a return to poverty 返贫 that never happened, which every
report would then count. The district now voids the approval with ``fupin correct household
NUMBER VERSION``: the exit is back at its notice 公示, to be withdrawn or approved again, and
the reports count no exit; nothing is erased (``history`` and ``--known-at`` keep both)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.cli.test_return_withdrawal_cli import EXIT_AND_RECOGNISE

#: JH-0001's exit, approved by the district on 2016-12-20.
EXIT = EXIT_AND_RECOGNISE[:5]
VOID = "correct household JH-0001 {} --reason 审批对象录错 " + doc("2016-12-28")


def _approved(fupin: Fupin) -> tuple[int, str]:
    """JH-0001's exit approved: the approval's version, and the time it was recorded."""
    for actor, line in EXIT:
        fupin.ok(line, actor)
    history = orjson.loads(fupin.ok("history JH-0001 --format json", "admin").stdout)
    last = history[-1]
    assert last["event"] == "ExitAdvanced"
    return int(last["version"]), str(last["recorded_at"])


def _exits(fupin: Fupin, *options: str) -> int:
    line = "report caseload --format json " + " ".join(options)
    found = orjson.loads(fupin.ok(line, "ana-1").stdout)
    return sum(int(row["households"]) for row in found["exits"])


def _stage(fupin: Fupin, store: str | None = None) -> str:
    prefix = ["--store", store] if store else []
    shown = fupin.runner.invoke(app, [*prefix, "household", "show", "JH-0001", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    return str(orjson.loads(shown.stdout)["household"]["stage"])


def test_an_exit_approved_in_error_is_voided_by_the_district(seeded: Fupin) -> None:
    approval, recorded = _approved(seeded)
    assert _exits(seeded) == 1
    assert _stage(seeded) == "exited"

    seeded.ok(VOID.format(approval), "qu-01")

    assert _exits(seeded) == 0
    assert _stage(seeded) == "registered"
    assert _exits(seeded, "--as-of 2016-12-31") == 0
    # As known when the approval was recorded, before its correction: one exit.
    assert _exits(seeded, f"--known-at {recorded}") == 1
    assert seeded("projections check", "admin").exit_code == 0
    # Back at its notice: approved again on the right day (or withdrawn).
    seeded.ok(f"household approve-exit JH-0001 {doc('2016-12-29')}", "qu-01")
    assert _exits(seeded) == 1
    rows = seeded.ok("query 'SELECT exited_on FROM pj_households' --format json", "ana-1")
    assert "2016-12-29" in rows.stdout


def test_a_street_officer_cannot_void_the_districts_approval(seeded: Fupin) -> None:
    approval, _ = _approved(seeded)
    before = seeded.event_count()

    refused = seeded(VOID.format(approval), "jn-01")

    assert_refused(
        refused, "as", "fupin correct of an exit's or a return's approval is for the district"
    )
    assert seeded.event_count() == before


def test_an_approval_an_unpairing_rests_on_is_not_voided(seeded: Fupin) -> None:
    approval, _ = _approved(seeded)
    seeded.ok(f"household unpair JH-0001 c-1 --reason 已脱贫 {doc('2016-12-21')}", "jn-01")
    before = seeded.event_count()

    refused = seeded(VOID.format(approval), "qu-01")

    assert_refused(refused, "version", "c-1's pairing with JH-0001 ended on 2016-12-21")
    assert seeded.event_count() == before


def test_a_voided_approval_no_longer_sets_the_reports_today(seeded: Fupin) -> None:
    for actor, line in EXIT[:-1]:
        seeded.ok(line, actor)

    def today() -> str:
        found = seeded.ok("report accountability --format json", "ana-1").stdout
        return str(orjson.loads(found)["today"])

    was = today()
    # 2019 for 2016 (2026 was refused since session 21: past the programme's last closing day)
    seeded.ok(f"household approve-exit JH-0001 {doc('2019-01-20')}", "qu-01")
    assert today() == "2019-01-20"
    history = orjson.loads(seeded.ok("history JH-0001 --format json", "admin").stdout)
    seeded.ok(
        f"correct household JH-0001 {history[-1]['version']} --reason 年份录错 {doc('2019-01-21')}",
        "qu-01",
    )
    assert today() == was


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_voided_approval_is_exported_and_imported_again(seeded: Fupin, tmp_path: Path) -> None:
    approval, _ = _approved(seeded)
    seeded.ok(VOID.format(approval), "qu-01")
    seeded.ok(f"household withdraw-exit JH-0001 --reason 非本户 {doc('2016-12-29')}", "jn-01")

    imported = reimported(seeded, tmp_path)

    assert imported.exit_code == 0, imported.output
    assert _stage(seeded, str(tmp_path / "fresh.db")) == "registered"
    assert seeded("verify", "admin").exit_code == 0
