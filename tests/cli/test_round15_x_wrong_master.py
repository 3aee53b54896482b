"""A wrong master key given to ``household identify`` (docs/privacy.md, rotation): refused as
every reader refuses it, not blamed on a rotation that never happened; a rotation on record
that retired the key given is still said as one."""

from __future__ import annotations

import os
from pathlib import Path

from cli.main import app
from ledger.privacy import generate_master_key, master_key_id, parse_master_key
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

IDENTIFY = (
    "household identify JH-0009 --street 江南 --village 雄光 --members 1 --head-name 王五 "
    f"--id-card {id_card(9)} {doc('2016-08-01')}"
)


def with_master(fupin: Fupin, master: str, line: str, actor: str) -> Result:
    env = {"LEDGER_MASTER_KEY": master, "LEDGER_MASTER_KEY_FILE": None}
    return fupin.runner.invoke(app, ["--as", actor, *line.split()], env=env)


def test_a_wrong_master_key_on_identify_is_said_as_every_reader_says_it(seeded: Fupin) -> None:
    wrong = generate_master_key()
    given = master_key_id(parse_master_key(wrong))
    current = master_key_id(parse_master_key(os.environ["LEDGER_MASTER_KEY"]))
    before = seeded.event_count()

    identified = with_master(seeded, wrong, IDENTIFY, "jn-01")
    shown = with_master(seeded, wrong, "household show JH-0002", "jn-01")

    said = f"household keys are wrapped under master key {current}; the one given is {given}"
    assert_refused(identified, "master_key", said)
    assert "meanwhile" not in identified.stderr
    assert "rotation" not in identified.stderr
    assert_refused(shown, "master_key", said)
    assert seeded.event_count() == before


def test_a_master_key_retired_by_a_rotation_on_record_is_said_as_rotated(
    seeded: Fupin, tmp_path: Path
) -> None:
    # The case the "meanwhile" wording is for: a process (here a key file not updated) still
    # on the master key a recorded rotation retired.
    old = os.environ["LEDGER_MASTER_KEY"]
    new_file = tmp_path / "new.key"
    new_file.write_text(generate_master_key() + "\n", encoding="ascii")
    new_file.chmod(0o600)
    seeded.ok(f"keys rotate-master --new-key-file {new_file} {doc('2016-08-20')}", actor="admin")
    before = seeded.event_count()

    identified = with_master(seeded, old, IDENTIFY, "jn-01")

    # since session 29 in the wording every command uses (it said "re-wrapped meanwhile")
    assert_refused(identified, "master_key", "the ledger's latest MasterKeyRotated retired it")
    assert f"master key {master_key_id(parse_master_key(old))} is not" in identified.stderr
    assert seeded.event_count() == before
