"""Saying that a command is waiting for another writer's lock (since session 26).

A single command's save, or the read models' update before a report, that is still waiting
after ``SLOW_SAVE_SECONDS`` (or half its longest wait, if that is sooner) says so once, as a
warning of the ``ledger`` logger, which the command line prints as a note on stderr: a save
behind a bulk import waited ~5 s saying nothing (tester Q, session 25), and a report behind one
too (re-test J, session 26). One daemon thread for the process watches: a thread started for
each save cost ~0.1 ms, a tenth of a single command; arming this one costs a lock and a notify.

On PostgreSQL (since session 28) the server can say who holds the lock: a ``probe``
(``ledger.pgwaiting``) asks it, once a command has run that long and about once a second
after, whether one of the command's sessions waits, and the note names the holder and the
table; any lasting wait is said, not only a save's or the read models' update lock. The note
comes once per command (``begin_command``): it came twice in one report (tester G).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SLOW_SAVE_SECONDS",
    "Holder",
    "begin_command",
    "last_holder",
    "lock_deadline",
    "one_deadline",
    "probe_sessions",
    "saving",
    "waiting_words",
    "watching",
]

#: A wait this long (seconds) is said; a save's own insert takes milliseconds.
SLOW_SAVE_SECONDS = 1.0
#: How often (seconds) a probe asks the server again once a command has run that long.
_PROBE_EVERY = 1.0
_WAITING = logging.getLogger("ledger")
#: How long (seconds) before a save's deadline the server is asked who holds the lock.
_LAST_LOOK = 0.3


@dataclass(frozen=True)
class Holder:
    """Another session holding a lock one of this command's sessions waits for."""

    pid: int
    name: str  #: its application_name ("psql", "fupin projections rebuild"), or ""
    locktype: str  #: pg_locks' ("relation", "advisory", "transactionid"...)
    relation: str | None  #: the table locked, if a table

    @property
    def who(self) -> str:
        named = f"{self.name}, " if self.name else ""
        return f"another session ({named}pid {self.pid})"

    @property
    def what(self) -> str:
        if self.relation:
            return f"a lock on {self.relation}"
        if self.locktype == "advisory":
            return "the read models' update lock"
        return "a lock on rows this command needs"

    def holds(self) -> str:
        return f"{self.who} holds {self.what}"


#: Who held what a waiting session of this command waited for when last asked.
_LAST: list[Holder] = []
#: What a wait outside any armed block is followed by (``{seconds}``: LEDGER_LOCK_TIMEOUT).
_GOES_ON = (
    "this command goes on once it is released, each wait up to LEDGER_LOCK_TIMEOUT "
    "({seconds} s), or is refused"
)
#: The same, of a save's waits (``one_deadline``), which end together (since session 28).
_SAVE_GOES_ON = (
    "this command saves once it is released, or is refused with nothing written "
    "LEDGER_LOCK_TIMEOUT ({seconds} s) after its save began to wait"
)

Words = Callable[[Holder | None], str]


class _Watch:
    def __init__(self) -> None:
        self._armed: tuple[float, Words] | None = None
        self._said = False
        self._probe: tuple[Callable[[], Holder | None], float, Words] | None = None
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="wait-watch", daemon=True)
            self._thread.start()
        self._changed.notify()

    def begin(self) -> None:
        with self._changed:
            self._said = False
            self._probe = None
            self._armed = None
            _LAST.clear()

    def probing(self, probe: Callable[[], Holder | None] | None, words: Words, wait: str) -> None:
        with self._changed:
            before = self._probe[0] if self._probe is not None else None
            if probe is None:
                self._probe = None
            else:
                self._probe = (probe, time.monotonic() + _after(wait), words)
                self._start()
        close = getattr(before, "close", None)
        if before is not probe and callable(close):  # its connection, if it keeps one
            close()

    def probe_at(self, when: float) -> None:
        """Ask the probe (if any) again at ``when`` at the latest."""
        with self._changed:
            if self._probe is not None and when < self._probe[1]:
                self._probe = (self._probe[0], when, self._probe[2])
                self._changed.notify()

    @contextmanager
    def watching(self, words: Words, wait: str) -> Iterator[None]:
        with self._changed:
            self._armed = (time.monotonic() + _after(wait), words)
            self._start()
        try:
            yield
        finally:
            with self._changed:
                self._armed = None

    def _run(self) -> None:
        with self._changed:
            while True:
                now = time.monotonic()
                armed, probing = self._armed, self._probe
                due = [t for t in (armed and armed[0], probing and probing[1]) if t is not None]
                if not due:
                    self._changed.wait()
                    continue
                if min(due) > now:
                    self._changed.wait(min(due) - now)
                    continue
                holder = None
                if probing is not None:
                    self._probe = (probing[0], now + _PROBE_EVERY, probing[2])
                    self._changed.release()
                    try:
                        holder = probing[0]()  # the server asked outside the lock
                    finally:
                        self._changed.acquire()
                    if holder is not None:
                        _LAST[:] = [holder]
                if armed is not None and armed[0] <= now and self._armed is armed:
                    self._armed = None
                    self._say(armed[1](holder))
                elif holder is not None and self._armed is None and self._probe is not None:
                    self._say(self._probe[2](holder))

    def _say(self, words: str) -> None:
        if not self._said:
            self._said = True
            _WAITING.warning(words)


