"""Session 32, tester h: verify judged the read models' position by ``pj_tracking`` alone.
F6: a tail cut, then ``DELETE FROM pj_tracking``: verify passed, exit 0, silent, while every
report refused ("pj_tracking puts them at event 0, but pj_clock has counted 9") and pj_clock
still held the removed event's recording time. F2: an officer (read and write on ``pj_*``, no
right on an event) moved only ``pj_tracking`` forward, and verify failed the untouched ledger
as "events were removed from its end", though pj_clock had counted exactly its events, the last
at its last event's time. F7: a passing verify said the read models were "not compared with the
events", though their position is. Verify now judges both records, pj_clock's count (with
counts) and last recording time as well as the tracked position (an id), fails when either puts
them past the ledger's end, naming both possibilities when the two disagree, and notes read
models that disagree only among themselves. On PostgreSQL (F1, F4) the owner's no-op
``CREATE OR REPLACE FUNCTION fupin_events_append_only()`` left no note, and ``DROP FUNCTION …
CASCADE`` was said "never were … protect_events was not run": the function's body is now
compared with the one protect_events installs, and the dropped guards said removed while the
key table's stand.
"""

from __future__ import annotations

from ledger.store import parse_store
from projections.pg import protect_events

from tests.cli import test_round32_verify_tail_and_triggers as tail
from tests.cli.conftest import Fupin, doc, run_sql
from tests.cli.test_round32_verify_tail_and_triggers import (
    EVENTS_GUARDS,
    KEYS_GUARDS,
    PAY,
    _cut_tail,
    _failed,
    _last_id,
)

#: The owner's database protected for an officers' role, as the tail-cut tests make it.
owned = tail.owned
protected = tail.protected

COMPARED = (
    "read models: their position (pj_tracking, pj_clock) compared with the ledger's end, as "
    "every report compares it before it reads them; their figures not compared with the events"
)
EDITED = (
    "the read models were edited behind the ledger's back, not the ledger, whose events are "
    "all they counted; every report refuses them until `fupin projections rebuild` makes them "
    "anew (`fupin projections check` compares them with the events): find out who changed them"
)


def _counted(fupin: Fupin) -> int:
    """The clock's own count of events, as the reports' refusal reads it."""
    return int(str(_query(fupin.store, "SELECT events FROM pj_clock WHERE id = 1")))


def _query(store: str, sql: str) -> object:
    if store.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(store) as conn:
            row = conn.execute(sql).fetchone()
    else:
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(store)) as db:
            row = db.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_a_tail_cut_then_pj_tracking_deleted_fails_naming_both_possibilities(
    seeded: Fupin,
) -> None:
    seeded.ok(PAY.format(doc("2016-09-05")), "qu-01")
    seeded.ok("report funds")  # the read models count every event
    counted = _counted(seeded)
    _cut_tail(seeded.store, _last_id(seeded.store) - 2)
    run_sql(seeded.store, "DELETE FROM pj_tracking")
    size = seeded.event_count()
    refused = seeded("report caseload")
    assert refused.exit_code == 2, refused.output
    assert f"but pj_clock has counted {counted}" in refused.output

    said = _failed(seeded("verify"))

    assert said.startswith(
        f"FAILED at the end of the ledger (its last position is {size - 1}): read models: "
        f"pj_tracking holds no position for them; while pj_clock has counted {counted} events, "
        "the last recorded "
    ), said
    assert f": its count is above the ledger's {size} events; the ledger's last event was " in said
    assert (
        "the read models' two records of their position disagree, and one puts them past the "
        "ledger's end: events were removed from the end of the ledger after the read models "
        "counted them, or the read models were edited behind the ledger's back (pj_tracking or "
        "pj_clock); every report refuses them. A checkpoint file signed after the last event "
        "they counted tells which"
    ) in said
    assert "1 problem(s) in" in said


def test_pj_tracking_moved_forward_on_an_untouched_ledger_is_a_note(seeded: Fupin) -> None:
    seeded.ok("report caseload")
    last = _last_id(seeded.store)
    size = seeded.event_count()
    # what the officers' role may do (read and write on pj_*, no right on an event)
    run_sql(seeded.store, "UPDATE pj_tracking SET position = position + 40")

    said = " ".join(seeded.ok("verify").output.split())

    assert "FAILED" not in said
    assert (
        "note: the read models' records of their position disagree (the read models hold "
        f"events up to notification {last + 40}, but the ledger's last is {last}; while "
        f"pj_clock has counted {size} events, the last recorded "
    ) in said
    assert f", as the ledger holds {size} events, the last recorded " in said
    assert f"): {EDITED}" in said
    assert COMPARED in said


def test_pj_tracking_deleted_without_a_cut_is_a_note(seeded: Fupin) -> None:
    seeded.ok("report caseload")
    size = seeded.event_count()
    run_sql(seeded.store, "DELETE FROM pj_tracking")
    assert seeded("report caseload").exit_code == 2  # every report refuses them

    said = " ".join(seeded.ok("verify").output.split())

    assert (
        "note: the read models' records of their position disagree (pj_tracking holds no "
        f"position for them; while pj_clock has counted {size} events, the last recorded "
    ) in said
    assert EDITED in said


def test_a_passing_verify_says_the_read_models_position_was_compared(seeded: Fupin) -> None:
    none = " ".join(seeded.ok("verify").output.split())
    assert "read models: they record no position (none built yet, or emptied): none " in none

    seeded.ok("report caseload")
    seeded.ok(PAY.format(doc("2016-09-05")), "qu-01")  # events the read models have not read
    said = " ".join(seeded.ok("verify").output.split())

    assert COMPARED in said
    assert "note: the read models" not in said


# -- PostgreSQL: the events' trigger function replaced or dropped by the owner (F1, F4) --------

NEUTERED = (
    "CREATE OR REPLACE FUNCTION fupin_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
)


def test_the_owner_replaces_the_trigger_function_verify_notes_it(
    protected: tuple[Fupin, str],
) -> None:
    fupin, officers = protected
    store = fupin.store
    assert "note:" not in fupin.ok("verify").output
    run_sql(store, NEUTERED)
    last = _last_id(store)
    run_sql(store, f"DELETE FROM ledger_events WHERE notification_id = {last}")  # not refused
    assert _last_id(store) < last

    said = " ".join(fupin.ok("verify").output.split())  # no read models: nothing else shows it

    assert (
        f"note: {EVENTS_GUARDS}: their function fupin_events_append_only was replaced (CREATE "
        "OR REPLACE FUNCTION): it is not the one protect_events installs, and may refuse "
        "nothing while its triggers are there and enabled"
    ) in said
    assert KEYS_GUARDS not in said  # the key table's guards are as installed

    protect_events(parse_store(store), officers)  # the function as it was: nothing to say
    assert "note:" not in fupin.ok("verify").output


def test_the_owner_drops_the_trigger_function_verify_does_not_say_never(
    protected: tuple[Fupin, str],
) -> None:
    fupin, _officers = protected
    run_sql(fupin.store, "DROP FUNCTION fupin_events_append_only() CASCADE")

    said = " ".join(fupin.ok("verify").output.split())

    assert (
        f"note: {EVENTS_GUARDS} are not on this store, nor their function "
        "fupin_events_append_only, while the key table's triggers, which the same "
        "protect_events installs with them, are there: they were removed (DROP FUNCTION … "
        "CASCADE removes the function and both triggers at once)"
    ) in said
    assert "never were" not in said
    assert KEYS_GUARDS not in said  # the key table's guards stand: nothing to say of them
