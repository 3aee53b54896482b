"""Asking the server who holds the lock one of this command's sessions waits for (since
session 28; ``ledger.pgwaiting`` keeps the sessions, ``ledger.waiting`` says the note).

The probe keeps its one connection from one question to the next and closes it as the command
ends (since session 33: it connected anew every second a command ran, six connections for a
``report html`` of ten seconds that waited for nothing: tester d, F5)."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import psycopg
from ledger.pgwaiting import BLOCKED, our_sessions
from ledger.waiting import Holder
from psycopg.conninfo import make_conninfo

__all__ = ["SessionProbe"]


class SessionProbe:
    """Called from the waiting note's watcher: who holds what one of this command's sessions
    waits for, or ``None`` (none waits, or the server cannot be asked)."""

    def __init__(self, env: dict[str, str]) -> None:
        password = env.get("POSTGRES_PASSWORD") or ""
        self._conninfo = make_conninfo(
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            dbname=env["POSTGRES_DBNAME"],
            user=env["POSTGRES_USER"],
            **({"password": password} if password else {}),
            connect_timeout="2",
            application_name="fupin (watching its own lock waits)",
            options="-c lock_timeout=1000 -c statement_timeout=2000",
        )

        self._side: psycopg.Connection[Any] | None = None
        self._lock = threading.Lock()  # one question at a time, and the close after it
        self._closed = False

    def __call__(self) -> Holder | None:
        ours = our_sessions()
        if not ours:
            return None
        with self._lock:
            if self._closed:
                return None
            try:
                if self._side is None or self._side.closed:
                    self._side = psycopg.connect(self._conninfo, autocommit=True)
                row = self._side.execute(BLOCKED, {"ours": ours}).fetchone()
            except psycopg.Error:
                # the server stopped, or refuses another connection: said neutrally, and
                # connected anew at the next question
                self._drop()
                return None
            finally:
                if self._closed:  # closed while this question was asked: closed now
                    self._drop()
        if row is None:
            return None
        pid, name, locktype, relation = row
        return Holder(int(pid), str(name or ""), str(locktype), relation and str(relation))

    def close(self) -> None:
        """The command ends: its connection closed (by the question under way, if one is
        and does not end within half a second)."""
        self._closed = True
        if self._lock.acquire(timeout=0.5):
            try:
                self._drop()
            finally:
                self._lock.release()

    def _drop(self) -> None:
        side, self._side = self._side, None
        if side is not None:
            with contextlib.suppress(psycopg.Error):  # already gone with the server
                side.close()
