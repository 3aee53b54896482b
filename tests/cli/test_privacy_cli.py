"""``fupin erase``, ``fupin notice``, ``fupin keys new-master`` / ``rotate-master`` and reads
``--as`` someone from the command line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cli.main import app
from typer.testing import CliRunner, Result

from tests.cli.conftest import assert_refused
from tests.support import DOC, id_card, ledger_at, register


@pytest.fixture
def store(tmp_path: Path) -> str:
    path = tmp_path / "ledger.db"
    with ledger_at(path) as ledger:
        register(ledger, "JH-0001", serial=1)
        register(ledger, "LL-0001", street="礼乐", village="新创", serial=2)
    return str(path)


def fupin(store: str, *args: str, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner(env={"LEDGER_STORE": store, "COLUMNS": "240", **(env or {})})
    return runner.invoke(app, list(args))


def test_an_admin_erases_and_history_then_shows_erased(store: str) -> None:
    erased = fupin(store, "--as", "admin", "erase", "JH-0001", "--reason", "本人申请", "-d", DOC)
    history = fupin(store, "--as", "insp-1", "history", "JH-0001", "--format", "json")

    assert erased.exit_code == 0, erased.output
    assert history.exit_code == 0, history.output
    assert id_card(1) not in history.output
    assert '"[erased]"' in history.output
    assert "PersonalDataErased" in history.output


def test_an_officer_erasing_is_refused_in_one_line(store: str) -> None:
    result = fupin(store, "--as", "jn-01", "erase", "JH-0001", "--reason", "x", "-d", DOC)

    assert_refused(result, "as", "fupin erase needs admin")


def test_an_unknown_reader_is_refused_in_one_line(store: str) -> None:
    result = fupin(store, "--as", "stranger", "history", "JH-0001")

    assert_refused(result, "as", "not a registered officer")


def test_an_analyst_may_not_export_events(store: str) -> None:
    result = fupin(store, "--as", "ana-1", "export", "events")

    assert_refused(result, "as", "may not export")


def test_the_public_notice_list_is_masked_csv_or_printable_html(store: str) -> None:
    period = ("notice", "--street", "江南", "--from", "2016-08-01", "--to", "2016-08-31")

    as_csv = fupin(store, "--as", "admin", *period)
    as_html = fupin(store, "--as", "admin", *period, "--format", "html")

    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.stdout.splitlines()[1].split(",")[2:6] == [
        "JH-0001", "identification 识别公示", "户**", "440704********" + id_card(1)[-4:],
    ]  # fmt: skip
    assert len(as_csv.stdout.splitlines()) == 2  # 礼乐 households are not on 江南's list
    assert as_html.stdout.startswith("<!DOCTYPE html>")
    assert "户**" in as_html.stdout
    assert id_card(1) not in as_html.stdout


def test_a_past_notice_lists_the_household_as_it_was_posted(store: str) -> None:
    # A birth in September must not rewrite the notice posted in August.
    changed = fupin(
        store, "--as", "jn-01", "household", "members", "JH-0001", "--members", "4",
        "--head-name", "新户主", "--id-card", id_card(77), "--note", "新生儿出生",
        "-d", "出生证明", "-e", "2016-09-15",
    )  # fmt: skip
    period = ("notice", "--street", "江南", "--from", "2016-08-01", "--to", "2016-08-31")

    listed = fupin(store, "--as", "admin", *period)

    assert changed.exit_code == 0, changed.output
    assert listed.exit_code == 0, listed.output
    row = listed.stdout.splitlines()[1].split(",")
    assert row[4:7] == ["户**", "440704********" + id_card(1)[-4:], "3"]  # not 新**, 4


def test_a_notice_period_ending_before_it_starts_is_refused(store: str) -> None:
    result = fupin(
        store, "notice", "--street", "江南", "--from", "2016-08-31", "--to", "2016-08-01"
    )

    assert_refused(result, "to", "before")


def test_a_new_master_key_file_is_owner_only_and_rotation_moves_every_key_to_it(
    store: str, tmp_path: Path
) -> None:
    key_file = tmp_path / "new.key"

    made = fupin(store, "keys", "new-master", "--out", str(key_file))
    rotated = fupin(
        store, "--as", "admin", "keys", "rotate-master", "--new-key-file", str(key_file), "-d", DOC
    )
    with_new = fupin(
        store, "--as", "admin", "history", "JH-0001", "--format", "json",
        env={"LEDGER_MASTER_KEY": "", "LEDGER_MASTER_KEY_FILE": str(key_file)},
    )  # fmt: skip

    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert rotated.exit_code == 0, rotated.output
    assert "2 household keys re-wrapped" in rotated.output
    assert id_card(1) in with_new.output


def test_an_export_without_the_master_key_is_refused_and_writes_no_file(
    store: str, tmp_path: Path
) -> None:
    target = tmp_path / "events.jsonl"
    no_key = {"LEDGER_MASTER_KEY": "", "LEDGER_MASTER_KEY_FILE": ""}

    result = fupin(store, "--as", "admin", "export", "events", "-o", str(target), env=no_key)

    assert_refused(result, "master_key", "the export carries personal data in clear")
    assert not target.exists()


def test_the_first_master_key_is_refused_once_retired_and_keys_check_passes_under_the_new(
    store: str, tmp_path: Path
) -> None:
    new_file, old_file = tmp_path / "new.key", tmp_path / "old.key"
    old_file.write_text(os.environ["LEDGER_MASTER_KEY"] + "\n", encoding="ascii")
    old_file.chmod(0o600)
    with_new = {"LEDGER_MASTER_KEY": "", "LEDGER_MASTER_KEY_FILE": str(new_file)}
    assert fupin(store, "keys", "new-master", "--out", str(new_file)).exit_code == 0
    rotated = fupin(
        store, "--as", "admin", "keys", "rotate-master", "--new-key-file", str(new_file), "-d", DOC
    )
    assert rotated.exit_code == 0, rotated.output

    back = fupin(
        store, "--as", "admin", "keys", "rotate-master", "--new-key-file", str(old_file),
        "-d", DOC, env=with_new,
    )  # fmt: skip
    checked = fupin(store, "--as", "admin", "keys", "check", env=with_new)

    assert_refused(back, "new_key", "was made current before")
    assert checked.exit_code == 0, checked.output
    assert "household keys: 2 live, each unwraps under the master key" in checked.stdout
