"""An orjson transcoder that round-trips UUID, Decimal, date, datetime, tuples and the ledger's
small value dataclasses exactly.

Why not ``eventsourcing-orjsontranscoder``: it is unmaintained since 2022 and built against
eventsourcing 9.1. Why not orjson alone: it turns UUID, datetime and Decimal into strings and
cannot tell them apart on the way back. So values of those types are wrapped in one-key tagged
objects (``{"__date__": "2016-07-26"}``), the same idea as eventsourcing's ``JSONTranscoder``,
and orjson does the byte work. Keys are sorted so the bytes of a state are canonical.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Transcoder

__all__ = ["OrjsonTranscoder", "TranscodingError"]

_OPTIONS = orjson.OPT_SORT_KEYS
#: The fast path's options: orjson hands dates, datetimes and dataclasses to ``_tag``.
_PASSING = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
#: Dates decoded, kept by their text (an event log repeats a few thousand effective dates).
_DATES_KEPT = 4096


class TranscodingError(TypeError):
    """A value of a type the transcoder does not know how to store."""


class OrjsonTranscoder(Transcoder):
    """Encode event state dicts to canonical JSON bytes and back, preserving types.

    Two paths give the same bytes and the same values. ``_encode``/``_decode`` walk any value.
    An event's state is a flat dict of plain values, dates, datetimes, Decimals and the
    ledger's value dataclasses; such a dict goes to orjson as it is, and orjson calls back
    (``_tag``) only for the values it must not write itself: the walk rebuilt every dict and
    called a function per value, ~1.5x the time. Anything else (a list, a nested dict, a tuple,
    a UUID, a one-key dict) takes the walk. tests/unit/test_transcoder.py checks both paths
    against each other on generated states.

    Decoding replaces values in place in the dict orjson made, finds each tag's decoder with
    one lookup, keeps the dates it has read by their text, and fills a value dataclass's
    ``__dict__`` when its stored fields are exactly the class's (``_dataclass``). Encode plus
    decode of the states of a demo ledger: ~11 µs a state before, ~7 µs after, against
    ~15.5 µs for eventsourcing's ``JSONTranscoder`` (docs/performance.md).
    """

    def __init__(self) -> None:
        self._dataclasses: dict[str, type[Any]] = {}  # tag -> registered class
        # Per registered class: its tag and field names, looked up once (``dataclasses.fields``
        # builds a new tuple on every call, and every event carries a Provenance).
        self._layouts: dict[type[Any], tuple[str, tuple[str, ...]]] = {}
        # Registered classes whose instances may be made without calling ``__init__`` when a
        # stored value holds exactly their fields (see ``_dataclass``).
        # (their field names in order, and as a set)
        self._plain_init: dict[type[Any], tuple[tuple[str, ...], frozenset[str]]] = {}
        # Per registered class: the fields stored only when set (``STORED_IF_SET``), with the
        # default an instance has when they are not (and the fields always stored).
        self._if_set: dict[type[Any], tuple[dict[str, Any], frozenset[str]]] = {}
        # The types a state may hold at its top level and still take the fast path.
        self._flat: set[type[Any]] = set(_PLAIN) | {date, datetime, Decimal}
        self._dates: dict[str, date] = {}
        # Each tag's decoder, looked up once per tagged value.
        self._tags: dict[str, Callable[[Any], Any]] = {
            tag: partial(decoder, self) for tag, decoder in _DECODERS.items()
        }
        self._tags["__date__"] = self._date
        self._tags["__datetime__"] = datetime.fromisoformat

    def register_dataclass(self, cls: type[Any]) -> None:
        """Allow frozen dataclass ``cls`` inside event state (tagged by its class name)."""
        tag = f"__{cls.__name__}__"
        fields = dataclasses.fields(cls)
        self._dataclasses[tag] = cls
        self._tags[tag] = partial(self._dataclass, cls)
        self._layouts[cls] = (tag, tuple(f.name for f in fields))
        self._flat.add(cls)
        if_set = {f.name: f.default for f in fields if f.name in getattr(cls, "STORED_IF_SET", ())}
        if if_set:
            always = frozenset(f.name for f in fields) - if_set.keys()
            self._if_set[cls] = (if_set, always)
        if _generated_init_only(cls, fields):
            names = self._layouts[cls][1]
            self._plain_init[cls] = (names, frozenset(names))

    def encode(self, obj: Any) -> bytes:
        # orjson hands back its whole working buffer (~8 KiB for a 600-byte state with orjson
        # 3.13) and never shrinks it. A stored state is kept until its save, and an import
        # keeps every one of its events' states until its single transaction: ~8 GB a million
        # events. Joining copies the bytes into an object of their own size (~0.07 µs).
        if type(obj) is dict and len(obj) != 1 and self._flat.issuperset(map(type, obj.values())):
            try:
                return b"".join((orjson.dumps(obj, default=self._tag, option=_PASSING), b""))
            except orjson.JSONEncodeError:
                pass  # a key that is not text, say: the walk below says what, as it always did
        return b"".join((orjson.dumps(self._encode(obj), option=_OPTIONS), b""))

    def decode(self, data: bytes) -> Any:
        obj = orjson.loads(data)
        if type(obj) is dict and len(obj) != 1:
            return self._decode_values(obj)
        return self._decode(obj)

    def _decode_values(self, obj: dict[str, Any]) -> dict[str, Any]:
        """``obj``, just parsed, with its values decoded in place (no new dict is built)."""
        tags = self._tags
        for key, value in obj.items():
            kind = type(value)
            if kind is dict:
                if len(value) == 1:
                    ((tag, inner),) = value.items()
                    if tag[:2] == "__":
                        decoder = tags.get(tag)
                        if decoder is None:
                            raise TranscodingError(f"unknown tag {tag!r} in stored state")
                        obj[key] = decoder(inner)
                        continue
                obj[key] = self._decode_values(value)
            elif kind is list:
                obj[key] = [self._decode(v) for v in value]
        return obj

    def _tag(self, obj: Any) -> Any:
        """orjson's ``default``: the tagged form of a date, datetime, Decimal or dataclass."""
        kind = type(obj)
        if kind is datetime:
            if obj.tzinfo is UTC:
                # orjson's text of a UTC datetime is its isoformat(), in a third of the time
                # (every event's timestamp; tests/unit/test_transcoder.py compares them).
                return {"__datetime__": orjson.dumps(obj)[1:-1].decode()}
            return {"__datetime__": obj.isoformat()}
        if kind is date:
            return {"__date__": obj.isoformat()}
        if kind is Decimal:
            return {"__decimal__": str(obj)}
        layout = self._layouts.get(kind)
        if layout is not None:
            tag, names = layout
            fields = getattr(obj, "__dict__", None)
            if fields is None or len(fields) != len(names):
                fields = {name: getattr(obj, name) for name in names}
            values = {}
            if_set = self._if_set.get(kind)
            for name in names:
                value = fields[name]
                if if_set is not None and name in if_set[0] and value == if_set[0][name]:
                    continue  # at its default: stored without it (``STORED_IF_SET``)
                kind = type(value)
                if kind in _PLAIN:
                    values[name] = value
                elif kind is date:
                    values[name] = {"__date__": value.isoformat()}
                else:
                    values[name] = self._encode(value)
            return {tag: values}
        return self._encode(obj)  # refused there, as the walk refuses it

    def _encode(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _PLAIN:
            return obj
        if kind is dict:
            if any(type(k) is not str for k in obj):
                raise TranscodingError(f"cannot store a dict whose keys are not all text: {obj!r}")
            encode = self._encode
            encoded = {k: v if type(v) in _PLAIN else encode(v) for k, v in obj.items()}
            if len(obj) == 1 and next(iter(obj))[:2] == "__":
                # A plain one-key dict whose key looks like a tag is escaped, so it survives.
                return {"__dict__": encoded}
            return encoded
        encoder = _ENCODERS.get(kind)
        if encoder is not None:
            return encoder(self, obj)
        layout = self._layouts.get(kind)
        if layout is not None:
            tag, names = layout
            encode = self._encode
            values = {name: getattr(obj, name) for name in names}
            if_set = self._if_set.get(kind)
            if if_set is not None:
                values = {
                    k: v for k, v in values.items() if k not in if_set[0] or v != if_set[0][k]
                }
            return {tag: {k: v if type(v) in _PLAIN else encode(v) for k, v in values.items()}}
        raise TranscodingError(f"cannot store a value of type {kind.__name__}: {obj!r}")

    def _decode(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is dict:
            if len(obj) == 1:
                ((key, value),) = obj.items()
                if key[:2] == "__":
                    return self._decode_tagged(key, value)
            return self._decode_values(obj)
        if kind is list:
            return [self._decode(v) for v in obj]
        return obj

    def _decode_tagged(self, tag: str, value: Any) -> Any:
        decoder = self._tags.get(tag)
        if decoder is None:
            raise TranscodingError(f"unknown tag {tag!r} in stored state")
        return decoder(value)

    def _date(self, text: Any) -> date:
        day = self._dates.get(text) if type(text) is str else None
        if day is None:
            day = date.fromisoformat(text)
            if len(self._dates) < _DATES_KEPT:
                self._dates[text] = day
        return day

    def _dataclass(self, cls: type[Any], value: Any) -> Any:
        """``cls(**value)``, its fields decoded. A frozen dataclass's generated ``__init__``
        sets each field with ``object.__setattr__`` (~0.8 µs for a Provenance); when ``value``
        holds exactly the fields of a class whose ``__init__`` does nothing else, the new
        instance's ``__dict__`` is filled directly (~0.2 µs), which is all that ``__init__``
        would do; those a class stores only when set (``STORED_IF_SET``, since session 28)
        may be missing, and get their default, as ``__init__`` gives it. Anything else (another
        missing field with a default, an unknown one, a value that
        is not an object) goes through ``__init__``, which accepts or refuses it as always."""
        if type(value) is not dict:
            return cls(**value)
        plain = self._plain_init.get(cls)
        if plain is None:
            return cls(**self._decode_values(value))
        defaults: dict[str, Any] = {}
        if value.keys() != plain[1]:
            # a field stored only when set (``STORED_IF_SET``) left out: its default
            if_set = self._if_set.get(cls)
            if if_set is None or not if_set[1] <= value.keys() <= plain[1]:
                return cls(**self._decode_values(value))
            defaults = {name: if_set[0][name] for name in if_set[0] if name not in value}
        order = plain[0]
        # Decoded and set in field order, as ``__init__`` sets them (stored keys are sorted):
        # vars() and anything that walks them see the same object either way.
        fields = {}
        tags = self._tags
        for name in order:
            if name in defaults:
                fields[name] = defaults[name]
                continue
            field = value[name]
            kind = type(field)
            if kind is dict:
                if len(field) == 1:
                    ((tag, inner),) = field.items()
                    decoder = tags.get(tag) if tag[:2] == "__" else None
                    field = decoder(inner) if decoder is not None else self._decode(field)
                else:
                    field = self._decode_values(field)
            elif kind is list:
                field = [self._decode(v) for v in field]
            fields[name] = field
        made = object.__new__(cls)
        made.__dict__.update(fields)
        return made


def _generated_init_only(cls: type[Any], fields: tuple[dataclasses.Field[Any], ...]) -> bool:
    """Whether ``cls(**values)`` does nothing but set each field: the ``__init__`` dataclasses
    wrote (its code is compiled from a string), every field an argument, no ``__post_init__``
    and instances with a ``__dict__``."""
    init = getattr(cls.__init__, "__code__", None)
    return (
        init is not None
        and init.co_filename == "<string>"
        and all(f.init for f in fields)
        and not hasattr(cls, "__post_init__")
        and not hasattr(cls, "__slots__")
    )


#: Types orjson writes and reads back as they are (never float: money is integer fen).
_PLAIN: frozenset[type[Any]] = frozenset({str, int, bool, type(None)})

_Enc = Callable[[OrjsonTranscoder, Any], Any]

_ENCODERS: dict[type[Any], _Enc] = {
    list: lambda t, o: [t._encode(v) for v in o],
    tuple: lambda t, o: {"__tuple__": [t._encode(v) for v in o]},
    UUID: lambda t, o: {"__uuid__": o.hex},
    Decimal: lambda t, o: {"__decimal__": str(o)},
    datetime: lambda t, o: {"__datetime__": o.isoformat()},
    date: lambda t, o: {"__date__": o.isoformat()},
    # Sorted by their own canonical bytes, so a set of tagged values (UUIDs, dates) has one order.
    frozenset: lambda t, o: {"__frozenset__": sorted((t._encode(v) for v in o), key=orjson.dumps)},
}

_DECODERS: dict[str, _Enc] = {
    "__dict__": lambda t, v: {k: t._decode(x) for k, x in v.items()},
    "__tuple__": lambda t, v: tuple(t._decode(x) for x in v),
    "__uuid__": lambda t, v: UUID(v),
    "__decimal__": lambda t, v: Decimal(v),
    "__datetime__": lambda t, v: datetime.fromisoformat(v),
    "__date__": lambda t, v: date.fromisoformat(v),
    "__frozenset__": lambda t, v: frozenset(t._decode(x) for x in v),
}
