"""The orjson transcoder: exact round-trips of the types events carry, canonical bytes."""

from __future__ import annotations

import tracemalloc
from dataclasses import FrozenInstanceError, dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from unittest.mock import patch
from uuid import UUID

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger.base import Provenance
from ledger.household import Measure, Personal
from ledger.transcoder import OrjsonTranscoder, TranscodingError


@dataclass(frozen=True)
class Unregistered:
    value: int


@pytest.fixture
def transcoder() -> OrjsonTranscoder:
    transcoder = OrjsonTranscoder()
    for cls in (Provenance, Personal, Measure):
        transcoder.register_dataclass(cls)
    return transcoder


def round_trip(transcoder: OrjsonTranscoder, value: Any) -> Any:
    return transcoder.decode(transcoder.encode(value))


@pytest.mark.parametrize(
    "value",
    [
        UUID("12345678-1234-5678-1234-567812345678"),
        date(2016, 7, 26),
        datetime(2016, 7, 26, 9, 30, 15, 123456, tzinfo=UTC),
        (1, "二", (3, None)),
        [1, [2, [3]]],
        {"a": {"b": {"c": [True, False, None]}}},
        "",
        0,
        -(2**62),
    ],
    ids=repr,
)
def test_value_round_trips_with_its_type(transcoder: OrjsonTranscoder, value: Any) -> None:
    decoded = round_trip(transcoder, value)

    assert decoded == value
    assert type(decoded) is type(value)


@pytest.mark.parametrize(
    "text", ["1234.56", "1E+5", "1.2E-7", "-0", "-0.00", "0E-3", "12345678901234567890.1"]
)
def test_decimal_round_trips_with_exponent_and_sign(
    transcoder: OrjsonTranscoder, text: str
) -> None:
    decoded = round_trip(transcoder, Decimal(text))

    assert isinstance(decoded, Decimal)
    # as_tuple tells -0 from 0 and 1E+5 from 100000, which == does not.
    assert decoded.as_tuple() == Decimal(text).as_tuple()


@pytest.mark.parametrize("hours", [8, 0, -5, 5.75])
def test_datetime_keeps_its_offset(transcoder: OrjsonTranscoder, hours: float) -> None:
    value = datetime(2017, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=hours)))

    decoded = round_trip(transcoder, value)

    assert decoded == value
    assert decoded.utcoffset() == value.utcoffset()


def test_date_and_datetime_stay_distinct(transcoder: OrjsonTranscoder) -> None:
    decoded = round_trip(transcoder, {"d": date(2016, 1, 1), "t": datetime(2016, 1, 1, tzinfo=UTC)})

    assert type(decoded["d"]) is date
    assert type(decoded["t"]) is datetime


@pytest.mark.parametrize(
    "value",
    [{"__date__": "x"}, {"__uuid__": "not a uuid"}, {"__dict__": 1}, {"__Personal__": {}}],
    ids=repr,
)
def test_one_key_dict_whose_key_looks_like_a_tag_survives(
    transcoder: OrjsonTranscoder, value: dict[str, Any]
) -> None:
    assert round_trip(transcoder, value) == value


def test_registered_dataclasses_round_trip_nested(transcoder: OrjsonTranscoder) -> None:
    personal = Personal("户主", "11010519491231002X", member_names=("甲", "乙"))
    prov = Provenance("jn-01", "officer", date(2016, 8, 1), "江高发〔2016〕4号", "注")
    state = {"personal": personal, "prov": prov, "measure": Measure("m1", "industry", "养鸡", 150)}

    decoded = round_trip(transcoder, state)

    assert decoded == state
    assert type(decoded["personal"].member_names) is tuple


def test_frozenset_of_plain_values_round_trips(transcoder: OrjsonTranscoder) -> None:
    assert round_trip(transcoder, frozenset({"b", "a"})) == frozenset({"a", "b"})


def test_encoding_is_canonical_with_sorted_keys(transcoder: OrjsonTranscoder) -> None:
    one = transcoder.encode({"b": 1, "a": {"d": 2, "c": 3}})
    other = transcoder.encode({"a": {"c": 3, "d": 2}, "b": 1})

    assert one == other == b'{"a":{"c":3,"d":2},"b":1}'


def test_tagged_values_have_their_documented_shape(transcoder: OrjsonTranscoder) -> None:
    encoded = transcoder.encode([date(2016, 7, 26), Decimal("1.50"), (1,), UUID(int=1), {"__x": 1}])

    assert encoded == (
        b'[{"__date__":"2016-07-26"},{"__decimal__":"1.50"},{"__tuple__":[1]},'
        b'{"__uuid__":"00000000000000000000000000000001"},{"__dict__":{"__x":1}}]'
    )


