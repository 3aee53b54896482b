"""The ledger application 扶贫台账: every command officers run, every query on stored events.

``Ledger`` composes one command class per area (reference data, casework, funds, oversight)
over ``LedgerCore``. Open it with ``open_ledger(store)`` and close it when done.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3  # noqa: TID251 - only to recognise the driver's errors when opening a store
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from ledger.casework import CaseworkCommands
from ledger.errors import LedgerError
from ledger.funding import FundCommands
from ledger.notice import PrivacyCommands
from ledger.oversight import OversightCommands
from ledger.pgwaiting import forget_sessions
from ledger.reading import ReadingQueries
from ledger.reference import ReferenceCommands
from ledger.store import (
    SERVER_CLOSED,
    SERVER_CLOSED_SAID,
    SQLITE_CANTOPEN,
    SQLITE_LOCKED,
    busy_hint,
    disk_full,
    parse_store,
    path_problem,
    read_only,
)

__all__ = [
    "CREATING_MEANWHILE",
    "Ledger",
    "NoLedgerError",
    "StoreError",
    "creating_meanwhile",
    "not_a_ledger",
    "open_ledger",
]


class StoreError(LedgerError):
    """The store cannot be opened (missing file, unreachable server, bad credentials)."""


class NoLedgerError(StoreError):
    """The store holds no ledger: an empty file, another program's database, a PostgreSQL
    database without the ledger's tables. ``found`` says what it is; the rule adds what to do
    about it as ``--store`` (``advice``: ``fupin init``), which another option naming a
    store says its own way (``restore --replaces``, since session 30)."""

    def __init__(self, found: str, advice: str) -> None:
        super().__init__("store", f"{found}{advice}")
        self.found = found


class Ledger(
    ReferenceCommands,
    CaseworkCommands,
    FundCommands,
    OversightCommands,
    PrivacyCommands,
    ReadingQueries,
):
    """The audit ledger of the Jianghai targeted poverty-alleviation programme."""


def open_ledger(
    store: str | None = None, *, create: bool = False, extra_env: dict[str, str] | None = None
) -> Ledger:
    """Open the ledger at ``store`` (path or URL). A missing SQLite file is an error unless
    ``create`` (``fupin init``); connection failures become a one-line ``StoreError``."""
    location = parse_store(store)  # a path the system cannot look up is refused there
    if location.path is not None and not create:
        try:
            size: int | None = location.path.stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            size = None
        except OSError as exc:
            problem = path_problem(location.path, exc)
            raise StoreError("store", f"cannot read {location.display}: {problem}") from None
        if size is None:
            raise StoreError("store", f"{location.display} does not exist; run `fupin init` first")
        if size == 0:
            raise NoLedgerError(f"{location.display} is empty, not a ledger", "; run `fupin init`")
    if location.path is not None and create and not _exists(location.path.parent):
        raise StoreError("store", f"folder {location.path.parent} does not exist")
    if location.path is not None:
        _check_sqlite_file(location.path, location.display, create)
    env: dict[str, Any] = {**location.env, **(extra_env or {})}
    if not create:
        # Only `fupin init` creates tables: officers' roles hold no DDL rights (operations.md),
        # and an empty SQLite file must not become half a ledger (no programme, no admin).
        env["CREATE_TABLE"] = "n"
    if location.kind == "postgres":
        bound_every_lock_wait(location.env["POSTGRES_LOCK_TIMEOUT"])
        forget_sessions()  # this command's sessions, whose lock waits are said
        if not env["POSTGRES_PASSWORD"]:
            # eventsourcing always passes a password, and an empty one would override libpq's
            # PGPASSWORD (~/.pgpass is still read when it is empty).
            env["POSTGRES_PASSWORD"] = os.environ.get("PGPASSWORD", "")
    try:
        if create and location.path is not None:
            _journal_in_wal(location.path, float(location.env["SQLITE_LOCK_TIMEOUT"]))
        ledger = Ledger(env=env)
    except (sqlite3.Error, OSError) as exc:
        full = disk_full(str(exc), location.path, location.display)
        if full is not None:
            raise StoreError("store", f"{full}: {NOT_DAMAGED_BUT_FULL}") from None
        raise StoreError("store", f"cannot open {location.display}: {exc}") from None
    except Exception as exc:  # the PostgreSQL driver's errors, without importing it here
        if create and location.kind == "postgres" and creating_meanwhile(str(exc)):
            # Two inits, demos or restores at once into one empty database: both saw no
            # table, and the server refused the second CREATE TABLE of the same name.
            raise StoreError("store", f"{location.display}: {CREATING_MEANWHILE}") from None
        reason = _one_line(exc)
        if SERVER_CLOSED in reason:  # the pool's "consuming input failed: …" (since session 26)
            said = f"cannot open {location.display}: {SERVER_CLOSED_SAID}"
            raise StoreError("store", said) from None
        raise StoreError(
            "store", f"cannot open {location.display}: {reason}{busy_hint(reason)}"
        ) from None
    ledger.location = location
    if location.kind == "sqlite" and not create:
        try:
            ledger.recorder.max_notification_id()
        except Exception as exc:  # eventsourcing's OperationalError, DatabaseError...
            ledger.close()
            if "no such table" in str(exc):
                raise not_a_ledger(location.display) from None
            # A folder that may not be written: SQLite could not make its -wal and -shm
            # ("unable to open database file" on a read-only mount, since session 26: tester B).
            cannot = read_only(exc) or SQLITE_CANTOPEN in str(exc)
            if cannot and location.path is not None:
                folder = location.path.parent
                if not os.access(folder, os.W_OK):
                    raise StoreError(
                        "store",
                        f"cannot read {location.display}: its folder {folder} is read-only (a "
                        "read-only mount or share, or the folder's mode), and SQLite writes its "
                        "-wal and -shm files beside the store: make the folder writable, or "
                        "copy the store to one that is",
                    ) from None
            full = disk_full(str(exc), location.path, location.display)
            if full is not None:  # no room for the -shm: not damaged (tester B, session 26)
                raise StoreError("store", f"{full}: {NOT_DAMAGED_BUT_FULL}") from None
            raise StoreError("store", f"cannot read {location.display}: {_one_line(exc)}") from None
    return ledger


def _check_sqlite_file(path: Path, shown: str, create: bool) -> None:
    """Refuse a folder given as the store, and (``fupin init``) a SQLite file that another
    program's tables fill: ``init`` made its events table beside them, and the first report
    thirty read-model tables (a tester's ``crm.db``)."""
    if path.is_dir():
        raise StoreError("store", f"{shown} is a folder, not a store: name the ledger's file")
    if not create or not _exists(path) or path.stat().st_size == 0:
        return
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            tables = [name for (name,) in db.execute(_TABLES)]
    except sqlite3.Error:
        return  # not a SQLite file: opening it says so
    if tables and _EVENTS_TABLE not in tables:
        others = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
        raise StoreError(
            "store",
            f"{shown} holds another program's tables ({others}), not a ledger: `fupin init` "
            "makes a ledger in a new file",
        )


def _journal_in_wal(path: Path, timeout: float) -> None:
    """Put a new SQLite store in WAL mode, as eventsourcing's recorder would, waiting up to
    ``timeout`` seconds for the other processes making it at the same moment. SQLite refuses
    a switch to WAL that meets another connection's lock at once ("database is locked"),
    without the busy wait every other write has: of six `fupin init` on one empty file, one
    could fail so before it had read a thing (CI, session 35). Once one switch is made, the
    others read "wal" and make none, here or in the recorder."""
    deadline = time.monotonic() + timeout
    with closing(sqlite3.connect(path, isolation_level=None, timeout=timeout)) as db:
        while db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            try:
                db.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError as exc:
                if SQLITE_LOCKED not in str(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(random.uniform(0.002, 0.02))  # apart, not again together


#: The tables of a SQLite file, by name.
_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
#: eventsourcing's events table in a SQLite store (``SQLiteApplicationRecorder``'s default).
_EVENTS_TABLE = "stored_events"


#: Said of a SQLite store that could not be opened for want of room on its disk (SQLite makes
#: a 32 KiB -shm file beside it first): it is whole, and a backup restored would lose records.
NOT_DAMAGED_BUT_FULL = (
    "SQLite could not make its -shm and -wal files beside the store; the store is not damaged "
    "(restore no backup: it would lose the records made since): free space on that disk, then "
    "run the command again"
)


#: Said when another process made the ledger's tables while this one was making them too.
CREATING_MEANWHILE = "another process is creating this ledger right now; look at it, then try again"

#: How PostgreSQL refuses the loser of two transactions creating the same tables at once:
#: CREATE TABLE IF NOT EXISTS looks before it waits, so it ends on the catalogue's unique
#: indexes (of type and relation names), or finds the catalogue row changed under it; a
#: plain CREATE TABLE (pg_restore's) finds the relation there.
_CREATION_RACE = re.compile(
    r'unique constraint "pg_(?:type_typname|class_relname)_nsp_index"'
    r"|tuple concurrently updated"
    r'|relation "[^"]*" already exists'
)


def creating_meanwhile(message: str) -> bool:
    """Whether the server's ``message`` says another transaction created the same tables
    meanwhile (``CREATING_MEANWHILE``), rather than any other failure."""
    return _CREATION_RACE.search(message) is not None


def _exists(path: Path) -> bool:
    try:
        path.stat()
    except OSError:  # missing, or a path the system cannot look up
        return False
    return True


def not_a_ledger(shown: str) -> NoLedgerError:
    """The refusal of the store ``shown`` that holds no ledger's events table (``cli.common``
    checks a SQLite file before opening)."""
    return NoLedgerError(
        f"{shown} is not a fupin ledger (no events table)",
        ": check --store; `fupin init` makes one",
    )


def bound_every_lock_wait(seconds: str) -> None:
    """eventsourcing bounds the lock wait of its inserts only; a read or a read model's update
    behind another session's lock would wait forever. libpq reads ``PGOPTIONS`` for every
    connection this process opens, so every statement gets a bounded ``lock_timeout`` too.
    eventsourcing retries a failed statement up to 10 times, so each try gets a tenth of
    ``LEDGER_LOCK_TIMEOUT`` and the whole wait stays near it (docs/operations.md)."""
    setting = f"-c lock_timeout={int(seconds) * 100}"
    others = re.sub(r"-c\s*lock_timeout=\S+", "", os.environ.get("PGOPTIONS", "")).strip()
    os.environ["PGOPTIONS"] = f"{others} {setting}".strip()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
