"""Asking the server who holds the lock one of this command's sessions waits for (since
session 28; ``ledger.pgwaiting`` keeps the sessions, ``ledger.waiting`` says the note)."""

from __future__ import annotations

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

    def __call__(self) -> Holder | None:
        ours = our_sessions()
        if not ours:
            return None
        try:
            with psycopg.connect(self._conninfo, autocommit=True) as side:
                row = side.execute(BLOCKED, {"ours": ours}).fetchone()
        except psycopg.Error:
            return None  # the server stopped, or refuses another connection: said neutrally
        if row is None:
            return None
        pid, name, locktype, relation = row
        return Holder(int(pid), str(name or ""), str(locktype), relation and str(relation))
