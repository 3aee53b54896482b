"""The report commands: exit code first, then the output."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from cli.main import app
from ledger.base import natural_id
from ledger.household import Personal
from ledger.store import parse_store
from projections import storage
from typer.testing import CliRunner

from tests.support import id_card, identify, ledger_at, register, stamp

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
    # An empty section keeps its header (it was a "# section" line alone).
    assert "# early_unpairings\nhousehold,street,helper,role,replacement,reason," in result.stdout


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


def test_household_show_as_csv_joins_the_member_names(store: str) -> None:
    with ledger_at(store) as ledger:
        identify(ledger, "JH-1")
        members = Personal("张三", id_card(1), "13800000000", "江海区", ("张三", "李四"))
        ledger.change_members(stamp("jn-01", date(2016, 8, 2), "分户"), "JH-1", 2, members)

    shown = runner.invoke(app, ["--store", store, "household", "show", "JH-1", "--format", "csv"])

    # It was a Python list: "['张*', '李*']".
    assert shown.exit_code == 0, shown.output
    assert ",张*、李*\n" in shown.stdout  # masked for a reader with no --as


def test_household_show_before_the_identification_says_so(store: str) -> None:
    make_store(store)  # JH-1 identified on 2016-08-01
    show = ["--store", store, "household", "show"]

    early = runner.invoke(app, [*show, "JH-1", "--as-of", "2016-07-31"])
    never = runner.invoke(app, [*show, "JH-9", "--as-of", "2016-07-31"])

    assert early.exit_code == never.exit_code == 2
    assert "'JH-1' was not on record yet as of 2016-07-31 (it is now)" in early.stderr
    assert "no household 'JH-9' on record" in never.stderr


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


def test_household_show_as_of_and_known_at_shows_the_personal_data_of_then(store: str) -> None:
    # The dossier's facts and its personal data are of the same date and the same knowledge.
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")
        ledger.change_members(
            stamp("jn-01", date(2017, 3, 1), "新生儿"),
            "JH-1",
            4,
            Personal("户主新", id_card(1), "", "", ("户主新", "甲", "乙", "丙")),
        )
        (changed,) = ledger.events.get(natural_id("household", "JH-1"), desc=True, limit=1)
        recorded: datetime = changed.timestamp  # type: ignore[attr-defined]
        before_change = (recorded - timedelta(microseconds=1)).isoformat()

    def shown(*options: str) -> tuple[int, str, list[str]]:
        command = ["household", "show", "JH-1", "--format", "json", *options]
        result = runner.invoke(app, ["--store", store, "--as", "admin", *command])
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        personal = report["personal"][0]
        return report["household"]["members"], personal["head_name"], personal["member_names"]

    assert shown() == (4, "户主新", ["户主新", "甲", "乙", "丙"])
    assert shown("--as-of", "2017-02-28") == (3, "户主1", [])
    assert shown("--known-at", before_change) == (3, "户主1", [])
    assert shown("--as-of", "2017-03-01") == (4, "户主新", ["户主新", "甲", "乙", "丙"])


def test_household_duplicates_lists_an_id_card_heading_two_households(store: str) -> None:
    with ledger_at(store) as ledger:
        identify(ledger, "JH-1", serial=1)
        identify(ledger, "JH-2", street="礼乐", village="新创", serial=1)  # the same person
        identify(ledger, "JH-3", serial=2)
        identify(ledger, "JH-4", serial=2)
        ledger.erase(stamp("admin", date(2016, 8, 2)), "JH-4", "本人申请")  # its data is gone

    def shared(actor: str) -> list[dict[str, object]]:
        command = ["household", "duplicates", "--format", "json"]
        result = runner.invoke(app, ["--store", store, "--as", actor, *command])
        assert result.exit_code == 0, result.output
        rows: list[dict[str, object]] = json.loads(result.stdout)["shared_id_cards"]
        return rows

    assert shared("admin") == [
        {"id_card": id_card(1), "households": ["JH-1", "JH-2"], "streets": ["江南", "礼乐"]}
    ]
    # an officer of 江南 does not see 礼乐's households unmasked: the ID card is masked
    (masked,) = shared("jn-01")
    assert masked["households"] == ["JH-1", "JH-2"]
    assert masked["id_card"] != id_card(1)
    assert str(masked["id_card"])[-4:] == id_card(1)[-4:]


def test_household_duplicates_needs_the_master_key(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(store)
    monkeypatch.setenv("LEDGER_MASTER_KEY", "")
    monkeypatch.setenv("LEDGER_MASTER_KEY_FILE", "")

    result = runner.invoke(app, ["--store", store, "--as", "admin", "household", "duplicates"])

    assert result.exit_code == 2
    assert "master_key" in result.stderr


def test_a_table_written_to_a_pipe_or_a_file_is_not_cut_to_80_columns(store: str) -> None:
    # history | less, report > file.txt: no screen to fit, so no date or document is cut.
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")

    result = runner.invoke(app, ["--store", store, "--as", "admin", "history", "JH-1"])

    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    assert "2016-08-10" in result.stdout  # the registration's effective date, whole
    assert max(len(line) for line in result.stdout.splitlines()) > 80


def test_projections_check_finds_a_read_model_changed_behind_the_ledgers_back(store: str) -> None:
    make_store(store)
    check = ["--store", store, "projections", "check", "--format", "json"]

    clean = runner.invoke(app, check)
    assert clean.exit_code == 0, clean.output
    assert all(row["same"] for row in json.loads(clean.stdout))

    db = storage.open_database(parse_store(store))
    try:
        db.execute("UPDATE pj_households SET members = members + 1")
    finally:
        db.close()
    tampered = runner.invoke(app, check)

    assert tampered.exit_code == 1
    rows = {row["table"]: row for row in json.loads(tampered.stdout)}
    assert [table for table, row in rows.items() if not row["same"]] == ["pj_households"]
    assert rows["pj_households"]["stored_rows"] == rows["pj_households"]["rebuilt_rows"] == 1
    assert "read models differ from the events: pj_households" in tampered.stderr


def test_projections_check_refuses_read_models_it_would_rebuild(store: str) -> None:
    # Removing the schema row would make the next catch-up rebuild them, and the change
    # with them: the check says so instead of comparing tables it has just remade.
    make_store(store)
    assert runner.invoke(app, ["--store", store, "report", "caseload"]).exit_code == 0
    db = storage.open_database(parse_store(store))
    try:
        db.execute("UPDATE pj_households SET members = members + 1")
        db.execute("DELETE FROM pj_schema")
    finally:
        db.close()

    result = runner.invoke(app, ["--store", store, "projections", "check"])

    assert result.exit_code == 2
    assert "nothing to compare" in result.stderr
    db = storage.open_database(parse_store(store))
    try:
        assert db.one("SELECT members FROM pj_households") == (4,)  # left as it was found
    finally:
        db.close()
