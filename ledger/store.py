"""Where the ledger lives: a SQLite file by default, or a PostgreSQL database.

``--store`` / ``LEDGER_STORE`` takes a path (``fupin.db``), ``sqlite:///path``, ``:memory:``
or ``postgresql://user:pass@host:port/db``; this module turns it into eventsourcing's settings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ledger.errors import InputError

__all__ = ["DEFAULT_STORE", "StoreLocation", "parse_store"]

DEFAULT_STORE = "fupin.db"


@dataclass(frozen=True)
class StoreLocation:
    """A parsed store: its kind, what to show users (no password) and eventsourcing's env."""

    kind: str  # "sqlite" or "postgres"
    display: str
    env: dict[str, str]
    path: Path | None = None  # the SQLite file, if any


def parse_store(text: str | None) -> StoreLocation:
    """Parse ``--store`` (or ``LEDGER_STORE``, or the default ``fupin.db``)."""
    value = (text or os.environ.get("LEDGER_STORE") or DEFAULT_STORE).strip()
    if value.startswith(("postgresql://", "postgres://")):
        return _postgres(value)
    if value.startswith("sqlite://"):
        value = value.removeprefix("sqlite://").removeprefix("/") or ":memory:"
    if value == ":memory:":
        return StoreLocation("sqlite", value, _sqlite_env(value), None)
    path = Path(value)
    return StoreLocation("sqlite", str(path), _sqlite_env(str(path)), path)


def lock_timeout(default: str = "10") -> str:
    """Seconds to wait for another writer's lock (``LEDGER_LOCK_TIMEOUT``), never forever."""
    value = os.environ.get("LEDGER_LOCK_TIMEOUT", default).strip()
    if not value.isdigit() or int(value) < 1:
        raise InputError("LEDGER_LOCK_TIMEOUT", f"{value!r} is not a whole number of seconds >= 1")
    return value


def _sqlite_env(dbname: str) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": dbname,
        # How long to wait for another writer before refusing (seconds).
        "SQLITE_LOCK_TIMEOUT": lock_timeout(),
        # eventsourcing's recorder, an aggregate loaded in one statement (sqliterecorder.py).
        "APPLICATION_RECORDER_TOPIC": "ledger.sqliterecorder:LedgerSQLiteRecorder",
        "CREATE_TABLE": "y",
    }


def _postgres(url: str) -> StoreLocation:
    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    if not parts.hostname or not dbname:
        raise InputError("store", "a PostgreSQL store is postgresql://user:pass@host:port/db")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        # eventsourcing's recorder, inserting outside pipeline mode (ledger/pgrecorder.py).
        "APPLICATION_RECORDER_TOPIC": "ledger.pgrecorder:LedgerPostgresRecorder",
        "POSTGRES_DBNAME": unquote(dbname),
        "POSTGRES_HOST": parts.hostname,
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or ""),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        # Never wait forever: a held lock or a dead server becomes a clear error.
        "POSTGRES_LOCK_TIMEOUT": lock_timeout("5"),
        "POSTGRES_CONNECT_TIMEOUT": os.environ.get("LEDGER_CONNECT_TIMEOUT", "5"),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "30",
        "CREATE_TABLE": "y",
    }
    shown = f"postgresql://{parts.username or ''}@{parts.hostname}:{parts.port or 5432}/{dbname}"
    return StoreLocation("postgres", shown, env, None)
