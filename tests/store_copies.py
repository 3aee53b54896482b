"""A ledger built once a module on each store, copied for each test that writes to its own.

A test whose ledger takes seconds to build, and which alters it or writes to it, is given a copy
(since session 33): of the SQLite file, or on PostgreSQL a database created from the built one
as a template. Its ``store`` fixture's fresh location is where the copy goes: the empty
PostgreSQL database made for the test is made anew from the template, under the same name, and
dropped after the test as before.

    @pytest.fixture(scope="module")
    def built(tmp_path_factory, request) -> Iterator[StoreCopies]:
        with StoreCopies.of(tmp_path_factory, request, build) as copies:
            yield copies

    @pytest.fixture
    def mine(store, built, request) -> str:
        built.copy_to(store, request)
        return store
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.pgserver import ThrowawayPostgres
from tests.templates import STRATEGY, copy_sqlite, made_whole


def kind(store: str) -> str:
    """``"postgres"`` or ``"sqlite"``: the kind of store at ``store`` (a DSN or a path)."""
    return "postgres" if store.startswith("postgres") else "sqlite"


@dataclass
class StoreCopies:
    """``build`` run once on each kind of store a test asks for, then copied for each test."""

    folder: Path
    request: pytest.FixtureRequest  # the module's: the server is the session's
    build: Callable[[str], None]  # fills an empty store, given its location (path or DSN)
    built: dict[str, str] = field(default_factory=dict)  # "sqlite" → path, "postgres" → name
    server: ThrowawayPostgres | None = None  # the server holding the template, once built

    @classmethod
    @contextmanager
    def of(
        cls,
        factory: pytest.TempPathFactory,
        request: pytest.FixtureRequest,
        build: Callable[[str], None],
    ) -> Iterator[StoreCopies]:
        copies = cls(factory.mktemp("built"), request, build)
        try:
            yield copies
        finally:
            if copies.server is not None and "postgres" in copies.built:
                copies.server.drop_database(copies.built["postgres"])

    def copy_to(self, store: str, request: pytest.FixtureRequest) -> None:
        """Make ``store``, the test's fresh location from the ``store`` fixture, a copy."""
        of = kind(store)
        if of not in self.built:
            self.built[of] = self._build(of)
        if of == "sqlite":
            copy_sqlite(self.built[of], store)
            return
        assert self.server is not None
        name = request.getfixturevalue("pg_database").dbname
        self.server.drop_database(name)  # the test's fresh, empty database, made anew as a copy
        self.server.create_database(name, template=self.built[of], strategy=STRATEGY)

    def _build(self, of: str) -> str:
        """The built store's path (SQLite) or database name (PostgreSQL); none is left of a
        build that failed, so that the next test builds it again and fails as this one."""
        if of == "sqlite":
            store = built = str(self.folder / "built.db")
        else:
            self.server = self.request.getfixturevalue("pg_server")
            built = f"built_{os.getpid()}_{self.folder.name}"
            store = self.server.create_database(built).dsn
        try:
            self.build(store)
            if of == "sqlite":
                made_whole(Path(built))
        except BaseException:
            if self.server is not None and of == "postgres":
                self.server.drop_database(built)
            else:
                Path(built).unlink(missing_ok=True)
            raise
        return built
