"""Throwaway PostgreSQL servers for tests and benchmarks.

Usage::

    from tests.pgserver import ThrowawayPostgres

    with ThrowawayPostgres(fast=True) as pg:
        pg.dsn              # postgresql://test:<password>@127.0.0.1:<port>/test
        pg.host, pg.port, pg.user, pg.password, pg.dbname
        info = pg.create_database("other")     # -> PgConnInfo (.dsn, .eventsourcing_env())
        role = pg.create_role("reader")        # -> PgConnInfo for a new LOGIN role

Each server is a brand-new cluster (``initdb``) in a private temporary directory,
listening only on ``127.0.0.1`` on a free port (plus a unix socket in that directory).
The bootstrap superuser is created by ``initdb`` itself with a random password and
``scram-sha-256`` authentication for every connection, local or TCP.  On exit the server
is stopped with ``pg_ctl stop -m immediate`` and the directory is removed; a
``weakref.finalize`` hook does the same at interpreter exit if ``stop()`` was never called.
A watchdog process (``python -I -c ...`` in its own session) does the same if the owning
process dies without doing it, even by SIGKILL: it waits for EOF on a pipe only the owner
holds.

``fast=False`` (the default) leaves durability settings alone (``fsync=on``), which is what
benchmarks want.  ``fast=True`` sets ``fsync=off``, ``synchronous_commit=off`` and
``full_page_writes=off``, which is what unit tests want, and puts the cluster on the
``/dev/shm`` tmpfs when that has 2 GiB free (creating a database there takes ~25 ms
instead of ~250 ms on a VM disk).

Running as root: ``initdb``, ``pg_ctl`` and ``postgres`` refuse to run as root, so when
this module runs as root it runs them as an unprivileged OS user (``subprocess``'s
``user=``/``group=``, no ``runuser``/``su`` needed).  The user is, in order: the one named
by ``$PGSERVER_OS_USER``; ``postgres`` if it exists; otherwise ``pgthrowaway``, which is
created on first use with ``useradd --system`` (no home directory, no login shell).
Nothing is created when not running as root: the server then runs as the current user.

Binaries: ``find_pg_bin()`` looks at ``/usr/lib/postgresql/<version>/bin`` (highest
version first), then ``PATH``; ``$PGSERVER_BIN`` (a directory) overrides both.  On Debian
they come from ``apt-get install -y postgresql`` (or ``postgresql-15``).

``python -m tests.pgserver`` starts and stops one server and prints what it did, as a
smoke check (exit status 1 if PostgreSQL is unavailable or fails to start).
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self
from urllib.parse import quote

import psycopg
from psycopg import sql

__all__ = [
    "PgConnInfo",
    "PostgresStartError",
    "PostgresUnavailableError",
    "ThrowawayPostgres",
    "find_pg_bin",
    "in_ci",
    "postgres_available",
    "require_postgres",
]

log = logging.getLogger(__name__)

REQUIRED_BINARIES = ("initdb", "pg_ctl", "postgres")
DEBIAN_PG_GLOB = "/usr/lib/postgresql/*/bin"
DEDICATED_OS_USER = "pgthrowaway"
FAST_SETTINGS: Mapping[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
# fast=True puts the cluster on this tmpfs when it has room (CREATE DATABASE: ~25 ms there
# against ~250 ms on this VM's disk, even with fsync=off).
SHM_DIR = Path("/dev/shm")
_SHM_MIN_FREE = 2 << 30
# A unix socket path must fit in sockaddr_un.sun_path (108 bytes on Linux).
_MAX_SOCKET_PATH = 100
_BIND_FAILURE_MARKERS = ("could not bind", "Address already in use", "could not create any TCP")


class PostgresUnavailableError(RuntimeError):
    """PostgreSQL binaries (or a user to run them as) are not available here."""


class PostgresStartError(RuntimeError):
    """The throwaway server could not be initialised or did not become ready."""


def in_ci() -> bool:
    """True when the ``CI`` environment variable is set to anything non-empty."""
    return bool(os.environ.get("CI"))


def _version_key(bindir: str) -> tuple[int, ...]:
    version = Path(bindir).parent.name  # /usr/lib/postgresql/<version>/bin
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (-1,)


def _has_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in REQUIRED_BINARIES)


def find_pg_bin() -> Path | None:
    """Directory holding ``initdb``, ``pg_ctl`` and ``postgres``, or None.

    Looks at ``/usr/lib/postgresql/*/bin`` (highest version first), then at the ``PATH``
    directory that has ``initdb``.  ``$PGSERVER_BIN``, if set, is the only place looked at.
    """
    override = os.environ.get("PGSERVER_BIN")
    if override:
        return Path(override) if _has_binaries(Path(override)) else None
    candidates: list[Path] = []
    candidates.extend(
        Path(d) for d in sorted(glob.glob(DEBIAN_PG_GLOB), key=_version_key, reverse=True)
    )
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)
    for bindir in candidates:
        if _has_binaries(bindir):
            return bindir
    return None


def _resolve_os_user() -> tuple[pwd.struct_passwd | None, str]:
    """The OS user to run the server as (None means: the current user), and why.

    Only when running as root is another user chosen; it may still need creating, in
    which case the returned entry is None and the reason names the user to create.
    """
    if os.geteuid() != 0:
        return None, "not root: runs as the current user"
    name = os.environ.get("PGSERVER_OS_USER") or ""
    candidates = [name] if name else ["postgres", DEDICATED_OS_USER]
    for candidate in candidates:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(candidate), f"root: runs as OS user {candidate!r}"
    return None, f"root: OS user {candidates[-1]!r} must be created"


def postgres_available() -> tuple[bool, str]:
    """Whether a throwaway server can be started here, and a reason if not."""
    bindir = find_pg_bin()
    if bindir is None:
        return False, (
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
            + (
                f"$PGSERVER_BIN={os.environ['PGSERVER_BIN']}"
                if os.environ.get("PGSERVER_BIN")
                else f"{DEBIAN_PG_GLOB} or PATH"
            )
            + "; on Debian: apt-get install postgresql"
        )
    entry, reason = _resolve_os_user()
    if os.geteuid() == 0 and entry is None and shutil.which("useradd") is None:
        return False, f"{reason}, but useradd is not available (or set PGSERVER_OS_USER)"
    return True, f"binaries in {bindir}; {reason}"


def require_postgres() -> None:
    """Raise PostgresUnavailableError (with the reason) unless postgres_available()."""
    ok, reason = postgres_available()
    if not ok:
        raise PostgresUnavailableError(reason)


def _ensure_os_user() -> pwd.struct_passwd | None:
    """The OS user to run the server as, creating the dedicated one if needed (root only)."""
    entry, _ = _resolve_os_user()
    if entry is not None or os.geteuid() != 0:
        return entry
    name = os.environ.get("PGSERVER_OS_USER") or DEDICATED_OS_USER
    useradd = shutil.which("useradd")
    if useradd is None:
        raise PostgresUnavailableError(f"OS user {name!r} does not exist and useradd is missing")
    result = subprocess.run(
        [
            useradd,
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            "--comment",
            "throwaway PostgreSQL servers for tests",
            name,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:  # A concurrent test process may have created it first: that's fine.
        return pwd.getpwnam(name)
    except KeyError:
        msg = f"could not create OS user {name!r}: {result.stderr.strip() or result.returncode}"
        raise PostgresUnavailableError(msg) from None


def _check_traversable(path: Path, entry: pwd.struct_passwd) -> None:
    """Fail clearly if ``entry``'s user cannot reach ``path`` (e.g. TMPDIR under /root)."""
    for parent in path.parents:
        st = parent.stat()
        if st.st_uid == entry.pw_uid:
            ok = bool(st.st_mode & stat.S_IXUSR)
        elif st.st_gid == entry.pw_gid:
            ok = bool(st.st_mode & stat.S_IXGRP)
        else:
            ok = bool(st.st_mode & stat.S_IXOTH)
        if not ok:
            msg = (
                f"OS user {entry.pw_name!r} cannot enter {parent}, which holds the server's "
                f"directory {path}; pass base_dir= or set TMPDIR to e.g. /tmp"
            )
            raise PostgresStartError(msg)


def _default_base_dir(fast: bool) -> Path:
    if fast:
        with contextlib.suppress(OSError):
            st = os.statvfs(SHM_DIR)
            if st.f_bavail * st.f_frsize >= _SHM_MIN_FREE and os.access(SHM_DIR, os.W_OK):
                return SHM_DIR
    return Path(tempfile.gettempdir())


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, lines: int) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"<no log: {exc}>"
    return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class PgConnInfo:
    """Where and as whom to connect: one database, one role."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    dbname: str

    @property
    def dsn(self) -> str:
        """``postgresql://user:password@host:port/dbname`` (parts percent-encoded)."""
        return (
            f"postgresql://{quote(self.user, safe='')}:{quote(self.password, safe='')}"
            f"@{self.host}:{self.port}/{quote(self.dbname, safe='')}"
        )

    def eventsourcing_env(self, **extra: str) -> dict[str, str]:
        """Environment for an eventsourcing Application using this database."""
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_DBNAME": self.dbname,
        }
        env.update(extra)
        return env


# Runs beside each server in its own session, holding the read end of a pipe whose write
# end only the owning process has: EOF means the owner has finished or died (even by
# SIGKILL), and then the server is stopped and its directory removed if still there.
_WATCHDOG = """
import os, shutil, subprocess, sys
pg_ctl, root, uid, gid, keep = sys.argv[1:6]
sys.stdin.buffer.read()
data = os.path.join(root, "data")
kw = {"user": int(uid), "group": int(gid), "extra_groups": []} if uid != "-1" else {}
if os.path.exists(os.path.join(data, "postmaster.pid")):
    subprocess.run([pg_ctl, "stop", "-D", data, "-m", "immediate", "-w", "-t", "30"],
                   cwd="/", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
if keep != "1":
    shutil.rmtree(root, ignore_errors=True)
"""


def _start_watchdog(
    pg_ctl: Path, root: Path, entry: pwd.struct_passwd | None, keep_dir: bool
) -> subprocess.Popen[bytes] | None:
    uid, gid = (entry.pw_uid, entry.pw_gid) if entry is not None else (-1, -1)
    cmd = [sys.executable, "-I", "-c", _WATCHDOG, str(pg_ctl), str(root), str(uid), str(gid)]
    try:
        return subprocess.Popen(
            [*cmd, "1" if keep_dir else "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            start_new_session=True,
        )
    except OSError as exc:  # cleanup then relies on stop() / interpreter exit only
        log.warning("no watchdog for %s: %s", root, exc)
        return None


@dataclass
class _Resources:
    """What a running server holds; kept apart from the instance for weakref.finalize."""

    pg_ctl: Path
    root_dir: Path
    log_file: IO[bytes]
    run_as: dict[str, Any]
    keep_dir: bool
    proc: subprocess.Popen[bytes] | None = None
    watchdog: subprocess.Popen[bytes] | None = None


def _shutdown(res: _Resources) -> None:
    """Stop the server (immediate mode) and remove its directory. Never raises."""
    proc = res.proc
    if proc is not None and proc.poll() is None:
        cmd = [str(res.pg_ctl), "stop", "-D", str(res.root_dir / "data"), "-m", "immediate"]
        try:
            subprocess.run(
                [*cmd, "-w", "-t", "30"],
                cwd=res.root_dir,
                capture_output=True,
                timeout=60,
                check=False,
                **res.run_as,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("pg_ctl stop failed: %s", exc)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    res.log_file.close()
    if not res.keep_dir:
        shutil.rmtree(res.root_dir, ignore_errors=True)
    if res.watchdog is not None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            assert res.watchdog.stdin is not None
            res.watchdog.stdin.close()  # the watchdog finds nothing left to do, and exits
            res.watchdog.wait(timeout=10)


class ThrowawayPostgres:
    """A fresh PostgreSQL cluster on 127.0.0.1, for the duration of a ``with`` block.

    ``__enter__`` starts the server and returns the instance itself; read ``dsn`` (or the
    pieces ``host``, ``port``, ``user``, ``password``, ``dbname``, or ``info``) from it.
    """

    def __init__(
        self,
        *,
        fast: bool = False,
        user: str = "test",
        password: str | None = None,
        dbname: str = "test",
        host: str = "127.0.0.1",
        port: int = 0,
        settings: Mapping[str, str | int] | None = None,
        startup_timeout: float = 30.0,
        base_dir: str | os.PathLike[str] | None = None,
        pg_bin: str | os.PathLike[str] | None = None,
        keep_dir: bool = False,
    ) -> None:
        """Configure (but do not start) a server.

        ``port=0`` picks a free port (retrying if another process grabs it first).
        ``settings`` are extra ``postgresql.conf`` settings (they override ``fast``'s).
        ``base_dir`` holds the server's directory; by default ``/dev/shm`` when ``fast``
        and it has 2 GiB free, else ``tempfile.gettempdir()`` (``$TMPDIR`` or ``/tmp``).
        ``keep_dir=True`` leaves the directory (data and ``server.log``) for inspection.
        """
        self.fast = fast
        self.host = host
        self.port = port
        self.user = user
        self.password = password if password is not None else secrets.token_hex(16)
        self.dbname = dbname
        self.startup_timeout = startup_timeout
        self.keep_dir = keep_dir
        self.settings: dict[str, str] = dict(FAST_SETTINGS) if fast else {}
        self.settings.update({k: str(v) for k, v in (settings or {}).items()})
        self._base_dir = Path(base_dir) if base_dir is not None else None
        self._pg_bin = Path(pg_bin) if pg_bin is not None else None
        self._fixed_port = port != 0
        self._res: _Resources | None = None
        self._finalizer: weakref.finalize[[_Resources], ThrowawayPostgres] | None = None
        self.root_dir: Path | None = None
        #: Seconds taken by initdb, and from launching postgres until it accepted a login.
        self.initdb_seconds = 0.0
        self.ready_seconds = 0.0

    # -- paths and connection info -------------------------------------------------------

    @property
    def bindir(self) -> Path:
        if self._pg_bin is None:
            self._pg_bin = find_pg_bin()
            if self._pg_bin is None:
                raise PostgresUnavailableError(postgres_available()[1])
        return self._pg_bin

    @property
    def data_dir(self) -> Path:
        return self._root() / "data"

    @property
    def log_path(self) -> Path:
        return self._root() / "server.log"

    def _root(self) -> Path:
        if self.root_dir is None:
            raise RuntimeError("server not started")
        return self.root_dir

    @property
    def info(self) -> PgConnInfo:
        return self.conninfo()

    @property
    def dsn(self) -> str:
        return self.info.dsn

    def conninfo(
        self, dbname: str | None = None, user: str | None = None, password: str | None = None
    ) -> PgConnInfo:
        """Connection info for this server; defaults to the superuser and default database."""
        if self.port == 0:
            raise RuntimeError("server not started")
        return PgConnInfo(
            host=self.host,
            port=self.port,
            user=self.user if user is None else user,
            password=self.password if password is None else password,
            dbname=self.dbname if dbname is None else dbname,
        )

    def dsn_for(
        self, dbname: str | None = None, user: str | None = None, password: str | None = None
    ) -> str:
        return self.conninfo(dbname, user, password).dsn

    @property
    def running(self) -> bool:
        proc = self._res.proc if self._res is not None else None
        return proc is not None and proc.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log_path, lines)

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> Self:
        """initdb, start postgres, wait until it accepts a login, create the database."""
        if self.root_dir is not None:
            raise RuntimeError("ThrowawayPostgres instances are single-use")
        bindir = self.bindir
        entry = _ensure_os_user()
        run_as: dict[str, Any] = {}
        if entry is not None:
            run_as = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        base = self._base_dir or _default_base_dir(self.fast)
        root = Path(tempfile.mkdtemp(prefix="pgserver-", dir=base)).resolve()
        self.root_dir = root
        log_file = open(root / "server.log", "ab")  # noqa: SIM115 - closed by _shutdown
        self._res = _Resources(bindir / "pg_ctl", root, log_file, run_as, self.keep_dir)
        self._finalizer = weakref.finalize(self, _shutdown, self._res)
        self._res.watchdog = _start_watchdog(bindir / "pg_ctl", root, entry, self.keep_dir)
        try:
            if entry is not None:
                os.chown(root, entry.pw_uid, entry.pw_gid)
                os.chown(root / "server.log", entry.pw_uid, entry.pw_gid)
                _check_traversable(root, entry)
            self._initdb(bindir, root, run_as)
            self._launch(bindir, root, log_file, run_as)
            self._create_default_database()
        except BaseException:
            self.stop()
            raise
        log.info(
            "PostgreSQL ready on %s:%s (initdb %.2fs, start %.2fs)",
            self.host,
            self.port,
            self.initdb_seconds,
            self.ready_seconds,
        )
        return self

    def stop(self) -> None:
        """Stop the server (``pg_ctl stop -m immediate``) and remove its directory."""
        if self._finalizer is not None:
            self._finalizer()

    def _env(self) -> dict[str, str]:
        # PG* variables (PGDATA, PGPORT, ...) would change what the tools do; messages in
        # English so that bind failures can be recognised in the log.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update({"LC_ALL": "C", "LANG": "C"})
        return env

    def _initdb(self, bindir: Path, root: Path, run_as: dict[str, Any]) -> None:
        pwfile = root / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        pwfile.chmod(0o600)
        if run_as:
            os.chown(pwfile, run_as["user"], run_as["group"])
        cmd = [
            str(bindir / "initdb"),
            "--pgdata",
            str(root / "data"),
            "--username",
            self.user,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
        ]
        if self.fast:
            cmd.append("--no-sync")
        started = time.monotonic()
        try:
            result = subprocess.run(
                cmd,
                cwd=root,
                env=self._env(),
                capture_output=True,
                text=True,
                timeout=max(self.startup_timeout, 60.0),
                check=False,
                **run_as,
            )
        except subprocess.TimeoutExpired as exc:
            raise PostgresStartError(f"initdb timed out: {exc}") from None
        finally:
            pwfile.unlink(missing_ok=True)
        self.initdb_seconds = time.monotonic() - started
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()
            msg = f"initdb failed (exit {result.returncode}): {' '.join(cmd)}\n{output}"
            raise PostgresStartError(msg)

    def _launch(
        self, bindir: Path, root: Path, log_file: IO[bytes], run_as: dict[str, Any]
    ) -> None:
        socket_dir = str(root) if len(str(root)) < _MAX_SOCKET_PATH - 20 else ""
        attempts = 1 if self._fixed_port else 5
        for attempt in range(1, attempts + 1):
            if not self._fixed_port:
                self.port = _free_port(self.host)
            settings = {
                "listen_addresses": self.host,
                "port": str(self.port),
                "unix_socket_directories": socket_dir,
                **self.settings,
            }
            cmd = [str(bindir / "postgres"), "-D", str(root / "data")]
            for name, value in settings.items():
                cmd += ["-c", f"{name}={value}"]
            log_file.write(f"--- launch attempt {attempt}: port {self.port}\n".encode())
            log_file.flush()
            log_offset = log_file.tell()
            started = time.monotonic()
            proc = subprocess.Popen(
                cmd,
                cwd=root,
                env=self._env(),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                **run_as,
            )
            assert self._res is not None
            self._res.proc = proc
            if self._wait_ready(proc, started, log_offset, retry_bind=attempt < attempts):
                self.ready_seconds = time.monotonic() - started
                return
            log.info("port %s was taken, retrying", self.port)

    def _wait_ready(
        self, proc: subprocess.Popen[bytes], started: float, log_offset: int, *, retry_bind: bool
    ) -> bool:
        """True when a login works; False if postgres exited because the port was taken."""
        deadline = started + self.startup_timeout
        delay = 0.01
        last_error = ""
        while True:
            code = proc.poll()
            if code is not None:
                with open(self.log_path, "rb") as fh:
                    fh.seek(log_offset)
                    new_log = fh.read().decode("utf-8", errors="replace")
                if retry_bind and any(m in new_log for m in _BIND_FAILURE_MARKERS):
                    return False
                msg = (
                    f"postgres exited with status {code} during startup "
                    f"(port {self.port}); server log tail:\n{self.log_tail()}"
                )
                raise PostgresStartError(msg)
            try:
                with psycopg.connect(
                    self.dsn_for(dbname="postgres"), connect_timeout=2, autocommit=True
                ):
                    return True
            except psycopg.OperationalError as exc:
                last_error = str(exc).strip()
            if time.monotonic() > deadline:
                msg = (
                    f"postgres did not accept a login on {self.host}:{self.port} within "
                    f"{self.startup_timeout:g}s (last error: {last_error}); "
                    f"server log tail:\n{self.log_tail()}"
                )
                raise PostgresStartError(msg)
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    # -- administration ---------------------------------------------------------------------

    def connect(self, dbname: str | None = None) -> psycopg.Connection[tuple[Any, ...]]:
        """A new autocommit connection as the superuser (to ``dbname`` or the default)."""
        return psycopg.connect(self.dsn_for(dbname=dbname), autocommit=True)

    def _create_default_database(self) -> None:
        if self.dbname != "postgres":
            self.create_database(self.dbname)

    def create_database(
        self,
        name: str,
        *,
        owner: str | None = None,
        template: str = "template0",
        strategy: str | None = None,
    ) -> PgConnInfo:
        """CREATE DATABASE ``name`` (from template0 by default); returns its conninfo.

        ``strategy`` (``"wal_log"``, the default since 15, or ``"file_copy"``) is ignored on
        servers older than PostgreSQL 15.
        """
        query = sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(owner or self.user), sql.Identifier(template)
        )
        with self.connect(dbname="postgres") as conn:
            if strategy and conn.info.server_version >= 150000:
                query = sql.SQL("{} STRATEGY {}").format(query, sql.Identifier(strategy.lower()))
            conn.execute(query)
        return self.conninfo(dbname=name)

    def drop_database(self, name: str, *, force: bool = True) -> None:
        """DROP DATABASE IF EXISTS ``name``; ``force`` first ends its open connections."""
        with self.connect(dbname="postgres") as conn:
            if force and conn.info.server_version < 130000:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (name,),
                )
            with_force = force and conn.info.server_version >= 130000
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}{}").format(
                    sql.Identifier(name), sql.SQL(" WITH (FORCE)" if with_force else "")
                )
            )

    def create_role(
        self,
        name: str,
        password: str | None = None,
        *,
        superuser: bool = False,
        createdb: bool = False,
        login: bool = True,
        dbname: str | None = None,
    ) -> PgConnInfo:
        """CREATE ROLE with a password (random unless given); returns conninfo for it.

        The role gets CONNECT on every database through PUBLIC, as usual, but no
        privileges on tables: GRANT what a test needs with ``connect()``.
        """
        password = password if password is not None else secrets.token_hex(16)
        options = [
            "SUPERUSER" if superuser else "NOSUPERUSER",
            "CREATEDB" if createdb else "NOCREATEDB",
            "LOGIN" if login else "NOLOGIN",
        ]
        query = sql.SQL("CREATE ROLE {} WITH {} PASSWORD {}").format(
            sql.Identifier(name), sql.SQL(" ".join(options)), sql.Literal(password)
        )
        with self.connect(dbname="postgres") as conn:
            conn.execute(query)
        return self.conninfo(dbname=dbname, user=name, password=password)


def main() -> int:
    """Smoke check: start a server, run a query, stop it, report timings."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.pgserver", description=main.__doc__)
    parser.add_argument("--fast", action="store_true", help="fsync=off etc.")
    parser.add_argument("--hold", action="store_true", help="keep running until Ctrl-C")
    args = parser.parse_args()
    ok, reason = postgres_available()
    print(f"available: {ok} ({reason})")
    if not ok:
        return 1
    started = time.monotonic()
    try:
        with ThrowawayPostgres(fast=args.fast) as pg:
            with pg.connect() as conn:
                row = conn.execute("SELECT version()").fetchone()
            print(f"server: {row[0] if row else '?'}")
            print(
                f"ready in {time.monotonic() - started:.2f}s "
                f"(initdb {pg.initdb_seconds:.2f}s, start {pg.ready_seconds:.2f}s)"
            )
            print(f"dsn: {pg.dsn}")
            if args.hold:
                with contextlib.suppress(KeyboardInterrupt):
                    while pg.running:
                        time.sleep(1)
    except PostgresStartError as exc:
        print(f"error: {exc}")
        return 1
    print(f"stopped; total {time.monotonic() - started:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
