"""Session 19, tester N (a verifiable-log expert tampering with copies of the demo): a clean
``fupin verify`` said nothing of what it had not checked. Unsigned events whose figures were
edited, with the ledger's own checkpoints deleted, passed with the same output as an untouched
ledger; so did read models edited under the reports. The result now says what it rests on:
the ledger's own checkpoints, or none, when no checkpoint file is given and unsigned events
need one; how many events came after the last checkpoint; and that the read models were not
compared (``fupin projections check`` compares them; since session 32 their position is, and
said so)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli.main import app
from typer.testing import CliRunner, Result

from tests.cli.conftest import Fupin, doc
from tests.integration.test_verify_support import build_signed_ledger

STORE_INDEPENDENT = "what verify's output says: SQLite is enough (tests/conftest.py)"

#: None of these stores has its read models built (no report was run): since session 32 (tester
#: h, F7) verify compares their position when they are, and says so (test_round32_verify_read_
#: models_position.py).
READ_MODELS = "read models: they record no position (none built yet, or emptied): none compared"
NONE_AT_ALL = "checkpoint files: none given, and the ledger records none: a figure of one of the"
OWN_ALONE = "unsigned events were checked against the ledger's own checkpoints alone"
NONE_GIVEN = "checkpoint files: none given"


def verify(store: Path, *args: str) -> Result:
    env = {"LEDGER_STORE": str(store), "LEDGER_ACTOR": None, "LEDGER_KEY": None}
    return CliRunner(env=env).invoke(app, ["verify", *args])


def test_unsigned_events_without_checkpoints_are_said_to_rest_on_none(seeded: Fupin) -> None:
    result = seeded("verify")

    assert result.exit_code == 0, result.output
    assert NONE_AT_ALL in result.stdout
    assert READ_MODELS in result.stdout
    assert "after the last checkpoint" not in result.stdout
    # one count of unsigned events, wherever it is said (testers X and Z, session 20)
    unsigned = re.search(r"(\d+) unsigned events \(their officers", result.stdout)
    assert unsigned is not None
    assert f"one of the {unsigned[1]} unsigned events altered" in result.stdout


def test_unsigned_events_with_the_ledgers_own_checkpoint_alone_are_said_so(
    seeded: Fupin, tmp_path: Path
) -> None:
    key = tmp_path / "log.key"
    made = seeded.ok(f"keys new --out {key}")
    public = re.search(r"public key:\s+(\S+)", made.stdout)
    assert public is not None, made.stdout
    seeded.ok(f"keys register-log {public[1]} {doc('2016-12-31')}", "admin")
    seeded.ok(
        f"checkpoint --out {tmp_path / 'cp.json'} --log-key {key} {doc('2016-12-31')}", "admin"
    )
    size = json.loads((tmp_path / "cp.json").read_text(encoding="utf-8"))["size"]

    alone = seeded("verify")
    kept = seeded(f"verify --checkpoint {tmp_path / 'cp.json'}")

    assert alone.exit_code == 0, alone.output
    assert f"the ledger's own checkpoints: 1 matched the log (the last of size {size})" in (
        alone.stdout
    )
    assert OWN_ALONE in alone.stdout
    assert f"after the last checkpoint (of size {size}): 1 event(s)" in alone.stdout
    assert kept.exit_code == 0, kept.output
    assert NONE_GIVEN not in kept.stdout
    assert READ_MODELS in kept.stdout


def test_a_signed_ledger_needs_no_file_but_is_told_what_came_after(tmp_path: Path) -> None:
    signed = build_signed_ledger(tmp_path / "signed.db")
    size = signed.checkpoint.size

    alone = verify(signed.path)
    kept = tmp_path / "cp.json"
    kept.write_text(json.dumps(signed.checkpoint.to_json()), encoding="utf-8")
    with_file = verify(signed.path, "--checkpoint", str(kept))

    for result in (alone, with_file):
        assert result.exit_code == 0, result.output
        assert NONE_GIVEN not in result.stdout  # every event signed but the bootstrap
        # The checkpoint's own record and its seal came after it.
        assert f"after the last checkpoint (of size {size}): 2 event(s)" in result.stdout
        assert READ_MODELS in result.stdout
    assert f"checkpoint of size {size}: signature valid, ledger extends it" in with_file.stdout
