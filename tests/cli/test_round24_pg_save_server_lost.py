"""Session 24, a tester on PostgreSQL 15: a save waiting on the insert lock when the server
stopped said ``refused store: the store is busy or unreachable (couldn't get a connection after
5.00 sec); try again`` after about 24 s (5 s timeouts): not the store, and not the warning
docs/cli.md gives for a server lost mid-command (a save lost while committing may have been
recorded: a payment recorded twice). The save was tried again after the pool had given up on a
connection, and past its deadline, each try a connect timeout.

Now the save names the store (its password hidden) with the warning, and is not tried again
once the pool gave up or the deadline passed. The server's loss is injected where the save
meets it (the test server cannot be stopped under the others)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from eventsourcing.persistence import OperationalError
from ledger.pgrecorder import LedgerPostgresRecorder
from psycopg_pool import PoolTimeout

from tests.cli.conftest import Fupin, assert_refused, doc

pytestmark = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

ADD = f"place add-village 江南 新村 {doc('2016-08-20')}"
POOL = "couldn't get a connection after 5.00 sec"


def test_a_save_whose_server_is_lost_names_the_store_and_warns(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    tries: list[str] = []

    def lost(self: Any, *args: Any, **kwargs: Any) -> None:
        # The connection dropped by the server's stop, then the pool waiting in vain.
        said = "server closed the connection unexpectedly" if not tries else POOL
        tries.append(said)
        cause = psycopg.OperationalError(said) if len(tries) == 1 else PoolTimeout(said)
        raise OperationalError(said) from cause  # as eventsourcing wraps the driver's

    monkeypatch.setattr(LedgerPostgresRecorder, "_insert_once", lost)
    before = seeded.event_count()

    result = seeded(ADD, actor="admin")

    assert_refused(result, "store", "")
    said = " ".join(result.output.split())
    assert (
        f"could not be reached ({POOL}); a transaction it had not committed was rolled back, "
        in said
    )
    assert "but one lost while committing may have been recorded" in said
    assert said.startswith("refused store: postgresql://")
    assert "busy or unreachable" not in said
    password = urlsplit(seeded.store).password
    if password:
        assert password not in said
    assert tries == ["server closed the connection unexpectedly", POOL]  # not tried again
    monkeypatch.undo()
    assert seeded.event_count() == before


def test_a_save_is_not_tried_again_past_its_deadline(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [0.0]
    tries: list[int] = []

    def dropped(self: Any, *args: Any, **kwargs: Any) -> None:
        tries.append(1)
        clock[0] += 3.0  # each try meets a dropped connection after 3 s
        said = "server closed the connection unexpectedly"
        raise OperationalError(said) from psycopg.OperationalError(said)

    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "5")
    monkeypatch.setattr(LedgerPostgresRecorder, "_insert_once", dropped)
    monkeypatch.setattr("ledger.pgrecorder.time.monotonic", lambda: clock[0])
    monkeypatch.setattr("ledger.pgrecorder.time.sleep", lambda seconds: None)

    result = seeded(ADD, actor="admin")

    assert result.exit_code == 2, result.output
    assert "a transaction it had not committed was rolled back" in " ".join(result.output.split())
    assert len(tries) == 2  # at 3 s a second try, at 6 s past the deadline: refused
