"""Session 26 (tester B, crash safety): ``checkpoint --out cpk.json`` killed after it recorded
the checkpoint, before it wrote the file, leaves ``cpk.json`` empty (its name is claimed
first); ``verify --checkpoint cpk.json`` said "is not JSON". Now it says the file is empty,
probably left by a stopped checkpoint, and where the checkpoint recorded stands."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import assert_refused
from tests.cli.test_checkpoint_refusals import Signed, signed

STORE_INDEPENDENT = "a checkpoint file is refused before the store is read (tests/conftest.py)"

__all__ = ["signed"]  # the fixture, shared


def test_an_empty_checkpoint_file_is_said_empty_and_left_by_a_stopped_checkpoint(
    signed: Signed,
) -> None:
    path = signed.folder / "cpk.json"
    path.write_bytes(b"")

    result = signed.verify("--checkpoint", str(path))

    assert_refused(result, "checkpoint", f"{path} is empty (0 bytes), not a checkpoint")
    assert "a `fupin checkpoint --out` claimed before it was stopped" in result.stderr
    assert "`fupin log` shows its CheckpointRecorded" in result.stderr
    assert "not JSON" not in result.stderr


def test_a_checkpoint_file_of_other_bytes_is_still_not_json(signed: Signed, tmp_path: Path) -> None:
    path = tmp_path / "cpk.json"
    path.write_bytes(b"{\n")

    assert_refused(signed.verify("--checkpoint", str(path)), "checkpoint", f"{path} is not JSON")
