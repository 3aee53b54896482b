"""Where the ledger lives: a SQLite file by default, or a PostgreSQL database.

``--store`` / ``LEDGER_STORE`` takes a path (``fupin.db``), a SQLite URL, ``:memory:`` or
``postgresql://user:pass@host:port/db``; this module turns it into eventsourcing's settings.
A SQLite URL reads as SQLAlchemy reads one: the path is what follows the third slash, so
``sqlite:///fupin.db`` is ``fupin.db`` in the current folder and ``sqlite:////srv/fupin.db``
the absolute ``/srv/fupin.db``; ``sqlite://`` alone is ``:memory:``.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ledger.errors import InputError
from ledger.values import quoted
from ledger.waiting import last_holder

__all__ = [
    "DEFAULT_STORE",
    "SERVER_CLOSED",
    "SERVER_CLOSED_SAID",
    "StoreLocation",
    "busy_hint",
    "check_path",
    "connect_timeout",
    "disk_full",
    "held_lock",
    "lock_timeout",
    "lost_server",
    "parse_store",
    "path_problem",
    "pool_exhausted",
    "read_only",
    "schema_options",
    "server_gone_message",
    "server_short",
    "sqlite_lock_held",
    "url_host",
]

DEFAULT_STORE = "fupin.db"


@dataclass(frozen=True)
class StoreLocation:
    """A parsed store: its kind, what to show users (no password) and eventsourcing's env."""

    kind: str  # "sqlite" or "postgres"
    display: str
    env: dict[str, str]
    path: Path | None = None  # the SQLite file, if any

    @property
    def schema(self) -> str:
        """The PostgreSQL schema the ledger's tables live in (``POSTGRES_SCHEMA``, else
        ``public``)."""
        return self.env.get("POSTGRES_SCHEMA") or "public"


def parse_store(text: str | None) -> StoreLocation:
    """Parse ``--store`` (or ``LEDGER_STORE``, or the default ``fupin.db``)."""
    value = (text or os.environ.get("LEDGER_STORE") or DEFAULT_STORE).strip()
    scheme = _SCHEME.match(value)
    if scheme is not None:
        # A scheme is case-insensitive (RFC 3986). Any other was taken for a SQLite path and
        # quoted whole, password and all ("PostgreSQL:/postgres:pw@host... does not exist").
        name = scheme.group(1).lower()
        value = f"{name}://{value[scheme.end() :]}"
        if name in ("postgresql", "postgres"):
            return _postgres(value)
        if name != "sqlite":
            raise InputError(
                "store",
                f"{name}:// is not a store's scheme (the rest is not shown: it may hold a "
                f"password); {_STORE_FORMS}",
            )
    near = _NEAR_POSTGRES.match(value)
    if near is not None:
        # postgresql:/user:pw@host/db (a slash short) was taken for a SQLite path and quoted
        # whole, password and all.
        raise InputError(
            "store",
            f"{near.group(1)}: must be followed by '//' (the rest is not shown: it may hold a "
            f"password); {_STORE_FORMS}",
        )
    if value.startswith("sqlite://"):
        rest = value.removeprefix("sqlite://")
        if rest and not rest.startswith("/"):
            # sqlite://x.db: SQLAlchemy refuses a host in a SQLite URL, and so does fupin.
            raise InputError("store", _SQLITE_FORM)
        value = rest.removeprefix("/") or ":memory:"
    if value == ":memory:":
        return StoreLocation("sqlite", value, _sqlite_env(value), None)
    path = Path(value)
    # Every command's store passes here: one the system cannot even look up (a name too
    # long, a loop of links) is refused now, not as an OSError of whoever touches it first.
    check_path(path, "store")
    _check_room_beside(path)
    # Shown as typed, or quoted where it holds a line break or another control character
    # (a refusal naming it was split over two lines).
    shown = str(path) if str(path).isprintable() else repr(str(path))
    return StoreLocation("sqlite", shown, _sqlite_env(str(path)), path)


