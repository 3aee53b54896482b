"""The master key as the operator gives it (docs/privacy.md, the master key, rotation):
a retired or unrecorded master key wraps no new household key, an empty key file or a blank
variable is refused rather than read as "no master key", two variables holding different
keys are refused, and an empty new key file is a one-line refusal."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from cli.main import app
from ledger.base import natural_id
from ledger.privacy import master_key_id, parse_master_key
from typer.testing import CliRunner, Result

from tests.cli.conftest import assert_refused
from tests.support import DOC, id_card, identify, ledger_at

IDENTIFY = (
    "household identify {number} --street 江南 --village 雄光 --members 1 --head-name 张三 "
    f"--id-card {id_card(5)} -d {DOC} -e 2016-08-01"
)


def key_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="ascii")
    path.chmod(0o600)
    return path


def new_master(folder: Path, name: str) -> Path:
    path = folder / name
    assert run(str(folder / "unused.db"), "keys new-master --out " + str(path)).exit_code == 0
    return path


def run(store: str, line: str, actor: str = "admin", **env: str | None) -> Result:
    """``fupin --as actor line`` on ``store``; ``env`` replaces the master key variables
    (by default LEDGER_MASTER_KEY as the suite sets it, no file)."""
    base: dict[str, str | None] = {
        "LEDGER_STORE": store,
        "LEDGER_ACTOR": None,
        "LEDGER_KEY": None,
        "LEDGER_MASTER_KEY_FILE": None,
        "COLUMNS": "240",
    }
    return CliRunner(env={**base, **env}).invoke(app, ["--as", actor, *line.split()])


def events(store: str) -> int:
    with sqlite3.connect(store) as db:
        return int(db.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0])


def keys(store: str) -> list[tuple[str, str]]:
    with sqlite3.connect(store) as db:
        return list(db.execute("SELECT household_id, master_id FROM household_keys"))


@pytest.fixture
def new_ledger(tmp_path: Path) -> str:
    """Reference data, no household yet (its key table holds no key), first master m1 (the
    suite's LEDGER_MASTER_KEY)."""
    path = tmp_path / "ledger.db"
    with ledger_at(path):
        pass
    return str(path)


# -- 1. a retired or unrecorded master key wraps no new household key ---------------------


def test_a_retired_master_key_wraps_no_household_key_of_a_new_ledger(
    new_ledger: str, tmp_path: Path
) -> None:
    # It did: identify with m1 after m1 -> m2 was recorded wrapped the key under m1; m2, the
    # key recorded as current, could not read it, and verify and keys check passed.
    m2 = new_master(tmp_path, "m2.key")
    rotated = run(new_ledger, f"keys rotate-master --new-key-file {m2} -d {DOC}")
    assert rotated.exit_code == 0, rotated.output
    before = events(new_ledger)
    m1_id = master_key_id(parse_master_key(os.environ["LEDGER_MASTER_KEY"]))
    m2_id = master_key_id(parse_master_key(m2.read_text("ascii")))

    with_m1 = run(new_ledger, IDENTIFY.format(number="JH-0001"), actor="jn-01")

    assert_refused(with_m1, "master_key", f"master key {m1_id} is not the current one")
    assert f"made master key {m2_id} current" in with_m1.stderr  # retired: since session 29
    assert os.environ["LEDGER_MASTER_KEY"] not in with_m1.output
    assert events(new_ledger) == before
    assert keys(new_ledger) == []
    with_m2 = {"LEDGER_MASTER_KEY": "", "LEDGER_MASTER_KEY_FILE": str(m2)}
    identified = run(new_ledger, IDENTIFY.format(number="JH-0001"), actor="jn-01", **with_m2)
    assert identified.exit_code == 0, identified.output
    shown = run(new_ledger, "household show JH-0001", **with_m2)
    assert "张三" in shown.stdout
    assert [master for _, master in keys(new_ledger)] == [m2_id]


def test_a_master_key_never_recorded_wraps_nothing_once_a_rotation_is_on_record(
    new_ledger: str, tmp_path: Path
) -> None:
    m2, m3 = new_master(tmp_path, "m2.key"), new_master(tmp_path, "m3.key")
    assert run(new_ledger, f"keys rotate-master --new-key-file {m2} -d {DOC}").exit_code == 0
    with_m3 = {"LEDGER_MASTER_KEY": "", "LEDGER_MASTER_KEY_FILE": str(m3)}

    identified = run(new_ledger, IDENTIFY.format(number="JH-0001"), actor="jn-01", **with_m3)
    # Nor does it re-wrap: m1 retired, a rotation from m3 would record a previous master
    # that no rotation made current.
    rotated = run(new_ledger, f"keys rotate-master --new-key-file {m2} -d {DOC}", **with_m3)
    retired = run(
        new_ledger, f"keys rotate-master --new-key-file {m3} -d {DOC}"
    )  # from m1, the retired one, to a fresh m3

    assert_refused(identified, "master_key", "is not the current one")
    assert_refused(rotated, "new_key", "was made current before")
    assert_refused(retired, "master_key", "is not the current one")
    assert keys(new_ledger) == []


def test_a_new_ledger_with_no_rotation_recorded_takes_its_first_master_key(
    new_ledger: str,
) -> None:
    identified = run(new_ledger, IDENTIFY.format(number="JH-0001"), actor="jn-01")

    assert identified.exit_code == 0, identified.output


def test_keys_check_reports_a_live_key_under_a_retired_master_and_refuses_the_retired_key(
    tmp_path: Path,
) -> None:
    # A store the earlier fupin left: JH-0002's key wrapped under m1 after m1 -> m2 was
    # recorded (made here by putting its pre-rotation row back). keys check with m2 said it
    # "does not unwrap (its master id or wrapped key was altered)", and with m1, the retired
    # key, it went on as if m1 could be current (and passed when every key was under m1).
    store = str(tmp_path / "ledger.db")
    with ledger_at(store) as ledger:
        identify(ledger, "JH-0001", serial=1)
        identify(ledger, "JH-0002", serial=2)
    hid = str(natural_id("household", "JH-0002"))
    with sqlite3.connect(store) as db:
        old_row = db.execute(
            "SELECT master_id, wrapped_key FROM household_keys WHERE household_id = ?", (hid,)
        ).fetchone()
    m2 = new_master(tmp_path, "m2.key")
    assert run(store, f"keys rotate-master --new-key-file {m2} -d {DOC}").exit_code == 0
    with sqlite3.connect(store) as db:
        db.execute(
            "UPDATE household_keys SET master_id = ?, wrapped_key = ? WHERE household_id = ?",
            (*old_row, hid),
        )
    m2_id = master_key_id(parse_master_key(m2.read_text("ascii")))

    with_m2 = run(store, "keys check", LEDGER_MASTER_KEY="", LEDGER_MASTER_KEY_FILE=str(m2))
    with_m1 = run(store, "keys check")

    assert with_m2.exit_code == 1, with_m2.output
    failed = [line for line in with_m2.stderr.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1
    assert failed[0].startswith(f"FAILED household_keys {hid}: is wrapped under master key ")
    assert f"not {m2_id}, the current one" in failed[0]
    assert "1 of 2 live household keys" in with_m2.stderr
    assert_refused(with_m1, "master_key", "is not the current one")
    # What `fupin verify` says without the master key: the key under the retired master
    # (it passed before 2026-11-30: verify did not look at which master wraps a key).
    verified = run(store, "verify", LEDGER_MASTER_KEY="")
    assert verified.exit_code == 1, verified.output
    said = [line for line in verified.output.splitlines() if hid in line]
    assert len(said) == 1, verified.output
    assert f"wrapped under master key {old_row[0]}, not {m2_id}" in said[0]
    assert "latest MasterKeyRotated" in said[0]
    assert "JH-0002" in said[0]  # the household's number, as erase and show take it


# -- 3. an empty key file or a blank variable is no "no master key" -------------------------


@pytest.fixture
def identified(tmp_path: Path) -> str:
    store = tmp_path / "ledger.db"
    with ledger_at(store) as ledger:
        identify(ledger, "JH-0001", serial=1)
    return str(store)


@pytest.mark.parametrize("text", ["", "\n", "  \n\n"])
def test_an_empty_master_key_file_is_refused_not_read_as_no_key(
    identified: str, tmp_path: Path, text: str
) -> None:
    # It was: household show exit 0 with every personal field [sealed]; identify and keys
    # check asked to "set LEDGER_MASTER_KEY or LEDGER_MASTER_KEY_FILE", which was set.
    empty = key_file(tmp_path, "empty.key", text)
    before = events(identified)

    shown = run(
        identified,
        "household show JH-0001",
        LEDGER_MASTER_KEY=None,
        LEDGER_MASTER_KEY_FILE=str(empty),
    )
    checked = run(
        identified, "keys check", LEDGER_MASTER_KEY=None, LEDGER_MASTER_KEY_FILE=str(empty)
    )
    written = run(
        identified,
        IDENTIFY.format(number="JH-0009"),
        actor="jn-01",
        LEDGER_MASTER_KEY=None,
        LEDGER_MASTER_KEY_FILE=str(empty),
    )

    for result in (shown, checked, written):
        assert_refused(result, "master_key", f"{empty} is empty: it holds no master key")
        assert "fupin keys new-master" in result.stderr
    assert events(identified) == before


def test_a_blank_master_key_variable_is_refused_naming_it(identified: str) -> None:
    result = run(identified, "household show JH-0001", LEDGER_MASTER_KEY="   ")

    assert_refused(result, "master_key", "LEDGER_MASTER_KEY is set but blank")


def test_an_empty_master_key_variable_is_still_no_master_key(identified: str) -> None:
    # VAR= for one command: the documented way to run without the key (reads [sealed]).
    result = run(identified, "household show JH-0001", LEDGER_MASTER_KEY="")

    assert result.exit_code == 0, result.output
    assert "[sealed]" in result.stdout


# -- 4. an empty new key file ------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n"])
def test_rotating_to_an_empty_key_file_is_a_one_line_refusal(
    identified: str, tmp_path: Path, text: str
) -> None:
    # It was "internal error: AssertionError: a key file was named", exit 1.
    empty = key_file(tmp_path, "empty.key", text)
    before = events(identified)

    result = run(identified, f"keys rotate-master --new-key-file {empty} -d {DOC}")

    assert_refused(result, "new_key", f"{empty} is empty: it holds no master key")
    assert events(identified) == before


def test_rotating_to_a_key_file_others_may_read_is_refused_on_new_key(
    identified: str, tmp_path: Path
) -> None:
    path = new_master(tmp_path, "new.key")
    path.chmod(0o644)

    result = run(identified, f"keys rotate-master --new-key-file {path} -d {DOC}")

    assert_refused(result, "new_key", "is open to the group and others (mode 0644)")


# -- 8. both variables set -----------------------------------------------------------------


def test_both_master_key_variables_holding_different_keys_are_refused(
    identified: str, tmp_path: Path
) -> None:
    # LEDGER_MASTER_KEY silently won: a stale variable left in the shell after a rotation
    # hid the new key file (here: the file holds the right key, the variable a wrong one).
    right = key_file(tmp_path, "right.key", os.environ["LEDGER_MASTER_KEY"] + "\n")
    wrong = new_master(tmp_path, "wrong.key").read_text("ascii").strip()

    result = run(
        identified,
        "household show JH-0001",
        LEDGER_MASTER_KEY=wrong,
        LEDGER_MASTER_KEY_FILE=str(right),
    )

    assert_refused(result, "master_key", "LEDGER_MASTER_KEY and LEDGER_MASTER_KEY_FILE")
    assert "hold different master keys" in result.stderr
    assert master_key_id(parse_master_key(wrong)) in result.stderr
    assert wrong not in result.output
    assert os.environ["LEDGER_MASTER_KEY"] not in result.output


def test_both_master_key_variables_holding_the_same_key_are_accepted(
    identified: str, tmp_path: Path
) -> None:
    same = key_file(tmp_path, "same.key", os.environ["LEDGER_MASTER_KEY"] + "\n")

    result = run(identified, "household show JH-0001", LEDGER_MASTER_KEY_FILE=str(same))

    assert result.exit_code == 0, result.output
    assert "户主1" in result.stdout
