"""The recording clock: when an event was *recorded* (as opposed to when it took effect).

Real ledgers use the system clock in UTC. Tests and the synthetic demo swap in their own clock
(``using_clock``) so that "as known at" questions have reproducible answers; the demo says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

__all__ = ["CLOCK_TOLERANCE", "Clock", "current", "now", "system_clock", "using_clock"]

Clock = Callable[[], datetime]

#: How far the clocks of officers' machines may differ: an event recorded earlier than one
#: before it by more than this is refused when recorded and reported by ``fupin verify``.
CLOCK_TOLERANCE = timedelta(minutes=10)


def system_clock() -> datetime:
    """The machine's time, timezone-aware, in UTC."""
    return datetime.now(UTC)


_current: ContextVar[Clock] = ContextVar("ledger_clock", default=system_clock)


def current() -> Clock:
    """The clock in force (the system's, or one a test or the demo set with ``using_clock``)."""
    return _current.get()


def now() -> datetime:
    """The current recording time; always timezone-aware."""
    value = _current.get()()
    if value.tzinfo is None:
        raise ValueError("the recording clock must return timezone-aware datetimes")
    return value


@contextmanager
def using_clock(clock: Clock) -> Iterator[None]:
    """Record with ``clock`` inside the ``with`` block (tests, the synthetic demo)."""
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)
