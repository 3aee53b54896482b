"""Session 23, re-test O of the output-file protections:

* a pipe another user left in a sticky, world-writable folder received `export events`, every
  household's personal data in clear (the kernel's fs.protected_fifos rule was not mirrored,
  only protected_regular);
* ``init`` and ``restore`` made a new store through a link another user planted in such a
  folder (the planted-link rule was not applied to the store's path);
* a name ending in ``/.`` (``-o keep.csv/.``) wrote the file ``keep.csv``: pathlib drops a
  last ``.`` as it drops a last ``/``."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round23_outputs_3 import OTHER, PLANTED, _planted_folder, as_root

STORE_INDEPENDENT = "the files a SQLite ledger writes: SQLite is enough (tests/conftest.py)"


@as_root
def test_a_pipe_another_user_left_in_a_sticky_folder_gets_nothing(
    seeded: Fupin, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    pipe = shared / "events.jsonl"
    os.mkfifo(pipe)
    os.chown(pipe, OTHER, OTHER)
    read: list[bytes] = []
    # A reader on the other end, so that an export written into the pipe does not block.
    reader = threading.Thread(target=lambda: read.append(pipe.read_bytes()), daemon=True)
    reader.start()

    result = seeded(f"export events -o {pipe}", "admin")

    assert_refused(
        result,
        "output",
        f"is a pipe or device another user (uid {OTHER}) owns in the sticky, world-writable "
        f"folder {str(shared)!r}: nothing is written into it (the kernel's fs.protected_fifos",
    )
    with open(pipe, "wb"):  # let the reader end
        pass
    reader.join(5)
    assert read == [b""]


@as_root
@pytest.mark.parametrize("command", ["init", "restore"])
def test_a_new_store_is_not_made_through_a_planted_link(
    seeded: Fupin, tmp_path: Path, command: str
) -> None:
    into = _planted_folder(tmp_path)
    store = into / "new.db"
    backup = tmp_path / "ledger.backup"
    seeded.ok(f"backup {backup}")
    line = {
        "init": f"init --admin adm --name 区扶贫办 {doc('2016-07-01')}",
        "restore": f"restore {backup}",
    }[command]

    result = seeded(f"--store {store} {line}")

    assert_refused(result, "store", PLANTED)
    assert list((tmp_path / "victim").iterdir()) == []


@pytest.mark.parametrize("name", ["keep.csv/.", "keep.csv/./."])
def test_a_name_ending_in_a_slash_and_a_dot_names_a_folder(
    seeded: Fupin, tmp_path: Path, name: str
) -> None:
    out = f"{tmp_path}/{name}"  # as typed: a Path would drop the last "/." itself

    result = seeded(f"export report funds -o {out}", "ana-1")

    assert_refused(result, "output", "ends in a slash and a dot, so it names a folder")
    assert not (tmp_path / "keep.csv").exists()
