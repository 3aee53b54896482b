"""The read models on PostgreSQL: the same SQL as on SQLite, through a thin translation.

The projections are written once, in the SQLite dialect with ``?`` parameters. This module
runs them on the ledger's own PostgreSQL database (events, read models and tracking side by
side, so one backup holds all of it):

- ``?`` becomes ``%s``; ``bool``, ``date`` and ``datetime`` parameters are stored as SQLite
  stores them (0/1 and ISO text), and whole ``numeric`` sums come back as ``int``;
- in ``CREATE TABLE``, ``INTEGER`` becomes ``BIGINT`` (fen sums outgrow 32 bits) and ``TEXT``
  gets ``COLLATE "C"`` so ``ORDER BY`` sorts by code point, exactly as SQLite does;
- every write transaction first takes one transaction-scoped advisory lock: two processes
  catching up at once run one after the other, and the second reads the first's tracking
  positions (the role of SQLite's ``BEGIN IMMEDIATE``);
- analysts' SQL runs in a ``READ ONLY`` transaction with a statement timeout, then is rolled
  back, so any write fails and nothing changes;
- every lock wait of the read models' own connection is bounded by ``LEDGER_LOCK_TIMEOUT``
  (it retries nothing, unlike eventsourcing's, whose statements get a tenth of it per try), and
  a wait past it is a ``ConflictError`` ("try again"), never the driver's error and its SQL.

``preflight`` connects once with a short timeout before the ledger opens its pool: a bad
password or an unreachable server then fails in milliseconds with the server's own reason,
instead of the pool's "couldn't get a connection after 5 sec".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any, cast
from urllib.parse import quote

import psycopg
from ledger.application import Ledger, NoLedgerError
from ledger.errors import ConflictError, InputError, LedgerError
from ledger.keys import guard_household_keys
from ledger.pgwaiting import SESSION_NAME, register_session
from ledger.schema import APPEND_ONLY_BODY
from ledger.store import (
    SERVER_CLOSED,
    SERVER_CLOSED_SAID,
    StoreLocation,
    busy_hint,
    held_lock,
    lock_timeout,
    parse_store,
    schema_options,
    server_short,
    url_host,
)
from ledger.waiting import last_holder, watching
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.types.string import TextLoader

from projections.pg_shape import reshape
from projections.storage import _TOO_LONG as TOO_LONG
from projections.storage import (
    FETCH_ROWS,
    HIDDEN_TABLES,
    QUERY_SECONDS,
    READ_MODEL_PREFIX,
    READ_MODELS_NOT_WRITTEN,
    Database,
    Measure,
    QueryError,
    Row,
    WriteFailedError,
    fetched_in_batches,
    not_read_model,
    read_models_waiting,
)

__all__ = [
    "UNFINISHED_DEMO",
    "NewLedger",
    "PgDatabase",
    "conninfo",
    "drop_unfinished_demo",
    "open_pg",
    "preflight",
    "protect_events",
    "read_model_lock",
    "read_only_pg",
    "store_url",
    "undone_unless_kept",
]

#: Key of the advisory lock every read-model write transaction of a ledger in ``public``
#: holds (any fixed bigint); a ledger in another schema holds its own (``read_model_lock``).
READ_MODEL_LOCK = 0x66757069_6E000001


def read_model_lock(schema: str) -> int:
    """Key of the advisory lock the read-model writers of the ledger in ``schema`` serialise
    on: ``READ_MODEL_LOCK`` in ``public`` (as every fupin before session 35 took it), else a
    key of the schema's own, the first 8 bytes of its name's SHA-256 as a signed bigint.
    Advisory locks are the database's, not a schema's: one key made every ledger of a database
    take turns, and a report of one county waited on (and was refused naming) another's
    catch-up (since session 35, tester e)."""
    if schema == "public":
        return READ_MODEL_LOCK
    digest = hashlib.sha256(f"fupin read models {schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


#: Longest an analyst's query may run, in milliseconds.
QUERY_TIMEOUT_MS = QUERY_SECONDS * 1000

_PLACEHOLDER = re.compile(r"\?")
_INTEGER = re.compile(r"\bINTEGER\b", re.IGNORECASE)
_TEXT = re.compile(r"\bTEXT\b", re.IGNORECASE)
_CREATE_IF_MISSING = re.compile(r"\s*CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)", re.IGNORECASE)


@contextmanager
def _refusing(seconds: int, reader: str = "", *, analysts_sql: bool = False) -> Iterator[None]:
    """A lock wait past ``seconds`` (or a deadlock, or a cancelled statement) as a one-line
    ``ConflictError``: the driver's own message quotes the statement. With ``reader`` (a role
    reading the read models, outside a write transaction and outside analysts' SQL), a read
    it may not make is refused too, naming the grant. In analysts' SQL a statement timeout
    stays the query's own error (``PgDatabase.read_only`` words a timeout, as on SQLite)."""
    try:
        yield
    except psycopg.errors.InsufficientPrivilege as exc:
        if not reader:
            raise
        reason = (str(exc).strip().splitlines() or ["permission denied"])[0]
        raise InputError(
            "store",
            f"role {reader} may not read the read models ({reason}): the store's owner grants "
            "it SELECT on them (an analysts' role), or runs protect_events (the officers' role), "
            "again once an upgrade adds a table (docs/operations.md)",
        ) from None
    except psycopg.errors.LockNotAvailable:
        holder = last_holder()
        if holder is not None and holder.relation:
            # Another session's lock on a table, as the server named it while this waited
            # (since session 28: a psql session's was "another process is updating ...").
            raise ConflictError(
                "store",
                f"{holder.who} held {holder.what} past LEDGER_LOCK_TIMEOUT ({seconds} s); "
                "try again once it is released",
            ) from None
        raise ConflictError("store", _busy(f"lock wait past {seconds} s")) from None
    except psycopg.errors.DeadlockDetected:
        raise ConflictError("store", _busy("deadlock")) from None
    except psycopg.errors.QueryCanceled:
        if analysts_sql:
            raise
        raise ConflictError(
            "store",
            "the server cancelled a statement on the read models (a statement timeout or an "
            "administrator); try again",
        ) from None


def _busy(why: str) -> str:
    return f"another process is updating the read models; try again ({why})"


