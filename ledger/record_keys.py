"""A record's own key 编号 (a household's number, an account's code, a helper's id …), read
from its first event as stored: what ``fupin log`` shows beside a record's id, and what a
refusal names an entry's record by (since session 28, tester L: ``log`` lines carried a
household's aggregate UUID alone, which no other command takes).

Read from the log, never from the read models: ``log`` is what an inspector reads the ledger
itself with. A record's first event holds its key in clear (a household's personal data is
sealed, its number is not), so no key is opened."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import ApplicationRecorder

__all__ = ["KeyCache", "class_kind", "first_key", "first_named", "record_kind"]

#: Each record's class, the word officers use for it and the field of its first event that
#: holds its key (what ``fupin history --kind KIND KEY`` takes). An enterprise's pairings are
#: its helper's. Others (seals, imports, the log's keys) have no key officers type.
_KEYS = {
    "Household": ("household", "number"),
    "Helper": ("helper", "helper_id"),
    "EnterprisePairings": ("helper", "helper_id"),
    "FundAccount": ("fund", "code"),
    "Inspection": ("inspection", "code"),
    "Officer": ("officer", "officer_id"),
    "Street": ("street", "name"),
    "Programme": ("programme", "code"),
}
#: Keys ``KeyCache`` keeps at once: ``log`` reads in flat memory whatever the ledger's size.
_KEPT = 1 << 16


def record_kind(topic: str) -> tuple[str, str]:
    """The kind of record a topic's event is of and its key's field (``("household",
    "number")``); for a record with no key, its class and "". A correction's or an
    amendment's topic names the base class every record shares (``LedgerAggregate``):
    its record's kind is its first event's (``first_named``)."""
    return class_kind(topic.rsplit(":", 1)[-1].split(".", 1)[0])


def class_kind(cls: str) -> tuple[str, str]:
    """``record_kind`` of a record's class, by its name (``Household``)."""
    return _KEYS.get(cls, (cls, ""))


def first_key(recorder: ApplicationRecorder, originator_id: Any) -> str | None:
    """The key its first event as stored holds of the record ``originator_id`` (one indexed
    read; the first event's topic says which field, so a correction's record is known too);
    None when it has none or cannot be read (damaged: the id names the record)."""
    found = first_named(recorder, originator_id)
    return None if found is None else found[1]


def first_named(recorder: ApplicationRecorder, originator_id: Any) -> tuple[str, str | None] | None:
    """The kind of the record ``originator_id`` (``household``) and the key its first event
    as stored holds (None when it has none), by that event's topic (one indexed read); None
    when it cannot be read (damaged: the id names the record)."""
    try:
        uid = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
        first = recorder.select_events(uid, lte=1, limit=1)
        kind, field = record_kind(first[0].topic)
        key = orjson.loads(first[0].state).get(field) if field else None
    except Exception:  # damaged, or no first event
        return None
    return kind, key if isinstance(key, str) and key else None


class KeyCache:
    """Records' keys by id, the latest ``_KEPT`` used: a record's first event read once while
    it is kept (a stream's events of one record are mostly near each other)."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.recorder = recorder
        self.keys: OrderedDict[Any, str | None] = OrderedDict()

    def key(self, originator_id: Any, topic: str, first: dict[str, Any] | None = None) -> Any:
        """The key of the record ``originator_id``; ``first``: the details of its first event
        (of ``topic``), when that is the one read (no read then)."""
        if originator_id in self.keys:
            self.keys.move_to_end(originator_id)
            return self.keys[originator_id]
        if first is not None:
            field = record_kind(topic)[1]
            held = first.get(field) if field else None
            key = held if isinstance(held, str) and held else None
        else:
            key = first_key(self.recorder, originator_id)
        self.keys[originator_id] = key
        if len(self.keys) > _KEPT:
            self.keys.popitem(last=False)
        return key
