"""Session 29, tester J (a street officer tracking household composition): a household turned
down at its village review (`household review N --rejected`) still took `household members`
and `household close`, and the closure put it and its people in the caseload's ``closed``,
the part that with the groups makes "the households identified", though a rejected candidate
is no household of the programme. Since session 29 both are refused, and so is a merge 合户
into it; a rejection voided is reviewed again as before; an older fupin's closure still moves,
and the caseload keeps such a household in its group, status ``rejected``; ``fupin verify``
notes its steps after the rejection."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from cli.main import app as fupin_app
from ledger.application import open_ledger
from ledger.casework import PersonalChange
from ledger.household import Household

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry, reimported, rule_came_in
from tests.support import id_card, stamp

STORE_INDEPENDENT = "the household's own rules and the caseload's SQL: SQLite is enough"

JN = "jn-01"
MEMBERS = (
    f"household members JH-0002 --members 4 --head-name 户主2 --id-card {id_card(2)} "
    f"--note 新生儿出生 {doc('2016-09-01')}"
)
CLOSE = f"household close JH-0002 --because 识别错误 --reason 不符合条件 {doc('2016-09-01')}"
TURNED_DOWN = "a household turned down is no household of the programme, and nothing is recorded"


def _rejected(fupin: Fupin) -> int:
    """JH-0002 (identified 2016-08-01, 3 people) rejected at review on 2016-08-05; its entry."""
    fupin.ok(f"household review JH-0002 --rejected {doc('2016-08-05')}", JN)
    return last_entry(fupin, "JH-0002", "Reviewed")


def _caseload(fupin: Fupin, store: Path | str | None = None) -> dict[str, Any]:
    """The caseload report as JSON, of ``store`` (the fixture's by default)."""
    where = ["--store", str(store or fupin.store), "--as", "admin"]
    result = fupin.runner.invoke(fupin_app, [*where, "report", "caseload", "--format", "json"])
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = orjson.loads(result.stdout)
    return found


def test_a_rejected_household_takes_no_change_of_members_nor_closure(seeded: Fupin) -> None:
    entry = _rejected(seeded)
    before = seeded.event_count()

    members = seeded(MEMBERS, JN)
    closed = seeded(CLOSE, JN)

    said = (
        f"JH-0002 was rejected at its village review on 2016-08-05 (entry {entry}; a "
        f"rejection in error is voided: fupin correct household JH-0002 {entry} --reason …"
    )
    assert_refused(members, "stage", "a change of members is not recorded of a household")
    assert said in members.stderr
    assert TURNED_DOWN in members.stderr
    assert_refused(closed, "stage", "a closure is not recorded of a household turned down")
    assert said in closed.stderr
    assert seeded.event_count() == before
    assert _caseload(seeded)["closed"] == []


def test_no_household_merges_into_a_rejected_one(seeded: Fupin) -> None:
    _rejected(seeded)
    before = seeded.event_count()

    merged = seeded(
        f"household close JH-0001 --because 合户 --into JH-0002 --reason 并入 {doc('2016-09-01')}",
        JN,
    )

    assert_refused(merged, "into", "a merge 合户 into it is not recorded of a household")
    assert seeded.event_count() == before


def test_a_household_turned_down_on_an_upheld_objection_takes_no_closure(seeded: Fupin) -> None:
    # JH-0004 is under notice from 2016-08-03
    seeded.ok(f"household object JH-0004 o-1 --summary 有房有车 {doc('2016-08-04')}", JN)
    seeded.ok(f"household resolve JH-0004 o-1 --upheld {doc('2016-08-06')}", JN)

    closed = seeded(
        f"household close JH-0004 --because in-error --reason 不符合 {doc('2016-09-01')}", JN
    )

    assert_refused(closed, "stage", "JH-0004 was turned down on 2016-08-06, objection 'o-1'")


def test_a_rejection_voided_is_reviewed_again_and_takes_changes_again(seeded: Fupin) -> None:
    entry = _rejected(seeded)
    seeded.ok(f"correct household JH-0002 {entry} --reason 评议录入错误 {doc('2016-08-06')}", JN)

    seeded.ok(f"household review JH-0002 --accepted {doc('2016-08-06')}", JN)
    seeded.ok(MEMBERS, JN)
    seeded.ok(CLOSE, JN)

    assert _caseload(seeded)["closed"] == [{"because": "in-error", "households": 1, "people": 4}]


def _changed_and_closed_as_an_older_fupin_took_it(fupin: Fupin) -> None:
    """JH-0002, rejected, grows to 4 people and is closed on 2016-09-01, as a fupin before
    session 29 took it (it had no ``check_not_rejected``)."""
    with (
        pytest.MonkeyPatch.context() as before_the_rule,
        closing(open_ledger(fupin.store)) as app,
    ):
        before_the_rule.setattr(Household, "check_not_rejected", lambda *args: None)
        personal = PersonalChange("户主2", id_card(2))
        app.change_members(stamp(JN, date(2016, 9, 1), "新生儿出生"), "JH-0002", 4, personal)
        app.close_household(stamp(JN, date(2016, 9, 1)), "JH-0002", "in-error", "", "不符合")


def _verified(fupin: Fupin, store: Path | str) -> str:
    result = fupin.runner.invoke(fupin_app, ["--store", str(store), "--as", "admin", "verify"])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


@pytest.mark.spared_on_replay("step_after_rejection")
def test_an_older_ledgers_closed_rejected_household_moves_and_is_not_closed_in_the_caseload(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = _rejected(seeded)
    _changed_and_closed_as_an_older_fupin_took_it(seeded)
    rule_came_in(monkeypatch, "step_after_rejection", after_now=True)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    fresh = tmp_path / "fresh.db"
    for store in (seeded.store, fresh):
        caseload = _caseload(seeded, store)
        assert caseload["closed"] == []  # was in-error, 1 household, 4 people
        rejected = [g for g in caseload["groups"] if g["status"] == "rejected"]
        assert [(g["households"], g["people"]) for g in rejected] == [(1, 4)]
        said = _verified(seeded, store)
        assert (
            "under today's rules: household JH-0002 took a change of members (entry "
            f"{entry + 1}, dated 2016-09-01) and a closure 注销 (entry {entry + 2}, dated "
            f"2016-09-01) after: JH-0002 was rejected at its village review on 2016-08-05 "
            f"(entry {entry};" in said
        )
        assert "nothing is recorded of it after, which a fupin before" in said
        assert ("its original recording time is the export's" in said) is (store == fresh)


def test_verify_notes_no_step_of_a_household_whose_rejection_was_voided(seeded: Fupin) -> None:
    entry = _rejected(seeded)
    _changed_and_closed_as_an_older_fupin_took_it(seeded)
    seeded.ok(f"correct household JH-0002 {entry} --reason 评议录入错误 {doc('2016-09-02')}", JN)

    assert "household JH-0002 took" not in _verified(seeded, seeded.store)
    assert _caseload(seeded, seeded.store)["closed"] == [
        {"because": "in-error", "households": 1, "people": 4}
    ]
