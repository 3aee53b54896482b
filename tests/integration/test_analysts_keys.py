"""PostgreSQL roles that may not read the household key table (docs/operations.md: the analysts'
grants revoke SELECT on ``household_keys``).

Reading, such a role gets what a reader without the master key gets: personal data
``[sealed]``, everything else as usual (``report html``, ``household show``, ``history``,
``notice``), with or without the master key; ``fupin verify`` says the key table was not
checked, which is no problem (exit code 0). Anything that needs the keys (a save, the
comparison of ID cards) is refused in one line naming the role and the remedy, exit code 2.
Roles that may read the table (the owner, the officers') are unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pytest
from cli.main import app
from eventsourcing.persistence import OperationalError, ProgrammingError
from ledger.application import open_ledger
from ledger.errors import InputError
from ledger.store import parse_store
from projections.pg import protect_events
from psycopg import sql
from typer.testing import CliRunner, Result

from tests.pgserver import PgConnInfo, ThrowawayPostgres
from tests.support import identify, ledger_at, register, stamp

runner = CliRunner()

READS = (
    ("household", "show", "JH-1", "--format", "json"),
    ("history", "JH-1", "--format", "json"),
)
NOTICE = ("notice", "--street", "江南", "--from", "2016-08-01", "--to", "2016-08-31")


@dataclass(frozen=True)
class Roles:
    owner: PgConnInfo
    officers: PgConnInfo  # protect_events' grants: reads and writes the key table
    analysts: PgConnInfo  # the documented analysts' grants: no SELECT on household_keys
    nokeys: PgConnInfo  # the officers' grants less SELECT on household_keys (may write)


@pytest.fixture(scope="module")
def roles(pg_server: ThrowawayPostgres) -> Iterator[Roles]:
    """One database for the module: two households, the read models built, three roles."""
    dbname = "analysts_keys"
    owner = pg_server.create_database(dbname)
    with ledger_at(owner.dsn) as ledger:
        register(ledger, "JH-1")
        register(ledger, "JH-2", serial=2)
    names = {kind: f"{kind}_{dbname}" for kind in ("officers", "analysts", "nokeys")}
    made = {kind: pg_server.create_role(name, dbname=dbname) for kind, name in names.items()}
    assert fupin(owner.dsn, "projections", "rebuild", actor="admin").exit_code == 0
    protect_events(parse_store(owner.dsn), names["officers"])
    protect_events(parse_store(owner.dsn), names["nokeys"])
    analysts, nokeys = sql.Identifier(names["analysts"]), sql.Identifier(names["nokeys"])
    with psycopg.connect(owner.dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(analysts))
        conn.execute(sql.SQL("REVOKE SELECT ON household_keys FROM {}").format(analysts))
        conn.execute(
            sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(analysts)
        )
        conn.execute(sql.SQL("REVOKE SELECT ON household_keys FROM {}").format(nokeys))
    yield Roles(owner, made["officers"], made["analysts"], made["nokeys"])
    pg_server.drop_database(dbname, force=True)
    with pg_server.connect(dbname="postgres") as conn:
        for name in names.values():
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def fupin(store: str, *args: str, actor: str = "ana-1") -> Result:
    return runner.invoke(app, ["--store", store, "--as", actor, *args])


def events(info: PgConnInfo) -> int:
    with psycopg.connect(info.dsn) as conn:
        row = conn.execute("SELECT COUNT(*) FROM ledger_events").fetchone()
    assert row is not None
    return int(row[0])


def assert_clean(result: Result) -> None:
    assert "Traceback" not in result.output
    assert "permission denied" not in result.output
    assert "Error" not in result.output  # no Python class name


def refusal(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert_clean(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- reading: as without the master key ----------------------------------------------------


@pytest.mark.parametrize("master", ["with the master key", "without it"])
@pytest.mark.parametrize("command", READS, ids=lambda c: c[0])
def test_an_analyst_without_select_on_the_key_table_reads_personal_data_sealed(
    roles: Roles, command: tuple[str, ...], master: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # They were refused: "refused store: permission denied for table household_keys", exit 2.
    if master == "without it":
        monkeypatch.delenv("LEDGER_MASTER_KEY", raising=False)
        monkeypatch.delenv("LEDGER_MASTER_KEY_FILE", raising=False)

    result = fupin(roles.analysts.dsn, *command)

    assert result.exit_code == 0, result.output
    assert_clean(result)
    assert "[sealed]" in result.stdout
    assert "户主1" not in result.stdout
    if command[0] == "household":
        body = json.loads(result.stdout)
        assert body["personal"][0]["head_name"] == "[sealed]"
        assert body["household"]["number"] == "JH-1"


def test_an_analysts_dossier_is_the_same_with_or_without_the_master_key(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_key = fupin(roles.analysts.dsn, *READS[0])
    monkeypatch.delenv("LEDGER_MASTER_KEY", raising=False)
    monkeypatch.delenv("LEDGER_MASTER_KEY_FILE", raising=False)
    without = fupin(roles.analysts.dsn, *READS[0])

    assert with_key.exit_code == without.exit_code == 0, with_key.output + without.output
    assert json.loads(with_key.stdout) == json.loads(without.stdout)


def test_an_analyst_writes_the_html_report_with_personal_data_sealed(
    roles: Roles, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"

    result = fupin(roles.analysts.dsn, "report", "html", "--out", str(out))

    assert result.exit_code == 0, result.output
    assert_clean(result)
    page = out.read_text(encoding="utf-8")
    assert "户主1" not in page
    assert "JH-1" in page


def test_roles_that_may_read_the_key_table_are_unchanged(roles: Roles) -> None:
    officer = fupin(roles.officers.dsn, *READS[0], actor="jn-01")
    owner = fupin(roles.owner.dsn, *READS[0], actor="admin")

    for result in (officer, owner):
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["personal"][0]["head_name"] == "户主1"


# -- what needs the keys: refused in one line ----------------------------------------------


@pytest.mark.parametrize("master", ["with the master key", "without it"])
def test_the_notice_list_is_refused_to_a_role_that_may_not_read_the_keys(
    roles: Roles, master: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Since session 27 (tester H, M2): it printed [sealed] for every name, exit 0; the masks
    # it shows (张*) are read from the personal data.
    if master == "without it":
        monkeypatch.delenv("LEDGER_MASTER_KEY", raising=False)
        monkeypatch.delenv("LEDGER_MASTER_KEY_FILE", raising=False)

    line = refusal(fupin(roles.analysts.dsn, *NOTICE))

    assert "the notice list shows each household's head and ID card masked" in line
    if master == "without it":
        assert line.startswith("refused master_key: "), line
    else:
        assert line.startswith("refused store: "), line
        assert f"role {roles.analysts.user} may not read the household key table" in line


def test_comparing_id_cards_is_refused_naming_the_role(roles: Roles) -> None:
    # It was "refused store: permission denied for table household_keys".
    line = refusal(fupin(roles.analysts.dsn, "household", "duplicates"))

    assert line.startswith("refused store: comparing ID cards reads them"), line
    assert f"role {roles.analysts.user} may not read the household key table" in line
    assert "officers' role or the owner" in line


def test_a_save_by_a_role_that_may_not_read_the_keys_is_refused_clearly(roles: Roles) -> None:
    # The household is read without its key ([sealed]); the save must not go on from that.
    before = events(roles.owner)
    ledger = open_ledger(roles.nokeys.dsn)
    try:
        with pytest.raises(InputError) as refused:
            ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")
    finally:
        ledger.close()

    assert refused.value.field == "store"
    assert f"role {roles.nokeys.user} may not read the household key table" in refused.value.rule
    assert events(roles.owner) == before


def test_recording_a_new_household_by_such_a_role_is_refused_clearly(roles: Roles) -> None:
    before = events(roles.owner)
    ledger = open_ledger(roles.nokeys.dsn)
    try:
        with pytest.raises(InputError) as refused:
            identify(ledger, "JH-9", serial=9)
    finally:
        ledger.close()

    assert refused.value.field == "store"
    assert "may not read the household key table" in refused.value.rule
    assert events(roles.owner) == before


def test_an_officers_command_by_such_a_role_is_refused_in_one_line(roles: Roles) -> None:
    before = events(roles.owner)

    result = fupin(
        roles.nokeys.dsn, "household", "pair", "JH-1", "c-1", "-d", "江高发〔2016〕4号",
        "-e", "2016-08-11", actor="jn-01",
    )  # fmt: skip

    line = refusal(result)
    assert line.startswith("refused store: recording reads and writes the household keys"), line
    assert events(roles.owner) == before


# -- fupin verify --------------------------------------------------------------------------


def test_verify_by_the_analysts_says_the_key_table_was_not_checked(roles: Roles) -> None:
    # It was "FAILED at the household key table: household_keys: could not be checked
    # against the erasures: ProgrammingError: permission denied …", "1 problem(s)", exit 1.
    result = fupin(roles.analysts.dsn, "verify")

    assert result.exit_code == 0, result.output
    assert_clean(result)
    assert (
        f"household key table: not checked: role {roles.analysts.user} may not read "
        "household_keys (verify as the owner or an officer to check it)"
    ) in result.stdout
    assert "household keys: " not in result.stdout  # nothing claimed of the table
    assert "FAILED" not in result.output


@pytest.mark.parametrize("who", ["owner", "officers"])
def test_verify_by_a_role_that_may_read_the_key_table_checks_it(roles: Roles, who: str) -> None:
    result = fupin(getattr(roles, who).dsn, "verify")

    assert result.exit_code == 0, result.output
    assert "household keys: 0 destroyed" in result.stdout
    assert "not checked" not in result.output


def test_verify_still_fails_when_the_key_table_cannot_be_read_otherwise(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(*args: object, **kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("ledger.verification.missing_key_rows", gone)

    result = fupin(roles.owner.dsn, "verify")

    assert result.exit_code == 1, result.output
    assert (
        "FAILED at the household key table: household_keys: could not be checked against the "
        "erasures: the store could not be reached or was busy: server closed the connection "
        "unexpectedly"
    ) in result.stderr
    assert "OperationalError" not in result.output
    assert "not checked" not in result.output


def test_verify_fails_when_another_table_is_refused(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the key table's refusal is "not checked": the events table's is a problem.
    def refused(*args: object, **kwargs: object) -> None:
        denied = psycopg.errors.InsufficientPrivilege("permission denied for table ledger_events")
        raise ProgrammingError(str(denied)) from denied

    monkeypatch.setattr("ledger.verification.missing_key_rows", refused)

    result = fupin(roles.analysts.dsn, "verify")

    assert result.exit_code == 1, result.output
    assert "the store refused the query: permission denied for table ledger_events" in (
        result.stderr
    )
    assert "1 problem(s)" in result.stderr
    assert "not checked" not in result.output
