"""Session 25, the re-tester of a moved store's origin and a checkpoint's time bounds:

1. ``prove`` issued bundles from a moved store's own checkpoint signed as ``fupin-jianghai``
   before the cut-over (a note in verify), and ``tools/verify_bundle.py`` took them for the
   district's log: prove refuses a checkpoint not of the store's origin, grandfathered or not;
2. one export moved twice gave two logs of one origin: the origin is the hash of the move's
   first batch as stored (its time with it), and a sibling's checkpoint is another log's;
3. prove's hint left out ``--origin`` for a moved store; the tool's help named no command;
4. ``verify_bundle.py --origin`` took any text: a usage error (exit 2) unless an origin;
5. wording: lower-case hex, an invisible character shown, restore of a checkpoint whose time
   is the fault, prove naming the file, an old fupin's checkpoint after the cut-over;
6. a checkpoint dated after now (2126) passed; the key's registration now allows the clocks'
   10 minutes as the last event does. SQLite only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.cli.conftest import assert_refused
from tests.cli.test_round24_keys import Keys, keys
from tests.cli.test_round25_checkpoint_time import _resigned
from tests.cli.test_round25_origin import (
    _as_fupin_did,
    _before_the_cut_over,
    _checkpoint,
    _moved,
    logged,
)
from tests.integration.test_verify_bundle_malformed import vb

STORE_INDEPENDENT = "a checkpoint's origin and time: the same code on either store"

__all__ = ["_before_the_cut_over", "keys", "logged"]  # the fixtures, used by name


def test_prove_refuses_a_moved_stores_checkpoint_signed_as_the_districts(
    logged: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, origin = _moved(logged, logged.folder / "old.jsonl")
    _as_fupin_did(logged, store, monkeypatch, None)  # recorded today, before the cut-over
    then, bundle = logged.folder / "then.json", logged.folder / "b.json"

    proven = logged.fupin(f"{store} prove JH-0001 --checkpoint {then} --out {bundle}")
    verified = logged.fupin.ok(f"{store} verify --checkpoint {then}").stdout

    assert_refused(proven, "checkpoint", f"{then}: it is signed under the log fupin-jianghai, ")
    assert f"not this store's origin {origin}" in proven.stderr
    assert f"sign a new checkpoint (fupin checkpoint), which is made under {origin}" in (
        proven.stderr
    )
    assert not bundle.exists()
    assert "checkpoint of size" in verified  # verify keeps its note


def test_one_export_moved_twice_is_two_logs(logged: Keys) -> None:
    fupin, folder = logged.fupin, logged.folder
    a, a_origin = _moved(logged, folder / "old.jsonl", "a.db")
    b, b_origin = _moved(logged, folder / "old.jsonl", "b.db")
    of_a = _checkpoint(logged, a, "a.json")
    bundle = folder / "b.bundle.json"

    checked = fupin(f"{b} verify --checkpoint {of_a}")
    proven = fupin(f"{b} prove JH-0001 --checkpoint {of_a} --out {bundle}")
    fupin.ok(f"{b} backup {folder / 'b.bak'}")
    restored = fupin(f"--store {folder / 'r.db'} restore {folder / 'b.bak'} --checkpoint {of_a}")

    assert a_origin != b_origin
    for refused in (checked, proven, restored):
        assert_refused(refused, "checkpoint", f"it is a checkpoint of the log {a_origin} (a log")
        assert f"this store is the log {b_origin}" in refused.stderr
        assert "the store it came from" not in refused.stderr
    assert not bundle.exists()
    assert not (folder / "r.db").exists()


def test_proves_hint_names_a_moved_stores_origin(logged: Keys) -> None:
    fupin, folder = logged.fupin, logged.folder
    store, origin = _moved(logged, folder / "old.jsonl")
    moved, unmoved = _checkpoint(logged, store, "m.json"), folder / "old.json"

    said = fupin.ok(f"{store} prove JH-0001 --checkpoint {moved} --out {folder / 'm.b'}").stdout
    plain = fupin.ok(f"prove JH-0001 --checkpoint {unmoved} --out {folder / 'u.b'}").stdout

    hint = f"python tools/verify_bundle.py {folder / 'm.b'} --origin {origin} --log-key <"
    assert hint in said
    assert "--origin" not in plain
    assert vb.main([str(folder / "m.b"), "--origin", origin]) == 0  # the hint, followed


@pytest.mark.parametrize(
    "origin",
    [
        "",
        "FUPIN-JIANGHAI",
        "fupin-jianghai ",
        "fupin-jianghai\n",
        "fupin-jianghai/72A8A93AEEDCCEFA",
    ],
)
def test_verify_bundles_origin_is_checked_as_an_argument(
    logged: Keys, origin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = logged.folder / "b.json"
    logged.fupin.ok(f"prove JH-0001 --checkpoint {logged.folder / 'old.json'} --out {bundle}")

    with pytest.raises(SystemExit) as exited:
        vb.main([str(bundle), "--origin", origin])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --origin: {origin!r} is not a log's origin" in err
    assert "16 lower-case hex digits" in err


def test_verify_bundles_help_names_the_commands_that_print_an_origin(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        vb.main(["--help"])

    shown = " ".join(capsys.readouterr().out.split())
    assert "fupin status" not in shown
    assert "fupin verify, fupin checkpoint and fupin import --create print" in shown


@pytest.mark.parametrize(
    ("log", "said"),
    [
        ("fupin-jianghai/72A8A93AEEDCCEFA", "16 lower-case hex digits"),
        ("fupin-jianghai/72a8a93aeedccefa\u200b", "'fupin-jianghai/72a8a93aeedccefa\\u200b'"),
    ],
)
def test_a_checkpoints_log_refused_says_lower_case_and_shows_the_invisible(
    logged: Keys, log: str, said: str
) -> None:
    path = logged.folder / "bad.json"
    data = json.loads((logged.folder / "old.json").read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "log": log}), encoding="utf-8")

    assert_refused(logged.fupin(f"verify --checkpoint {path}"), "checkpoint", said)


def test_restore_of_a_checkpoint_signed_before_its_key_says_its_time(logged: Keys) -> None:
    fupin, folder = logged.fupin, logged.folder
    taken = folder / "old.json"
    forged = _resigned(taken, folder / "log.key", "2000-01-01T00:00:00+00:00")
    fupin.ok(f"backup {folder / 'b.db'}")

    restored = fupin(f"--store {folder / 'r.db'} restore {folder / 'b.db'} --checkpoint {forged}")

    assert_refused(restored, "checkpoint", "the restored ledger fails at the checkpoint file")
    assert "it is signed at 2000-01-01T00:00:00+00:00, before its key" in restored.stderr
    assert "does not match" not in restored.stderr


def test_a_checkpoint_dated_after_now_is_refused(logged: Keys) -> None:
    fupin, folder = logged.fupin, logged.folder
    taken = folder / "old.json"
    ahead = _resigned(taken, folder / "log.key", "2126-01-01T00:00:00+00:00")
    signed = datetime.fromisoformat(json.loads(taken.read_text())["time"])
    close = _resigned(taken, folder / "log.key", (signed + timedelta(minutes=5)).isoformat(), "c")
    fupin.ok(f"backup {folder / 'b.db'}")

    checked = fupin(f"verify --checkpoint {ahead}")
    proven = fupin(f"prove JH-0001 --checkpoint {ahead} --out {folder / 'b.json'}")
    restored = fupin(f"--store {folder / 'r.db'} restore {folder / 'b.db'} --checkpoint {ahead}")

    said = "it is signed at 2126-01-01T00:00:00+00:00, after now ("
    assert checked.exit_code == 1, checked.output
    assert said in checked.stderr
    assert "by more than the 10 minutes clocks may differ" in checked.stderr
    assert_refused(proven, "checkpoint", said)
    assert_refused(restored, "checkpoint", said)
    assert not (folder / "r.db").exists()
    assert fupin(f"verify --checkpoint {close}").exit_code == 0, "within the clocks' allowance"


def test_a_checkpoint_signed_minutes_before_its_keys_registration_is_allowed(
    logged: Keys,
) -> None:
    """The key registered on one machine, the checkpoint signed on another whose clock is 5
    minutes behind: allowed, as at the last event; 11 minutes behind is refused. (old.json was
    signed right after the key's registration, the last event it covers.)"""
    fupin, folder = logged.fupin, logged.folder
    taken = folder / "old.json"
    at = datetime.fromisoformat(json.loads(taken.read_text())["time"])

    def signed(minutes: int, name: str) -> Path:
        time = (at - timedelta(minutes=minutes)).astimezone(UTC).isoformat()
        return _resigned(taken, folder / "log.key", time, name)

    skewed = fupin(f"verify --checkpoint {signed(5, 'five.json')}")
    early = fupin(f"verify --checkpoint {signed(11, 'eleven.json')}")
    proven = fupin(f"prove JH-0001 --checkpoint {folder / 'five.json'} --out {folder / 'p'}")

    assert skewed.exit_code == 0, skewed.output
    assert proven.exit_code == 0, proven.output
    assert early.exit_code == 1, early.output
    assert "before its key" in early.stderr
    assert "by more than the 10 minutes clocks may differ" in early.stderr
