"""Session 28, tester L (an inspector reconstructing who did what): an entry the district office
imports in a street officer's name looked exactly like one the officer recorded (history, log
and the export said jn-01, officer; only the import register's batch named the admin, and
named no event). Since session 28 the provenance names who recorded it (``imported_by``, in
their role) when that is not its actor: history, log and the export show it, a move carries it,
the recorder's key signs it (the admin could not import a keyed officer's rows at all), and
verify checks the recorder was an active admin. An entry its actor records stores exactly the
bytes it stored before, and a ledger stored before verifies and reads as it did."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from tests.cli.conftest import Fupin, assert_refused, doc, history_rows, reimported
from tests.cli.test_verify_cli import new_key

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

ROW: dict[str, object] = {
    "command": "record_visit",
    "ref": "IMP-V-1",
    "actor": "jn-01",
    "effective": "2016-09-05",
    "document": "走访台账导入〔2016〕",
    "note": "",
    "args": {"household": "JH-0001", "helper": "c-1", "summary": "入户走访"},
}
#: How the transcoder stored a provenance before session 28, and stores an actor's own still.
OWN_PROVENANCE = (
    b'"prov":{"__Provenance__":{"actor":"jn-01","document":"%s","effective":'
    b'{"__date__":"2016-09-01"},"note":"","role":"officer"}}' % "江高发〔2016〕4号".encode()
)


def _rows(folder: Path, *rows: dict[str, object], name: str = "imp1.jsonl") -> str:
    path = folder / name
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return str(path)


def _last(fupin: Fupin) -> dict[str, object]:
    entry: dict[str, object] = history_rows(fupin, "JH-0001")[-1]
    return entry


def _log_entry(fupin: Fupin, event: str) -> dict[str, object]:
    lines = fupin.ok("log", "admin").stdout.splitlines()
    entries = [orjson.loads(line) for line in lines]
    found: dict[str, object] = [e for e in entries if e["event"] == event][-1]
    return found


def test_an_entry_imported_by_the_admin_for_an_officer_says_the_admin_recorded_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    assert "imported 1 row(s)" in seeded.ok(f"import {_rows(tmp_path, ROW)}", "admin").stdout

    entry = _last(seeded)
    assert (entry["event"], entry["actor"], entry["role"]) == ("VisitRecorded", "jn-01", "officer")
    assert (entry["imported_by"], entry["imported_by_role"]) == ("admin", "admin")
    table = seeded.ok("history JH-0001", "admin").stdout
    assert "jn-01 (officer), imported by admin" in table
    logged = _log_entry(seeded, "VisitRecorded")
    assert (logged["actor"], logged["imported_by"], logged["imported_by_role"]) == (
        "jn-01",
        "admin",
        "admin",
    )
    seeded.ok(f"export events -o {tmp_path / 'ev.jsonl'}", "insp-1")
    exported = [
        orjson.loads(line)
        for line in (tmp_path / "ev.jsonl").read_bytes().splitlines()
        if b'"IMP-V-1"' in line or b"\xe5\xaf\xbc\xe5\x85\xa5" in line  # 导入
    ]
    assert [(e["actor"], e["imported_by"], e["imported_by_role"]) for e in exported] == [
        ("jn-01", "admin", "admin")
    ]
    assert seeded.ok("verify").exit_code == 0


def test_an_officers_own_entry_names_no_recorder_and_stores_the_bytes_it_did(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "jn-01")
    own = dict(ROW, ref="IMP-V-2", effective="2016-09-06")
    seeded.ok(f"import {_rows(tmp_path, own)}", "jn-01")  # an officer's own sheet

    for entry in history_rows(seeded, "JH-0001")[-2:]:
        assert entry["actor"] == "jn-01"
        assert "imported_by" not in entry
        assert "imported_by_role" not in entry
    assert ", imported by " not in seeded.ok("history JH-0001", "admin").stdout
    assert "imported_by" not in _log_entry(seeded, "VisitRecorded")
    with sqlite3.connect(seeded.path) as db:
        states = [bytes(s) for (s,) in db.execute("SELECT state FROM stored_events")]
    db.close()
    assert sum(OWN_PROVENANCE in state for state in states) == 1
    assert not any(b"imported_by" in state for state in states)


def test_an_import_by_the_officer_running_it_without_as_names_the_first_rows_officer(
    seeded: Fupin, tmp_path: Path
) -> None:
    # no --as: the batch is the first row's officer's, the admin here, who records jn-01's too
    first = dict(ROW, ref="IMP-V-0", actor="admin", command="record_visit")
    first["args"] = {"household": "JH-0001", "helper": "c-1", "summary": "区里走访"}
    seeded.ok(f"import {_rows(tmp_path, first, ROW)}", "admin")

    admins, officers = history_rows(seeded, "JH-0001")[-2:]
    assert (admins["actor"], "imported_by" in admins) == ("admin", False)
    assert (officers["actor"], officers["imported_by"]) == ("jn-01", "admin")


def test_a_keyed_officers_rows_are_imported_signed_with_the_admins_key(
    seeded: Fupin, tmp_path: Path
) -> None:
    public = new_key(seeded, tmp_path / "jn.key")
    seeded.ok(f"keys register jn-01 {public} {doc('2016-08-20')}", "admin")
    public = new_key(seeded, tmp_path / "admin.key")
    seeded.ok(f"keys register admin {public} {doc('2016-08-20')}", "admin")
    rows = _rows(tmp_path, ROW)

    assert_refused(seeded(f"import {rows}", "admin"), "key", "admin signs with key")
    refused = seeded(f"--key {tmp_path / 'jn.key'} import {rows}", "admin")
    assert_refused(refused, "key", "not admin's key")
    imported = seeded.ok(f"--key {tmp_path / 'admin.key'} import {rows}", "admin")

    assert "imported 1 row(s)" in imported.stdout
    assert _last(seeded)["imported_by"] == "admin"
    seal = _log_entry(seeded, "Sealed")
    assert (seal["actor"], seal["details"]["signer"]) == ("admin", "admin")  # type: ignore[index]
    verified = seeded.ok("verify")
    # one seal, by the admin, over the visit and the import register's events
    assert "signatures: 1 seals over 3 signed events" in verified.stdout
    # the admin's signature covers the entry: one byte of it altered is caught
    with sqlite3.connect(seeded.path) as db:
        db.execute(
            "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), '入户走访', "
            "'入户回访') AS BLOB) WHERE CAST(state AS TEXT) LIKE '%走访台账导入%'"
        )
    db.close()
    altered = seeded("verify")
    assert altered.exit_code == 1, altered.output
    assert "differs from what admin signed" in altered.output


def test_verify_refuses_an_entry_recorded_for_another_by_an_officer_who_is_no_admin(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"import {_rows(tmp_path, ROW)}", "admin")
    with sqlite3.connect(seeded.path) as db:
        db.execute(
            "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), "
            '\'"imported_by":"admin","imported_by_role":"admin"\', '
            '\'"imported_by":"qu-01","imported_by_role":"officer"\') AS BLOB)'
        )
    db.close()

    result = seeded("verify")

    assert result.exit_code == 1, result.output
    assert "imported by qu-01 (officer) for jn-01: only an admin records (imports)" in result.output


def test_a_move_carries_who_recorded_each_entry(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(f"import {_rows(tmp_path, ROW)}", "admin")
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-07')}", "jn-01")

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    env = {**(seeded.runner.env or {}), "LEDGER_STORE": str(tmp_path / "fresh.db")}
    fresh = Fupin(str(tmp_path / "fresh.db"), CliRunner(env=env))
    imported, own = history_rows(fresh, "JH-0001")[-2:]
    assert (imported["actor"], imported["imported_by"], imported["imported_by_role"]) == (
        "jn-01",
        "admin",
        "admin",
    )
    assert (own["actor"], "imported_by" in own) == ("jn-01", False)
    assert fresh.ok("verify", "admin").exit_code == 0


def test_an_imported_by_cell_of_an_ordinary_import_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    claimed = dict(ROW, imported_by="qu-01")
    before = seeded.event_count()

    result = seeded(f"import {_rows(tmp_path, claimed)}", "admin")

    assert result.exit_code == 2, result.output
    assert "imported_by: is written by fupin export events" in result.output
    assert "who records an imported row is who imports it (--as)" in result.output
    assert seeded.event_count() == before


def test_log_actor_finds_an_imported_entry_by_its_officer_and_by_who_recorded_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    """``fupin log --actor`` (helper L2) and ``imported_by`` (helper L1), both session 28: an
    entry the district office imported in jn-01's name is found by either officer."""
    seeded.ok(f"import {_rows(tmp_path, ROW)}", "admin")

    def visits(actor: str) -> list[tuple[object, object]]:
        lines = seeded.ok(f"log --actor {actor} --document 走访台账导入〔2016〕", "admin").stdout
        found = [orjson.loads(line) for line in lines.splitlines()]
        return [(e["actor"], e.get("imported_by")) for e in found if e["event"] == "VisitRecorded"]

    assert visits("admin") == [("jn-01", "admin")]
    assert visits("jn-01") == [("jn-01", "admin")]
    assert visits("qu-01") == []
