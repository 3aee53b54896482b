"""``fupin projections status`` says what the next report will do beyond catching up.

Its positions alone read as an ordinary catch-up: after a rebuild stopped half way, the
positions are those of the half, and nothing said that a reader that may not write is
refused until it is finished; after an upgrade, nothing said the next report rebuilds.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from ledger.application import open_ledger
from projections import catchup
from projections.storage import open_database

from tests.cli.conftest import Fupin


def _note(seeded: Fupin, output: str = "table") -> tuple[str, str]:
    result = seeded.ok(f"projections status --format {output}")
    return result.stdout, result.stderr


def test_caught_up_read_models_need_no_note(seeded: Fupin) -> None:
    seeded.ok("projections rebuild")

    stdout, stderr = _note(seeded, "json")

    assert stderr == ""
    assert {row["behind"] for row in json.loads(stdout)} == {0}


def test_a_rebuild_stopped_half_way_is_named_with_what_finishes_it(seeded: Fupin) -> None:
    seeded.ok("projections rebuild")
    with (
        closing(open_ledger(seeded.store)) as ledger,
        closing(open_database(ledger.location)) as db,
    ):
        catchup._begin_rebuild(db)  # its first transaction, then the process died

    for output in ("table", "json"):
        stdout, stderr = _note(seeded, output)
        assert "a rebuild of the read models is under way, or was stopped before" in stderr
        assert "the next report (or `fupin projections rebuild`) finishes it" in stderr
    assert json.loads(stdout)[0]["position"] == 0  # stdout is still the list alone

    seeded.ok("report caseload")  # finishes it
    assert _note(seeded)[1] == ""


def test_read_models_of_an_older_fupin_are_named(seeded: Fupin) -> None:
    seeded.ok("projections rebuild")
    with (
        closing(open_ledger(seeded.store)) as ledger,
        closing(open_database(ledger.location)) as db,
    ):
        db.execute("UPDATE pj_schema SET version = ? WHERE id = 1", (catchup.SCHEMA_VERSION - 1,))

    stderr = _note(seeded)[1]

    assert f"were built by an older fupin (schema {catchup.SCHEMA_VERSION - 1}" in stderr
    assert "the next report (or `fupin projections rebuild`) builds them anew" in stderr
    seeded.ok("report caseload")
    assert _note(seeded)[1] == ""


def test_read_models_a_newer_fupin_built_are_named_not_refused(seeded: Fupin) -> None:
    # ``status`` was refused (exit 2) there once it said what a report would do.
    seeded.ok("projections rebuild")
    with (
        closing(open_ledger(seeded.store)) as ledger,
        closing(open_database(ledger.location)) as db,
    ):
        db.execute("UPDATE pj_schema SET version = ? WHERE id = 1", (catchup.SCHEMA_VERSION + 1,))

    stdout, stderr = _note(seeded, "json")

    assert json.loads(stdout)[0]["behind"] == 0
    assert stderr.startswith("every report is refused: ")
    assert "newer" in stderr


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # rows deleted from the file
def test_read_models_ahead_of_the_log_are_named(seeded: Fupin) -> None:
    seeded.ok("report caseload")
    with closing(sqlite3.connect(seeded.path)) as db, db:
        db.execute("DELETE FROM stored_events WHERE rowid = (SELECT MAX(rowid) FROM stored_events)")

    stderr = _note(seeded)[1]

    assert stderr.startswith("every report is refused: the read models hold events up to ")


def test_a_model_moved_back_alone_is_named(seeded: Fupin) -> None:
    # Every report was refused (a catch-up met rows already there) and status said nothing.
    seeded.ok("report caseload")
    with (
        closing(open_ledger(seeded.store)) as ledger,
        closing(open_database(ledger.location)) as db,
    ):
        db.execute("UPDATE pj_tracking SET position = position - 3 WHERE projection = 'funds'")
        head = db.one("SELECT MAX(position) FROM pj_tracking")[0]  # type: ignore[index]

    stderr = _note(seeded)[1]

    assert stderr.startswith(
        f"the read models' tracked positions disagree (funds at {head - 3}; the others at {head}): "
    )


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the file's tables and bytes
def test_status_of_read_models_an_older_fupin_built_writes_nothing(seeded: Fupin) -> None:
    # Tester E, session 26: status on a store an older fupin built made the tables this one
    # adds (15 in a schema-4 store), changing the file, and listed them as the store's.
    seeded.ok("report caseload")
    with closing(sqlite3.connect(seeded.path)) as db, db:
        db.execute("DROP TABLE pj_moves")
        db.execute("UPDATE pj_schema SET version = 4 WHERE id = 1")
    before = seeded.path.read_bytes()

    stdout, stderr = _note(seeded, "json")

    assert seeded.path.read_bytes() == before
    with closing(sqlite3.connect(seeded.path)) as db:
        found = db.execute("SELECT name FROM sqlite_master WHERE name = 'pj_moves'").fetchall()
    assert found == []
    assert all("pj_moves" not in row["tables"] for row in json.loads(stdout))
    assert "lack a table this version of fupin adds" in stderr


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_status_of_a_store_never_reported_on_builds_nothing(seeded: Fupin) -> None:
    stdout, stderr = _note(seeded, "json")

    with closing(sqlite3.connect(seeded.path)) as db:
        made = db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'pj_%'").fetchall()
    assert made == []
    assert {row["position"] for row in json.loads(stdout)} == {0}
    assert "are not built yet" in stderr
