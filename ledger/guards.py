"""Read guards: what a command's decision rested on, checked again inside its save (since
session 25).

A command may judge itself on a record it only reads (a payment to a village reads the
street's flag, an employment reads the household's labour) or on events it scans in the log
(an amendment of the flag scans the payments), and save another record. Two such commands at
once each passed on what the other had not yet saved, and left together a state each would
refuse alone (the event-sourcing reviewer, session 25: a village payment to a village no
longer relatively poor). A save's own records are guarded by their versions; the rest by
these guards: each aggregate read and the version read, each completed scan and the last
notification id it could see. The recorders check them in the save's own write transaction,
under its write lock (SQLite's write transaction, PostgreSQL's table lock), and raise
``IntegrityError`` when anything moved: the command runs again on fresh state
(``LedgerCore.execute``), and then refuses by its ordinary rule, or passes if still fine.

Memory stays flat: one guard an aggregate (the version first read), one a topic (the lowest
bound scanned), and at most ``LIMIT`` aggregates: past that the guard is the log's head, taken
before the read that would pass it (nothing at all may be recorded after it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from uuid import UUID

__all__ = ["MOVED", "READ_GUARDS", "ReadGuards"]

#: A save's keyword for the recorders: the ``ReadGuards`` to check in its transaction.
READ_GUARDS = "ledger_read_guards"

#: What a save says when a guard finds something moved (an ``IntegrityError``, retried).
MOVED = "a record this command read has changed since"


@dataclass
class ReadGuards:
    """The reads one attempt of a command (or one batch) rests on."""

    #: How many aggregates are guarded one by one; past that, by the log's head.
    LIMIT = 256

    #: Each aggregate read from the store, by id: the version read (0: there was none).
    versions: dict[UUID, int] = field(default_factory=dict)
    #: Each topic scanned to the end: the last notification id the scan could see.
    topics: dict[str, int] = field(default_factory=dict)
    #: The log's head when the aggregates passed ``LIMIT`` (None: they have not).
    head: int | None = None

    def before_read(self, aggregate_id: UUID, head: Callable[[], int]) -> bool:
        """Whether the read of ``aggregate_id`` about to be made is to be remembered (then
        ``read``); past the limit, the log's head is taken first, once."""
        if aggregate_id in self.versions:
            return False
        if len(self.versions) < self.LIMIT:
            return True
        if self.head is None:
            self.head = head()
        return False

    def read(self, aggregate_id: UUID, version: int) -> None:
        self.versions.setdefault(aggregate_id, version)

    def scanned(self, topics: Iterable[str], last: int) -> None:
        """A scan of ``topics`` read to the end, the last of them at notification ``last``
        (0: none). A topic scanned twice keeps the lower bound (the earlier decision)."""
        for topic in topics:
            held = self.topics.get(topic)
            self.topics[topic] = last if held is None else min(held, last)

    def merged(self, later: ReadGuards) -> ReadGuards:
        """These guards and ``later``'s, read after them: a record or topic read by both keeps
        its first reading."""
        merged = ReadGuards({**later.versions, **self.versions}, dict(self.topics), self.head)
        for topic, last in later.topics.items():
            merged.scanned([topic], last)
        if later.head is not None:
            merged.head = later.head if merged.head is None else min(merged.head, later.head)
        return merged

    def saved(self, last: int) -> None:
        """This instance saved up to notification ``last`` with nothing moved: a batch that
        goes on after a flush is guarded from there (every record it holds as of then)."""
        self.versions.clear()
        self.topics.clear()
        self.head = last

    def __bool__(self) -> bool:
        return bool(self.versions or self.topics or self.head is not None)
