"""Session 17 (tester E, an operator on PostgreSQL): a server stopped while the nightly
``fupin verify`` read the log made it report a sound ledger as FAILED at the position it had
reached (exit 1: "problems were found"), where a store that cannot be read is refused (exit 2).
Reading stopped by a store out of reach or busy is now refused; a damaged file stays a
finding."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import DatabaseError, OperationalError
from ledger import verification
from ledger.application import open_ledger
from ledger.errors import ConflictError
from ledger.verification import verify_ledger

from cli import common
from tests.support import ledger_at, register


def _failing_after(count: int, error: Exception) -> Any:
    """``numbered_rows`` that yields the first ``count`` rows, then raises ``error``."""
    real = verification.numbered_rows

    @contextmanager
    def rows(recorder: Any) -> Iterator[Iterator[Any]]:
        with real(recorder) as found:

            def some() -> Iterator[Any]:
                for n, row in enumerate(found):
                    if n == count:
                        raise error
                    yield row

            yield some()

    return rows


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        register(app, "JH-1")
    return path


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("couldn't get a connection after 5.00 sec"),
        OperationalError("database is locked"),
    ],
)
def test_a_store_out_of_reach_mid_run_is_refused_not_reported_as_damage(
    ledger: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    monkeypatch.setattr(verification, "numbered_rows", _failing_after(10, error))
    app = open_ledger(str(ledger))
    try:
        with pytest.raises(ConflictError) as refused:
            verify_ledger(app.recorder, app.mapper)
    finally:
        app.close()

    assert refused.value.field == "store"
    assert refused.value.rule.startswith(
        f"the store could not be read past position 10 ({error}): nothing was found wrong before it"
    )


def test_a_damaged_file_mid_run_stays_a_finding(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = DatabaseError("database disk image is malformed")
    monkeypatch.setattr(verification, "numbered_rows", _failing_after(10, damaged))
    app = open_ledger(str(ledger))
    try:
        report = verify_ledger(app.recorder, app.mapper)
    finally:
        app.close()

    assert [(p.position, p.reason) for p in report.problems][:1] == [
        (
            10,
            "the store cannot read the next row: DatabaseError: database disk image is malformed",
        )
    ]


def test_a_pool_that_gets_no_connection_names_the_store_and_warns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Any other command hit by a server stop said only the pool's words: "couldn't get a
    # connection after 5.00 sec; try again", with no store named and no warning that a
    # commit lost on the way may have been recorded (tester E, session 17).
    monkeypatch.setattr(common.settings, "store", "postgresql://fupin:secret@db.example/fupin")
    monkeypatch.setattr(common, "SAVES_BEGUN", [True])  # a command that began a save

    said = common._store_problem(OperationalError("couldn't get a connection after 5.00 sec"))

    assert said.startswith(
        "postgresql://fupin@db.example:5432/fupin could not be reached (couldn't get a connection "
        "after 5.00 sec); a transaction it had not committed was rolled back, but one lost "
        "while committing may have been recorded"
    )
    assert "secret" not in said
