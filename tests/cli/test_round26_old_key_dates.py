"""Session 26, tester E: a fupin from before 2026-12-01 (c6c08b8) took a checkpoint dated
before the ledger's founding and a key registered before its officer, both refused since
session 24, and today's ``fupin verify`` said nothing of either. It says each now, as a note
under today's rules (exit code 0), as it says an enterprise paired with two households. The
old records are made by today's commands with the date rules bypassed, as that fupin had none.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ledger.application import Ledger
from ledger.base import LedgerAggregate

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "verify's notes on key and checkpoint dates: SQLite is enough"


def _new_key(fupin: Fupin, path: Path) -> tuple[str, str]:
    out = fupin.ok(f"keys new --out {path}").stdout
    public = re.search(r"public key:\s+(\S+)", out)
    kid = re.search(r"key id:\s+(\S+)", out)
    assert public is not None, out
    assert kid is not None, out
    return public.group(1), kid.group(1)


def _dated_the_old_way(
    fupin: Fupin, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str]:
    """A log key, then (rules bypassed) jn-01's key registered on 2010-01-01 and a checkpoint
    dated 2010-01-01: the key's id and the checkpoint's size."""
    log, _log_id = _new_key(fupin, folder / "log.key")
    fupin.ok(f"keys register-log {log} {doc('2016-08-21')}", "admin")
    jn, jn_id = _new_key(fupin, folder / "jn-01.key")
    with monkeypatch.context() as old:
        old.setattr(LedgerAggregate, "check_not_before", lambda *args, **kwargs: None)
        old.setattr(Ledger, "check_founded", lambda *args, **kwargs: None)
        fupin.ok(f"keys register jn-01 {jn} {doc('2010-01-01')}", "admin")
        out = folder / "cp.json"
        made = fupin.ok(
            f"checkpoint --log-key {folder / 'log.key'} --out {out} {doc('2010-01-01')}", "admin"
        )
    size = re.search(r"size (\d+)", made.stdout + made.stderr)
    assert size is not None, made.output
    return jn_id, size.group(1)


def test_verify_says_a_key_and_a_checkpoint_dated_before_the_rules(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jn_id, size = _dated_the_old_way(seeded, tmp_path, monkeypatch)

    result = seeded("verify", "admin")

    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (
        f"under today's rules: jn-01's key {jn_id} is registered on 2010-01-01, before jn-01 was "
        "registered on 2016-07-26" in said
    )
    assert (
        f"under today's rules: the checkpoint of size {size} is dated 2010-01-01, before the "
        "ledger was founded (fupin init) on 2016-07-26" in said
    )
    assert "not a problem" in said


def test_keys_and_checkpoints_dated_as_the_rules_ask_are_not_said(
    seeded: Fupin, tmp_path: Path
) -> None:
    log, _log_id = _new_key(seeded, tmp_path / "log.key")
    seeded.ok(f"keys register-log {log} {doc('2016-08-21')}", "admin")
    seeded.ok(
        f"checkpoint --log-key {tmp_path / 'log.key'} --out {tmp_path / 'cp.json'} "
        f"{doc('2016-08-22')}",
        "admin",
    )

    result = seeded.ok("verify", "admin")

    assert "under today's rules" not in result.output
