"""``fupin keys check`` unwraps every live household key under the master key and reports, one
line each, those that do not unwrap: what ``fupin verify`` cannot see, since it needs no master
key and never unwraps one (docs/privacy.md). On both stores."""

from __future__ import annotations

import tracemalloc
from datetime import date
from uuid import uuid4

import psycopg
import pytest
from ledger.application import Ledger
from ledger.errors import InputError, PermissionRefusedError
from ledger.keys import guard_household_keys
from ledger.privacy import KEY_TABLE, SealBrokenError, generate_master_key
from ledger.verification import verify_ledger
from typer.testing import CliRunner, Result

from cli import main
from tests.integration.test_key_table_support import (
    NO_MASTER_KEY,
    change_key_row,
    dsn,
    hid,
    is_sqlite,
    key_row,
    register_households,
)
from tests.support import reopen, stamp


@pytest.fixture
def households(store_ledger: Ledger) -> Ledger:
    register_households(store_ledger, 4)
    store_ledger.erase(stamp("admin", date(2016, 8, 2)), "JH-0004", "本人申请")
    return store_ledger


def check(app: Ledger, *args: str, env: dict[str, str] | None = None) -> Result:
    assert app.location is not None
    store = app.location.display if is_sqlite(app) else dsn(app)
    runner = CliRunner(env={"LEDGER_STORE": store, "COLUMNS": "240", **(env or {})})
    return runner.invoke(main.app, [*args, "keys", "check"])


def test_every_live_key_unwraps_in_a_ledger_nobody_altered(households: Ledger) -> None:
    result = check(households, "--as", "admin")

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "household keys: 3 live, each unwraps under the master key"
    assert result.stderr == ""


def test_corrupted_live_keys_are_reported_one_line_each_where_verify_passes(
    households: Ledger,
) -> None:
    # What the officers' role may do with UPDATE on the table (SQLite: anyone with the file).
    app = households
    first, second, third = hid(app, "JH-0001"), hid(app, "JH-0002"), hid(app, "JH-0003")
    for change, household in (
        ("wrapped_key = 'AAAA'", first),
        ("key_version = 2", second),
        ("master_id = 'ffffffffffffffff'", third),
    ):
        change_key_row(app, f"UPDATE {KEY_TABLE} SET {change} WHERE household_id = ?", (household,))

    result = check(app, "--as", "admin")

    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4, result.stderr
    reported = {line.split(":", 1)[0]: line for line in lines[:3]}
    assert set(reported) == {f"FAILED {KEY_TABLE} {h}" for h in (first, second, third)}
    assert "not base64 of a wrapped key" in reported[f"FAILED {KEY_TABLE} {first}"]
    assert "fails authentication" in reported[f"FAILED {KEY_TABLE} {second}"]
    assert "master key ffffffffffffffff" in reported[f"FAILED {KEY_TABLE} {third}"]
    assert lines[3].startswith("3 of 3 live household keys do not unwrap or have no key row")
    assert result.stdout == ""
    # verify, which needs no master key, cannot see it; reading the household fails
    assert verify_ledger(app.recorder, app.mapper).ok
    fresh = reopen(app)
    try:
        with pytest.raises(SealBrokenError, match="fails authentication"):
            fresh.household("JH-0002")
    finally:
        fresh.close()


def test_a_key_copied_from_another_household_fails_authentication(households: Ledger) -> None:
    app = households
    victim = hid(app, "JH-0002")
    other = key_row(app, hid(app, "JH-0001"))[0]
    change_key_row(
        app, f"UPDATE {KEY_TABLE} SET wrapped_key = ? WHERE household_id = ?", (other, victim)
    )

    result = check(app, "--as", "admin")

    assert result.exit_code == 1, result.output
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith(f"FAILED {KEY_TABLE} {victim}: fails authentication")
    assert "copied from another household" in first


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_change_the_guard_cannot_refuse_is_found(households: Ledger) -> None:
    # A wrapped key replaced together with a made-up master id looks like a rotation's.
    app = households
    with psycopg.connect(dsn(app)) as owner:
        guard_household_keys(owner)
    victim = hid(app, "JH-0003")
    other = key_row(app, hid(app, "JH-0001"))[0]
    change_key_row(
        app,
        f"UPDATE {KEY_TABLE} SET wrapped_key = ?, master_id = 'ffffffffffffffff' "
        "WHERE household_id = ?",
        (other, victim),
    )

    result = check(app, "--as", "admin")

    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"FAILED {KEY_TABLE} {victim}: is wrapped under master key")


def test_keys_check_is_for_the_admin(households: Ledger) -> None:
    officer = check(households, "--as", "jn-01")
    nobody = check(households)

    for result in (officer, nobody):
        assert result.exit_code == 2, result.output
        assert len(result.stderr.strip().splitlines()) == 1
    assert "keys check needs admin" in officer.stderr
    assert "say who checks the keys" in nobody.stderr


def test_keys_check_needs_the_master_key_and_the_right_one(households: Ledger) -> None:
    without = check(households, "--as", "admin", env=NO_MASTER_KEY)
    wrong = check(households, "--as", "admin", env={"LEDGER_MASTER_KEY": generate_master_key()})

    assert without.exit_code == 2, without.output
    assert "master_key: keys check unwraps every household key" in without.stderr
    assert wrong.exit_code == 2, wrong.output
    assert len(wrong.stderr.strip().splitlines()) == 1
    assert "give the current master key" in wrong.stderr


def test_a_ledger_without_households_has_no_key_to_check(store_ledger: Ledger) -> None:
    result = check(store_ledger, "--as", "admin")

    assert result.exit_code == 0, result.output
    assert "household keys: 0 live" in result.stdout


def test_the_check_reads_the_table_as_a_stream(households: Ledger) -> None:
    # Flat memory: 20,000 more live keys are checked without holding their rows (fetched at
    # once they take some 10 MB of Python objects), and no problem is kept either.
    from ledger import privacy

    app = households
    master = app.household_keys.master
    assert master is not None
    rows = [
        (hid, privacy.master_key_id(master), privacy._wrap(master, hid, 1, bytes(32)))
        for hid in (str(uuid4()) for _ in range(20_000))
    ]
    rows[-1] = (rows[-1][0], rows[-1][1], rows[0][2])  # one fails authentication
    datastore = app.recorder.datastore  # type: ignore[attr-defined]
    insert = f"INSERT INTO {KEY_TABLE} VALUES (?, 1, ?, ?, NULL)"
    with datastore.transaction(commit=True) as cursor:
        cursor.executemany(insert if is_sqlite(app) else insert.replace("?", "%s"), rows)
    failed: list[str] = []

    tracemalloc.start()
    try:
        count = privacy.check_live_keys(datastore, master, lambda hid, _: failed.append(hid))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert count == 20_003
    assert failed == [rows[-1][0]]
    assert peak < 2_000_000, peak


def test_check_keys_refuses_an_analyst(households: Ledger) -> None:
    with pytest.raises(PermissionRefusedError, match="ana-1 is analyst; keys check needs admin"):
        households.check_keys("ana-1", lambda household, what: None)
    reopened = reopen(households, NO_MASTER_KEY)
    try:
        with pytest.raises(InputError, match="master_key"):
            reopened.check_keys("admin", lambda household, what: None)
    finally:
        reopened.close()
