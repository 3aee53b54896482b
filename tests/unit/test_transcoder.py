"""The orjson transcoder: exact round-trips of the types events carry, canonical bytes."""

from __future__ import annotations

import tracemalloc
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
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
