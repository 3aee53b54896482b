"""Run the demo: a deterministic synthetic history recorded through the public commands.

The recording clock is simulated: every event is recorded the day after it took effect (at
09:00 China time, a millisecond after the event before), so "as known at" questions have
meaningful answers and no effective date is ever after the recording clock's today.
Events are saved in batches (``Ledger.batch``) of a few hundred commands for speed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ledger import clock
from ledger.application import Ledger
from ledger.core import Stamp
from ledger.demo.plan import build_population
from ledger.demo.script import PLAN_DOC, Action, Script
from ledger.errors import LedgerError
from ledger.values import CHINA

__all__ = ["CACHE_ENV", "DemoResult", "Progress", "SimulatedClock", "run_demo"]

#: Called as ``progress(phase, done, total)`` while a phase's commands run.
Progress = Callable[[str, int, int], None]

_BATCH = 400

#: Settings for the ledger the demo records into: aggregates (households, accounts, officers,
#: helpers) kept in memory between batches, and not fast-forwarded (the demo is the only
#: writer). Without them a payment reloads its account's whole history: scale 67 took 21
#: minutes, most of it replaying fund accounts.
CACHE_ENV = {"AGGREGATE_CACHE_MAXSIZE": "20000", "AGGREGATE_CACHE_FASTFORWARD": "n"}


@dataclass
class SimulatedClock:
    """Recording times for the demo: the day after the effective date, always increasing."""

    current: datetime = datetime(2016, 7, 1, tzinfo=UTC)

    def record_after(self, day: date) -> None:
        """Move the clock to the morning after ``day`` unless it is already later."""
        morning = datetime.combine(day + timedelta(days=1), time(9), CHINA).astimezone(UTC)
        self.current = max(self.current, morning)

    def __call__(self) -> datetime:
        self.current += timedelta(milliseconds=1)
        return self.current


@dataclass(frozen=True)
class DemoResult:
    """What the demo recorded."""

    households: int
    people: int
    commands: int
    events: int


class DemoError(LedgerError):
    """A demo command was refused: a defect of the generator, reported with the command."""


def run_demo(
    app: Ledger,
    seed: int = 2016,
    scale: int = 1,
    progress: Progress | None = None,
    started: Callable[[], None] | None = None,
) -> DemoResult:
    """Record the synthetic history into an empty ledger ``app``; deterministic per seed.
    ``started`` is called once the ledger's initialise is recorded."""
    if scale < 1:
        raise DemoError("scale", "must be at least 1")
    rng = random.Random(seed)
    households = build_population(rng, scale)
    script = Script(households, rng, scale)
    simulated = SimulatedClock()
    commands = 0
    with clock.using_clock(simulated):
        simulated.record_after(date(2016, 7, 26))
        app.initialise("admin", "江海区扶贫办", PLAN_DOC, date(2016, 7, 26))
        if started is not None:
            started()
        script.reference()
        script.identification()
        script.pairing()
        script.inspections()
        phases = ((2016, "2016"), (2017, "2017"), (2018, "2018"))
        for year, label in phases:
            script.year(year)
            actions = script.take(date(year, 12, 31) if year < 2018 else date.max)
            commands += run_actions(app, actions, simulated, label, progress)
    people = sum(h.members for h in households)
    return DemoResult(len(households), people, commands + 1, app.event_count())


def run_actions(
    app: Ledger,
    actions: list[Action],
    simulated: SimulatedClock,
    label: str,
    progress: Progress | None,
) -> int:
    """Run ``actions`` in batches; a refusal stops the demo with the command named."""
    for start in range(0, len(actions), _BATCH):
        with app.batch():
            for action in actions[start : start + _BATCH]:
                simulated.record_after(action.day)
                run_action(app, action)
        if progress is not None:
            progress(label, min(start + _BATCH, len(actions)), len(actions))
    return len(actions)


def run_action(app: Ledger, action: Action) -> None:
    stamp = Stamp(action.actor, action.day, action.document, action.note)
    try:
        getattr(app, action.command)(stamp, *action.args)
    except LedgerError as exc:
        raise DemoError(
            exc.field, f"demo command {action.command} on {action.day} refused: {exc.rule}"
        ) from exc
