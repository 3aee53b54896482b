"""The entries an officer recorded in the post they hold: what bounds the day of the step that
ends it (since session 28).

A retirement 退休 or a transfer 调岗 dated before an entry its officer recorded under the post
it ends made the ledger contradict itself (tester L, session 28: wh-02 retired as of
2018-01-01 beside 338 entries of theirs dated after it; qu-01 an inspector from 2017-03-01
beside 1,083 entries as an officer after it), and no check said so. ``latest_entry`` finds the
latest-dated of those entries, read from the log after the officer's latest post began, as
``ReadingQueries.check_post_unused`` reads it for a transfer's correction: a page at a time,
an officer's id looked for in a row's bytes, and a row holding it parsed for its recorder.
An entry a correction 更正 voids does not count (since session 28, re-tester R).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import ApplicationRecorder, Notification

from ledger.record_keys import class_kind, first_named, record_kind
from ledger.rows import rows_after

__all__ = [
    "IMPORT_REGISTER",
    "Entry",
    "Voided",
    "latest_entry",
    "record_hex",
    "record_named",
    "stored_page",
]

_PAGE = 1000
#: A seal 签名 shares its save's date; the entry it seals is the one to name.
_SEAL_TOPIC = "ledger.sealing:Seal.Sealed"
#: The topics of the import register's own bookkeeping (``ImportsStarted``, ``BatchRecorded``:
#: dated by an import's first row): no officer's entry, and nothing a correction reaches (since
#: re-tester W, session 28: a batch whose every row was voided still bounded its importer's
#: retirement, and the refusal said to void it).
IMPORT_REGISTER = "ledger.imports:ImportLedger."
#: The topic's end of a correction 更正 of any record (``LedgerAggregate.Corrected``).
_CORRECTED = ".Corrected"


#: Entries voided by a correction 更正: each (its record id, ``record_hex``, its version).
Voided = AbstractSet[tuple[str, int]]


@dataclass(frozen=True)
class Entry:
    """An entry found in the log: its position, record id, entry number, topic and effective
    date (ISO)."""

    position: int
    originator_id: Any
    version: int
    topic: str
    day: str

    @property
    def name(self) -> str:
        """``VisitRecorded``."""
        return self.topic.rsplit(".", 1)[-1]


def latest_entry(
    page: Callable[[int, int], list[Notification]],
    officer_id: str,
    after: int,
    before: int | None = None,
    voided: Voided = frozenset(),
    read_corrections: bool = True,
) -> Entry | None:
    """The latest-dated entry ``officer_id`` recorded after log position ``after`` (and before
    ``before``, if given), the first of that date in log order, that no correction voids; None
    if they recorded none. Read with ``page`` (``ReadingQueries.stored_page``). A correction
    may come later in the log than the entry it voids, and by another officer (re-tester R,
    session 28: a visit typed 2018-12-20 and voided still refused a retirement of 2018-12-15):
    the entries the log's corrections from ``after`` on void are read in the same pass (unless
    not ``read_corrections``: ``voided`` then holds them all), beside ``voided`` (those known
    besides: an import's earlier rows), and only if the latest found is among them is the log
    read again for the latest one standing. A row that cannot be read is passed over:
    ``fupin verify`` reports it."""
    found = set(voided)
    collect = found if read_corrections else None
    latest = _scan(page, officer_id, after, before, collect, found)
    if latest is None or _key(latest) not in found:
        return latest
    return _scan(page, officer_id, after, before, None, found)


def _key(entry: Entry) -> tuple[str, int]:
    return record_hex(entry.originator_id), entry.version


def record_hex(originator_id: Any) -> str:
    """A record id as 32 hex digits, as SQLite stores it (PostgreSQL's driver gives a UUID)."""
    return originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)


def _scan(
    page: Callable[[int, int], list[Notification]],
    officer_id: str,
    after: int,
    before: int | None,
    collect: set[tuple[str, int]] | None,
    skip: Voided,
) -> Entry | None:
    """One read of the log for ``latest_entry``: the latest entry not in ``skip``; every
    correction's voided entry added to ``collect`` (when given) on the way."""
    needle = orjson.dumps(officer_id)
    latest: Entry | None = None
    cursor: int | None = after
    while cursor is not None:
        rows = page(cursor, _PAGE)
        for row in rows:
            state = row.state
            if collect is not None and row.topic.endswith(_CORRECTED):
                _voids(row, collect)
            if (before is not None and row.id >= before) or needle not in state:
                continue
            if row.topic == _SEAL_TOPIC or row.topic.startswith(IMPORT_REGISTER):
                continue
            day = _recorded_by(state, officer_id)
            if day is None or (latest is not None and day <= latest.day):
                continue
            version = row.originator_version
            if (record_hex(row.originator_id), version) not in skip:
                latest = Entry(row.id, row.originator_id, version, row.topic, day)
        cursor = rows[-1].id if len(rows) == _PAGE else None
    return latest


def _voids(row: Notification, voided: set[tuple[str, int]]) -> None:
    """The entry a correction row voids, into ``voided`` (a row altered is passed over)."""
    try:
        corrects = orjson.loads(row.state)["corrects"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return
    if isinstance(corrects, int):
        voided.add((record_hex(row.originator_id), corrects))


def _recorded_by(state: bytes, officer_id: str) -> str | None:
    """The effective date (ISO) of a row ``officer_id`` recorded, None if another did."""
    try:
        prov = orjson.loads(state)["prov"]["__Provenance__"]
        if prov["actor"] != officer_id:
            return None
        day = prov["effective"]["__date__"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None  # a row altered: fupin verify reports it
    return day if isinstance(day, str) else None


def stored_page(recorder: ApplicationRecorder, after: int, size: int) -> list[Notification]:
    """The stored events after log position ``after``, as stored. On SQLite read as plain
    rows: the recorder would make a UUID of each id, and one id that is none would fail the
    whole page (the mapper says what is wrong with that one row instead). For
    ``ReadingQueries.stored_page`` and ``fupin verify`` both."""
    with rows_after(recorder, after, size) as rows:
        return [
            Notification(
                id=row[0],
                originator_id=row[1],
                originator_version=row[2],
                topic=row[3],
                state=row[4],
            )
            for row in rows
        ]


def record_named(recorder: ApplicationRecorder, entry: Entry, loaded: Any = None) -> str:
    """``household WH-000123``: the record ``entry`` is of, by its key as its first event
    holds it (one indexed read), or as ``loaded`` (the record, when an import's batch holds
    it unsaved) holds it; by its class and id when that cannot be read."""
    kind, field = record_kind(entry.topic)
    key = None
    if loaded is not None:  # its class: a correction's or amendment's topic is the base's
        kind, field = class_kind(type(loaded).__name__)
        key = getattr(loaded, field, None) if field else None
    if not isinstance(key, str):
        # its first event's topic names the record's kind; a correction's does not (helper
        # i, session 31: "entry 8 of LedgerAggregate JH-0001" named jn-01's correction)
        first = first_named(recorder, entry.originator_id)
        if first is not None:
            kind, key = first
    return f"{kind} {key}" if key else f"{kind} {entry.originator_id}"
