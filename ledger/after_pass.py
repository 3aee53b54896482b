"""The notes under today's rules ``fupin verify`` adds after its pass from one scan of the log
(since session 31): a household turned down that took a step after (``ledger.after_rejection``),
a merge 合户 into an exit under way and a take-in voided under a merge (``ledger.exit_spared``),
session 28's talks, notices and accounts (``ledger.oversight_spared``), and a household closed
with an exit, a return or an employment standing past its closure (``ledger.closed_under_way``).

Each of them read the log by topic on its own before (four scans of the whole log, each row of
a topic two of them need decoded twice). Now each says the topics it reads and whether it reads
a row's fields (``reads``); one scan reads the rows of every topic any of them needs, decodes a
row's fields once if one of them reads them (``fields_of``: plain JSON, no personal data
opened), and hands the row to each that reads its topic (``take``); then each reads the few
records it found (``ledger.exit_spared`` may still scan the exit steps of a household merged
into, when a merge into one with an exit is on the log). The notes, their order and their words
are the four modules' own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Protocol
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper

from ledger.after_rejection import RejectionScan
from ledger.closed_under_way import ClosureScan
from ledger.double_pairings import fields_of, notifications
from ledger.exit_spared import MergeScan, SparedStep
from ledger.noted import Noted
from ledger.oversight_spared import OversightScan


class TopicReader(Protocol):
    """What a note takes of the one scan: the topics it reads, each with whether it reads the
    row's fields, and each such row (its fields, or None if not read or no JSON object)."""

    @property
    def reads(self) -> Mapping[str, bool]: ...

    def take(self, notification: Any, fields: Mapping[str, Any] | None) -> None: ...


class AfterPassNotes(NamedTuple):
    """The notes, as ``VerifyReport`` keeps them."""

    after_rejection: list[Noted]
    spared: list[SparedStep]
    closed_under_way: list[Noted]
    employed_past_closure: list[Noted]


def notes_after_pass(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], oversight: OversightScan | None = None
) -> AfterPassNotes:
    """Every note of the four modules, from one scan of the log. ``oversight``: one the pass
    told what it reads (verify's: the households' identifications), else a new one."""
    rejections, merges, closures = RejectionScan(), MergeScan(), ClosureScan()
    oversight = OversightScan() if oversight is None else oversight
    scan_once(recorder, mapper, (rejections, merges, oversight, closures))
    spared = merges.exit_steps_spared(recorder, mapper)
    return AfterPassNotes(
        rejections.steps_after_rejection(recorder, mapper),
        spared + oversight.oversight_spared(recorder, mapper),
        *closures.closed_under_way(recorder, mapper),
    )


def scan_once(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], readers: Sequence[TopicReader]
) -> None:
    """One scan of the rows of every topic ``readers`` read, in the log's order, each row's
    fields decoded once if one of them reads them, and handed to each reader of its topic."""
    takers: dict[str, list[TopicReader]] = {}
    decoded: set[str] = set()
    for reader in readers:
        for topic, reads_fields in reader.reads.items():
            takers.setdefault(topic, []).append(reader)
            if reads_fields:
                decoded.add(topic)
    for notification in notifications(recorder, list(takers)):
        topic = notification.topic
        fields = fields_of(mapper, notification) if topic in decoded else None
        for reader in takers[topic]:
            reader.take(notification, fields)
