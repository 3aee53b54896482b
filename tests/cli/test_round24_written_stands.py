"""Session 24, a re-tester: a command that had written its -o/--out file whole said ``refused
output: cannot write standard output``, exit 2 (nothing written, by docs/cli.md), when only
its confirmation line could not be written (``fupin report html --out a.html > /dev/full``,
``fupin keys new-master --out n.mk > /dev/full``); and a recording command whose output pipe
was closed (``fupin … household visit … | head -0``) was killed silently by ``SIGPIPE`` after
its commit. Both now say what stands, exit 1; a reader that committed nothing and wrote no
file still ends by ``SIGPIPE``, nothing said. Standard output open for reading only
(``1</dev/null``) is refused before the command runs, as a closed one is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, doc
from tests.cli.test_round24_standard_output import RUN

STORE_INDEPENDENT = "standard output is the command line's: SQLite is enough"

pytestmark = pytest.mark.skipif(
    not Path("/dev/full").exists() or not hasattr(signal, "SIGPIPE"),
    reason="needs /dev/full and SIGPIPE",
)

VISIT = f"--as jn-01 household visit JH-0001 --helper c-1 {doc('2016-09-01')}".split()


def _run(store: str, args: list[str], stdout: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``fupin ARGS`` in a process of its own, in ``cwd``, writing into descriptor ``stdout``."""
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        env={
            **os.environ,
            "LEDGER_STORE": store,
            "FUPIN_NO_HELP_CACHE": "1",
            "PYTHONPATH": str(Path(__file__).parents[2]),
        },
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=120,
    )


def _into_full(store: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    with open("/dev/full", "w") as full:
        return _run(store, args, full.fileno(), cwd)


def _into_closed_pipe(store: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """As ``fupin ARGS | head -0``: a pipe whose reader has gone before anything is written."""
    read, write = os.pipe()
    os.close(read)
    try:
        return _run(store, args, write, cwd)
    finally:
        os.close(write)


def _stands(reason: str, name: str) -> list[str]:
    return [
        f"standard output could not be written ({reason}) after the command wrote '{name}': "
        "the file stands, whole, though what the command had to say was not written in full"
    ]


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["report", "html", "--out", "a.html"], "a.html"),
        (["export", "report", "caseload", "-o", "c.csv"], "c.csv"),
        (["keys", "new-master", "--out", "n4.mk"], "n4.mk"),
        (["keys", "new", "--out", "k.pem"], "k.pem"),
    ],
)
def test_a_file_written_whole_stands_when_standard_output_is_full(
    seeded: Fupin, tmp_path: Path, args: list[str], name: str
) -> None:
    result = _into_full(seeded.store, args, tmp_path)

    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == _stands("No space left on device", name)
    assert (tmp_path / name).stat().st_size > 0


def test_an_export_written_whole_is_the_same_file_as_a_normal_run(
    seeded: Fupin, tmp_path: Path
) -> None:
    normal = _run(seeded.store, ["export", "report", "caseload", "-o", "n.csv"], 1, tmp_path)
    assert normal.returncode == 0, normal.stderr

    result = _into_full(seeded.store, ["export", "report", "caseload", "-o", "c.csv"], tmp_path)

    assert result.returncode == 1, result.stderr
    assert (tmp_path / "c.csv").read_bytes() == (tmp_path / "n.csv").read_bytes()


def test_a_recording_command_whose_pipe_is_closed_says_what_stands(
    seeded: Fupin, tmp_path: Path
) -> None:
    before = seeded.event_count()

    result = _into_closed_pipe(seeded.store, VISIT, tmp_path)

    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == [
        "standard output could not be written (its reader closed the pipe) after 1 save(s) of "
        "1 event(s) were committed: what they recorded stands (fupin log shows it last), "
        "though what the command had to say was not written in full"
    ]
    assert seeded.event_count() == before + 1


def test_a_file_written_whole_stands_when_the_pipe_is_closed(seeded: Fupin, tmp_path: Path) -> None:
    result = _into_closed_pipe(seeded.store, ["report", "html", "--out", "a.html"], tmp_path)

    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == _stands("its reader closed the pipe", "a.html")


@pytest.mark.parametrize("args", [["report", "caseload"], ["log"], ["query", "select 1"]])
def test_a_reader_whose_pipe_is_closed_still_ends_by_sigpipe_saying_nothing(
    seeded: Fupin, tmp_path: Path, args: list[str]
) -> None:
    result = _into_closed_pipe(seeded.store, args, tmp_path)

    assert result.returncode == -signal.SIGPIPE
    assert result.stderr == ""


def test_a_standard_output_open_for_reading_only_is_refused_before_anything_runs(
    seeded: Fupin, tmp_path: Path
) -> None:
    before = seeded.event_count()
    with open(os.devnull) as read_only:
        result = _run(seeded.store, VISIT, read_only.fileno(), tmp_path)

    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "refused output: standard output is not open for writing: give the command somewhere "
        "to write (> FILE, or > /dev/null)"
    ]
    assert seeded.event_count() == before
