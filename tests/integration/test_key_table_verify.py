"""``fupin verify`` checks the household key table against the erasures (docs/audit-guide.md):
a key destroyed with no ``PersonalDataErased`` event is tampering, an erasure whose key is
still stored is unfinished. On both stores, with or without the master key."""

from __future__ import annotations

from datetime import date

import pytest
from ledger.application import Ledger
from ledger.privacy import KEY_TABLE
from ledger.verification import KEY_TABLE_POSITION, verify_ledger
from typer.testing import CliRunner

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
    return register_households(store_ledger)


def key_problems(app: Ledger) -> list[tuple[str, str]]:
    report = verify_ledger(app.recorder, app.mapper)
    assert all(p.position == KEY_TABLE_POSITION for p in report.problems), report.problems
    return [(p.event, p.reason) for p in report.problems]


def test_a_key_shredded_by_an_update_outside_the_ledger_fails_verification(
    households: Ledger,
) -> None:
    # What the officers' role may do on PostgreSQL (it holds UPDATE on household_keys).
    app = households
    victim = hid(app, "JH-0002")
    app.erase(stamp("admin", date(2016, 8, 2)), "JH-0001", "本人申请")  # a recorded one
    change_key_row(
        app,
        f"UPDATE {KEY_TABLE} SET wrapped_key = NULL, destroyed_at = ? WHERE household_id = ?",
        ("2019-02-01T00:00:00+00:00", victim),
    )

    problems = key_problems(app)

    assert len(problems) == 1
    assert problems[0][0] == f"{KEY_TABLE} {victim}"
    assert "no PersonalDataErased event" in problems[0][1]


def test_a_key_only_marked_destroyed_with_no_erasure_fails_verification(
    households: Ledger,
) -> None:
    # It reads [erased] everywhere, though the wrapped key is still there.
    app = households
    victim = hid(app, "JH-0003")
    change_key_row(
        app,
        f"UPDATE {KEY_TABLE} SET destroyed_at = ? WHERE household_id = ?",
        ("2019-02-01T00:00:00+00:00", victim),
    )

    assert [event for event, _ in key_problems(app)] == [f"{KEY_TABLE} {victim}"]


def test_an_erasure_whose_key_is_still_stored_is_reported_unfinished(households: Ledger) -> None:
    app = households
    household = hid(app, "JH-0001")
    app.erase(stamp("admin", date(2016, 8, 2)), "JH-0001", "本人申请")
    # As if the destruction never happened: the key put back (a restored backup of the table).
    other = key_row(app, hid(app, "JH-0002"))[0]
    change_key_row(
        app,
        f"UPDATE {KEY_TABLE} SET wrapped_key = ?, destroyed_at = NULL WHERE household_id = ?",
        (other, household),
    )

    problems = key_problems(app)

    assert [event for event, _ in problems] == [f"PersonalDataErased {household}"]
    assert "unfinished" in problems[0][1]
    assert "run `fupin erase`" in problems[0][1]


def test_an_erasure_whose_key_is_marked_but_still_stored_is_reported_unfinished(
    households: Ledger,
) -> None:
    app = households
    household = hid(app, "JH-0001")
    app.erase(stamp("admin", date(2016, 8, 2)), "JH-0001", "本人申请")
    other = key_row(app, hid(app, "JH-0002"))[0]
    change_key_row(
        app, f"UPDATE {KEY_TABLE} SET wrapped_key = ? WHERE household_id = ?", (other, household)
    )

    problems = key_problems(app)

    assert [event for event, _ in problems] == [f"PersonalDataErased {household}"]
    assert "unfinished" in problems[0][1]
    # and erasing again finishes it: the wrapped key is destroyed for good
    assert app.erase(stamp("admin", date(2016, 8, 2)), "JH-0001", "本人申请") is True
    assert key_row(app, household)[0] is None
    assert verify_ledger(app.recorder, app.mapper).ok


def test_recorded_erasures_verify_and_are_counted_without_the_master_key(
    households: Ledger,
) -> None:
    app = households
    app.erase(stamp("admin", date(2016, 8, 2)), "JH-0001", "本人申请")
    app.erase(stamp("admin", date(2016, 8, 2)), "JH-0003", "本人申请")
    keyless = reopen(app, NO_MASTER_KEY)
    try:
        assert keyless.household_keys.master is None
        report = verify_ledger(keyless.recorder, keyless.mapper)
    finally:
        keyless.close()

    assert report.ok, report.problems
    assert report.erased_keys == 2


def test_tampering_is_found_without_the_master_key(households: Ledger) -> None:
    app = households
    victim = hid(app, "JH-0002")
    change_key_row(
        app,
        f"UPDATE {KEY_TABLE} SET wrapped_key = NULL, destroyed_at = ? WHERE household_id = ?",
        ("2019-02-01T00:00:00+00:00", victim),
    )
    keyless = reopen(app, NO_MASTER_KEY)
    try:
        problems = key_problems(keyless)
    finally:
        keyless.close()

    assert [event for event, _ in problems] == [f"{KEY_TABLE} {victim}"]


def test_a_ledger_without_households_has_nothing_to_check(store_ledger: Ledger) -> None:
    report = verify_ledger(store_ledger.recorder, store_ledger.mapper)

    assert report.ok, report.problems
    assert report.erased_keys == 0


def test_fupin_verify_fails_naming_the_key_table_and_the_household(
    households: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = households
    victim = hid(app, "JH-0002")
    change_key_row(
        app,
        f"UPDATE {KEY_TABLE} SET wrapped_key = NULL, destroyed_at = ? WHERE household_id = ?",
        ("2019-02-01T00:00:00+00:00", victim),
    )
    assert app.location is not None
    store = app.location.display if is_sqlite(app) else dsn(app)
    runner = CliRunner(env={"LEDGER_STORE": store, **NO_MASTER_KEY})

    result = runner.invoke(main.app, ["verify"])

    assert result.exit_code == 1, result.output
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith(f"FAILED at the household key table: {KEY_TABLE} {victim}: ")
    assert "no PersonalDataErased event" in first


def test_fupin_verify_says_the_erasures_were_checked(households: Ledger) -> None:
    app = households
    app.erase(stamp("admin", date(2016, 8, 2)), "JH-0001", "本人申请")
    assert app.location is not None
    store = app.location.display if is_sqlite(app) else dsn(app)

    result = CliRunner(env={"LEDGER_STORE": store}).invoke(main.app, ["verify"])

    assert result.exit_code == 0, result.output
    assert "household keys: 1 destroyed, each by a recorded erasure" in result.stdout
