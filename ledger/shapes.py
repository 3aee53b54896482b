"""What an event's stored state holds as the ledger writes it: the fields of its class, each of
the kind its class declares (since session 37, tester g F1, F6).

``fupin verify`` reads most events from their raw JSON tree, never building the event
(``ledger.verification``): it checked who recorded an event, when, and that its bytes are
canonical, but not that its fields are its class's. An inspector rewrote a ``Disbursed`` row's
topic to ``AllocationReceived`` (its fields stayed a payment's), or a household's ``members``
to -4 or 4.5, an income's ``year`` to the text "2016": verify passed, while the read models
refused the first (sending the inspector back to verify) and counted 1,885.5 people for the
second. In a ledger no officer signs, those edits cannot be proved altered, but each holds
what no command writes, and that, verify can see from the event alone.

A ``Shape`` is built once per event class from its dataclass fields and their type hints, as
the transcoder writes them. A field its decorated method gives a default may be absent (an
older fupin's ``ExitProposed`` has no ``basis``: session 37's re-tester r found 176 such events
called altered), and a key of no field is let be unless a field is missing too (no reader
reads it, and the record's replay leaves it out, as eventsourcing does an older fupin's field
since dropped; beside a missing field it is another event's state, its topic rewritten).
Each value is of its kind: a text, a whole number, true or false, a date tagged
``__date__``, a value dataclass tagged with its name (its own fields checked the same way,
those with a default allowed to be absent: a value written by an older fupin lacks the ones
added since), a dict (an amendment's ``changes``), a tuple of values of one kind tagged
``__tuple__`` (an import's references), or None where the hint allows it. A hint of another
kind is not checked (``tests/integration/test_round37_verify_shapes.py`` fails on a field of
one). On top of the kinds, the bounds every command
keeps: an amount in fen (a field named ``*_fen``) is 0 to ``MAX_FEN``, as ``parse_yuan``
takes one; a household has 1 to ``MAX_MEMBERS`` members.

Hand-written, not a schema library (pydantic, msgspec): the check must run on the tree orjson
already made, at verify's pace (one ``dict.keys() ==`` and a type check per field), and say
what is wrong in the ledger's words; building a validator model per event class would cost a
dependency and a second decode for the same answer.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable
from datetime import date, datetime
from types import NoneType, UnionType
from typing import Any

from eventsourcing.domain import decorated_funcs

from ledger.household import MAX_MEMBERS, Personal
from ledger.values import MAX_FEN, format_yuan

__all__ = ["Shape", "shape_of"]

#: What a field's check says of a value that is not of its kind (None: it is).
Check = Callable[[Any], str | None]

#: Keys every event's state holds besides its class's own fields (checked elsewhere:
#: the recorded time and the provenance).
_ALWAYS = ("timestamp", "prov")
#: Keys the mapper owns, never part of a stored state.
_MAPPER = frozenset({"originator_id", "originator_version"})
#: What ``dict.get`` gives for a field a state lacks (told by the fields' own check).
_ABSENT = object()
#: Keys whose absence or presence verify reports apart (``ledger.verification``).
_APART = frozenset(_ALWAYS) | _MAPPER
#: The tag of a household's personal data as stored: sealed (in clear it is reported apart).
_PERSONAL_TAGS = frozenset({"__SealedPersonal__", f"__{Personal.__name__}__"})


class Shape:
    """The fields of one event class as stored, and a check of each."""

    __slots__ = ("checks", "flags", "keys", "name", "others", "required", "texts", "wholes")

    def __init__(
        self,
        name: str,
        keys: frozenset[str],
        checks: tuple[tuple[str, Check], ...],
        optional: frozenset[str] = frozenset(),
    ):
        self.name = name
        self.keys = keys  # every key of a stored state of the class
        # those a state must hold: not a field its method gives a default (an older fupin's
        # event lacks it, and the record takes the default: ``ExitProposed.basis``)
        self.required = keys - optional
        self.checks = checks  # (field, its check), for the fields whose kind is checked
        # the same, the commonest kinds apart: a type compared inline, not a call per field
        # (verify reads every event: a call per field was ~10 % of its time)
        self.texts = tuple(n for n, check in checks if check is _str)
        self.flags = tuple(n for n, check in checks if check is _bool)
        self.wholes = tuple(n for n, check in checks if check is _int)
        plain = {_str, _bool, _int}
        self.others = tuple((n, check) for n, check in checks if check not in plain)

    def fault(self, tree: dict[str, Any]) -> str | None:
        """What in ``tree`` (a state as orjson read it) no command writes; None if nothing."""
        if tree.keys() != self.keys:
            return self._fields_fault(tree) or self._value_fault(tree)
        for name in self.texts:
            if type(tree[name]) is not str:
                return self._value_fault(tree)
        for name in self.flags:
            if type(tree[name]) is not bool:
                return self._value_fault(tree)
        for name in self.wholes:
            if type(tree[name]) is not int:
                return self._value_fault(tree)
        for name, check in self.others:
            if check(tree[name]) is not None:
                return self._value_fault(tree)
        return None

    def _value_fault(self, tree: dict[str, Any]) -> str | None:
        """The first field of ``tree`` holding a value of another kind, said (None: none)."""
        for name, check in self.checks:
            value = tree.get(name, _ABSENT)
            said = None if value is _ABSENT else check(value)
            if said is not None:
                return (
                    f"its field {name!r} holds {_shown(value)}, {said}: no command writes it "
                    "(the stored event was altered)"
                )
        return None

    def _fields_fault(self, tree: dict[str, Any]) -> str:
        """Its fields are not its class's: one it must hold is missing ("" if not: a field
        with a default absent, one checked apart, its time, its provenance or a key the mapper
        owns; or another key alone, which no reader reads and the record's replay leaves out,
        as it does an older fupin's field since dropped). Another key is named beside a
        missing one: a topic rewritten to another event's."""
        missing = sorted(self.required - tree.keys() - _APART)
        if not missing:
            return ""
        other = sorted(tree.keys() - self.keys - _APART)
        parts = []
        if missing:
            parts.append(f"it lacks {_listed(missing)}")
        if other:
            parts.append(f"it holds {_listed(other)}, which {with_a(self.name)} has not")
        return (
            f"its fields are not those of {with_a(self.name)} event ({'; '.join(parts)}): no "
            "command writes them (its topic or its state was altered)"
        )