def conninfo(location: StoreLocation, *, connect_timeout: int | None = None) -> str:
    """A libpq connection string for the store's database, from eventsourcing's settings."""
    env = location.env
    timeout = connect_timeout or int(env.get("POSTGRES_CONNECT_TIMEOUT", "5"))
    options = schema_options(env)  # the ledger's schema, alone searched (POSTGRES_SCHEMA)
    return make_conninfo(
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        dbname=env["POSTGRES_DBNAME"],
        user=env["POSTGRES_USER"],
        # Only the URL's own: an empty one would override libpq's PGPASSWORD (since session 22).
        **({"password": env["POSTGRES_PASSWORD"]} if env["POSTGRES_PASSWORD"] else {}),
        connect_timeout=str(max(timeout, 1)),
        application_name=SESSION_NAME[0],  # "fupin report caseload" (``ledger.pgwaiting``)
        **({} if options is None else {"options": options}),
    )


def store_url(location: StoreLocation) -> str:
    """The store's URL again, password included (``display`` leaves it out)."""
    env = location.env
    user, password = quote(env["POSTGRES_USER"], safe=""), quote(env["POSTGRES_PASSWORD"], safe="")
    where = (
        f"{url_host(env['POSTGRES_HOST'])}:{env['POSTGRES_PORT']}/"
        f"{quote(env['POSTGRES_DBNAME'], safe='')}"
    )
    return f"postgresql://{user}:{password}@{where}"


def preflight(store: str | None, *, create: bool = False) -> bool:
    """For a PostgreSQL store, connect once and fail fast with the server's reason; unless
    ``create`` (``fupin init``), refuse a database that holds no ledger yet. Whether the
    ledger's events table was there (``undone_unless_kept`` when it was not)."""
    location = parse_store(store)
    if location.kind != "postgres":
        return True
    with _connect(location) as connection:
        _refuse_other_encodings(connection, location)
        schema = location.schema
        if schema != "public" and not _schema_exists(connection, schema):
            raise LedgerError(
                "store",
                f"schema {schema} does not exist in {location.display}: the database's owner "
                f"makes it first (CREATE SCHEMA {schema}), or POSTGRES_SCHEMA is misspelt; "
                "nothing was written",
            )
        try:
            initialised = _table_exists(connection, events_table(location))
        except psycopg.errors.InsufficientPrivilege as exc:  # no USAGE on the ledger's schema
            reason = (str(exc).strip().splitlines() or ["permission denied"])[0]
            raise LedgerError(
                "store",
                f"role {location.env['POSTGRES_USER']} may not use {location.display} "
                f"({reason}): the store's owner grants it USAGE on the schema (protect_events "
                "for the officers' role, docs/operations.md), or POSTGRES_SCHEMA names another "
                "ledger's",
            ) from None
        # A table with no event is a ledger's start that never finished: an ``init`` or an
        # ``import --create`` stopped before it recorded anything (tester E, session 17: every
        # command read it as an empty ledger; verify and backups passed).
        empty = initialised and not create and not _holds_events(connection, location)
        # Only where a ledger is made: not a check on every command's way.
        unfinished = (
            create
            and initialised
            and _table_exists(connection, _marker(location).as_string(connection))
        )
    if unfinished:
        raise LedgerError("store", _unfinished_demo(location))
    if not create and not initialised:
        raise NoLedgerError(f"{location.display} holds no ledger yet", "; run `fupin init` first")
    if not create and empty:
        raise NoLedgerError(
            f"{location.display} holds no ledger yet: its events table is there but empty (an "
            "`init` or `import --create` stopped before it recorded anything)",
            "; run that command again",
        )
    return initialised


@dataclass
class NewLedger:
    """Whether the new ledger was opened (``undone_unless_kept``)."""

    opened: bool = False


@contextmanager
def undone_unless_kept(
    store: str | None,
    keep: Callable[[], bool] = lambda: True,
    mine: Callable[[], bool] = lambda: False,
    *,
    marked: bool = False,
) -> Iterator[NewLedger]:
    """Around a command that makes a new ledger in a database without one (``init``,
    ``import --create``, ``demo``): if it fails, or ends and ``keep()`` is false (a dry run),
    every table, sequence, type and function it made in the ledger's schema is dropped, so the
    database is left as it was found, as a SQLite store made beside its path is never linked
    into place (``ledger.newstore``). Before 2026-12, a dry run left an empty events table that
    reports took for "no ledger yet" and ``restore`` for a ledger.

    The ledger's tables are dropped only while their events table holds no event, under a
    lock that keeps any other process from appending meanwhile (another process's ``init``
    may have used the same tables), or when ``mine()`` says every event there is this
    command's (the demo, once its own ``initialise`` is recorded). The block opens the ledger,
    sets ``opened`` once it has, and closes it before the block ends: a ledger that failed to
    open made nothing to drop (two processes creating one ledger at once: the tables are the
    other's).

    When what it made cannot be dropped (the server stopped or was lost: tester, session 24),
    the command's error carries a note saying what the database keeps and how to drop it
    (``cli.common.refusals`` says it after the refusal). ``marked`` (the demo): a table
    ``fupin_unfinished_demo`` holds what the schema held before, from before the ledger is
    made until the block ends well, so that a demo cut short where no clean-up runs
    (``kill -9``, a server stopped) is recognised by the commands that make a ledger
    (``preflight`` with ``create``) and dropped by ``drop_unfinished_demo``."""
    location = parse_store(store)
    with _connect(location) as creating:
        # One command makes a ledger in a schema at a time (tester L, session 22: a dry run
        # dropped, as its own, the tables a real import --create had opened beside it and
        # not yet written to): held for the command's life, on a connection of its own.
        _hold_creating_lock(creating, location, "written")
        marker = _marker(location)
        if not _table_exists(creating, events_table(location)):
            # A demo cut short before it made its ledger: the mark marks nothing.
            creating.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(marker))
        before = _objects(creating, location.schema)
        if marked:
            with creating.transaction():
                creating.execute(sql.SQL("CREATE TABLE {} (kind text, name text)").format(marker))
                with creating.cursor() as cursor:
                    insert = sql.SQL("INSERT INTO {} VALUES (%s, %s)").format(marker)
                    cursor.executemany(insert, sorted(before))
        made = NewLedger()
        try:
            yield made
        except BaseException as exc:
            try:
                if made.opened:
                    _undo(location, before, mine())
                if marked:
                    creating.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(marker))
            except Exception:  # a server gone: its reason is the command's refusal
                if made.opened:
                    exc.add_note(_left_behind(location, marked))
            raise
        if marked:  # the demo ended: no longer unfinished
            creating.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(marker))
        if not keep():
            try:
                _undo(location, before, mine())
            except psycopg.Error as exc:
                raise LedgerError(
                    "store",
                    f"cannot remove the empty ledger tables this command made in "
                    f"{location.display}: {_reason(exc)}; the database's owner drops them "
                    f"(DROP TABLE {events_table(location)})",
                ) from None


