"""``fupin keys``, ``checkpoint``, ``verify`` and ``prove`` from the command line."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

ROOT = Path(__file__).resolve().parents[2]


def new_key(fupin: Fupin, path: Path) -> str:
    """Make a key pair; return the public key ``keys new`` printed."""
    result = fupin.ok(f"keys new --out {path}")
    match = re.search(r"public key:\s+(\S+)", result.stdout)
    assert match is not None, result.stdout
    return match.group(1)


def test_keys_sign_saves_and_verify_checkpoint_and_prove_work_end_to_end(
    seeded: Fupin, tmp_path: Path
) -> None:
    officer_key = new_key(seeded, tmp_path / "jn-01.key")
    log_key = new_key(seeded, tmp_path / "log.key")
    seeded.ok(f"keys register jn-01 {officer_key} {doc('2016-08-20')}", actor="admin")
    seeded.ok(f"keys register-log {log_key} {doc('2016-08-20')}", actor="admin")
    seeded.ok(
        f"--key {tmp_path / 'jn-01.key'} household visit JH-0001 --helper c-1 {doc('2016-09-01')}",
        actor="jn-01",
    )
    seeded.ok(
        f"--key {tmp_path / 'jn-01.key'} household amend JH-0001 --disabled --reason 漏填残疾 "
        f"{doc('2016-09-01')}",
        actor="jn-01",
    )
    checkpoint = tmp_path / "cp.json"
    seeded.ok(
        f"checkpoint --out {checkpoint} --log-key {tmp_path / 'log.key'} {doc('2016-09-02')}",
        actor="admin",
    )

    verified = seeded.ok(f"verify --checkpoint {checkpoint}")
    bundle = tmp_path / "bundle.json"
    proved = seeded.ok(f"prove JH-0001 --checkpoint {checkpoint} --out {bundle}")
    offline = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "verify_bundle.py"), str(bundle)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert "2 seals over 2 signed events" in verified.stdout
    assert "ledger extends it" in verified.stdout
    assert offline.returncode == 0, offline.stderr
    assert "VisitRecorded" in offline.stdout
    assert "Amended" in offline.stdout
    assert "restates disabled false → true: 漏填残疾" in offline.stdout
    # The hint pins the log key (audit-guide §7), naming the one that signed, not giving it.
    key = orjson.loads(checkpoint.read_bytes())["key_id"]
    assert f"verify_bundle.py {bundle} --log-key <the district's log key" in proved.stdout
    assert f"this checkpoint is signed by {key}>" in proved.stdout


def test_a_keyed_officer_saving_without_the_key_is_refused_and_nothing_is_written(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"keys register jn-01 {new_key(seeded, tmp_path / 'k')} {doc('2016-08-20')}", "admin")
    before = seeded.event_count()

    result = seeded(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", actor="jn-01")

    assert_refused(result, "key", "jn-01 signs with key")
    assert seeded.event_count() == before


def test_a_key_file_readable_by_others_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "jn-01.key"
    seeded.ok(f"keys register jn-01 {new_key(seeded, path)} {doc('2016-08-20')}", "admin")
    path.chmod(0o644)

    result = seeded(
        f"--key {path} household visit JH-0001 --helper c-1 {doc('2016-09-01')}", actor="jn-01"
    )

    assert_refused(result, "key", "chmod 600")


# SQLite only: it alters a stored event in the file behind the ledger's back.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_verify_names_the_first_bad_position_and_exits_1(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(f"keys register jn-01 {new_key(seeded, tmp_path / 'k')} {doc('2016-08-20')}", "admin")
    with sqlite3.connect(seeded.path) as db:
        (last,) = db.execute("SELECT MAX(rowid) FROM stored_events").fetchone()
        db.execute("UPDATE stored_events SET state = state || ' ' WHERE rowid = ?", (last,))
    db.close()

    result = seeded("verify")

    assert result.exit_code == 1, result.output
    assert f"FAILED at position {last - 1}" in result.stderr
    assert "Traceback" not in result.output


def test_verify_refuses_a_checkpoint_file_that_is_not_json(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "cp.json"
    path.write_text("not json", encoding="utf-8")

    assert_refused(seeded(f"verify --checkpoint {path}"), "checkpoint", "is not JSON")
