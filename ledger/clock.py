"""The recording clock: when an event was *recorded* (as opposed to when it took effect).

Real ledgers use the system clock in UTC. Tests and the synthetic demo swap in their own clock
(``using_clock``) so that "as known at" questions have reproducible answers; the demo says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

__all__ = [
    "CLOCK_TOLERANCE",
    "Clock",
    "current",
    "now",
    "provisional_said",
    "provisional_until",
    "system_clock",
    "using_clock",
]

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


def provisional_until(known_at: datetime) -> datetime | None:
    """When an answer as known at ``known_at`` becomes final: ``known_at`` plus
    ``CLOCK_TOLERANCE``, or None if that moment has passed. The save rule compares a save with
    the save stored before it, so a machine whose clock is behind by up to the allowance may
    still record an entry before a time later than now less the allowance (known now, a
    recent time, a time typed after now), and a later run as known at it may count more
    (since session 27, re-tester I: such a label was called final)."""
    until = known_at + CLOCK_TOLERANCE
    return until if until > now() else None


def provisional_said(known_at: datetime) -> str:
    """``provisional until …: a machine whose clock is behind may still record an entry
    before it`` for an answer as known at ``known_at`` not final yet (``provisional_until``,
    in the same form as ``known_at``); "" for one that is."""
    until = provisional_until(known_at)
    if until is None:
        return ""
    return (
        f"provisional until {until.isoformat()}: a machine whose clock is behind may still "
        "record an entry before it"
    )