#: The table that marks a demo not yet finished (``undone_unless_kept``), in the ledger's schema.
UNFINISHED_DEMO = "fupin_unfinished_demo"


def _marker(location: StoreLocation) -> sql.Identifier:
    return sql.Identifier(location.schema, UNFINISHED_DEMO)


def _left_behind(location: StoreLocation, demo: bool) -> str:
    """What a command that made a new ledger and could not drop it again says it left."""
    if demo:
        return (
            f"{location.display} keeps the part of the demo recorded before the store was "
            "lost, a partial ledger that reports, verify and officers would take for a whole "
            "one: once the server is back, drop it with `fupin demo --drop-unfinished` "
            "before trying again"
        )
    return (
        f"{location.display} keeps the tables this command made and could not drop: once "
        "the server is back, run the command again, or have the database's owner drop them "
        f"(DROP TABLE {events_table(location)} CASCADE) before a `restore`"
    )


def _unfinished_demo(location: StoreLocation) -> str:
    """The refusal of a command that makes a ledger (``init``, ``import --create``, ``demo``,
    ``restore``) in a database holding a demo cut short (since session 24: a ``kill -9`` or a
    server stopped left part of a demo, every command took it for a whole ledger)."""
    return (
        f"{location.display} holds a demo cut short (by kill -9, a power cut or the server "
        "stopping): a partial ledger, not a whole one; nothing was written: drop it with "
        "`fupin demo --drop-unfinished`, then try again"
    )


def _hold_creating_lock(
    connection: psycopg.Connection[Any], location: StoreLocation, undone: str
) -> None:
    """Take the lock that lets one command at a time make (or drop) a ledger in the schema, on
    ``connection``, held for its life; refused at once if another holds it (nothing
    ``undone``: "written", "dropped")."""
    key = f"fupin creates {location.env['POSTGRES_DBNAME']}.{location.schema}"
    row = connection.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()
    if not (row and row[0]):
        raise ConflictError(
            "store",
            f"another fupin command is making a ledger in {location.display} now (init, "
            f"import --create or demo); nothing was {undone}: run this one once it ends",
        )


def drop_unfinished_demo(store: str | None) -> int:
    """Drop the ledger a demo cut short left (``unfinished_demo``), as the demo would have
    dropped it had it been stopped by a signal; how many events it held. Refused, nothing
    dropped, when the database holds no unfinished demo."""
    location = parse_store(store)
    with _connect(location) as connection:
        _hold_creating_lock(connection, location, "dropped")
        marker = _marker(location)
        if not _table_exists(connection, marker.as_string(connection)):
            raise LedgerError(
                "store",
                f"{location.display} holds no unfinished demo (no {UNFINISHED_DEMO} table); "
                "nothing was dropped",
            )
        rows = connection.execute(sql.SQL("SELECT kind, name FROM {}").format(marker))
        before = {(str(kind), str(name)) for kind, name in rows.fetchall()}
        events = 0
        if _table_exists(connection, events_table(location)):
            table = sql.SQL(".").join(
                sql.Identifier(part) for part in events_table(location).split(".")
            )
            counted = connection.execute(sql.SQL("SELECT count(*) FROM {}").format(table))
            events = int((counted.fetchone() or (0,))[0])
        _undo(location, before, True)
        connection.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(marker))
    return events


#: What a schema holds that a command may have made: relations (tables, views, sequences,
#: composite types; indexes go with their tables) and functions, by kind and qualified name.
_OBJECTS = """
SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
        WHEN 'S' THEN 'SEQUENCE' WHEN 'c' THEN 'TYPE' ELSE 'TABLE' END,
    format('%%I.%%I', n.nspname, c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c', 'f')
UNION ALL
SELECT 'FUNCTION', p.oid::regprocedure::text
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s
"""
#: The order they are dropped in: what depends on a table first, functions last.
_DROP_ORDER = ("VIEW", "MATERIALIZED VIEW", "TABLE", "SEQUENCE", "TYPE", "FUNCTION")


def _ledgers(location: StoreLocation) -> re.Pattern[str]:
    """The names the ledger gives what it makes in its schema: the events table and what
    eventsourcing makes with it (its sequence, indexes, ``stored_event_uuid`` type and
    ``es_`` functions), the household key table, the read models (``pj_``), and the
    ``fupin_`` functions and triggers of ``protect_events``."""
    events = re.escape(events_table(location).rsplit(".", 1)[-1].strip('"'))
    return re.compile(rf"({events}|pj_|household_keys|stored_event|es_|fupin_)")


def _bare(name: str) -> str:
    """An object's name without its schema, quotes or a function's arguments."""
    return name.split("(", 1)[0].rsplit(".", 1)[-1].strip('"')


def _objects(connection: psycopg.Connection[Any], schema: str) -> set[tuple[str, str]]:
    rows = connection.execute(_OBJECTS, (schema, schema)).fetchall()
    return {(str(kind), str(name)) for kind, name in rows}


def _undo(location: StoreLocation, before: set[tuple[str, str]], mine: bool) -> None:
    """Drop the ledger's objects the schema holds now and did not hold ``before``
    (``undone_unless_kept``): those named as the ledger names its own (``_ledgers``), never
    another's made meanwhile (tester L, session 22: a table the owner made during a dry run
    was dropped with it, its rows and all)."""
    with _connect(location) as connection, connection.transaction():
        _bound_lock_waits(connection, location)
        if _table_exists(connection, events_table(location)):
            table = sql.SQL(".").join(
                sql.Identifier(part) for part in events_table(location).split(".")
            )
            connection.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(table))
            if not mine and _holds_events(connection, location):
                return  # another process's ledger by now: never touched
        ours = _ledgers(location)
        made = {(what, name) for what, name in _objects(connection, location.schema) - before}
        made = {(what, name) for what, name in made if ours.match(_bare(name))}
        for kind in _DROP_ORDER:
            for name in sorted(name for what, name in made if what == kind):
                connection.execute(
                    sql.SQL("DROP {} IF EXISTS {} CASCADE").format(sql.SQL(kind), sql.SQL(name))
                )


