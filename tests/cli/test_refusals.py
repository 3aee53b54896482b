"""Every refusal: exit code 2, then one line naming the field and the rule, then nothing
written (the store holds as many events as before), and never a traceback."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc, waiting_note_taken
from tests.support import DOC, id_card, ledger_at

#: Input refused as it is parsed, before the store is read: the same code for either store, so
#: run on SQLite only (the suite's time: session 18).
PARSED_FIRST = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


def refused(fupin: Fupin, line: str, actor: str, field: str, rule: str) -> None:
    """Run ``line`` as ``actor`` and check it is refused for ``field`` and ``rule``."""
    before = fupin.event_count()

    result = fupin(line, actor=actor)

    assert_refused(result, field, rule)
    assert fupin.event_count() == before


def test_refuses_a_visit_to_an_unknown_household(seeded: Fupin) -> None:
    refused(
        seeded,
        f"household visit JH-9999 --helper c-1 {doc('2016-09-01')}",
        "jn-01",
        "household",
        "no household 'JH-9999' on record",
    )


def test_refuses_a_visit_by_a_helper_not_paired_with_the_household(seeded: Fupin) -> None:
    refused(
        seeded,
        f"household visit JH-0001 --helper c-2 {doc('2016-09-01')}",
        "jn-01",
        "helper",
        "'c-2' is not paired with household JH-0001",
    )


def test_refuses_a_public_notice_shorter_than_seven_days(seeded: Fupin) -> None:
    refused(
        seeded,
        f"household notice JH-0003 --start 2016-08-03 --end 2016-08-08 {doc('2016-08-03')}",
        "jn-01",
        "end",
        "the notice lasts 6 days; the plan needs 7",
    )


def test_refuses_to_propose_the_exit_of_a_household_not_yet_registered(seeded: Fupin) -> None:
    refused(
        seeded,
        f"household propose-exit JH-0002 2016 {doc('2016-12-01')}",
        "jn-01",
        "stage",
        "exit needs a registered household; JH-0002 is identified",
    )


def test_refuses_a_disbursement_beyond_the_account_balance(seeded: Fupin) -> None:
    refused(
        seeded,
        "fund disburse city-2016 --amount 1000.01 --category education --purpose household "
        f"--household JH-0001 --measure m-1 {doc('2016-09-01')}",
        "qu-01",
        "amount",
        "1000.01 yuan exceeds the balance of city-2016 (1000.00 yuan)",
    )


@PARSED_FIRST
@pytest.mark.parametrize(
    ("amount", "rule"),
    [
        *(
            (amount, "is not an amount in yuan with at most 2 decimals")
            for amount in ("-5", "NaN", "abc", "1e3", "''")
        ),
        # said plainly since session 21 (tester N: "at most 2 decimals (commas only between…")
        ("12.345", "'12.345' has 3 decimals, and amounts are to the fen (0.01 yuan)"),
    ],
)
def test_refuses_malformed_money(seeded: Fupin, amount: str, rule: str) -> None:
    refused(
        seeded,
        f"fund allocate city-2016 --amount {amount} {doc('2016-09-01')}",
        "qu-01",
        "amount",
        rule,
    )


NOTICE = "household notice JH-0003"
FINDING = "inspection find DC-1 f-1 --subject-kind village --subject 雄光"


NOT_ISO = "is not a date YYYY-MM-DD (ISO 8601) or YYYY年M月D日"


@PARSED_FIRST
@pytest.mark.parametrize(
    ("line", "field", "rule"),
    [
        (
            f"{NOTICE} --start 2016-13-01 --end 2016-08-20 {doc('2016-08-03')}",
            "start",
            "'2016-13-01' is no day of the calendar (month must be in 1..12)",
        ),
        (f"{NOTICE} --start 2016-08-03 --end 20.8.2016 {doc('2016-08-03')}", "end", NOT_ISO),
        (f"helper employ e-1 JH-0001 --since yesterday {doc('2016-09-01')}", "since", NOT_ISO),
        ("household sign JH-0004 -d 签字确认表 -e 2016/08/05", "effective", NOT_ISO),
        (
            f"{FINDING} --deadline 2017-02-30 {doc('2016-12-01')}",
            "deadline",
            # written right, but no day (session 17: it was said to be no ISO date)
            "'2017-02-30' is no day of the calendar (day is out of range for month)",
        ),
    ],
)
def test_refuses_malformed_dates(seeded: Fupin, line: str, field: str, rule: str) -> None:
    refused(seeded, line, "jn-01", field, rule)


def test_refuses_an_effective_date_in_the_future(seeded: Fupin) -> None:
    refused(
        seeded,
        "household sign JH-0004 -d 签字确认表 -e 2999-01-01",
        "jn-01",
        "effective",
        "is after today",
    )


def test_refuses_a_street_officer_acting_on_another_streets_household(seeded: Fupin) -> None:
    refused(
        seeded,
        f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}",
        "ll-01",
        "as",
        "ll-01 works for street '礼乐', not '江南'",
    )


def test_refuses_an_actor_who_is_not_a_registered_officer(seeded: Fupin) -> None:
    refused(
        seeded,
        f"household sign JH-0004 {doc('2016-08-05')}",
        "ghost",
        "as",
        "'ghost' is not a registered officer",
    )


def test_refuses_a_command_that_does_not_say_who_records_it(seeded: Fupin) -> None:
    before = seeded.event_count()

    result = seeded(f"household sign JH-0004 {doc('2016-08-05')}")

    assert_refused(result, "as", "say who records this (--as or LEDGER_ACTOR)")
    assert seeded.event_count() == before


def test_refuses_an_analyst_appending_an_event(seeded: Fupin) -> None:
    refused(
        seeded,
        f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}",
        "ana-1",
        "as",
        "ana-1 is analyst; fupin household visit needs admin or officer",
    )


def test_refuses_to_identify_a_household_number_twice(seeded: Fupin) -> None:
    refused(
        seeded,
        "household identify JH-0001 --street 江南 --village 雄光 --members 1 --head-name 赵六 "
        f"--id-card {id_card(99)} {doc('2016-08-01')}",
        "jn-01",
        "household",
        "JH-0001 is already identified",
    )


def test_refuses_to_unpair_a_helper_before_exit_without_a_replacement(seeded: Fupin) -> None:
    refused(
        seeded,
        f"household unpair JH-0001 c-1 --reason 调岗 {doc('2016-10-01')}",
        "jn-01",
        "helper",
        "no unpairing before exit 不脱贫不脱钩",
    )


def test_refuses_to_register_a_household_that_has_not_signed(seeded: Fupin) -> None:
    refused(
        seeded,
        f"household register JH-0004 {doc('2016-08-10')}",
        "jn-01",
        "signature",
        "the household has not signed to confirm 签字确认",
    )


def test_refuses_an_id_card_number_with_a_wrong_check_digit(seeded: Fupin) -> None:
    good = id_card(50)
    bad = good[:17] + ("1" if good[17] != "1" else "2")

    refused(
        seeded,
        "household identify JH-0050 --street 江南 --village 雄光 --members 1 --head-name 赵六 "
        f"--id-card {bad} {doc('2016-08-01')}",
        "jn-01",
        "id_card",
        "not a valid 18-character ID-card number 身份证号",
    )


def test_refuses_a_correction_of_an_entry_that_cannot_be_voided(seeded: Fupin) -> None:
    refused(
        seeded,
        f"correct household JH-0001 1 --reason 录错 {doc('2016-10-01')}",
        "jn-01",
        "version",
        "1 is not a correctable entry here",
    )


# SQLite only: a file that is not there. A PostgreSQL database always exists (created by its
# administrator), and a server that cannot be reached is refused in test_postgres_store.py.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_refuses_to_open_a_store_that_was_never_initialised(fupin: Fupin) -> None:
    result = fupin(f"household sign JH-0001 {doc('2016-08-05')}", actor="jn-01")

    assert_refused(result, "store", "does not exist; run `fupin init` first")
    assert not fupin.path.exists()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # SQLite only: folders are files
def test_refuses_to_create_a_store_in_a_missing_folder(fupin: Fupin) -> None:
    missing = fupin.path.parent / "nowhere" / "fupin.db"

    result = fupin(f"--store {missing} init --admin admin --name 区扶贫办 {doc('2016-07-26')}")

    assert_refused(result, "store", "does not exist")
    assert not missing.parent.exists()


def test_refuses_to_initialise_a_ledger_twice(seeded: Fupin) -> None:
    refused(
        seeded,
        f"init --admin admin2 --name 区扶贫办 {doc('2016-07-26')}",
        "admin",
        "store",
        "this ledger is already initialised",
    )


# SQLite's whole-file write lock; PostgreSQL's bounded lock timeout is tested with the store.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_refuses_to_write_while_another_process_holds_the_store(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    holder = sqlite3.connect(seeded.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = seeded(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", actor="jn-01")
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    waiting_note_taken(result)  # since session 26: said after half of LEDGER_LOCK_TIMEOUT
    assert_refused(result, "store", "try again")
    assert "Traceback" not in result.output


def _refused_args(seeded: Fupin, args: list[str], field: str, rule: str) -> None:
    """Run ``fupin ARGS`` as given (no shell splitting) and check the refusal."""
    before = seeded.event_count()

    result = seeded.runner.invoke(app, args)

    assert_refused(result, field, rule)
    assert seeded.event_count() == before


# An argument that is not UTF-8 (``-d "$(printf 'a\xffb')"``) reaches Python as text with a
# lone surrogate, which no event can be encoded with; a control character is text that
# `fupin import` refuses, so an export holding one would never import again.
@PARSED_FIRST
@pytest.mark.parametrize(
    ("args", "field", "rule"),
    [
        (
            ["--as", "jn-01", "household", "sign", "JH-0004", "-d", "a\udcffb"],
            "document",
            "is not UTF-8 text: byte 0xFF at character 2",
        ),
        (
            ["--as", "jn-01", "household", "sign", "JH-0004", "--document=签字\udce6"],
            "document",
            "is not UTF-8 text: byte 0xE6 at character 3",
        ),
        (
            ["--as", "jn\udcff", "household", "sign", "JH-0004", "-d", "签字确认表"],
            "as",
            "is not UTF-8 text: byte 0xFF",
        ),
        (
            ["--as", "admin", "place", "add-street", "江\udcff南", "-d", DOC],
            "name",
            "is not UTF-8 text: byte 0xFF at character 2",
        ),
        (
            ["--as", "admin", "place", "add-street", "江南\x01", "-d", DOC],
            "name",
            "contains a control character U+0001 at character 3",
        ),
        (
            [
                *("--as", "jn-01", "household", "review", "JH-0002"),
                *("-d", DOC, "-e", "2016-08-02", "--note", "评议\x1b[31m"),
            ],
            "note",
            "contains a control character U+001B",
        ),
        (
            [
                *("--as", "jn-01", "household", "visit", "JH-0001", "--helper", "c-1"),
                *("-d", DOC, "-e", "2016-09-01", "--summary", "走访" * 1001),
            ],
            "summary",
            "is longer than 2000 characters",
        ),
    ],
)
def test_refuses_text_that_is_not_utf8_or_holds_control_characters(
    seeded: Fupin, args: list[str], field: str, rule: str
) -> None:
    _refused_args(seeded, args, field, rule)


# A whole number past 64 bits cannot be stored or queried (orjson and SQLite stop at 2^63):
# refused naming the option, not an internal error.
@PARSED_FIRST
@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["log", "--since", "99999999999999999999"], "since"),
        (
            [
                *("--as", "jn-01", "household", "identify", "JH-0050", "--street", "江南"),
                *("--village", "雄光", "--members", "99999999999999999999", "--head-name", "赵六"),
                *("--id-card", id_card(50), "-d", DOC, "-e", "2016-08-01"),
            ],
            "members",
        ),
    ],
)
def test_refuses_a_whole_number_past_64_bits(seeded: Fupin, args: list[str], field: str) -> None:
    _refused_args(seeded, args, field, "99999999999999999999 is out of range")


def test_an_analysts_sql_is_not_held_to_the_rules_of_recorded_text(seeded: Fupin) -> None:
    # Never recorded: longer than any field, pasted with CR LF line ends, it still runs.
    padding = " " * 2100
    result = seeded.runner.invoke(
        app, ["query", f"SELECT COUNT(*) AS n\r\nFROM pj_households{padding}"]
    )

    assert result.exit_code == 0, result.output
    assert "n" in result.stdout
    refused = seeded.runner.invoke(app, ["query", "SELECT '\udcff'"])
    assert_refused(refused, "sql", "is not UTF-8 text: byte 0xFF at character 9")


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_refuses_to_read_an_empty_file_or_another_database_as_a_ledger(
    fupin: Fupin, tmp_path: Path
) -> None:
    # A read used to make the events table (and the read models) in them: half a ledger.
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE t (x)")

    other_bytes = other.read_bytes()
    wal = tmp_path / "wal.db"  # a WAL database, cleanly closed: no -wal or -shm beside it
    with closing(sqlite3.connect(wal)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")

    with closing(sqlite3.connect(other, timeout=0)) as holder:  # another process writing
        holder.execute("BEGIN EXCLUSIVE")
        for store, rule in (
            (empty, "is empty, not a ledger"),
            (other, "is not a fupin ledger"),
            (wal, "is not a fupin ledger"),
        ):
            result = fupin.runner.invoke(app, ["--store", str(store), "report", "caseload"])
            assert_refused(result, "store", rule)
        holder.execute("ROLLBACK")
    assert empty.read_bytes() == b""
    assert other.read_bytes() == other_bytes  # not even switched to WAL journaling
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("wal")) == ["wal.db"]
    fupin.ok(f"--store {empty} init --admin admin --name 管理员 -d {DOC}")  # init still may


# Given but empty (an unset shell variable: -e "$DAY") is a mistake, not "today" or "no filter".
@PARSED_FIRST
@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--as", "jn-01", "household", "sign", "JH-0004", "-d", DOC, "-e", ""], "effective"),
        (["report", "caseload", "--as-of", ""], "as-of"),
        (["report", "caseload", "--known-at", ""], "known-at"),
    ],
)
def test_refuses_a_date_given_empty(seeded: Fupin, args: list[str], field: str) -> None:
    _refused_args(seeded, args, field, "''")


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_damaged_ledger_is_reported_as_damaged_not_as_no_ledger(
    fupin: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "damaged.db"
    with ledger_at(path):
        pass
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'stored_events'"
        ).fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    data = bytearray(path.read_bytes())
    data[(root - 1) * size : root * size] = b"\xff" * size
    path.write_bytes(bytes(data))

    result = fupin.runner.invoke(app, ["--store", str(path), "verify"])

    assert_refused(result, "store", "database disk image is malformed")


@PARSED_FIRST
def test_refuses_an_amount_given_twice(seeded: Fupin) -> None:
    # click keeps the last value of an option given twice: this paid 1,000 yuan.
    refused(
        seeded,
        "fund disburse city-2016 --amount 100 --category education --purpose household "
        f"--household JH-0001 --measure m-1 --amount 1000 {doc('2016-09-01')}",
        "qu-01",
        "amount",
        "--amount is given more than once: give it once",
    )


def test_refuses_a_store_given_twice(seeded: Fupin, tmp_path: Path) -> None:
    other = tmp_path / "other.db"

    result = seeded(f"--store {seeded.store} --store {other} report caseload", actor="jn-01")

    assert_refused(result, "store", "--store is given more than once: give it once")
    assert not other.exists()
    # An option that takes many values stays repeatable (--member-name: test_narrative.py).


@PARSED_FIRST
def test_refuses_both_sides_of_a_switch(seeded: Fupin) -> None:
    # --accepted --rejected recorded a rejection, as silently as a value given twice.
    refused(
        seeded,
        f"household review JH-0002 --accepted --rejected {doc('2016-08-02')}",
        "jn-01",
        "accepted",
        "--accepted/--rejected is given more than once: give it once",
    )


@PARSED_FIRST
def test_help_given_as_a_value_does_not_lift_the_check(seeded: Fupin) -> None:
    # "--help" as --note's value turned the check off: the last switch won again.
    refused(
        seeded,
        f"household review JH-0002 --accepted --note --help --rejected {doc('2016-08-02')}",
        "jn-01",
        "accepted",
        "--accepted/--rejected is given more than once: give it once",
    )


def test_help_and_shell_completion_are_not_refused_for_an_option_given_twice(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    helped = seeded("fund disburse --amount 1 --amount 2 --help")
    monkeypatch.setenv("_FUPIN_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "fupin --store a.db --store b.db re")
    monkeypatch.setenv("COMP_CWORD", "5")
    completed = seeded.runner.invoke(app, [], prog_name="fupin")

    assert helped.exit_code == 0
    assert "Usage: fupin fund disburse" in helped.stdout
    # It crashed as an internal error; now it completes what is typed.
    assert completed.exit_code == 0, completed.output
    assert completed.stdout.split() == ["restore", "report"]
