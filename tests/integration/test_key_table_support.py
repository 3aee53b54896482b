"""Helpers of the key table tests: hold the key table's lock as another writer would, read
and change the key table as someone with the officers' rights could (no test here)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from ledger.application import Ledger
from ledger.privacy import KEY_TABLE

from tests.support import register, reopen

#: A process without the master key.
NO_MASTER_KEY = {"LEDGER_MASTER_KEY": "", "LEDGER_MASTER_KEY_FILE": ""}


def register_households(app: Ledger, count: int = 3) -> Ledger:
    """Households JH-0001 … registered, each with its key row."""
    for serial in range(1, count + 1):
        register(app, f"JH-{serial:04d}", serial=serial)
    return app


def hid(app: Ledger, number: str) -> str:
    """The household's aggregate id, as its key row names it."""
    return str(app.household(number).id)


def dsn(app: Ledger) -> str:
    from projections.pg import store_url

    assert app.location is not None
    return store_url(app.location)


def is_sqlite(app: Ledger) -> bool:
    assert app.location is not None
    return app.location.kind == "sqlite"


@contextmanager
def key_table_locked(app: Ledger) -> Iterator[Any]:
    """Another session holding the key table's write lock (as ``keys rotate-master`` does, or
    ``LOCK TABLE household_keys IN EXCLUSIVE MODE``) until the block ends or it is released:
    the session is given to the block (``release(session)`` ends it early)."""
    if is_sqlite(app):
        assert app.location is not None
        assert app.location.path is not None
        holder: Any = sqlite3.connect(
            app.location.path, isolation_level=None, check_same_thread=False
        )
        holder.execute("BEGIN IMMEDIATE")
    else:
        holder = psycopg.connect(dsn(app))
        holder.execute(f"LOCK TABLE {KEY_TABLE} IN EXCLUSIVE MODE")
    try:
        yield holder
    finally:
        release(holder)
        holder.close()


def release(holder: Any) -> None:
    holder.rollback()


def short_lock_timeout(app: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """Another process on ``app``'s store whose lock waits last one second, not 5-10."""
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    monkeypatch.setenv("PGOPTIONS", "")  # set again by open_ledger, restored afterwards
    return reopen(app)


def key_row(app: Ledger, household: str) -> tuple[str | None, str | None]:
    """(wrapped_key, destroyed_at) of the household's key, read straight from the table."""
    with app.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            _sql(app, f"SELECT wrapped_key, destroyed_at FROM {KEY_TABLE} WHERE household_id = ?"),
            (household,),
        )
        row = cursor.fetchone()
    assert row is not None, household
    return row["wrapped_key"], row["destroyed_at"]


def change_key_row(app: Ledger, statement: str, params: tuple[Any, ...]) -> None:
    """An UPDATE of the key table made outside the ledger (``?`` placeholders)."""
    with app.recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
        cursor.execute(_sql(app, statement), params)


def _sql(app: Ledger, statement: str) -> str:
    return statement if is_sqlite(app) else statement.replace("?", "%s")