@pytest.mark.parametrize("value", [1.5, {1, 2}, Unregistered(1), b"bytes", {"k": 0.1}], ids=repr)
def test_value_of_unknown_type_is_refused(transcoder: OrjsonTranscoder, value: Any) -> None:
    with pytest.raises(TranscodingError):
        transcoder.encode(value)


def test_unknown_tag_in_stored_state_is_refused(transcoder: OrjsonTranscoder) -> None:
    with pytest.raises(TranscodingError, match="__Unregistered__"):
        transcoder.decode(b'{"__Unregistered__":{"value":1}}')


def test_frozenset_of_tagged_values_round_trips_in_one_order(
    transcoder: OrjsonTranscoder,
) -> None:
    days = frozenset({date(2016, 8, 1), date(2016, 7, 26), date(2018, 12, 31)})

    encoded = transcoder.encode({"days": days})

    assert transcoder.decode(encoded) == {"days": days}
    assert encoded == transcoder.encode({"days": frozenset(sorted(days, reverse=True))})


def test_dict_with_keys_that_are_not_text_is_refused(transcoder: OrjsonTranscoder) -> None:
    with pytest.raises(TranscodingError):
        transcoder.encode({"by_year": {2016: 1}})


def test_encoded_state_takes_no_more_memory_than_its_bytes(transcoder: OrjsonTranscoder) -> None:
    # A save (and a whole import) keeps every encoded state until its transaction. orjson
    # returns its working buffer (8 KiB for this state with orjson 3.13) unless it is copied.
    state = {f"field_{n}": "入户走访" * 4 for n in range(20)}
    size = len(transcoder.encode(state))
    tracemalloc.start()
    try:
        kept = [transcoder.encode(state) for _ in range(1_000)]
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(kept) == 1_000
    assert held / len(kept) < size + 200  # the bytes, a bytes object's header, the list slot


# -- the fast path: a flat state goes to orjson whole, with ``_tag`` for what it must not write.
# Every property compares it with the walk (``_encode``/``_decode``), the reference.

_TEXT = st.text(max_size=8)
_DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
_PROVENANCE = st.builds(Provenance, _TEXT, _TEXT, _DAYS, _TEXT, _TEXT, _TEXT, _TEXT)
_PERSONAL = st.builds(Personal, _TEXT, _TEXT, _TEXT, _TEXT, st.lists(_TEXT, max_size=3).map(tuple))
_FLAT_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    _TEXT,
    _DAYS,
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(timezones=st.timezones()),
    st.decimals(allow_nan=False, allow_infinity=False),
    _PROVENANCE,
    _PERSONAL,
    st.builds(Measure, _TEXT, _TEXT, _TEXT, st.integers(0, 10**9)),
)
_ANY_VALUES = st.recursive(
    st.one_of(_FLAT_VALUES, st.uuids()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(_TEXT, inner, max_size=3),
    ),
    max_leaves=6,
)


