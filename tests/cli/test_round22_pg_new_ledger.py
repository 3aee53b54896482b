"""Session 22, a district administrator on PostgreSQL 15: ``import --create --dry-run`` into an
empty database said "dry run: … nothing written" but left an empty ``ledger_events`` table and
its sequence and type behind; the reports then said the database "holds no ledger yet" while
``restore`` refused it as holding a ledger. On SQLite the same dry run makes no file
(``ledger.newstore``). Now a command that makes a new ledger on PostgreSQL (``init``, ``import
--create``, ``demo``) and is refused, or only tried, drops what it made: the database is left
exactly as it was found."""

from __future__ import annotations

from pathlib import Path

import orjson
import psycopg
import pytest
from cli.main import app
from ledger.demo import generator
from ledger.errors import LedgerError
from ledger.privacy import generate_master_key
from typer.testing import CliRunner

from tests.pgserver import PgConnInfo

runner = CliRunner(env={"LEDGER_STORE": None, "LEDGER_ACTOR": None, "LEDGER_KEY": None})
STAMP: dict[str, object] = {
    "actor": "admin",
    "effective": "2016-07-26",
    "document": "江高发〔2016〕4号",
    "note": "",
}
INITIALISE: dict[str, object] = {
    "command": "initialise",
    "ref": "officer:admin@1",
    "args": {"name": "区扶贫办"},
}
STREET: dict[str, object] = {
    "command": "register_street",
    "ref": "street:江南@1",
    "args": {"street": "江南"},
}
INIT = ["--as", "admin", "init", "--admin", "admin", "--name", "x", "-d", "d", "-e", "2016-07-26"]

#: Everything a schema holds that a command could make: relations, types and functions.
_OBJECTS = """
SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public'
UNION ALL SELECT t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public'
UNION ALL SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public'
"""


def _objects(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        return sorted(str(name) for (name,) in conn.execute(_OBJECTS).fetchall())


def _events(tmp_path: Path, *rows: dict[str, object]) -> Path:
    path = tmp_path / "ev.jsonl"
    path.write_bytes(b"".join(orjson.dumps({**row, **STAMP}) + b"\n" for row in rows))
    return path


def _import(dsn: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--store", dsn, "--as", "admin", "import", "--create", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_dry_run_import_create_leaves_an_empty_database_as_it_was(
    pg_database: PgConnInfo, tmp_path: Path
) -> None:
    events = _events(tmp_path, INITIALISE, STREET)

    code, output = _import(pg_database.dsn, "--dry-run", str(events))

    assert code == 0, output
    assert "dry run: 2 row(s) would be applied" in output
    assert _objects(pg_database.dsn) == []
    # So the database is still one restore and init take, and the real import works.
    code, output = _import(pg_database.dsn, str(events))
    assert code == 0, output
    assert "imported 2 row(s)" in output
    assert "ledger_events" in _objects(pg_database.dsn)


def test_an_import_create_refused_on_a_bad_row_leaves_nothing(
    pg_database: PgConnInfo, tmp_path: Path
) -> None:
    bad = {**STREET, "args": {"street": "江南", "village": 3}}
    events = _events(tmp_path, INITIALISE, bad)

    code, output = _import(pg_database.dsn, str(events))

    assert code == 2, output
    assert _objects(pg_database.dsn) == []


def test_an_init_refused_after_opening_leaves_nothing(pg_database: PgConnInfo) -> None:
    args = [a if a != "2016-07-26" else "2099-01-01" for a in INIT]

    result = runner.invoke(app, ["--store", pg_database.dsn, *args])

    assert result.exit_code == 2, result.output
    assert _objects(pg_database.dsn) == []
    ok = runner.invoke(app, ["--store", pg_database.dsn, *INIT])
    assert ok.exit_code == 0, ok.output


def test_a_demo_failing_midway_leaves_nothing(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_MASTER_KEY", generate_master_key())
    recorded: list[int] = []

    def failing(app: object, *args: object) -> int:
        recorded.append(1)
        raise LedgerError("demo", "stopped midway")

    monkeypatch.setattr(generator, "run_actions", failing)

    result = runner.invoke(app, ["--store", pg_database.dsn, "demo"])

    assert result.exit_code == 2, result.output
    assert recorded == [1]  # stopped after its initialise was recorded
    assert _objects(pg_database.dsn) == []


def test_a_dry_run_into_a_ledger_keeps_it(pg_database: PgConnInfo, tmp_path: Path) -> None:
    assert runner.invoke(app, ["--store", pg_database.dsn, *INIT]).exit_code == 0
    before = _objects(pg_database.dsn)
    events = _events(tmp_path, STREET)

    code, output = _import(pg_database.dsn, "--dry-run", str(events))

    assert code == 0, output
    assert _objects(pg_database.dsn) == before


def test_only_the_ledgers_own_objects_are_dropped(pg_database: PgConnInfo) -> None:
    """Tester L, session 22: a table the owner made while a dry run ran (after its list of
    what the schema held) was dropped with the dry run's tables, its rows and all."""
    from ledger.application import open_ledger
    from projections.pg import undone_unless_kept

    with undone_unless_kept(pg_database.dsn, keep=lambda: False) as made:
        open_ledger(pg_database.dsn, create=True).close()
        made.opened = True
        with psycopg.connect(pg_database.dsn) as conn:
            conn.execute("CREATE TABLE payroll (id int)")
            conn.execute("INSERT INTO payroll VALUES (42)")

    assert "ledger_events" not in _objects(pg_database.dsn)
    with psycopg.connect(pg_database.dsn) as conn:
        assert conn.execute("SELECT id FROM payroll").fetchall() == [(42,)]


def test_one_command_at_a_time_makes_a_ledger_in_a_schema(pg_database: PgConnInfo) -> None:
    """Tester L, session 22: a dry run dropped the tables a real ``import --create`` beside it
    had opened and not yet written to; the import failed with PostgreSQL's own words."""
    from ledger.errors import ConflictError
    from projections.pg import undone_unless_kept

    with (
        undone_unless_kept(pg_database.dsn, keep=lambda: False),
        pytest.raises(ConflictError) as second,
        undone_unless_kept(pg_database.dsn),
    ):
        pass

    assert second.value.field == "store"
    assert "another fupin command is making a ledger in" in second.value.rule
    with undone_unless_kept(pg_database.dsn, keep=lambda: False):  # released once it ended
        pass