def _refuse_other_encodings(connection: psycopg.Connection[Any], location: StoreLocation) -> None:
    """Refuse a database not encoded in UTF8 (SQL_ASCII is initdb's default under the C
    locale): psycopg hands its text back as bytes (SQL_ASCII) or cannot encode Chinese in it
    (LATIN1), and the ledger failed long after ``init`` with messages that blamed the events
    or the master key."""
    # As the server reported it at connection (a query's text would come back as bytes).
    encoding = connection.info.parameter_status("server_encoding") or "unknown"
    if encoding.upper() != "UTF8":
        name = location.env.get("POSTGRES_DBNAME", "")
        raise LedgerError(
            "store",
            f"database {name} is encoded {encoding}, not UTF8, and cannot hold the ledger's "
            f"text; nothing was written: use a UTF8 database (createdb -E UTF8 -T template0 "
            f"{name}_utf8, then point --store at it)",
        )


def events_table(location: StoreLocation) -> str:
    """The qualified name of the table eventsourcing stores the ledger's events in."""
    schema = location.schema
    return f"{schema}.{Ledger.name.lower()}_events"


def _reason(exc: BaseException) -> str:
    """libpq's reason for refusing a connection, on one line: what follows the last attempt's
    'connection to server at ... failed: ', with the lines libpq continues it on (a hint, or
    the rest of its sentence). Before 2026-11-30 the last line alone was kept: a server that
    closed the connection during start-up (crashing, restarting; a proxy dropping it) was
    said as "before or while processing the request.", and a closed port lost "Connection
    refused"."""
    # psycopg, having tried several addresses, adds each attempt's error after the last's.
    last = str(exc).split("\nMultiple connection attempts failed", 1)[0]
    text = last.strip().rsplit("failed: ", 1)[-1]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    first, rest = lines[0], " ".join(lines[1:])
    if first.startswith(SERVER_CLOSED):  # libpq's rest guesses at a crash: say what to do
        return SERVER_CLOSED_SAID
    return f"{first} ({rest})" if rest else first


#: Whether the connection is read-only, its role, and whether that role may update the read
#: models: judged on the tracking table every catch-up updates, else on any read-model table
#: there is (none: the ledger's owner, who makes them).
_MAY_WRITE = """
SELECT current_setting('transaction_read_only'), current_user, COALESCE(
    (SELECT has_table_privilege(oid, 'UPDATE') FROM pg_class
        WHERE oid = to_regclass('pj_tracking')),
    (SELECT bool_or(has_table_privilege(c.oid, 'UPDATE')) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND c.relname LIKE 'pj\\_%' AND n.nspname = current_schema()),
    true)
"""


