"""Session 26, tester D (terminal and locale): where standard output's encoding could not
show a character (``PYTHONIOENCODING=ascii``, ``LC_ALL=C PYTHONUTF8=0``, a Latin-1 locale, a
GBK one meeting ✓ or 䶮), a recording command saved its event and then died printing its
confirmation (``internal error: UnicodeEncodeError``, exit 1: the officer believed nothing
was saved, and a retry was refused as a duplicate); reads and ``--help`` crashed part-way.
Now an encoding that cannot show Chinese at all is refused before any command runs (exit 2,
nothing recorded); one that can (GBK, GB18030) writes what it cannot show as ``\\uXXXX``
escapes and says so once on standard error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "standard output is the command line's: SQLite is enough"

RUN = "import sys; from cli.entry import run; sys.argv[0] = 'fupin'; run()"


def _run(store: str, args: list[str], encoding: str) -> subprocess.CompletedProcess[bytes]:
    """``fupin ARGS`` in a process of its own whose standard streams encode as ``encoding``."""
    env = {**os.environ, "LEDGER_STORE": store, "FUPIN_NO_HELP_CACHE": "1"}
    env["PYTHONIOENCODING"] = encoding
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
        timeout=120,
    )


def _refusal(encoding: str) -> str:
    return (
        f"refused output: standard output's encoding ({encoding}) cannot show Chinese: set "
        "PYTHONIOENCODING=utf-8, or use a UTF-8 locale (LANG=zh_CN.UTF-8 or C.UTF-8), and run "
        "the command again"
    )


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_recording_command_is_refused_before_it_records_where_chinese_cannot_be_shown(
    seeded: Fupin, encoding: str
) -> None:
    before = seeded.event_count()
    line = f"--as admin place add-village 江南 测试村 {doc('2016-07-26')}"
    result = _run(seeded.store, line.split(), encoding)

    assert result.returncode == 2, result.stderr
    expected = _refusal("iso8859-1" if encoding == "latin-1" else encoding)
    assert result.stderr.decode("ascii").strip().splitlines() == [expected]
    assert result.stdout == b""
    assert seeded.event_count() == before


@pytest.mark.parametrize("args", [["--help"], ["household", "--help"], ["report", "caseload"]])
def test_a_read_or_the_help_is_refused_where_chinese_cannot_be_shown(
    seeded: Fupin, args: list[str]
) -> None:
    result = _run(seeded.store, args, "ascii")

    assert result.returncode == 2, result.stderr
    assert result.stderr.decode("ascii").strip().splitlines() == [_refusal("ascii")]
    assert result.stdout == b""


def test_a_name_gbk_cannot_show_is_recorded_and_said_as_an_escape(seeded: Fupin) -> None:
    before = seeded.event_count()
    line = f"--as admin place add-village 江南 䶮村 {doc('2016-07-26')}"
    result = _run(seeded.store, line.split(), "gbk")

    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("gbk") == "village \\u4dae村 added to 江南\n"
    assert result.stderr.decode("gbk").strip().splitlines() == [
        "note: standard output's encoding (gbk) cannot show 1 character(s), written as "
        "\\uXXXX escapes (\\u4dae): set PYTHONIOENCODING=utf-8, or use a UTF-8 locale, to see "
        "them"
    ]
    assert seeded.event_count() == before + 1


def test_a_read_on_gbk_is_written_whole_with_escapes(seeded: Fupin) -> None:
    result = _run(seeded.store, ["query", "select '入户✓•' as s", "--format", "csv"], "gbk")

    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("gbk").splitlines() == ["s", "入户\\u2713\\u2022"]
    assert "cannot show 2 character(s)" in result.stderr.decode("gbk")


def test_gb18030_shows_what_gbk_cannot(seeded: Fupin) -> None:
    result = _run(seeded.store, ["query", "select '䶮✓' as s", "--format", "csv"], "gb18030")

    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("gb18030").splitlines() == ["s", "䶮✓"]
    assert result.stderr == b""
