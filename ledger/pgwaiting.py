"""Who holds the lock a PostgreSQL command waits for (since session 28): the sessions.

A command's sessions (the ledger's pool, the read models' connection) register their server
pids here as they connect. Once a command has run a second, another short-lived connection
(``projections.pg_waits``: the ledger keeps out of the driver) asks the server, about once a
second, whether one of those sessions waits for a lock, and whose: ``pg_blocking_pids()``,
``pg_locks`` and ``pg_stat_activity`` (whose ``application_name`` every role may read; fupin
names its sessions ``fupin <command>``). Before, only a save or the read models' advisory
lock armed the waiting note, and a report behind another session's
``LOCK TABLE pj_tracking`` waited 3.7 s saying nothing (tester G, session 28).
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["BLOCKED", "SESSION_NAME", "forget_sessions", "our_sessions", "register_session"]

#: What this process's sessions are named on the server (``application_name``): the command
#: line sets ``fupin <command>`` (``fupin report caseload``) as a command begins.
SESSION_NAME = ["fupin"]
#: The server pids of this process's sessions (any store; cleared as a ledger opens).
_OURS: set[int] = set()
_OURS_LOCK = threading.Lock()

#: One waiting session of ours, what it waits on and who holds it (another session's).
BLOCKED = """
SELECT b.pid, b.application_name, w.locktype, w.relation::regclass::text
FROM pg_locks AS w
CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker(pid)
LEFT JOIN pg_stat_activity AS b ON b.pid = blocker.pid
WHERE w.pid = ANY(%(ours)s) AND NOT w.granted AND NOT blocker.pid = ANY(%(ours)s)
ORDER BY w.relation IS NULL, b.pid
LIMIT 1
"""


def register_session(connection: Any) -> None:
    """Count ``connection`` (a psycopg connection) among this command's sessions."""
    with _OURS_LOCK:
        _OURS.add(int(connection.info.backend_pid))


def forget_sessions() -> None:
    with _OURS_LOCK:
        _OURS.clear()


def our_sessions() -> list[int]:
    with _OURS_LOCK:
        return sorted(_OURS)