class PgDatabase(Database):
    """``Database`` over a psycopg connection: ``?`` parameters, explicit transactions."""

    errors: tuple[type[Exception], ...] = (psycopg.Error,)
    #: What to do when this connection may not write the read models (docs/operations.md).
    read_only_advice = (
        ": the store's owner runs a report or `fupin projections rebuild` on the primary (an "
        "officer's report too, unless the upgrade added a table or a table must be made again "
        "in another shape), then try again"
    )

    def __init__(self, connection: psycopg.Connection[Any], lock_seconds: int = 5) -> None:
        self._pg = connection
        self._depth = 0
        self._lasting = {}
        #: How long a statement waits for another session's lock (``LEDGER_LOCK_TIMEOUT``).
        self.lock_seconds = lock_seconds
        #: The advisory lock its write transactions take (``read_model_lock`` of its schema).
        self.lock_key = READ_MODEL_LOCK
        #: The store as refusals name it (``_read_models`` sets its URL, password hidden).
        self.shown = f"database {connection.info.dbname}"
        self._analysts_sql = False
        self._forget()

    def duplicate_in(self, exc: BaseException) -> str | None:
        if isinstance(exc, psycopg.errors.UniqueViolation):
            return exc.diag.table_name or "a read model"
        return None

    def _waits(self) -> AbstractContextManager[None]:
        # A read refused for want of a grant is named (not in a write transaction, whose
        # refusals name what to write; not in analysts' SQL, whose errors are the query's).
        reading = not self._depth and not self._analysts_sql
        return _refusing(
            self.lock_seconds,
            self._pg.info.user if reading else "",
            analysts_sql=self._analysts_sql,
        )

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        if self._queue or self._before_flush:
            self.flush()
        if self._exists(sql):
            return 0
        with self._waits(), self._pg.cursor() as cursor:
            try:
                cursor.execute(_translate(sql, params), _params(params))
            except psycopg.errors.InsufficientPrivilege:
                if _CREATE_IF_MISSING.match(sql) is None:
                    raise
                # An officers' role meeting a read-model table or index a new version adds.
                raise InputError(
                    "store",
                    "the read models need a table or index only the store's owner may create: "
                    "after an upgrade the owner runs one report, then protect_events again "
                    "(docs/operations.md)",
                ) from None
            return cursor.rowcount

    def _send_many(self, sql: str, rows: list[Sequence[Any]]) -> None:
        if not rows:
            return
        with self._waits(), self._pg.cursor() as cursor:
            cursor.executemany(_translate(sql, ("?",)), [_params(row) or () for row in rows])

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if self._queue or self._before_flush:
            self.flush()
        self._send_many(sql, list(rows))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.query(sql, params)[1]

    def stream(self, sql: str) -> Iterator[Row]:
        if self._queue or self._before_flush:
            self.flush()
        with self._waits(), self._pg.cursor() as cursor:  # row by row: flat memory
            for row in cursor.stream(_translate(sql, ())):
                yield tuple(_value(v) for v in row)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def peek(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self._waits(), self._pg.cursor() as cursor:
            cursor.execute(_translate(sql, params), _params(params))
            row = cursor.fetchone()
        return None if row is None else tuple(_value(v) for v in row)

    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[Row]]:
        if self._queue or self._before_flush:
            self.flush()
        with self._waits(), self._pg.cursor() as cursor:
            cursor.execute(_translate(sql, params), _params(params))
            columns = [d.name for d in cursor.description or ()]
            found = cursor.fetchall() if cursor.description else []
        return columns, [tuple(_value(v) for v in row) for row in found]

    def _exists(self, sql: str) -> bool:
        # CREATE TABLE/INDEX IF NOT EXISTS needs the CREATE right on the schema (an index, the
        # table's ownership) even when it is there; officers' roles hold neither, so skip what
        # already exists.
        found = _CREATE_IF_MISSING.match(sql)
        if found is None:
            return False
        return _table_exists(self._pg, found[1])

    def foreign_schema(self) -> list[tuple[str, str, str]]:
        """None looked for: on PostgreSQL roles decide who may create a trigger, and
        ``fupin verify`` reports one on the events or key table (``ledger.schema``)."""
        return []

    def missing_relations(self, names: Iterable[str]) -> list[str]:
        wanted = list(dict.fromkeys(names))
        with self._waits():
            missing = {
                str(name)
                for (name,) in self._pg.execute(
                    "SELECT name FROM unnest(%s::text[]) AS name WHERE to_regclass(name) IS NULL",
                    (wanted,),
                )
            }
        return [name for name in wanted if name in missing]

    def cannot_write(self) -> str | None:
        with self._waits():
            row = self._pg.execute(_MAY_WRITE).fetchone()
        if row is None:  # pragma: no cover - a SELECT without FROM always has its row
            return None
        read_only, user, may_update = row
        if read_only == "on":
            return "it is read-only: a replica, or a role with default_transaction_read_only"
        if not may_update:
            return f"role {user} may only read them"
        return None

    #: ``Database.snapshot`` on PostgreSQL: a read-only transaction in REPEATABLE READ (the
    #: read models' connection is in autocommit: each statement otherwise sees what was
    #: committed before it).
    SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

    def _statement(self, sql: str) -> None:
        self._pg.execute(sql)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, serialised with every other read-model writer (it waits
        ``lock_seconds`` for the one before it, then is refused: "try again")."""
        if self._depth:
            raise RuntimeError("transactions do not nest")
        self._depth = 1
        self._forget()
        try:
            with self._waits(), _refusing_writes(), self._pg.transaction():
                wait = str(self.lock_seconds)
                shown = self.shown  # the store as every other note names it (since session 28)
                with watching(  # since session 26; naming the holder since session 28
                    lambda holder: read_models_waiting(shown, wait, holder, server=True), wait
                ):
                    self._pg.execute("SELECT pg_advisory_xact_lock(%s)", (self.lock_key,))
                yield
                self.flush()
        except psycopg.Error as exc:
            # The server's disk full, or its memory out (SQLSTATE class 53), rolled back:
            # refused as on SQLite (since session 26: "internal error: DiskFull", exit 1).
            short = server_short(exc, self.shown)
            if short is None:
                raise
            raise WriteFailedError(short[0], READ_MODELS_NOT_WRITTEN, short[1]) from None
        finally:
            self._depth = 0
            self._forget()

    def reshape_tables(self, statements: Sequence[str], trial: bool = False) -> None:
        """Make again, with their grants, the read models' tables an older ``fupin`` left in
        a shape other than ``statements`` make, or refuse a role that does not own them
        (``projections.pg_shape``, since session 26): ``clear_tables`` keeps the tables, and
        ``CREATE TABLE IF NOT EXISTS`` leaves them as they are. A ``trial`` changes nothing
        and only refuses."""
        with self._waits():
            translated = [_translate(statement, ()) for statement in statements]
            reshape(self._pg, translated, trial)

    def clear_tables(self, tables: Iterable[str]) -> None:
        """Empty ``tables`` for a rebuild, keeping them: a table dropped and made again keeps
        none of the grants ``protect_events`` gave the officers' role (every officer's report
        then failed), and deleting rows needs no owner. A table of an older shape was made
        again first (``reshape_tables``)."""
        for table in tables:
            if _table_exists(self._pg, table):
                self.execute(f"DELETE FROM {table}")

    def read_only(self, sql: str, measure: Measure | None = None) -> tuple[list[str], list[Row]]:
        """Run ``sql`` in a read-only transaction that is always rolled back, its rows
        streamed from the server ``FETCH_ROWS`` at a time, each batch given to ``measure``
        before the next comes (a whole answer fetched at once took 930 MB for 5 M integers
        before the command line could refuse it)."""
        self._analysts_sql = True
        try:
            with self._waits(), self._pg.transaction(force_rollback=True):
                self._pg.execute("SET TRANSACTION READ ONLY")
                self._pg.execute(f"SET LOCAL statement_timeout = {QUERY_TIMEOUT_MS}")
                self._refuse_hidden_tables(sql)
                return self._streamed(sql, measure)
        except psycopg.errors.QueryCanceled as exc:
            if "statement timeout" not in str(exc):
                raise  # an administrator's cancel: the server's words
            # Worded as on SQLite (docs/reports.md), not the server's "canceling statement".
            raise QueryError("sql", TOO_LONG) from None
        finally:
            self._analysts_sql = False

    def _streamed(self, sql: str, measure: Measure | None) -> tuple[list[str], list[Row]]:
        columns: list[str] = []
        # Chunked rows need libpq 17 (psycopg's binary wheel has it); else row by row.
        size = FETCH_ROWS if psycopg.pq.version() >= 170000 else 1
        with self._pg.cursor() as cursor:
            _as_text(cursor)
            # A generator (typed an iterator): closing it cancels what is left of the query.
            stream = cast(Generator[Any, None, None], cursor.stream(sql, size=size))

            def fetch(count: int) -> list[Row]:
                batch = [tuple(map(_value, row)) for row in islice(stream, count)]
                columns[:] = [d.name for d in cursor.description or ()]
                return batch

            try:
                rows = fetched_in_batches(fetch, columns, measure)
            finally:
                stream.close()  # a refused answer: the query cancelled, the rest not read
        if not rows:  # a stream of no rows leaves no description: the columns, unexecuted
            columns[:] = self._columns_of(sql)
        return columns, rows

    def _columns_of(self, sql: str) -> list[str]:
        """The names of the columns ``sql`` answers with, from the server's description of it
        prepared (nothing runs)."""
        pgconn, encoding = self._pg.pgconn, self._pg.info.encoding
        prepared = pgconn.prepare(b"", sql.encode(encoding))
        if prepared.status != psycopg.pq.ExecStatus.COMMAND_OK:
            return []  # it ran a moment ago: nothing to say but that it has no rows
        described = pgconn.describe_prepared(b"")
        return [(described.fname(i) or b"").decode(encoding) for i in range(described.nfields)]

    def _refuse_hidden_tables(self, sql: str) -> None:
        # PostgreSQL has no per-statement authorizer: ask the planner which tables the query
        # reads, and refuse the wrapped household keys whatever the query's spelling. A
        # function that runs SQL given as text, or reads a table named by a value
        # (query_to_xml('select ... from household_keys', ...)), reads what the plan does not
        # show: refused whatever it reads. The verbose plan names each function as resolved,
        # however the query quoted or escaped it.
        # The plan leaves out what LIMIT, OFFSET and FETCH compute (``LIMIT CASE WHEN
        # pg_try_advisory_xact_lock(…) THEN 1 END`` took the lock): the query's own words
        # are read too, with its constants and comments taken out.
        _refuse_named_calls(spoken_words(sql))
        plan = self._pg.execute(f"EXPLAIN (VERBOSE, FORMAT JSON) {sql}").fetchone()
        tree = plan[0] if plan else []
        # The planner's statistics hold sample values of every column (pg_stats showed 101
        # wrapped keys once the table was analysed): refused like the table itself.
        read = set(_relations(tree))
        hidden = (HIDDEN_TABLES | _STATISTICS) & {name for _, name in read}
        if hidden:
            raise psycopg.errors.InsufficientPrivilege(
                f"permission denied for table {', '.join(sorted(hidden))}"
                + (f": {not_read_model('household_keys')}" if HIDDEN_TABLES & hidden else "")
            )
        # Only the read models, as on SQLite (since session 28): the events table, and any
        # other table of the store that is no read model (a catalog's is PostgreSQL's own).
        outside = sorted(
            name
            for schema, name in read
            if not name.startswith(READ_MODEL_PREFIX) and schema not in _CATALOGS
        )
        if outside:
            raise psycopg.errors.InsufficientPrivilege(
                f"permission denied for table {outside[0]}: {not_read_model(outside[0])}"
            )
        # Calls, not constants: a string literal that reads like a call ('see lo_open(x)')
        # is taken out first (the plan writes constants as '...'::type, quotes doubled).
        planned = _LITERAL.sub("''", json.dumps(tree, ensure_ascii=False).lower())
        _refuse_named_calls(planned)
        self._refuse_privileged_calls(spoken_words(sql) + " " + planned)

    def _refuse_privileged_calls(self, text: str) -> None:
        """Refuse a call of a function that is not PostgreSQL's own one every role may run
        (since session 28): a store's role may be a superuser, or hold pg_read_server_files,
        and ``pg_read_binary_file(pg_relation_filepath('ledger_events'))`` read the events'
        file whatever the plan's tables; an extension's function (pageinspect's
        ``get_raw_page``) or one made in the store's schema reads what the plan cannot show.
        A name is refused if any function of that name is outside PostgreSQL's own schemas
        or not granted to PUBLIC (the server's own administration and file functions)."""
        names = sorted(set(_CALLED.findall(text)))
        if not names:
            return
        found = self._pg.execute(_PRIVILEGED_CALLS, (names,)).fetchone()
        if found is not None:
            raise psycopg.errors.InsufficientPrivilege(
                f"permission denied for function {found[0]}: `fupin query` calls only "
                "PostgreSQL's own functions that every role may run (pg_catalog's, granted to "
                "PUBLIC), so that it reads the read models alone whatever the role may read"
            )

    def close(self) -> None:
        self._pg.close()


@contextmanager
def _refusing_writes() -> Iterator[None]:
    """A read-model write this connection may not make, as a one-line refusal naming what to
    do (the connection is read-only, or a grant is missing: a table a new version added)."""
    try:
        yield
    except psycopg.errors.ReadOnlySqlTransaction:
        raise InputError(
            "store",
            "this connection is read-only (a replica, or a role with "
            "default_transaction_read_only) and cannot update the read models: the store's "
            "owner runs `fupin projections rebuild` on the primary (or an officer any report)",
        ) from None
    except psycopg.errors.InsufficientPrivilege as exc:
        reason = (str(exc).strip().splitlines() or ["permission denied"])[0]
        raise InputError(
            "store",
            f"this role may not update the read models ({reason}): the store's owner runs "
            "protect_events again (docs/operations.md)",
        ) from None


def _translate(sql: str, params: Sequence[Any]) -> str:
    if sql.lstrip().upper().startswith("CREATE TABLE"):
        sql = _TEXT.sub('TEXT COLLATE "C"', _INTEGER.sub("BIGINT", sql))
    if not params:
        # Sent as written: a '%' or '?' in an analyst's query is not a placeholder.
        return sql
    return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))


