"""Console entry point of ``fupin``: the top-level help from a cache, all else from ``cli.main``.

``fupin --help`` and bare ``fupin`` (the same help, exit code 2) would import typer's rich help
renderer, rich and markdown-it to print the same bytes each time. A miss renders them as usual
while keeping a copy of the bytes (``cli.help_store``); a hit writes that copy back, importing
nothing that Python has not imported at startup. An entry is used only while all that its
rendering depended on is unchanged:

* its key (``help_key``, also its file name): the arguments and program name; the Python
  (version, executable, flags, ``sys.path``); the terminal (the size of fd 0, 1 and 2, which
  rich tries in turn; whether stdout and stderr are terminals, their encoding and error handler);
  every environment variable that typer, rich or Python read for it (``ENV_NAMES``,
  ``ENV_PREFIXES``);
* the bytes of every ``cli/*.py`` file;
* (inode, size, mtime) of every module file the rendering imported (typer, rich, the standard
  library...) and of each ``sys.path`` directory, whose mtime changes when a package is
  installed or removed.

Entries live in ``$XDG_CACHE_HOME/fupin`` (default ``~/.cache/fupin``); ``FUPIN_NO_HELP_CACHE=1``
turns the cache off. A cache that cannot be read or written is never an error, only a miss.
This module is compiled at every run where bytecode is not written: keep it short.
"""

from __future__ import annotations

import io
import marshal
import os
import sys

TYPE_CHECKING = False  # ``typing`` alone takes longer to import than this module
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import BinaryIO, NoReturn

#: Changes whenever the layout of an entry changes. 2: no ``LEDGER_*`` value in the key (entries
#: of 1 may hold the master key: ``cli.help_store.prune`` removes them).
FORMAT = "fupin-help-cache 2"

#: Arguments (after the program name) whose output is cached -> the exit code of that output.
CACHED_ARGS: dict[tuple[str, ...], int] = {("--help",): 0, (): 2}

#: Environment variables read by rich (size, colours, terminal, width of CJK characters),
#: typer.rich_utils (width, forced terminal) and gettext (typer's "Usage:", "Options"...);
#: tests/cli/test_help_cache.py checks that typer and rich read no other.
ENV_NAMES = frozenset(
    (
        *("COLUMNS", "LINES", "JUPYTER_COLUMNS", "JUPYTER_LINES", "DATABRICKS_RUNTIME_VERSION"),
        *("NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM", "TTY_COMPATIBLE", "TTY_INTERACTIVE"),
        *("UNICODE_VERSION", "TERMINAL_WIDTH", "GITHUB_ACTIONS", "PY_COLORS", "LANGUAGE", "LANG"),
    )
)
#: ... and every variable whose name starts with one of these (the locale, Python's own,
#: typer's). Never the CLI's own ``LEDGER_*``: the help reads none of them (``--help`` is eager,
#: and exits before any option reads its variable; a bare ``fupin`` prints the help before
#: parsing), and they hold secrets (``LEDGER_MASTER_KEY``, a store URL's password) that an
#: entry, a file in the user's home, would keep in clear long after they were rotated.
ENV_PREFIXES = ("LC_", "PYTHON", "TYPER", "_TYPER", "RICH", "CLICK", "FUPIN")

PROJECT_DIR = os.path.dirname(os.path.abspath(__file__))


def run() -> None:
    """Console entry point (``[project.scripts]``): the cached help, or ``cli.main.run``."""
    stop_on_closed_pipe()
    stop_on_term()
    args = tuple(sys.argv[1:])
    expected = CACHED_ARGS.get(args)
    if expected is not None and cacheable(os.environ):
        try:
            key = help_key(args, os.path.basename(sys.argv[0]), os.environ)
            path = entry_path(cache_dir(os.environ), key)
            cached = lookup(path, key, PROJECT_DIR)
        except Exception:  # no usable cache: render as usual
            pass
        else:
            if cached is not None:
                replay(*cached)
            try:
                from cli import help_store

                help_store.render_and_store(path, key, expected)
            except KeyboardInterrupt:
                interrupted_at_start()
            return
    try:
        from cli import main
    except KeyboardInterrupt:  # Ctrl-C while the command's modules load (~0.3 s)
        interrupted_at_start()

    try:
        main.run()
    except KeyboardInterrupt:  # before the command's own handling was in place (its imports)
        interrupted_at_start()
    except SystemExit as exc:
        if exc.code not in main.INTERRUPTED:  # done and said, or refused, or failed
            main.ignore_stop_signals()  # a signal now would kill it mid-exit (re-test N)
        raise


def interrupted_at_start() -> NoReturn:
    """Ctrl-C before the command began: said in the one line a command stopped before any
    commit says (docs/operations.md), exit 130, not Python's traceback (since session 37,
    tester k F13: 9 to 37 lines of it, ending in KeyboardInterrupt)."""
    sys.stderr.write("interrupted: nothing was committed\n")
    sys.stderr.flush()
    raise SystemExit(130)


def stop_on_term() -> None:
    """``SIGTERM`` (``kill``, ``timeout``, systemd, a cancelled job) stops ``fupin`` as Ctrl-C
    does, through the command's own clean-up: a new ledger's tables dropped, a staged file
    removed, transactions rolled back (tester L, session 22: a demo killed so left 97 % of
    its history on PostgreSQL, read as a finished ledger). It exits with the status a shell
    gives a process the signal ended (143)."""
    import signal

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def stop_on_closed_pipe() -> None:
    """A reader that stops reading (``fupin log | head -1``) stops ``fupin`` as it stops any
    Unix tool: by ``SIGPIPE`` (the shell's status 141), with nothing said. Python ignores the
    signal, and rich and click then exit 1, which the docs give to a defect or a problem found
    (a monitoring script's alarm). Sockets are not affected: libpq sends without the signal."""
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def cacheable(environ: Mapping[str, str]) -> bool:
    """False where the cache is off, or where output may not be plain bytes on stdout and
    stderr (Windows consoles, shell completion, replaced or closed streams)."""
    if environ.get("FUPIN_NO_HELP_CACHE") or sys.platform == "win32":
        return False
    if any(name.startswith("_") and name.endswith("_COMPLETE") for name in environ):
        return False
    return all(
        isinstance(stream, io.TextIOWrapper) and not stream.closed
        for stream in (sys.stdout, sys.stderr)
    )


