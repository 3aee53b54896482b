"""What the ledger held "as known at" a recording time: a prefix of the log.

A backup taken at ``T`` holds every save made by then, and every save stored before one of
them: the log is written in order. So the state as known at ``T`` is the shortest prefix of
the log (log order) holding every event recorded at or before ``T``. Filtering each event on
its own time showed states that never existed when a machine a few minutes behind saved
after one a few minutes ahead (tester B, session 27: a disbursement without the allocation
saved before it, a review without its identification). When recording times never go back
the two are the same.

Every "as known at" view (the reports' folded read models, ``history``, ``household show``,
the notice list, the restated years) takes its events through ``known_prefix`` (since
session 27). The log is read to its end: the save rule compares a save with the one stored
before it, not with the latest before that, so no time read proves that no later event is
recorded by ``T`` (a clock set back ten minutes a save at a time goes on stepping back).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import ApplicationRecorder

from ledger.rows import rows_after

__all__ = ["KnownPrefix", "Stamp", "known_cuts", "known_prefix", "prefix_of"]

#: An event's place in the log as the prefix needs it: (position, aggregate id, version,
#: recording time).
Stamp = tuple[int, Any, int, datetime]

_PAGE = 2000


@dataclass
class KnownPrefix:
    """The log as known at ``known_at``: its events up to position ``cut`` (0: none), and each
    aggregate's last version among them (``versions``, by the stored aggregate id's text)."""

    known_at: datetime
    cut: int = 0
    versions: dict[str, int] = field(default_factory=dict)

    def holds(self, aggregate_id: object, version: int) -> bool:
        """Whether the event ``version`` of ``aggregate_id`` is in the prefix."""
        return version <= self.versions.get(_key(aggregate_id), 0)

    def holds_position(self, position: int) -> bool:
        return position <= self.cut


def prefix_of(stamps: Iterable[Stamp], known_at: datetime) -> KnownPrefix:
    """The prefix of ``stamps`` (in log order) as known at ``known_at``: events recorded after
    it are held until one recorded by it takes them in; those held at the end are not in it."""
    found = KnownPrefix(known_at)
    held: dict[str, int] = {}
    for position, aggregate_id, version, recorded in stamps:
        if recorded <= known_at:
            found.versions.update(held)
            held.clear()
            found.versions[_key(aggregate_id)] = version
            found.cut = position
        else:
            held[_key(aggregate_id)] = version
    return found


def known_prefix(recorder: ApplicationRecorder, known_at: datetime) -> KnownPrefix:
    """``prefix_of`` the stored log: read once, each row's recording time alone decoded."""
    return prefix_of(_stamps(recorder), known_at)


def known_cuts(recorder: ApplicationRecorder, times: Sequence[datetime]) -> list[int]:
    """The ``cut`` of the prefix as known at each of ``times``, the log read once."""
    cuts = [0] * len(times)
    for position, _, _, recorded in _stamps(recorder):
        for index, moment in enumerate(times):
            if recorded <= moment:
                cuts[index] = position
    return cuts


def _stamps(recorder: ApplicationRecorder) -> Iterator[Stamp]:
    after = 0
    while True:
        count = 0
        with rows_after(recorder, after, _PAGE) as rows:
            page = [(row[0], row[1], row[2], row[4]) for row in rows]
        for position, aggregate_id, version, state in page:
            count += 1
            after = position
            yield position, aggregate_id, version, _recorded(state)
        if count < _PAGE:
            return


def _recorded(state: Any) -> datetime:
    text = orjson.loads(bytes(state))["timestamp"]["__datetime__"]
    return datetime.fromisoformat(str(text))


def _key(aggregate_id: object) -> str:
    """An aggregate id as text, whether stored as a UUID, its bytes or its text."""
    if isinstance(aggregate_id, bytes | bytearray | memoryview):
        return str(UUID(bytes=bytes(aggregate_id)))
    return str(UUID(str(aggregate_id)))
