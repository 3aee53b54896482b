"""Any "as known at" view is a prefix of the log holding every event recorded by then
(``ledger.known``, since session 27), whatever the machines' clocks did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import orjson
from hypothesis import given
from hypothesis import strategies as st
from ledger.base import Provenance
from ledger.known import _parsed, _recorded, cuts_of
from ledger.transcoder import OrjsonTranscoder

START = datetime(2020, 1, 1, tzinfo=UTC)
IDS = [UUID(int=n) for n in range(1, 5)]

#: An event's place in a generated log: (position, aggregate id, version, recording time).
Stamp = tuple[int, str, int, datetime]


def _cut(log: list[Stamp], known_at: datetime) -> int:
    """The cut ``ledger.known`` takes of ``log`` as known at ``known_at``."""
    return cuts_of(((position, at) for position, _, _, at in log), [known_at])[0]


@st.composite
def logs(draw: st.DrawFn) -> list[Stamp]:
    """A log: events of a few aggregates, each recorded some minutes from START (clocks ahead
    and behind), each aggregate's versions in log order."""
    versions = dict.fromkeys(IDS, 0)
    stamps: list[Stamp] = []
    for position in range(1, draw(st.integers(0, 30)) + 1):
        aggregate = draw(st.sampled_from(IDS))
        versions[aggregate] += 1
        minutes = draw(st.integers(0, 60))
        stamps.append(
            (position, str(aggregate), versions[aggregate], START + timedelta(minutes=minutes))
        )
    return stamps


@given(logs(), st.integers(-1, 61))
def test_a_known_at_view_is_a_prefix_holding_every_event_recorded_by_then(
    log: list[Stamp], minute: int
) -> None:
    known_at = START + timedelta(minutes=minute)

    cut = _cut(log, known_at)
    held = [stamp for stamp in log if stamp[0] <= cut]

    assert held == log[: len(held)]  # a prefix of the log
    assert all(stamp in held for stamp in log if stamp[3] <= known_at)  # every one by then
    assert not held or held[-1][3] <= known_at  # the shortest: it ends on one by then
    assert cut == (held[-1][0] if held else 0)


@given(logs())
def test_with_times_that_never_go_back_it_is_each_event_on_its_own_time(log: list[Stamp]) -> None:
    ordered = [(p, a, v, START + timedelta(minutes=p)) for p, a, v, _ in log]
    known_at = START + timedelta(minutes=len(ordered) // 2)

    cut = _cut(ordered, known_at)

    assert [s for s in ordered if s[0] <= cut] == [s for s in ordered if s[3] <= known_at]


@given(logs(), st.lists(st.integers(-1, 61), max_size=4))
def test_the_cuts_of_many_times_read_together_are_each_times_own(
    log: list[Stamp], minutes: list[int]
) -> None:
    # The restated years read every year's closing day in one pass (``known_cuts``).
    times = [START + timedelta(minutes=minute) for minute in minutes]

    together = cuts_of(((position, at) for position, _, _, at in log), times)

    assert together == [_cut(log, moment) for moment in times]


_TRANSCODER = OrjsonTranscoder()
_TRANSCODER.register_dataclass(Provenance)
_ZONES = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(minutes=-150))])
_TIMES = st.datetimes(timezones=_ZONES)
_VALUES = st.recursive(
    st.none() | st.integers(-(2**63), 2**63 - 1) | st.text() | _TIMES | st.dates(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["timestamp", "a", "zz", "__datetime__"]), inner, max_size=3
        )
    ),
    max_leaves=8,
)


@given(
    _TIMES,
    st.dictionaries(st.sampled_from(["a", "prov", "text", "to", "unit", "year", "zz"]), _VALUES),
)
def test_a_rows_recording_time_read_from_its_bytes_is_the_parses(
    timestamp: datetime, others: dict[str, Any]
) -> None:
    """``ledger.known`` reads a stored state's time from its bytes where the transcoder wrote
    it in its form for UTC; whatever else the state holds (a nested ``timestamp``, a text
    spelling one, a time in another zone), the answer is the parsed state's (session 27)."""
    state = _TRANSCODER.encode({**others, "timestamp": timestamp})

    assert _recorded(state) == _parsed(state) == timestamp
    assert _recorded(orjson.dumps(orjson.loads(state))) == timestamp
