"""Since session 33 a command on PostgreSQL opens eventsourcing's pool with one connection
(``POSTGRES_POOL_SIZE``, 1 unless the operator sets it), not five, and a second only when it
needs two at once: a report, `verify` or a dossier opened 8 connections in all, now 4; `fupin
log` 7, now 3. A server of 40 connections turned away 2 of 24 `verify` run at once before, none
now (docs/operations.md, "Connections")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from psycopg import _connection_base

from tests.cli.conftest import Fupin

#: What each command may open now (it opened twice as many, or more, with a pool of five).
AT_MOST = {
    "household show JH-0001": 4,
    "report caseload": 4,
    "verify": 4,
    "log": 3,
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

    assert connects[0] >= AT_MOST["verify"] + 4, connects[0]  # the pool's four more
