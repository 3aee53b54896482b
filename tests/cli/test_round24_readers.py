"""Session 24, tester S: ``fupin verify`` ran for an ``--as`` no officer holds, which ``query``
and ``keys list`` refuse ("as by every reader", docs/cli.md)."""

from __future__ import annotations

from pathlib import Path

from cli.main import app

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def test_verify_refuses_an_unknown_reader_as_every_reader_does(seeded: Fupin) -> None:
    refused = seeded.runner.invoke(app, ["--as", "nobody", "verify"])

    assert_refused(refused, "as", "'nobody' is not a registered officer")
    assert refused.stdout == ""
    assert seeded.ok("verify", "ana-1").exit_code == 0


def test_keys_public_prints_what_keys_new_printed(seeded: Fupin, tmp_path: Path) -> None:
    # Tester S, session 24: keys new into a full disk or a closed pipe kept the private key
    # and lost its public key, which nothing could print again.
    path = tmp_path / "jn.key"
    made = seeded.runner.invoke(app, ["keys", "new", "--out", str(path)])
    shown = seeded.runner.invoke(app, ["keys", "public", str(path)])

    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines() == made.stdout.splitlines()[1:]
    path.chmod(0o644)
    assert_refused(
        seeded.runner.invoke(app, ["keys", "public", str(path)]),
        "file",
        f"{path} is open to the group and others (mode 0644)",
    )
