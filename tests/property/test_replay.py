"""Replay: aggregates rebuilt from stored events equal those built live, every time; and a
refused command never writes.

Random histories of casework, money, corrections, employment and oversight
(``tests.property.histories``), each command run by an officer allowed to run it, go through
the application: visits by paired helpers, payments within the balance, corrections of entries
in force, handovers, exits and returns. Many break a rule all the same (a visit by a helper not
paired, a payment beyond the balance, a correction of an entry that is not voidable, a command
by someone not allowed to run it...); those are refused and must leave the store as it was.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, event, example, given, settings, target
from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.base import LedgerAggregate, natural_id
from ledger.errors import LedgerError
from ledger.store import parse_store

from tests.property.histories import (
    ACCOUNT,
    CANDIDATE,
    EMPLOYER,
    HOUSEHOLDS,
    INSPECTIONS,
    SPARE,
    TOUR,
    Step,
    apply,
    dated,
    histories,
    prepare,
)
from tests.support import TickingClock, seed_reference


class SavingLedger(Ledger):
    """A ledger that keeps the aggregates its commands change, as built live.

    Every command saves through ``LedgerCore.execute`` (in a batch too), which hands what
    the command's ``attempt`` returns to ``_save_events`` (``Application.save`` is not used):
    the aggregates are taken there, once the command is accepted."""

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(env=env)
        self.live: dict[UUID, LedgerAggregate] = {}
        self.seeded_up_to = 0  # the last notification of the seeded store

    def execute(self, attempt: Callable[[], Sequence[LedgerAggregate]]) -> int | None:
        changed: list[LedgerAggregate] = []

        def taking() -> Sequence[LedgerAggregate]:
            aggregates = attempt()
            changed[:] = aggregates  # a retry's attempt replaces the lost one's
            return aggregates

        position = super().execute(taking)
        self.live.update((aggregate.id, aggregate) for aggregate in changed)
        return position

    def written(self) -> dict[UUID, set[str]]:
        """The aggregates written since the store was seeded, and their events' names."""
        found: dict[UUID, set[str]] = {}
        for notification in self.recorder.select_notifications(
            start=self.seeded_up_to + 1, limit=1_000_000
        ):
            aggregate = notification.originator_id
            assert isinstance(aggregate, UUID)
            found.setdefault(aggregate, set()).add(notification.topic.rsplit(".", 1)[-1])
        return found


@contextmanager
def seeded(path: Path) -> Iterator[SavingLedger]:
    """Reference data and ``histories.prepare``'s households, account and inspections."""
    app = SavingLedger(parse_store(str(path)).env)
    try:
        seed_reference(app)
        prepare(app)
        app.live.clear()
        app.seeded_up_to = app.recorder.max_notification_id() or 0
        yield app
    finally:
        app.close()


#: What an aggregate keeps besides what its events say: eventsourcing's pending-event buffer,
#: and an account's index of what its flows say (``FundAccount._said_index``), filled from its
#: ``said`` only when a check asks (a live account that checked a payment alike holds it, one
#: replayed does not yet: Hypothesis found such a history in session 22).
NOT_STATE = frozenset({"_pending_events", "_said_index"})


def state(aggregate: LedgerAggregate) -> dict[str, Any]:
    """Everything an aggregate knows, but ``NOT_STATE``."""
    return {k: v for k, v in vars(aggregate).items() if k not in NOT_STATE}