def _after(wait: str) -> float:
    after = SLOW_SAVE_SECONDS
    if wait.isdigit():
        after = min(after, int(wait) / 2)
    return after


_WATCH = _Watch()


def begin_command() -> None:
    """A command begins: its note not said yet, no probe, no holder seen."""
    _WATCH.begin()
    _SAVE[:] = [False, None]


#: Whether a save is under way (``one_deadline``), and its deadline (``time.monotonic()``)
#: once its first lock wait began.
_SAVE: list[Any] = [False, None]


@contextmanager
def one_deadline() -> Iterator[None]:
    """Within it, a command's save (since session 28): its reads of the household key table
    and its insert, whose lock waits end together ``LEDGER_LOCK_TIMEOUT`` after the first of
    them began (``lock_deadline``); a save behind a lock on the key table, then one on the
    events, waited each in turn (re-tester Q: refused at 11.2 s with the setting 6 s)."""
    if _SAVE[0]:  # a save within a save (a command's attempt that executes another): one
        yield
        return
    _SAVE[:] = [True, None]
    try:
        yield
    finally:
        _SAVE[:] = [False, None]


def lock_deadline(seconds: float) -> float:
    """When a lock wait beginning now ends (``time.monotonic()``): ``seconds`` from now, or,
    within a save (``one_deadline``), ``seconds`` after its first wait began."""
    ends = time.monotonic() + seconds
    if not _SAVE[0]:
        return ends
    if _SAVE[1] is None:
        _SAVE[1] = ends
        # The server asked just before the deadline too, so that a refusal names who held
        # the lock at the end (``last_holder``), not who held another a second before.
        _WATCH.probe_at(max(ends - _LAST_LOOK, time.monotonic()))
    return float(_SAVE[1])


def saving() -> bool:
    """Whether a save is under way (``one_deadline``)."""
    return bool(_SAVE[0])


def last_holder() -> Holder | None:
    """Who held what this command last waited for, as the server said (a refusal names it)."""
    return _LAST[0] if _LAST else None


def probe_sessions(probe: Callable[[], Holder | None] | None, store: str, wait: str) -> None:
    """Ask ``probe`` (``None``: stop asking), after a second and then about once a second,
    whether one of this command's sessions waits for another's lock, and say so once."""
    _WATCH.probing(
        probe,
        lambda holder: waiting_words(store, wait, _SAVE_GOES_ON if saving() else _GOES_ON, holder),
        wait,
    )


def watching(words: str | Words, wait: str) -> AbstractContextManager[None]:
    """Within it, ``words`` are said once the block has run ``SLOW_SAVE_SECONDS``, or half of
    ``wait`` (its longest wait, in whole seconds as ``LEDGER_LOCK_TIMEOUT`` gives it) if that
    is sooner: with ``LEDGER_LOCK_TIMEOUT=1`` the note came with the refusal (re-test J).
    ``words`` given the holder the server names (PostgreSQL) or ``None``."""
    said: Words = (lambda _holder: words) if isinstance(words, str) else words
    return _WATCH.watching(said, wait)


def waiting_words(
    store: str, seconds: str, then: str, holder: Holder | None = None, *, server: bool = False
) -> str:
    """What a command says while it waits for another writer's lock on ``store``: ``then``
    says what it does once the lock is free (``{seconds}`` its longest wait); a server's
    wait may be the server's too (a pool's connection to one that stopped), and the server
    may name who holds the lock (``holder``)."""
    if holder is not None:
        held = holder.holds()
    elif server:
        held = "another session holds a lock this command needs (or the server is slow to answer)"
    else:
        held = "another writer (an import?) holds its write lock"
    return f"waiting for {store}: {held}; " + then.format(seconds=seconds)
