"""The ledger's SQLite recorder: eventsourcing's, loading an aggregate in one statement.

It must read exactly what eventsourcing's recorder reads, for every way a repository asks,
and report a store error as eventsourcing's error, which the commands turn into a refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.verify import _facts
from eventsourcing.persistence import OperationalError
from eventsourcing.sqlite import SQLiteApplicationRecorder
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger.application import Ledger, open_ledger
from ledger.base import natural_id
from ledger.sqliterecorder import LedgerSQLiteRecorder

from tests.support import TickingClock, ledger_at, stamp


def test_a_sqlite_store_reads_through_the_ledgers_recorder(ledger: Ledger) -> None:
    assert isinstance(ledger.recorder, LedgerSQLiteRecorder)


@pytest.fixture(scope="module")
def visited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A household with a dozen events, and its stored id."""
    path = tmp_path_factory.mktemp("recorder") / "ledger.db"
    facts = _facts(1)
    with ledger_at(path, TickingClock()) as app:
        app.identify(stamp("jn-01"), facts)
        for n in range(10):
            app.change_members(
                stamp("jn-01", note=f"变更 {n}"), facts.number, 2 + n % 3, facts.personal
            )
    return path, natural_id("household", facts.number).hex


@settings(max_examples=60, deadline=None)
@given(
    gt=st.none() | st.integers(0, 13),
    lte=st.none() | st.integers(0, 13),
    desc=st.booleans(),
    limit=st.none() | st.integers(1, 13),
)
def test_it_reads_what_eventsourcings_recorder_reads(
    visited: tuple[Path, str], gt: int | None, lte: int | None, desc: bool, limit: int | None
) -> None:
    path, stored_id = visited
    app = open_ledger(str(path))
    try:
        ours = app.recorder
        theirs = SQLiteApplicationRecorder(datastore=ours.datastore)  # type: ignore[attr-defined]
        read = [
            recorder.select_events(stored_id, gt=gt, lte=lte, desc=desc, limit=limit)
            for recorder in (ours, theirs)
        ]

        assert read[0] == read[1]
    finally:
        app.close()


def test_a_store_error_is_eventsourcings_error(tmp_path: Path) -> None:
    app = open_ledger(str(tmp_path / "ledger.db"), create=True)
    try:
        recorder = app.recorder
        assert isinstance(recorder, LedgerSQLiteRecorder)
        with recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"ALTER TABLE {recorder.events_table_name} RENAME TO elsewhere")

        with pytest.raises(OperationalError, match="no such table"):
            recorder.select_events(natural_id("household", "JN-1"))
        with pytest.raises(OperationalError, match="no such table"):
            recorder.max_notification_id()
    finally:
        app.close()


def test_its_head_is_eventsourcings(visited: tuple[Path, str], tmp_path: Path) -> None:
    # The log's head, read without eventsourcing's BEGIN ... ROLLBACK (session 25: every
    # save's read guards take it): the same on a store with events and on an empty one.
    empty = open_ledger(str(tmp_path / "empty.db"), create=True)
    app = open_ledger(str(visited[0]))
    try:
        for opened in (app, empty):
            ours = opened.recorder
            theirs = SQLiteApplicationRecorder(datastore=ours.datastore)  # type: ignore[attr-defined]
            assert ours.max_notification_id() == theirs.max_notification_id()
        assert app.recorder.max_notification_id() == app.event_count() > 10
    finally:
        app.close()
        empty.close()
