"""Concurrent writers: several OS processes, each with its own ``Ledger``, append at once to the
same and to different households and draw on one fund account, on SQLite and on PostgreSQL.

Nothing is lost (every accepted command is in the log exactly once), a command that lost a
race is retried on fresh state or refused with a clear error (never an overdraft), and the
final state equals a serial replay of the accepted commands. Then several processes catch up
the read models at once, and the tables equal a rebuild from zero.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ledger.application import Ledger, open_ledger
from ledger.errors import ConflictError, RuleError
from ledger.funds import Disbursement
from projections import api
from projections.storage import open_database

from tests.support import ledger_at, register, stamp

WORKERS = 4
ROUNDS = 4
#: Enough for 6 of the 16 payments: 10 must be refused, none may overdraw.
ALLOCATED = 6 * 10_000
PAYMENT = Disbursement(10_000, "facilities", "village", street="江南", village="雄光")
SHARED = "JH-1"

Accepted = list[tuple[str, str]]  # ("visit", household) or ("pay", account)


def prepare(store: str) -> None:
    """The shared household, one household per worker, c-1 paired with all, one account."""
    with ledger_at(store) as app:
        for n in range(1, WORKERS + 2):
            register(app, f"JH-{n}", serial=n)
            app.pair(stamp("jn-01", date(2016, 8, 11)), f"JH-{n}", "c-1")
        app.open_account(stamp("qu-01"), "city-2016", "city", 2016)
        app.receive_allocation(stamp("qu-01"), "city-2016", ALLOCATED)


def work(store: str, worker: int) -> tuple[Accepted, list[str]]:
    """One officer's process: visits to the shared and to its own household, and payments."""
    accepted: Accepted = []
    refused: list[str] = []
    app = open_ledger(store)
    try:
        for n in range(ROUNDS):
            for number in (SHARED, f"JH-{worker + 2}"):
                # each visit saying what it was: alike ones are refused as recorded twice
                attempt(app, accepted, refused, ("visit", number), f"走访 {worker}-{n}")
            # each payment on a voucher of its own: alike ones are refused as recorded twice
            attempt(app, accepted, refused, ("pay", "city-2016"), f"凭证 {worker}-{n}")
    finally:
        app.close()
    return accepted, refused


def attempt(
    app: Ledger, accepted: Accepted, refused: list[str], command: tuple[str, str], note: str = ""
) -> None:
    try:
        run(app, command, note)
    except (RuleError, ConflictError) as exc:
        refused.append(str(exc))
    else:
        accepted.append(command)


def run(app: Ledger, command: tuple[str, str], note: str = "") -> None:
    kind, key = command
    if kind == "visit":
        app.record_visit(stamp("jn-01", date(2016, 9, 1)), key, "c-1", note)
    else:
        app.disburse(stamp("qu-01", date(2016, 9, 2), note), key, PAYMENT)


def catch_up(store: str) -> int:
    app = open_ledger(store)
    try:
        return api.catch_up(app)
    finally:
        app.close()


def in_processes(function: Any, args: list[tuple[Any, ...]]) -> list[Any]:
    # spawn: each worker is a fresh interpreter with its own connections, as officers' are.
    # A deadline, never a hang: a worker error that cannot be unpickled would stall starmap.
    with multiprocessing.get_context("spawn").Pool(len(args)) as pool:
        return pool.starmap_async(function, args).get(timeout=120)


def snapshot(app: Ledger) -> dict[str, list[tuple[Any, ...]]]:
    db = open_database(app.location)
    try:
        return {
            "visits": db.rows("SELECT aggregate_id, version, voided FROM pj_visits ORDER BY 1, 2"),
            "paid": db.rows("SELECT aggregate_id, version, amount_fen FROM pj_disbursements"),
            "tracking": db.rows("SELECT projection, position FROM pj_tracking ORDER BY 1"),
        }
    finally:
        db.close()


@pytest.fixture(scope="module")
def serial_reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serial") / "serial.db"
    prepare(str(path))
    return path


def test_concurrent_writers_lose_nothing_and_equal_a_serial_replay(
    store: str, serial_reference: Path, tmp_path: Path
) -> None:
    prepare(store)

    results = in_processes(work, [(store, w) for w in range(WORKERS)])

    accepted = [c for done, _ in results for c in done]
    refused = [r for _, why in results for r in why]
    counted = Counter(accepted)
    assert counted[("pay", "city-2016")] == ALLOCATED // PAYMENT.amount_fen
    assert all("balance" in r or "other writers" in r for r in refused), refused
    assert len(accepted) + len(refused) == WORKERS * ROUNDS * 3
    serial = tmp_path / "replay.db"
    serial.write_bytes(serial_reference.read_bytes())
    replay = open_ledger(str(serial))
    app = open_ledger(store)
    try:
        for n, command in enumerate(accepted):
            run(replay, command, f"凭证 {n}")
        assert app.event_count() == replay.event_count()
        for number in [SHARED] + [f"JH-{w + 2}" for w in range(WORKERS)]:
            assert len(app.household(number).visits) == counted[("visit", number)]
            assert app.household(number).visits == replay.household(number).visits
        assert api.funds(app)["accounts"] == api.funds(replay)["accounts"]
    finally:
        app.close()
        replay.close()


def test_processes_catching_up_at_once_equal_a_rebuild(store: str) -> None:
    prepare(store)
    in_processes(work, [(store, w) for w in range(2)])

    in_processes(catch_up, [(store,)] * 3)

    app = open_ledger(store)
    try:
        caught_up = snapshot(app)
        api.rebuild(app)
        assert snapshot(app) == caught_up
        last = app.recorder.max_notification_id()
        assert {position for _, position in caught_up["tracking"]} == {last}
    finally:
        app.close()
