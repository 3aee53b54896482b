"""Erasure on SQLite while a reader holds a read transaction (an analyst's long query, a
verify): the write-ahead log cannot be checkpointed and truncated, so a copy of the wrapped key
stays in the file. The erasure is then recorded but unfinished (exit 3), never reported done;
erasing again once the reader is gone scrubs the file (docs/privacy.md, erasure)."""

from __future__ import annotations

import glob
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cli.privacy import UNFINISHED
from ledger.application import Ledger
from ledger.errors import RuleError
from ledger.notice import ErasureUnfinishedError
from ledger.verification import verify_ledger
from typer.testing import CliRunner

from cli import main
from tests.integration.test_key_table_support import key_row, short_lock_timeout
from tests.support import DOC, register, stamp


def file_bytes(app: Ledger) -> bytes:
    """The store's file and its side files (write-ahead log, shared memory), as on disk."""
    assert app.location is not None
    assert app.location.path is not None
    return b"".join(Path(f).read_bytes() for f in sorted(glob.glob(f"{app.location.path}*")))


@contextmanager
def reading(app: Ledger) -> Iterator[sqlite3.Connection]:
    """Another connection holding a read transaction (its snapshot taken now) until the block
    ends or ``rollback()`` is called on it."""
    assert app.location is not None
    assert app.location.path is not None
    reader = sqlite3.connect(app.location.path, isolation_level=None, check_same_thread=False)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM stored_events").fetchall()
        yield reader
    finally:
        reader.rollback()
        reader.close()


@pytest.fixture
def app(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ledger]:
    """A second process on the ledger's store whose lock waits last one second, with JH-0001
    registered and every write-ahead log frame folded into the file."""
    register(ledger, "JH-0001", serial=1)
    register(ledger, "JH-0002", serial=2)
    other = short_lock_timeout(ledger, monkeypatch)
    try:
        yield other
    finally:
        other.close()


def test_an_erasure_a_reader_keeps_from_scrubbing_is_unfinished_and_erasing_again_ends_it(
    app: Ledger,
) -> None:
    household = str(app.household("JH-0001").id)
    wrapped, _ = key_row(app, household)
    assert wrapped is not None
    before = app.event_count()

    with reading(app), pytest.raises(ErasureUnfinishedError) as unfinished:
        app.erase(stamp("admin"), "JH-0001", "本人申请")

    message = str(unfinished.value)
    assert message.startswith("erasure of JH-0001 recorded (PersonalDataErased)")
    assert "read transaction" in message
    assert "run `fupin erase JH-0001 --reason … -d …` again" in message  # session 35
    assert "\n" not in message
    assert app.event_count() == before + 1
    assert key_row(app, household) == (None, None)  # destroyed, the file not scrubbed yet
    assert app.household("JH-0001").personal.head_name == "[erased]"
    unscrubbed = verify_ledger(app.recorder, app.mapper)
    assert [(p.event, p.reason.split(":")[0]) for p in unscrubbed.problems] == [
        (
            f"PersonalDataErased {household}",
            "its key is cleared, but the store's file may still hold a copy",
        )
    ]

    assert app.erase(stamp("admin"), "JH-0001", "本人申请") is True

    assert app.event_count() == before + 1  # nothing recorded twice
    assert wrapped.encode() not in file_bytes(app)
    assert key_row(app, household)[1] is not None
    report = verify_ledger(app.recorder, app.mapper)
    assert report.ok, report.problems
    with pytest.raises(RuleError, match="was erased"):
        app.erase(stamp("admin"), "JH-0001", "本人申请")


def test_a_reader_that_ends_within_the_lock_timeout_is_waited_for(app: Ledger) -> None:
    household = str(app.household("JH-0001").id)
    wrapped, _ = key_row(app, household)
    assert wrapped is not None

    with reading(app) as reader:
        timer = threading.Timer(0.3, reader.rollback)
        timer.start()
        try:
            finished = app.erase(stamp("admin"), "JH-0001", "本人申请")
        finally:
            timer.join()

    assert finished is False
    assert wrapped.encode() not in file_bytes(app)
    assert key_row(app, household)[1] is not None


def test_the_cli_says_the_erasure_is_unfinished_while_a_reader_holds_the_log(
    app: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert app.location is not None
    household = str(app.household("JH-0001").id)
    wrapped, _ = key_row(app, household)
    assert wrapped is not None
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    runner = CliRunner(
        env={"LEDGER_STORE": app.location.display, "LEDGER_ACTOR": None, "LEDGER_KEY": None}
    )
    line = ["--as", "admin", "erase", "JH-0001", "--reason", "本人申请", "-d", DOC]
    line += ["-e", "2016-08-02"]

    with reading(app):
        first = runner.invoke(main.app, line)
    again = runner.invoke(main.app, line)

    assert first.exit_code == UNFINISHED, first.output
    lines = first.stderr.strip().splitlines()
    assert len(lines) == 1, first.stderr
    assert lines[0].startswith("erasure of JH-0001 recorded (PersonalDataErased)")
    assert "erased; its key is destroyed" not in first.stdout
    assert "Traceback" not in first.output
    assert again.exit_code == 0, again.output
    assert "erasure of JH-0001 finished" in again.stdout
    assert wrapped.encode() not in file_bytes(app)
