"""Session 34, tester c: after its count an import printed a bare line for every street,
village or move row (``FILE line 2: 白石``), what the command line prints for the command, and
for a move the village the household left, as if it stood there. An import says after its count
only what a row did besides (an exit left resting on other facts)."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "what an import says: SQLite is enough"


def _row(ref: str, command: str, actor: str, **args: object) -> dict[str, object]:
    return {"command": command, "ref": ref, "actor": actor, "effective": "2016-09-01"} | {
        "document": "江高发〔2016〕4号",
        "note": "",
        "args": args,
    }


def test_street_village_and_move_rows_say_nothing_after_the_count(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = [
        _row("S-1", "register_street", "admin", street="白沙"),
        _row("V-1", "add_village", "admin", street="白沙", village="白石", relatively_poor=False),
        _row("M-1", "move", "jn-01", household="JH-0001", village="江南社区", reason="搬迁"),
    ]
    path = tmp_path / "places.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(row) for row in rows) + b"\n")

    said = seeded.ok(f"import {path}", "admin").stdout

    assert said.strip() == "imported 3 row(s); skipped 0 already imported (of 3)"
