"""A household's key row deleted (SQLite: anyone with the file; PostgreSQL: the table's owner,
or anyone before the key table's guard refused DELETE) shreds its personal data with no record
of who or why. ``fupin verify`` (no master key needed) and ``fupin keys check`` report it, and
reading the household with the master key says its key row is missing: not ``[sealed]``, not
"set LEDGER_MASTER_KEY". On both stores."""

from __future__ import annotations

import tracemalloc
from datetime import date
from uuid import uuid4

import pytest
from ledger.application import Ledger
from ledger.household import SEALED
from ledger.privacy import KEY_TABLE, SealBrokenError
from ledger.verification import KEY_TABLE_POSITION, verify_ledger
from typer.testing import CliRunner, Result

from cli import main
from tests.integration.test_key_table_support import (
    NO_MASTER_KEY,
    change_key_row,
    dsn,
    hid,
    is_sqlite,
    register_households,
)
from tests.support import DOC, id_card, register, reopen, stamp

IDENTIFIED = "ledger.household:Household.Identified"


@pytest.fixture
def households(store_ledger: Ledger) -> Ledger:
    return register_households(store_ledger)


def delete_key_row(app: Ledger, household: str) -> None:
    change_key_row(app, f"DELETE FROM {KEY_TABLE} WHERE household_id = ?", (household,))


def key_rows_of(app: Ledger, household: str) -> int:
    with app.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        mark = "?" if is_sqlite(app) else "%s"
        cursor.execute(
            f"SELECT COUNT(*) AS n FROM {KEY_TABLE} WHERE household_id = {mark}", (household,)
        )
        return int(cursor.fetchone()["n"])


def key_problems(app: Ledger) -> list[tuple[str, str]]:
    report = verify_ledger(app.recorder, app.mapper)
    assert all(p.position == KEY_TABLE_POSITION for p in report.problems), report.problems
    return [(p.event, p.reason) for p in report.problems]


def fupin(app: Ledger, *args: str, env: dict[str, str] | None = None) -> Result:
    assert app.location is not None
    store = app.location.display if is_sqlite(app) else dsn(app)
    runner = CliRunner(env={"LEDGER_STORE": store, "COLUMNS": "240", **(env or {})})
    return runner.invoke(main.app, list(args))


# -- fupin verify ------------------------------------------------------------------------------


@pytest.mark.parametrize("env", [{}, NO_MASTER_KEY], ids=["master key", "no master key"])
def test_a_deleted_key_row_fails_verification(households: Ledger, env: dict[str, str]) -> None:
    # verify passed ("household keys: 0 destroyed, each by a recorded erasure") while the
    # household's personal data could no longer be read by anyone.
    app = households
    victim = hid(app, "JH-0002")
    delete_key_row(app, victim)
    reader = reopen(app, env)
    try:
        problems = key_problems(reader)
    finally:
        reader.close()

    assert len(problems) == 1, problems
    assert problems[0][0] == f"{KEY_TABLE} {victim}"
    assert problems[0][1].startswith("no key row: ")
    assert "no PersonalDataErased event" in problems[0][1]


def test_a_deleted_key_row_of_an_erased_household_fails_verification(households: Ledger) -> None:
    # Nothing more is lost, but erasure keeps the row: the table was changed by hand.
    app = households
    erased = hid(app, "JH-0001")
    app.erase(stamp("admin", date(2016, 8, 2)), "JH-0001", "本人申请")
    delete_key_row(app, erased)

    problems = key_problems(app)

    assert [event for event, _ in problems] == [f"{KEY_TABLE} {erased}"]
    assert problems[0][1].startswith("no key row: its erasure is recorded")


def test_a_key_table_dropped_fails_verification_for_every_household(households: Ledger) -> None:
    app = households
    every = sorted(f"{KEY_TABLE} {hid(app, n)}" for n in ("JH-0001", "JH-0002", "JH-0003"))
    change_key_row(app, f"DROP TABLE {KEY_TABLE}", ())

    problems = key_problems(app)

    assert sorted(event for event, _ in problems) == every
    assert all(reason.startswith("no key row: ") for _, reason in problems)


