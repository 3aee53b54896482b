"""Session 22 (a district administrator): a village added with its relatively-poor flag
相对贫困村 typed wrong stood for good (a registration is no correctable entry, add-village again
says it exists), and village payments to it were refused for good. ``fupin place
amend-village STREET VILLAGE --relatively-poor | --not-relatively-poor --reason`` restates
it from the village's addition on (``VillageAmended``), by whoever may add a village; never
to "not relatively poor" while a village payment to it stands."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest
from cli.main import app
from ledger.application import open_ledger
from ledger.base import Provenance
from ledger.places import Street
from projections.catchup import open_view

from tests.cli.conftest import Fupin, assert_refused, doc, reimported

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

# 江南's 江南社区 was added as not relatively poor (tests/support.py), 雄光 as one.
PAY = (
    "fund disburse city-2016 --amount 100 --category facilities --purpose village "
    "--street 江南 --village 江南社区 "
)
AMEND = "place amend-village 江南 江南社区 --reason 漏标相对贫困村 "


def _flag(fupin: Fupin, village: str, *options: str) -> list[object]:
    sql = f"SELECT relatively_poor, added_on FROM pj_villages WHERE village = '{village}'"
    found = fupin.runner.invoke(app, [*options, "query", sql, "--format", "json"])
    assert found.exit_code == 0, found.output
    rows: list[list[object]] = orjson.loads(found.stdout)["rows"]
    return rows[0]


def test_a_village_added_without_its_flag_is_amended_and_then_paid(seeded: Fupin) -> None:
    refused = seeded(PAY + doc("2016-09-01"), "qu-01")
    assert_refused(refused, "village", "江南社区 is not a relatively poor village 相对贫困村")

    amended = seeded.ok(AMEND + "--relatively-poor " + doc("2016-08-20"), "admin")

    assert "village 江南社区 of 江南 amended: relatively poor" in amended.stdout
    assert _flag(seeded, "江南社区") == [1, "2016-07-26"]  # added_on stays
    seeded.ok(PAY + doc("2016-09-01"), "qu-01")
    history = orjson.loads(seeded.ok("history --kind street 江南 --format json", "admin").stdout)
    amendment = next(e for e in history if e["event"] == "VillageAmended")
    assert amendment["details"]["was"] is False
    seeded.ok("projections check", "admin")
    assert seeded.ok("verify", "admin").stdout.startswith("verified ")


def test_a_view_known_before_the_amendment_shows_the_old_flag(seeded: Fupin) -> None:
    history = orjson.loads(seeded.ok("history --kind street 江南 --format json", "admin").stdout)
    known = datetime.fromisoformat(history[-1]["recorded_at"])  # its last village's addition
    seeded.ok(AMEND + "--relatively-poor " + doc("2016-08-20"), "admin")
    ledger = open_ledger(seeded.store)
    try:
        sql = "SELECT relatively_poor FROM pj_villages WHERE village = '江南社区'"
        with open_view(ledger, known_at=known) as view:
            assert view.db.rows(sql) == [(0,)]
        # An amendment says what the village was from the start: a past day's view takes it.
        with open_view(ledger, as_of=datetime(2016, 8, 1).date()) as view:
            assert view.db.rows(sql) == [(1,)]
    finally:
        ledger.close()


@pytest.mark.parametrize(
    ("line", "field", "rule"),
    [
        (
            AMEND + "--not-relatively-poor",
            "relatively_poor",
            "江南社区 of 江南 is already not relatively poor: nothing to amend",
        ),
        (
            "place amend-village 江南 雄光 --relatively-poor --reason 录错",
            "relatively_poor",
            "雄光 of 江南 is already relatively poor: nothing to amend",
        ),
        (
            "place amend-village 江南 新创 --relatively-poor --reason 录错",
            "village",
            "'新创' is not a village of street 江南",
        ),
        ("place amend-village 东海 新创 --relatively-poor --reason 录错", "street", "东海"),
        (AMEND.replace("漏标相对贫困村", "' '") + "--relatively-poor", "reason", "must say why"),
    ],
)
def test_an_amendment_the_rules_refuse_writes_nothing(
    seeded: Fupin, line: str, field: str, rule: str
) -> None:
    before = seeded.event_count()

    result = seeded(f"{line} {doc('2016-08-20')}", "admin")

    assert_refused(result, field, rule)
    assert seeded.event_count() == before


def test_a_village_paid_as_relatively_poor_is_unflagged_only_once_the_payment_is_void(
    seeded: Fupin,
) -> None:
    pay = PAY.replace("江南社区", "雄光")
    seeded.ok(pay + doc("2016-09-01"), "qu-01")
    before = seeded.event_count()
    unflag = "place amend-village 江南 雄光 --not-relatively-poor --reason 误标 "

    refused = seeded(unflag + doc("2016-09-02"), "admin")

    assert_refused(
        refused,
        "relatively_poor",
        "payment 3 of city-2016 to 雄光 stands, made to a relatively poor village: void it "
        "first if the village never was one (fupin correct fund city-2016 3 --reason …)",
    )
    assert seeded.event_count() == before
    seeded.ok(f"correct fund city-2016 3 --reason 误付 {doc('2016-09-02')}", "qu-01")
    seeded.ok(unflag + doc("2016-09-02"), "admin")
    assert _flag(seeded, "雄光") == [0, "2016-07-26"]
    assert_refused(seeded(pay + doc("2016-09-03"), "qu-01"), "village", "雄光 is not a relatively")


def test_only_whoever_may_add_a_village_amends_one(seeded: Fupin) -> None:
    result = seeded(AMEND + "--relatively-poor " + doc("2016-08-20"), "qu-01")

    assert result.exit_code == 2, result.output
    assert "fupin place amend-village needs admin" in result.stderr
    assert _flag(seeded, "江南社区") == [0, "2016-07-26"]


def test_the_flag_must_be_given(seeded: Fupin) -> None:
    result = seeded(AMEND + doc("2016-08-20"), "admin")

    assert result.exit_code == 2, result.output
    assert "--relatively-poor" in result.stderr


def test_a_villages_amendment_is_exported_and_imported_again(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(AMEND + "--relatively-poor " + doc("2016-08-20"), "admin")

    imported = reimported(seeded, tmp_path)

    assert imported.exit_code == 0, imported.output
    fresh = ("--store", str(tmp_path / "fresh.db"))
    assert _flag(seeded, "江南社区", *fresh) == [1, "2016-07-26"]


@pytest.mark.parametrize(
    ("who", "poor", "was", "said"),
    [
        ("admin", False, False, "江南社区 of 江南 is already not relatively poor"),
        ("admin", True, True, "its 'was' says relatively_poor=True, but 江南社区 was False"),
        ("jn-01", True, False, "VillageAmended needs admin"),
    ],
)
def test_verify_reports_a_forged_amendment(
    seeded: Fupin, who: str, poor: bool, was: bool, said: str
) -> None:
    """The command refuses it; one written into the store otherwise is found."""
    ledger = open_ledger(seeded.store)
    try:
        street = ledger.load(Street, "江南", "street")
        role = "admin" if who == "admin" else "officer"
        prov = Provenance(who, role, datetime(2016, 8, 20).date(), "伪造", "")
        street._village_amended("江南社区", poor, was, "伪造", prov)
        ledger.save(street)
    finally:
        ledger.close()

    found = seeded("verify", "admin")

    assert found.exit_code == 1, found.output
    assert said in " ".join(found.output.split())


def test_an_import_paying_a_village_then_unflagging_it_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Tester R, session 22: the payment of an earlier row of the same file was not seen (the
    check read the log alone), and the village was unflagged under it."""
    stamp = {"effective": "2016-09-01", "document": "拨付", "note": ""}
    rows = [
        {
            **stamp,
            "command": "disburse",
            "ref": "v-1",
            "actor": "qu-01",
            "args": {
                "account": "city-2016",
                "amount": "100",
                "category": "facilities",
                "purpose": "village",
                "street": "江南",
                "village": "雄光",
            },
        },
        {
            **stamp,
            "command": "amend_village",
            "ref": "v-2",
            "actor": "admin",
            "args": {
                "street": "江南",
                "village": "雄光",
                "relatively_poor": False,
                "reason": "误标",
            },
        },
    ]
    path = tmp_path / "pay-unflag.jsonl"
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    before = seeded.event_count()

    refused = seeded(f"import file {path}", "admin")

    assert refused.exit_code == 2, refused.output
    assert "payment 3 of city-2016 to 雄光 stands" in refused.stderr
    assert seeded.event_count() == before


def test_a_village_amended_before_the_programme_opened_verifies(fupin: Fupin) -> None:
    """Tester R, session 22: the command bounds such an amendment by nothing (no programme
    yet), and verify judged it against the opening recorded after it: FAILED."""
    fupin.ok(f"init --admin admin --name 区扶贫办 {doc('2016-07-01')}")
    fupin.ok(f"place add-street 江南 {doc('2016-07-01')}", "admin")
    fupin.ok(f"place add-village 江南 甲 {doc('2016-07-01')}", "admin")
    fupin.ok(
        f"place amend-village 江南 甲 --relatively-poor --reason 漏标 {doc('2016-07-05')}", "admin"
    )
    fupin.ok(f"programme open {doc('2016-07-26')}", "admin")

    assert fupin.ok("verify", "admin").stdout.startswith("verified ")