#: What looks like a URL's scheme: letters, digits, '+', '-' or '.', then '://'.
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://")

#: A PostgreSQL scheme without its '//' (``postgresql:/u:pw@h/db``, ``postgres:u@h``): never
#: a SQLite file a user means, and quoting it would show the password.
_NEAR_POSTGRES = re.compile(r"(postgres(?:ql)?):(?!//)", re.IGNORECASE)

#: What a store may be, said when its scheme is none of them.
_STORE_FORMS = (
    "a store is postgresql://user:pass@host:port/db (or postgres://...), a SQLite URL "
    "(sqlite:///path.db) or a SQLite file's path"
)


#: The longest suffix of a file SQLite keeps beside a database, named after it.
_SIDE_FILE = "-journal"


def _check_room_beside(path: Path) -> None:
    """Refuse a SQLite store whose name the file system takes, but not with SQLite's
    ``-wal``, ``-shm`` or ``-journal`` after it: it could be read, never written to."""
    length = len(os.fsencode(path.name))
    if length + len(_SIDE_FILE) <= NAME_MAX:
        return  # every file system's limit, without asking it
    limit = _name_max(path) - len(_SIDE_FILE)
    if length > limit:
        raise InputError(
            "store",
            f"cannot use {quoted(str(path))}: the file name is too long: {length} bytes, and "
            f"SQLite keeps files named after it beside it (NAME-wal, NAME-journal), so it takes at "
            f"most {limit} (UTF-8: a Chinese character takes 3)",
        )


def read_only(exc: BaseException) -> bool:
    """Whether SQLite refused to write because a file may not be written (the store, or the
    ``-wal`` or ``-shm`` beside it): "attempt to write a readonly database", whichever layer
    wrapped it. Never worth trying again, unlike a lock."""
    return "readonly database" in str(exc)


def check_path(path: Path, field: str) -> None:
    """Refuse a path the system cannot look up at all, naming ``field``: a file name or a
    path too long, a loop of symbolic links, a folder that may not be searched. A path that
    does not exist (yet) passes: whoever uses it says what it needs. (``Path.exists()`` and
    ``is_dir()`` raise ``OSError`` for a name too long, and take a loop for a missing file.)"""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:
        # quoted as every refusal quotes what was typed: a 5,000-byte name cut, its length
        # said (since tester Y, session 28: a refusal line of 5,150 characters)
        raise InputError(
            field, f"cannot use {quoted(str(path))}: {path_problem(path, exc)}"
        ) from None


#: The longest file name most file systems take (ext4, XFS, Btrfs, tmpfs), in bytes; the
#: folder's own limit is asked for first.
NAME_MAX = 255


def path_problem(path: Path, exc: OSError) -> str:
    """What is wrong with ``path``, which failed with ``exc``, in words a user can act on."""
    if exc.errno == errno.ENAMETOOLONG:
        longest = max((len(os.fsencode(part)) for part in path.parts), default=0)
        limit = _name_max(path)
        if longest > limit:
            return (
                f"the file name is too long: {longest} bytes in one name, and the file system "
                f"takes at most {limit} (UTF-8: a Chinese character takes 3)"
            )
        return f"the path is too long: {len(os.fsencode(path))} bytes in all"
    if exc.errno == errno.ELOOP:
        return "it leads through a loop of symbolic links (a link that points back to itself)"
    return exc.strerror or str(exc)


def _name_max(path: Path) -> int:
    """The longest file name the file system under ``path`` takes (bytes)."""
    for folder in path.parents:
        try:
            return os.pathconf(folder, "PC_NAME_MAX")
        except (OSError, ValueError):
            continue
    return NAME_MAX


#: What a SQLite URL looks like, said when one is not.
_SQLITE_FORM = (
    "a SQLite URL is sqlite:///relative/path.db or sqlite:////absolute/path.db (SQLAlchemy's "
    "form: the path follows the third slash), or give the path itself"
)


