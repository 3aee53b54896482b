"""Session 24, street officer: a change of members 人口变更 typed on the wrong household, or with
the wrong date, could not be voided: ``correct household N V`` said "V is not a correctable
entry here", and the only way out was a second change re-typing the old record, the wrong
household's personal data left in its events and ``household duplicates`` showing one person
heading two households meanwhile. A change of members is a correctable entry: voided, the
household's members, personal data and member names are those before it, for every reader
and from the start; refused for a change a later live change was recorded on, and for a change
recorded before the household's personal data was erased. Both stores: voiding it runs
read-model SQL (``pj_members``)."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner, Result

from tests.cli.conftest import Fupin, assert_refused, doc, history_rows, last_entry, reimported
from tests.support import id_card

JN = "jn-01"
#: JH-0002's head (户主2) typed on JH-0001 (identified with 3 members, head 户主1)
SLIP = (
    f"household members JH-0001 --members 5 --head-name 户主2 --id-card {id_card(2)} "
    "--phone 13800000000 --address 江海区 --note 户主变更 "
)


def _void(fupin: Fupin, number: str, version: int, day: str = "2016-09-20") -> Result:
    return fupin(f"correct household {number} {version} --reason 户号录入错误 {doc(day)}", JN)


def _shown(fupin: Fupin, number: str, options: str = "") -> list[object]:
    shown = orjson.loads(
        fupin.ok(f"household show {number} --format json {options}", "admin").stdout
    )
    personal = shown["personal"][0]
    return [shown["household"]["members"], personal["head_name"], personal["id_card"]]


def _shared(fupin: Fupin) -> list[object]:
    shown = orjson.loads(fupin.ok("household duplicates --format json", "admin").stdout)
    return [row["households"] for row in shown["shared_id_cards"]]


def _people(fupin: Fupin, options: str = "") -> object:
    report = orjson.loads(fupin.ok(f"report funds --format json {options}", "ana-1").stdout)
    return report["per_person"][0]["registered_people"]


def test_a_change_typed_on_the_wrong_household_is_voided(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(SLIP + doc("2016-09-15"), JN)
    slip = last_entry(seeded, "JH-0001", "MembersChanged")
    assert _shown(seeded, "JH-0001")[:2] == [5, "户主2"]
    assert _shared(seeded) == [["JH-0001", "JH-0002"]]
    assert _people(seeded) == 5
    recorded_at = str(history_rows(seeded, "JH-0001")[-1]["recorded_at"])

    voided = _void(seeded, "JH-0001", slip)

    assert voided.exit_code == 0, voided.output
    assert _shown(seeded, "JH-0001") == [3, "户主1", id_card(1)]
    assert _shown(seeded, "JH-0001", "--as-of 2016-10-01") == [3, "户主1", id_card(1)]
    assert _shared(seeded) == []
    assert _people(seeded) == 3
    assert _people(seeded, "--as-of 2016-09-16") == 3  # it holds from the start
    rows = history_rows(seeded, "JH-0001")
    assert rows[slip - 1]["voided_by"] == rows[-1]["version"]
    # what was known before the correction still shows the change
    known = f"--known-at {recorded_at}"
    assert _shown(seeded, "JH-0001", known)[:2] == [5, "户主2"]
    assert seeded.ok("verify", "admin").exit_code == 0
    assert seeded.ok("projections check", "admin").exit_code == 0
    fresh = reimported(seeded, tmp_path)
    assert fresh.exit_code == 0, fresh.output
    fresh_store = str(tmp_path / "fresh.db")
    again = Fupin(fresh_store, CliRunner(env={**seeded.runner.env, "LEDGER_STORE": fresh_store}))
    assert _shown(again, "JH-0001") == [3, "户主1", id_card(1)]
    assert _shared(again) == []


def test_only_the_latest_live_change_is_voided(seeded: Fupin) -> None:
    seeded.ok(SLIP + doc("2016-09-15"), JN)
    first = last_entry(seeded, "JH-0001", "MembersChanged")
    seeded.ok(SLIP.replace("--members 5", "--members 4") + doc("2016-09-18"), JN)
    second = last_entry(seeded, "JH-0001", "MembersChanged")
    before = seeded.event_count()

    refused = _void(seeded, "JH-0001", first)

    assert_refused(
        refused,
        "version",
        f"a later change of members of JH-0001 (entry {second}) was recorded on it: only the "
        "latest live change of members is voided (void that one first)",
    )
    assert seeded.event_count() == before
    assert _void(seeded, "JH-0001", second).exit_code == 0
    assert _shown(seeded, "JH-0001")[0] == 5
    assert _void(seeded, "JH-0001", first).exit_code == 0
    assert _shown(seeded, "JH-0001") == [3, "户主1", id_card(1)]
    assert seeded.ok("projections check", "admin").exit_code == 0


def test_a_change_recorded_before_an_erasure_stands(seeded: Fupin) -> None:
    seeded.ok(SLIP + doc("2016-09-15"), JN)
    slip = last_entry(seeded, "JH-0001", "MembersChanged")
    seeded.ok(f"erase JH-0001 --reason 本人申请 {doc('2016-09-16')}", "admin")
    erasure = last_entry(seeded, "JH-0001", "PersonalDataErased")
    before = seeded.event_count()

    refused = _void(seeded, "JH-0001", slip)

    assert_refused(
        refused,
        "version",
        f"the personal data of JH-0001 was erased since (entry {erasure}): the personal data "
        "before this change is gone, so it stands",
    )
    assert seeded.event_count() == before
    # a count alone recorded after the erasure is voided
    seeded.ok(f"household members JH-0001 --members 4 --note 出生 {doc('2016-09-17')}", JN)
    count = last_entry(seeded, "JH-0001", "MembersChanged")
    assert _void(seeded, "JH-0001", count).exit_code == 0
    assert _people(seeded) == 5
    assert seeded.ok("projections check", "admin").exit_code == 0


def test_a_notice_posted_after_the_correction_lists_the_household_without_it(
    seeded: Fupin,
) -> None:
    slip = SLIP.replace("JH-0001", "JH-0003").replace("户主2", "户主九")
    seeded.ok(slip + doc("2016-08-02"), JN)
    voided = _void(seeded, "JH-0003", last_entry(seeded, "JH-0003", "MembersChanged"), "2016-08-02")
    assert voided.exit_code == 0, voided.output
    seeded.ok(
        "household notice JH-0003 --start 2016-08-03 --end 2016-08-09 " + doc("2016-08-03"), JN
    )

    listed = seeded.ok(
        "notice --street 江南 --from 2016-08-03 --to 2016-08-09 --format csv", JN
    ).stdout

    row = next(line for line in listed.splitlines() if "JH-0003" in line)
    assert id_card(3)[-4:] in row
    assert ",3," in row
