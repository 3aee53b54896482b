"""Session 24 (a re-tester of the erasure changes, on a copy of the demo): an import could not
record an erased household's count of members alone, as ``household members`` does.

- A ``change_members`` row with its personal cells blank was refused (``head_name: is
  required``) whatever the household: for an erased household it records the count alone.
- One giving personal data for an erased household was told to run ``household members …
  --personal-file``, a command line in an import: it is told to leave the cells blank.
- The export wrote such a count as ``[erased]`` in every personal field, which no import takes:
  it writes them null, the row an import takes for the count alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from tests.cli.conftest import Fupin, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

HEADER = "ref,actor,effective,document,note,household,members,head_name,id_card,phone,address"


def _erased(fupin: Fupin) -> Fupin:
    fupin.ok("erase JH-0002 -d 删除申请2 --reason 本人申请 -e 2018-12-20", "admin")
    return fupin


def _sheet(tmp_path: Path, *cells: str) -> Path:
    sheet = tmp_path / "change_members.csv"
    lines = [f"MC-{n},jn-01,2018-12-21,户籍变更证明,成员死亡,{c}" for n, c in enumerate(cells, 1)]
    sheet.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    sheet.chmod(0o600)  # a file with personal data is its owner's only (docs/privacy.md)
    return sheet


def _history(fupin: Fupin, number: str) -> list[dict[str, Any]]:
    shown: list[dict[str, Any]] = orjson.loads(
        fupin.ok(f"history {number} --format json", "ana-1").stdout
    )
    return shown


def test_a_row_with_blank_personal_cells_records_an_erased_households_count_alone(
    seeded: Fupin, tmp_path: Path
) -> None:
    fupin = _erased(seeded)

    fupin.ok(f"import {_sheet(tmp_path, 'JH-0002,2,,,,')}", "jn-01")

    assert _history(fupin, "JH-0002")[-1]["details"] == {"members": 2, "personal": None}
    assert fupin.ok("verify").exit_code == 0


def test_a_jsonl_row_with_null_or_absent_personal_fields_records_the_count_alone(
    seeded: Fupin, tmp_path: Path
) -> None:
    fupin = _erased(seeded)
    rows = tmp_path / "rows.jsonl"
    stamp = {"actor": "jn-01", "effective": "2018-12-21", "document": "户籍变更证明"}
    args: list[dict[str, Any]] = [
        {"household": "JH-0002", "members": 2},
        {"household": "JH-0002", "members": 1, "head_name": None, "id_card": None},
    ]
    lines = [
        orjson.dumps({"command": "change_members", "ref": f"J-{n}", "note": "成员变更", **stamp,
                      "args": a})
        for n, a in enumerate(args)
    ]  # fmt: skip
    rows.write_bytes(b"\n".join(lines) + b"\n")

    fupin.ok(f"import {rows}", "jn-01")

    details = [e["details"] for e in _history(fupin, "JH-0002")[-2:]]
    assert details == [{"members": 2, "personal": None}, {"members": 1, "personal": None}]


def test_the_same_row_for_a_household_not_erased_is_refused_as_before(
    seeded: Fupin, tmp_path: Path
) -> None:
    before = seeded.event_count()

    result = seeded(f"import {_sheet(tmp_path, 'JH-0002,2,,,,')}", "jn-01")

    assert result.exit_code != 0, result.output
    assert "row 2, head_name: is required" in result.stderr
    assert "row 2, id_card: is required" in result.stderr
    assert seeded.event_count() == before


def test_personal_cells_given_for_an_erased_household_are_told_to_be_left_blank(
    seeded: Fupin, tmp_path: Path
) -> None:
    fupin = _erased(seeded)
    before = fupin.event_count()

    result = fupin(f"import {_sheet(tmp_path, f'JH-0002,2,张三,{id_card(2)},,')}", "jn-01")

    assert result.exit_code != 0, result.output
    assert "household: the personal data of JH-0002 was erased" in result.stderr
    assert "a change_members row with head_name, id_card, phone, address and member_names " in (
        result.stderr
    )
    assert "left blank" in result.stderr
    assert "--personal-file" not in result.stderr
    assert "household members" not in result.stderr
    assert id_card(2) not in result.stderr
    assert fupin.event_count() == before


def test_the_export_writes_a_count_alone_as_the_row_an_import_takes(
    seeded: Fupin, tmp_path: Path
) -> None:
    fupin = _erased(seeded)
    fupin.ok(f"household members JH-0002 --members 2 --note 成员死亡 {doc('2018-12-21')}", "jn-01")
    log = tmp_path / "events.jsonl"
    fupin.ok(f"export events -o {log}", "admin")
    rows = [orjson.loads(line) for line in log.read_bytes().splitlines()]

    count = next(
        r for r in rows if r.get("command") == "change_members" and r["args"]["members"] == 2
    )

    assert count["args"] == {
        "household": "JH-0002",
        "members": 2,
        **dict.fromkeys(("head_name", "id_card", "phone", "address", "member_names")),
    }
    count |= {"ref": "AGAIN-1", "effective": "2018-12-22", "note": "再次变更"}
    count["args"]["members"] = 1
    again = tmp_path / "again.jsonl"
    again.write_bytes(orjson.dumps(count) + b"\n")
    fupin.ok(f"import {again}", "admin")
    assert _history(fupin, "JH-0002")[-1]["details"] == {"members": 1, "personal": None}
