"""Session 19, tester S (officers at work at once, on PostgreSQL): thirty commands at once
ran a default server out of connections, refused with "sorry, too many clients already" or
"couldn't get a connection after 5.00 sec", and no word of trying again."""

from __future__ import annotations

from typing import Any

import pytest
from ledger import application
from ledger.application import StoreError, open_ledger
from ledger.store import busy_hint

DSN = "postgresql://officer:pw@127.0.0.1:5999/fupin"


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("FATAL:  sorry, too many clients already", "all in use (PostgreSQL's max_connections)"),
        (
            "FATAL:  remaining connection slots are reserved for non-replication superuser "
            "connections",
            "all in use (PostgreSQL's max_connections); try again in a moment",
        ),
        ("couldn't get a connection after 5.00 sec", "; try again"),
    ],
)
def test_a_server_turning_connections_away_for_now_is_said_to_be_tried_again(
    monkeypatch: pytest.MonkeyPatch, reason: str, said: str
) -> None:
    def refused(**_: Any) -> None:
        raise RuntimeError(reason)

    monkeypatch.setattr(application, "Ledger", refused)

    with pytest.raises(StoreError) as caught:
        open_ledger(DSN)

    assert said in caught.value.rule
    assert caught.value.rule.startswith(
        "cannot open postgresql://officer@127.0.0.1:5999/fupin: "
    )  # no password


def test_other_reasons_get_no_hint() -> None:
    assert busy_hint('FATAL:  password authentication failed for user "officer"') == ""
    assert busy_hint('FATAL:  database "fupin" does not exist') == ""


def test_a_server_that_cannot_write_its_init_file_is_said_short_of_disk() -> None:
    # Re-test G2, session 26: with the server's disk full, a session's first connection after
    # a restart or a catalog change fails "FATAL:  could not write init file" (SQLSTATE
    # XX000), which every command said as "cannot connect", with no word of the disk.
    said = busy_hint("FATAL:  could not write init file")

    assert said.startswith(": the PostgreSQL server's disk is probably full")
    assert "nothing was written: free space on the server's disk" in said
    assert "try again" not in said
