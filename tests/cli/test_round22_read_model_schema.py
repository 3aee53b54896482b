"""Session 22, tester F: a trigger or a view in a SQLite file reached the read models. A
trigger on ``pj_schema`` rewrote an event during ``fupin projections rebuild`` (the write
refusal covered saves and the key table only), and a view named as ``pj_households``, over the
table renamed, left a tenth of the households out of ``report caseload``. Every catch-up (which
every report runs first), ``projections rebuild`` and ``projections check`` now refuse a store
holding either, writing nothing; ``fupin verify`` still runs and names it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "a SQLite file's own schema (PostgreSQL: tests/integration)"

#: Tester F's trigger: whenever the read models' schema row changes, an event is rewritten.
TRIGGER = (
    "CREATE TRIGGER x AFTER UPDATE ON pj_schema BEGIN UPDATE stored_events SET state = "
    "CAST(replace(CAST(state AS TEXT), '\"amount_fen\":100000', '\"amount_fen\":900000') AS "
    "BLOB) WHERE topic LIKE '%AllocationReceived'; END"
)
#: Tester F's view: pj_households, over the table renamed, without one household in ten.
SHADOW = (
    "ALTER TABLE pj_households RENAME TO pj_h0",
    "CREATE VIEW pj_households AS SELECT * FROM pj_h0 WHERE rowid % 10 <> 0",
)


def _alter(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as db:
        for statement in statements:
            db.execute(statement)
        db.commit()


def _events(path: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT * FROM stored_events ORDER BY rowid").fetchall()


def _read_models(path: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT * FROM pj_tracking ORDER BY 1").fetchall()


def test_rebuild_is_refused_while_a_trigger_is_on_a_read_model_table(seeded: Fupin) -> None:
    seeded.ok("report caseload")  # the read models built
    _alter(seeded.path, TRIGGER)
    events, tracked = _events(seeded.path), _read_models(seeded.path)

    result = seeded("projections rebuild")

    assert_refused(result, "store", "the store holds trigger 'x' on pj_schema, which fupin never")
    assert "nothing was written" in result.stderr
    assert _events(seeded.path) == events
    assert _read_models(seeded.path) == tracked


def test_a_report_is_refused_while_a_view_stands_for_a_read_model_table(seeded: Fupin) -> None:
    seeded.ok("report caseload")
    _alter(seeded.path, *SHADOW)

    result = seeded("report caseload")

    assert_refused(result, "store", "the store holds view 'pj_households' on pj_households")
    assert "no report is made from them" in result.stderr


def test_a_catch_up_is_refused_before_it_writes_with_a_trigger_on_a_read_model(
    seeded: Fupin,
) -> None:
    seeded.ok("report caseload")
    seeded.ok(f"officer add x-1 --name X --role officer {doc('2016-08-01')}", "admin")
    _alter(seeded.path, TRIGGER.replace("AFTER UPDATE ON pj_schema", "AFTER UPDATE ON pj_tracking"))
    events, tracked = _events(seeded.path), _read_models(seeded.path)

    result = seeded("report caseload")

    assert_refused(result, "store", "the store holds trigger 'x' on pj_tracking")
    assert _events(seeded.path) == events
    assert _read_models(seeded.path) == tracked  # the officer's event not applied


def test_verify_still_runs_and_names_the_view(seeded: Fupin) -> None:
    seeded.ok("report caseload")
    _alter(seeded.path, *SHADOW)

    result = seeded("verify")

    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("FAILED at the store's schema: view pj_households:")


def test_reports_are_made_again_once_the_view_is_gone_and_the_models_rebuilt(
    seeded: Fupin,
) -> None:
    seeded.ok("report caseload")
    _alter(seeded.path, *SHADOW)
    _alter(seeded.path, "DROP VIEW pj_households")

    seeded.ok("projections rebuild")

    seeded.ok("report caseload")


def test_rebuild_with_a_view_named_as_a_read_model_table_is_refused_not_an_error(
    seeded: Fupin,
) -> None:
    """Tester F's LOW 5: ``internal error: OperationalError: use DROP VIEW to delete view
    pj_households``, exit 1; its type written 'VIEW' (PRAGMA writable_schema) as well."""
    seeded.ok("report caseload")
    _alter(seeded.path, *SHADOW)
    with closing(sqlite3.connect(seeded.path)) as db:
        db.execute("PRAGMA writable_schema = ON")
        db.execute("UPDATE sqlite_master SET type = 'VIEW' WHERE name = 'pj_households'")
        db.commit()

    result = seeded("projections rebuild")

    assert_refused(result, "store", "the store holds view 'pj_households' on pj_households")
    assert "internal error" not in result.output
