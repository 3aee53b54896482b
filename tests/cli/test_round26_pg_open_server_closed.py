"""Session 26, tester G: a command started while the server restarted was refused with the
pool's raw words, ``refused store: cannot open postgresql://officers@…/fupin: consuming input
failed: server closed the connection unexpectedly``, not the wording docs/operations.md gives
a server that closes the connection as it is opened (``…: server closed the connection
unexpectedly (it may have stopped or restarted): try again once it is back``).

The server's close is raised where opening the event store meets it (the test server cannot
be restarted under the others)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from ledger.pgrecorder import LedgerPostgresRecorder

from tests.cli.conftest import Fupin, assert_refused

pytestmark = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def test_a_server_closing_the_connection_while_the_store_opens_is_said_as_documented(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    def closed(self: Any, *args: Any, **kwargs: Any) -> None:
        raise psycopg.OperationalError(
            "consuming input failed: server closed the connection unexpectedly\n"
            "\tThis probably means the server terminated abnormally\n"
            "\tbefore or while processing the request."
        )

    monkeypatch.setattr(LedgerPostgresRecorder, "__init__", closed)
    result = seeded("report caseload")
    monkeypatch.undo()

    assert_refused(result, "store", "")
    said = " ".join(result.stderr.split())
    assert said.startswith("refused store: cannot open postgresql://"), said
    assert said.endswith(
        ": server closed the connection unexpectedly (it may have stopped or restarted): try "
        "again once it is back"
    ), said
    assert "consuming input failed" not in said
    assert len(result.stderr.strip().splitlines()) == 1
