"""Analysts' SQL 查询: one read-only SELECT over the read models, never a write.

Three locks: the statement must be a single ``SELECT`` or ``WITH`` (checked before it runs,
after any comments it begins with), the file is opened with ``mode=ro``, and ``PRAGMA
query_only`` is on, so even a write hidden in a ``WITH`` fails and the store stays unchanged.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from typing import Any

from ledger.application import Ledger

from projections.storage import Measure, QueryError, open_readonly, run_readonly

__all__ = ["Measure", "QueryError", "run_query"]

_READ_ONLY = "read-only: only a SELECT (or WITH ... SELECT) statement runs"

#: The words a statement of SQLite or PostgreSQL may begin with, other than SELECT and WITH:
#: refused as writes (or commands) are, before anything runs. A first word not among them
#: begins no statement at all (``selec 1``): refused with SQLite's own syntax error.
STATEMENT_WORDS = frozenset(
    (
        *("ABORT", "ALTER", "ANALYZE", "ANALYSE", "ATTACH", "BEGIN", "CALL", "CHECKPOINT"),
        *("CLOSE", "CLUSTER", "COMMENT", "COMMIT", "COPY", "CREATE", "DEALLOCATE", "DECLARE"),
        *("DELETE", "DETACH", "DISCARD", "DO", "DROP", "END", "EXECUTE", "EXPLAIN", "FETCH"),
        *("GRANT", "IMPORT", "INSERT", "LISTEN", "LOAD", "LOCK", "MERGE", "MOVE", "NOTIFY"),
        *("PRAGMA", "PREPARE", "REASSIGN", "REFRESH", "REINDEX", "RELEASE", "REPLACE", "RESET"),
        *("REVOKE", "ROLLBACK", "SAVEPOINT", "SECURITY", "SET", "SHOW", "START", "TABLE"),
        *("TRUNCATE", "UNLISTEN", "UPDATE", "VACUUM", "VALUES"),
    )
)

#: Whitespace as SQLite and PostgreSQL read it between tokens.
_SPACE = " \t\n\r\f\v"
_FIRST_WORD = re.compile(r"\w+")


def run_query(
    ledger: Ledger, sql: str, measure: Measure | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of ``sql``; refuses anything but a single SELECT/WITH. Its rows
    are fetched a batch at a time, each given to ``measure`` (which refuses an answer past
    its bounds: ``cli.query.Bounds``) before the next is fetched."""
    statement = sql.strip().rstrip(";").strip()
    if not statement:
        raise QueryError("sql", "give one SELECT statement")
    if ";" in statement:
        raise QueryError("sql", "one statement only: no ';' inside the query")
    location = ledger.location
    nested = location is not None and location.kind == "postgres"
    body = after_comments(statement, nested=nested)
    if not body:
        raise QueryError("sql", "give one SELECT statement (the query holds only comments)")
    first = _FIRST_WORD.match(body)
    word = first[0].upper() if first else ""
    if word not in ("SELECT", "WITH"):
        if first is not None and word not in STATEMENT_WORDS:
            raise QueryError("sql", syntax_error(body))
        raise QueryError("sql", _READ_ONLY)
    db = open_readonly(location)
    try:
        return run_readonly(db, statement, measure)
    finally:
        db.close()


def after_comments(sql: str, *, nested: bool) -> str:
    """``sql`` from its first token on: past the whitespace and comments it begins with
    (``-- …`` to the end of its line, ``/* … */``; ``nested``: as in PostgreSQL, where a
    ``/*`` inside a comment opens another and a carriage return ends a line). An unclosed
    comment runs to the end, as both stores read it."""
    i, n = 0, len(sql)
    while True:
        while i < n and sql[i] in _SPACE:
            i += 1
        if sql.startswith("--", i):
            # SQLite ends it at a line feed only; PostgreSQL at a carriage return too.
            ends = [e for e in (sql.find("\n", i), sql.find("\r", i) if nested else -1) if e >= 0]
            i = min(ends) + 1 if ends else n
        elif sql.startswith("/*", i):
            depth, i = 1, i + 2
            while depth and i < n:
                if nested and sql.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            if depth:
                return ""
        else:
            return sql[i:]


def syntax_error(sql: str) -> str:
    """What SQLite says of ``sql``, a text that begins no statement, parsed in a private,
    empty in-memory database that authorizes nothing (so nothing it could say runs)."""
    with closing(sqlite3.connect(":memory:")) as parser:
        parser.set_authorizer(lambda *_: sqlite3.SQLITE_DENY)
        try:
            parser.execute(sql)
        except sqlite3.Error as exc:
            said = (str(exc).strip().splitlines() or [""])[0]
            if "syntax error" in said or "unrecognized token" in said:
                return said
    return _READ_ONLY
