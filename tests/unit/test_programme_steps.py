"""The two lists of what is the programme's own agree. ``ledger.authority.PROGRAMME_STEPS``
names the commands whose date must be given once the programme is over; the read models'
``NOT_PROGRAMME_TIME`` names the events that do not move a report's "today". A new command or
event must go in both, or a step of the programme would be dated today by default (or a
report's today moved by bookkeeping): this test fails until it does."""

from __future__ import annotations

from ledger.authority import EVENT_COMMANDS, PERMISSIONS, PROGRAMME_STEPS
from projections.engine import NOT_PROGRAMME_TIME

#: Recorded by programme steps, yet no step of the programme's calendar: a helper's
#: registration (it needs its date, since pairings are judged by it), an account's opening
#: (allocations are judged by its date; it carries no money: since session 22) and an
#: enterprise's side of its pairings (the household's own event is the step).
SIDES = frozenset(
    {"HelperRegistered", "AccountOpened", "PairingsOpened", "PairingTaken", "PairingReleased"}
)


def test_every_event_that_moves_today_is_recorded_by_programme_steps_only() -> None:
    for event, commands in EVENT_COMMANDS.items():
        if event not in NOT_PROGRAMME_TIME:
            assert set(commands) <= PROGRAMME_STEPS, (event, commands)


def test_programme_steps_record_only_events_that_move_today_but_their_sides() -> None:
    for event, commands in EVENT_COMMANDS.items():
        if set(commands) & PROGRAMME_STEPS and event in NOT_PROGRAMME_TIME:
            assert event in SIDES, (event, commands)


def test_every_programme_step_is_a_command() -> None:
    assert set(PERMISSIONS) >= PROGRAMME_STEPS
