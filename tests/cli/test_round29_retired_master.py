"""Session 29 (tester C, keys and backups): a master key that a recorded rotation retired was
refused by ``household show``, ``history``, ``notice`` and ``erase`` as "household keys are
wrapped under master key X; the one given is Y", by ``household identify`` as keys "re-wrapped
meanwhile", and by ``keys check`` as "not the current one". One wording now, everywhere: the
ledger's latest ``MasterKeyRotated`` retired it, and the new key is to be given."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from cli.main import app
from ledger.privacy import generate_master_key, master_key_id, parse_master_key
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

#: Each command that opens personal data, as the admin runs it (``{tmp}`` a folder).
READERS_AND_WRITERS = {
    "household show": "JH-0002",
    "history": "JH-0002",
    "notice": "--street 江南 --from 2016-08-01 --to 2016-08-30",
    "log": "",
    "keys check": "",
    "household duplicates": "",
    "report html": "-o {tmp}/report.html",
    "export events": "-o {tmp}/events.jsonl",
    "erase": f"JH-0002 --reason 本人申请 {doc('2016-09-01')}",
    "household identify": (
        "JH-0009 --street 江南 --village 雄光 --members 1 --head-name 王五 "
        f"--id-card {id_card(9)} {doc('2016-08-01')}"
    ),
}


def _with_old_master(fupin: Fupin, line: str) -> Result:
    env = {"LEDGER_MASTER_KEY": os.environ["LEDGER_MASTER_KEY"], "LEDGER_MASTER_KEY_FILE": None}
    return fupin.runner.invoke(app, ["--as", "admin", *line.split()], env=env)


@pytest.fixture
def rotated(seeded: Fupin, tmp_path: Path) -> tuple[Fupin, str, str]:
    """``seeded`` with its master key rotated to a new one: the ids of the old and the new."""
    new_file = tmp_path / "new.key"
    new_file.write_text(generate_master_key() + "\n", encoding="ascii")
    new_file.chmod(0o600)
    seeded.ok(f"keys rotate-master --new-key-file {new_file} {doc('2016-08-20')}", actor="admin")
    old = master_key_id(parse_master_key(os.environ["LEDGER_MASTER_KEY"]))
    new = master_key_id(parse_master_key(new_file.read_text("ascii")))
    return seeded, old, new


@pytest.mark.parametrize("words", sorted(READERS_AND_WRITERS))
def test_a_retired_master_key_is_refused_in_one_wording_by_every_command(
    rotated: tuple[Fupin, str, str], tmp_path: Path, words: str
) -> None:
    fupin, old, new = rotated

    refused_unwritten(
        fupin,
        lambda line: _with_old_master(fupin, f"{words} {line}"),
        READERS_AND_WRITERS[words].format(tmp=tmp_path),
        f"master key {old} is not the current one: the ledger's latest MasterKeyRotated "
        f"retired it and made master key {new} current (the household keys are wrapped under "
        "it): run again with the new master key",
    )


def refused_unwritten(fupin: Fupin, run: Callable[[str], Result], line: str, rule: str) -> None:
    """``run(line)`` refused on ``master_key`` with ``rule``, printing and recording nothing."""
    before = fupin.event_count()

    result = run(line)

    assert_refused(result, "master_key", rule)
    assert result.stdout == ""
    assert fupin.event_count() == before
