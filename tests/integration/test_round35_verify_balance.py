"""Session 35, tester e (F1): a payment of 50,000 yuan appended by hand (psql, the officers'
role) to an account holding 800 yuan passed ``fupin verify``, and report funds showed a balance
of -49,200.00 yuan unsaid. Every payment is refused beyond the balance when it is recorded
[六(四)]; verify now judges each account that paid by the same rule (``lowest_balance`` of its
allocations and payments in force, by effective date) and fails one below zero at a day's end."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import Ledger, open_ledger
from ledger.funds import Disbursement, FundAccount
from ledger.verification import verify_ledger

from tests.support import ledger_at, seed_cases, stamp

STORE_INDEPENDENT = "verify's judgement of stored events: SQLite is enough"

WORKING = "working"


def _paid_past_its_command(app: Ledger, fen: int, day: date) -> int:
    """A working-expenses payment of ``fen`` from city-2016 (1,000 yuan allocated), written
    through the account's event past the command's balance rule: its entry."""
    account = app.load(FundAccount, "city-2016", "account")
    account._disbursed(
        Disbursement(fen, WORKING, WORKING), app.provenance(stamp("qu-01", day), "officer")
    )
    app.save(account)
    return account.version


def _problems_once_stored(store: Path, event: str, stored: bytes) -> list[str]:
    """Verify's problems once the first ``event`` of the store has its ``amount_fen`` stored as
    ``stored``, as a hand in the file would write it."""
    with sqlite3.connect(store) as db:
        rowid, state = db.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE ? ORDER BY rowid LIMIT 1",
            (f"%{event}",),
        ).fetchone()
        tree = orjson.loads(state)
        amount = (tree["payment"]["__Disbursement__"] if event == "Disbursed" else tree)[
            "amount_fen"
        ]
        edited = bytes(state).replace(b'"amount_fen":%d' % amount, b'"amount_fen":' + stored)
        assert edited != bytes(state)
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (edited, rowid))
    app = open_ledger(str(store))
    try:
        return _problems(app)
    finally:
        app.close()


def _problems(app: Ledger) -> list[str]:
    report = verify_ledger(app.recorder, app.mapper)
    return [p.reason for p in report.problems]


def test_an_account_run_below_zero_fails_verify(tmp_path: Path) -> None:
    with ledger_at(str(tmp_path / "l.db")) as app:
        seed_cases(app)
        entry = _paid_past_its_command(app, 5_000_000, date(2016, 9, 5))

        problems = _problems(app)

    assert problems == [
        "fund account city-2016's balance is 49000.00 yuan below zero at the end of "
        f"2016-09-05, by its allocations and payments in force (its payments that day: entry "
        f"{entry} (50000.00 yuan)): every payment is refused beyond the balance, the money "
        "having arrived by its date [六(四)] (report funds shows the balance below zero)"
    ]


def test_a_payment_dated_before_the_money_arrived_fails_verify_and_one_within_it_passes(
    tmp_path: Path,
) -> None:
    with ledger_at(str(tmp_path / "l.db")) as app:
        seed_cases(app)
        app.disburse(
            stamp("qu-01", date(2016, 9, 1)), "city-2016", Disbursement(100_000, WORKING, WORKING)
        )
        assert _problems(app) == []  # within the balance: as the command took it
        _paid_past_its_command(app, 10_000, date(2016, 7, 1))  # before the allocation

        problems = _problems(app)

    assert len(problems) == 1
    assert "below zero at the end of 2016-07-01" in problems[0]


@pytest.mark.parametrize(
    ("stored", "said"),
    [
        # since session 37 an amount of another kind is told at its event (``ledger.shapes``)
        (b"100000.5", "its 'amount_fen' is 100000.5, not an amount in fen"),
        (b"-100000", "its 'amount_fen' is -100000, not an amount in fen"),
        (b'"100000"', "its 'amount_fen' is '100000', not an amount in fen"),
        (b"0", "entries 3 (0) hold amounts no command writes"),
    ],
)
def test_a_payments_amount_no_command_writes_fails_verify(
    tmp_path: Path, stored: bytes, said: str
) -> None:
    # Tester g, session 36 (F5): 409090.5 ended verify in an internal error; -409090 and
    # "409090" passed it, and report funds counted them
    store = tmp_path / "l.db"
    with ledger_at(str(store)) as app:
        seed_cases(app)
        app.disburse(
            stamp("qu-01", date(2016, 9, 1)), "city-2016", Disbursement(100_000, WORKING, WORKING)
        )
    problems = _problems_once_stored(store, "Disbursed", stored)

    assert len(problems) == 1
    assert said in problems[0]


@pytest.mark.parametrize(
    ("stored", "said"),
    [
        (b"-100000000", "its field 'amount_fen' holds -100000000, not an amount in fen"),
        (b'"100000"', "its field 'amount_fen' holds '100000', not an amount in fen"),
        (b"900000000000000000", "'amount_fen' holds 900000000000000000, not an amount in fen"),
        (b"0", "entries 2 (0) hold amounts no command writes"),
    ],
)
def test_an_allocations_amount_no_command_writes_fails_verify_on_an_account_that_never_paid(
    tmp_path: Path, stored: bytes, said: str
) -> None:
    # Session 36's re-tester r (F1, F3): only accounts that paid were checked, and no amount
    # was too large (fund allocate refuses one above a trillion yuan)
    store = tmp_path / "l.db"
    with ledger_at(str(store)) as app:
        seed_cases(app)
    problems = _problems_once_stored(store, "AllocationReceived", stored)

    assert len(problems) == 1
    assert said in problems[0]
