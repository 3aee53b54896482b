"""The waiting note comes once per command (tester G, session 28: a report started just after
``projections rebuild`` said "note: waiting for database fupin: …" twice, its read models'
update waiting twice)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from ledger import waiting


class _Said(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.said: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append(record.getMessage())


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    monkeypatch.setattr(waiting, "SLOW_SAVE_SECONDS", 0.05)
    handler = _Said()
    logging.getLogger("ledger").addHandler(handler)
    try:
        yield handler.said
    finally:
        logging.getLogger("ledger").removeHandler(handler)


def test_two_waits_in_one_command_are_said_once_and_the_next_command_says_its_own(
    said: list[str],
) -> None:
    waiting.begin_command()  # as ``cli.main`` does for each command
    for _ in range(2):
        with waiting.watching("waiting for the store: behind a lock", "10"):
            time.sleep(0.3)
    assert said == ["waiting for the store: behind a lock"]

    waiting.begin_command()
    with waiting.watching("waiting for the store: again", "10"):
        time.sleep(0.3)
    assert said == ["waiting for the store: behind a lock", "waiting for the store: again"]
