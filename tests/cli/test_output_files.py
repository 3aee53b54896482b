"""Files a command writes where the user says (``-o``/``--out``): a regular file is written
whole or not at all and keeps its permissions; an export of personal data in clear is made
readable by its owner only; a symbolic link's target is written so and the link stays (since
session 23, tests/cli/test_round23_outputs.py); a pipe or a descriptor is written through,
never replaced (``-o /dev/stdout``, ``-o >(gpg -e)``)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from tests.cli.conftest import Fupin


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_export_of_personal_data_is_made_readable_by_its_owner_only(
    seeded: Fupin, tmp_path: Path
) -> None:
    target = tmp_path / "events.jsonl"

    seeded.ok(f"export events -o {target}", actor="admin")

    assert _mode(target) == 0o600
    assert target.read_text().startswith('{"command":')


def test_an_existing_file_keeps_its_permissions(seeded: Fupin, tmp_path: Path) -> None:
    target = tmp_path / "funds.json"
    target.write_text("old\n")
    target.chmod(0o640)

    seeded.ok(f"export report funds --format json -o {target}", actor="admin")

    assert _mode(target) == 0o640
    assert target.read_text().startswith("{")


def test_a_link_stays_and_its_target_is_written(seeded: Fupin, tmp_path: Path) -> None:
    kept = tmp_path / "secure"
    kept.mkdir()
    real = kept / "funds.json"
    real.write_text("")
    link = tmp_path / "link.json"
    link.symlink_to(real)

    seeded.ok(f"export report funds --format json -o {link}", actor="admin")

    assert link.is_symlink()
    assert real.read_text().startswith("{")
    assert not list(tmp_path.glob(".fupin-*")) + list(kept.glob(".fupin-*"))


def test_a_pipe_is_written_through_not_replaced(seeded: Fupin, tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()

    seeded.ok(f"export report funds --format json -o {pipe}", actor="admin")
    reader.join(timeout=30)

    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert len(received) == 1
    assert received[0].startswith(b"{")


def test_an_existing_file_given_personal_data_in_clear_is_made_owner_only(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Before, it kept its 0644: every local user could read the names and ID numbers.
    target = tmp_path / "events.jsonl"
    target.write_text("old\n")
    target.chmod(0o644)

    seeded.ok(f"export events -o {target}", actor="admin")

    assert _mode(target) == 0o600
    assert target.read_text().startswith('{"command":')


def test_an_owner_only_file_given_personal_data_keeps_its_owner_bits(
    seeded: Fupin, tmp_path: Path
) -> None:
    target = tmp_path / "events.jsonl"
    target.write_text("old\n")
    target.chmod(0o400)  # read-only for its owner: never widened

    seeded.ok(f"export events -o {target}", actor="admin")

    assert _mode(target) == 0o400
    assert target.read_text().startswith('{"command":')
