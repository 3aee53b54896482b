"""Session 24, a tester scripting ``fupin``: standard output on a full disk, or closed, or not
open for writing (``fupin query "select * from pj_visits" --format csv > /dev/full``, ``fupin
report caseload --format json > /dev/full``) ended in ``internal error: OSError: [Errno 28]
No space left on device``, exit 1, the status of a defect. It is now said in one line naming
standard output: a refusal (exit 2) when nothing was recorded; when something was, that it
stands (exit 1, as a checkpoint recorded whose file could not be written). A closed pipe
still ends ``fupin`` by ``SIGPIPE`` (tests/integration/test_round15_closed_pipe.py) unless it
had recorded or written a file; 1</dev/null, files written: test_round24_written_stands.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest

from tests.cli.conftest import Fupin, doc
from tests.cli.test_help_cache import FUPIN, environ

STORE_INDEPENDENT = "standard output is the command line's: SQLite is enough"

RUN = "import sys; from cli.entry import run; sys.argv[0] = 'fupin'; run()"

FULL = "refused output: cannot write standard output: No space left on device"

pytestmark = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")


def _run(store: str, args: list[str], stdout: IO[str]) -> subprocess.CompletedProcess[str]:
    """``fupin ARGS`` in a process of its own writing into ``stdout``."""
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        env={**os.environ, "LEDGER_STORE": store, "FUPIN_NO_HELP_CACHE": "1"},
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=120,
        stdout=stdout,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["query", "select * from pj_households", "--format", "csv"],
        ["query", "select 1"],
        ["report", "caseload", "--format", "json"],
        ["report", "caseload"],
    ],
)
def test_a_full_standard_output_is_refused_in_one_line(seeded: Fupin, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = _run(seeded.store, args, stdout=full)

    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [FULL]


def test_a_closed_standard_output_is_refused_before_anything_runs(seeded: Fupin) -> None:
    before = seeded.event_count()
    line = f"--as jn-01 household visit JH-0001 --helper c-1 {doc('2016-09-01')}"
    result = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-c", RUN, *line.split()],
        env={**os.environ, "LEDGER_STORE": seeded.store, "FUPIN_NO_HELP_CACHE": "1"},
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=120,
    )

    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "refused output: standard output is closed: give the command somewhere to write "
        "(> FILE, or > /dev/null)"
    ]
    assert seeded.event_count() == before


def test_a_command_that_recorded_says_what_stands(seeded: Fupin) -> None:
    before = seeded.event_count()
    line = f"--as jn-01 household visit JH-0001 --helper c-1 {doc('2016-09-01')}"
    with open("/dev/full", "w") as full:
        result = _run(seeded.store, line.split(), stdout=full)

    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == [
        "standard output could not be written (No space left on device) after 1 save(s) of "
        "1 event(s) were committed: what they recorded stands (fupin log shows it last), "
        "though what the command had to say was not written in full"
    ]
    assert seeded.event_count() == before + 1


@pytest.mark.parametrize("cached", [False, True])
def test_the_help_into_a_full_device_is_refused_with_the_cache_or_without(
    tmp_path: Path, cached: bool
) -> None:
    cache = tmp_path if cached else None
    subprocess.run([str(FUPIN), "--help"], env=environ(cache), capture_output=True, check=True)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [str(FUPIN), "--help"],
            env=environ(cache),
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )

    assert result.returncode == 2, result.stderr
    assert result.stderr.decode().strip().splitlines() == [FULL]
