"""pytest plugin: a throwaway PostgreSQL server for the test session.

Register it with ``pytest_plugins = ["tests.conftest_pg"]`` in ``tests/conftest.py``
(or ``-p tests.conftest_pg`` on the command line).

Fixtures:

``pg_server`` (session)
    A ``ThrowawayPostgres(fast=True)``: one server per session (per worker under
    pytest-xdist), stopped and removed at the end.  Use it for roles
    (``pg_server.create_role``) or extra databases.
``pg_database`` (function)
    ``PgConnInfo`` of a fresh, empty database created from ``template0`` for this test
    (copied by ``file_copy``: ``tests.templates.STRATEGY``) and dropped (``WITH (FORCE)``)
    afterwards: ``.dsn``, ``.host``, ``.port``, ``.user``, ``.password``, ``.dbname``,
    ``.eventsourcing_env()``; left for ``seeded`` or ``store_ledger`` to make from a
    template when the ``store`` fixture says so (``tests.templates.reserve_database``).
``pg_dsn`` (function)
    ``pg_database.dsn``: ``postgresql://user:password@127.0.0.1:PORT/dbname``.

Tests that use any of them are marked ``postgres`` (so ``-m "not postgres"`` deselects them).
When PostgreSQL is not installed they are skipped with the reason, except when the ``CI``
environment variable is non-empty: then they fail, so CI cannot go green by skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from tests.pgserver import PgConnInfo, ThrowawayPostgres, in_ci, postgres_available
from tests.templates import LEAVE_UNMADE, STRATEGY, UNMADE, database_name

PG_FIXTURES = frozenset({"pg_server", "pg_database", "pg_dsn"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgres: needs a throwaway PostgreSQL server (started by the tests)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if PG_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)


def _unavailable(reason: str) -> NoReturn:
    if in_ci():
        ci = os.environ.get("CI", "")
        pytest.fail(f"PostgreSQL is required under CI={ci!r} but unavailable: {reason}", False)
    pytest.skip(f"PostgreSQL unavailable: {reason}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[ThrowawayPostgres]:
    ok, reason = postgres_available()
    if not ok:
        _unavailable(reason)
    with ThrowawayPostgres(fast=True) as server:
        yield server


@pytest.fixture
def pg_database(
    pg_server: ThrowawayPostgres, request: pytest.FixtureRequest
) -> Iterator[PgConnInfo]:
    name = database_name(request.node.name)
    if request.node.stash.get(LEAVE_UNMADE, False):  # made when seeded (tests.templates)
        request.node.stash[UNMADE] = (pg_server, name)
        info = pg_server.conninfo(dbname=name)
    else:
        info = pg_server.create_database(name, strategy=STRATEGY)
    yield info
    pg_server.drop_database(name, force=True)


@pytest.fixture
def pg_dsn(pg_database: PgConnInfo) -> str:
    return pg_database.dsn
