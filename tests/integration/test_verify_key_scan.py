"""``fupin verify`` scans the events for the key table's check beside its pass (issue 8).

The scan (the erasures, and the households without a key row: ``missing_key_rows``) is done
by the database; on the 1 M-household bench ledger it took about a third of verify, before the
pass, which waited for it. On a SQLite file it now runs on a thread of its own while the pass
reads the log, and what it finds is the same.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from ledger import privacy, verification
from ledger.application import Ledger
from ledger.privacy import KEY_TABLE
from ledger.verification import KEY_TABLE_POSITION, verify_ledger

from tests.integration.test_key_table_support import change_key_row, hid, register_households
from tests.support import stamp

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

THREE = ("JH-0001", "JH-0002", "JH-0003")


@pytest.fixture
def households(store_ledger: Ledger) -> Ledger:
    return register_households(store_ledger)


def test_the_scan_runs_while_the_pass_reads(
    households: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, the scan ran to its end before the pass read a row: waiting here for the pass
    # to begin timed out.
    app = households
    began = threading.Event()
    seen: dict[str, Any] = {}
    scan, read = privacy.missing_key_rows, verification.Verifier._read

    def scanning(*args: Any, **kwargs: Any) -> Iterator[tuple[str, bool]]:
        seen["thread"] = threading.current_thread().name
        seen["pass began first"] = began.wait(timeout=10)
        yield from scan(*args, **kwargs)

    def reading(self: verification.Verifier, *args: Any) -> None:
        began.set()
        read(self, *args)

    monkeypatch.setattr(verification, "missing_key_rows", scanning)
    monkeypatch.setattr(verification.Verifier, "_read", reading)
    app.erase(stamp("admin", date(2016, 8, 2)), "JH-0001", "本人申请")

    report = verify_ledger(app.recorder, app.mapper)

    assert seen == {"thread": "key-scan", "pass began first": True}
    assert report.ok, report.problems
    assert report.erased_keys == 1
    assert not [t for t in threading.enumerate() if t.name == "key-scan"]


def test_past_the_rows_its_queue_holds_the_scan_waits_for_the_check(
    households: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Memory stays flat: the scan's rows wait in a queue of ``_SCAN_KEPT`` at most, read
    # after the pass; the scan runs once (a first version ran it again past its bound).
    app = households
    every = sorted(f"{KEY_TABLE} {hid(app, n)}" for n in THREE)
    change_key_row(app, f"DROP TABLE {KEY_TABLE}", ())
    calls: list[str] = []
    scan = privacy.missing_key_rows

    def counted(*args: Any, **kwargs: Any) -> Iterator[tuple[str, bool]]:
        calls.append(threading.current_thread().name)
        yield from scan(*args, **kwargs)

    monkeypatch.setattr(verification, "missing_key_rows", counted)
    monkeypatch.setattr(verification, "_SCAN_KEPT", 1)  # three households have no row

    report = verify_ledger(app.recorder, app.mapper)

    assert calls == ["key-scan"]
    assert sorted(p.event for p in report.problems) == every
    assert all(p.reason.startswith("no key row: ") for p in report.problems)
    assert report.key_table_problems == 3


def test_a_verify_that_ends_early_does_not_wait_for_the_scan(
    households: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An inspector's Ctrl-C (here raised by the progress callback) ends verify at once; it
    # waited for the whole scan (a third of verify on a large ledger) before.
    app = households
    release = threading.Event()

    class Statement:  # a long statement on a connection: ``interrupt`` ends it
        def interrupt(self) -> None:
            release.set()

    def slow(*args: Any, running: Any = None, **kwargs: Any) -> Iterator[tuple[str, bool]]:
        if running is not None:
            running(Statement())
        if release.wait(timeout=60):
            raise sqlite3.OperationalError("interrupted")
        yield from ()

    def interrupted(count: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(verification, "missing_key_rows", slow)
    raised: list[BaseException] = []

    def verifying() -> None:
        try:
            verify_ledger(app.recorder, app.mapper, progress=interrupted)
        except BaseException as exc:
            raised.append(exc)

    worker = threading.Thread(target=verifying)
    worker.start()
    worker.join(timeout=20)
    ended = not worker.is_alive()
    scanning = [t for t in threading.enumerate() if t.name == "key-scan"]
    release.set()  # the scan's statement ends, if nothing interrupted it
    worker.join()

    assert ended
    assert [type(exc) for exc in raised] == [KeyboardInterrupt]
    # its statement interrupted and its thread ended before verify returned: the connection
    # was back in the pool when the CLI closed it (closed under the statement, it crashed)
    assert scanning == []


def test_a_scan_that_fails_on_its_thread_is_reported_as_one_that_failed_before(
    households: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = households

    def failing(*args: Any, **kwargs: Any) -> Iterator[tuple[str, bool]]:
        raise sqlite3.OperationalError("disk I/O error")
        yield  # a generator, as the scan is

    monkeypatch.setattr(verification, "missing_key_rows", failing)

    report = verify_ledger(app.recorder, app.mapper)

    assert [(p.position, p.event) for p in report.problems] == [(KEY_TABLE_POSITION, KEY_TABLE)]
    reason = report.problems[0].reason
    assert reason.startswith("could not be checked against the erasures: ")
    assert reason.endswith("disk I/O error")


def test_the_pass_problems_are_kept_before_the_key_tables(
    households: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the first problems found are kept (``_KEEP``). The key table's used to be found
    # first: a dropped table filled the list, and an event altered in the log went unnamed.
    app = households
    change_key_row(app, f"DROP TABLE {KEY_TABLE}", ())
    with app.recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "UPDATE stored_events SET state = CAST(state AS TEXT) "
            "WHERE rowid = (SELECT MAX(rowid) FROM stored_events)"
        )
    monkeypatch.setattr(verification, "_KEEP", 2)

    report = verify_ledger(app.recorder, app.mapper)

    assert report.problem_count >= 4  # the altered event, and three households without a row
    assert report.problems[0].position >= 0, report.problems
    assert report.problems[0].log_id is not None
