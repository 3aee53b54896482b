"""Round 15, the IT operator's findings: a store whose file may not be written gave reports an
"internal error" (exit 1, a monitoring job's "verification failed") and a save "busy … try
again"; a folder given as the store was "unable to open database file"; ``init`` wrote a ledger
into another program's SQLite file; a path with a line break split a refusal in two."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from cli.main import app
from eventsourcing.persistence import OperationalError
from ledger.core import LedgerCore

from tests.cli.conftest import Fupin, assert_refused, doc

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

VISIT = f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}"


def _read_only(monkeypatch: pytest.MonkeyPatch, store: Path) -> None:
    """The store's file may not be written by this user (tests run as root, who may write
    any file: the check the read models make is answered as for anyone else)."""
    real = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if Path(str(path)) == store and mode & os.W_OK:
            return False
        return real(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("projections.storage.os.access", access)


def test_a_read_only_store_is_read_as_it_is_with_a_note(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded.ok("report caseload", "ana-1")  # the read models caught up
    seeded.ok(VISIT, "jn-01")  # one event they have not applied yet
    _read_only(monkeypatch, seeded.path)

    report = seeded("report caseload", "ana-1")
    rebuilt = seeded("projections rebuild", "admin")

    assert report.exit_code == 0, report.output
    assert "read-only): read as they are" in report.stderr
    assert "1 events behind" in report.stderr
    assert_refused(rebuilt, "store", f"cannot rebuild the read models ({seeded.path} is read-only)")


def test_a_save_to_a_read_only_store_says_so(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(LedgerCore, "_save_events", refused)

    result = seeded(VISIT, "jn-01")

    assert_refused(result, "store", f"{seeded.path} cannot be written (the file, or the -wal")
    assert "try again" not in result.stderr


def test_a_folder_is_no_store(fupin: Fupin, tmp_path: Path) -> None:
    folder = tmp_path / "ledgers"
    folder.mkdir()

    for line in ("verify", f"init --admin admin --name 区扶贫办 {doc('2016-07-26')}"):
        result = fupin.runner.invoke(app, ["--store", str(folder), *line.split()])
        assert_refused(result, "store", f"{folder} is a folder, not a store")


def test_init_refuses_another_programs_sqlite_file(fupin: Fupin, tmp_path: Path) -> None:
    crm = tmp_path / "crm.db"
    with sqlite3.connect(crm) as db:
        db.execute("CREATE TABLE customers (id, name)")
    before = crm.read_bytes()

    result = fupin.runner.invoke(
        app, ["--store", str(crm), "init", "--admin", "admin", "--name", "区扶贫办", "-d", "x"]
    )

    assert_refused(result, "store", "holds another program's tables (customers), not a ledger")
    assert crm.read_bytes() == before


def test_a_store_path_with_a_line_break_is_named_on_one_line(fupin: Fupin, tmp_path: Path) -> None:
    odd = tmp_path / "x\ny.db"

    result = fupin.runner.invoke(app, ["--store", str(odd), "verify"])

    assert_refused(result, "store", f"{str(odd)!r} does not exist")
