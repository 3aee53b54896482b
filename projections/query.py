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

from projections.storage import READ_ONLY, Measure, QueryError, open_readonly, run_readonly

__all__ = ["Measure", "QueryError", "run_query"]

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
#: What an editor writes unseen before a statement or after it: a byte-order mark (Windows
#: Notepad saves a .sql file with one), zero-width spaces and joiners pasted from a web page,
#: among blanks. Read as nothing there (since session 35, tester d: a SELECT after a BOM was
#: refused as a write, `read-only: only a SELECT … runs`); within a statement they are the
#: store's to read.
_UNSEEN_CHARS = "\ufeff\u200b\u200c\u200d\u2060\u3000"
_UNSEEN = re.compile(f"^[\\s{_UNSEEN_CHARS}]+|[\\s{_UNSEEN_CHARS}]+$")


def run_query(
    ledger: Ledger, sql: str, measure: Measure | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of ``sql``; refuses anything but a single SELECT/WITH. Its rows
    are fetched a batch at a time, each given to ``measure`` (which refuses an answer past
    its bounds: ``cli.query.Bounds``) before the next is fetched."""
    location = ledger.location
    nested = location is not None and location.kind == "postgres"
    statement = one_statement(_UNSEEN.sub("", sql), nested=nested).strip()
    if not statement:
        raise QueryError("sql", "give one SELECT statement")
    body = after_comments(statement, nested=nested)
    if not body:
        raise QueryError("sql", "give one SELECT statement (the query holds only comments)")
    # Run from its first token: what an editor wrote unseen after a leading comment is no
    # token to the store (re-tester r, session 35: `-- …⏎<ZWSP>SELECT …` was refused).
    statement = body
    # A parenthesised read is a read (``(select 1)``; tester, session 24: it was refused as a
    # write): past its opening parentheses, and any comments between them.
    while body.startswith("("):
        body = after_comments(body[1:], nested=nested)
    first = _FIRST_WORD.match(body)
    word = first[0].upper() if first else ""
    if word not in ("SELECT", "WITH"):
        if first is not None and word not in STATEMENT_WORDS:
            raise QueryError("sql", syntax_error(body))
        raise QueryError("sql", READ_ONLY)
    db = open_readonly(location)
    try:
        return run_readonly(db, statement, measure)
    finally:
        db.close()


def one_statement(sql: str, *, nested: bool) -> str:
    """``sql`` up to the ``;`` that ends its statement, if any: one inside a string
    (``'a;b'``, ``''`` its quote; on PostgreSQL ``E'…'`` and ``$tag$…$tag$`` too), a quoted
    name (``"a;b"``; on SQLite ``[a;b]`` and backquotes too) or a comment is no end. After it
    only blanks, comments and more ``;`` may come; anything else is a second statement,
    refused (since session 24; before, any ``;`` was, ``group_concat(street, ';')`` too)."""
    end = _statement_end(sql, nested=nested)
    if end is None:
        return sql
    rest = sql[end:]
    while rest.startswith(";"):
        rest = after_comments(rest[1:], nested=nested)
    if rest:
        raise QueryError(
            "sql", "one statement only: a ';' ends it, and only blanks and comments may follow"
        )
    return sql[:end]


#: What opens a string, a quoted name or a comment, or ends a statement, in SQLite and in
#: PostgreSQL: a ``'`` string or ``"`` name, ``--`` and ``/*`` comments, ``;``, and either
#: store's own (SQLite's ``[name]`` and ``\`name\```, PostgreSQL's ``E'…'`` and ``$tag$…$tag$``).
_OPENER = {
    False: re.compile(r"--|/\*|[';\"`\[]"),
    True: re.compile(r"--|/\*|(?<![\w$])[eE]'|(?<![\w$])\$(?:[^\W\d]\w*)?\$|[';\"]"),
}


def _statement_end(sql: str, *, nested: bool) -> int | None:
    """Where the first ``;`` outside strings, quoted names and comments is (None: nowhere)."""
    i = 0
    while (found := _OPENER[nested].search(sql, i)) is not None:
        token, start = found[0], found.start()
        if token == ";":
            return start
        if token in ("--", "/*"):
            i = len(sql) - len(after_comments(sql[start:], nested=nested))
        else:
            i = _quoted_end(sql, start, token)
    return None


#: The character that closes what each opener opens (a ``$tag$`` closes itself).
_CLOSER = {"'": "'", "e'": "'", '"': '"', "`": "`", "[": "]"}


def _quoted_end(sql: str, start: int, token: str) -> int:
    """Where the string or quoted name opened by ``token`` at ``start`` ends (its end when
    unclosed): a doubled closer is one of its characters; in ``E'…'`` a backslash escapes."""
    if token.startswith("$"):
        end = sql.find(token, start + len(token))
        return len(sql) if end == -1 else end + len(token)
    closer, backslashes = _CLOSER[token.lower()], token in ("e'", "E'")
    i = start + len(token)
    while i < len(sql):
        if backslashes and sql[i] == "\\":
            i += 2
        elif sql[i] == closer:
            if closer != "]" and sql[i + 1 : i + 2] == closer:
                i += 2
            else:
                return i + 1
        else:
            i += 1
    return len(sql)


def after_comments(sql: str, *, nested: bool) -> str:
    """``sql`` from its first token on: past the whitespace and comments it begins with
    (``-- …`` to the end of its line, ``/* … */``; ``nested``: as in PostgreSQL, where a
    ``/*`` inside a comment opens another and a carriage return ends a line). An unclosed
    comment runs to the end, as both stores read it."""
    i, n = 0, len(sql)
    while True:
        while i < n and (sql[i] in _SPACE or sql[i] in _UNSEEN_CHARS):
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
    return READ_ONLY
