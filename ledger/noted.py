"""A note of ``fupin verify`` under today's rules with the entries it rests on, and which of
them a move 迁移 replayed (since session 32, helper b2).

In a store made by a move (``import --create``), a note said of every entry that it was
recorded before the move, its recording time the export's, which is no evidence. An older fupin
could record such an entry in that store after the move (moves exist since session 23): that
one was recorded as it was taken. A move replays the export's rows first, then records its
import and its ``RebuiltFromExport``: an entry stored before that record in the log's order was
replayed, one stored after it was recorded here. The order is the store's own (SQLite's rowid,
PostgreSQL's notification id, ``ledger.rows.positions_of``), compared, never counted: ids can
have gaps. A note rests on the entries its rule judges (a closure and an employment, a merge):
the one today's fupin would refuse is the last of them recorded, so the note is of an entry the
move replayed when every one of them is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder

from ledger.rows import positions_of

#: An entry of a record: the record's id and the entry (its version).
EntryId = tuple[UUID, int]


class Noted(NamedTuple):
    """What verify says of one finding under today's rules, and the entries it rests on (none
    known: said as of entries a move replayed, in a moved store)."""

    said: str
    entries: tuple[EntryId, ...] = ()


def replayed_by_move(
    recorder: ApplicationRecorder, move: EntryId, entries: Iterable[EntryId]
) -> frozenset[EntryId] | None:
    """Of ``entries``, those stored before the move's record ``move`` (its
    ``RebuiltFromExport``): the ones the move replayed. One read by the events' primary key of
    each record named (few: the notes'); None if the store cannot say (then every entry is said
    as replayed, as before session 32)."""
    try:
        moved = positions_of(recorder, move[0]).get(move[1])
        if moved is None:
            return None
        by_record: dict[UUID, set[int]] = {}
        for record, version in entries:
            by_record.setdefault(record, set()).add(version)
        found: set[EntryId] = set()
        for record, versions in by_record.items():
            positions = positions_of(recorder, record)
            # an entry not stored is the pass's to report: said as replayed, as before
            found.update((record, v) for v in versions if positions.get(v, moved) <= moved)
    except Exception:  # the store cannot answer: the pass reports what is wrong
        return None
    return frozenset(found)
