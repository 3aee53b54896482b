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
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Transcoder

__all__ = ["OrjsonTranscoder", "TranscodingError"]

_OPTIONS = orjson.OPT_SORT_KEYS


class TranscodingError(TypeError):
    """A value of a type the transcoder does not know how to store."""


class OrjsonTranscoder(Transcoder):
    """Encode event state dicts to canonical JSON bytes and back, preserving types."""

    def __init__(self) -> None:
        self._dataclasses: dict[str, type[Any]] = {}
        # Per registered class: its tag and field names, looked up once (``dataclasses.fields``
        # builds a new tuple on every call, and every event carries a Provenance).
        self._layouts: dict[type[Any], tuple[str, tuple[str, ...]]] = {}

    def register_dataclass(self, cls: type[Any]) -> None:
        """Allow frozen dataclass ``cls`` inside event state (tagged by its class name)."""
        tag = f"__{cls.__name__}__"
        self._dataclasses[tag] = cls
        self._layouts[cls] = (tag, tuple(f.name for f in dataclasses.fields(cls)))

    def encode(self, obj: Any) -> bytes:
        # orjson hands back its whole working buffer (~8 KiB for a 600-byte state with orjson
        # 3.13) and never shrinks it. A stored state is kept until its save, and an import
        # keeps every one of its events' states until its single transaction: ~8 GB a million
        # events. Joining copies the bytes into an object of their own size (~0.07 µs).
        return b"".join((orjson.dumps(self._encode(obj), option=_OPTIONS), b""))

    def decode(self, data: bytes) -> Any:
        return self._decode(orjson.loads(data))

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
            return {tag: {k: v if type(v) in _PLAIN else encode(v) for k, v in values.items()}}
        raise TranscodingError(f"cannot store a value of type {kind.__name__}: {obj!r}")

    def _decode(self, obj: Any) -> Any:
        if type(obj) is dict:
            if len(obj) == 1:
                ((key, value),) = obj.items()
                if key[:2] == "__":
                    return self._decode_tagged(key, value)
            decode = self._decode
            return {k: v if type(v) in _PLAIN else decode(v) for k, v in obj.items()}
        if type(obj) is list:
            return [self._decode(v) for v in obj]
        return obj

    def _decode_tagged(self, tag: str, value: Any) -> Any:
        decoder = _DECODERS.get(tag)
        if decoder is not None:
            return decoder(self, value)
        cls = self._dataclasses.get(tag)
        if cls is None:
            raise TranscodingError(f"unknown tag {tag!r} in stored state")
        decode = self._decode
        return cls(**{k: v if type(v) in _PLAIN else decode(v) for k, v in value.items()})


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
