"""Session 29 (tester C, keys and backups): ``fupin prove HOUSEHOLD --checkpoint cp.json``
refused a wrong, missing or group-readable master key file although it never uses the key
(its bundle is byte for byte the same without one; docs/privacy.md: "Verification never needs
a key"): its summaries opened each event's personal data. Every command that opens no personal
data now runs whatever ``LEDGER_MASTER_KEY_FILE`` names; the list of them is explicit, and
every reader is in it or in the list of those that open personal data."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from cli.main import app
from ledger.privacy import generate_master_key
from typer.testing import Result

from tests.cli.conftest import Fupin, doc, with_master_file
from tests.cli.test_backup_cli import checkpoint
from tests.cli.test_round28_ghost_readers import READERS
from tests.support import id_card

STORE_INDEPENDENT = "the master key file is read by the command, whatever the store"

#: Commands that open no personal data, each with the rest of its command line (``{tmp}`` a
#: folder, ``{cp}`` a checkpoint file): none reads the master key.
KEYLESS = {
    "verify": "",
    "query": "'select 1'",
    "prove": "JH-0001 --checkpoint {cp} -o {tmp}/bundle.json",
    "prove-consistency": "--from {cp} --to {cp} -o {tmp}/consistency.json",
    "backup": "{tmp}/backup.db",
    "checkpoint": "--out {tmp}/cp2.json --log-key {log_key} " + doc("2016-08-22"),
    "officer list": "",
    "keys list": "",
    "report caseload": "",
    "report funds": "",
    "report accountability": "",
    "projections rebuild": "",
    "projections status": "",
    "projections check": "",
    "export report": "caseload",
    # Saves that load no household (since session 30, helper d: docs/privacy.md's claim)
    "officer add": "jn-77 --name 测试 --role officer --street 江南 " + doc("2016-08-05"),
    "fund allocate": "city-2016 --amount 10 " + doc("2016-08-05"),
}
#: Saves that load a household, each as its officer records it: they read the master key
#: whether or not they record personal data (its ``Identified`` event is opened as the
#: household is loaded), and refuse a key file that is not the ledger's, absent or open.
HOUSEHOLD_SAVES = {
    "household identify": "--as jn-01 household identify JH-0009 --street 江南 --village 雄光 "
    f"--members 1 --head-name 王五 --id-card {id_card(9)} {doc('2016-08-01')}",
    "household members": "--as jn-01 household members JH-0002 --members 4 --note 出生 "
    f"--head-name 户主2 --id-card {id_card(2)} {doc('2016-08-05')}",
    "household review": f"--as jn-01 household review JH-0002 {doc('2016-08-03')}",
    "household sign": f"--as jn-01 household sign JH-0004 {doc('2016-08-10')}",
    "household visit": f"--as jn-01 household visit JH-0001 --helper c-1 {doc('2016-09-03')}",
    "fund disburse": "--as qu-01 fund disburse city-2016 --amount 10 --category education "
    f"--purpose household --household JH-0001 --measure m-1 {doc('2016-08-15')}",
    "correct": f"--as jn-01 correct household JH-0003 2 --reason 错 {doc('2016-08-05')}",
    "erase": f"--as admin erase JH-0002 --reason 本人申请 {doc('2016-09-01')}",
}
#: Of those, the saves that record personal data: with no master key at all, refused.
RECORDS_PERSONAL = {"household identify", "household members"}
#: Readers that open personal data: given a key file, they need it to be the ledger's.
OPENS_PERSONAL = {
    "history",
    "log",
    "household show",
    "household duplicates",
    "keys check",
    "report html",
    "export events",
    "notice",
}


def _key_file(tmp_path: Path, kind: str) -> Path:
    """A master key file that is not the ledger's (``wrong``), absent (``missing``) or that
    the group and others may read (``open``)."""
    path = tmp_path / f"{kind}.key"
    if kind != "missing":
        path.write_text(generate_master_key() + "\n", encoding="ascii")
        path.chmod(0o600 if kind == "wrong" else 0o644)
    return path


def _run(fupin: Fupin, line: str, key_file: Path | None) -> Result:
    """``fupin --as admin LINE`` with ``LEDGER_MASTER_KEY_FILE`` naming ``key_file``, or with
    the ledger's own key (tests/conftest.py) when None."""
    env = {"LEDGER_MASTER_KEY": None, "LEDGER_MASTER_KEY_FILE": str(key_file)} if key_file else {}
    return fupin.runner.invoke(app, ["--as", "admin", *shlex.split(line)], env=env)


