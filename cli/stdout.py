"""Standard output 标准输出 that cannot be written (a full disk, ``> /dev/full``, a descriptor
closed or not open for writing): said in one line naming it, with the exit code of a refusal,
or of a failure when the command had recorded something (since session 24: ``internal error:
OSError: [Errno 28] No space left on device``, exit 1, the status of a defect). A reader that
stops reading (``| head``) still stops ``fupin`` by ``SIGPIPE`` (``cli.entry``)."""

from __future__ import annotations

import io
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = ["StandardOutputError", "closed", "failed", "watch"]


class StandardOutputError(OSError):
    """A write to standard output failed (the system's ``errno`` and ``strerror``)."""


class _Descriptor(io.FileIO):
    """File descriptor 1, whose failed writes say they were standard output's."""

    def write(self, data: ReadableBuffer, /) -> int:
        try:
            return super().write(data)
        except BrokenPipeError:
            raise  # SIGPIPE ends the process first; where it is ignored, as before
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
    """The refusal of a command given no standard output at all (``fupin … >&-``), or None."""
    if sys.stdout is not None and not _closed_descriptor():
        return None
    return (
        "refused output: standard output is closed: give the command somewhere to write "
        "(> FILE, or > /dev/null)"
    )


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
    refusal (2) if the command committed nothing; if it did, that what it recorded stands
    (1, as a checkpoint recorded whose file could not be written: docs/cli.md). What is still
    buffered for it is dropped (sent to ``/dev/null``), so Python's exit says nothing more."""
    from ledger.core import SAVES_COMMITTED

    from cli.common import REFUSED

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    reason = exc.strerror or str(exc)
    if not SAVES_COMMITTED:
        return f"refused output: cannot write standard output: {reason}", REFUSED
    said = (
        f"standard output could not be written ({reason}) after {len(SAVES_COMMITTED)} "
        f"save(s) of {sum(SAVES_COMMITTED)} event(s) were committed: what they recorded "
        "stands (fupin log shows it last), though what the command had to say was not "
        "written in full"
    )
    return said, 1