#: The longest wait ``LEDGER_LOCK_TIMEOUT`` and ``LEDGER_CONNECT_TIMEOUT`` may ask for (a day;
#: PostgreSQL's ``lock_timeout`` is in milliseconds and stops near 24.8 days).
MAX_WAIT_SECONDS = 86_400


def lock_timeout(default: str = "10") -> str:
    """Seconds to wait for another writer's lock (``LEDGER_LOCK_TIMEOUT``), never forever."""
    return _seconds("LEDGER_LOCK_TIMEOUT", default)


def connect_timeout(default: str = "5") -> str:
    """Seconds to wait for a PostgreSQL server to answer (``LEDGER_CONNECT_TIMEOUT``); read
    for a PostgreSQL store only (a SQLite file has no server to wait for)."""
    return _seconds("LEDGER_CONNECT_TIMEOUT", default)


#: The most connections a command's pool may open at its start (``POSTGRES_POOL_SIZE``).
MAX_POOL_SIZE = 10


def pool_size(default: str = "0") -> str:
    """How many connections eventsourcing's pool opens at its start (``POSTGRES_POOL_SIZE``;
    read for a PostgreSQL store only). None by default since session 33: the pool makes one at
    the command's first request, and another only while the command holds one and asks for a
    second. eventsourcing's default, five, opened five with every command; one opened two, as
    the pool's start, not waited for, raced the first request (tester d, session 33)."""
    value = os.environ.get("POSTGRES_POOL_SIZE", "").strip() or default
    return _whole_number("POSTGRES_POOL_SIZE", value, 0, MAX_POOL_SIZE, "connections")


def _seconds(name: str, default: str) -> str:
    value = os.environ.get(name, default).strip()
    return _whole_number(name, value, 1, MAX_WAIT_SECONDS, "seconds")


def _whole_number(name: str, value: str, low: int, high: int, unit: str) -> str:
    """``value`` of the setting ``name`` as a whole number from ``low`` to ``high``, else
    refused naming it."""
    # isascii: str.isdigit() also holds for '²' or '٣', which int() does not take.
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise InputError(name, f"{value!r} is not a whole number of {unit} from {low} to {high}")
    return str(int(value))


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


#: What a PostgreSQL store looks like, said in every refusal of one.
_PG_FORM = (
    "a PostgreSQL store is postgresql://user:pass@host:port/db "
    "(percent-encode special characters in the password)"
)