def _typed(value: Any) -> Any:
    """``value`` with the type of every part beside it: == alone says 1 == True, date ==
    date, Decimal('1.0') == Decimal('1.00')."""
    if isinstance(value, dict):
        return ("dict", sorted((k, _typed(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_typed(v) for v in value])
    if hasattr(value, "__dataclass_fields__"):
        return (type(value).__name__, _typed(dict(vars(value))))
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    if isinstance(value, datetime):
        return ("datetime", value.isoformat())
    return (type(value).__name__, repr(value))


def _walked(transcoder: OrjsonTranscoder, value: Any) -> bytes:
    return orjson.dumps(transcoder._encode(value), option=orjson.OPT_SORT_KEYS)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=st.dictionaries(_TEXT, _ANY_VALUES, max_size=8))
def test_any_state_encodes_and_decodes_as_the_walk_does(
    transcoder: OrjsonTranscoder, state: dict[str, Any]
) -> None:
    data = transcoder.encode(state)

    assert data == _walked(transcoder, state)
    assert _typed(transcoder.decode(data)) == _typed(_reference_decode(orjson.loads(data)))
    assert _typed(transcoder.decode(data)) == _typed(state)


_REGISTERED = {f"__{cls.__name__}__": cls for cls in (Provenance, Personal, Measure)}


def _reference_decode(tree: Any) -> Any:
    """The documented tags read back, written for the tests alone (docs/events.md): one-key
    objects ``{"__tag__": value}``, anything else as it is."""
    if isinstance(tree, list):
        return [_reference_decode(v) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if len(tree) == 1:
        ((tag, value),) = tree.items()
        readers: dict[str, Any] = {
            "__date__": date.fromisoformat,
            "__datetime__": datetime.fromisoformat,
            "__decimal__": Decimal,
            "__uuid__": UUID,
            "__tuple__": lambda v: tuple(_reference_decode(x) for x in v),
            "__frozenset__": lambda v: frozenset(_reference_decode(x) for x in v),
            "__dict__": lambda v: {k: _reference_decode(x) for k, x in v.items()},
        }
        if tag in readers:
            return readers[tag](value)
        if tag in _REGISTERED:
            return _REGISTERED[tag](**{k: _reference_decode(x) for k, x in value.items()})
    return {k: _reference_decode(v) for k, v in tree.items()}


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=st.dictionaries(_TEXT, _FLAT_VALUES, min_size=2, max_size=8))
def test_flat_state_takes_the_fast_path_to_the_same_bytes(
    transcoder: OrjsonTranscoder, state: dict[str, Any]
) -> None:
    # The states events carry: orjson takes them whole (the walk only ever sees a field of
    # a dataclass that orjson must not write itself, such as a tuple of names).
    walked = _walked(transcoder, state)
    with patch.object(transcoder, "_encode", wraps=transcoder._encode) as walk:
        data = transcoder.encode(state)

    assert all(call.args[0] is not state for call in walk.call_args_list)
    assert data == walked
    assert _typed(transcoder.decode(data)) == _typed(state)


@given(moment=st.datetimes(timezones=st.just(UTC)))
def test_utc_datetime_is_written_as_its_isoformat(moment: datetime) -> None:
    transcoder = OrjsonTranscoder()

    assert transcoder.encode({"t": moment, "n": 1}) == orjson.dumps(
        {"n": 1, "t": {"__datetime__": moment.isoformat()}}
    )


def test_flat_state_holding_what_cannot_be_stored_is_refused_as_by_the_walk(
    transcoder: OrjsonTranscoder,
) -> None:
    prov = Provenance("jn-01", "officer", date(2016, 8, 1), "doc")
    for state in (
        {"measure": Measure("m1", "industry", "养鸡", 1.5), "n": 1},  # type: ignore[arg-type]
        {1: "key not text", "prov": prov},
    ):
        with pytest.raises(TranscodingError):
            transcoder.encode(state)
    with pytest.raises(orjson.JSONEncodeError, match="64-bit"):
        transcoder.encode({"n": 2**64, "prov": prov})


def test_stored_dataclass_with_other_fields_goes_through_its_init(
    transcoder: OrjsonTranscoder,
) -> None:
    # A stored Provenance without its optional note gets the default; one with a field the
    # class does not have is refused, as ``Provenance(**fields)`` refuses it.
    stored = (
        b'{"__Provenance__":{"actor":"a","document":"d",'
        b'"effective":{"__date__":"2016-08-01"},"role":"r"}}'
    )
    assert transcoder.decode(stored) == Provenance("a", "r", date(2016, 8, 1), "d", "")
    with pytest.raises(TypeError, match="unexpected keyword"):
        transcoder.decode(stored.replace(b'"role"', b'"rank"'))


def test_dataclass_made_without_init_equals_one_made_with_it(
    transcoder: OrjsonTranscoder,
) -> None:
    prov = Provenance("jn-01", "officer", date(2016, 8, 1), "江高发〔2016〕4号", "注")

    decoded = transcoder.decode(transcoder.encode({"prov": prov, "n": 1}))["prov"]

    assert decoded == prov
    assert hash(decoded) == hash(prov)
    assert list(vars(decoded).items()) == list(vars(prov).items())  # the same fields, in order
    with pytest.raises(FrozenInstanceError):
        decoded.actor = "changed"


#: A provenance as every event stored before session 28 holds it (and an actor's own still).
_OWN = (
    b'{"n":1,"prov":{"__Provenance__":{"actor":"jn-01","document":"d",'
    b'"effective":{"__date__":"2016-08-01"},"note":"","role":"officer"}}}'
)


def test_a_provenance_its_actor_recorded_stores_the_bytes_it_stored_before_session_28(
    transcoder: OrjsonTranscoder,
) -> None:
    prov = Provenance("jn-01", "officer", date(2016, 8, 1), "d")

    assert transcoder.encode({"prov": prov, "n": 1}) == _OWN
    assert _walked(transcoder, {"prov": prov, "n": 1}) == _OWN
    decoded = transcoder.decode(_OWN)["prov"]
    assert decoded == prov
    assert list(vars(decoded).items()) == list(vars(prov).items())  # defaults filled, in order
    assert (decoded.recorder, decoded.recorder_role) == ("jn-01", "officer")


def test_a_provenance_recorded_for_its_actor_stores_who_recorded_it(
    transcoder: OrjsonTranscoder,
) -> None:
    prov = Provenance("jn-01", "officer", date(2016, 8, 1), "d", "", "admin", "admin")

    data = transcoder.encode({"prov": prov, "n": 1})

    assert data == _OWN.replace(
        b'"note":""', b'"imported_by":"admin","imported_by_role":"admin","note":""'
    )
    assert _walked(transcoder, {"prov": prov, "n": 1}) == data
    decoded = transcoder.decode(data)["prov"]
    assert list(vars(decoded).items()) == list(vars(prov).items())
    assert (decoded.recorder, decoded.recorder_role) == ("admin", "admin")