def test_a_key_row_under_another_spelling_of_the_id_is_missing(households: Ledger) -> None:
    # The ledger looks a key up by the id as str(UUID) writes it: a row named otherwise is
    # no key row of the household (and no other household's either).
    app = households
    victim = hid(app, "JH-0002")
    change_key_row(
        app,
        f"UPDATE {KEY_TABLE} SET household_id = ? WHERE household_id = ?",
        (victim.upper(), victim),
    )
    other = hid(app, "JH-0003")
    change_key_row(
        app,
        f"UPDATE {KEY_TABLE} SET household_id = ? WHERE household_id = ?",
        (other.replace("-", ""), other),
    )

    problems = key_problems(app)

    assert sorted(event for event, _ in problems) == sorted(
        [f"{KEY_TABLE} {victim}", f"{KEY_TABLE} {other}"]
    )


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_key_row_named_null_hides_no_household(households: Ledger) -> None:
    # SQLite lets a TEXT primary key be NULL (PostgreSQL refuses it); one NULL among the ids
    # a household is looked up in makes "not among them" unknown for every household.
    app = households
    victim = hid(app, "JH-0002")
    delete_key_row(app, victim)
    change_key_row(app, f"INSERT INTO {KEY_TABLE} VALUES (NULL, 1, 'm', NULL, NULL)", ())

    problems = key_problems(app)

    assert f"{KEY_TABLE} {victim}" in [event for event, _ in problems]


def test_a_ledger_nobody_altered_verifies_with_its_key_rows(households: Ledger) -> None:
    app = households
    app.erase(stamp("admin", date(2016, 8, 2)), "JH-0001", "本人申请")

    report = verify_ledger(app.recorder, app.mapper)

    assert report.ok, report.problems
    assert report.erased_keys == 1


def test_fupin_verify_names_the_household_whose_key_row_is_gone(households: Ledger) -> None:
    app = households
    victim = hid(app, "JH-0002")
    delete_key_row(app, victim)

    result = fupin(app, "verify", env=NO_MASTER_KEY)

    assert result.exit_code == 1, result.output
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith(f"FAILED at the household key table: {KEY_TABLE} {victim}: no key row")


def test_the_scan_names_the_topics_the_household_records() -> None:
    from eventsourcing.utils import get_topic
    from ledger import privacy
    from ledger.household import Household

    # The scan names them as text (mypy sees no event class on the aggregate).
    identified = get_topic(Household.Identified)  # type: ignore[attr-defined]
    erasure = get_topic(Household.PersonalDataErased)  # type: ignore[attr-defined]
    assert (identified, erasure) == (privacy._IDENTIFIED, privacy._ERASURE)
    assert identified == IDENTIFIED


def test_the_scan_streams_the_households_without_a_key_row(store_ledger: Ledger) -> None:
    # Flat memory: 20,000 households' events without a key row are named one at a time, as
    # the database finds them; nothing is collected (read only by this function: the rows
    # are no events the ledger could read).
    from ledger.privacy import missing_key_rows

    app = store_ledger
    register(app, "JH-0001", serial=1)  # the key table exists, one household in it
    table = app.recorder.events_table_name  # type: ignore[attr-defined]
    ids = [uuid4() for _ in range(20_000)]
    datastore = app.recorder.datastore  # type: ignore[attr-defined]
    with datastore.transaction(commit=True) as cursor:
        if is_sqlite(app):
            cursor.executemany(
                f"INSERT INTO {table} VALUES (?, 1, ?, ?)",
                [(uid.hex, IDENTIFIED, b"{}") for uid in ids],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                "VALUES (%s, 1, %s, %s)",
                [(uid, IDENTIFIED, b"{}") for uid in ids],
            )
    count = 0

    tracemalloc.start()
    try:
        for _, erased in missing_key_rows(datastore, table):
            assert not erased
            count += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert count == 20_000
    assert peak < 2_000_000, peak


# -- fupin keys check ---------------------------------------------------------------------------


def test_keys_check_reports_a_deleted_key_row(households: Ledger) -> None:
    # It printed "household keys: 2 live, each unwraps under the master key", exit 0.
    app = households
    victim = hid(app, "JH-0002")
    delete_key_row(app, victim)

    result = fupin(app, "--as", "admin", "keys", "check")

    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"FAILED {KEY_TABLE} {victim}: no key row")
    assert len(lines) == 2, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("gone", ["DELETE FROM {keys}", "DROP TABLE {keys}"])
