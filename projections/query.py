"""Analysts' SQL 查询: one read-only SELECT over the read models, never a write.

Three locks: the statement must be a single ``SELECT`` or ``WITH`` (checked before it runs),
the file is opened with ``mode=ro``, and ``PRAGMA query_only`` is on, so even a write hidden
in a ``WITH`` fails and the store stays unchanged.
"""

from __future__ import annotations

from typing import Any

from ledger.application import Ledger

from projections.storage import Measure, QueryError, open_readonly, run_readonly

__all__ = ["Measure", "QueryError", "run_query"]


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
    if statement.split(None, 1)[0].upper() not in ("SELECT", "WITH"):
        raise QueryError("sql", "read-only: only a SELECT (or WITH ... SELECT) statement runs")
    db = open_readonly(ledger.location)
    try:
        return run_readonly(db, statement, measure)
    finally:
        db.close()
