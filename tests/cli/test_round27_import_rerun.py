"""Session 27, re-tester G (M1): a 台账 re-run with new rows was refused for a row already
imported, when that row's ID card ends in 000 (a genuine one, imported from JSONL; the CSV
rule refuses a cell ending 000 as one Excel cut). A row whose reference is recorded with the
same mark is skipped before today's value rules judge it: the 000 ID-card rule and the phone
rule judge new rows only (docs/import.md, References)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from ledger import casework

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "an import judged against the register: SQLite is enough"

HEADER = (
    "ref,effective,document,household,street,village,area,members,labour,willing,"
    "head_name,id_card,phone,member_names\n"
)
#: A genuine card ending in 000: its check character is 0.
GENUINE = "440704196001180000"
PLAIN = "440704198001013017"


def _row(ref: str, household: str, id_card: str, phone: str) -> str:
    return f"{ref},2016-08-01,台账X,{household},江南,雄光,rural,1,yes,yes,甲,{id_card},{phone},甲\n"


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "identify.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    path.chmod(0o600)
    return path


def _jsonl(tmp_path: Path, ref: str, household: str, id_card: str) -> Path:
    args = {
        "household": household,
        "street": "江南",
        "village": "雄光",
        "area": "rural",
        "members": 1,
        "labour": True,
        "willing": True,
        "head_name": "甲",
        "id_card": id_card,
        "phone": "13800000001",
        "member_names": ["甲"],
    }
    row: dict[str, object] = {"command": "identify", "ref": ref, "actor": "jn-01"}
    row |= {"effective": "2016-08-01", "document": "台账X", "note": "", "args": args}
    path = tmp_path / "a.jsonl"
    path.write_bytes(orjson.dumps(row) + b"\n")
    path.chmod(0o600)
    return path


def test_a_recorded_row_with_a_card_ending_in_000_is_skipped(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(f"import {_jsonl(tmp_path, 'T-77', 'JH-0377', GENUINE)}", "jn-01")
    again = _csv(
        tmp_path,
        _row("T-77", "JH-0377", GENUINE, "13800000001"),
        _row("T-78", "JH-0378", PLAIN, "13800000001"),
    )

    result = seeded(f"import {again}", "jn-01")

    assert result.exit_code == 0, result.output
    assert "imported 1 row(s); skipped 1 already imported" in " ".join(result.output.split())


def test_a_new_row_with_a_card_ending_in_000_is_still_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"import {_jsonl(tmp_path, 'T-77', 'JH-0377', GENUINE)}", "jn-01")
    before = seeded.event_count()
    again = _csv(
        tmp_path,
        _row("T-77", "JH-0377", GENUINE, "13800000001"),
        _row("T-78", "JH-0378", GENUINE, "13800000001"),
    )

    result = seeded(f"import {again}", "jn-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "identify.csv row 3, id_card: ends in 000" in said
    assert "row 2," not in said
    assert seeded.event_count() == before


def test_a_recorded_row_with_a_phone_recorded_before_the_rule_is_skipped(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _csv(tmp_path, _row("T-77", "JH-0377", PLAIN, "7503123456"))
    with monkeypatch.context() as before_the_rule:
        before_the_rule.setattr(casework, "check_phone", lambda phone: None)
        seeded.ok(f"import {first}", "jn-01")
    again = _csv(
        tmp_path,
        _row("T-77", "JH-0377", PLAIN, "7503123456"),
        _row("T-78", "JH-0378", "440704198001011230", "13800000001"),
    )

    result = seeded(f"import {again}", "jn-01")

    assert result.exit_code == 0, result.output
    assert "imported 1 row(s); skipped 1 already imported" in " ".join(result.output.split())

    refused = _csv(
        tmp_path,
        _row("T-77", "JH-0377", PLAIN, "7503123456"),
        _row("T-79", "JH-0379", "440704198001011230", "7503123457"),
    )
    result = seeded(f"import --dry-run {refused}", "jn-01")
    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "identify.csv row 3, phone: has 10 digits and does not begin with 0" in said
    assert "row 2," not in said
