"""Session 22, an auditor's finding: ``fupin checkpoint`` signed a tree head over a log that no
longer matched a checkpoint the ledger itself had recorded (an unsigned event rewritten in the
file between the two), and ``fupin prove`` against it made a bundle that
``tools/verify_bundle.py`` passed. ``checkpoint`` now refuses, writing nothing, when the log
does not extend every checkpoint the ledger recorded; ``prove`` refuses a checkpoint signed
over such a log."""

from __future__ import annotations

import base64
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import orjson
from ledger.application import open_ledger
from ledger.keys import load_private_key
from ledger.merkle import leaf_hash, root_of, roots_of
from ledger.sealing import canonical_bytes
from ledger.transparency import (
    CHECKPOINT_VERSION,
    LOG_NAME,
    Checkpoint,
    checkpoint_note,
    stored_events,
)

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the checkpoint's own rule, over rows a test rewrites in the SQLite file"

#: The auditor's change: the allocation city-2016 received, unsigned, made nine times larger.
REWRITE = (
    "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), '\"amount_fen\":100000', "
    "'\"amount_fen\":900000') AS BLOB) WHERE topic LIKE '%AllocationReceived'"
)


def _checkpointed(fupin: Fupin, folder: Path) -> tuple[Path, Path]:
    """A log key registered and a first checkpoint taken: (the key's file, the checkpoint)."""
    key = folder / "log.key"
    made = fupin.ok(f"keys new --out {key}")
    found = re.search(r"public key:\s+(\S+)", made.stdout)
    assert found is not None, made.stdout
    fupin.ok(f"keys register-log {found.group(1)} {doc('2016-08-20')}", "admin")
    first = folder / "cp1.json"
    fupin.ok(f"checkpoint --out {first} --log-key {key} -d 检查点", "admin")
    return key, first


