"""Test stores seeded once a worker and copied for each test (since session 33).

The ``seeded`` fixture's records (``tests.support.seed_cases``) and the reference data of the
``ledger`` and ``store_ledger`` fixtures (``tests.support.ledger_at``) took 50-100 ms to seed
on SQLite and 0.3-0.9 s on PostgreSQL, for each of some 3,000 tests. Each is now seeded once
a worker (a test process) into a template, then copied for each test:

- SQLite: the template's file, closed with its write-ahead log folded in (no ``-wal`` or
  ``-shm`` beside it: the file is the whole database), copied to the test's path and given
  the mode SQLite gives a new database (0644 less the umask);
- PostgreSQL: the template database, closed (the ledger's pool with it) and closed to
  connections, from which the test's database is created under the test's own name
  (``CREATE DATABASE … TEMPLATE … STRATEGY file_copy``): the ``store`` fixture leaves the
  database of a test that seeds its store unmade (``reserve_database``).

A copy holds the rows a store seeded for the test would hold, but for the personal data's
encryption, random in each and the same once decoded (tests/cli/test_store_templates.py).
Nothing of a store depends on its path or database name; the recording times come from a
``TickingClock`` started afresh (for ``ledger``/``store_ledger``, the test's ``ticking``, set
to where seeding leaves it).

A template is used only under the conditions it was seeded under: what the ledger reads of
the environment (``Ledger.FROM_ENVIRON``: a signing key, the master key) as the worker
started, and a ``ticking`` clock where the fixture starts it. A test whose fixtures change
either before its store is seeded has its store seeded afresh, as before.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.newstore import umask
from psycopg import sql

from tests.pgserver import PgConnInfo, ThrowawayPostgres
from tests.support import TickingClock, ledger_at, seed_cases

#: What each template holds besides the reference data: nothing (``ledger``,
#: ``store_ledger``), or the ``seeded`` fixture's records.
KINDS: dict[str, Callable[[Ledger], None]] = {"reference": lambda app: None, "seeded": seed_cases}

#: The files SQLite keeps beside a database while it is open.
_SIDE_FILES = ("-wal", "-shm", "-journal")

#: How a test's database is copied from its template (and ``pg_database``'s from template0).
#: On the throwaway server (fsync off, on /dev/shm), session 33, 25 of each, interleaved, on
#: a loaded 2-core machine: from template0 44 ms (median) against 62 ms by ``wal_log``
#: (PostgreSQL 15's default); from a seeded template 54 ms against 69 ms. ``file_copy``
#: checkpoints the server, which holds little here.
STRATEGY = "file_copy"

#: A database named for the test on its server, not made yet: the fixture that seeds the
#: test's store makes it (``StoreTemplates.made``).
UNMADE = pytest.StashKey[tuple[ThrowawayPostgres, str]]()

_counter = itertools.count(1)


def database_name(test_name: str) -> str:
    """A database's name for the test ``test_name``, unique on the worker's server."""
    stem = re.sub(r"[^a-z0-9_]+", "_", test_name.lower()).strip("_")[:40]
    return f"t{next(_counter)}_{os.getpid()}_{stem}"[:63]


#: Set by the ``store`` fixture for a test whose store a fixture seeds from a template:
#: ``pg_database`` then names the test's database but leaves it unmade (``UNMADE``).
LEAVE_UNMADE = pytest.StashKey[bool]()


def reserve_database(request: pytest.FixtureRequest) -> str:
    """The DSN of the test's ``pg_database``, left unmade for the fixture that seeds the
    test's store to make (from its template, or empty: ``UNMADE``) and dropped after the test
    as ``pg_database``'s is; a fixture that asks for ``pg_database`` later gets the same."""
    request.node.stash[LEAVE_UNMADE] = True
    info: PgConnInfo = request.getfixturevalue("pg_database")
    return info.dsn


@dataclass(frozen=True)
class Template:
    """A store seeded once: ``where`` (the SQLite file, or the PostgreSQL database's name)
    and the time its ``TickingClock`` had reached when seeding ended."""

    where: str
    clock_after: datetime


def _conditions() -> tuple[str | None, ...]:
    """What the ledger reads of the environment (a signing key, the master key)."""
    return tuple(os.environ.get(name) for name in Ledger.FROM_ENVIRON)


def decoded(store: str) -> list[tuple[int, Any]]:
    """Every event of ``store`` as the ledger reads it, decrypted, by notification id."""
    app = open_ledger(store)
    try:
        stored = app.recorder.select_notifications(start=None, limit=10_000)
        return [(n.id, app.mapper.to_domain_event(n)) for n in stored]
    finally:
        app.close()


