"""Session 25, a verifiable-logs expert (finding 1): a ledger rebuilt by ``import --create`` is a
log of its own, and signs its checkpoints under its own origin, ``fupin-jianghai/`` and the
first 16 hex digits of the SHA-256 of its move's first batch as stored (the export's
SHA-256 and the time of the move). Before, it signed as ``fupin-jianghai`` with the log key
the move carried, so an export edited and imported again gave checkpoints and bundles that
``tools/verify_bundle.py --log-key K`` took for the district's. A store never moved keeps
``fupin-jianghai``. ``verify``, ``restore --checkpoint`` and ``prove`` refuse a checkpoint of
another log, saying which log it is and which the store is. SQLite only."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ledger import clock, transparency

from tests.cli.conftest import assert_refused, doc
from tests.cli.test_round24_keys import Keys, _new_key, keys
from tests.integration.test_verify_bundle_malformed import vb
from tests.integration.test_verify_own_checkpoints import rewrite_state
from tests.integration.test_verify_support import read_rows
from tests.support import TickingClock

STORE_INDEPENDENT = "the origin a checkpoint is signed under: the same code on either store"

__all__ = ["keys"]  # the fixture, used by name


@pytest.fixture(autouse=True)
def _before_the_cut_over() -> Iterator[None]:
    """Each test runs on a clock before ``transparency.OWN_ORIGIN_SINCE`` (2026-12-02, China),
    whatever the day it runs: "recorded today, before the cut-over" must not turn false on the
    day after the session that wrote it."""
    with clock.using_clock(TickingClock(datetime(2026, 11, 30, 2, tzinfo=UTC))):
        yield


def _checkpoint(keys: Keys, store: str, name: str, day: str = "2016-09-20") -> Path:
    out = keys.folder / name
    keys.fupin.ok(
        f"{store} {keys.key('admin.key')} checkpoint --log-key {keys.folder / 'log.key'} "
        f"--out {out} {doc(day)}",
        "admin",
    )
    return out


def _moved(keys: Keys, export: Path, name: str = "new.db") -> tuple[str, str]:
    """``export`` imported into a new store: (``--store NEW``, the origin expected)."""
    new = keys.folder / name
    said = keys.fupin.ok(f"--store {new} import --create {export}", "admin").stdout
    found = re.search(r"this store is a new log, (fupin-jianghai/[0-9a-f]{16}), the name its", said)
    assert found is not None, said
    return f"--store {new}", found[1]


@pytest.fixture
def logged(keys: Keys) -> Keys:
    """``keys`` with a log key registered, a checkpoint of the old store (old.json) and an
    export of it (old.jsonl)."""
    public, kid = _new_key(keys.fupin, keys.folder / "log.key")
    said = keys.fupin.ok(
        f"{keys.key('admin.key')} keys register-log {public} {doc('2016-09-07')}", "admin"
    ).stdout
    assert f"log key {kid} registered; it signs the checkpoints of the log fupin-jianghai" in said
    _checkpoint(keys, "", "old.json")
    keys.fupin.ok(f"{keys.key('admin.key')} export events -o {keys.folder / 'old.jsonl'}", "admin")
    return keys


def test_a_moved_store_signs_under_its_own_origin_and_says_so(logged: Keys) -> None:
    fupin = logged.fupin
    store, origin = _moved(logged, logged.folder / "old.jsonl")

    signed = _checkpoint(logged, store, "new.json")
    taken = json.loads(signed.read_text(encoding="utf-8"))
    verified = fupin.ok(f"{store} verify --checkpoint {signed}").stdout
    unmoved = fupin.ok(f"verify --checkpoint {logged.folder / 'old.json'}").stdout

    assert taken["log"] == origin
    assert json.loads((logged.folder / "old.json").read_text())["log"] == "fupin-jianghai"
    assert f"log {origin}: a log of its own" in verified
    assert "log fupin-jianghai: its checkpoints are signed under this name" in unmoved
    public, kid = _new_key(fupin, logged.folder / "next.key")
    rotated = fupin.ok(
        f"{store} {logged.key('admin.key')} keys register-log {public} {doc('2016-09-25')}",
        "admin",
    ).stdout
    assert f"log key {kid} registered; it signs the checkpoints of the log {origin}" in rotated


def test_a_checkpoint_of_the_other_log_is_refused_naming_both(logged: Keys) -> None:
    fupin = logged.fupin
    store, origin = _moved(logged, logged.folder / "old.jsonl")
    old, new = logged.folder / "old.json", _checkpoint(logged, store, "new.json")
    bundle = logged.folder / "b.json"

    on_new = fupin(f"{store} verify --checkpoint {old}")
    on_old = fupin(f"verify --checkpoint {new}")
    proven = fupin(f"{store} prove JH-0001 --checkpoint {old} --out {bundle}")
    fupin.ok(f"{store} backup {logged.folder / 'b.db'}")
    restored = fupin(
        f"--store {logged.folder / 'r.db'} restore {logged.folder / 'b.db'} --checkpoint {old}"
    )

    theirs = "it is a checkpoint of the log fupin-jianghai (the district's log as never moved; "
    assert_refused(on_new, "checkpoint", theirs)
    assert (
        "this store recorded no such checkpoint of its own, as a fupin before 2026-12-02 signed"
        in on_new.stderr
    )
    assert f"checkpoints), and this store is the log {origin} (a log of its own" in on_new.stderr
    assert_refused(on_old, "checkpoint", f"the log {origin} (a log rebuilt by import --create)")
    assert "this store is the log fupin-jianghai (the district's log, never moved)" in on_old.stderr
    assert_refused(proven, "checkpoint", f"this store is the log {origin}")
    assert not bundle.exists()
    assert_refused(restored, "checkpoint", f"this store is the log {origin}")
    assert not (logged.folder / "r.db").exists()


def test_a_log_rebuilt_from_an_edited_export_is_not_the_districts(logged: Keys) -> None:
    """The expert's forgery: an edited export moved again, its checkpoint signed with the log
    key the move carried. Its bundle is refused under the real log's origin, and the real
    moved log's under the unmoved one's: each log is named in what is signed."""
    fupin, folder = logged.fupin, logged.folder
    real, origin = _moved(logged, folder / "old.jsonl")
    lines = (folder / "old.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "forged.jsonl").write_text("\n".join([*lines, ""]) + "\n", encoding="utf-8")
    (folder / "forged.jsonl").chmod(0o600)
    forged, forged_origin = _moved(logged, folder / "forged.jsonl", "forged.db")
    bundles = {}
    for name, store in (("real", real), ("forged", forged), ("unmoved", "")):
        cp = _checkpoint(logged, store, f"{name}.json")
        bundles[name] = folder / f"{name}.bundle.json"
        fupin.ok(f"{store} prove JH-0001 --checkpoint {cp} --out {bundles[name]}")

    def checked(name: str, *origin: str) -> int:
        return int(vb.main([str(bundles[name]), *origin]))

    assert forged_origin != origin
    assert checked("unmoved") == 0
    assert checked("real") == checked("forged") == 1  # --origin fupin-jianghai, the default
    assert checked("real", "--origin", origin) == 0
    assert checked("forged", "--origin", origin) == 1


#: The note of a moved store's own checkpoints signed under the district's name (session 32).
OLD_NAME = (
    "of the ledger's own checkpoints are signed as fupin-jianghai, as a fupin before 2026-12-02 "
    "signed a moved store's checkpoints (one not yet upgraded still does; not a problem"
)


def _as_fupin_did(
    logged: Keys, store: str, monkeypatch: pytest.MonkeyPatch, when: datetime | None
) -> None:
    """A checkpoint taken in a moved store as fupin took one before session 25 (signed as
    fupin-jianghai), recorded at ``when`` (None: now)."""
    with monkeypatch.context() as patch:
        patch.setattr(transparency, "log_origin", lambda _app: transparency.LOG_NAME)
        if when is None:
            _checkpoint(logged, store, "then.json")
        else:
            with clock.using_clock(lambda: when):
                _checkpoint(logged, store, "then.json")


def test_a_moved_stores_checkpoint_recorded_before_the_change_is_a_note(
    logged: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, origin = _moved(logged, logged.folder / "old.jsonl")
    _as_fupin_did(logged, store, monkeypatch, None)  # recorded today, before 2026-12-02

    then = logged.folder / "then.json"

    verified = logged.fupin.ok(f"{store} verify").stdout
    _checkpoint(logged, store, "now.json")  # the ledger's own: its root is trusted
    # its file: the store recorded it before the change, so it is judged as before
    with_file = logged.fupin.ok(f"{store} verify --checkpoint {then}").stdout
    # but no proof is issued from it (since session 25: test_round25_retest_origin.py)
    proven = logged.fupin(
        f"{store} prove JH-0001 --checkpoint {then} --out {logged.folder / 'b.json'}"
    )
    assert_refused(proven, "checkpoint", f"not this store's origin {origin}")

    assert f"1 {OLD_NAME}" in verified
    assert f"not a problem: today's fupin signs them as {origin}): they prove nothing" in verified
    assert "checkpoint of size" in with_file


def test_a_moved_stores_checkpoint_signed_as_the_districts_since_is_a_note_too(
    logged: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tester f, session 32: a fupin of session 23 still run after 2026-12-02 moved a ledger
    and took a checkpoint in the moved store (signed as fupin-jianghai, as it signed every
    checkpoint); its verify passed, today's failed the untampered store and refused the
    checkpoint's file (from session 25 to 31: after the cut-over, a problem)."""
    store, origin = _moved(logged, logged.folder / "old.jsonl")
    later = datetime(2026, 12, 3, tzinfo=UTC)
    _as_fupin_did(logged, store, monkeypatch, later)
    then = logged.folder / "then.json"

    with clock.using_clock(TickingClock(later)):
        verified = logged.fupin(f"{store} verify")
        with_file = logged.fupin(f"{store} verify --checkpoint {then}")
        proven = logged.fupin(
            f"{store} prove JH-0001 --checkpoint {then} --out {logged.folder / 'b.json'}"
        )

    for result in (verified, with_file):
        assert result.exit_code == 0, result.output
        assert f"1 {OLD_NAME}" in result.stdout
        assert "signed under the old name" not in result.output
    assert "checkpoint of size" in with_file.stdout
    assert_refused(proven, "checkpoint", f"not this store's origin {origin}")
    assert "this store recorded it, as a fupin before 2026-12-02 signed" in proven.stderr
    assert not (logged.folder / "b.json").exists()


def test_a_moved_stores_checkpoint_of_the_districts_name_altered_since_is_a_problem(
    logged: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the note spares the name, not the signature: one whose root was changed fails
    store, _origin = _moved(logged, logged.folder / "old.jsonl")
    later = datetime(2026, 12, 3, tzinfo=UTC)
    _as_fupin_did(logged, store, monkeypatch, later)
    path = Path(store.removeprefix("--store "))
    at = [i for i, row in enumerate(read_rows(path)) if row[2].endswith("CheckpointRecorded")]
    assert len(at) == 1, at

    def root_changed(tree: dict[str, Any]) -> None:
        tree["root"] = "0" * 64

    rewrite_state(path, at[0], root_changed)

    with clock.using_clock(TickingClock(later)):
        failed = logged.fupin(f"{store} verify")

    assert failed.exit_code == 1, failed.output
    assert "was altered (its signature does not verify)" in failed.stderr