#: Control characters, and the lone surrogates Python makes of bytes that are not UTF-8.
_NOT_URL_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _postgres(url: str) -> StoreLocation:
    # The refusals below never quote the URL: it holds the password, and a password with an
    # unencoded '/', '#', '?' or '@' is split into the host, the port or the path.
    if _NOT_URL_TEXT.search(url):
        raise InputError(
            "store", f"the URL holds a control character or bytes that are not UTF-8; {_PG_FORM}"
        )
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed '[' or a bracketed host that is no IP address
        raise InputError("store", f"the host is not a valid [IPv6] address; {_PG_FORM}") from None
    if "#" in url:
        raise InputError("store", f"the URL holds a '#' (in a password write it %23); {_PG_FORM}")
    if parts.query:
        # libpq's own parameters would be dropped without a word (?sslmode=require connected
        # in clear): libpq reads them from its environment variables, on every connection.
        raise InputError(
            "store",
            "the URL holds parameters after '?', which fupin does not read: set libpq's "
            "environment variables instead (PGSSLMODE=require, PGSSLROOTCERT=..., "
            f"docs/operations.md); a '?' in a password is written %3F; {_PG_FORM}",
        )
    dbname = parts.path.lstrip("/")
    if "@" in dbname or "/" in dbname:
        # postgresql://u:pa/ss@host/db: a '/' in the password made 'pa' the host.
        raise InputError(
            "store",
            f"the database name holds '@' or '/' (in a password write / as %2F); {_PG_FORM}",
        )
    try:
        port = parts.port
    except ValueError:  # not digits, or outside 0-65535
        port = 0
    if port == 0:
        raise InputError("store", f"the port is not a whole number from 1 to 65535; {_PG_FORM}")
    if not parts.hostname or not dbname:
        raise InputError("store", _PG_FORM)
    port = port or 5432
    # Decoded, each part is looked at again: libpq ends a value at a NUL ('anapw%00' was cut
    # to 'anapw' and connected; 'ana%00' asked for no password) and quotes a line feed back
    # over two lines. Named by its part alone, never shown: it may be the password.
    user = _decoded("user name", parts.username or "")
    password = _decoded("password", parts.password or "")
    _decoded("host", parts.hostname)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        # eventsourcing's recorder, inserting outside pipeline mode (ledger/pgrecorder.py).
        "APPLICATION_RECORDER_TOPIC": "ledger.pgrecorder:LedgerPostgresRecorder",
        "POSTGRES_DBNAME": _decoded("database name", dbname),
        "POSTGRES_HOST": parts.hostname,
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": user,
        "POSTGRES_PASSWORD": password,
        # Never wait forever: a held lock or a dead server becomes a clear error.
        "POSTGRES_LOCK_TIMEOUT": lock_timeout("5"),
        "POSTGRES_CONNECT_TIMEOUT": connect_timeout("5"),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "30",
        "POSTGRES_POOL_SIZE": pool_size(),
        "CREATE_TABLE": "y",
    }
    shown = f"postgresql://{parts.username or ''}@{url_host(parts.hostname)}:{port}/{dbname}"
    schema = _schema()
    if schema is not None:
        env["POSTGRES_SCHEMA"] = schema
        shown = f"{shown} (schema {schema})"
    return StoreLocation("postgres", shown, env, None)


def url_host(host: str) -> str:
    """``host`` as a URL writes it: an IPv6 address in brackets (``[::1]``), so the port
    after it reads as one (since session 22: ``postgresql://off2@::1:55432/fupin``)."""
    return f"[{host}]" if ":" in host else host


#: A schema's name as ``POSTGRES_SCHEMA`` may give it: an unquoted PostgreSQL identifier in
#: lower case (what the server folds a name to), so that it is written as it is everywhere.
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _schema() -> str | None:
    """The schema of a ledger that shares its database with others (``POSTGRES_SCHEMA``,
    docs/operations.md), or None for ``public``: every table of the ledger (its events, the
    household keys, the read models) lives there, and every connection searches it alone
    (``schema_options``)."""
    value = os.environ.get("POSTGRES_SCHEMA", "").strip()
    if value in ("", "public"):
        return None
    if not _SCHEMA_NAME.fullmatch(value) or value.startswith("pg_"):
        raise InputError(
            "POSTGRES_SCHEMA",
            f"{value!r} is not a schema fupin can use: write it in lower case, with letters a-z, "
            "digits and '_' (not first a digit, at most 63, not starting pg_)",
        )
    return value


def schema_options(env: dict[str, str]) -> str | None:
    """libpq's ``options`` for a connection to the store of ``env`` (its eventsourcing
    settings): the ledger's schema as the only one searched, after whatever ``PGOPTIONS``
    sets (the lock timeout, ``ledger.application.bound_every_lock_wait``), which an
    ``options`` given to a connection replaces. None when the ledger is in ``public``."""
    schema = env.get("POSTGRES_SCHEMA", "").strip()
    if schema in ("", "public"):
        return None
    return f"{os.environ.get('PGOPTIONS', '')} -c search_path={schema}".strip()


