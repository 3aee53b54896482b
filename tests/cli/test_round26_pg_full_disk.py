"""Session 26, tester G (crash safety on PostgreSQL 15): with the server's disk full (a
tablespace on a small tmpfs), ``projections rebuild``, every report and ``projections check``
said "internal error: DiskFull: could not extend file …: No space left on device HINT: Check
free disk space.", exit 1; a save said "the store is busy or unreachable (could not extend file
…); try again", an import "could not extend file …; try again". Now each is one line naming
the server's full disk, exit 2, saying what was written, and no "try again".

The server raises its own DiskFull (SQLSTATE 53100) from a trigger on the table the write
meets, as it would raise it from the file it could not extend."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from ledger import core
from ledger.store import parse_store
from projections.pg import events_table

from tests.cli.conftest import Fupin, assert_refused, doc

pytestmark = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

FULL = "the disk of the PostgreSQL server of postgresql://"
SAID = (
    'PostgreSQL said: could not extend file "base/16384/245926": No space left on device; '
    "HINT: Check free disk space.)"
)


@contextmanager
def disk_full(
    fupin: Fupin, table: str, state: str = "disk_full", writes: str = "INSERT OR UPDATE"
) -> Iterator[None]:
    """Every write ``writes`` of ``table`` fails as on a server whose disk is full."""
    with psycopg.connect(fupin.store, autocommit=True) as owner:
        owner.execute(
            "CREATE FUNCTION fupin_test_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            'RAISE EXCEPTION \'could not extend file "base/16384/245926": No space left on '
            f"device' USING ERRCODE = '{state}', HINT = 'Check free disk space.'; END $$"
        )
        owner.execute(
            f"CREATE TRIGGER fupin_test_full BEFORE {writes} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION fupin_test_full()"
        )
        try:
            yield
        finally:
            owner.execute(f"DROP TRIGGER fupin_test_full ON {table}")
            owner.execute("DROP FUNCTION fupin_test_full()")


def _events(fupin: Fupin) -> str:
    return events_table(parse_store(fupin.store))


def _tracked(fupin: Fupin) -> list[tuple[object, ...]]:
    with psycopg.connect(fupin.store) as conn:
        return list(conn.execute("SELECT * FROM pj_tracking ORDER BY 1"))


@pytest.mark.parametrize(
    "line", ["report caseload", "report funds", "projections check", "projections rebuild"]
)
def test_a_full_server_disk_refuses_a_reader_in_one_line(seeded: Fupin, line: str) -> None:
    seeded.ok("report caseload")  # the read models made
    seeded.ok(f"household visit JH-0001 --helper c-1 --summary 入户 {doc('2016-09-01')}", "jn-01")
    before = _tracked(seeded)
    # A catch-up's page moves the models' positions; a rebuild's first transaction (emptied,
    # marked) inserts them, and commits.
    with disk_full(seeded, "pj_tracking", writes="UPDATE"):
        result = seeded(line)
    assert_refused(result, "store", FULL)
    said = " ".join(result.stderr.split())
    assert SAID in said
    assert "free space on the server's disk" in said
    if line == "projections rebuild":
        assert "the rebuild stopped part way" in said
    else:
        assert "the read models were not brought up to date and nothing of this update" in said
        assert _tracked(seeded) == before
    assert "try again" not in said
    assert "internal error" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    seeded.ok("report caseload")  # room again: the next report finishes


def test_a_save_on_a_full_server_disk_says_nothing_was_written(seeded: Fupin) -> None:
    before = seeded.event_count()
    with disk_full(seeded, _events(seeded)):
        result = seeded(
            f"household visit JH-0001 --helper c-1 --summary 入户 {doc('2016-09-01')}", "jn-01"
        )
    assert_refused(result, "store", FULL)
    said = " ".join(result.stderr.split())
    assert f"{SAID}; nothing was written: free space on the server's disk" in said
    assert "try again" not in said
    assert "busy or unreachable" not in said
    assert seeded.event_count() == before


def test_an_import_on_a_full_server_disk_says_nothing_was_written(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rows = "".join(f"V-{n},2016-09-01,走访{n},JH-0001,c-1,入户走访\n" for n in range(5))
    sheet = tmp_path / "record_visit.csv"
    sheet.write_text(f"ref,effective,document,household,helper,summary\n{rows}", "utf-8")
    before = seeded.event_count()
    monkeypatch.setattr(core, "SAVES_COMMITTED", [])  # as a command starts (cli.main.run)
    with disk_full(seeded, _events(seeded)):
        result = seeded(f"import {sheet}", "jn-01")
    assert_refused(result, "store", FULL)
    said = " ".join(result.stderr.split())
    assert f"{SAID}; nothing was written: free space on the server's disk" in said
    assert "try again" not in said
    assert seeded.event_count() == before


def test_too_many_connections_still_says_try_again(seeded: Fupin) -> None:
    before = seeded.event_count()
    with disk_full(seeded, _events(seeded), "too_many_connections"):
        result = seeded(
            f"household visit JH-0001 --helper c-1 --summary 入户 {doc('2016-09-01')}", "jn-01"
        )
    assert result.exit_code == 2, result.output
    assert "try again" in result.stderr
    assert FULL not in result.stderr
    assert seeded.event_count() == before