def help_key(args: Sequence[str], prog: str, environ: Mapping[str, str]) -> str:
    """Everything but files that the help rendering of ``args`` depends on."""
    env = sorted(
        (name, value)
        for name, value in environ.items()
        if name in ENV_NAMES or name.startswith(ENV_PREFIXES)
    )
    python = (sys.version, sys.executable, sys.prefix, tuple(sys.flags), tuple(sys.path))
    parts = [FORMAT, tuple(args), prog, python, env, terminal_state()]
    if not all(os.path.isabs(entry) for entry in sys.path):  # imports relative to the cwd
        parts.append(os.getcwd())
    return repr(parts)


def terminal_state() -> list[object]:
    """The size of each standard descriptor (rich takes the first that answers), and whether
    stdout and stderr are terminals and how they encode."""
    state: list[object] = []
    for stream, fallback in ((sys.__stdin__, 0), (sys.__stdout__, 1), (sys.__stderr__, 2)):
        fd = _fileno(stream, fallback)
        try:
            state.append((fd, tuple(os.get_terminal_size(fd))))
        except (AttributeError, ValueError, OSError):
            state.append((fd, None))
    for output in (sys.stdout, sys.stderr):
        assert isinstance(output, io.TextIOWrapper)
        state.append((output.isatty(), output.encoding, output.errors, os.linesep))
    return state


def _fileno(stream: object, fallback: int) -> int:
    """The descriptor of a standard stream, as rich.console finds it."""
    try:
        return int(stream.fileno())  # type: ignore[attr-defined]
    except Exception:
        return fallback


def cache_dir(environ: Mapping[str, str]) -> str:
    """``$XDG_CACHE_HOME/fupin``, or ``~/.cache/fupin`` (the XDG default)."""
    base = environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative path is to be ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):  # no home directory: no cache, rather than one in the cwd
        raise OSError("no cache directory")
    return os.path.join(base, "fupin")


def entry_path(directory: str, key: str) -> str:
    """The entry of ``key``, named by its 64-bit FNV-1a hash (``zlib`` or ``hashlib`` would take
    longer to import); the key is in the entry too, so a clash of names is only a miss."""
    digest = 0xCBF29CE484222325
    for byte in key.encode("utf-8", "surrogatepass"):
        digest = ((digest ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return os.path.join(directory, f"help-{digest:016x}")


def project_sources(directory: str) -> dict[str, bytes]:
    """The bytes of every ``*.py`` file of the ``cli`` package."""
    sources: dict[str, bytes] = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".py"):
            with open(os.path.join(directory, name), "rb") as file:
                sources[name] = file.read()
    return sources


def file_state(path: str) -> tuple[int, int, int] | None:
    """(inode, size, mtime in ns) of ``path``, ``None`` if it is missing: Python itself trusts
    size and mtime to tell whether a module's bytecode is stale."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def lookup(path: str, key: str, project_dir: str) -> tuple[bytes, bytes, int] | None:
    """(stdout, stderr, exit code) of the entry at ``path`` if it is the entry of ``key`` and
    nothing it depends on changed since, else ``None``."""
    try:
        with open(path, "rb") as file:
            data = marshal.loads(file.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not (isinstance(data, tuple) and len(data) == 7 and data[:2] == (FORMAT, key)):
        return None
    _, _, sources, deps, out, err, code = data
    if not (isinstance(out, bytes) and isinstance(err, bytes) and isinstance(code, int)):
        return None
    if not isinstance(deps, tuple) or sources != project_sources(project_dir):
        return None
    for dep in deps:
        if not (isinstance(dep, tuple) and len(dep) == 2 and isinstance(dep[0], str)):
            return None
        if file_state(dep[0]) != dep[1]:
            return None
    return out, err, code


def write_all(target: BinaryIO, data: bytes | bytearray | memoryview) -> None:
    """Write all of ``data`` to a binary stream, buffered or raw (``python -u``)."""
    view = memoryview(data)
    while view:
        written: int | None = target.write(view)
        if written is None:  # a non-blocking raw stream that would block
            raise BlockingIOError
        view = view[written:]


def replay(out: bytes, err: bytes, code: int) -> NoReturn:
    """Write a cached rendering as it was written, and exit as it exited."""
    stream = sys.stdout
    try:
        for stream, data in ((sys.stdout, out), (sys.stderr, err)):
            if data:
                stream.flush()
                write_all(stream.buffer, data)
                stream.buffer.flush()
    except BrokenPipeError:  # as rich.console.Console.on_broken_pipe does
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except OSError as exc:  # as cli.main.run does
        if os.environ.get("FUPIN_DEBUG"):
            raise
        if stream is sys.stdout:  # a full disk, > /dev/full (cli.stdout; since session 24)
            from cli import stdout

            said, code = stdout.failed(exc)
            print(said, file=sys.stderr)
            sys.exit(code)
        message = f"internal error: {type(exc).__name__}: {exc} (set FUPIN_DEBUG=1 for details)"
        print(message, file=sys.stderr)
        sys.exit(1)
    sys.exit(code)
