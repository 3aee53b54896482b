"""A rebuild that begins (or begins and finishes) while a reader reads the read models: the
reader is refused in one line, exit code 2, "try again", never shown what it read.

Every reader of the persistent read models (a report, ``export report``, ``fupin query``,
``projections check``) reads how many rebuilds have begun (``pj_schema``'s row 3) before it
catches up and again once it has read. The reviewer's race: the rebuild's first transaction
committed after the reader's catch-up read the positions but before it looked at the mark,
and an analysts' role (which cannot write) was shown an all-zero report, exit 0, nothing on
stderr. A rebuild that emptied the tables and was finished while a report read them, and a
rebuild that began between ``fupin query``'s catch-up and its SELECT, went unseen as well.
"""

from __future__ import annotations

import json
import threading
from contextlib import closing

import cli.query as cli_query
import psycopg
import pytest
from ledger.application import Ledger, open_ledger
from ledger.errors import ConflictError
from ledger.store import parse_store
from projections import api, catchup
from projections.catchup import SCHEMA_VERSION
from projections.storage import Database, Measure, open_database

from tests.integration import test_pg_readers
from tests.integration.test_pg_readers import Roles, assert_refused, caught_up, fupin
from tests.integration.test_rebuild_mark import begin_another_rebuild
from tests.support import ledger_at, register

roles = test_pg_readers.roles
granted = test_pg_readers.granted

#: Each reader, and the word its refusal names it by.
READERS = [
    pytest.param(command, word, id="-".join(command[:2]))
    for command, word in (
        (("report", "caseload", "--format", "json"), "report"),
        (("export", "report", "caseload", "--format", "csv"), "report"),
        (("query", "SELECT COUNT(*) AS n FROM pj_households", "--format", "json"), "query"),
        (("projections", "check"), "check"),
    )
]


def rebuild_begins_after_check_counted(monkeypatch: pytest.MonkeyPatch, location: object) -> None:
    """The rebuild's first transaction commits right after the reader's catch-up has read the
    positions (and checked them against the clock), before it looks at the mark."""
    real = catchup._check_clock
    done: list[bool] = []

    def check_then_rebuild_begins(db: Database, ledger: Ledger) -> None:
        real(db, ledger)
        if not done:
            done.append(True)
            begin_another_rebuild(location)

    monkeypatch.setattr(catchup, "_check_clock", check_then_rebuild_begins)


@pytest.mark.parametrize("reader", ["analysts", "selecting"])
@pytest.mark.parametrize(("command", "word"), READERS)
def test_a_reader_is_refused_when_a_rebuild_begins_between_positions_and_mark(
    roles: Roles,
    reader: str,
    command: tuple[str, ...],
    word: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caught_up(roles)
    rebuild_begins_after_check_counted(monkeypatch, parse_store(roles.owner.dsn))

    result = fupin(getattr(roles, reader).dsn, *command)

    assert_refused(result, f"a rebuild of the read models began while this {word} read them")
    assert "try again" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("command", "word"), READERS)
