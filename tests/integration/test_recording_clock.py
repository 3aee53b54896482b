"""A save recorded earlier than what the ledger holds is refused (a machine whose clock is
behind would file its entries among old ones and change every "as known at" answer)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.errors import RuleError
from ledger.household import Household
from ledger.imports import Row, import_rows
from ledger.privacy import UnreadableEventError

from tests.support import TickingClock, id_card, identify, refuses


@pytest.fixture
def shared(store_ledger: Ledger, store: str) -> tuple[Ledger, str]:
    """The reference ledger (recorded on a ticking clock from 2019) and its store."""
    return store_ledger, store


def behind(by: timedelta) -> clock.Clock:
    """A clock this far behind the ticking clock's start (2019-01-01)."""
    moment = datetime(2019, 1, 1, tzinfo=UTC) - by
    return lambda: moment


def test_a_save_from_a_clock_set_back_is_refused_and_writes_nothing(
    shared: tuple[Ledger, str],
) -> None:
    app, _ = shared
    # A clock a year behind (a flat battery takes it further back, before the effective
    # dates, which is refused as "after today").
    with clock.using_clock(behind(timedelta(days=365))):
        refused = refuses(app, RuleError, "clock", lambda: identify(app, "JH-0001"))

    assert "before the ledger's last entry" in str(refused)
    assert "2018-01-01" in str(refused)


def test_a_clock_a_little_behind_is_allowed(shared: tuple[Ledger, str]) -> None:
    # Officers' machines differ by seconds or minutes; CLOCK_TOLERANCE allows for it.
    app, _ = shared
    with clock.using_clock(behind(clock.CLOCK_TOLERANCE - timedelta(minutes=5))):
        identify(app, "JH-0001")

    assert app.get_by_id(Household.create_id("JH-0001")) is not None


def test_another_instance_reads_the_last_entry_first(shared: tuple[Ledger, str]) -> None:
    # Each command opens the ledger anew: the check must not rest on what it wrote itself.
    _, store = shared
    other = open_ledger(store)
    try:
        with clock.using_clock(behind(timedelta(days=30))):
            refuses(other, RuleError, "clock", lambda: identify(other, "JH-0002"))
    finally:
        other.close()


def test_an_import_records_on_the_clock_in_force(shared: tuple[Ledger, str]) -> None:
    # A bulk import made its recording times from the system clock whatever clock was set:
    # under the demo's or a test's clock, its events landed years after those around them.
    app, _ = shared
    row = imported_row()
    ticking = TickingClock(current=datetime(2019, 6, 1, tzinfo=UTC))
    with clock.using_clock(ticking):
        assert import_rows(app, [row], source="t.csv", digest="x").written

    entries = app.history("IMP-0001", None, "household")
    assert entries
    assert all(e["recorded_at"].startswith("2019-06-01") for e in entries)


def test_on_postgresql_a_machine_clock_off_the_servers_is_refused(
    shared: tuple[Ledger, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A machine ahead would file entries that every honest machine after it is refused for.
    _, store = shared
    other = open_ledger(store)
    try:
        server = other._server_time()
        if server is None:  # SQLite: this machine's clock is the only one
            assert store.endswith(".db")
            return
        assert abs(server - clock.system_clock()) < clock.CLOCK_TOLERANCE
        ahead = server - timedelta(days=1)  # the server a day behind this machine
        monkeypatch.setattr(type(other), "_server_time", lambda self: ahead)
        with clock.using_clock(clock.system_clock):  # the fixture records on a ticking one
            refused = refuses(other, RuleError, "clock", lambda: identify(other, "JH-0003"))
    finally:
        other.close()

    assert "the database server's" in str(refused)


def test_on_postgresql_a_machine_clock_near_the_servers_records(
    shared: tuple[Ledger, str],
) -> None:
    _, store = shared
    other = open_ledger(store)
    try:
        with clock.using_clock(clock.system_clock):  # checked against the server's clock
            identify(other, "JH-0004")
        assert other.get_by_id(Household.create_id("JH-0004")) is not None
    finally:
        other.close()


def test_an_import_is_recorded_when_it_commits_not_as_its_rows_ran(
    shared: tuple[Ledger, str],
) -> None:
    # A long import, while an officer records: stamped as its rows ran, its events came
    # after the officer's in the log, an hour earlier, and the import was refused.
    app, store = shared
    now = [datetime(2019, 6, 1, tzinfo=UTC)]
    other = open_ledger(store)

    def officer_records_meanwhile(done: int, total: int) -> None:
        if done == total:  # the rows are applied; the batch is not saved yet
            now[0] += timedelta(hours=1)
            identify(other, "JH-0005", serial=5)

    try:
        with clock.using_clock(lambda: now[0]):
            result = import_rows(
                app,
                [imported_row()],
                source="t.csv",
                digest="x",
                progress=officer_records_meanwhile,
            )
    finally:
        other.close()

    assert result.written
    entries = app.history("IMP-0001", None, "household")
    assert all(e["recorded_at"] >= "2019-06-01T01:00:00" for e in entries)


def imported_row() -> Row:
    """One identification as a spreadsheet row (ledger.imports)."""
    return Row(
        "row 1",
        "identify",
        {
            "ref": "JN-IMP-1",
            "actor": "jn-01",
            "effective": "2016-08-01",
            "document": "江南低保台账",
            "household": "IMP-0001",
            "street": "江南",
            "village": "雄光",
            "area": "rural",
            "members": 1,
            "labour": "是",
            "willing": True,
            "head_name": "户主",
            "id_card": id_card(1),
            "member_names": "户主",
        },
    )


def test_on_postgresql_an_import_from_a_machine_clock_off_the_servers_is_refused(
    shared: tuple[Ledger, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An import's clock wraps the system clock: the server check was skipped for it, and a
    # machine ahead could file a whole import in the future.
    _, store = shared
    other = open_ledger(store)
    try:
        if other._server_time() is None:  # SQLite: no other clock to compare with
            return
        # 5 minutes: within the 10 two saves may differ, past the 4 a machine may be off
        behind = clock.system_clock() - timedelta(minutes=5)
        monkeypatch.setattr(type(other), "_server_time", lambda self: behind)
        with clock.using_clock(clock.system_clock):
            refused = refuses(
                other,
                RuleError,
                "clock",
                lambda: import_rows(other, [imported_row()], source="t.csv", digest="x"),
            )
    finally:
        other.close()

    assert "the database server's" in str(refused)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # rewrites the file's last row
def test_a_damaged_last_entry_is_named_when_a_save_reads_it(
    shared: tuple[Ledger, str],
) -> None:
    app, store = shared
    app.close()
    with sqlite3.connect(store) as db:
        db.execute(
            "UPDATE stored_events SET state = X'00ff' "
            "WHERE rowid = (SELECT MAX(rowid) FROM stored_events)"
        )
    db.close()
    other = open_ledger(store)
    try:
        refused = refuses(other, UnreadableEventError, "store", lambda: identify(other, "JH-6"))
    finally:
        other.close()

    assert "cannot be read" in str(refused)
    assert "at position" in str(refused)
