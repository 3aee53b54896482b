"""Stored events read straight into ``Fact``s, decoded only as far as a read model looks.

The read models never need eventsourcing's domain events: building one per stored event
(resolving the topic, decoding every tagged value of the state, opening sealed personal data,
copying the fields into a fact) cost more than all their SQL. So a page of stored rows is read
as plain tuples and each state is parsed once with orjson; a ``Fact`` keeps that parsed state
and decodes a value (a date, a tuple, a value dataclass) only when a handler reads it. The
provenance's effective date and the recording time are read from the tagged JSON as the
ISO text they were written as (``ledger.transcoder``), which is exactly what the read models
store. Personal data stays sealed: no read model holds it (docs/reports.md), so no key is
ever looked up.

Tagged values are decoded as ``ledger.transcoder.OrjsonTranscoder`` decodes them; a tag this
module does not know is handed to the ledger's own transcoder, so a value type added to the
ledger later still decodes right (only slower).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Transcoder
from ledger.application import Ledger
from ledger.base import Provenance
from ledger.core import VALUE_TYPES
from ledger.privacy import UnreadableEventError, event_class
from ledger.rows import rows_after

__all__ = ["Decoder", "Fact", "StoredEvents"]

#: One stored event as read: notification id, aggregate id (text), version, topic, state.
Row = tuple[int, str, int, str, bytes]

#: Aggregate ids kept in their text form at most (memory stays flat however long the log).
_MOST_IDS = 100_000

_PLAIN: frozenset[type[Any]] = frozenset({str, int, bool, type(None)})


class Decoder:
    """Tagged JSON values back to Python values, as the ledger's transcoder decodes them."""

    #: The ledger's value dataclasses (``ledger.core``); other tags go to the transcoder.
    VALUE_TYPES: tuple[type[Any], ...] = VALUE_TYPES

    def __init__(self, transcoder: Transcoder) -> None:
        self._transcoder = transcoder
        self._classes = {f"__{cls.__name__}__": cls for cls in self.VALUE_TYPES}
        self.value_tags = frozenset(self._classes)
        decode = self.value
        self._tags: dict[str, Callable[[Any], Any]] = {
            "__date__": date.fromisoformat,
            "__datetime__": datetime.fromisoformat,
            "__tuple__": lambda v: tuple(decode(x) for x in v),
            "__uuid__": UUID,
            "__decimal__": Decimal,
            "__frozenset__": lambda v: frozenset(decode(x) for x in v),
            "__dict__": lambda v: {k: decode(x) for k, x in v.items()},
        }

    def value(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is dict:
            if len(obj) == 1:
                ((key, inner),) = obj.items()
                if key[:2] == "__":
                    return self._tagged(key, inner)
            decode = self.value
            return {k: v if type(v) in _PLAIN else decode(v) for k, v in obj.items()}
        if kind is list:
            return [self.value(v) for v in obj]
        return obj

    def _tagged(self, tag: str, inner: Any) -> Any:
        decoder = self._tags.get(tag)
        if decoder is not None:
            return decoder(inner)
        cls = self._classes.get(tag)
        if cls is not None:
            plain = _PLAIN
            if all(type(v) in plain for v in inner.values()):
                return cls(**inner)
            decode = self.value
            return cls(**{k: v if type(v) in plain else decode(v) for k, v in inner.items()})
        # A value type this module does not know: the ledger's transcoder knows it.
        return self._transcoder.decode(orjson.dumps({tag: inner}))


class Fact:
    """One stored event as the read models see it.

    ``actor`` is the entry's officer (the provenance's actor), ``imported_by`` who recorded it
    for them when that is not the actor (an admin importing an officer's rows, since session
    28; None when the actor recorded it), ``effective`` the provenance's effective date and
    ``recorded`` the recording time, both as ISO text; ``prov`` and ``recorded_at`` are the
    same as values. ``fact[key]`` is a field of the event, decoded when read (personal data
    stays sealed: no read model holds it).
    """

    __slots__ = (
        "_decoder",
        "_state",
        "actor",
        "aggregate_id",
        "effective",
        "imported_by",
        "kind",
        "name",
        "position",
        "version",
    )

    position: int  # notification id
    kind: str  # aggregate class name: Household, FundAccount...
    name: str  # event class name: Registered, Disbursed...
    aggregate_id: str
    version: int
    actor: str
    imported_by: str | None  # who recorded it for the actor (None: the actor did)
    effective: str  # ISO date

    def __init__(
        self,
        position: int,
        kind: str,
        name: str,
        aggregate_id: str,
        version: int,
        state: Mapping[str, Any],
        decoder: Decoder,
    ) -> None:
        self.position = position
        self.kind = kind
        self.name = name
        self.aggregate_id = aggregate_id
        self.version = version
        prov = state["prov"]["__Provenance__"]
        self.actor = prov["actor"]
        # stored only when set (``Provenance.STORED_IF_SET``)
        self.imported_by = prov.get("imported_by") or None
        self.effective = prov["effective"]["__date__"]
        if self.effective not in _DATES_READ:  # each date text once: a set lookup a fact
            _check_date(self.effective)
        self._state = state
        self._decoder = decoder

    def __getitem__(self, key: str) -> Any:
        value = self._state[key]
        return value if type(value) in _PLAIN else self._decoder.value(value)

    def get(self, key: str, default: Any = None) -> Any:
        """Field ``key``, or ``default`` if the event carries none (a field added to its class
        since older events were recorded)."""
        return self[key] if key in self._state else default

    def record(self, key: str) -> Mapping[str, Any]:
        """The fields of value-dataclass field ``key`` (a payment, a measure) by name, decoded:
        ``vars(fact[key])`` without building the dataclass. Read it, never change it."""
        value = self._state[key]
        if type(value) is dict and len(value) == 1:
            ((tag, fields),) = value.items()
            if tag in self._decoder.value_tags and type(fields) is dict:
                if all(type(v) in _PLAIN for v in fields.values()):
                    return fields
                decode = self._decoder.value
                return {k: v if type(v) in _PLAIN else decode(v) for k, v in fields.items()}
        return dict(vars(self[key]))

    def iso(self, key: str) -> str:
        """Date field ``key`` as ISO text (``fact[key].isoformat()``, without the date)."""
        value = self._state[key]
        if type(value) is dict and type(value.get("__date__")) is str and len(value) == 1:
            return str(value["__date__"])
        return str(self[key].isoformat())

    def __repr__(self) -> str:
        return f"Fact({self.position}, {self.kind}.{self.name}, {self.aggregate_id}@{self.version})"

    @property
    def prov(self) -> Provenance:
        found: Provenance = self._decoder.value(self._state["prov"])
        return found

    @property
    def recorded(self) -> str:
        """When the event was recorded, as ISO text."""
        return str(self._state["timestamp"]["__datetime__"])

    @property
    def recorded_at(self) -> datetime:
        return datetime.fromisoformat(self.recorded)


#: The effective dates facts were read with that are days of the calendar (``Fact``).
_DATES_READ: set[str] = set()


def _check_date(text: Any) -> None:
    """Refuse a fact whose effective date is no day of the calendar (``2016-02-30``, which
    no command writes: tester g, session 36, a rebuild took it and report accountability then
    ended in an internal error); the reader names the event (``cannot be decoded``)."""
    try:
        date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"its effective date {text!r} is no day of the calendar") from None
    _DATES_READ.add(text)


