"""Session 25, street officer tester: a household's real move to another village could not be
recorded as of a date. ``household amend --village`` holds from the start, so the caseload as
of a year before the move already showed the household in its new village, and its earlier
payments were filed there. ``household move`` records a move 迁移 to another village of its
street from its effective date: reports as of an earlier date, or as known before it was
recorded, show the old village; a payment is filed under the village the household was in on
the payment's date, in whatever order the two were recorded; the latest move is corrected;
a move to another street is refused."""

from __future__ import annotations

from pathlib import Path

import orjson
from projections.dossier import COLUMNS as DOSSIER_COLUMNS

from tests.cli.conftest import Fupin, assert_refused, doc, history_rows, last_entry, reimported

# both stores: the moves run read-model SQL (pj_moves, the refiled payments) on each

JN = "jn-01"
QU = "qu-01"
MOVE = "household move JH-0001 --village 江南社区 --reason 2017年6月搬迁 "
PAY = (
    "fund disburse city-2016 --category education --purpose household "
    "--household JH-0001 --measure m-1 "
)


def _villages(fupin: Fupin, options: str = "") -> dict[str, int]:
    report = orjson.loads(fupin.ok(f"report caseload --format json {options}", "ana-1").stdout)
    found: dict[str, int] = {}
    for group in report["groups"]:
        if group["street"] == "江南":
            found[group["village"]] = found.get(group["village"], 0) + group["households"]
    return found


def _paid_by_village(fupin: Fupin, options: str = "") -> dict[str, int]:
    report = orjson.loads(fupin.ok(f"report funds --format json {options}", "ana-1").stdout)
    found: dict[str, int] = {}
    for row in report["disbursements"]:
        if row["purpose"] == "household":
            found[row["village"]] = found.get(row["village"], 0) + row["amount_fen"]
    return found


def test_a_move_holds_from_its_date_as_of_before_and_after(seeded: Fupin) -> None:
    assert _villages(seeded) == {"雄光": 4}

    moved = seeded.ok(MOVE + doc("2017-06-01"), JN)

    assert "moved from 雄光 to 江南社区 on 2017-06-01" in moved.stdout
    assert _villages(seeded, "--as-of 2016-12-31") == {"雄光": 4}
    assert _villages(seeded, "--as-of 2017-06-30") == {"雄光": 3, "江南社区": 1}
    assert _villages(seeded) == {"雄光": 3, "江南社区": 1}
    shown = orjson.loads(seeded.ok("household show JH-0001 --format json").stdout)
    assert shown["household"]["village"] == "江南社区"
    assert {tuple(row) for row in shown["moves"]} == {DOSSIER_COLUMNS["moves"]}
    assert [(m["effective"], m["from_village"], m["to_village"]) for m in shown["moves"]] == [
        ("2017-06-01", "雄光", "江南社区")
    ]
    before = orjson.loads(
        seeded.ok("household show JH-0001 --format json --as-of 2017-05-31").stdout
    )
    assert before["household"]["village"] == "雄光"
    assert before["moves"] == []
    assert history_rows(seeded, "JH-0001")[-1]["event"] == "Moved"
    assert seeded.ok("projections check", "admin").exit_code == 0


