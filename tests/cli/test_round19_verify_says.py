"""Session 19, tester N (a verifiable-log expert tampering with copies of the demo): a clean
``fupin verify`` said nothing of what it had not checked. Unsigned events whose figures were
edited, with the ledger's own checkpoints deleted, passed with the same output as an untouched
ledger; so did read models edited under the reports. The result now says what it rests on:
the ledger's own checkpoints, or none, when no checkpoint file is given, and that the read
models were not compared (``fupin projections check`` compares them)."""

from __future__ import annotations

import json
from pathlib import Path

from cli.main import app
from typer.testing import CliRunner, Result

from tests.cli.conftest import Fupin
from tests.integration.test_verify_support import build_signed_ledger

STORE_INDEPENDENT = "what verify's output says: SQLite is enough (tests/conftest.py)"

READ_MODELS = (
    "read models: not compared with the events (the reports read them): `fupin projections "
    "check` compares them"
)
NONE_AT_ALL = "checkpoint files: none given, and the ledger records none: a figure of an"
OWN_ALONE = (
    "checkpoint files: none given: unsigned events were checked against the ledger's own "
    "checkpoints alone, which whoever can write the store can remove too"
)


def verify(store: Path, *args: str) -> Result:
    env = {"LEDGER_STORE": str(store), "LEDGER_ACTOR": None, "LEDGER_KEY": None}
    return CliRunner(env=env).invoke(app, ["verify", *args])


def test_a_ledger_without_checkpoints_is_said_to_have_none(seeded: Fupin) -> None:
    result = seeded("verify")

    assert result.exit_code == 0, result.output
    assert NONE_AT_ALL in result.stdout
    assert OWN_ALONE not in result.stdout
    assert READ_MODELS in result.stdout


def test_the_ledgers_own_checkpoints_are_named_and_a_file_is_asked_for(tmp_path: Path) -> None:
    signed = build_signed_ledger(tmp_path / "signed.db")
    size = signed.checkpoint.size

    alone = verify(signed.path)
    kept = tmp_path / "cp.json"
    kept.write_text(json.dumps(signed.checkpoint.to_json()), encoding="utf-8")
    with_file = verify(signed.path, "--checkpoint", str(kept))

    assert alone.exit_code == 0, alone.output
    assert f"the ledger's own checkpoints: 1 matched the log (the last of size {size})" in (
        alone.stdout
    )
    assert OWN_ALONE in alone.stdout
    assert with_file.exit_code == 0, with_file.output
    assert f"checkpoint of size {size}: signature valid, ledger extends it" in with_file.stdout
    assert "checkpoint files: none given" not in with_file.stdout
    assert READ_MODELS in alone.stdout
    assert READ_MODELS in with_file.stdout