def _rewrite(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db:
        assert db.execute(REWRITE).rowcount == 1
        db.commit()


def test_a_checkpoint_over_a_log_that_no_longer_extends_the_recorded_one_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    key, first = _checkpointed(seeded, tmp_path)
    size = orjson.loads(first.read_bytes())["size"]
    _rewrite(seeded.path)
    before = seeded.event_count()

    result = seeded(f"checkpoint --out {tmp_path / 'cp2.json'} --log-key {key} -d 检查点", "admin")

    assert_refused(
        result,
        "checkpoint",
        f"the log no longer extends the checkpoint the ledger recorded at size {size}",
    )
    assert "nothing was signed or written" in result.stderr
    assert not (tmp_path / "cp2.json").exists()
    assert seeded.event_count() == before


def _signed_tree_head(seeded: Fupin, key: Path, recorded: dict[str, str], out: Path) -> Path:
    """A checkpoint of the store's log as it is now, signed with the log key ``key`` (as a
    fupin before session 22 signed one whatever the checkpoints recorded), written to ``out``."""
    app = open_ledger(str(seeded.path))
    try:
        size, root = root_of(leaf_hash(canonical_bytes(n)) for n in stored_events(app.recorder))
    finally:
        app.close()
    time = "2016-08-25T00:00:00+00:00"
    signature = load_private_key(key).sign(checkpoint_note(LOG_NAME, size, root, time))
    made = Checkpoint(
        CHECKPOINT_VERSION,
        LOG_NAME,
        size,
        root.hex(),
        time,
        recorded["key_id"],
        recorded["public_key"],
        base64.b64encode(signature).decode(),
    )
    out.write_bytes(orjson.dumps(made.to_json()))
    return out


def test_a_checkpoint_over_a_log_that_extends_the_recorded_ones_is_signed(
    seeded: Fupin, tmp_path: Path
) -> None:
    key, _ = _checkpointed(seeded, tmp_path)
    seeded.ok(f"checkpoint --out {tmp_path / 'cp2.json'} --log-key {key} -d 检查点", "admin")

    seeded.ok(f"checkpoint --out {tmp_path / 'cp3.json'} --log-key {key} -d 检查点", "admin")


def test_prove_refuses_a_checkpoint_signed_over_a_log_changed_since_a_recorded_one(
    seeded: Fupin, tmp_path: Path
) -> None:
    key, first = _checkpointed(seeded, tmp_path)
    recorded = orjson.loads(first.read_bytes())
    _rewrite(seeded.path)
    # As a fupin before session 22 signed it: the changed log's own tree head.
    second = _signed_tree_head(seeded, key, recorded, tmp_path / "cp2.json")

    result = seeded(f"prove JH-0001 --checkpoint {second} --out {tmp_path / 'b.json'}", "insp-1")

    assert_refused(result, "checkpoint", "do not hash to the root of the checkpoint the ledger")
    assert not (tmp_path / "b.json").exists()


def _forge_recorded_root(path: Path, recorded: str) -> None:
    """Tester F's second step: the root the ledger recorded at that size rewritten to the
    changed log's (the recorded checkpoint's signature is left as it was)."""
    app = open_ledger(str(path))
    try:
        leaves = (leaf_hash(canonical_bytes(n)) for n in stored_events(app.recorder))
        size = int(orjson.loads(Path(recorded).read_bytes())["size"])
        _, _, roots = roots_of(leaves, {size})
    finally:
        app.close()
    old = orjson.loads(Path(recorded).read_bytes())["root"]
    with closing(sqlite3.connect(path)) as db:
        forged = db.execute(
            "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), ?, ?) AS BLOB) "
            "WHERE topic LIKE '%CheckpointRecorded'",
            (old, roots[size].hex()),
        )
        assert forged.rowcount == 1
        db.commit()


def test_a_checkpoint_is_refused_when_a_recorded_ones_signature_does_not_verify(
    seeded: Fupin, tmp_path: Path
) -> None:
    key, first = _checkpointed(seeded, tmp_path)
    _rewrite(seeded.path)
    _forge_recorded_root(seeded.path, str(first))
    before = seeded.event_count()

    result = seeded(f"checkpoint --out {tmp_path / 'cp2.json'} --log-key {key} -d 检查点", "admin")

    assert_refused(result, "checkpoint", "the checkpoint the ledger recorded as version 2 of the")
    assert "does not verify" in result.stderr
    assert "nothing was signed; run fupin verify" in result.stderr
    assert not (tmp_path / "cp2.json").exists()
    assert seeded.event_count() == before


def test_prove_is_refused_when_a_recorded_checkpoints_signature_does_not_verify(
    seeded: Fupin, tmp_path: Path
) -> None:
    key, first = _checkpointed(seeded, tmp_path)
    recorded = orjson.loads(first.read_bytes())
    _rewrite(seeded.path)
    _forge_recorded_root(seeded.path, str(first))
    second = _signed_tree_head(seeded, key, recorded, tmp_path / "cp2.json")

    result = seeded(f"prove JH-0001 --checkpoint {second} --out {tmp_path / 'b.json'}", "insp-1")

    assert_refused(result, "checkpoint", "does not verify")
    assert "nothing was proven; run fupin verify" in result.stderr
    assert not (tmp_path / "b.json").exists()


def _state_as_text(path: Path) -> int:
    """Tester F's LOW 6: an allocation's state stored as TEXT (as ``sqlite3``'s replace() on
    it leaves it); returns its log id."""
    with closing(sqlite3.connect(path)) as db:
        (rowid,) = db.execute(
            "SELECT rowid FROM stored_events WHERE topic LIKE '%AllocationReceived'"
        ).fetchone()
        db.execute("UPDATE stored_events SET state = CAST(state AS TEXT) WHERE rowid = ?", (rowid,))
        db.commit()
    return int(rowid)


def test_a_checkpoint_over_an_event_stored_as_text_is_refused_naming_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    key, _ = _checkpointed(seeded, tmp_path)
    log_id = _state_as_text(seeded.path)
    before = seeded.event_count()

    result = seeded(f"checkpoint --out {tmp_path / 'cp2.json'} --log-key {key} -d 检查点", "admin")

    assert_refused(result, "store", f"the event at position {log_id - 1} (log id {log_id})")
    assert "its stored state is not bytes" in result.stderr
    assert "nothing was signed; run fupin verify" in result.stderr
    assert not (tmp_path / "cp2.json").exists()
    assert seeded.event_count() == before


def test_prove_over_an_event_stored_as_text_is_refused_naming_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    _, first = _checkpointed(seeded, tmp_path)
    log_id = _state_as_text(seeded.path)

    result = seeded(f"prove JH-0001 --checkpoint {first} --out {tmp_path / 'b.json'}", "insp-1")

    assert_refused(result, "store", f"(log id {log_id}): its stored state is not bytes")
    assert "nothing was proven; run fupin verify" in result.stderr
    assert not (tmp_path / "b.json").exists()
