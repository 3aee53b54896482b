"""The entries an officer recorded in the post they hold: what bounds the day of the step that
ends it (since session 28).

A retirement 退休 or a transfer 调岗 dated before an entry its officer recorded under the post
it ends made the ledger contradict itself (tester L, session 28: wh-02 retired as of
2018-01-01 beside 338 entries of theirs dated after it; qu-01 an inspector from 2017-03-01
beside 1,083 entries as an officer after it), and no check said so. ``latest_entry`` finds the
latest-dated of those entries, read from the log after the officer's latest post began, as
``ReadingQueries.check_post_unused`` reads it for a transfer's correction: a page at a time,
an officer's id looked for in a row's bytes, and a row holding it parsed for its recorder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from eventsourcing.persistence import ApplicationRecorder, Notification

from ledger.record_keys import first_key, record_kind

__all__ = ["Entry", "latest_entry", "record_named"]

_PAGE = 1000
#: A seal 签名 shares its save's date; the entry it seals is the one to name.
_SEAL_TOPIC = "ledger.sealing:Seal.Sealed"


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
    page: Callable[[int, int], list[Notification]], officer_id: str, after: int
) -> Entry | None:
    """The latest-dated entry ``officer_id`` recorded after log position ``after`` (the first
    of that date, in log order), read with ``page`` (``ReadingQueries.stored_page``); None if
    they recorded none. A row that cannot be read is passed over: ``fupin verify`` reports it."""
    needle = orjson.dumps(officer_id)
    latest: Entry | None = None
    cursor: int | None = after
    while cursor is not None:
        rows = page(cursor, _PAGE)
        for row in rows:
            state = row.state
            if needle not in state or row.topic == _SEAL_TOPIC:
                continue
            day = _recorded_by(state, officer_id)
            if day is not None and (latest is None or day > latest.day):
                version = row.originator_version
                latest = Entry(row.id, row.originator_id, version, row.topic, day)
        cursor = rows[-1].id if len(rows) == _PAGE else None
    return latest


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


def record_named(recorder: ApplicationRecorder, entry: Entry, loaded: Any = None) -> str:
    """``household WH-000123``: the record ``entry`` is of, by its key as its first event
    holds it (one indexed read), or as ``loaded`` (the record, when an import's batch holds
    it unsaved) holds it; by its class and id when that cannot be read."""
    kind, field = record_kind(entry.topic)
    key = getattr(loaded, field, None) if loaded is not None and field else None
    if not isinstance(key, str):
        key = first_key(recorder, entry.originator_id)
    return f"{kind} {key}" if key else f"{kind} {entry.originator_id}"
