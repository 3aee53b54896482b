"""Since session 33 a command on PostgreSQL opens eventsourcing's pool with no connection
(``POSTGRES_POOL_SIZE``, 0 unless the operator sets it, from 0 to 10), not five: the pool makes
one at the command's first request. A report, `verify` or a dossier opened 8 connections in
all, now 3; `fupin log` 7, now 2. (A pool of one opened two: its start, not waited for, raced
the first request: tester d, session 33.) docs/operations.md, "Connections"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from ledger.store import parse_store
from ledger.waiting import probe_sessions
from projections import pg_waits
from psycopg import _connection_base

from tests.cli.conftest import Fupin

#: What each command may open now (it opened twice as many, or more, with a pool of five).
AT_MOST = {
    "household show JH-0001": 3,
    "report caseload": 3,
    "verify": 3,
    "log": 2,
}


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A count of the connections opened meanwhile (every one, the pool's threads' too: each
    goes through psycopg's one generator of a connection)."""
    opened = [0]
    make: Callable[..., Any] = _connection_base.BaseConnection._connect_gen.__func__  # type: ignore[attr-defined]

    def counted(cls: type, *args: Any, **kwargs: Any) -> Any:
        opened[0] += 1
        return make(cls, *args, **kwargs)

    monkeypatch.setattr(_connection_base.BaseConnection, "_connect_gen", classmethod(counted))
    return opened


@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
@pytest.mark.parametrize("line", list(AT_MOST))
def test_a_command_opens_a_connection_only_as_it_needs_one(
    seeded: Fupin, connects: list[int], monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    monkeypatch.delenv("POSTGRES_POOL_SIZE", raising=False)
    seeded.ok(line)  # the first run checks the schema and catches the read models up
    connects[0] = 0

    seeded.ok(line)

    assert 0 < connects[0] <= AT_MOST[line], connects[0]


@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_the_operator_may_set_the_pool_larger(
    seeded: Fupin, connects: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTGRES_POOL_SIZE", "5")
    seeded.ok("verify")
    connects[0] = 0

    seeded.ok("verify")

    assert connects[0] >= AT_MOST["verify"] + 4, connects[0]  # the pool's four more at least


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the line names its own store
@pytest.mark.parametrize("given", ["-1", "abc", "2.5", "11", "٣"])
def test_a_pool_size_that_is_no_whole_number_up_to_ten_is_refused_naming_it(
    fupin: Fupin, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    """Refused before any connection is made (tester d, session 33: ``-1`` was refused in
    psycopg's words, ``min_size cannot be negative``, blaming the store; ``30`` was taken)."""
    monkeypatch.setenv("POSTGRES_POOL_SIZE", given)

    result = fupin("--store postgresql://u@127.0.0.1:1/none log")

    assert result.exit_code == 2, result.output
    said = (
        f"refused POSTGRES_POOL_SIZE: {given!r} is not a whole number of connections from 0 to 10"
    )
    assert said in result.stderr, result.stderr
    assert "cannot connect" not in result.stderr


@pytest.mark.postgres
def test_the_lock_wait_probe_keeps_one_connection_and_closes_it_as_the_command_ends(
    pg_dsn: str, connects: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tester d, session 33, F5: the probe of who holds a lock connected anew each second a
    command ran (six connections for a ``report html`` of ten seconds that waited for
    nothing); now one, kept from question to question, closed when the command ends."""
    with psycopg.connect(pg_dsn) as ours:
        monkeypatch.setattr(pg_waits, "our_sessions", lambda: [ours.info.backend_pid])
        probe = pg_waits.SessionProbe(parse_store(pg_dsn).env)
        connects[0] = 0  # the probe's alone from here
        probe_sessions(probe, "the store", "5")

        answers = [probe() for _ in range(3)]
        side = probe._side

        assert answers == [None, None, None]  # no session of ours waits
        assert connects[0] == 1
        assert side is not None
        assert not side.closed
        probe_sessions(None, "", "")  # the command ends (cli.common.ledger_session)
        assert side.closed
        assert probe() is None  # asked no more
        assert connects[0] == 1


@pytest.mark.postgres
def test_a_probe_whose_connection_the_server_ended_connects_again(
    pg_dsn: str, connects: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    with psycopg.connect(pg_dsn, autocommit=True) as ours:
        monkeypatch.setattr(pg_waits, "our_sessions", lambda: [ours.info.backend_pid])
        probe = pg_waits.SessionProbe(parse_store(pg_dsn).env)
        connects[0] = 0  # the probe's alone from here
        assert probe() is None
        assert probe._side is not None
        ours.execute("SELECT pg_terminate_backend(%s)", (probe._side.info.backend_pid,))

        assert probe() is None  # the server's end said neutrally, as a stopped server is
        assert probe() is None
        probe.close()

    assert connects[0] == 2