def _decoded(part: str, text: str) -> str:
    """``text`` percent-decoded, refused (naming only ``part``) if it holds a control
    character or bytes that are not UTF-8 (``unquote`` would make them U+FFFD unsaid)."""
    value = unquote(text, errors="surrogateescape")
    if _NOT_URL_TEXT.search(value):
        raise InputError(
            "store",
            f"the {part} holds a control character or bytes that are not UTF-8 once "
            f"percent-decoded (%00-%1F, %7F, an invalid UTF-8 sequence); {_PG_FORM}",
        )
    return value


#: How libpq says the server (or something between) closed the connection before answering,
#: and how a refusal to open or connect says it (docs/operations.md: libpq's rest guesses at a
#: crash, and the pool's "consuming input failed: " says nothing to an operator).
SERVER_CLOSED = "server closed the connection unexpectedly"
SERVER_CLOSED_SAID = (
    f"{SERVER_CLOSED} (it may have stopped or restarted): try again once it is back"
)


#: SQLSTATEs of a server that ended the session: an administrator's or a shutdown's
#: termination (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now) and
#: the connection-exception class (08xxx).
_SERVER_GONE_STATES = frozenset({"57P01", "57P02", "57P03"})

#: How libpq says the connection went away with no SQLSTATE (the server killed, the network
#: cut): "consuming input failed: server closed the connection unexpectedly", "the connection
#: is lost", "connection is closed", "SSL SYSCALL error: EOF detected".
_SERVER_GONE_WORDS = re.compile(
    r"server closed the connection|connection (?:is|was) lost|"
    r"consuming input failed|sending query failed|SSL SYSCALL error|no connection to the server",
    re.IGNORECASE,
)


#: How SQLite says a connection gave up waiting for another's write lock (its busy timeout,
#: ``LEDGER_LOCK_TIMEOUT``): the words of ``SQLITE_BUSY``.
SQLITE_LOCKED = "database is locked"


def sqlite_lock_held() -> str:
    """What a SQLite write refused behind another process's write lock says first, wherever
    it was refused (a save, an import, the read models' update: since session 21, before
    which each said it otherwise, and a save that the store was "busy or unreachable"). The
    wait is the one ``LEDGER_LOCK_TIMEOUT`` set (``lock_timeout``, read as the store was)."""
    try:
        waited = f" ({lock_timeout()} s)"
    except InputError:  # unreadable now: the store was opened with it read, so say no number
        waited = ""
    return f"another process held the store's write lock past LEDGER_LOCK_TIMEOUT{waited}"


def held_lock(reason: str) -> str | None:
    """The refusal of a statement PostgreSQL cancelled behind another session's lock
    (``lock_timeout``), or of a SQLite write that waited its busy timeout out behind another
    process's write lock (``database is locked``); None for any other reason: the server is
    reachable, and the operator looks in ``pg_stat_activity``, not at the network (tester L,
    session 18: a save said the store was "busy or unreachable"). A write refused so rolled
    back all it had done (a save, an import: one transaction)."""
    if SQLITE_LOCKED in reason:
        return f"{sqlite_lock_held()}; nothing was written: try again"
    if "lock timeout" not in reason:
        return None
    holder = last_holder()
    if holder is not None and holder.relation:
        # Who held it at the end, as the server named it while this waited (since session
        # 28; a save behind two locks was refused naming nobody).
        try:
            waited = f" ({lock_timeout('5')} s)"
        except InputError:
            waited = ""
        return f"{holder.who} held {holder.what} past LEDGER_LOCK_TIMEOUT{waited}; try again"
    return (
        f"another session held a lock this command needs past LEDGER_LOCK_TIMEOUT ({reason}); "
        "try again"
    )


#: SQLite's words for a disk that took no more (``SQLITE_FULL``), for a read or write the
#: system failed (``SQLITE_IOERR``: also a full disk on which SQLite could not make its 32 KiB
#: ``-shm`` file) and for a file it could not open (``SQLITE_CANTOPEN``).
SQLITE_FULL = "database or disk is full"
SQLITE_IOERR = "disk I/O error"
SQLITE_CANTOPEN = "unable to open database file"
#: Free space below which the disk holding a SQLite store counts as full: a catch-up's or an
#: import's transaction writes its pages to the -wal (4 KiB each), the -shm takes 32 KiB.
FULL_BELOW = 1 << 20


