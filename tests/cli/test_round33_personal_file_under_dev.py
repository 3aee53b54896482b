"""Found by session 33's suite run with its temporary files on ``/dev/shm``: a personal file
``/dev/shm/…/p.json`` open to the group or others was refused as "the file given on standard
input", with `chmod 600 that file`: every path under ``/dev/`` or ``/proc/`` was taken for a
descriptor. Now only a descriptor's name (``/dev/stdin``, ``/dev/fd/N``, ``/proc/self/fd/N``,
or a link leading to one: ``cli.outputs.through_descriptor``, as ``-o`` judges it) is; a file
of its own anywhere is named, with the `chmod 600` that mends it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, assert_refused
from tests.cli.test_personal_file import BEFORE_THE_STORE, FIELDS, IDENTIFY, personal_file

RAM = Path("/dev/shm")


@pytest.fixture
def under_dev() -> Iterator[Path]:
    """A folder of this test's under ``/dev/shm`` (Linux's shared memory; not every system
    has one)."""
    if not RAM.is_dir():
        pytest.skip("no /dev/shm on this system: the folder the finding is about")
    with tempfile.TemporaryDirectory(dir=RAM) as folder:
        yield Path(folder)


@BEFORE_THE_STORE
def test_a_file_under_dev_open_to_others_is_refused_by_its_name(
    seeded: Fupin, under_dev: Path
) -> None:
    path = personal_file(under_dev, FIELDS, 0o644)
    before = seeded.event_count()

    result = seeded(f"{IDENTIFY} --personal-file {path}", actor="jn-01")

    assert_refused(result, "personal_file", f"'{path}' is open to the group and others (mode 0644)")
    assert f"chmod 600 {path}`" in result.stderr
    assert "standard input" not in result.stderr
    assert seeded.event_count() == before


@BEFORE_THE_STORE
def test_a_descriptor_other_than_standard_input_is_said_as_typed(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Re-tester h (session 33): ``--personal-file /dev/fd/7 7< p.json`` was said as "the
    file given on standard input", sending the officer to the wrong redirection. A name
    leading to a descriptor (here a link to ``/proc/self/fd/N``) is said as typed, and its
    `chmod` not told: it would change what the descriptor is."""
    opened = personal_file(tmp_path, FIELDS, 0o644)
    link = tmp_path / "given"
    with opened.open("rb") as handle:
        link.symlink_to(f"/proc/self/fd/{handle.fileno()}")
        result = seeded(f"{IDENTIFY} --personal-file {link}", actor="jn-01")

    assert_refused(result, "personal_file", f"the file given as '{link}' is open")
    assert "chmod 600 that file" in result.stderr
    assert "standard input" not in result.stderr


@BEFORE_THE_STORE
def test_a_file_of_its_own_under_proc_is_named(seeded: Fupin) -> None:
    """Re-tester h (session 33): ``/proc/version``, a file the system lets everyone read, was
    still said as standard input (every name under ``/proc/`` was a descriptor's)."""
    path = Path("/proc/version")
    if not path.is_file():
        pytest.skip("no /proc/version on this system: the file the finding is about")

    result = seeded(f"{IDENTIFY} --personal-file {path}", actor="jn-01")

    assert_refused(result, "personal_file", "'/proc/version' is open to the group and others")
    assert "chmod 600 /proc/version`" in result.stderr
