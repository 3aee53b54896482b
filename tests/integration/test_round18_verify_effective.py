"""Session 18: every command refuses an effective date after today (``check_come``), but
``fupin verify`` did not check it: an event altered to take effect after the day it was recorded
passed, and moved every as-of answer. It is now reported, judged by the day in China (a time
recorded in the evening UTC is the next day there)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
from ledger.funds import Disbursement, FundAccount
from ledger.household import Household
from ledger.officers import Officer

from tests.integration.test_round17_verify_rules import _forge, _last_position, _problems
from tests.support import TickingClock, identify, ledger_at, register, stamp

#: 20:00 UTC on 1 January 2019 is 04:00 on 2 January in China: every event of these ledgers
#: is recorded on 2019-01-02 there, on 2019-01-01 by the UTC date.
EVENING = datetime(2019, 1, 1, 20, 0, tzinfo=UTC)


def _ledger(path: Path) -> None:
    with ledger_at(path, TickingClock(EVENING)) as app:
        identify(app, "JH-1")


def _dated(path: Path, uid: str, version: int, effective: str) -> int:
    """Rewrite the effective date of event ``version`` of record ``uid`` as the ledger encodes
    it (keys sorted); return its position in the log."""
    with closing(sqlite3.connect(path)) as db, db:
        rowid, state = db.execute(
            "SELECT rowid, state FROM stored_events WHERE originator_id = ? "
            "AND originator_version = ?",
            (uid, version),
        ).fetchone()
        tree = orjson.loads(state)
        tree["prov"]["__Provenance__"]["effective"] = {"__date__": effective}
        db.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            (orjson.dumps(tree, option=orjson.OPT_SORT_KEYS), rowid),
        )
        (position,) = db.execute(
            "SELECT COUNT(*) FROM stored_events WHERE rowid < ?", (rowid,)
        ).fetchone()
    return int(position)


def test_an_event_dated_after_the_day_it_was_recorded_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    _ledger(path)
    position = _dated(path, Household.create_id("JH-1").hex, 1, "2019-01-03")

    [(at, reason)] = _problems(path)

    assert at == position
    assert reason.startswith(
        "it took effect on 2019-01-03, after the day it was recorded (2019-01-02 in China, "
        "2019-01-01T20:"
    )
    assert "-e after today is refused" in reason


def test_the_day_in_china_is_the_day_it_was_recorded(tmp_path: Path) -> None:
    # After the UTC date (2019-01-01), on the day in China: what the command accepted.
    path = tmp_path / "l.db"
    _ledger(path)
    _dated(path, Household.create_id("JH-1").hex, 1, "2019-01-02")

    assert _problems(path) == []


def test_an_event_decoded_in_full_is_judged_the_same(tmp_path: Path) -> None:
    # An officer's registration is read by the transcoder, not from the raw row.
    path = tmp_path / "l.db"
    _ledger(path)
    position = _dated(path, Officer.create_id("jn-01").hex, 1, "2019-01-05")

    [(at, reason)] = _problems(path)

    assert at == position
    assert reason.startswith("it took effect on 2019-01-05, after the day it was recorded")


def test_an_amendment_misstating_what_it_replaced_is_reported(tmp_path: Path) -> None:
    # ``was`` is what a history and the HTML report show as the value before: amend writes
    # the record's own; one written by hand that misstates it passed verify.
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        register(app, "JH-1")  # rural, as identified
    _forge(path, "Amended", "2016-09-01", changes={"area": "urban"}, was={"area": "x"}, reason="r")

    assert _problems(path) == [
        (
            _last_position(path),
            "its 'was' says area='x', but the record held area='rural': what it replaced is "
            "misstated",
        )
    ]


def test_a_payment_voided_without_the_households_receipt_is_reported(tmp_path: Path) -> None:
    # ``fupin correct fund`` voids a payment to a household and the household's receipt of it
    # in one save; a correction written by hand without the receipt left the money counted.
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        register(app, "JH-1")
        app.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")
        app.plan_measure(stamp("jn-01", date(2016, 8, 12)), "JH-1", "m-1", "education", "学费")
        app.open_account(stamp("qu-01"), "city-2016", "city", 2016)
        app.receive_allocation(stamp("qu-01"), "city-2016", 100_000)
        paid = Disbursement(10_000, "education", "household", "JH-1", "m-1")
        app.disburse(stamp("qu-01", date(2016, 9, 1)), "city-2016", paid)
        app.disburse(stamp("qu-01", date(2016, 9, 2)), "city-2016", paid)
        app.correct(stamp("qu-01", date(2016, 9, 3)), "fund", "city-2016", 4, "录重")
    assert _problems(path) == []  # voided by the command: the receipt with it
    fund = FundAccount.create_id("city-2016").hex
    _forge(path, "Corrected", "2016-09-04", uid=fund, actor="qu-01", corrects=3, reason="录错")

    assert _problems(path) == [
        (
            _last_position(path),
            "it voids entry 3, a payment to household JH-1, whose receipt of it is not voided "
            "(no ReceiptVoided on the household): the household still counts the money",
        )
    ]