def _params(params: Sequence[Any]) -> tuple[Any, ...] | None:
    # None, not (), so that psycopg sends a statement without parameters as written.
    if not params:
        return None
    return tuple(_param(p) for p in params)


def _param(value: Any) -> Any:
    # What Python's sqlite3 stores for these types (its default adapters).
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _value(value: Any) -> Any:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _connect(location: StoreLocation) -> psycopg.Connection[Any]:
    try:
        connection = psycopg.connect(conninfo(location), autocommit=True)
    except psycopg.Error as exc:
        reason = _reason(exc)
        message = f"cannot connect to {location.display}: {reason}{busy_hint(reason)}"
        raise LedgerError("store", message) from None
    register_session(connection)  # its lock waits are said (``ledger.pgwaiting``)
    return connection


def open_pg(location: StoreLocation) -> PgDatabase:
    """The read models' tables in the ledger's PostgreSQL database."""
    return _read_models(_connect(location), location)


def _read_models(connection: psycopg.Connection[Any], location: StoreLocation) -> PgDatabase:
    # This connection retries nothing: each statement may wait the whole LEDGER_LOCK_TIMEOUT
    # (PGOPTIONS gives eventsourcing's connections a tenth, for each of its ten tries), so a
    # report waits out a rebuild's transaction instead of failing after 0.5 s.
    database = PgDatabase(connection, _bound_lock_waits(connection, location))
    database.shown = location.display
    database.lock_key = read_model_lock(location.schema)
    return database


def _bound_lock_waits(connection: psycopg.Connection[Any], location: StoreLocation) -> int:
    """Have each statement of ``connection`` wait for a lock no longer than
    ``LEDGER_LOCK_TIMEOUT``; returns those seconds."""
    seconds = int(location.env.get("POSTGRES_LOCK_TIMEOUT") or lock_timeout("5"))
    connection.execute("SELECT set_config('lock_timeout', %s, false)", (f"{seconds}s",))
    return seconds