def _seed(kind: str, store: str) -> datetime:
    """``store`` (not made yet) seeded as ``kind`` on a clock started afresh; where the clock
    is when seeding ends."""
    ticking = TickingClock()
    with ledger_at(store, ticking) as app:
        KINDS[kind](app)
    return ticking.current


class StoreTemplates:
    """The templates of one worker: SQLite's seeded when made, PostgreSQL's on first use."""

    def __init__(self, folder: Path) -> None:
        self.conditions = _conditions()
        self._sqlite = {kind: self._sqlite_template(folder, kind) for kind in KINDS}
        self._postgres: dict[tuple[ThrowawayPostgres, str], Template] = {}

    def applies(self, ticking: TickingClock | None = None) -> bool:
        """Whether a copy would hold what seeding now would: the environment the ledger
        reads is the one the templates were seeded under, and ``ticking`` (the clock a
        fixture seeds on) starts where a new ``TickingClock`` does."""
        return _conditions() == self.conditions and (ticking is None or ticking == TickingClock())

    def made(self, kind: str, store: str, node: pytest.Item, ticking: TickingClock | None) -> bool:
        """Make ``store`` (a SQLite path, or the DSN of the database the ``store`` fixture
        left unmade for ``node``) a copy of the ``kind`` template if ``applies``, setting
        ``ticking`` where seeding left its clock; False when the caller must seed it afresh
        (the database then made empty, as ``pg_database`` makes it)."""
        if store.startswith("postgresql://"):
            unmade = node.stash.get(UNMADE, None)
            if unmade is None:
                return False  # a database made already: seeded as before
            del node.stash[UNMADE]
            server, name = unmade
            assert server.dsn_for(dbname=name) == store, (store, name)
            if not self.applies(ticking):
                server.create_database(name, strategy=STRATEGY)
                return False
            template = self._postgres_template(server, kind)
            server.create_database(name, template=template.where, strategy=STRATEGY)
        else:
            path = Path(store)
            if not self.applies(ticking) or any(_exists(store + s) for s in ("", *_SIDE_FILES)):
                return False
            template = self._sqlite[kind]
            copy_sqlite(template.where, path)
        if ticking is not None:
            ticking.current = template.clock_after
        return True

    @contextmanager
    def ledger_at(self, store: str, ticking: TickingClock, node: pytest.Item) -> Iterator[Ledger]:
        """``tests.support.ledger_at(store, ticking)``: a ledger holding the reference data,
        on ``ticking`` while it is open, closed afterwards; its store a copy of the reference
        template when one ``applies``."""
        if not self.made("reference", store, node, ticking):
            with ledger_at(store, ticking) as seeded:
                yield seeded
            return
        with clock.using_clock(ticking):
            app = open_ledger(store, create=True)
            try:
                yield app
            finally:
                app.close()

    @staticmethod
    def _sqlite_template(folder: Path, kind: str) -> Template:
        path = folder / f"{kind}.db"
        clock_after = _seed(kind, str(path))
        made_whole(path)
        return Template(str(path), clock_after)

    def _postgres_template(self, server: ThrowawayPostgres, kind: str) -> Template:
        made = self._postgres.get((server, kind))
        if made is None:
            name = f"template_{kind}_{os.getpid()}"
            info = server.create_database(name, strategy=STRATEGY)
            made = Template(name, _seed(kind, info.dsn))
            # Seeded in a test, not as the worker started, as SQLite's was: whatever that
            # test's fixtures changed beforehand must not have changed what it holds.
            assert decoded(info.dsn) == decoded(self._sqlite[kind].where), (
                f"the {kind} template on PostgreSQL holds other events than on SQLite: a fixture "
                "of the first test to ask for it changed what seeding records; that test must "
                "seed its store itself (tests.cli.conftest.seed, tests.support.ledger_at)"
            )
            # The ledger and its pool are closed; no session may connect to it again (CREATE
            # DATABASE … TEMPLATE refuses a template another session is connected to).
            with server.connect(dbname="postgres") as conn:
                alter = "ALTER DATABASE {} WITH ALLOW_CONNECTIONS false"
                conn.execute(sql.SQL(alter).format(sql.Identifier(name)))
            self._postgres[(server, kind)] = made
        return made


def made_whole(path: Path) -> None:
    """A closed SQLite store made one file, to be copied: closing the ledger's last connection
    folds its write-ahead log into the file; a checkpoint makes sure of it."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    left = [f"{path}{s}" for s in _SIDE_FILES if _exists(f"{path}{s}")]
    assert not left, f"the store is not whole without {left}"


def copy_sqlite(template: str | Path, path: str | Path) -> None:
    """``path`` a copy of the whole SQLite store ``template`` (``made_whole``), with the mode
    SQLite gives a new database."""
    shutil.copyfile(template, path)
    os.chmod(path, 0o644 & ~umask())


def _exists(path: str) -> bool:
    return os.path.lexists(path)
