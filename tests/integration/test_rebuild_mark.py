"""A rebuild under way says so: readers that cannot finish it are refused, never shown the
emptied or half-filled read models as the ledger's figures.

The rebuild's first transaction empties the read models and marks them (``pj_schema``'s
rebuild row); the transaction that brings them to the head clears the mark, whoever commits
it (the rebuild, or an officer's or owner's catch-up after a rebuild died). An analysts' role
(read-only) or a role that may only SELECT was shown all-zero reports, exit 0, with a note
"read as they are", during a rebuild on PostgreSQL and for ever after one was stopped.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from ledger.application import open_ledger
from ledger.store import parse_store
from projections import api, catchup, engine
from projections.catchup import SCHEMA_VERSION
from projections.storage import open_database

from tests.integration import test_pg_readers
from tests.integration.test_pg_readers import Roles, assert_refused, caught_up, fupin, one_line
from tests.support import ledger_at, register

#: The owner's, officers', analysts' and SELECT-only roles of tests/integration/test_pg_readers.
roles = test_pg_readers.roles
granted = test_pg_readers.granted


class Killed(Exception):
    """The rebuild's process, stopped (a server restart, a kill)."""


def stop_rebuild_after(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """Make ``apply_facts`` die on its page ``pages + 1`` (small pages, one a transaction):
    the rebuild's first transaction and ``pages`` pages stay committed."""
    real = engine.apply_facts
    calls = []

    def dying(db: object, models: object, page: Iterable[object]) -> int:
        calls.append(1)
        if len(calls) > pages:
            raise Killed
        return real(db, models, page)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "PAGE", 5)
    monkeypatch.setattr(catchup, "REBUILD_PAGES", 1)
    monkeypatch.setattr(catchup, "apply_facts", dying)