def free_bytes(folder: Path) -> int | None:
    """The bytes an unprivileged process may still write in ``folder``'s file system (None:
    the system would not say)."""
    try:
        found = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs (Windows), or a folder gone
        return None
    if found.f_flag & getattr(os, "ST_RDONLY", 0):
        return None  # a read-only mount (a CD, squashfs: 0 free) is not a full disk
    return found.f_bavail * found.f_frsize


def disk_full(reason: str, path: Path | None, shown: str) -> str | None:
    """The start of a refusal of SQLite's ``reason`` when a full disk is the cause (since
    session 26): "the disk holding <store> is full (<free> free; SQLite said: ...)". SQLite's
    "database or disk is full" always; "disk I/O error" or "unable to open database file"
    only when the store's folder has (almost) no free space (``FULL_BELOW``), for they have
    other causes too. None for any other reason or store (the caller says it its way)."""
    if path is None or not any(w in reason for w in (SQLITE_FULL, SQLITE_IOERR, SQLITE_CANTOPEN)):
        return None
    free = free_bytes(path.parent)
    if SQLITE_FULL not in reason and (free is None or free >= FULL_BELOW):
        return None
    left = "" if free is None else f"{_size(free)} free; "
    return f"the disk holding {shown} is full ({left}SQLite said: {reason})"


def _size(size: int) -> str:
    return f"{size} bytes" if size < 1024 else f"{size // 1024:,} KiB"


def pool_exhausted(text: str) -> bool:
    """Whether ``text`` (an error's message) is psycopg's pool giving up on a connection: the
    server stopped or restarted mid-command. ``fupin`` names the store and warns of a commit
    lost on the way (``cli.common``); verify stops as out of reach, not as a finding."""
    return "couldn't get a connection" in text


def lost_server(exc: BaseException) -> str | None:
    """If ``exc`` (or what it was raised from, e.g. eventsourcing's wrapping of psycopg's
    error) says the PostgreSQL server closed the connection mid-command, its first line; None
    for any other error (a defect, a refusal: never mapped)."""
    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        seen.add(id(found))
        if type(found).__module__.startswith("psycopg") and isinstance(found, Exception):
            state = getattr(found, "sqlstate", None) or ""
            text = str(found).strip()
            operational = any(c.__name__ == "OperationalError" for c in type(found).__mro__)
            if (
                state in _SERVER_GONE_STATES
                or (state.startswith("08") and state != _PROTOCOL_VIOLATION)
                or (operational and not state and _SERVER_GONE_WORDS.search(text))
            ):
                lines = [line.strip() for line in text.splitlines() if line.strip()]
                return lines[0] if lines else type(found).__name__
        # What it was raised from; what it was raised while handling only if not suppressed
        # (``raise … from None``: a command's own answer to the error, e.g. its exit code).
        found = found.__cause__ or (None if found.__suppress_context__ else found.__context__)
    return None


#: SQLSTATE class 53, insufficient resources: what the server says when it has no room on its
#: disk (53100 disk_full: "could not extend file …: No space left on device"), no memory
#: (53200) or reaches another of its limits (53000, 53400). 53300 too_many_connections is not
#: one of them here: the next try may find a free connection (``busy_hint``).
_SHORT_OF = {
    "53100": (
        "the disk of the PostgreSQL server of {shown} is full",
        ": free space on the server's disk (its data directory, pg_wal or the tablespace "
        "holding the ledger), then run the command again",
    ),
    "53200": (
        "the PostgreSQL server of {shown} ran out of memory",
        ": its administrator looks at the server's memory, then run the command again",
    ),
}
_SHORT_OTHERWISE = (
    "the PostgreSQL server of {shown} lacks the resources for this command",
    ": its administrator looks at the server, then run the command again",
)
_TOO_MANY_CONNECTIONS = "53300"


