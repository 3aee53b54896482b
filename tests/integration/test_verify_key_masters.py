"""``fupin verify`` step 11: every live household key is wrapped under the master the latest
recorded ``MasterKeyRotated`` made current. A key under a retired master (what a fupin from
before 2026-11-29 could leave) cannot be unwrapped with the current master key; ``keys check``
said so with the master key, ``verify`` (which needs none) passed until 2026-11-30."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli.main import app
from ledger.application import open_ledger
from ledger.base import natural_id
from ledger.privacy import master_key_id, parse_master_key
from ledger.verification import KEY_TABLE_POSITION, Verifier, verify_ledger
from typer.testing import CliRunner

from tests.support import DOC, identify, ledger_at


def rotate(store: str, folder: Path) -> str:
    """``keys rotate-master`` to a new master key; its id."""
    path = folder / "m2.key"
    made = CliRunner().invoke(app, ["keys", "new-master", "--out", str(path)])
    assert made.exit_code == 0, made.output
    line = ["--store", store, "--as", "admin", "keys", "rotate-master"]
    rotated = CliRunner(env={"LEDGER_MASTER_KEY_FILE": None}).invoke(
        app, [*line, "--new-key-file", str(path), "-d", DOC]
    )
    assert rotated.exit_code == 0, rotated.output
    return master_key_id(parse_master_key(path.read_text("ascii")))


def execute(store: str, sql: str, params: tuple[Any, ...]) -> None:
    """One statement on the store's own connection (SQLite or PostgreSQL alike)."""
    ledger = open_ledger(store)
    try:
        datastore: Any = ledger.recorder.datastore  # type: ignore[attr-defined]
        sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
        with datastore.transaction(commit=True) as cursor:
            cursor.execute(sql if sqlite else sql.replace("?", "%s"), params)
    finally:
        ledger.close()


def key_row(store: str, hid: str) -> tuple[str, str]:
    ledger = open_ledger(store)
    try:
        datastore: Any = ledger.recorder.datastore  # type: ignore[attr-defined]
        sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
        sql = "SELECT master_id, wrapped_key FROM household_keys WHERE household_id = ?"
        with datastore.transaction(commit=False) as cursor:
            cursor.execute(sql if sqlite else sql.replace("?", "%s"), (hid,))
            row = cursor.fetchall()[0]
    finally:
        ledger.close()
    return str(row["master_id"]), str(row["wrapped_key"])


def two_households(store: str) -> str:
    with ledger_at(store) as ledger:
        identify(ledger, "JH-0001", serial=1)
        identify(ledger, "JH-0002", serial=2)
    return str(natural_id("household", "JH-0002"))


def test_verify_reports_a_live_key_left_under_the_retired_master(
    store: str, tmp_path: Path
) -> None:
    hid = two_households(store)
    retired = key_row(store, hid)
    current = rotate(store, tmp_path)
    execute(
        store,
        "UPDATE household_keys SET master_id = ?, wrapped_key = ? WHERE household_id = ?",
        (*retired, hid),
    )

    ledger = open_ledger(store, extra_env={"LEDGER_MASTER_KEY": ""})
    try:
        report = verify_ledger(ledger.recorder, ledger.mapper)
    finally:
        ledger.close()

    assert not report.ok
    assert report.key_table_problems == 1
    [problem] = report.problems
    assert problem.position == KEY_TABLE_POSITION
    assert problem.event == f"household_keys {hid}"
    assert f"wrapped under master key {retired[0]}, not {current}" in problem.reason
    assert problem.reason.endswith("(household JH-0002)")


def test_verify_passes_once_every_key_is_under_the_current_master(
    store: str, tmp_path: Path
) -> None:
    two_households(store)
    current = rotate(store, tmp_path)

    ledger = open_ledger(store, extra_env={"LEDGER_MASTER_KEY": ""})
    try:
        report = verify_ledger(ledger.recorder, ledger.mapper)
    finally:
        ledger.close()

    assert report.ok, report.problems
    assert report.current_master == current
    shown = CliRunner(env={"LEDGER_MASTER_KEY": ""}).invoke(app, ["--store", store, "verify"])
    assert shown.exit_code == 0, shown.output
    assert f"every live key under master key {current}, the current one" in shown.stdout


def test_a_rotation_saved_after_the_pass_read_past_it_is_no_problem(
    store: str, tmp_path: Path
) -> None:
    # The pass read the ledger when m1 was current; a rotation to m2 was saved before the key
    # table was read: every key is under m2, the latest on record, so none is reported.
    two_households(store)
    first = key_row(store, str(natural_id("household", "JH-0001")))[0]
    rotate(store, tmp_path)
    ledger = open_ledger(store, extra_env={"LEDGER_MASTER_KEY": ""})
    try:
        verifier = Verifier(ledger.mapper)
        verifier._master = first  # as the pass left it, before the rotation
        verifier.check_key_masters(ledger.recorder)
    finally:
        ledger.close()

    assert verifier.report.problems == []