def stopped_rebuild(dsn: str, monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    with monkeypatch.context() as patch:
        stop_rebuild_after(patch, pages)
        with closing(open_ledger(dsn)) as ledger, pytest.raises(Killed):
            api.rebuild(ledger)


def marked(dsn: str) -> bool:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT 1 FROM pj_schema WHERE id = 2").fetchone() is not None


def positions(dsn: str) -> set[int]:
    with psycopg.connect(dsn) as conn:
        return {int(p) for (p,) in conn.execute("SELECT position FROM pj_tracking")}


READS = (
    ("report", "caseload", "--format", "json"),
    ("report", "caseload", "--format", "csv"),
    ("report", "funds", "--format", "json"),
    ("query", "SELECT COUNT(*) AS n FROM pj_households", "--format", "json"),
    ("projections", "check"),
)


@pytest.mark.parametrize("pages", [0, 2], ids=["emptied", "half-filled"])
@pytest.mark.parametrize("reader", ["analysts", "selecting"])
def test_a_stopped_rebuild_is_refused_to_readers_until_a_writer_finishes_it(
    roles: Roles, reader: str, pages: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    caught_up(roles)
    stopped_rebuild(roles.owner.dsn, monkeypatch, pages)
    assert marked(roles.owner.dsn)
    store = getattr(roles, reader).dsn
    tracked = positions(roles.owner.dsn)
    assert len(tracked) == 1
    at = tracked.pop()

    for command in READS:
        result = fupin(store, *command)

        assert_refused(result, "the read models are being rebuilt")
        assert f"(at notification {at}; the ledger's last is " in result.stderr
        assert "try again when `fupin projections rebuild` has finished" in result.stderr
        assert "ask the store's owner to run it again" in result.stderr
        assert result.stdout == ""
    assert positions(roles.owner.dsn) == {at}  # nothing written
    assert marked(roles.owner.dsn)

    # An officer's report finishes the rebuild and clears the mark.
    officer = fupin(roles.officers.dsn, "report", "caseload", "--format", "json", actor="jn-01")
    assert officer.exit_code == 0, officer.output
    assert json.loads(officer.stdout)["totals"]["households"] == 1
    assert not marked(roles.owner.dsn)

    again = fupin(store, "report", "caseload", "--format", "json")
    assert again.exit_code == 0, again.output
    assert again.stderr == ""
    assert json.loads(again.stdout)["totals"]["households"] == 1
    check = fupin(roles.owner.dsn, "projections", "check", "--format", "json", actor="admin")
    assert check.exit_code == 0, check.output
    assert all(row["same"] for row in json.loads(check.stdout))


def test_the_owners_rebuild_after_a_stopped_one_clears_the_mark(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    caught_up(roles)
    stopped_rebuild(roles.owner.dsn, monkeypatch, 1)

    result = fupin(roles.owner.dsn, "projections", "rebuild", actor="admin")

    assert result.exit_code == 0, result.output
    assert one_line(result.stdout).startswith("read models rebuilt from ")
    assert not marked(roles.owner.dsn)
    analyst = fupin(roles.analysts.dsn, "report", "caseload", "--format", "json")
    assert analyst.exit_code == 0, analyst.output
    assert json.loads(analyst.stdout)["totals"]["households"] == 1


def test_a_mark_left_at_the_head_is_read_and_a_writer_clears_it(roles: Roles) -> None:
    # The rebuild died between its last page and the transaction that clears the mark: the
    # read models are whole; a reader reads them, the next writer's catch-up clears the mark.
    caught_up(roles)
    with psycopg.connect(roles.owner.dsn) as conn:
        conn.execute("INSERT INTO pj_schema (id, version) VALUES (2, %s)", (SCHEMA_VERSION,))

    analyst = fupin(roles.analysts.dsn, "report", "caseload", "--format", "json")
    assert analyst.exit_code == 0, analyst.output
    assert analyst.stderr == ""
    assert json.loads(analyst.stdout)["totals"]["households"] == 1
    assert marked(roles.owner.dsn)

    assert fupin(roles.officers.dsn, "report", "caseload", actor="jn-01").exit_code == 0
    assert not marked(roles.owner.dsn)


def test_read_models_behind_without_a_rebuild_are_still_read_as_they_are(roles: Roles) -> None:
    caught_up(roles)
    with closing(open_ledger(roles.officers.dsn)) as ledger:
        register(ledger, "JH-2", serial=2)

    result = fupin(roles.analysts.dsn, "report", "caseload", "--format", "json")

    assert result.exit_code == 0, result.output
    assert one_line(result.stderr).startswith("note: the read models are up to ")
    assert json.loads(result.stdout)["totals"]["households"] == 1


def begin_another_rebuild(location: object) -> None:
    """Another process's rebuild, its first transaction only (empties, remakes, counts,
    marks)."""
    db = open_database(location)  # type: ignore[arg-type]
    try:
        catchup._begin_rebuild(db)
    finally:
        db.close()


def between_pages(monkeypatch: pytest.MonkeyPatch, after: int, act: object) -> None:
    """Run ``act()`` once, outside any transaction, before the page after page ``after``
    (the pages are taken between the catch-up's transactions)."""
    real = engine.pages
    done: list[bool] = []

    def paged(stream: Iterable[engine.Fact], size: int = 0) -> Iterator[Iterator[engine.Fact]]:
        for number, page in enumerate(real(stream, size), 1):
            if number == after + 1 and not done:
                done.append(True)
                act()  # type: ignore[operator]
            yield page

    monkeypatch.setattr(engine, "PAGE", 5)
    monkeypatch.setattr(catchup, "REBUILD_PAGES", 1)
    monkeypatch.setattr(catchup, "pages", paged)


def test_a_rebuild_emptied_by_another_meanwhile_leaves_no_gap(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first rebuild applied its next page to the tables the second had just emptied: the
    # events of its earlier pages were missing from the read models for good (both rebuilds
    # then skipped them as applied).
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")
        register(ledger, "JH-2", serial=2)
        api.catch_up(ledger)
        location = ledger.location
        between_pages(monkeypatch, 2, lambda: begin_another_rebuild(location))

        api.rebuild(ledger)

        monkeypatch.undo()
        rows = api.check(ledger)
        status = api.status(ledger)
    assert [row["table"] for row in rows if not row["same"]] == []
    assert {row["behind"] for row in status} == {0}


def test_a_report_catching_up_while_a_rebuild_begins_leaves_no_gap(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A catch-up that read its starting position before a rebuild emptied the read models
    # applied the newer events to the emptied tables and moved every position to the head.
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")
        api.catch_up(ledger)
        register(ledger, "JH-2", serial=2)
        location = ledger.location
        between_pages(monkeypatch, 0, lambda: begin_another_rebuild(location))

        api.catch_up(ledger)

        monkeypatch.undo()
        rows = api.check(ledger)
        households = api.status(ledger)
    assert [row["table"] for row in rows if not row["same"]] == []
    assert {row["behind"] for row in households} == {0}


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_on_sqlite_a_stopped_rebuild_is_finished_by_the_next_report(
    store: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # SQLite's readers may write: they finish the rebuild and read the whole figures.
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")
        api.catch_up(ledger)
        with monkeypatch.context() as patch:
            stop_rebuild_after(patch, 1)
            with pytest.raises(Killed):
                api.rebuild(ledger)
    db = open_database(parse_store(store))
    try:
        assert db.one("SELECT 1 FROM pj_schema WHERE id = 2") is not None
    finally:
        db.close()

    result = fupin(store, "report", "caseload", "--format", "json")
    query = fupin(store, "query", "SELECT COUNT(*) AS n FROM pj_households", "--format", "json")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert json.loads(result.stdout)["totals"]["households"] == 1
    assert query.exit_code == 0, query.output
    assert json.loads(query.stdout)["rows"] == [[1]]
    db = open_database(parse_store(store))
    try:
        assert db.one("SELECT 1 FROM pj_schema WHERE id = 2") is None
    finally:
        db.close()


def test_a_report_whose_read_models_a_rebuild_empties_meanwhile_is_refused(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rebuild's first transaction committed after the report's catch-up: the report read
    # the emptied tables and printed zeros, exit 0.
    with ledger_at(store) as ledger:
        register(ledger, "JH-1")
        api.catch_up(ledger)
        location = ledger.location
    from projections.caseload import caseload as real

    def emptied_meanwhile(db: object) -> dict[str, object]:
        begin_another_rebuild(location)
        return real(db)  # type: ignore[arg-type]

    monkeypatch.setattr("projections.api._caseload", emptied_meanwhile)

    result = fupin(store, "report", "caseload", "--format", "json")

    assert result.exit_code == 2, result.output
    line = one_line(result.stderr)
    assert line.startswith("refused store: a rebuild of the read models began while this report")
    assert "try again" in line
    assert result.stdout == ""


def test_rebuilds_and_catch_ups_at_once_leave_read_models_equal_to_the_events(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small pages, a transaction each: the rebuilds' transactions interleave.
    with ledger_at(store) as ledger:
        for serial in range(1, 5):
            register(ledger, f"JH-{serial}", serial=serial)
        api.catch_up(ledger)
    monkeypatch.setattr(engine, "PAGE", 3)
    monkeypatch.setattr(catchup, "REBUILD_PAGES", 1)
    failures: list[BaseException] = []

    def run(work: str) -> None:
        try:
            with closing(open_ledger(store)) as ledger:
                for _ in range(3):
                    (api.rebuild if work == "rebuild" else api.catch_up)(ledger)
        except BaseException as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=run, args=(work,))
        for work in ("rebuild", "rebuild", "catch_up", "catch_up")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()

    assert [f for f in failures if "try again" not in str(f)] == []
    with closing(open_ledger(store)) as ledger:
        api.catch_up(ledger)
        rows = api.check(ledger)
        status = api.status(ledger)
    assert [row["table"] for row in rows if not row["same"]] == []
    assert {row["behind"] for row in status} == {0}
    db = open_database(parse_store(store))
    try:
        assert db.one("SELECT 1 FROM pj_schema WHERE id = 2") is None
    finally:
        db.close()
