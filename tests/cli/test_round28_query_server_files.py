"""PostgreSQL, re-tester Q of session 28: ``fupin query`` read the events' and the wrapped keys'
table files through ``pg_read_binary_file(pg_relation_filepath('ledger_events'))`` when the
store's role may read server files (a superuser, as these tests' is, or a role with
``pg_read_server_files``): exit 0 and an event's JSON in clear. The plan's tables were checked,
not the functions that read files. Now every file function is refused by name, and any other
function that is not PostgreSQL's own one every role may run (an extension's, one made in the
store's schema, the server's administration functions) is refused too."""

from __future__ import annotations

import psycopg
import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused

pytestmark = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

FILES = "it reads the server's own files (the tables' among them) or its write-ahead log"
OWN = "`fupin query` calls only PostgreSQL's own functions that every role may run"


def _refused(fupin: Fupin, sql: str, rule: str) -> None:
    result = fupin.runner.invoke(app, ["--as", "jn-01", "query", "--format", "csv", "--", sql])

    assert_refused(result, "sql", rule)
    assert result.stdout == ""


@pytest.mark.parametrize("table", ["ledger_events", "household_keys"])
def test_a_tables_file_is_not_read(seeded: Fupin, table: str) -> None:
    with psycopg.connect(seeded.store, autocommit=True) as db:
        db.execute("CHECKPOINT")  # the rows in the table's file, as the re-tester had them
    sql = (
        f"with f as (select pg_read_binary_file(pg_relation_filepath('{table}')) b), "
        "p as (select position(convert_to('\"prov\"','UTF8') in b) i, b from f) "
        "select i, convert_from(substring(b from i-10 for 190),'UTF8') as raw from p"
    )

    _refused(seeded, sql, f"permission denied for function pg_read_binary_file: {FILES}")


@pytest.mark.parametrize(
    ("call", "function"),
    [
        ("pg_read_file('postgresql.conf')", "pg_read_file"),
        ("pg_read_file('postgresql.conf', 0, 10, true)", "pg_read_file"),
        ("pg_catalog.pg_read_binary_file('postgresql.conf')", "pg_read_binary_file"),
        ("\"pg_read_binary_file\"('postgresql.conf', 0, 10)", "pg_read_binary_file"),
        ("pg_read_file_old('postgresql.conf', 0, 10)", "pg_read_file_old"),
        ("pg_stat_file('postgresql.conf')", "pg_stat_file"),
        ("pg_ls_dir('base')", "pg_ls_dir"),
        ("pg_ls_logdir()", "pg_ls_logdir"),
        ("pg_ls_waldir()", "pg_ls_waldir"),
        ("pg_ls_tmpdir()", "pg_ls_tmpdir"),
        ("pg_ls_archive_statusdir()", "pg_ls_archive_statusdir"),
        ("pg_ls_logicalsnapdir()", "pg_ls_logicalsnapdir"),
        ("pg_ls_logicalmapdir()", "pg_ls_logicalmapdir"),
        ("pg_ls_replslotdir('s')", "pg_ls_replslotdir"),
        ("pg_current_logfile()", "pg_current_logfile"),
        ("pg_logical_slot_peek_changes('s', null, null)", "pg_logical_slot_peek_changes"),
    ],
)
def test_every_file_function_is_refused_by_name(seeded: Fupin, call: str, function: str) -> None:
    _refused(seeded, f"select {call} as x", f"permission denied for function {function}: {FILES}")
    _refused(
        seeded,
        f"select count(*) from pj_households where exists (select {call})",
        f"permission denied for function {function}: {FILES}",
    )


@pytest.mark.parametrize(
    ("call", "function"),
    [
        ("lo_import('/etc/hostname')", "lo_import"),
        ("lo_export(1, '/tmp/x')", "lo_export"),
    ],
)
def test_the_large_object_file_functions_are_refused(
    seeded: Fupin, call: str, function: str
) -> None:
    _refused(seeded, f"select {call} as x", f"permission denied for function {function}")


@pytest.mark.parametrize(
    ("sql", "function"),
    [
        ("select pg_reload_conf() as x", "pg_reload_conf"),
        ("select * from pg_hba_file_rules", "pg_hba_file_rules"),  # a view calling it
        ("select count(*) from pg_file_settings", "pg_show_all_file_settings"),
        ("select pg_config() as x", "pg_config"),
    ],
)
def test_a_function_not_every_role_may_run_is_refused(
    seeded: Fupin, sql: str, function: str
) -> None:
    _refused(seeded, sql, f"permission denied for function {function}: {OWN}")


def test_a_function_outside_postgresqls_own_schemas_is_refused(seeded: Fupin) -> None:
    # As an extension's (pageinspect's get_raw_page reads a table's pages) would be.
    with psycopg.connect(seeded.store, autocommit=True) as db:
        db.execute(
            "CREATE FUNCTION peek(t text) RETURNS bigint LANGUAGE sql "
            "AS $$ SELECT count(*) FROM ledger_events $$"
        )

    _refused(seeded, "select peek('ledger_events') as n", f"function peek: {OWN}")


def test_postgresqls_own_functions_still_run(seeded: Fupin) -> None:
    sql = (
        "select lower(number) as n, length(coalesce(number, '')) as l, "
        "to_char(now(), 'YYYY') > '2000' as y from pj_households order by 1 limit 1"
    )

    result = seeded.ok(f'query --format csv -- "{sql}"', "jn-01")

    assert result.stdout == "n,l,y\njh-0001,7,true\n"


ACTS = "it acts on the server (its sessions, its write-ahead log, its settings)"


@pytest.mark.parametrize(
    ("call", "function"),
    [
        ("pg_terminate_backend(pg_backend_pid() + 100000)", "pg_terminate_backend"),
        ("pg_cancel_backend(1)", "pg_cancel_backend"),
        ("pg_logical_emit_message(false, 'fupin-query', 'x')", "pg_logical_emit_message"),
        ("pg_import_system_collations('pg_catalog')", "pg_import_system_collations"),
    ],
)
def test_a_call_that_acts_on_the_server_is_refused(seeded: Fupin, call: str, function: str) -> None:
    """Re-tester X, session 28: on a superuser store ``pg_terminate_backend`` ended any
    session (officers' saves in flight), and ``pg_logical_emit_message(false, …)`` wrote to
    the write-ahead log past the rollback: PostgreSQL's own functions that every role may
    run, which check the caller's rights themselves."""
    _refused(seeded, f"select {call}", f"permission denied for function {function}: {ACTS}")


@pytest.mark.parametrize(
    "sql", ["select rolname, rolpassword from pg_authid", "select * from pg_shadow"]
)
def test_the_roles_password_hashes_are_not_read(seeded: Fupin, sql: str) -> None:
    """Re-tester X: every role's SCRAM verifier was read from pg_authid (pg_shadow is a view
    on it)."""
    _refused(seeded, sql, "permission denied for table pg_authid")
