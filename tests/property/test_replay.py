"""Replay: aggregates rebuilt from stored events equal those built live, every time; and a
refused command never writes.

Random sequences of casework and fund commands over two registered households and a city
account run through the application. Many of them break a rule (a visit by a helper not paired,
a disbursement beyond the balance, a correction of an entry that is not voidable...); those are
refused and must leave the store as it was.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.base import LedgerAggregate
from ledger.errors import LedgerError
from ledger.funds import Disbursement, FundAccount
from ledger.store import parse_store

from tests.support import TickingClock, register, seed_reference, stamp

HOUSEHOLDS = ("JH-1", "JH-2")
HELPERS = ("c-1", "c-2", "e-1", "sw-1", "v-1")
MEASURES = ("m1", "m2")
CATEGORIES = ("industry", "education")
ACCOUNT = "city-2016"
OFFICER = "jn-01"

Command = tuple[Any, ...]

households = st.sampled_from(HOUSEHOLDS)
helpers = st.sampled_from(HELPERS)
measures = st.sampled_from(MEASURES)
# Mostly amounts that fit, sometimes ones that do not (zero, negative, beyond the balance).
fen = st.one_of(st.integers(1, 300_000), st.integers(-100, 2_000_000))
versions = st.integers(min_value=0, max_value=20)

commands: st.SearchStrategy[Command] = st.one_of(
    st.tuples(st.just("pair"), households, helpers),
    st.tuples(st.just("plan"), households, measures, st.sampled_from(CATEGORIES)),
    st.tuples(st.just("allocate"), fen),
    st.tuples(st.just("unpair"), households, helpers, helpers),
    st.tuples(st.just("visit"), households, helpers),
    st.tuples(st.just("plan"), households, measures, st.sampled_from(CATEGORIES)),
    st.tuples(st.just("complete"), households, measures),
    st.tuples(st.just("income"), households, st.integers(2015, 2019), fen),
    st.tuples(st.just("allocate"), fen),
    st.tuples(st.just("disburse"), households, measures, st.sampled_from(CATEGORIES), fen),
    st.tuples(st.just("correct-household"), households, versions),
    st.tuples(st.just("correct-fund"), versions),
    st.tuples(st.just("employ"), households),
)


def apply(app: Ledger, command: Command) -> None:
    """Run one generated command through the application."""
    s = stamp(OFFICER, date(2016, 9, 1))
    match command:
        case ("pair", number, helper):
            app.pair(s, number, helper)
        case ("unpair", number, helper, replacement):
            app.unpair(s, number, helper, "transfer", replacement)
        case ("visit", number, helper):
            app.record_visit(s, number, helper, "走访")
        case ("plan", number, measure, category):
            app.plan_measure(s, number, measure, category, "措施", 10_000)
        case ("complete", number, measure):
            app.complete_measure(s, number, measure, "完成")
        case ("income", number, year, amount):
            app.assess_income(s, number, year, amount)
        case ("allocate", amount):
            app.receive_allocation(s, ACCOUNT, amount)
        case ("disburse", number, measure, category, amount):
            payment = Disbursement(amount, category, "household", number, measure)
            app.disburse(s, ACCOUNT, payment)
        case ("correct-household", number, version):
            app.correct(s, "household", number, version, "录入错误")
        case ("correct-fund", version):
            app.correct(s, "fund", ACCOUNT, version, "录入错误")
        case ("employ", number):
            app.employ_worker(s, "e-1", number, date(2016, 9, 1))
        case _:
            raise AssertionError(command)


class SavingLedger(Ledger):
    """A ledger that keeps the aggregate objects it saves: the ones built live."""

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(env=env)
        self.live: dict[UUID, LedgerAggregate] = {}

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        for obj in objs:
            if isinstance(obj, LedgerAggregate):
                self.live[obj.id] = obj
        return super().save(*objs, **kwargs)


@contextmanager
def seeded(path: Path) -> Iterator[SavingLedger]:
    """Reference data, two registered households and a city account, on ``path``."""
    app = SavingLedger(parse_store(str(path)).env)
    try:
        seed_reference(app)
        for number in HOUSEHOLDS:
            register(app, number)
        app.open_account(stamp("qu-01"), ACCOUNT, "city", 2016)
        app.live.clear()
        yield app
    finally:
        app.close()


def state(aggregate: LedgerAggregate) -> dict[str, Any]:
    """Everything an aggregate knows, without eventsourcing's pending-event buffer."""
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def replayed(path: Path, ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    fresh = open_ledger(str(path))
    try:
        return {i: state(fresh.repository.get(i)) for i in ids}
    finally:
        fresh.close()


def batch_run(app: Ledger, sequence: list[Command]) -> None:
    """All commands in one batch: every aggregate is built live from its first load on."""
    with app.batch():
        for command in sequence:
            with suppress(LedgerError):  # a refused command leaves the batch as it was
                apply(app, command)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, min_size=5, max_size=25))
def test_replayed_aggregates_equal_those_built_live(sequence: list[Command]) -> None:
    with tempfile.TemporaryDirectory() as folder, clock.using_clock(TickingClock()):
        path = Path(folder) / "ledger.db"
        with seeded(path) as app:
            batch_run(app, sequence)
            live = {i: state(a) for i, a in app.live.items()}
        event(f"aggregates built live: {len(live)}")

        first = replayed(path, list(live))
        second = replayed(path, list(live))

    assert first == live
    assert second == first


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, min_size=1, max_size=25))
def test_refused_commands_never_write_and_accepted_ones_always_do(
    sequence: list[Command],
) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        clock.using_clock(TickingClock()),
        seeded(Path(folder) / "ledger.db") as app,
    ):
        for command in sequence:
            before = app.event_count()
            try:
                apply(app, command)
            except LedgerError:
                assert app.event_count() == before, command
                event("refused")
            else:
                assert app.event_count() > before, command
                event("accepted")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, max_size=20))
def test_batched_and_one_by_one_runs_end_in_the_same_state(sequence: list[Command]) -> None:
    def final_states(path: Path, batched: bool) -> dict[UUID, dict[str, Any]]:
        with clock.using_clock(TickingClock()), seeded(path) as app:
            if batched:
                batch_run(app, sequence)
            else:
                for command in sequence:
                    with suppress(LedgerError):
                        apply(app, command)
            ids = [FundAccount.create_id(ACCOUNT), *(app.household(n).id for n in HOUSEHOLDS)]
        return {i: without_times(s) for i, s in replayed(path, ids).items()}

    with tempfile.TemporaryDirectory() as folder:
        one_by_one = final_states(Path(folder) / "a.db", batched=False)
        batched = final_states(Path(folder) / "b.db", batched=True)

    assert batched == one_by_one


def without_times(aggregate_state: dict[str, Any]) -> dict[str, Any]:
    """Recording times differ between runs (one clock reading per save); facts must not."""
    return {k: v for k, v in aggregate_state.items() if k not in ("_created_on", "_modified_on")}
