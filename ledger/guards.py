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

Exact at any size, at a flat cost (since session 25, the lead: past 256 records an import
was guarded by the log's head, so any save anywhere ran it again, and after 3 runs it failed):
the log's head is taken once, before the attempt's (or batch's) first read (``start``); the
save reads only the events recorded since (``id > start``, a range on the notification id:
normally a handful of rows, their originator id, version and topic) and finds a move if one of
them is of a record read at a lower version or of a topic scanned after the id the scan saw
(``moved_by``). An event not in that range was on record before the first read, so every read
saw it. Memory: one entry a record read (~100 bytes) up to ``LIMIT`` (200,000 records, ~20 MB);
past that, a record read is marked in a fixed filter of ``FILTER_BITS`` bits (128 KiB), and an
event since ``start`` of a record whose bit is set counts as a move (one seen by the read, or
another record sharing the bit): still only events of records read, never any save anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from uuid import UUID

__all__ = ["MOVED", "READ_GUARDS", "ReadGuards", "Since"]

#: A save's keyword for the recorders: the ``ReadGuards`` to check in its transaction.
READ_GUARDS = "ledger_read_guards"

#: What a save says when a guard finds something moved (an ``IntegrityError``, retried).
MOVED = "a record this command read has changed since"

#: An event recorded since the guards' ``start``: (notification id, originator id, version,
#: topic).
Since = tuple[int, UUID, int, str]


@dataclass
class ReadGuards:
    """The reads one attempt of a command (or one batch) rests on."""

    #: How many aggregates are guarded one by one; past that, by ``FILTER_BITS``.
    LIMIT = 200_000
    #: The size of the filter of records read past ``LIMIT`` (a power of two).
    FILTER_BITS = 1 << 20

    #: Each aggregate read from the store, by id: the version read (0: there was none).
    versions: dict[UUID, int] = field(default_factory=dict)
    #: Each topic scanned to the end: the last notification id the scan could see.
    topics: dict[str, int] = field(default_factory=dict)
    #: The log's head before the first read (None: nothing read yet); the save reads the
    #: events recorded after it.
    start: int | None = None
    #: The records read past ``LIMIT``, one bit each by their id (None: none).
    overflow: bytearray | None = None

    def before_read(self, aggregate_id: UUID, head: Callable[[], int]) -> bool:
        """Whether the read of ``aggregate_id`` about to be made is to be remembered (then
        ``read``); the log's head is taken first, before the first read. Past the limit, the
        record is marked in the filter instead."""
        if self.start is None:
            self.start = head()
        if aggregate_id in self.versions:
            return False
        if len(self.versions) < self.LIMIT:
            return True
        if self.overflow is None:
            self.overflow = bytearray(self.FILTER_BITS // 8)
        bit = aggregate_id.int % self.FILTER_BITS
        self.overflow[bit >> 3] |= 1 << (bit & 7)
        return False

    def read(self, aggregate_id: UUID, version: int) -> None:
        self.versions.setdefault(aggregate_id, version)

    def scanned(self, topics: Iterable[str], last: int) -> None:
        """A scan of ``topics`` read to the end, the last of them at notification ``last``
        (0: none). A topic scanned twice keeps the lower bound (the earlier decision)."""
        self.start = last if self.start is None else min(self.start, last)
        for topic in topics:
            held = self.topics.get(topic)
            self.topics[topic] = last if held is None else min(held, last)

    def merged(self, later: ReadGuards) -> ReadGuards:
        """These guards and ``later``'s, read after them: a record or topic read by both keeps
        its first reading."""
        merged = ReadGuards({**later.versions, **self.versions}, dict(self.topics), self.start)
        for topic, last in later.topics.items():
            merged.scanned([topic], last)
        if later.start is not None:
            merged.start = later.start if merged.start is None else min(merged.start, later.start)
        for filtered in (self.overflow, later.overflow):
            if filtered is not None:
                if merged.overflow is None:
                    merged.overflow = bytearray(filtered)
                else:
                    merged.overflow = bytearray(
                        x | y for x, y in zip(merged.overflow, filtered, strict=True)
                    )
        return merged

    def moved_by(self, since: Iterable[Since]) -> bool:
        """Whether one of ``since``, the events recorded after ``start``, moved a record read
        (any later version of it) or a topic scanned (one after the id the scan saw)."""
        versions = self.versions
        topics = self.topics
        overflow = self.overflow
        for notification_id, originator_id, version, topic in since:
            read = versions.get(originator_id)
            if read is not None:
                if version > read:
                    return True
            elif overflow is not None:
                bit = originator_id.int % self.FILTER_BITS
                if overflow[bit >> 3] & (1 << (bit & 7)):
                    return True
            scanned = topics.get(topic)
            if scanned is not None and notification_id > scanned:
                return True
        return False

    def saved(self, last: int, held: Iterable[tuple[UUID, int]]) -> None:
        """This instance saved up to notification ``last`` with nothing moved: a batch that
        goes on after a flush is guarded from there, each record it ``held`` at the version
        it holds, each topic scanned from ``last`` (what the batch itself saved is no move)."""
        versions = self.versions
        for aggregate_id, version in held:
            if aggregate_id in versions or len(versions) < self.LIMIT:
                versions[aggregate_id] = version
        for topic in self.topics:
            self.topics[topic] = max(self.topics[topic], last)
        self.start = last

    def __bool__(self) -> bool:
        return self.start is not None and bool(self.versions or self.topics or self.overflow)
