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

Cheap (since session 27, helper D2): the prefix is its ``cut``, the last position recorded by
``T``. Each row's recording time is read from its bytes where the transcoder wrote it in its
one form for a UTC time (``_recorded``), the whole state parsed only when it is not in that
form; a view of one aggregate (``history``, ``household show``) compares its own events'
positions, one read by the events' key (``KnownPrefix.versions_of``), with the cut. On the
204 k-event bench ledger ``history --known-at`` took ~0.7 s of CPU more than before the
prefix, ~0.25 s more now (docs/performance.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import ApplicationRecorder

from ledger import clock
from ledger.rows import positions_of, rows_after

__all__ = [
    "KnownPrefix",
    "cuts_of",
    "entry_ahead",
    "first_entry_time",
    "known_cuts",
    "known_prefix",
    "last_entry",
]

_PAGE = 2000

#: A stored state's recording time as the transcoder writes it: the top-level key
#: ``timestamp``, keys sorted, no spaces (``ledger.transcoder``)...
_STAMP = b'"timestamp":{"__datetime__":"'
#: ...and its text for a UTC time, orjson's (``OrjsonTranscoder._tag``): seconds, then six
#: digits of microseconds unless they are 0, then +00:00; the tag alone in its object.
_UTC_TEXT = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?\+00:00(?=\"})")


@dataclass
class KnownPrefix:
    """The log as known at ``known_at``: its events up to position ``cut`` (0: none)."""

    known_at: datetime
    cut: int = 0

    def holds_position(self, position: int) -> bool:
        return position <= self.cut

    def versions_of(self, recorder: ApplicationRecorder, aggregate_id: UUID) -> set[int]:
        """The versions of ``aggregate_id`` in the prefix: its events' positions (one read by
        the events' key) compared with the cut."""
        return {
            version
            for version, position in positions_of(recorder, aggregate_id).items()
            if position <= self.cut
        }


def known_prefix(recorder: ApplicationRecorder, known_at: datetime) -> KnownPrefix:
    """The stored log as known at ``known_at``: read once, each row's recording time alone."""
    return KnownPrefix(known_at, known_cuts(recorder, [known_at])[0])


def known_cuts(recorder: ApplicationRecorder, times: Sequence[datetime]) -> list[int]:
    """``cuts_of`` the stored log, read once."""
    return cuts_of(_stamps(recorder), times)


def cuts_of(stamps: Iterable[tuple[int, datetime]], times: Sequence[datetime]) -> list[int]:
    """The cut of the prefix of ``stamps`` (position, recording time; in log order) as known at
    each of ``times``: the position of the last event recorded by then (0: none). Events
    recorded after a time but stored before one recorded by it are in its prefix; those after
    the last one recorded by it are not."""
    cuts = [0] * len(times)
    if not times:
        return cuts
    latest = max(times)
    for position, at in stamps:
        if at <= latest:
            for index, moment in enumerate(times):
                if at <= moment:
                    cuts[index] = position
    return cuts


def _stamps(recorder: ApplicationRecorder) -> Iterator[tuple[int, datetime]]:
    """Each stored row's position and recording time, in log order, a page at a time (each
    page read whole, its read transaction ended, before its rows are given)."""
    after = 0
    while True:
        with rows_after(recorder, after, _PAGE) as rows:
            page = [(row[0], row[4]) for row in rows]
        for position, state in page:
            yield position, _recorded(state)
        if len(page) < _PAGE:
            return
        after = page[-1][0]


def last_entry(recorder: ApplicationRecorder) -> tuple[int, datetime, str] | None:
    """The position, recording time and recording officer (``""`` if its provenance cannot be
    read) of the entry stored last, in log order, None on an empty log: the entry the save
    rule compares a save with (``ledger.core``), so the one that blocks a save from a clock
    more than ``CLOCK_TOLERANCE`` before it. Since session 27: what ``fupin verify`` compares
    with this machine's clock (the re-test: it named the entry recorded latest, which need
    not be the one a refusal names, and said saves were refused when they were taken)."""
    head = recorder.max_notification_id() or 0
    found = _row_after(recorder, head - 1) if head else None
    if found is None:
        return None
    position, state = found
    return position, _recorded(state), _actor(state)


def first_entry_time(recorder: ApplicationRecorder) -> datetime | None:
    """The recording time of the entry stored first, in log order, None on an empty log: in a
    store rebuilt by ``import --create``, the time its move recorded the entries it replayed
    (``ledger.transparency``; since session 32)."""
    found = _row_after(recorder, 0)
    return None if found is None else _recorded(found[1])


def _row_after(recorder: ApplicationRecorder, after: int) -> tuple[int, Any] | None:
    """The position and stored state of the row stored first after position ``after``."""
    with rows_after(recorder, after, 1) as rows:
        found = [(row[0], row[4]) for row in rows]
    return found[0] if found else None


def entry_ahead(
    recorder: ApplicationRecorder, now: datetime
) -> tuple[int, datetime, str, datetime] | None:
    """The ledger's last entry (``last_entry``) when the save rule refuses a save made at ``now``
    for it (recorded more than ``CLOCK_TOLERANCE`` after ``now``: ``ledger.core``), with the
    moment saves are taken again, its time less the allowance; None when a save is not so
    refused. What ``fupin verify`` notes (since session 27)."""
    last = last_entry(recorder)
    if last is None or last[1] <= now + clock.CLOCK_TOLERANCE:
        return None
    position, recorded, actor = last
    return position, recorded, actor, recorded - clock.CLOCK_TOLERANCE


def _actor(state: Any) -> str:
    """The officer a stored state's provenance names, read from its JSON (no personal data is
    decrypted); ``""`` when it names none."""
    prov = orjson.loads(bytes(state)).get("prov")
    fields = prov.get("__Provenance__") if isinstance(prov, dict) else None
    actor = fields.get("actor") if isinstance(fields, dict) else None
    return actor if isinstance(actor, str) else ""


def _recorded(state: Any) -> datetime:
    """A stored state's recording time: read from its bytes where the transcoder wrote it in
    its one form for a UTC time, else from the parsed state (the same answer: a state holds
    ``"timestamp":{"__datetime__":"`` once, at its top level, unless a value nests another
    such key; then, or in any other form, the state is parsed)."""
    data = bytes(state)
    at = data.find(_STAMP)
    if at >= 0 and data.find(_STAMP, at + 1) < 0:
        text = _UTC_TEXT.match(data, at + len(_STAMP))
        if text is not None:
            return datetime.fromisoformat(text.group().decode())
    return _parsed(data)


def _parsed(state: bytes) -> datetime:
    """A stored state's recording time, the state parsed whole."""
    text = orjson.loads(state)["timestamp"]["__datetime__"]
    return datetime.fromisoformat(str(text))
