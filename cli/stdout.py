"""Standard output 标准输出 that cannot be written (a full disk, ``> /dev/full``, a descriptor
closed or not open for writing, a pipe its reader closed): said in one line naming it, with
the exit code of a refusal, or of a failure when the command had recorded something or
written a file (since session 24: ``internal error: OSError: [Errno 28] No space left on
device``, exit 1, the status of a defect). A reader that stops reading (``| head``) still
stops a command that committed nothing and wrote no file as ``SIGPIPE`` does (status 141,
nothing said); ``cli.main.run`` ignores the signal while the command runs, so that one that
did is said (``PipeClosed``: since session 24 it was killed silently after its commit).

Standard output whose encoding cannot show Chinese (``PYTHONIOENCODING=ascii``, ``LC_ALL=C
PYTHONUTF8=0``, a Latin-1 locale) is refused before any command runs (``unreadable``); one
that can (GBK, GB18030: a Chinese Windows's files and pipes) writes the few characters it
cannot show as ``\\uXXXX`` escapes and says so once on standard error (``escape_unshown``,
``say_unshown``). Since session 26: a recording command saved its event, then died printing
its confirmation (``internal error: UnicodeEncodeError``, exit 1), and reads stopped part-way."""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = [
    "UNSHOWN",
    "PipeClosed",
    "StandardOutputError",
    "closed",
    "escape_unshown",
    "escaped",
    "failed",
    "say_unshown",
    "unreadable",
    "watch",
]

#: Text an encoding fit for the ledger must show: the programme's name 扶贫台账.
_CHINESE = "\u6276\u8d2b\u53f0\u8d26"

#: The characters a standard stream could not show, written as escapes (``escape_unshown``):
#: (the stream's name, the character).
UNSHOWN: list[tuple[str, str]] = []

#: The error handler of each standard stream where its encoding is not UTF-8.
_ESCAPES = {"standard output": "fupin-escape", "standard error": "fupin-escape-stderr"}


class StandardOutputError(OSError):
    """A write to standard output failed (the system's ``errno`` and ``strerror``)."""


class PipeClosed(StandardOutputError):
    """Standard output is a pipe whose reader closed it (``BrokenPipeError``). Made with no
    ``errno``: typer and rich turn an ``EPIPE`` into exit 1 themselves, before ``cli.main.run``
    could say what stands or end as by ``SIGPIPE``."""


class _Descriptor(io.FileIO):
    """File descriptor 1, whose failed writes say they were standard output's."""

    def write(self, data: ReadableBuffer, /) -> int:
        try:
            return super().write(data)
        except BrokenPipeError:
            raise PipeClosed("its reader closed the pipe") from None
        except OSError as exc:
            raise StandardOutputError(exc.errno, exc.strerror) from None


def watch() -> None:
    """Put ``sys.stdout`` on a descriptor whose failed writes raise ``StandardOutputError``
    (any other ``OSError`` is no output's, and stays a defect), with the same encoding and
    buffering. Left as it is where it is no plain file's stream (a test's, the help cache's
    copy: ``watched``), and on Windows."""
    out = sys.stdout
    buffer = watched(out)
    if buffer is not None and isinstance(out, io.TextIOWrapper):
        sys.stdout = io.TextIOWrapper(
            buffer,
            encoding=out.encoding,
            errors=out.errors,
            line_buffering=out.line_buffering,
            write_through=out.write_through,
        )


def watched(out: object) -> io.BufferedWriter | io.FileIO | None:
    """A binary stream for the descriptor of ``out`` whose failed writes raise
    ``StandardOutputError``, buffered as ``out`` is (``python -u``, ``PYTHONUNBUFFERED``: not
    at all), if ``out`` is Python's own standard output (``out`` flushed); otherwise None."""
    if sys.platform == "win32" or type(out) is not io.TextIOWrapper:
        return None
    buffer = out.buffer
    unbuffered = type(buffer) is io.FileIO
    if not unbuffered and not (type(buffer) is io.BufferedWriter and type(buffer.raw) is io.FileIO):
        return None
    try:
        out.flush()
        raw = _Descriptor(out.fileno(), "w", closefd=False)
    except (OSError, ValueError):
        return None
    return raw if unbuffered else io.BufferedWriter(raw)


def closed() -> str | None:
    """The refusal of a command given no standard output at all (``fupin … >&-``), or one not
    open for writing (``1</dev/null``, since session 24: refused only once the command had
    run, a recording one having recorded), or None."""
    if sys.stdout is None or _closed_descriptor():
        how = "closed"
    elif _read_only_descriptor():
        how = "not open for writing"
    else:
        return None
    return (
        f"refused output: standard output is {how}: give the command somewhere to write "
        "(> FILE, or > /dev/null)"
    )


def _read_only_descriptor() -> bool:
    """Whether standard output's descriptor is open for reading only."""
    try:
        import fcntl
    except ImportError:  # Windows
        return False
    try:
        flags = fcntl.fcntl(sys.stdout.fileno(), fcntl.F_GETFL)
    except (OSError, ValueError):  # a stream with no descriptor (a test's)
        return False
    return flags & os.O_ACCMODE == os.O_RDONLY


def _closed_descriptor() -> bool:
    """Whether standard output's descriptor is closed (after Python started: it made a
    ``sys.stdout`` for it)."""
    try:
        os.fstat(sys.stdout.fileno())
    except ValueError:  # io.UnsupportedOperation: a stream with no descriptor (a test's)
        return False
    except OSError:
        return True
    return False


