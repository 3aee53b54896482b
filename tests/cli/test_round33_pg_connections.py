"""Since session 33 a command on PostgreSQL opens eventsourcing's pool with no connection
(``POSTGRES_POOL_SIZE``, 0 unless the operator sets it, from 0 to 10), not five: the pool makes
one at the command's first request. A report, `verify` or a dossier opened 8 connections in
all, now 3; `fupin log` 7, now 2. (A pool of one opened two: its start, not waited for, raced
the first request: tester d, session 33.) docs/operations.md, "Connections"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
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
