"""Session 24, tester S: ``fupin verify`` ran for an ``--as`` no officer holds, which ``query``
and ``keys list`` refuse ("as by every reader", docs/cli.md)."""

from __future__ import annotations

from cli.main import app

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def test_verify_refuses_an_unknown_reader_as_every_reader_does(seeded: Fupin) -> None:
    refused = seeded.runner.invoke(app, ["--as", "nobody", "verify"])

    assert_refused(refused, "as", "'nobody' is not a registered officer")
    assert refused.stdout == ""
    assert seeded.ok("verify", "ana-1").exit_code == 0