def failed(exc: OSError) -> tuple[str, int]:
    """What to say of standard output that could not be written, and the exit code: a
    refusal (2) if the command committed nothing and wrote no file; if it did, that what it
    recorded (``ledger.core.SAVES_COMMITTED``) and the files it wrote
    (``ledger.written.FILES_WRITTEN``) stand (1, as a checkpoint recorded whose file could
    not be written: docs/cli.md). A closed pipe (``PipeClosed``) after nothing of the kind
    ends the process by ``SIGPIPE``, as before, saying nothing. What is still buffered for
    standard output is dropped (sent to ``/dev/null``), so Python's exit says nothing more."""
    from ledger.core import SAVES_COMMITTED
    from ledger.written import FILES_WRITTEN

    from cli.common import REFUSED

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    if not SAVES_COMMITTED and not FILES_WRITTEN:
        if isinstance(exc, PipeClosed):
            _end_by_closed_pipe()
        return f"refused output: cannot write standard output: {exc.strerror or exc}", REFUSED
    reason = exc.strerror or str(exc)
    done: list[str] = []
    stands: list[str] = []
    if SAVES_COMMITTED:
        events = sum(SAVES_COMMITTED)
        done.append(f"{len(SAVES_COMMITTED)} save(s) of {events} event(s) were committed")
        stands.append("what they recorded stands (fupin log shows it last)")
    if FILES_WRITTEN:
        names = ", ".join(repr(name) for name in FILES_WRITTEN)
        done.append(f"the command wrote {names}")
        stands.append(f"{'the file stands' if len(FILES_WRITTEN) == 1 else 'each stands'}, whole")
    said = (
        f"standard output could not be written ({reason}) after {' and '.join(done)}: "
        f"{', and '.join(stands)}, though what the command had to say was not written in full"
    )
    return said, 1


def _end_by_closed_pipe() -> NoReturn:
    """End the process as ``SIGPIPE`` would have: by the signal (the shell's status 141)."""
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
        sys.exit(128 + signal.SIGPIPE)  # not reached: the signal ends the process
    sys.exit(1)


def _escaper(name: str) -> Callable[[UnicodeError], tuple[str | bytes, int]]:
    """The error handler of the standard stream ``name``: bytes undecoded at input
    (``surrogateescape``) written back as they came; any other character the encoding cannot
    show written as a JSON escape (``escaped``), and counted."""

    def escape(exc: UnicodeError) -> tuple[str | bytes, int]:
        if not isinstance(exc, UnicodeEncodeError):
            raise exc
        try:
            return codecs.lookup_error("surrogateescape")(exc)
        except UnicodeError:
            unshown = exc.object[exc.start : exc.end]
            UNSHOWN.extend((name, char) for char in unshown)
            return "".join(escaped(char) for char in unshown), exc.end

    return escape


def escaped(char: str) -> str:
    """``char`` as ``\\uXXXX``; one above U+FFFF (𠮷 U+20BB7, an emoji) as its UTF-16
    surrogate pair ``\\ud842\\udfb7``, which JSON reads as the same character (Python's
    backslashreplace wrote ``\\U00020bb7``, no JSON escape: tester J, session 26)."""
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


for _name, _handler in _ESCAPES.items():
    codecs.register_error(_handler, _escaper(_name))


def _encoding(stream: object) -> str | None:
    """The codec's name of ``stream`` (``ascii``, ``gbk``, ``iso8859-1``), None where it is
    UTF (or the stream has none that Python knows)."""
    try:
        name = codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name
    except LookupError:
        return None
    return None if name.startswith("utf") else name


def unreadable() -> str | None:
    """The refusal of a command whose standard output or error cannot show Chinese at all
    (everything the ledger holds and says is), or None. Before the command runs: a recording
    one had saved its event, then died saying so (tester D, session 26)."""
    for name, stream in (("standard output", sys.stdout), ("standard error", sys.stderr)):
        encoding = _encoding(stream)
        if encoding is None:
            continue
        try:
            _CHINESE.encode(encoding)
        except UnicodeEncodeError:
            return (
                f"refused output: {name}'s encoding ({encoding}) cannot show Chinese: set "
                "PYTHONIOENCODING=utf-8, or use a UTF-8 locale (LANG=zh_CN.UTF-8 or C.UTF-8), "
                "and run the command again"
            )
    return None


def escape_unshown() -> None:
    """Standard output and error whose encoding is not UTF-8 (GBK, GB18030) write what they
    cannot show (✓, €, a rare name's 䶮 in GBK) as ``\\uXXXX`` escapes, never failing
    part-way (standard error so since session 26's re-test: Python's own backslashreplace
    escaped a refusal's 䶮 there without saying so)."""
    for name, stream in _standard_streams():
        if _encoding(stream) is not None and isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=_ESCAPES[name])


def _standard_streams() -> tuple[tuple[str, object], ...]:
    return (("standard output", sys.stdout), ("standard error", sys.stderr))


def say_unshown() -> None:
    """Once, on standard error: the characters standard output and error wrote as escapes,
    if any (one note for both)."""
    if not UNSHOWN:
        return
    streams = _standard_streams()
    names = [name for name, _ in streams if any(where == name for where, _ in UNSHOWN)]
    encodings = {name: _encoding(stream) for name, stream in streams}
    if len({encodings[name] for name in names}) == 1:
        whose = " and ".join(f"{name}'s" for name in names) + f" encoding ({encodings[names[0]]})"
    else:
        whose = " and ".join(f"{name}'s ({encodings[name]})" for name in names) + " encodings"
    chars = [char for _, char in UNSHOWN]
    shown = "".join(escaped(char) for char in sorted(set(chars)))
    said = (
        f"note: {whose} cannot show {len(chars)} character(s), written as \\uXXXX escapes "
        f"({shown}): set PYTHONIOENCODING=utf-8, or use a UTF-8 locale, to see them"
    )
    UNSHOWN.clear()
    with contextlib.suppress(OSError):  # standard error closed: nothing more to say
        print(said, file=sys.stderr)
