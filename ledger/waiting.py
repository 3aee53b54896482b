"""Saying that a command is waiting for another writer's lock (since session 26).

A single command's save, or the read models' update before a report, that is still waiting
after ``SLOW_SAVE_SECONDS`` (or half its longest wait, if that is sooner) says so once, as a
warning of the ``ledger`` logger, which the command line prints as a note on stderr: a save
behind a bulk import waited ~5 s saying nothing (tester Q, session 25), and a report behind one
too (re-test J, session 26). One daemon thread for the process watches: a thread started for
each save cost ~0.1 ms, a tenth of a single command; arming this one costs a lock and a notify.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

__all__ = ["SLOW_SAVE_SECONDS", "waiting_words", "watching"]

#: A wait this long (seconds) is said; a save's own insert takes milliseconds.
SLOW_SAVE_SECONDS = 1.0
_WAITING = logging.getLogger("ledger")


class _Watch:
    def __init__(self) -> None:
        self._armed: tuple[float, str] | None = None
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    @contextmanager
    def watching(self, words: str, wait: str) -> Iterator[None]:
        after = SLOW_SAVE_SECONDS
        if wait.isdigit():
            after = min(after, int(wait) / 2)
        with self._changed:
            self._armed = (time.monotonic() + after, words)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="wait-watch", daemon=True)
                self._thread.start()
            self._changed.notify()
        try:
            yield
        finally:
            with self._changed:
                self._armed = None

    def _run(self) -> None:
        with self._changed:
            while True:
                armed = self._armed
                if armed is None:
                    self._changed.wait()
                    continue
                left = armed[0] - time.monotonic()
                if left > 0:
                    self._changed.wait(left)
                    continue
                self._armed = None
                _WAITING.warning(armed[1])


_WATCH = _Watch()


def watching(words: str, wait: str) -> AbstractContextManager[None]:
    """Within it, ``words`` are said once the block has run ``SLOW_SAVE_SECONDS``, or half of
    ``wait`` (its longest wait, in whole seconds as ``LEDGER_LOCK_TIMEOUT`` gives it) if that
    is sooner: with ``LEDGER_LOCK_TIMEOUT=1`` the note came with the refusal (re-test J)."""
    return _WATCH.watching(words, wait)


def waiting_words(store: str, seconds: str, then: str, *, server: bool = False) -> str:
    """What a command says while it waits for another writer's lock on ``store``: ``then``
    says what it does once the lock is free (``{seconds}`` its longest wait); a server's
    wait may be the server's too (a pool's connection to one that stopped)."""
    slow = " (or the server is slow to answer)" if server else ""
    return (
        f"waiting for {store}: another writer (an import?) holds its write lock{slow}; "
        + then.format(seconds=seconds)
    )
