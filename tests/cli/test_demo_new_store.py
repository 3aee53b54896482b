"""``fupin demo`` records into a new SQLite store, checked before anything is written: a
refused demo writes nothing, not even the master key it would have made (it wrote
``STORE.master-key`` beside an existing ledger and said "made a demo master key"), and a
missing folder is refused naming the store (it named an option "out" the demo has not)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli.main import app
from typer.testing import CliRunner

from cli import common
from tests.cli.conftest import assert_refused
from tests.pgserver import PgConnInfo


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(common.console, "width", 160)
    # No master key given: the demo makes one beside its store.
    env = {"LEDGER_MASTER_KEY": None, "LEDGER_MASTER_KEY_FILE": None, "LEDGER_STORE": None}
    return CliRunner(env={**env, "LEDGER_ACTOR": None, "LEDGER_KEY": None})


def _other_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    db.close()


@pytest.mark.parametrize("kind", ["ledger", "other database", "empty file"])
def test_an_existing_store_is_refused_and_nothing_is_written(
    runner: CliRunner, tmp_path: Path, kind: str
) -> None:
    store = tmp_path / "prod.db"
    if kind == "ledger":
        init = ["init", "--admin", "admin", "--name", "区扶贫办", "-d", "江高发〔2016〕4号"]
        made = runner.invoke(app, ["--store", str(store), *init, "-e", "2016-07-26"])
        assert made.exit_code == 0, made.output
    elif kind == "other database":
        _other_database(store)
    else:
        store.touch()
    before = sorted(p.name for p in tmp_path.iterdir()), store.read_bytes()

    result = runner.invoke(app, ["--store", str(store), "demo"])

    assert_refused(result, "store", f"{store} exists; the demo records into a new store")
    assert "master key" not in result.output
    assert (sorted(p.name for p in tmp_path.iterdir()), store.read_bytes()) == before


def test_a_missing_folder_is_refused_naming_the_store(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--store", str(tmp_path / "nodir" / "demo.db"), "demo"])

    assert_refused(result, "store", f"folder {tmp_path / 'nodir'} does not exist")
    assert list(tmp_path.iterdir()) == []


def test_a_demo_leaves_its_store_and_its_key_and_nothing_else(
    runner: CliRunner, tmp_path: Path
) -> None:
    store = tmp_path / "demo.db"

    result = runner.invoke(app, ["--store", str(store), "demo", "--format", "json"])

    assert result.exit_code == 0, result.output
    assert f"made a demo master key {store}.master-key" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db", "demo.db.master-key"]
    key = f"{store}.master-key"
    shown = runner.invoke(
        app,
        ["--store", str(store), "--as", "admin", "keys", "check"],
        env={"LEDGER_MASTER_KEY_FILE": key},
    )
    assert shown.exit_code == 0, shown.output


def test_a_demo_on_postgresql_without_a_master_key_is_refused_before_it_records(
    runner: CliRunner, pg_database: PgConnInfo
) -> None:
    # A key made there could be kept nowhere: the demo's personal data was sealed for good.
    result = runner.invoke(app, ["--store", pg_database.dsn, "demo"])

    assert_refused(result, "master_key", "a demo on PostgreSQL needs a master key")
    log = runner.invoke(app, ["--store", pg_database.dsn, "log"])
    assert log.exit_code == 2, log.output  # still no ledger there: nothing was recorded
