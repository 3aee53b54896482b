"""Session 24, a tester on PostgreSQL 15: a ``fupin demo`` into an empty database cut short by
the server stopping (or by ``kill -9``) left a partial ledger (4,177 of ~15,830 events) that
every command took for a whole one: reports answered, verify passed, a new demo was refused
"already initialised", and the demo's own line said nothing of it.

Now a demo (or ``init``, ``import --create``) that cannot drop what it made says so after its
refusal, with how to drop it; a demo is marked unfinished until it ends, so that a demo cut
short where no clean-up runs is recognised by the commands that make a ledger, and ``fupin
demo --drop-unfinished`` drops it. The server's loss is injected where the demo records and
where it would drop its tables (the test server cannot be stopped under the others)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from cli.main import app
from ledger.demo import generator
from ledger.errors import LedgerError
from ledger.privacy import generate_master_key
from typer.testing import CliRunner

from tests.pgserver import PgConnInfo

runner = CliRunner(env={"LEDGER_STORE": None, "LEDGER_ACTOR": None, "LEDGER_KEY": None})
INIT = ["--as", "admin", "init", "--admin", "admin", "--name", "x", "-d", "d", "-e", "2016-07-26"]


def _tables(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
    return [str(name) for (name,) in rows]


def _events(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM ledger_events").fetchone()
    return int(row[0]) if row else 0


def _fupin(dsn: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--store", dsn, *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _lost_midway(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo records some of its history, then the server is gone: the demo's save fails
    and so does its attempt to drop what it made."""
    real = generator.run_actions

    def some_then_lost(app: Any, actions: list[Any], *args: Any) -> int:
        real(app, actions[:40], *args)
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    def unreachable(*args: object) -> None:
        raise LedgerError("store", "cannot connect to the server: Connection refused")

    monkeypatch.setattr(generator, "run_actions", some_then_lost)
    monkeypatch.setattr("projections.pg._undo", unreachable)


def test_a_demo_cut_short_says_what_it_left_and_is_recognised_and_dropped(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_MASTER_KEY", generate_master_key())
    dsn = pg_database.dsn
    with monkeypatch.context() as lost:
        _lost_midway(lost)
        code, output = _fupin(dsn, "demo")

    assert code == 2, output
    said = " ".join(output.split())
    assert "refused store: the server closed the connection" in said
    assert "keeps the part of the demo recorded before the store was lost, a partial ledger" in (
        said
    )
    assert "drop it with `fupin demo --drop-unfinished` before trying again" in said
    assert _events(dsn) > 1  # the partial ledger the server's loss left

    # Recognised by every command that makes a ledger: never "already initialised".
    for args in (["demo"], INIT):
        code, output = _fupin(dsn, *args)
        assert code == 2, output
        assert "holds a demo cut short" in output, output
        assert "fupin demo --drop-unfinished" in " ".join(output.split())

    code, output = _fupin(dsn, "demo", "--drop-unfinished")
    assert code == 0, output
    assert "dropped the demo cut short" in output
    assert _tables(dsn) == []
    code, output = _fupin(dsn, "demo", "--drop-unfinished")
    assert code == 2, output
    assert "holds no unfinished demo" in output
    code, output = _fupin(dsn, *INIT)  # the database is one a ledger can be made in again
    assert code == 0, output


def test_a_finished_demo_is_no_unfinished_one(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_MASTER_KEY", generate_master_key())
    monkeypatch.setattr(generator, "run_actions", lambda *args: 0)  # a short history
    dsn = pg_database.dsn

    code, output = _fupin(dsn, "demo")

    assert code == 0, output
    assert "fupin_unfinished_demo" not in _tables(dsn)
    code, output = _fupin(dsn, "demo", "--drop-unfinished")
    assert code == 2, output
    assert "holds no unfinished demo" in output
    assert _events(dsn) >= 1
    code, output = _fupin(dsn, "demo")
    assert code == 2, output
    assert "cut short" not in output


def test_an_init_that_cannot_drop_its_tables_says_how(
    pg_database: PgConnInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(*args: object) -> None:
        raise LedgerError("store", "cannot connect to the server: Connection refused")

    monkeypatch.setattr("projections.pg._undo", unreachable)
    args = [a if a != "2016-07-26" else "2099-01-01" for a in INIT]  # refused once opened

    code, output = _fupin(pg_database.dsn, *args)

    assert code == 2, output
    said = " ".join(output.split())
    assert "keeps the tables this command made and could not drop" in said
    assert "DROP TABLE public.ledger_events CASCADE" in said
