"""Session 26, tester J's re-test of standard output under GBK: a character above U+FFFF (a
rare name's 𠮷 U+20BB7, an emoji) was written as Python's ``\\U00020bb7``, which is no JSON
escape, so ``fupin log`` and ``query --format json`` wrote invalid JSON; now as its UTF-16
surrogate pair ``\\ud842\\udfb7``, which JSON reads as the same character."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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


def test_the_log_under_gbk_is_json_equal_to_utf8_for_a_name_above_the_bmp(seeded: Fupin) -> None:
    seeded.ok(f"place add-village 江南 𠮷村 {doc('2016-07-26')}", actor="admin")

    gbk = _run(seeded.store, ["log"], "gbk")
    utf8 = _run(seeded.store, ["log"], "utf-8")

    assert gbk.returncode == 0, gbk.stderr
    lines = gbk.stdout.decode("gbk").splitlines()
    assert any("\\ud842\\udfb7村" in line for line in lines)
    assert [json.loads(line) for line in lines] == [
        json.loads(line) for line in utf8.stdout.decode("utf-8").splitlines()
    ]
    assert "(\\ud842\\udfb7)" in gbk.stderr.decode("gbk")


def test_a_json_query_under_gbk_reads_back_the_characters_above_the_bmp(seeded: Fupin) -> None:
    query = "select '𠮷' as a, 'x😀' as b"
    result = _run(seeded.store, ["--as", "admin", "query", query, "--format", "json"], "gbk")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.decode("gbk"))["rows"] == [["𠮷", "x😀"]]
    assert result.stderr.decode("gbk").strip().splitlines() == [
        "note: standard output's encoding (gbk) cannot show 2 character(s), written as "
        "\\uXXXX escapes (\\ud83d\\ude00\\ud842\\udfb7): set PYTHONIOENCODING=utf-8, or use a "
        "UTF-8 locale, to see them"
    ]
