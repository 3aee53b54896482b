"""The miss path of ``cli.entry``: render the help as usual, keeping a copy of its bytes.

stdout and stderr are replaced, for the rendering only, by text streams like them (same
encoding, error handler and buffering) over a binary stream that writes through to the real one
and keeps a copy; ``isatty``, ``fileno`` and ``name`` answer as the real stream's, so rich sees
the terminal it would see without the copy. The copy is stored only if it is all that was
written, the exit code is the help's and one stream at most was written to, and only if what
the entry records is what the rendering read: the ``cli`` sources are read before it, the key
is computed again after it, and no file it depends on was modified less than ``RACY_NS`` before
it began (so a change during the rendering, or within one tick of a coarse file clock, cannot
hide behind an unchanged mtime).
"""

from __future__ import annotations

import contextlib
import io
import marshal
import os
import sys
import time

from cli import entry, stdout

#: Entries kept in the cache directory (one per terminal size, environment...).
MAX_ENTRIES = 32

#: A dependency modified this recently (ns) before the rendering began is not trusted.
RACY_NS = 2_000_000_000

Dependencies = tuple[tuple[str, tuple[int, int, int] | None], ...]


def render_and_store(path: str, key: str, expected: int) -> None:
    """Run the app as usual; store its output as the entry of ``key`` if it is the help."""
    began = time.time_ns()
    try:
        sources: dict[str, bytes] | None = entry.project_sources(entry.PROJECT_DIR)
    except OSError:
        sources = None
    captures = [Capture("stdout"), Capture("stderr")]
    code: object = None
    try:
        from cli import main

        main.run()
        code = 0
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
        raise
    finally:
        restored = [capture.restore() for capture in captures]  # both, whatever the first
        out, err = (bytes(capture.tee.copy) for capture in captures)
        if sources is not None and all(restored) and code == expected and not (out and err):
            with contextlib.suppress(Exception):  # an unwritable cache is no reason to fail
                args, prog = tuple(sys.argv[1:]), os.path.basename(sys.argv[0])
                if entry.help_key(args, prog, os.environ) == key:  # the terminal, sys.path...
                    deps = dependencies(entry.PROJECT_DIR)
                    store(path, key, sources, deps, out, err, expected, began)


def dependencies(project_dir: str) -> Dependencies:
    """The state of every module file imported so far outside ``project_dir``, of every
    ``sys.path`` directory, and of gettext's default catalogue directory."""
    project = os.path.join(project_dir, "")
    paths = {os.path.abspath(item or ".") for item in sys.path}
    paths.add(os.path.join(sys.base_prefix, "share", "locale"))
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and not os.path.abspath(file).startswith(project):
            paths.add(os.path.abspath(file))
    return tuple((path, entry.file_state(path)) for path in sorted(paths))


def racy(deps: Dependencies, began: int) -> list[str]:
    """The dependencies modified less than ``RACY_NS`` before ``began`` (or after it)."""
    return [path for path, state in deps if state is not None and state[2] > began - RACY_NS]


def store(
    path: str,
    key: str,
    sources: dict[str, bytes],
    deps: Dependencies,
    out: bytes,
    err: bytes,
    code: int,
    began: int,
) -> bool:
    """Write the entry of ``key`` atomically (a temporary file renamed over it), unless a
    dependency is racy; ``OSError`` if the cache directory cannot be written."""
    if racy(deps, began):
        return False
    data = marshal.dumps((entry.FORMAT, key, sources, deps, out, err, code))
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    # tempfile.mkstemp would import shutil, bz2, lzma...: a name of our own, created exclusively
    temporary = os.path.join(directory, f".help-{os.getpid()}-{time.time_ns()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    prune(directory)
    return True


def prune(directory: str) -> None:
    """Keep the ``MAX_ENTRIES`` newest entries, and none written in another ``FORMAT`` (those
    of format 1 held every ``LEDGER_*`` value, the master key among them, in clear)."""
    entries = [os.path.join(directory, name) for name in os.listdir(directory)]
    entries = [path for path in entries if os.path.basename(path).startswith("help-")]
    current = entry.FORMAT.encode()
    for path in list(entries):
        with contextlib.suppress(OSError):
            with open(path, "rb") as file:
                head = file.read(64)  # marshal writes the tuple's first item, FORMAT, first
            if current not in head:
                os.unlink(path)
                entries.remove(path)
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda path: (entry.file_state(path) or (0, 0, 0))[2])
    for old in entries[:-MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            os.unlink(old)


class Tee(io.BufferedIOBase):
    """A binary stream that writes through to ``target`` and keeps a copy of what it wrote."""

    def __init__(self, target: io.BufferedIOBase | io.RawIOBase) -> None:
        super().__init__()
        self.target = target
        self.copy = bytearray()
        self.failed = False

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview, /) -> int:  # type: ignore[override]
        try:
            entry.write_all(self.target, data)  # type: ignore[arg-type]
        except BaseException:
            self.failed = True
            raise
        self.copy += data
        return len(data)

    def flush(self) -> None:
        try:
            self.target.flush()
        except BaseException:
            self.failed = True
            raise

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    @property
    def name(self) -> object:
        return getattr(self.target, "name", None)


class Capture:
    """``sys.<name>`` replaced by a text stream like it that writes through a ``Tee``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.original = getattr(sys, name)
        assert isinstance(self.original, io.TextIOWrapper)
        self.original.flush()
        # Standard output's failed writes name it (a full disk: cli.stdout), as without the copy.
        watched = stdout.watched(self.original) if name == "stdout" else None
        self.tee = Tee(watched or self.original.buffer)
        self.text = io.TextIOWrapper(
            self.tee,
            encoding=self.original.encoding,
            errors=self.original.errors,
            newline="\n",
            line_buffering=self.original.line_buffering,
            write_through=self.original.write_through,
        )
        setattr(sys, name, self.text)

    def restore(self) -> bool:
        """Put the real stream back; whether the copy is all that was written."""
        ok = getattr(sys, self.name) is self.text  # typer swaps in others on a broken pipe
        try:
            self.text.flush()
        except Exception:
            ok = False
        if ok:
            setattr(sys, self.name, self.original)
        return ok and not self.tee.failed
