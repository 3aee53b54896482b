"""Session 26, tester J's re-test of standard output under GBK: a character above U+FFFF (a
rare name's 𠮷 U+20BB7, an emoji) was written as Python's ``\\U00020bb7``, which is no JSON
escape, so ``fupin log`` and ``query --format json`` wrote invalid JSON; now as its UTF-16
surrogate pair ``\\ud842\\udfb7``, which JSON reads as the same character."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from cli import stdout
from tests.cli.conftest import Fupin, doc
from tests.cli.test_round26_output_encoding import _run

STORE_INDEPENDENT = "standard output is the command line's: SQLite is enough"


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


def test_a_refusal_on_a_gbk_standard_error_says_its_escape_in_the_note(seeded: Fupin) -> None:
    line = f"--as admin place add-village 江南 䶮村 {doc('2016-07-26')}"
    assert _run(seeded.store, line.split(), "gbk").returncode == 0
    before = seeded.event_count()

    result = _run(seeded.store, line.split(), "gbk")

    assert result.returncode == 2, result.stderr
    assert result.stdout == b""
    assert result.stderr.decode("gbk").strip().splitlines() == [
        "refused village: '\\u4dae村' is already a village of 江南",
        "note: standard error's encoding (gbk) cannot show 1 character(s), written as "
        "\\uXXXX escapes (\\u4dae): set PYTHONIOENCODING=utf-8, or use a UTF-8 locale, to see "
        "them",
    ]
    assert seeded.event_count() == before


def test_one_note_says_the_escapes_of_both_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, encoding="gbk"))
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(err, encoding="gbk"))
    monkeypatch.setattr(stdout, "UNSHOWN", [])

    stdout.escape_unshown()
    print("入户✓", file=sys.stdout)
    print("refused village: '䶮村'", file=sys.stderr)
    stdout.say_unshown()
    sys.stdout.flush()
    sys.stderr.flush()

    assert out.getvalue().decode("gbk") == "入户\\u2713\n"
    assert err.getvalue().decode("gbk").splitlines() == [
        "refused village: '\\u4dae村'",
        "note: standard output's and standard error's encoding (gbk) cannot show 2 "
        "character(s), written as \\uXXXX escapes (\\u2713\\u4dae): set PYTHONIOENCODING=utf-8, "
        "or use a UTF-8 locale, to see them",
    ]


def test_exports_to_standard_output_are_the_utf8_bytes_of_their_files_under_gbk(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"place add-village 江南 䶮村 {doc('2016-07-26')}", actor="admin")
    events, report = tmp_path / "events.jsonl", tmp_path / "caseload.csv"
    seeded.ok(f"export events -o {events}", actor="admin")
    seeded.ok(f"export report caseload --format csv -o {report}", actor="admin")

    exported = _run(seeded.store, ["--as", "admin", "export", "events"], "gbk")
    csv = ["--as", "admin", "export", "report", "caseload", "--format", "csv"]
    reported = _run(seeded.store, csv, "gbk")

    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == events.read_bytes()
    assert "䶮村" in exported.stdout.decode("utf-8")
    assert reported.returncode == 0, reported.stderr
    assert reported.stdout == report.read_bytes().removeprefix("\ufeff".encode())
    assert exported.stderr == reported.stderr == b""  # nothing escaped, so no note