def test_a_payment_is_filed_under_the_village_on_its_date_whatever_the_order(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(PAY + "--amount 100 " + doc("2017-07-01"), QU)  # after the move, recorded before it
    seeded.ok(MOVE + doc("2017-06-01"), JN)
    seeded.ok(PAY + "--amount 50 " + doc("2017-05-01"), QU)  # before it, recorded after
    seeded.ok(PAY + "--amount 30 " + doc("2017-08-01"), QU)

    assert _paid_by_village(seeded) == {"雄光": 5000, "江南社区": 13000}
    assert _paid_by_village(seeded, "--as-of 2017-05-31") == {"雄光": 5000}
    shown = orjson.loads(seeded.ok("household show JH-0001 --format json").stdout)
    assert [(f["paid_on"], f["village"]) for f in shown["funds"]] == [
        ("2017-05-01", "雄光"),
        ("2017-07-01", "江南社区"),
        ("2017-08-01", "江南社区"),
    ]
    assert seeded.ok("projections check", "admin").exit_code == 0
    seeded.ok("projections rebuild", "admin")
    assert _paid_by_village(seeded) == {"雄光": 5000, "江南社区": 13000}
    assert seeded.ok("verify", "admin").exit_code == 0
    fresh = reimported(seeded, tmp_path)
    assert fresh.exit_code == 0, fresh.output


def test_as_known_before_the_move_was_recorded_the_household_is_in_its_old_village(
    seeded: Fupin,
) -> None:
    known = str(history_rows(seeded, "JH-0004")[-1]["recorded_at"])  # the last household
    seeded.ok(MOVE + doc("2017-06-01"), JN)

    assert _villages(seeded, f"--as-of 2017-06-30 --known-at {known}") == {"雄光": 4}
    assert _villages(seeded, "--as-of 2017-06-30") == {"雄光": 3, "江南社区": 1}


def test_the_latest_move_is_corrected_and_the_payments_refiled(seeded: Fupin) -> None:
    seeded.ok(MOVE + doc("2017-06-01"), JN)
    first = last_entry(seeded, "JH-0001", "Moved")
    seeded.ok(f"household move JH-0001 --village 雄光 --reason 2018年回迁 {doc('2018-01-01')}", JN)
    second = last_entry(seeded, "JH-0001", "Moved")
    seeded.ok(PAY + "--amount 100 " + doc("2018-02-01"), QU)
    assert _paid_by_village(seeded) == {"雄光": 10000}

    refused = seeded(f"correct household JH-0001 {first} --reason 误录 {doc('2018-03-01')}", QU)
    assert_refused(refused, "version", f"a later move of JH-0001 (entry {second})")

    seeded.ok(f"correct household JH-0001 {second} --reason 误录 {doc('2018-03-01')}", QU)
    assert _villages(seeded) == {"雄光": 3, "江南社区": 1}
    assert _paid_by_village(seeded) == {"江南社区": 10000}
    assert seeded.ok("projections check", "admin").exit_code == 0
    seeded.ok(f"correct household JH-0001 {first} --reason 误录 {doc('2018-03-01')}", QU)
    assert _villages(seeded) == {"雄光": 4}
    assert _paid_by_village(seeded) == {"雄光": 10000}
    assert seeded.ok("projections check", "admin").exit_code == 0


def test_a_move_is_refused_to_its_own_village_another_streets_or_out_of_order(
    seeded: Fupin,
) -> None:
    before = seeded.event_count()
    same = seeded(f"household move JH-0001 --village 雄光 --reason 搬迁 {doc('2017-06-01')}", JN)
    assert_refused(same, "village", "JH-0001 is in 雄光 on 2017-06-01: a move is to another")
    other = seeded(f"household move JH-0001 --village 新创 --reason 搬迁 {doc('2017-06-01')}", JN)
    assert other.exit_code == 2, other.output
    assert "village: " in other.stderr
    early = seeded(MOVE + doc("2016-07-01"), JN)
    assert_refused(early, "effective", "JH-0001 was identified only on 2016-08-01")
    street = seeded(MOVE + "--street 礼乐 " + doc("2017-06-01"), JN)
    assert_refused(street, "street", "a move to another street is not recordable yet")
    assert seeded.event_count() == before

    seeded.ok(MOVE + doc("2017-06-01"), JN)
    out_of_order = seeded(
        f"household move JH-0001 --village 雄光 --reason 回迁 {doc('2017-05-01')}", JN
    )
    assert_refused(out_of_order, "effective", "moves are dated in order")
    amend = seeded(f"household amend JH-0001 --village 雄光 --reason 录错 {doc('2017-07-01')}", JN)
    assert_refused(amend, "village", "void the move first")


def test_an_amended_village_says_it_holds_from_the_start(seeded: Fupin) -> None:
    amended = seeded.ok(
        f"household amend JH-0002 --village 江南社区 --reason 录错 {doc('2016-09-01')}", JN
    )
    assert "from the start" in amended.stdout
    assert "household move JH-0002" in amended.stdout


def test_a_move_row_is_imported(seeded: Fupin, tmp_path: Path) -> None:
    rows = tmp_path / "move.csv"
    rows.write_text(
        "ref,effective,document,household,village,reason\n"
        "MV-1,2017-06-01,迁移证明,JH-0001,江南社区,2017年6月搬迁\n",
        "utf-8",
    )
    seeded.ok(f"import {rows}", JN)
    assert _villages(seeded, "--as-of 2017-05-31") == {"雄光": 4}
    assert _villages(seeded) == {"雄光": 3, "江南社区": 1}
    assert seeded.ok("projections check", "admin").exit_code == 0


def test_the_notice_list_keeps_the_village_on_the_notices_first_day(seeded: Fupin) -> None:
    # dated after the notice, entered before it was posted
    seeded.ok(f"household move JH-0003 --village 江南社区 --reason 搬迁 {doc('2016-08-20')}", JN)
    notice = "household notice JH-0003 --start 2016-08-03 --end 2016-08-09 "
    seeded.ok(notice + doc("2016-08-03"), JN)
    seeded.ok(f"household move JH-0004 --village 江南社区 --reason 搬迁 {doc('2016-08-20')}", JN)

    listed = seeded.ok(
        "notice --street 江南 --from 2016-08-03 --to 2016-08-09 --format csv", JN
    ).stdout

    for number in ("JH-0003", "JH-0004"):
        row = next(line for line in listed.splitlines() if number in line)
        assert "雄光" in row, row
        assert "江南社区" not in row, row


def test_history_shows_the_move(seeded: Fupin) -> None:
    seeded.ok(MOVE + doc("2017-06-01"), JN)
    shown = seeded.ok("history JH-0001", "admin").stdout
    line = next(line for line in shown.splitlines() if "Moved" in line)
    assert "2017-06-01" in line
    # The village moved from and to, as an amendment's (since session 27, tester H: it read
    # ``village=江南社区, was=雄光``).
    assert "village 雄光 → 江南社区" in line, line
    assert "was=" not in line
