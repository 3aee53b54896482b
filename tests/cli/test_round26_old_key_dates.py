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

from tests.cli.conftest import Fupin, assert_notes_say_the_move, doc
from tests.cli.test_round24_keys import Keys, keys
from tests.cli.test_round24_move_key_dates import _move

STORE_INDEPENDENT = "verify's notes on key and checkpoint dates: SQLite is enough"

__all__ = ["keys"]  # the fixture, used by name


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


# -- re-test M, session 26: every key and checkpoint date rule has its note ----------------


def _every_date_the_old_way(keys: Keys, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """As an older fupin (834adfa) took them, each refused today (rules bypassed): jn-01's
    key rotated before the key it replaces, ll-01's revoked before its registration, qu-01's
    new key before the revocation it follows, a checkpoint before its log key, and the log key
    rotated before the founding and the key it replaces. The key ids, and the checkpoint's
    size."""
    fupin, folder, as_admin = keys.fupin, keys.folder, keys.key("admin.key")
    made = {name: _new_key(fupin, folder / f"{name}.key") for name in ("jn", "ll", "qu", "qu2")}
    made |= {name: _new_key(fupin, folder / f"{name}.key") for name in ("l1", "l2")}
    with monkeypatch.context() as old:
        old.setattr(LedgerAggregate, "check_not_before", lambda *args, **kwargs: None)
        old.setattr(Ledger, "check_founded", lambda *args, **kwargs: None)
        for line in (
            f"keys register jn-01 {made['jn'][0]} {doc('2016-08-10')}",
            f"keys register ll-01 {made['ll'][0]} {doc('2016-09-01')}",
            f"keys revoke ll-01 --note 遗失 {doc('2016-08-25')}",
            f"keys register qu-01 {made['qu'][0]} {doc('2016-08-20')}",
            f"keys revoke qu-01 --note 遗失 {doc('2016-09-10')}",
            f"keys register qu-01 {made['qu2'][0]} {doc('2016-09-01')}",
            f"keys register-log {made['l1'][0]} {doc('2016-09-01')}",
        ):
            fupin.ok(f"{as_admin} {line}", "admin")
        checkpoint = fupin.ok(
            f"{as_admin} checkpoint --log-key {folder / 'l1.key'} --out {folder / 'cp.json'} "
            f"{doc('2016-08-25')}",
            "admin",
        )
        fupin.ok(f"{as_admin} keys register-log {made['l2'][0]} {doc('2016-03-01')}", "admin")
    size = re.search(r"size (\d+)", checkpoint.stdout + checkpoint.stderr)
    assert size is not None, checkpoint.output
    return {name: kid for name, (_public, kid) in made.items()} | {"size": size.group(1)}


def test_verify_says_every_key_and_checkpoint_date_the_rules_refuse(
    keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _every_date_the_old_way(keys, monkeypatch)

    result = keys.fupin("verify", "admin")

    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    notes = [
        f"jn-01's key {ids['jn']} is registered on 2016-08-10, before jn-01's key {keys.jn}, "
        "which it replaces, was registered on 2016-08-20",
        f"ll-01's key {ids['ll']} is revoked on 2016-08-25, before it was registered on 2016-09-01",
        f"qu-01's key {ids['qu2']} is registered on 2016-09-01, before qu-01's key {ids['qu']} "
        "was revoked on 2016-09-10",
        f"the checkpoint of size {ids['size']} is dated 2016-08-25, before the log key "
        f"{ids['l1']}, which signs it, was registered on 2016-09-01",
        f"the log key {ids['l2']}'s registration is dated 2016-03-01, before the ledger was "
        f"founded (fupin init) on 2016-07-26 and before the log key {ids['l1']}, which it "
        "replaces, was registered on 2016-09-01",
    ]
    for note in notes:
        assert f"under today's rules: {note}, which a fupin before" in said
    assert said.count("under today's rules") == len(notes)


def test_an_honest_history_of_rotations_and_revocations_says_nothing(keys: Keys) -> None:
    fupin, folder, as_admin = keys.fupin, keys.folder, keys.key("admin.key")
    made = {name: _new_key(fupin, folder / f"{name}.key")[0] for name in ("jn", "ll", "qu")}
    made |= {name: _new_key(fupin, folder / f"{name}.key")[0] for name in ("qu2", "l1", "l2")}
    for line in (  # each on the day of the step it follows, or after
        f"keys register jn-01 {made['jn']} {doc('2016-08-20')}",
        f"keys register ll-01 {made['ll']} {doc('2016-09-01')}",
        f"keys revoke ll-01 --note 遗失 {doc('2016-09-01')}",
        f"keys register qu-01 {made['qu']} {doc('2016-08-20')}",
        f"keys revoke qu-01 --note 遗失 {doc('2016-09-10')}",
        f"keys register qu-01 {made['qu2']} {doc('2016-09-10')}",
        f"keys register-log {made['l1']} {doc('2016-09-01')}",
        f"checkpoint --log-key {folder / 'l1.key'} --out {folder / 'cp.json'} {doc('2016-09-01')}",
        f"keys register-log {made['l2']} {doc('2016-09-01')}",
    ):
        fupin.ok(f"{as_admin} {line}", "admin")

    assert "under today's rules" not in fupin.ok("verify", "admin").output
    moved = _move(keys)  # its keys registered again on the move's day, the revoked carried
    assert "under today's rules" not in fupin.ok(f"{moved} verify", "admin").output


# -- helper b, session 32: the one note under today's rules that never says the move ------------


def test_in_a_moved_store_a_date_the_rules_refuse_was_recorded_as_it_was_taken(
    keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other notes under today's rules say, in a store a move made, that the entry was
    recorded before the move, its recording time the export's. This one does not: a move
    replays no key event nor checkpoint (it registers the keys again, dated after the export's
    last row and key event, and takes its own checkpoints), so the old store's dates are not
    in the new one, and one there was recorded after the move, as it was taken."""
    _every_date_the_old_way(keys, monkeypatch)
    moved = _move(keys)
    fupin, folder = keys.fupin, keys.folder
    assert "under today's rules" not in fupin.ok(f"{moved} verify", "admin").output
    public, kid = _new_key(fupin, folder / "ll2.key")
    with monkeypatch.context() as old:  # a fupin before session 24, on the moved store
        old.setattr(LedgerAggregate, "check_not_before", lambda *args, **kwargs: None)
        as_admin = keys.key("admin.key")
        fupin.ok(f"{moved} {as_admin} keys register ll-01 {public} {doc('2010-01-01')}", "admin")

    said = " ".join(fupin.ok(f"{moved} verify", "admin").output.split())

    assert f"under today's rules: ll-01's key {kid} is registered on 2010-01-01, before" in said
    assert_notes_say_the_move(said, moved=False)
