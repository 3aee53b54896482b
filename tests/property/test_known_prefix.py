"""Any "as known at" view is a prefix of the log holding every event recorded by then
(``ledger.known``, since session 27), whatever the machines' clocks did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st
from ledger.known import Stamp, prefix_of

START = datetime(2020, 1, 1, tzinfo=UTC)
IDS = [UUID(int=n) for n in range(1, 5)]


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

    known = prefix_of(log, known_at)
    held = [stamp for stamp in log if known.holds(stamp[1], stamp[2])]

    assert held == log[: len(held)]  # a prefix of the log
    assert all(stamp in held for stamp in log if stamp[3] <= known_at)  # every one by then
    assert not held or held[-1][3] <= known_at  # the shortest: it ends on one by then
    assert known.cut == (held[-1][0] if held else 0)


@given(logs())
def test_with_times_that_never_go_back_it_is_each_event_on_its_own_time(log: list[Stamp]) -> None:
    ordered = [(p, a, v, START + timedelta(minutes=p)) for p, a, v, _ in log]
    known_at = START + timedelta(minutes=len(ordered) // 2)

    known = prefix_of(ordered, known_at)

    assert [s for s in ordered if known.holds(s[1], s[2])] == [
        s for s in ordered if s[3] <= known_at
    ]
