"""The report commands: exit code first, then the output."""

from __future__ import annotations

import json

import pytest
from cli.main import app
from projections import storage
from typer.testing import CliRunner

from tests.support import ledger_at, register

runner = CliRunner()


def make_store(store: str) -> None:
    """Reference data and one registered household on ``store`` (SQLite or PostgreSQL)."""
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")


def test_caseload_as_json_counts_the_registered_household(store: str) -> None:
    make_store(store)

    result = runner.invoke(app, ["--store", store, "report", "caseload", "--format", "json"])

    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["totals"] == {"households": 1, "people": 3}
    assert report["by_status"] == [{"status": "registered", "households": 1, "people": 3}]


def test_accountability_as_of_a_date_as_csv_lists_each_section(store: str) -> None:
    make_store(store)

    result = runner.invoke(
        app,
        ["--store", store, "report", "accountability", "--as-of", "2016-12-31", "--format", "csv"],
    )

    assert result.exit_code == 0
    assert "# missing_roles" in result.stdout
    assert "JH-1,江南,雄光" in result.stdout


def test_a_bad_as_of_date_is_refused_with_exit_code_2(store: str) -> None:
    make_store(store)

    result = runner.invoke(app, ["--store", store, "report", "funds", "--as-of", "yesterday"])

    assert result.exit_code == 2
    assert "as-of" in result.stderr


def test_query_refuses_a_write(store: str) -> None:
    make_store(store)

    result = runner.invoke(app, ["--store", store, "query", "DELETE FROM pj_households"])

    assert result.exit_code == 2


def test_household_show_gives_the_dossier(store: str) -> None:
    make_store(store)

    result = runner.invoke(app, ["--store", store, "household", "show", "JH-1", "--format", "json"])

    assert result.exit_code == 0
    assert json.loads(result.stdout)["household"]["stage"] == "registered"


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_query_that_runs_past_the_limit_is_stopped(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A recursive query never ends by itself; PostgreSQL stops it by statement_timeout.
    make_store(store)
    monkeypatch.setattr(storage, "QUERY_SECONDS", 0.2)
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT MAX(i) FROM n"

    result = runner.invoke(app, ["--store", store, "query", endless])

    assert result.exit_code == 2, result.output
    assert "sql: ran past the limit" in result.stderr
