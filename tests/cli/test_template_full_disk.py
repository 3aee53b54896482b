"""``fupin import template`` into a device that is full (``/dev/full``) or past the file size
the process may write (a full disk): the refusal is the only line on stderr. Before, openpyxl
wrote straight into the handle, and the half-written workbook's ``ZipFile`` printed
"Exception ignored in: <function ZipFile.__del__>" and a traceback after the refusal.

Run as the console script: what is printed when the process ends is part of the output."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

FUPIN = Path(sys.executable).with_name("fupin")


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (8 * 1024, 8 * 1024))


def _template(target: Path | str, cwd: Path, limited: bool) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FUPIN), "import", "template", "-o", str(target)],
        cwd=cwd,
        env={**os.environ, "FUPIN_DEBUG": ""},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_limit_file_size if limited else None,
        timeout=120,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_template_into_a_full_device_is_refused_in_one_line(tmp_path: Path) -> None:
    result = _template("/dev/full", tmp_path, limited=False)

    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "refused output: cannot write '/dev/full': No space left on device"
    ]


def test_a_template_past_the_file_size_limit_is_refused_in_one_line(tmp_path: Path) -> None:
    result = _template(tmp_path / "t.xlsx", tmp_path, limited=True)

    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"refused output: cannot write '{tmp_path / 't.xlsx'}': File too large"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nor a part left behind