def test_every_reader_opens_personal_data_or_is_keyless() -> None:
    assert set(READERS) - {"checkpoint"} <= set(KEYLESS) | OPENS_PERSONAL
    assert set(KEYLESS) & OPENS_PERSONAL == set()


@pytest.mark.parametrize("kind", ["wrong", "missing", "open"])
@pytest.mark.parametrize("words", sorted(KEYLESS))
def test_a_command_that_opens_no_personal_data_reads_no_master_key(
    seeded: Fupin, tmp_path: Path, words: str, kind: str
) -> None:
    cp = checkpoint(seeded, tmp_path, "cp.json")
    out = tmp_path / "out"
    out.mkdir()
    line = KEYLESS[words].format(tmp=out, cp=cp, log_key=tmp_path / "log.key")

    result = _run(seeded, f"{words} {line}", _key_file(tmp_path, kind))

    assert result.exit_code == 0, result.output
    assert "master_key" not in result.output


@pytest.mark.parametrize("kind", ["wrong", "missing", "open"])
@pytest.mark.parametrize("words", sorted(HOUSEHOLD_SAVES))
def test_a_save_that_loads_a_household_reads_the_master_key(
    seeded: Fupin, tmp_path: Path, words: str, kind: str
) -> None:
    before = seeded.event_count()

    result = with_master_file(seeded, HOUSEHOLD_SAVES[words], _key_file(tmp_path, kind))

    assert result.exit_code == 2, result.output
    assert "refused master_key: " in result.stderr
    assert seeded.event_count() == before
    assert seeded.ok(HOUSEHOLD_SAVES[words])  # with the ledger's own key, it is recorded


@pytest.mark.parametrize("words", sorted(set(HOUSEHOLD_SAVES) - RECORDS_PERSONAL))
def test_a_household_save_recording_no_personal_data_records_with_no_master_key(
    seeded: Fupin, words: str
) -> None:
    env = {"LEDGER_MASTER_KEY": None, "LEDGER_MASTER_KEY_FILE": None}

    result = seeded.runner.invoke(app, shlex.split(HOUSEHOLD_SAVES[words]), env=env)

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("kind", ["wrong", "missing", "open"])
def test_a_restore_reads_no_master_key(seeded: Fupin, tmp_path: Path, kind: str) -> None:
    file = tmp_path / "backup.db"
    seeded.ok(f"backup {file}")
    restored = tmp_path / "restored.db"

    result = with_master_file(
        seeded, f"--store {restored} restore {file}", _key_file(tmp_path, kind)
    )

    assert result.exit_code == 0, result.output
    assert "master_key" not in result.output


def test_a_bundle_is_the_same_with_a_wrong_master_key_as_with_the_ledgers(
    seeded: Fupin, tmp_path: Path
) -> None:
    cp = checkpoint(seeded, tmp_path, "cp.json")
    keyed, wrong = tmp_path / "keyed.json", tmp_path / "wrong.json"
    seeded.ok(f"prove JH-0001 --checkpoint {cp} -o {keyed}", actor="admin")
    line = f"prove JH-0001 --checkpoint {cp} -o {wrong}"

    result = _run(seeded, line, _key_file(tmp_path, "wrong"))

    assert result.exit_code == 0, result.output
    assert wrong.read_bytes() == keyed.read_bytes()


@pytest.mark.parametrize("words", sorted(OPENS_PERSONAL))
def test_a_reader_of_personal_data_still_refuses_a_wrong_master_key(
    seeded: Fupin, tmp_path: Path, words: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    line = READERS[words].format(tmp=out, cp="")

    result = _run(seeded, f"{words} {line}", _key_file(tmp_path, "wrong"))

    assert result.exit_code == 2, result.output
    assert "refused master_key: " in result.stderr