class StoredEvents:
    """A ledger's stored events as ``Fact``s, in notification order, read a page of rows at a
    time and decoded one by one as the reader takes them: a fact nobody keeps is freed before
    the next is decoded (decoding a thousand first and then applying them was slower)."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._decoder = Decoder(ledger.mapper.transcoder)
        self._names: dict[str, tuple[str, str]] = {}  # topic -> (kind, name)
        self._ids: dict[str, str] = {}  # stored aggregate id -> its text form
        self._versioned: dict[str, Any] = {}  # topic -> its event class, if upcast is needed

    def after(self, position: int, page: int = 1000) -> Generator[Fact, None, None]:
        """The events recorded after notification ``position``, read ``page`` rows a query."""
        names, ids, decoder, loads = self._names, self._ids, self._decoder, orjson.loads
        upcast = self._versioned
        last = position
        while True:
            if len(ids) > _MOST_IDS:
                ids.clear()
            count, start = 0, last
            for last, stored_id, version, topic, state in self._page(start, page):
                try:
                    kind, name = names.get(topic) or self._name(topic)
                    aggregate_id = ids.get(stored_id) or self._id(stored_id)
                    if type(version) is not int or version < 1 or type(state) is not bytes:
                        raise _Damaged(_damaged(version, state))
                    tree = loads(state) if topic not in upcast else self._upcast(topic, state)
                    fact = Fact(last, kind, name, aggregate_id, version, tree, decoder)
                except Exception as exc:  # a row the ledger did not write so: say which
                    raise _unreadable(exc, last, stored_id, version, topic) from None
                yield fact
                count += 1
            if count < page:  # the last page
                return

    def _page(self, after: int, size: int) -> Iterator[Row]:
        """The rows of one page, the last of them given after the page's read transaction has
        ended: whoever commits once a page is taken (``projections.catchup``) finds no reader
        holding SQLite's write-ahead log back, so the log can start again from its beginning
        (a rebuild's log grew to all it wrote). One row is held, never the page: a page can
        hold megabytes (the import register's events)."""
        held: Row | None = None
        with rows_after(self._ledger.recorder, after, size) as rows:
            for row in rows:
                if held is not None:
                    yield held
                held = row
        if held is not None:
            yield held

    def _name(self, topic: str) -> tuple[str, str]:
        # One of the ledger's own event classes, never a module the topic names imported.
        try:
            cls = event_class(topic)
        except ValueError as exc:
            raise _Damaged(str(exc)) from None
        if getattr(cls, "class_version", 1) != 1:
            self._versioned[topic] = cls
        qualname = cls.__qualname__
        found = self._names[topic] = (qualname.split(".")[0], qualname.rsplit(".", 1)[-1])
        return found

    def _upcast(self, topic: str, state: bytes) -> Any:
        """The tagged tree of a state written by an older version of its event class, brought
        up to date by the class's own ``upcast_vN_vN+1`` methods, exactly as eventsourcing's
        mapper does it (decoded by the transcoder: personal data stays sealed)."""
        cls = self._versioned[topic]
        transcoder = self._ledger.mapper.transcoder
        event_state = transcoder.decode(state)
        from_version = event_state.pop("class_version", 1)
        while from_version < cls.class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        return orjson.loads(transcoder.encode(event_state))

    def _id(self, stored: str) -> str:
        try:
            text = str(UUID(str(stored)))
        except ValueError:
            raise _Damaged(f"its aggregate id {stored!r} is not a UUID") from None
        found = self._ids[stored] = text
        return found


class _Damaged(ValueError):
    """What is wrong with a stored row, said in a few words."""


def _damaged(version: object, state: object) -> str:
    if type(version) is not int or version < 1:
        return f"its version {version!r} is not a whole number from 1"
    return f"its state is {type(state).__name__}, not bytes"


def _unreadable(
    exc: Exception, position: int, stored_id: object, version: object, topic: object
) -> UnreadableEventError:
    """The refusal for the stored row at ``position`` that could not be read as a fact, saying
    what ``exc`` found wrong, as the ledger's mapper says it (``ledger.privacy``)."""
    if isinstance(exc, UnreadableEventError):
        return exc
    if isinstance(exc, _Damaged):
        problem = str(exc)
    elif isinstance(exc, KeyError) and exc.args == ("prov",):
        problem = "it carries no provenance"  # as the ledger's mapper says it
    else:
        lines = str(exc).strip().splitlines()
        said = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
        problem = f"its state cannot be decoded ({said})"
    return UnreadableEventError(problem, position, stored_id, version, topic)