#: Functions that run SQL given as text, or read a table or schema named by a value.
_DYNAMIC_SQL = re.compile(
    r"\b((?:query|table|cursor|schema|database)_to_xml\w*|ts_stat|ts_rewrite|dblink\w*"
    r"|lo_\w+)\s*\("
)
#: Functions that read or list the server's files, or decode its write-ahead log: a superuser
#: (or a role with pg_read_server_files) read the events' and the keys' table files with them
#: (since session 28). ``lo_import``/``lo_export`` are ``_DYNAMIC_SQL``'s.
_SERVER_FILES = re.compile(
    r"\b(pg_read_\w*|pg_stat_file|pg_ls_\w*|pg_file_\w*|pg_logdir_ls|pg_current_logfile"
    r"|pg_logical_slot_\w*|pg_\w*replication_slot\w*)\s*\("
)
#: Functions every role may run that act on the server (they check the caller's rights
#: themselves, so a superuser store's query could use them; those not granted to PUBLIC are
#: ``_PRIVILEGED_CALLS``'): end or cancel another session, write to the write-ahead log past
#: the transaction's rollback, make objects (since re-tester
#: X, session 28: ``pg_terminate_backend`` ended officers' sessions, and
#: ``pg_logical_emit_message(false, …)`` wrote 10 MB of WAL, from a "read-only" query).
_SERVER_ACTIONS = re.compile(
    r"\b(pg_terminate_backend|pg_cancel_backend|pg_logical_emit_message"
    r"|pg_import_system_collations)\s*\("
)
#: A name called (``name(``), in the query's words or the plan's.
_CALLED = re.compile(r"\b([a-z_][a-z0-9_$]*)\s*\(")
#: The first of ``%s`` (names) that is a function outside PostgreSQL's own schemas, or one not
#: every role may run (EXECUTE not granted to PUBLIC: the server's administration functions).
_PRIVILEGED_CALLS = """
SELECT p.proname FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.proname = ANY(%s) AND (
    n.nspname NOT IN ('pg_catalog', 'information_schema')
    OR NOT (p.proacl IS NULL OR EXISTS (
        SELECT 1 FROM pg_catalog.aclexplode(p.proacl) a
        WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')))
ORDER BY p.proname LIMIT 1
"""
#: Advisory locks: the read models' writers serialise on one (``READ_MODEL_LOCK``), which a
#: read-only transaction may still take and hold for the whole ``QUERY_SECONDS``.
_ADVISORY_LOCKS = re.compile(r"\b(pg_(?:try_)?advisory_\w+)\b")


def _as_text(cursor: psycopg.Cursor[Any]) -> None:
    """Have ``cursor`` read json, jsonb and every array in PostgreSQL's own text form: the same
    cell in every format, and measured as text as it arrives (``cli.query.Bounds``); as Python
    lists and dicts, ``array_agg`` of 20 M integers took 1.1 GB, counted as one cell."""
    adapters = cursor.adapters
    for info in psycopg.postgres.types:
        if info.array_oid:
            adapters.register_loader(info.array_oid, TextLoader)
    for name in ("json", "jsonb"):
        adapters.register_loader(name, TextLoader)


def _refuse_named_calls(text: str) -> None:
    """Refuse the functions analysts may not call, named in ``text`` (lower case, constants
    taken out): the plan's, and the query's own words."""
    dynamic = _DYNAMIC_SQL.search(text)
    if dynamic:
        raise psycopg.errors.InsufficientPrivilege(
            f"permission denied for function {dynamic.group(1)}: it reads tables named by "
            "text, which the query's check cannot see"
        )
    files = _SERVER_FILES.search(text)
    if files:
        raise psycopg.errors.InsufficientPrivilege(
            f"permission denied for function {files.group(1)}: it reads the server's own "
            "files (the tables' among them) or its write-ahead log, not the read models"
        )
    acting = _SERVER_ACTIONS.search(text)
    if acting:
        raise psycopg.errors.InsufficientPrivilege(
            f"permission denied for function {acting.group(1)}: it acts on the server (its "
            "sessions, its write-ahead log, its settings), which a read of the read models "
            "never does"
        )
    lock = _ADVISORY_LOCKS.search(text)
    if lock:
        raise psycopg.errors.InsufficientPrivilege(
            f"permission denied for function {lock.group(1)}: advisory locks are the "
            "ledger's own (an analyst's could hold the read models' lock and stall every "
            "officer's report)"
        )


def spoken_words(sql: str) -> str:
    """``sql`` in lower case without its string constants ('…', E'…', $tag$…$tag$) and
    comments (-- …, /* … */), each replaced by a space, and with a quoted name's quotes
    dropped (``"pg_advisory_lock"`` is that function): what it calls, however spelled. A name
    spelled with Unicode escapes (``U&"…"``) could hide what it calls: refused."""
    words: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        found = _SKIPPED.search(sql, i)
        if found is None:
            words.append(sql[i:])
            break
        words.append(sql[i : found.start()])
        start = found.start()
        token = found.group(0)
        if token[:2].lower() == "u&":
            raise psycopg.errors.InsufficientPrivilege(
                "permission denied for Unicode-escaped names and strings (U&'…', U&\"…\"): "
                "spell them plainly"
            )
        if token == '"':
            end = sql.find('"', start + 1)
            while end != -1 and sql[end + 1 : end + 2] == '"':
                end = sql.find('"', end + 2)
            end = n if end == -1 else end + 1
            words.append(sql[start + 1 : end - 1].replace('""', '"'))
        else:
            end = _skip(sql, start, token)
            words.append(" ")
        i = end
    return "".join(words).lower()


def _skip(sql: str, start: int, token: str) -> int:
    """Where the constant or comment starting at ``start`` with ``token`` ends."""
    if token == "--":
        end = sql.find("\n", start)
        return len(sql) if end == -1 else end + 1
    if token == "/*":  # they nest in PostgreSQL
        depth, i = 1, start + 2
        while depth and i < len(sql):
            if sql.startswith("/*", i):
                depth, i = depth + 1, i + 2
            elif sql.startswith("*/", i):
                depth, i = depth - 1, i + 2
            else:
                i += 1
        return i
    if token.startswith("$"):
        end = sql.find(token, start + len(token))
        return len(sql) if end == -1 else end + len(token)
    backslashes = token[0] in "eE"  # E'…' takes \' as a quote
    i = start + len(token)
    while i < len(sql):
        if backslashes and sql[i] == "\\":
            i += 2
        elif sql[i] == "'":
            if sql[i + 1 : i + 2] == "'":
                i += 2
            else:
                return i + 1
        else:
            i += 1
    return i