def with_a(name: str) -> str:
    """``name`` with its article (``an AllocationReceived``)."""
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name}"


def _listed(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:60]}…"


_SHAPES: dict[type[Any], Shape | None] = {}


def shape_of(cls: type[Any]) -> Shape | None:
    """The shape of event class ``cls`` (None: not a dataclass, or its hints cannot be read)."""
    if cls not in _SHAPES:
        _SHAPES[cls] = _build(cls)
    return _SHAPES[cls]


def _build(cls: type[Any]) -> Shape | None:
    if not dataclasses.is_dataclass(cls):
        return None
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # a hint naming what cannot be imported here: not checked
        return None
    keys: list[str] = list(_ALWAYS)
    checks: list[tuple[str, Check]] = []
    # the fields its decorated method gives a default (eventsourcing's own map of them)
    method = decorated_funcs.get(cls)
    optional = frozenset(
        name
        for name, parameter in (inspect.signature(method).parameters.items() if method else ())
        if parameter.default is not parameter.empty
    )
    for field in dataclasses.fields(cls):
        if field.name in _MAPPER or field.name in _ALWAYS:
            continue
        keys.append(field.name)
        check = _check_of(field.name, hints.get(field.name))
        if check is not None:
            checks.append((field.name, check))
    return Shape(cls.__name__, frozenset(keys), tuple(checks), optional)


