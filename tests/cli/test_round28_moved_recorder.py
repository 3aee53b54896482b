"""Session 28, re-tester P, finding 1: a move (``import --create``) took an export edited to name
a street officer or an inspector as who recorded (imported) another officer's entry, wrote the
new store (exit 0), and ``fupin verify`` then failed it ("only an admin records another
officer's ..."); a forged recorder's role was read again silently. The ledger now judges the
recorder in one place (``Ledger._imported_by``), by the rule verify checks, on every path: the
whole move is refused, nothing written."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from cli.main import app

from tests.cli.conftest import Fupin
from tests.cli.test_round28_imported_by import ROW

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

Edit = Callable[[dict[str, object]], None]


def _moved(seeded: Fupin, folder: Path, edit: Edit) -> tuple[int, str, int]:
    """The admin imports jn-01's visit, the ledger is exported, the visit's line edited, and
    the export moved into a new store: (exit code, the line of stderr naming the row, the
    new store's events)."""
    rows = folder / "rows.jsonl"
    rows.write_bytes(orjson.dumps(ROW) + b"\n")
    seeded.ok(f"import {rows}", "admin")
    export = folder / "f7.jsonl"
    seeded.ok(f"export events -o {export}", "admin")
    lines = [orjson.loads(line) for line in export.read_bytes().splitlines()]
    (visit,) = [n for n, e in enumerate(lines) if "imported_by" in e]
    edit(lines[visit])
    export.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    fresh = folder / "fresh.db"
    result = seeded.runner.invoke(app, ["--store", str(fresh), "import", "--create", str(export)])
    named = [line for line in result.stderr.splitlines() if f"line {visit + 1}," in line]
    events = 0
    if fresh.exists():
        with sqlite3.connect(fresh) as db:
            tables = {t for (t,) in db.execute("SELECT name FROM sqlite_master")}
            if "stored_events" in tables:
                (events,) = db.execute("SELECT count(*) FROM stored_events").fetchone()
        db.close()
    return result.exit_code, "\n".join(named) or result.output, events


@pytest.mark.parametrize(("officer", "role"), [("qu-01", "officer"), ("insp-1", "inspector")])
def test_a_move_refuses_an_entry_recorded_for_another_by_an_officer_who_is_no_admin(
    seeded: Fupin, tmp_path: Path, officer: str, role: str
) -> None:
    def forged(line: dict[str, object]) -> None:
        line["imported_by"], line["imported_by_role"] = officer, role

    code, said, events = _moved(seeded, tmp_path, forged)

    assert code == 2, said
    assert "f7.jsonl line " in said
    assert (
        f"imported_by: {officer} ({role}) for jn-01: only an admin records (imports) rows "
        "of other officers"
    ) in said
    assert events == 0


def test_a_move_refuses_a_recorders_role_that_is_not_theirs(seeded: Fupin, tmp_path: Path) -> None:
    def forged(line: dict[str, object]) -> None:
        line["imported_by_role"] = "officer"  # the admin's

    code, said, events = _moved(seeded, tmp_path, forged)

    assert code == 2, said
    assert "imported_by_role: 'officer', but admin is admin" in said
    assert events == 0


def test_a_move_refuses_a_recorder_without_a_role(seeded: Fupin, tmp_path: Path) -> None:
    def no_role(line: dict[str, object]) -> None:
        del line["imported_by_role"]

    code, said, events = _moved(seeded, tmp_path, no_role)

    assert (code, events) == (2, 0), said
    assert "imported_by_role: missing: fupin export events writes imported_by with" in said


def test_a_move_refuses_a_recorder_naming_the_actor(seeded: Fupin, tmp_path: Path) -> None:
    def the_actor(line: dict[str, object]) -> None:
        line["imported_by"], line["imported_by_role"] = "jn-01", "officer"

    code, said, events = _moved(seeded, tmp_path, the_actor)

    assert (code, events) == (2, 0), said
    assert "imported_by: names jn-01, the row's actor" in said


def test_an_untouched_export_still_moves(seeded: Fupin, tmp_path: Path) -> None:
    code, said, events = _moved(seeded, tmp_path, lambda line: None)

    assert code == 0, said
    assert events > 0
