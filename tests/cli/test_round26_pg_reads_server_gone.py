"""Session 26, tester G (crash safety on PostgreSQL 15): a server stopped during a command's
reads, before its save, was refused only ~22-27 s after the stop ("… could not be reached
(couldn't get a connection after 5.00 sec) …"), though docs/operations.md "Bounded waits"
promised about 10 s: eventsourcing tries each read up to 10 times, and every try waited the
whole connect timeout for a connection from the pool. Now, once the pool gave up on one, the
command's further tries are refused at once: one connect timeout in all.

The stopped server is the pool giving up on every connection from the command's first read
(the test server cannot be stopped under the others); each wait is counted, not timed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from ledger.core import LedgerCore
from psycopg_pool import ConnectionPool, PoolTimeout

from tests.cli.conftest import Fupin, assert_refused, doc

pytestmark = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

POOL = "couldn't get a connection after 5.00 sec"


def test_reads_of_a_stopped_server_wait_one_connect_timeout_not_one_a_try(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seeded.event_count()
    waits: list[int] = []
    real_connection = ConnectionPool.connection
    real_authorise = LedgerCore.authorise
    stop: list[int] = []

    def authorise(self: Any, *args: Any, **kwargs: Any) -> Any:
        stop.append(1)  # the command opened its store and reads: the server stops
        return real_authorise(self, *args, **kwargs)

    @contextmanager
    def pooled(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        if not stop:
            with real_connection(self, *args, **kwargs) as conn:
                yield conn
            return
        waits.append(1)  # each a whole LEDGER_CONNECT_TIMEOUT on a stopped server
        raise PoolTimeout(POOL)

    monkeypatch.setattr(LedgerCore, "authorise", authorise)
    monkeypatch.setattr(ConnectionPool, "connection", pooled)
    result = seeded(
        f"household visit JH-0001 --helper c-1 --summary 入户 {doc('2016-09-01')}", "jn-01"
    )
    monkeypatch.undo()

    assert_refused(result, "store", "")
    said = " ".join(result.stderr.split())
    assert said.startswith("refused store: postgresql://"), said
    assert f"could not be reached ({POOL})" in said
    assert waits == [1]  # not once for each of eventsourcing's tries
    assert seeded.event_count() == before
