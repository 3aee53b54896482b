"""Session 27, tester H (re-test of the Chinese wording, L4): ``household return JN-000001
申請``, the seed's word in traditional characters, was refused, though --authority reads
traditional characters as the simplified (江海區民政局 is 江海区民政局). A step typed 認定, 申請,
審核 or 審定 is read as the seed's word, on the command line and in an import row; anything else
is refused as typed (docs/cli.md)."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round27_return_words import EXIT, _steps

STORE_INDEPENDENT = "the command's words: SQLite is enough (tests/conftest.py)"

TRADITIONAL_STEPS = [
    ("jn-01", "認定 --disaster 暴雨 --authority 江海區民政局", "2017-06-01"),
    ("jn-01", "申請", "2017-06-05"),
    ("qu-01", "審核", "2017-06-10"),
    ("qu-01", "審定", "2017-06-20"),
]


def test_a_return_step_in_traditional_characters_is_read_as_the_seeds_word(
    seeded: Fupin,
) -> None:
    for actor, line in EXIT:
        seeded.ok(line, actor)

    for actor, step, day in TRADITIONAL_STEPS:
        seeded.ok(f"household return JH-0001 {step} {doc(day)}", actor)

    assert _steps(seeded) == ["recognised", "applied", "reviewed", "approved"]


def test_an_import_row_reads_it_too_and_another_word_is_refused_as_typed(
    seeded: Fupin, tmp_path: Path
) -> None:
    for actor, line in EXIT:
        seeded.ok(line, actor)
    before = seeded.event_count()
    refused = seeded(f"household return JH-0001 申報 {doc('2017-06-01')}", "jn-01")
    rows = tmp_path / "rows.jsonl"
    row = {
        "command": "advance_return",
        "ref": "row-1",
        "actor": "jn-01",
        "effective": "2017-06-01",
        "document": "江海区民政局灾情认定〔2017〕1号",
        "args": {
            "household": "JH-0001",
            "step": "認定",
            "disaster": "暴雨",
            "authority": "江海区民政局",
        },
    }
    rows.write_bytes(orjson.dumps(row) + b"\n")

    assert_refused(refused, "step", "'申報' is not one of recognised 认定, applied 申请")
    assert seeded.event_count() == before
    seeded.ok(f"import {rows}", "jn-01")
    assert _steps(seeded) == ["recognised"]
