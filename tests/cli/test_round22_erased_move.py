"""Session 22, a district administrator on PostgreSQL 15: a SQLite ledger with one erased
household could not be moved to PostgreSQL. Its export's import was refused saying "move such
a ledger with fupin backup and restore", but a restore never crosses from SQLite to
PostgreSQL. The refusal now says what backup and restore move, and what an office can do."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the import's message: SQLite is enough (tests/conftest.py)"

ERASED = "[erased]"
ROW = {
    "command": "identify",
    "ref": "JN-V-0001",
    "actor": "admin",
    "effective": "2016-08-03",
    "document": "d",
    "args": {
        "household": "JN-000124",
        "street": "江南",
        "village": "雄光",
        "area": "rural",
        "members": 1,
        "labour": True,
        "willing": False,
        "disabled": False,
        "dibao": True,
        "head_name": ERASED,
        "id_card": ERASED,
        "phone": ERASED,
        "address": ERASED,
        "member_names": [],
    },
}


def test_an_erased_households_row_says_backup_and_restore_stay_within_one_kind_of_store(
    seeded: Fupin, tmp_path: Path
) -> None:
    fupin = seeded
    rows = tmp_path / "ev.jsonl"
    rows.write_bytes(orjson.dumps(ROW) + b"\n")
    rows.chmod(0o600)  # a file of personal data open to others is refused first

    result = fupin(f"import --dry-run {rows}", actor="admin")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "head_name" in said
    assert "an export of a ledger with an erased household does not replay" in said
    assert "within SQLite or within PostgreSQL, never from one to the other" in said
    assert "keep it on the store it is on" in said
    assert "Traceback" not in result.output
