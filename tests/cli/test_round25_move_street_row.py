"""Session 25 re-test: an import ``move`` row with a ``street`` column was refused only as
``street: unknown column``, while ``household move --street`` names the rule (a move to
another street is not recordable yet). The row is refused naming the rule too, and nothing
of the import is written."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

RULE = (
    "a household's street decides which street office answers for it and its 2:3:5 targets: "
    "a move to another street is not recordable yet; household move is to another village of "
    "its own street. One that moves to another street is closed here as moved away 迁出 (its "
    "reason naming the street), and identified there under a number of that street"
)


def test_a_move_row_with_a_street_column_is_refused_naming_the_rule(
    seeded: Fupin, tmp_path: Path
) -> None:
    before = seeded.event_count()
    sheet = tmp_path / "move.csv"
    sheet.write_text(
        "ref,effective,document,household,village,reason,street\n"
        "MV-1,2017-06-01,迁移证明,JH-0001,江南社区,搬迁,礼乐\n",
        "utf-8",
    )
    line = {
        "command": "move",
        "ref": "MV-2",
        "actor": "jn-01",
        "effective": "2017-06-01",
        "document": "迁移证明",
        "note": "",
        "args": {"household": "JH-0001", "village": "江南社区", "reason": "搬迁", "街道": "礼乐"},
    }
    lines = tmp_path / "move.jsonl"
    lines.write_bytes(orjson.dumps(line) + b"\n")

    from_csv = seeded(f"import {sheet}", "jn-01")
    from_jsonl = seeded(f"import {lines}", "jn-01")

    for refused, column in ((from_csv, "street"), (from_jsonl, "街道")):
        assert refused.exit_code == 2, refused.output
        assert f"{column}: {RULE}" in refused.stderr
        assert "unknown column" not in refused.stderr
        assert "Traceback" not in refused.output
    assert seeded.event_count() == before
