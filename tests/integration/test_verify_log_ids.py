"""``fupin verify`` gives, with each problem at an event, the store's own id for that event
(SQLite's rowid, PostgreSQL's notification id): the number ``fupin log`` prints as
"position" and finds the event by, gaps and all (inspector's finding F2: after a deletion,
verify's position P, a Merkle leaf index, and ``fupin log --since P --limit 1`` named different
events)."""

from __future__ import annotations

from eventsourcing.sqlite import SQLiteApplicationRecorder
from ledger.application import Ledger
from ledger.base import natural_id
from ledger.verification import verify_ledger

from tests.integration.test_verify_ledger import tamper_events
from tests.support import register


def _shown_by_log(ledger: Ledger, since: int) -> tuple[str, int]:
    """The event ``fupin log --since SINCE --limit 1`` shows: (id, version)."""
    entry = next(iter(ledger.event_stream(since=since, limit=1)))
    return entry["id"], entry["version"]


DELETE = "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = ?"


def test_each_problem_gives_the_id_fupin_log_finds_its_event_by(store_ledger: Ledger) -> None:
    ledger = store_ledger
    register(ledger, "JH-0002", serial=2)
    register(ledger, "JH-0001", serial=1)
    earlier, flagged = natural_id("household", "JH-0002"), natural_id("household", "JH-0001")
    sqlite = isinstance(ledger.recorder, SQLiteApplicationRecorder)
    # two rows deleted before the flagged event: JH-0002's last (no gap in its versions) and
    # JH-0001's version 3 (a gap, reported at version 4)
    tamper_events(ledger, DELETE, earlier.hex if sqlite else earlier, 5)
    tamper_events(ledger, DELETE, flagged.hex if sqlite else flagged, 3)

    report = verify_ledger(ledger.recorder, ledger.mapper)

    gaps = [p for p in report.problems if p.event == "the store's row ids"]
    (problem,) = [p for p in report.problems if p.event != "the store's row ids"]
    # A SQLite file's row ids skip both deleted rows (since session 27): JH-0002's last too.
    assert len(gaps) == (2 if sqlite else 0), report.problems
    assert problem.reason == "version 3 of this aggregate is missing (deleted or renumbered)"
    assert problem.event.endswith(f"{flagged} v4")
    assert problem.log_id is not None
    assert _shown_by_log(ledger, problem.log_id - 1) == (str(flagged), 4)
    # the leaf position is two behind it: counted as before, it shows another event
    assert problem.log_id >= problem.position + 3
    assert _shown_by_log(ledger, problem.position) != (str(flagged), 4)


def test_a_problem_at_an_earlier_position_gives_that_events_id(store_ledger: Ledger) -> None:
    """A version moved before its predecessor is reported at the moved event once the
    predecessor is read, later in the log: the id is still the moved event's."""
    ledger = store_ledger
    register(ledger, "JH-0001", serial=1)
    register(ledger, "JH-0002", serial=2)
    register(ledger, "JH-0003", serial=3)
    first, moved = natural_id("household", "JH-0001"), natural_id("household", "JH-0002")
    sqlite = isinstance(ledger.recorder, SQLiteApplicationRecorder)
    tamper_events(ledger, DELETE, first.hex if sqlite else first, 5)  # a gap in the ids before it
    # JH-0002 v4 and v5 swap versions (v5 now stored before v4)
    uid = moved.hex if sqlite else moved
    table_version = "UPDATE stored_events SET originator_version = ? WHERE originator_id = ? "
    tamper_events(ledger, table_version + "AND originator_version = ?", 99, uid, 4)
    tamper_events(ledger, table_version + "AND originator_version = ?", 4, uid, 5)
    tamper_events(ledger, table_version + "AND originator_version = ?", 5, uid, 99)

    report = verify_ledger(ledger.recorder, ledger.mapper)

    problem = next(p for p in report.problems if p.event != "the store's row ids")
    assert problem.event.endswith(f"{moved} v5"), report.problems
    assert problem.log_id is not None
    assert _shown_by_log(ledger, problem.log_id - 1) == (str(moved), 5)
    assert problem.log_id >= problem.position + 2
