"""A creation that loses a race to another writer is refused, never reported as done."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import pytest
from eventsourcing.utils import get_topic
from ledger.application import Ledger, StoreError, open_ledger
from ledger.errors import AlreadyExistsError
from ledger.household import Household
from ledger.officers import Officer

from tests.support import DOC, identify, ledger_at


def test_identifying_a_household_another_writer_just_identified_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "race.db"
    with ledger_at(path) as first:
        second = open_ledger(str(path))
        try:
            # The other writer identifies JH-9 in 礼乐 between our check and our save.
            def exists_then_lose(cls: type, key: str) -> bool:
                if cls is Household:
                    identify(second, key, street="礼乐", village="新创", serial=9)
                return False

            monkeypatch.setattr(first, "exists", exists_then_lose)
            before = first.event_count()

            with pytest.raises(AlreadyExistsError) as refused:
                identify(first, "JH-9", street="江南", village="雄光", serial=8)

            assert refused.value.field == "household"
            assert first.event_count() == before + 1  # only the other writer's event
            assert stored_street(first, "JH-9") == "礼乐"
        finally:
            second.close()


def stored_street(app: Ledger, number: str) -> str:
    events = list(app.events.get(Household.create_id(number)))
    return str(vars(events[0])["street"])


@pytest.fixture
def empty_store(store: str) -> str:
    """An empty store on each of the two stores: a SQLite file that exists, empty (a new
    path is made beside its name and linked into place: ledger.newstore), or a database."""
    if not store.startswith("postgres"):
        Path(store).touch()
    return store


def test_of_two_inits_at_once_one_succeeds_and_the_other_writes_nothing(
    empty_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both looked at the empty store before either saved: two "first admins" were recorded
    # and verify failed for good. The store is checked again in the save's transaction.
    first = open_ledger(empty_store, create=True)
    second = open_ledger(empty_store, create=True)
    try:
        real = second.recorder.max_notification_id
        calls: list[int] = []

        def max_id() -> int | None:  # the second's first look came before the first saved
            calls.append(1)
            return None if len(calls) == 1 else real()

        monkeypatch.setattr(second.recorder, "max_notification_id", max_id)
        first.initialise("adm-a", "区扶贫办", DOC, date(2016, 7, 26))

        with pytest.raises(AlreadyExistsError) as refused:
            second.initialise("adm-b", "区扶贫办", DOC, date(2016, 7, 26))

        assert refused.value.field == "store"
        assert "already initialised" in str(refused.value)
        assert second.event_count() == first.event_count()
        registered = get_topic(Officer.OfficerRegistered)  # type: ignore[attr-defined]
        assert [vars(e)["officer_id"] for _, e in first.events_by_topic([registered])] == ["adm-a"]
    finally:
        second.close()
        first.close()


def _init(store: str, admin: str, barrier: Any, answers: Any) -> None:
    ledger = open_ledger(store, create=True)
    try:
        barrier.wait()
        try:
            ledger.initialise(admin, "区扶贫办", DOC, date(2016, 7, 26))
            answers.put("ok")
        except Exception as exc:  # the answer the command line would give
            answers.put(f"{type(exc).__name__}: {exc}")
    finally:
        ledger.close()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_inits_racing_in_processes_on_an_empty_file_are_refused_as_already_initialised(
    empty_store: str,
) -> None:
    # The losers read before they waited for the write lock, and failed at once as "busy;
    # try again" while the winner was still writing (11 of 15 in the review's runs).
    context = multiprocessing.get_context("spawn")
    barrier, answers = context.Barrier(6), context.Queue()
    racers = [
        context.Process(target=_init, args=(empty_store, f"adm-{n}", barrier, answers))
        for n in range(6)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)
    said = sorted(answers.get(timeout=5) for _ in racers)

    assert said.count("ok") == 1
    assert all(s.startswith("AlreadyExistsError: store: this ledger is already") for s in said[:5])


def _open_at_once(store: str, barrier: Any, answers: Any) -> None:
    barrier.wait()
    try:
        open_ledger(store, create=True).close()
        answers.put("ok")
    except Exception as exc:  # the answer the command line would give
        answers.put(f"{type(exc).__name__}: {exc}")


def test_opens_racing_to_make_a_new_file_wait_for_each_other(tmp_path: Path) -> None:
    # SQLite refuses a switch to WAL that meets another connection's lock at once, without
    # the busy wait: a `fupin init` racing others on an empty file failed so ("cannot open
    # …: database is locked", CI, session 35; here 4 opens in 60 rounds of 8 before). Forked,
    # so that the processes meet at the switch, not at their imports.
    context = multiprocessing.get_context("fork")
    said: list[str] = []
    for round_ in range(60):
        path = tmp_path / f"new-{round_}.db"
        path.touch()
        barrier, answers = context.Barrier(8), context.Queue()
        racers = [
            context.Process(target=_open_at_once, args=(str(path), barrier, answers))
            for _ in range(8)
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(60)
        said += [answers.get(timeout=5) for _ in racers]

    assert [s for s in said if s != "ok"] == []


class _RefusingWal(sqlite3.Cursor):
    """A cursor whose switch to WAL SQLite refuses at once, as it does to one of several
    processes making a new file at the same moment; ``refusals[0]`` times in all."""

    refusals: ClassVar[list[int]] = [0]

    def execute(self, sql: str, *args: Any) -> Any:
        wal = sql.replace(" ", "").rstrip(";").upper() == "PRAGMAJOURNAL_MODE=WAL"
        if wal and self.refusals[0]:
            self.refusals[0] -= 1
            raise sqlite3.OperationalError("database is locked")
        return super().execute(sql, *args)


class _RefusingConnection(sqlite3.Connection):
    def cursor(self, factory: Any = _RefusingWal) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, *args: Any) -> Any:
        return self.cursor().execute(sql, *args)


@pytest.fixture
def refused_wal(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    connect = sqlite3.connect

    def refusing(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return connect(*args, **kwargs, factory=_RefusingConnection)

    monkeypatch.setattr(sqlite3, "connect", refusing)
    monkeypatch.setattr(_RefusingWal, "refusals", [0])
    return _RefusingWal.refusals


def test_a_switch_to_wal_refused_at_once_is_tried_again(
    tmp_path: Path, refused_wal: list[int]
) -> None:
    path = tmp_path / "new.db"
    path.touch()
    refused_wal[0] = 3

    ledger = open_ledger(str(path), create=True)
    try:
        ledger.initialise("adm-a", "区扶贫办", DOC, date(2016, 7, 26))
        assert refused_wal == [0]
        assert ledger.event_count() > 0
    finally:
        ledger.close()


def test_a_switch_to_wal_refused_past_the_lock_timeout_is_said_and_writes_nothing(
    tmp_path: Path, refused_wal: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "new.db"
    path.touch()
    refused_wal[0] = 10**9
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    began = time.monotonic()

    with pytest.raises(StoreError) as refused:
        open_ledger(str(path), create=True)

    assert time.monotonic() - began >= 1
    assert str(refused.value).startswith(f"store: cannot open {path}: database is locked")
    assert path.stat().st_size == 0