def _check_of(name: str, hint: Any) -> Check | None:
    """The check of a field named ``name`` of type ``hint`` (None: its kind is not checked)."""
    if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union:
        args = typing.get_args(hint)
        if NoneType in args and len(args) == 2:
            inner = _check_of(name, next(a for a in args if a is not NoneType))
            return None if inner is None else _or_none(inner)
        return None
    if hint is bool:
        return _bool
    if hint is int:
        if name.endswith("_fen"):
            return _fen
        if name == "members":
            return _members
        return _int
    if hint is str:
        return _str
    if hint is datetime:
        return _datetime
    if hint is date:
        return _date
    if hint is Personal:
        return _personal
    if typing.get_origin(hint) is dict or hint is dict:
        return _dict
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis:
        each = _check_of(name, args[0])
        return None if each is None else _tuple_check(each)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _value_check(hint)
    return None


def _or_none(check: Check) -> Check:
    def checked(value: Any) -> str | None:
        return None if value is None else check(value)

    return checked


def _bool(value: Any) -> str | None:
    return None if type(value) is bool else "not true or false"


def _int(value: Any) -> str | None:
    return None if type(value) is int else "not a whole number"


def _str(value: Any) -> str | None:
    return None if type(value) is str else "not a text"


def _dict(value: Any) -> str | None:
    return None if type(value) is dict else "not a set of fields"


_FEN_RULE = (
    f"not an amount in fen (a whole number from 0 to {MAX_FEN:,}, {format_yuan(MAX_FEN)} yuan)"
)


def _fen(value: Any) -> str | None:
    return None if type(value) is int and 0 <= value <= MAX_FEN else _FEN_RULE


_MEMBERS_RULE = f"not a household's number of members (a whole number from 1 to {MAX_MEMBERS})"


def _members(value: Any) -> str | None:
    return None if type(value) is int and 1 <= value <= MAX_MEMBERS else _MEMBERS_RULE


def _tagged(value: Any, tag: str) -> Any:
    """The value under ``tag`` in a one-key object, else a marker that is no value."""
    if type(value) is dict and len(value) == 1:
        return value.get(tag, _NOT_TAGGED)
    return _NOT_TAGGED


_NOT_TAGGED = object()


def _date(value: Any) -> str | None:
    text = _tagged(value, "__date__")
    if type(text) is str:
        try:
            if date.fromisoformat(text).isoformat() == text:
                return None
        except ValueError:
            pass
    return "not a date (YYYY-MM-DD, a day the calendar has)"


def _datetime(value: Any) -> str | None:
    text = _tagged(value, "__datetime__")
    if type(text) is str:
        try:
            datetime.fromisoformat(text)
            return None
        except ValueError:
            pass
    return "not a time"


def _tuple_check(each: Check) -> Check:
    """The check of a tuple of values of one kind, stored as ``{"__tuple__": [...]}``."""

    def checked(value: Any) -> str | None:
        items = _tagged(value, "__tuple__")
        if type(items) is not list:
            return "not a list"
        for item in items:
            said = each(item)
            if said is not None:
                return f"not a list of its kind: one item, {_shown(item)}, is {said}"
        return None

    return checked


def _personal(value: Any) -> str | None:
    if type(value) is dict and len(value) == 1 and _PERSONAL_TAGS.issuperset(value):
        return None
    return "not a household's personal data, sealed"


def _value_check(cls: type[Any]) -> Check:
    """The check of a value dataclass, stored as ``{"__Name__": {fields}}``: its fields, those
    with a default allowed to be absent (an older fupin's value lacks the fields added since),
    each of its kind."""
    tag = f"__{cls.__name__}__"
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    allowed = frozenset(f.name for f in fields)
    required = frozenset(
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    checks = tuple(
        (f.name, check) for f in fields if (check := _check_of(f.name, hints.get(f.name)))
    )
    what = f"not {with_a(cls.__name__)}"

    def checked(value: Any) -> str | None:
        inner = _tagged(value, tag)
        if type(inner) is not dict:
            return what
        keys = inner.keys()
        if not (required <= keys <= allowed):
            return f"{what} (its fields are not the value's)"
        for name, check in checks:
            if name in inner and (said := check(inner[name])) is not None:
                return f"{what}: its {name!r} is {_shown(inner[name])}, {said}"
        return None

    return checked
