"""Properties of the read models: for random valid histories, incremental catch-up, a rebuild
from zero and a plain fold in memory agree; ``as_of`` equals a ledger holding only the events
effective by then; ``known_at`` equals the ledger as it stood then."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger.application import Ledger
from ledger.errors import LedgerError
from projections import api
from projections.catchup import MODELS
from projections.engine import facts, fold
from projections.storage import Database, open_database

from tests.support import TickingClock, ledger_at, register, stamp

HOUSEHOLDS = ("JH-1", "JH-2")
HELPERS = ("c-1", "e-1", "sw-1", "v-1")

step = st.one_of(
    st.tuples(st.just("pair"), st.sampled_from(HOUSEHOLDS), st.sampled_from(HELPERS)),
    st.tuples(st.just("visit"), st.sampled_from(HOUSEHOLDS), st.sampled_from(HELPERS)),
    st.tuples(st.just("income"), st.sampled_from(HOUSEHOLDS), st.integers(500_000, 1_200_000)),
    st.tuples(st.just("allocate"), st.just(""), st.integers(1, 900_000)),
    st.tuples(st.just("exit"), st.sampled_from(HOUSEHOLDS), st.just("")),
)
history = st.lists(st.tuples(step, st.integers(0, 60)), min_size=1, max_size=12)


def run(app: Ledger, command: tuple[str, str, Any], day: date) -> None:
    """One officer command; refusals write nothing and are part of a valid history."""
    kind, household, arg = command
    s = stamp("jn-01", day)
    try:
        if kind == "pair":
            app.pair(s, household, arg)
        elif kind == "visit":
            app.record_visit(s, household, arg)
        elif kind == "income":
            app.assess_income(s, household, 2016, arg)
        elif kind == "allocate":
            app.receive_allocation(stamp("admin", day), "city-2016", arg)
        else:
            app.propose_exit(s, household, 2016)
    except LedgerError:
        pass


def prepare(app: Ledger) -> None:
    for number in HOUSEHOLDS:
        register(app, number)
    app.open_account(stamp("admin", date(2016, 8, 10)), "city-2016", "city", 2016)


def dated(steps: list[tuple[tuple[str, str, Any], int]]) -> list[tuple[Any, date]]:
    day, out = date(2016, 8, 11), []
    for command, gap in steps:
        day += timedelta(days=gap)
        out.append((command, day))
    return out


def tables(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: sorted(db.rows(f"SELECT * FROM {table}"), key=repr)
        for model in MODELS
        for table in model.tables
    }


def reports(app: Ledger, **times: Any) -> list[dict[str, Any]]:
    out = [api.caseload(app, **times), api.funds(app, **times), api.accountability(app, **times)]
    for report in out:
        report.pop("as_of")
        report.pop("known_at")
    return out


SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(history)
def test_incremental_catch_up_equals_rebuild_equals_fold(steps: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as folder, ledger_at(Path(folder) / "l.db") as app:
        prepare(app)
        for command, day in dated(steps):
            run(app, command, day)
            api.catch_up(app)
        db = open_database(app.location)
        incremental = tables(db)
        api.rebuild(app)
        rebuilt = tables(db)
        folded = fold(facts(app), MODELS)
        in_memory = tables(folded)
        db.close()
        folded.close()
    assert incremental == rebuilt == in_memory


@SETTINGS
@given(history, st.integers(0, 400))
def test_as_of_equals_a_ledger_of_only_the_events_effective_by_then(
    steps: list[Any], cutoff_days: int
) -> None:
    commands = dated(steps)
    cutoff = date(2016, 8, 11) + timedelta(days=cutoff_days)
    with tempfile.TemporaryDirectory() as folder:
        with ledger_at(Path(folder) / "a.db") as whole:
            prepare(whole)
            for command, day in commands:
                run(whole, command, day)
            past = reports(whole, as_of=cutoff)
        with ledger_at(Path(folder) / "b.db") as prefix:
            prepare(prefix)
            for command, day in commands:
                if day <= cutoff:
                    run(prefix, command, day)
            expected = reports(prefix, as_of=cutoff)
    assert past == expected


@SETTINGS
@given(history, st.integers(0, 12))
def test_known_at_equals_the_ledger_as_it_stood_then(steps: list[Any], stop: int) -> None:
    ticking = TickingClock()
    with tempfile.TemporaryDirectory() as folder, ledger_at(Path(folder) / "l.db", ticking) as app:
        prepare(app)
        commands = dated(steps)
        for command, day in commands[:stop]:
            run(app, command, day)
        moment = ticking.current
        then = reports(app)
        for command, day in commands[stop:]:
            run(app, command, day)
        known = reports(app, known_at=moment)
    assert known == then
