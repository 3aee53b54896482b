"""Session 27, tester E: ``household return JN-000001 认定`` was refused (``'认定' is not one of
recognised, applied, reviewed, approved``) while --area, --category, --because and --rank take
their Chinese terms, and the help named the steps 申报 and 审批, words the seed does not
use: it says 「由镇级扶贫部门申请、区级扶贫部门审核、市级扶贫部门审定」 [六(六)]. A step is typed in
English or as the seed's word, 认定, 申请, 审核, 审定, on the command line and in an import row, and
recorded in English."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc, history_rows
from tests.cli.test_return_withdrawal_cli import EXIT_AND_RECOGNISE

STORE_INDEPENDENT = "the command's words: SQLite is enough (tests/conftest.py)"

EXIT = EXIT_AND_RECOGNISE[:5]  # JH-0001 exited on 2016-12-20
CHINESE_STEPS = [
    ("jn-01", "认定 --disaster 暴雨 --authority 江海区民政局", "2017-06-01"),
    ("jn-01", "申请", "2017-06-05"),
    ("qu-01", "审核", "2017-06-10"),
    ("qu-01", "审定", "2017-06-20"),
]


def _steps(fupin: Fupin) -> list[object]:
    return [
        row["details"]["step"]  # type: ignore[index]
        for row in history_rows(fupin, "JH-0001")
        if row["event"] == "ReturnAdvanced"
    ]


def test_a_return_is_recorded_step_by_step_in_the_seeds_words(seeded: Fupin) -> None:
    for actor, line in EXIT:
        seeded.ok(line, actor)

    said = [
        seeded.ok(f"household return JH-0001 {step} {doc(day)}", actor).stdout
        for actor, step, day in CHINESE_STEPS
    ]

    assert said[0].strip() == "return of household JH-0001: recognised"
    assert said[3].strip() == "return of household JH-0001: approved"
    assert _steps(seeded) == ["recognised", "applied", "reviewed", "approved"]


def test_a_word_the_seed_does_not_use_is_refused_listing_the_seeds(seeded: Fupin) -> None:
    for actor, line in EXIT:
        seeded.ok(line, actor)
    before = seeded.event_count()

    refused = seeded(f"household return JH-0001 申报 {doc('2017-06-01')}", "jn-01")

    assert_refused(
        refused,
        "step",
        "'申报' is not one of recognised 认定, applied 申请, reviewed 审核, approved 审定",
    )
    assert seeded.event_count() == before


def test_the_help_names_the_steps_in_the_seeds_words(seeded: Fupin) -> None:
    shown = seeded.ok("household return --help").stdout

    for word in ("认定", "申请", "审核", "审定"):
        assert word in shown
    assert "申报" not in shown
    assert "审批" not in shown


def test_an_import_row_takes_the_seeds_word(seeded: Fupin, tmp_path: Path) -> None:
    for actor, line in EXIT:
        seeded.ok(line, actor)
    rows = tmp_path / "rows.jsonl"
    row = {
        "command": "advance_return",
        "ref": "row-1",
        "actor": "jn-01",
        "effective": "2017-06-01",
        "document": "江海区民政局灾情认定〔2017〕1号",
        "args": {
            "household": "JH-0001",
            "step": "认定",
            "disaster": "暴雨",
            "authority": "江海区民政局",
        },
    }
    rows.write_bytes(orjson.dumps(row) + b"\n")

    seeded.ok(f"import {rows}", "jn-01")

    assert _steps(seeded) == ["recognised"]
