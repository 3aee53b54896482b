"""No plaintext personal data in what leaves the ledger as bytes: a PostgreSQL dump, and a
backup taken after an erasure (issue: personal data protection)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from ledger.application import Ledger
from ledger.privacy import KEY_TABLE
from projections import api
from projections.backup import backup

from tests.pgserver import find_pg_bin
from tests.support import id_card, register, stamp

ERASED = ("户主1", id_card(1))
KEPT = ("户主2", id_card(2))


def plain_dump(app: Ledger) -> bytes:
    """``pg_dump --format=plain``: every row of every table, uncompressed, as text."""
    assert app.location is not None
    env = app.location.env
    folder = find_pg_bin()
    assert folder is not None
    result = subprocess.run(
        [
            str(folder / "pg_dump"),
            f"--host={env['POSTGRES_HOST']}",
            f"--port={env['POSTGRES_PORT']}",
            f"--username={env['POSTGRES_USER']}",
            "--format=plain",
            env["POSTGRES_DBNAME"],
        ],
        env={**os.environ, "PGPASSWORD": env["POSTGRES_PASSWORD"]},
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout


def recorded(app: Ledger) -> None:
    register(app, "JH-0001", serial=1)
    register(app, "JH-0002", serial=2)
    api.catch_up(app)  # the read models too: they must hold no personal data either


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_postgresql_dump_holds_no_name_or_id_card_number(store_ledger: Ledger) -> None:
    recorded(store_ledger)

    dump = plain_dump(store_ledger)

    assert b"ledger_events" in dump  # the dump is real and holds the events
    assert [s for s in (*ERASED, *KEPT) if s.encode() in dump] == []


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_after_erasure_a_postgresql_dump_holds_no_copy_of_the_destroyed_key(
    store_ledger: Ledger, store: str
) -> None:
    recorded(store_ledger)
    household = str(store_ledger.household("JH-0001").id)
    with psycopg.connect(store) as connection:
        row = connection.execute(
            f"SELECT wrapped_key FROM {KEY_TABLE} WHERE household_id = %s", (household,)
        ).fetchone()
    assert row is not None
    assert row[0]
    wrapped = str(row[0]).encode()
    assert wrapped in plain_dump(store_ledger)

    store_ledger.erase(stamp("admin"), "JH-0001", "本人申请删除")

    assert wrapped not in plain_dump(store_ledger)
    reader = store_ledger.reader("admin")
    assert store_ledger.personal_data("JH-0001", reader)["id_card"] == "[erased]"


def test_a_backup_taken_after_erasure_cannot_give_the_personal_data_back(
    ledger: Ledger, tmp_path: Path
) -> None:
    recorded(ledger)
    ledger.erase(stamp("admin"), "JH-0001", "本人申请删除")
    assert ledger.location is not None
    target = tmp_path / "after-erasure.db"

    backup(ledger.location, target)

    data = target.read_bytes()
    assert data.startswith(b"SQLite format 3")
    assert [s for s in (*ERASED, *KEPT) if s.encode() in data] == []