def replayed(path: Path, ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    fresh = open_ledger(str(path))
    try:
        return {i: state(fresh.repository.get(i)) for i in ids}
    finally:
        fresh.close()


def batch_run(app: Ledger, history: list[Step]) -> int:
    """All commands in one batch: every aggregate is built live from its first load on.
    Returns how many were accepted."""
    accepted = 0
    with app.batch():
        for command, day in dated(history):
            with suppress(LedgerError):  # a refused command leaves the batch as it was
                apply(app, command, day)
                accepted += 1
    return accepted


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(histories(min_size=5, max_size=25))
@example(TOUR)
# A payment like one voided, checked against the account's index of what its flows say.
@example(
    [
        (("pair", "JH-1", 0), 0),
        (("pay-working", 1), 0),
        (("correct", "fund", "city-2016", 0), 0),
        (("candidate",), 0),
        (("pay-working", 1), 0),
    ]
)
# A payment to a household closed that day, refused in a batch: refused before the account
# changed (session 25: the account of the batch kept the payment the household refused).
@example(
    [
        (("move", "JH-1"), 0),
        (("close-household", "JH-1", "died-out"), 0),
        (("allocate", 1), 0),
        (("disburse", "JH-1", 0, 1), 0),
    ]
)
def test_replayed_aggregates_equal_those_built_live(history: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as folder, clock.using_clock(TickingClock()):
        path = Path(folder) / "ledger.db"
        with seeded(path) as app:
            accepted = batch_run(app, history)
            live = {i: state(a) for i, a in app.live.items()}
            written = app.written()
        kinds = {name for names in written.values() for name in names}
        event(f"aggregates compared: {min(len(live), 4)}{'+' if len(live) >= 4 else ''}")
        target(float(len(kinds)), label="kinds of event compared")
        # Every aggregate the history wrote is compared, and only those: none only if every
        # command was refused.
        assert set(live) == set(written)
        assert bool(live) == bool(accepted)

        first = replayed(path, list(live))
        second = replayed(path, list(live))

    assert first == live
    assert second == first


def test_the_tour_compares_corrections_payments_handovers_and_exits() -> None:
    """The replay property, on the tour: what it compares is what the brief of the property
    promises (a property comparing nothing passes whatever the aggregates do)."""
    with tempfile.TemporaryDirectory() as folder, clock.using_clock(TickingClock()):
        path = Path(folder) / "ledger.db"
        with seeded(path) as app:
            batch_run(app, TOUR)
            live = {i: state(a) for i, a in app.live.items()}
            written = app.written()
        assert replayed(path, list(live)) == live
    compared = {name for i in live for name in written[i]}
    assert {
        "Corrected",
        "ReceiptVoided",
        "Disbursed",
        "VisitRecorded",
        "HelperUnpaired",
        "ExitAdvanced",
        "ReturnAdvanced",
        "ReturnWithdrawn",
        "WorkerEmployed",
        "FindingClosed",
        "OfficerRetired",
    } <= compared
    for kind, key in (("fund", ACCOUNT), ("helper", EMPLOYER), ("officer", SPARE)):
        assert natural_id(kind, key) in live
    assert {natural_id("household", n) for n in (*HOUSEHOLDS, CANDIDATE)} <= set(live)


@SETTINGS
@given(histories(min_size=1, max_size=25))
@example(TOUR)
def test_refused_commands_never_write_and_accepted_ones_always_do(history: list[Step]) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        clock.using_clock(TickingClock()),
        seeded(Path(folder) / "ledger.db") as app,
    ):
        for command, day in dated(history):
            before = app.event_count()
            try:
                apply(app, command, day)
            except LedgerError:
                assert app.event_count() == before, command
                event("refused")
            else:
                assert app.event_count() > before, command
                event("accepted")


#: Every aggregate a history may change (those not on record are left out of the comparison).
AGGREGATES = [
    natural_id("fund", ACCOUNT),
    natural_id("helper", EMPLOYER),
    natural_id("officer", SPARE),
    *(natural_id("household", n) for n in (*HOUSEHOLDS, CANDIDATE)),
    *(natural_id("inspection", code) for code in INSPECTIONS),
]


@settings(SETTINGS, max_examples=20)
@given(histories(min_size=1, max_size=20))
@example(TOUR)
def test_batched_and_one_by_one_runs_end_in_the_same_state(history: list[Step]) -> None:
    def final_states(path: Path, batched: bool) -> dict[UUID, dict[str, Any]]:
        with clock.using_clock(TickingClock()), seeded(path) as app:
            if batched:
                batch_run(app, history)
            else:
                for command, day in dated(history):
                    with suppress(LedgerError):
                        apply(app, command, day)
            ids = [i for i in AGGREGATES if app.get_by_id(i) is not None]
        return {i: without_times(s) for i, s in replayed(path, ids).items()}

    with tempfile.TemporaryDirectory() as folder:
        one_by_one = final_states(Path(folder) / "a.db", batched=False)
        batched = final_states(Path(folder) / "b.db", batched=True)

    assert batched == one_by_one


def without_times(aggregate_state: dict[str, Any]) -> dict[str, Any]:
    """Recording times differ between runs (one clock reading per save); facts must not."""
    return {k: v for k, v in aggregate_state.items() if k not in ("_created_on", "_modified_on")}
