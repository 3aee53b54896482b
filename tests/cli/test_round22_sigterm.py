"""Tester L, session 22: ``SIGTERM`` (``kill``, ``timeout``, systemd, a cancelled job) ended
``fupin`` without its clean-up: a demo killed so left its staged SQLite file beside the path
(and on PostgreSQL 97 % of its history, read as a finished ledger). ``SIGTERM`` now stops a
command as Ctrl-C does, through its own clean-up, with the shell's status for the signal."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

STORE_INDEPENDENT = "a SQLite store shows the clean-up; PostgreSQL's is tested on its own"

RUN = "import sys; from cli.entry import run; sys.argv[0] = 'fupin'; run()"


def test_a_demo_stopped_by_sigterm_leaves_nothing_behind(tmp_path: Path) -> None:
    store = tmp_path / "demo.db"
    demo = subprocess.Popen(
        [sys.executable, "-c", RUN, "--store", str(store), "demo"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Once the demo records (its staged file is there), stop it.
    deadline = time.monotonic() + 60
    while not any(tmp_path.glob(".demo.db.*.new")) and time.monotonic() < deadline:
        assert demo.poll() is None, demo.stderr.read() if demo.stderr else ""
        time.sleep(0.05)
    demo.send_signal(signal.SIGTERM)
    _, err = demo.communicate(timeout=60)

    assert demo.returncode == 128 + signal.SIGTERM, err
    assert b"Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    # since session 37 (tester k F12): it said its committed events "stand", in no store
    assert b"stands" not in err, err
    said = err.decode().strip().splitlines()[-1]
    assert said in (
        "interrupted: the new store was not put in place, and nothing of it was kept",
        "interrupted: nothing was committed",
    ), err


#: ``fupin log`` with Ctrl-C pressed while ``cli.main`` loads (its first ~0.3 s), or while
#: ``cli.main.run`` loads ``ledger.core`` (re-tester r, F2).
INTERRUPTED_LOADING = """
import builtins, sys
real = builtins.__import__
def loading(name, globals=None, locals=None, fromlist=(), level=0):
    if (name, (fromlist or ("",))[0]) == WHERE:
        raise KeyboardInterrupt
    return real(name, globals, locals, fromlist, level)
builtins.__import__ = loading
from cli.entry import run
sys.argv[0] = "fupin"
run()
"""


@pytest.mark.parametrize("where", [("cli", "main"), ("ledger.core", "SAVES_COMMITTED")])
def test_ctrl_c_while_the_command_loads_says_one_line_not_a_traceback(
    tmp_path: Path, where: tuple[str, str]
) -> None:
    # Session 37's tester k (F13): 9 to 37 lines of Python's traceback, ending KeyboardInterrupt
    script = f"WHERE = {where!r}\n{INTERRUPTED_LOADING}"
    done = subprocess.run(
        [sys.executable, "-c", script, "--store", str(tmp_path / "l.db"), "log"],
        capture_output=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 130
    assert done.stderr.decode() == "interrupted: nothing was committed\n"
    assert done.stdout == b""