def server_short(exc: BaseException, shown: str) -> tuple[str, str] | None:
    """If ``exc`` (or what it was raised from, e.g. eventsourcing's wrapping of psycopg's
    error) is the PostgreSQL server short of a resource trying again does not give back
    (SQLSTATE class 53 but 53300; since session 26: a full disk said "internal error", exit
    1, or "the store is busy or unreachable (…); try again"): the start of its refusal, which
    names the server of ``shown`` and keeps PostgreSQL's words and HINT on one line, and what
    to do, to follow what was written. None for any other error."""
    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        seen.add(id(found))
        state = getattr(found, "sqlstate", None) or ""
        if type(found).__module__.startswith("psycopg") and state.startswith("53"):
            if state == _TOO_MANY_CONNECTIONS:
                return None
            diag = getattr(found, "diag", None)
            primary = getattr(diag, "message_primary", None)
            lines = [line.strip() for line in str(found).splitlines() if line.strip()]
            said = primary or (lines[0] if lines else type(found).__name__)
            hint = getattr(diag, "message_hint", None)
            if hint:
                said = f"{said}; HINT: {hint}"
            lead, after = _SHORT_OF.get(state, _SHORT_OTHERWISE)
            return f"{lead.format(shown=shown)} (PostgreSQL said: {said})", after
        found = found.__cause__ or (None if found.__suppress_context__ else found.__context__)
    return None


#: SQLSTATE 08P01 protocol_violation: in class 08, but a client's defect, not a lost server.
_PROTOCOL_VIOLATION = "08P01"


def busy_hint(reason: str) -> str:
    """What to add to a refusal to open a PostgreSQL store whose server turned the connection
    away for now: every connection in use (``max_connections``), or none to be had from the
    pool in time. "" for any other reason (tester S, session 19: thirty commands at once met
    "sorry, too many clients already", said without a word of trying again)."""
    if "too many clients" in reason or "remaining connection slots" in reason:
        return (
            ": the server's connections are all in use (PostgreSQL's max_connections); try "
            "again in a moment (docs/operations.md says how many a command takes)"
        )
    if pool_exhausted(reason):
        return "; try again"
    if "could not write init file" in reason or "No space left on device" in reason:
        # The relation cache's init file, written at a session's first connection after a
        # restart or a catalog change; with SQLSTATE XX000, not class 53 (re-test G2,
        # session 26: a full disk read as "cannot connect", with no word of the disk).
        return (
            ": the PostgreSQL server's disk is probably full (it could not write a file at "
            "this connection's start); nothing was written: free space on the server's disk "
            "(its data directory, pg_wal or the tablespace holding the ledger), then run the "
            "command again"
        )
    return ""


def server_gone_message(
    reason: str, lead: str = "the server closed the connection", *, saved: bool = True
) -> str:
    """The refusal (field ``store``) of a command whose server closed the connection (or,
    ``lead``, could no longer be reached). A command that had begun no save (``saved``
    false: a read, an export, a report's catch-up, a rebuild) recorded nothing, and is told
    so, not to look for what it may have recorded (since session 28, tester G: an
    ``export events -o`` was)."""
    if not saved:
        return (
            f"{lead} ({reason}); this command had begun no save, so nothing was recorded in the "
            "ledger (the read models are brought up to date by the next command that reads "
            "them, and a file it was writing was left as it was): run it again once the "
            "server is back"
        )
    return (
        f"{lead} ({reason}); a transaction it had not committed was "
        "rolled back, but one lost while committing may have been recorded: if this command "
        "records something, look with `fupin log` (or `history`) before trying again once the "
        "server is back; after `projections rebuild`, run it again"
    )
