"""Session 25, a verifiable-logs expert (finding 2): a checkpoint signed by a log key rotated out
was accepted with any earlier signing time (2000-01-01), before the key was registered and
before the events it covers were recorded. ``verify``, ``prove`` and ``restore --checkpoint``
refuse a checkpoint signed before its key's registration was recorded, or before the last
event it covers was recorded less the 10 minutes clocks may differ, for every key, in force or
retired (``ledger.transparency.key_in_force_fault``, rule 3). SQLite only."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ledger import clock
from ledger.keys import load_private_key
from ledger.transparency import checkpoint_note

from tests.cli.conftest import assert_refused, doc
from tests.cli.test_round24_keys import Keys, _new_key, keys

STORE_INDEPENDENT = "the times a checkpoint is judged by: the same code on either store"

__all__ = ["keys"]  # the fixture, used by name


def _checkpoint(keys: Keys, name: str, key: str) -> Path:
    out = keys.folder / name
    keys.fupin.ok(
        f"{keys.key('admin.key')} checkpoint --log-key {keys.folder / key} --out {out} "
        f"{doc('2016-09-20')}",
        "admin",
    )
    return out


def _resigned(path: Path, key: Path, time: str, name: str = "forged.json") -> Path:
    """The checkpoint file ``path`` signed again by ``key`` at ``time``: ``name`` beside it."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["time"] = time
    note = checkpoint_note(data["log"], data["size"], bytes.fromhex(data["root"]), time)
    data["signature"] = base64.b64encode(load_private_key(key, "key").sign(note)).decode()
    forged = path.with_name(name)
    forged.write_text(json.dumps(data), encoding="utf-8")
    return forged


@pytest.fixture
def rotated(keys: Keys) -> tuple[Keys, Path]:
    """A checkpoint signed by the first log key (first.json), then the key rotated out."""
    as_admin = keys.key("admin.key")
    first, _ = _new_key(keys.fupin, keys.folder / "first.key")
    second, _ = _new_key(keys.fupin, keys.folder / "second.key")
    keys.fupin.ok(f"{as_admin} keys register-log {first} {doc('2016-09-07')}", "admin")
    taken = _checkpoint(keys, "first.json", "first.key")
    keys.fupin.ok(f"{as_admin} keys register-log {second} {doc('2016-09-21')}", "admin")
    return keys, taken


def test_a_retired_keys_checkpoint_dated_before_its_key_is_refused(
    rotated: tuple[Keys, Path],
) -> None:
    keys, taken = rotated
    fupin, folder = keys.fupin, keys.folder
    forged = _resigned(taken, folder / "first.key", "2000-01-01T00:00:00+00:00")

    checked = fupin(f"verify --checkpoint {forged}")
    proven = fupin(f"prove JH-0001 --checkpoint {forged} --out {folder / 'b.json'}")
    fupin.ok(f"backup {folder / 'b.db'}")
    restored = fupin(f"--store {folder / 'r.db'} restore {folder / 'b.db'} --checkpoint {forged}")
    honest = fupin.ok(f"verify --checkpoint {taken}")

    said = "it is signed at 2000-01-01T00:00:00+00:00, before its key "
    assert checked.exit_code == 1, checked.output
    assert said in checked.stderr
    assert "a checkpoint is signed when it is made, by a key already registered" in checked.stderr
    assert_refused(proven, "checkpoint", said)
    assert restored.exit_code == 2, restored.output
    assert said in restored.stderr
    assert not (folder / "r.db").exists()
    assert honest.exit_code == 0


def test_a_checkpoint_dated_before_the_events_it_covers_is_refused(keys: Keys) -> None:
    fupin, folder = keys.fupin, keys.folder
    public, _ = _new_key(fupin, folder / "log.key")
    fupin.ok(f"{keys.key('admin.key')} keys register-log {public} {doc('2016-09-07')}", "admin")
    # an hour after the key's registration: the visit, then the checkpoint
    with clock.using_clock(lambda: datetime.now(UTC) + timedelta(hours=1)):
        visit = f"{keys.key('jn-01.key')} household visit JH-0001 --helper c-1"
        fupin.ok(f"{visit} {doc('2016-09-08')}", "jn-01")
        taken = _checkpoint(keys, "cp.json", "log.key")
    signed = datetime.fromisoformat(json.loads(taken.read_text())["time"])
    # after the key's registration, but before the visit less the 10 minutes clocks may differ
    early = _resigned(taken, folder / "log.key", (signed - timedelta(minutes=11)).isoformat())
    skewed = _resigned(
        taken, folder / "log.key", (signed - timedelta(minutes=5)).isoformat(), "skewed.json"
    )

    # checked an hour later too: a checkpoint dated after now is refused (since session 25)
    with clock.using_clock(lambda: datetime.now(UTC) + timedelta(hours=1)):
        checked = fupin(f"verify --checkpoint {early}")
        proven = fupin(f"prove JH-0001 --checkpoint {early} --out {folder / 'b.json'}")
        within = fupin(f"verify --checkpoint {skewed}")

    assert checked.exit_code == 1, checked.output
    assert "before the last of the" in checked.stderr
    assert "by more than the 10 minutes clocks may differ" in checked.stderr
    assert_refused(proven, "checkpoint", "before the last of the")
    assert within.exit_code == 0, "within the tolerance"