def test_a_reader_that_may_write_is_refused_too_when_a_rebuild_begins_meanwhile(
    store: str, command: tuple[str, ...], word: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite (and an owner): the reader's catch-up finishes the rebuild, but what the tables
    # held meanwhile is not known: refused, and the next try reads the whole figures.
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")
        api.catch_up(ledger)
        location = ledger.location
    with monkeypatch.context() as patch:
        rebuild_begins_after_check_counted(patch, location)
        result = fupin(store, *command, actor="admin")

    assert_refused(result, f"a rebuild of the read models began while this {word} read them")
    again = fupin(store, "report", "caseload", "--format", "json", actor="admin")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["totals"]["households"] == 1


def test_a_report_during_which_a_rebuild_begins_and_finishes_is_refused(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The report read the emptied tables; the rebuild then finished: positions back at the
    # head, the mark gone. It printed all zeros, exit 0.
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")
        api.catch_up(ledger)
        location = ledger.location
    from projections.caseload import caseload as real

    def whole_rebuild_meanwhile(db: Database) -> dict[str, object]:
        begin_another_rebuild(location)
        body = real(db)  # the emptied tables
        with closing(open_ledger(store)) as other:
            api.catch_up(other)  # the rebuild's pages and the transaction that clears the mark
        return body

    monkeypatch.setattr("projections.api._caseload", whole_rebuild_meanwhile)

    result = fupin(store, "report", "caseload", "--format", "json", actor="admin")

    assert_refused(result, "a rebuild of the read models began while this report read them")
    assert "try again" in result.stderr
    assert result.stdout == ""


def test_a_report_read_across_a_whole_rebuild_by_another_process_is_refused(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A whole `projections rebuild` elsewhere, from its first transaction to the one that
    # clears the mark, inside the report's reads.
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")
        api.catch_up(ledger)
    from projections.caseload import caseload as real

    def rebuilt_meanwhile(db: Database) -> dict[str, object]:
        with closing(open_ledger(store)) as elsewhere:
            api.rebuild(elsewhere)
        return real(db)

    monkeypatch.setattr("projections.api._caseload", rebuilt_meanwhile)

    with closing(open_ledger(store)) as ledger, pytest.raises(ConflictError) as refused:
        api.caseload(ledger)
    assert "a rebuild of the read models began while this report read them" in str(refused.value)


def rebuild_begins_before_the_select(
    monkeypatch: pytest.MonkeyPatch, owner: object | None = None
) -> None:
    """``fupin query``: the rebuild's first transaction commits after the query's catch-up,
    before its SELECT runs (on a connection of its own)."""
    real = cli_query.run_query  # type: ignore[attr-defined]

    def rebuild_first(
        ledger: Ledger, sql: str, measure: Measure | None = None
    ) -> tuple[list[str], list[tuple[object, ...]]]:
        begin_another_rebuild(ledger.location if owner is None else owner)
        return real(ledger, sql, measure)

    monkeypatch.setattr(cli_query, "run_query", rebuild_first)


QUERY = ("query", "SELECT COUNT(*) AS n FROM pj_households", "--format", "json")


def test_a_query_during_a_rebuilds_first_commit_is_refused(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It answered [[0]], exit 0.
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")
        api.catch_up(ledger)
    with monkeypatch.context() as patch:
        rebuild_begins_before_the_select(patch)
        result = fupin(store, *QUERY, actor="admin")

    assert_refused(result, "a rebuild of the read models began while this query read them")
    assert "try again" in result.stderr
    assert result.stdout == ""
    again = fupin(store, *QUERY, actor="admin")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["rows"] == [[1]]


def test_an_analysts_query_during_a_rebuilds_first_commit_is_refused(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    caught_up(roles)
    rebuild_begins_before_the_select(monkeypatch, parse_store(roles.owner.dsn))

    result = fupin(roles.analysts.dsn, *QUERY)

    assert_refused(result, "a rebuild of the read models began while this query read them")
    assert result.stdout == ""


def test_each_rebuild_is_counted_and_the_count_outlives_it(store: str) -> None:
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")
        api.catch_up(ledger)
        api.rebuild(ledger)
        api.rebuild(ledger)
        location = ledger.location
    db = open_database(location)
    try:
        assert db.one("SELECT version FROM pj_schema WHERE id = 3") == (2,)
        assert db.one("SELECT version FROM pj_schema WHERE id = 1") == (SCHEMA_VERSION,)
        assert db.one("SELECT 1 FROM pj_schema WHERE id = 2") is None
    finally:
        db.close()


def test_an_officers_rebuild_counts_with_the_grants_it_has(roles: Roles) -> None:
    # The officers' role may write pj_schema already (protect_events): no new grant.
    caught_up(roles)
    with psycopg.connect(roles.owner.dsn) as conn:
        conn.execute("UPDATE pj_schema SET version = %s WHERE id = 1", (SCHEMA_VERSION - 1,))

    officer = fupin(roles.officers.dsn, "report", "caseload", "--format", "json", actor="jn-01")

    assert officer.exit_code == 0, officer.output
    assert json.loads(officer.stdout)["totals"]["households"] == 1
    with psycopg.connect(roles.owner.dsn) as conn:
        assert conn.execute("SELECT version FROM pj_schema WHERE id = 3").fetchone() == (2,)


def test_two_rebuilds_first_transactions_at_once_are_both_counted(roles: Roles) -> None:
    # PostgreSQL, READ COMMITTED: the count is taken under the row's lock, never lost.
    caught_up(roles)  # the owner's rebuild: 1
    location = parse_store(roles.officers.dsn)
    failures: list[BaseException] = []

    def begin() -> None:
        try:
            begin_another_rebuild(location)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=begin) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [f for f in failures if "try again" not in str(f)] == []
    with psycopg.connect(roles.owner.dsn) as conn:
        found = conn.execute("SELECT version FROM pj_schema WHERE id = 3").fetchone()
    assert found == (1 + 4 - len(failures),)