def test_keys_check_reports_every_household_when_no_key_row_is_left(
    households: Ledger, gone: str
) -> None:
    # It printed "household keys: 0 live", exit 0.
    app = households
    every = sorted(f"FAILED {KEY_TABLE} {hid(app, n)}" for n in ("JH-0001", "JH-0002", "JH-0003"))
    change_key_row(app, gone.format(keys=KEY_TABLE), ())

    result = fupin(app, "--as", "admin", "keys", "check")

    assert result.exit_code == 1, result.output
    reported = sorted(line.split(":", 1)[0] for line in result.stderr.strip().splitlines()[:-1])
    assert reported == every


# -- reading the household ----------------------------------------------------------------------


def test_reading_a_household_whose_key_row_is_gone_says_so(households: Ledger) -> None:
    app = households
    victim = hid(app, "JH-0002")
    delete_key_row(app, victim)
    with_key, without_key = reopen(app), reopen(app, NO_MASTER_KEY)
    try:
        with pytest.raises(SealBrokenError, match="no key row") as refused:
            with_key.household("JH-0002")
        sealed = without_key.household("JH-0002").personal.head_name
        others = with_key.household("JH-0001").personal.head_name
    finally:
        with_key.close()
        without_key.close()

    assert refused.value.field == "personal"
    assert victim in refused.value.rule
    assert "LEDGER_MASTER_KEY" not in refused.value.rule
    assert sealed == SEALED  # without the master key nothing can tell
    assert others == "户主1"


def test_household_show_with_the_master_key_says_the_key_row_is_gone(households: Ledger) -> None:
    # It showed head_name [sealed] although the master key was set.
    app = households
    delete_key_row(app, hid(app, "JH-0002"))

    result = fupin(app, "--as", "admin", "household", "show", "JH-0002")

    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "personal: " in lines[0]
    assert "no key row" in lines[0]
    assert "[sealed]" not in result.output
    assert "LEDGER_MASTER_KEY" not in result.output
    assert "Traceback" not in result.output


def test_a_change_of_members_is_refused_and_makes_no_new_key(households: Ledger) -> None:
    # With every field given it was recorded under a key made anew: verify and keys check
    # passed from then on, and the household's first event no longer opened under any key.
    app = households
    victim = hid(app, "JH-0002")
    delete_key_row(app, victim)
    before = app.event_count()

    result = fupin(
        app, "--as", "jn-01", "household", "members", "JH-0002", "--members", "1",
        "--head-name", "新户主", "--id-card", id_card(9), "--phone", "13900001111",
        "--address", "江海区", "--member-name", "新户主", "--note", "变更",
        "-d", DOC, "-e", "2016-09-01",
    )  # fmt: skip

    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "no key row" in result.stderr
    assert app.event_count() == before
    assert key_rows_of(app, victim) == 0
    assert [event for event, _ in key_problems(app)] == [f"{KEY_TABLE} {victim}"]


def test_the_log_goes_on_past_the_household_and_says_why(households: Ledger) -> None:
    app = households
    victim = hid(app, "JH-0002")
    delete_key_row(app, victim)
    reader = reopen(app)
    try:
        entries = list(reader.event_stream())
    finally:
        reader.close()

    unreadable = [e for e in entries if "problem" in e]
    assert unreadable, "the household's Identified event is given as stored"
    assert {e["id"] for e in unreadable} == {victim}
    assert all("no key row" in e["problem"] for e in unreadable)
    assert any(e.get("id") == hid(app, "JH-0001") and "problem" not in e for e in entries)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_key_table_named_in_another_case_is_the_key_table(households: Ledger) -> None:
    """A review: SQLite finds HOUSEHOLD_KEYS as the key table (every household read fine), but
    the existence check compared names exactly, so verify called every household keyless and
    keys check unwrapped nothing."""
    app = households
    with app.recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"ALTER TABLE {KEY_TABLE} RENAME TO {KEY_TABLE}_old")
        cursor.execute(f"ALTER TABLE {KEY_TABLE}_old RENAME TO {KEY_TABLE.upper()}")

    assert key_problems(app) == []
    result = fupin(app, "--as", "admin", "keys", "check")
    assert result.exit_code == 0, result.output
    assert "3 live" in result.stdout