#: Where a constant, a comment or a quoted name begins (an E'…' only after no letter: ``name'``
#: is no E-string; ``$1`` is a parameter, not a dollar quote).
_SKIPPED = re.compile(
    r"[uU]&['\"]|(?<![\w$])[eE]'|'|\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$|--|/\*|\"",
)

#: A string constant as the verbose plan writes it: '...' with quotes doubled inside.
_LITERAL = re.compile(r"'(?:[^']|'')*'")
#: The catalogs of the planner's column statistics (sample values of every column), and those
#: holding the server's secrets (roles' password hashes, user mappings' options, a
#: subscription's connection, large objects' bytes: re-tester X, session 28, read every role's
#: SCRAM verifier from pg_authid on a superuser store).
_STATISTICS = frozenset(
    {
        "pg_statistic",
        "pg_statistic_ext_data",
        "pg_authid",
        "pg_user_mapping",
        "pg_subscription",
        "pg_largeobject",
    }
)


#: PostgreSQL's own schemas: a query may read their tables (but ``_STATISTICS``).
_CATALOGS = frozenset({"pg_catalog", "information_schema"})


def _relations(node: Any) -> Iterator[tuple[str, str]]:
    """Every "Schema" and "Relation Name" in an EXPLAIN (VERBOSE, FORMAT JSON) plan."""
    if isinstance(node, dict):
        if "Relation Name" in node:
            yield str(node.get("Schema", "")), str(node["Relation Name"])
        for value in node.values():
            yield from _relations(value)
    elif isinstance(node, list):
        for value in node:
            yield from _relations(value)


def read_only_pg(location: StoreLocation) -> PgDatabase:
    """A connection whose every transaction is read-only by default (analysts' SQL)."""
    connection = _connect(location)
    connection.execute("SET default_transaction_read_only = on")
    return _read_models(connection, location)


#: Refuses every change to a stored event, whoever asks (the table's owner included); its
#: body is ``ledger.schema.APPEND_ONLY_BODY``, which ``fupin verify`` compares with the one the
#: store runs.
_APPEND_ONLY = (
    """
CREATE OR REPLACE FUNCTION {schema}.fupin_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$"""
    + APPEND_ONLY_BODY
    + """$$;
DROP TRIGGER IF EXISTS fupin_append_only ON {table};
CREATE TRIGGER fupin_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {schema}.fupin_events_append_only();
DROP TRIGGER IF EXISTS fupin_no_truncate ON {table};
CREATE TRIGGER fupin_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.fupin_events_append_only();
"""
)


def protect_events(location: StoreLocation, officers: str) -> None:
    """Least privilege, run once by the database owner after ``fupin init``.

    The ``officers`` role may read and append events and keep the read models, never change
    or remove an event: no DELETE or TRUNCATE right, and triggers that refuse UPDATE, DELETE
    and TRUNCATE for every role. It holds UPDATE on the event table only because
    eventsourcing takes ``LOCK TABLE ... IN EXCLUSIVE MODE`` before each insert (so
    notification ids become visible in order), and PostgreSQL asks UPDATE for that lock;
    the trigger refuses the UPDATE itself.
    """
    from psycopg import sql

    from projections.catchup import create_tables

    db = open_pg(location)
    try:
        with db.transaction():  # the read models' tables, so that the grants below reach them
            create_tables(db)
    finally:
        db.close()
    _create_key_table(location)
    schema = location.schema
    table = sql.Identifier(schema, events_table(location).split(".", 1)[1])
    role = sql.Identifier(officers)
    statements = [
        sql.SQL(_APPEND_ONLY).format(schema=sql.Identifier(schema), table=table),
        sql.SQL("REVOKE ALL ON {} FROM {}").format(table, role),
        sql.SQL("GRANT SELECT, INSERT, UPDATE ON {} TO {}").format(table, role),
        sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
            sql.Identifier(schema), role
        ),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), role),
    ]
    with _connect(location) as connection, connection.transaction():
        for statement in statements:
            connection.execute(statement)
        for (name,) in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE 'pj\\_%%'",
            (schema,),
        ).fetchall():
            connection.execute(
                sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(
                    sql.Identifier(schema, name), role
                )
            )
        # Household keys (ledger.privacy): added, destroyed by overwriting, never deleted;
        # destroyed only once the household's erasure is recorded, for every role (the
        # officers' UPDATE right, which rotation and erasure need, crypto-shredded silently).
        if _table_exists(connection, f"{schema}.household_keys"):
            connection.execute(
                sql.SQL("GRANT SELECT, INSERT, UPDATE ON {} TO {}").format(
                    sql.Identifier(schema, "household_keys"), role
                )
            )
            guard_household_keys(connection, schema, events_table(location).split(".", 1)[1])


def _schema_exists(connection: psycopg.Connection[Any], schema: str) -> bool:
    found = connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,))
    return found.fetchone() is not None


def _holds_events(connection: psycopg.Connection[Any], location: StoreLocation) -> bool:
    """Whether the events table holds an event. Another session's lock that keeps it from
    being read past ``LEDGER_LOCK_TIMEOUT`` refuses the command here, as any lock does: never
    a wait without end, and not a second wait (tester L, session 18: answered "yes" here, the
    command met the lock again and waited twice the setting)."""
    table = sql.SQL(".").join(sql.Identifier(part) for part in events_table(location).split("."))
    _bound_lock_waits(connection, location)
    try:
        row = connection.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(table))
        found = row.fetchone()
    except psycopg.errors.LockNotAvailable as exc:
        said = (str(exc).strip().splitlines() or ["lock timeout"])[0]
        raise ConflictError("store", held_lock(said) or said) from None
    return bool(found and found[0])


def _table_exists(connection: psycopg.Connection[Any], name: str) -> bool:
    row = connection.execute("SELECT to_regclass(%s)", (name,)).fetchone()
    return row is not None and row[0] is not None


def _create_key_table(location: StoreLocation) -> None:
    # The household-key table (ledger.privacy) is made on first use; make it now, as the owner,
    # so the grants reach it (an officers' role cannot create tables).
    from ledger.application import open_ledger
    from ledger.base import natural_id

    app = open_ledger(store_url(location), create=True)
    try:
        app.household_keys.key(natural_id("household", "no such household"))
    finally:
        app.close()
