"""Session 34, tester b: an event deleted from the middle of the log (its last kept) after the
read models counted it, verify's line on the read models said "the read models' two records of
their position disagree … events were removed from the end of the ledger … every report refuses
them": the two agree, nothing was removed from the end, and the reports serve. And the last
event's recording time changed was blamed only on events removed from the end."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import orjson

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "a SQLite file edited by hand"

PAY = (
    "fund disburse city-2016 --amount 10 --category education --purpose household "
    "--household JH-0001 --measure m-1 {}"
)


def _counted(fupin: Fupin) -> None:
    fupin.ok(PAY.format(doc("2016-09-05")), "qu-01")
    fupin.ok(f"household visit JH-0001 --helper c-1 --summary 走访 {doc('2016-09-06')}", "jn-01")
    fupin.ok("report caseload", "admin")  # the read models count every event


def test_an_event_removed_from_within_is_said_so_and_the_reports_serve(seeded: Fupin) -> None:
    _counted(seeded)
    with closing(sqlite3.connect(seeded.store)) as db, db:
        db.execute(
            "DELETE FROM stored_events WHERE rowid = (SELECT MAX(rowid) - 1 FROM stored_events)"
        )

    said = " ".join(seeded("verify", "admin").output.split())

    assert "events were removed from within the ledger after the read models counted them" in (said)
    assert "which is the ledger's last event" in said
    assert "removed from the end" not in said
    assert "every report refuses them" not in said
    assert "two records of their position disagree" not in said
    seeded.ok("report caseload", "admin")


def test_the_last_events_time_changed_is_named_among_the_causes(seeded: Fupin) -> None:
    _counted(seeded)
    with closing(sqlite3.connect(seeded.store)) as db, db:
        rowid, state = db.execute(
            "SELECT rowid, state FROM stored_events ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
        tree = orjson.loads(state)
        tree["timestamp"]["__datetime__"] = "2016-01-01T00:00:00+00:00"
        db.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            (orjson.dumps(tree, option=orjson.OPT_SORT_KEYS), rowid),
        )

    said = " ".join(seeded("verify", "admin").output.split())

    assert "or the recording time of the event there was changed" in said
