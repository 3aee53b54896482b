"""Session 30 (helper d, after session 29's one wording for a retired master key): a master
key retired by an *earlier* rotation, not the latest, was refused by ``export events`` and
``keys check`` as "not the current one: the ledger records master key X as current", and by
the readers and ``erase`` as "household keys are wrapped under master key X; the one given is
Y". It is now said in ``retired_master``'s wording everywhere: an earlier ``MasterKeyRotated``
retired it, and the ledger's latest made the current key current."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ledger.privacy import generate_master_key, master_key_id, parse_master_key
from typer.testing import Result

from tests.cli.conftest import Fupin, doc, master_key_file, with_master_file
from tests.cli.test_round29_retired_master import READERS_AND_WRITERS, refused_unwritten


def _as_admin(fupin: Fupin, line: str, master: Path) -> Result:
    return with_master_file(fupin, f"--as admin {line}", master)


@pytest.fixture
def rotated_twice(seeded: Fupin, tmp_path: Path) -> tuple[Fupin, Path, str, str]:
    """``seeded`` with its master key A rotated to B, then B to C: A's file, and the ids of
    A (retired by the earlier rotation) and C (current)."""
    first = master_key_file(tmp_path / "a.key", os.environ["LEDGER_MASTER_KEY"])
    second = master_key_file(tmp_path / "b.key", generate_master_key())
    third = master_key_file(tmp_path / "c.key", generate_master_key())
    for old, new, day in ((first, second, "2016-08-20"), (second, third, "2016-08-21")):
        rotate = f"keys rotate-master --new-key-file {new} {doc(day)}"
        assert _as_admin(seeded, rotate, old).exit_code == 0
    ids = [master_key_id(parse_master_key(k.read_text("ascii"))) for k in (first, third)]
    return seeded, first, ids[0], ids[1]


@pytest.mark.parametrize("words", sorted(READERS_AND_WRITERS))
def test_a_master_key_an_earlier_rotation_retired_is_refused_in_the_retired_wording(
    rotated_twice: tuple[Fupin, Path, str, str], tmp_path: Path, words: str
) -> None:
    fupin, first, retired, current = rotated_twice

    refused_unwritten(
        fupin,
        lambda line: _as_admin(fupin, f"{words} {line}", first),
        READERS_AND_WRITERS[words].format(tmp=tmp_path),
        f"master key {retired} is not the current one: an earlier MasterKeyRotated retired it, "
        f"and the ledger's latest made master key {current} current (the household keys are "
        "wrapped under it): run again with the new master key (LEDGER_MASTER_KEY_FILE",
    )


@pytest.mark.parametrize("words", ["keys check", "household show"])
def test_a_master_key_no_rotation_retired_is_not_called_retired(
    rotated_twice: tuple[Fupin, Path, str, str], tmp_path: Path, words: str
) -> None:
    fupin, _first, _retired, current = rotated_twice
    stranger = master_key_file(tmp_path / "stranger.key", generate_master_key())
    line = READERS_AND_WRITERS[words].format(tmp=tmp_path)

    result = _as_admin(fupin, f"{words} {line}", stranger)

    assert result.exit_code == 2, result.output
    assert f"master key {current}" in result.stderr
    assert "retired it" not in result.stderr
