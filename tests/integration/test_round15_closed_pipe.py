"""Round 15: ``fupin log | head -1`` exited 1 with nothing said (rich's and click's answer to a
closed pipe), the status the docs give to a defect or, for ``log`` and ``verify``, a problem
found: a monitoring script's alarm. A reader that stops reading now stops ``fupin`` as it stops
any Unix tool, by ``SIGPIPE`` (the shell's 141), with nothing said."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ledger_at

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="no SIGPIPE here")

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "args",
    [("log", "--since", "0"), ("report", "caseload"), ("--as", "admin", "export", "events")],
)
def test_a_reader_that_stops_reading_stops_fupin_by_sigpipe(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    store = tmp_path / "l.db"
    with ledger_at(str(store)):
        pass  # the reference data of tests.support: a few dozen events
    script = "import sys; from cli.entry import run; sys.argv[0] = 'fupin'; run()"
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "LEDGER_STORE": str(store), "FUPIN_NO_HELP_CACHE": "1"},
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # the reader is gone before fupin writes a byte

    error = process.stderr.read()
    code = process.wait(timeout=120)

    assert code == -signal.SIGPIPE, (code, error)
    assert error == b""
