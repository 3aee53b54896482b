"""Session 28 (tester C, privacy): ``fupin --as ghost backup x.db`` and ``projections check``
ran (exit 0) for an ``--as`` that is no registered officer, while every other reader refuses
it (docs/privacy.md: "an id that is not an active officer is refused by every reader"). Every
command is walked: one that records is refused by the ledger when it saves (its recorder),
one that only reads is refused before it reads, and a new command must be put in one list."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, all_commands, assert_refused
from tests.cli.test_backup_cli import checkpoint

GHOST = "'ghost' is not a registered officer"

#: Commands that open no ledger of record (a key pair, a template, a new store).
NO_LEDGER = {
    "init",
    "demo",
    "restore",
    "keys new",
    "keys new-master",
    "keys public",
    "import template",
}
#: Commands that record without a ``--document`` option: their rows' actors are checked.
RECORDS = {"import file"}
#: Each command that only reads, and the rest of its command line (``{tmp}`` a folder, and
#: ``{cp}`` a checkpoint file).
READERS = {
    "history": "JH-0001",
    "log": "",
    "verify": "",
    "query": "'select 1'",
    "prove": "JH-0001 --checkpoint {cp} -o {tmp}/bundle.json",
    "prove-consistency": "--from {cp} --to {cp} -o {tmp}/consistency.json",
    "backup": "{tmp}/backup.db",
    "officer list": "",
    "household show": "JH-0001",
    "household duplicates": "",
    "keys list": "",
    "keys check": "",
    "report caseload": "",
    "report funds": "",
    "report accountability": "",
    "report html": "-o {tmp}/report.html",
    "projections rebuild": "",
    "projections status": "",
    "projections check": "",
    "export events": "-o {tmp}/events.jsonl",
    "export report": "caseload",
    "notice": "--street 江南 --from 2016-08-01 --to 2016-08-30",
}


def test_every_command_records_or_reads_as_an_officer() -> None:
    """A command that records takes ``--document`` (its recorder is checked at the save);
    every other one that opens the ledger is a reader, listed in ``READERS`` below."""
    commands = all_commands()
    recording = {  # -d DOC, the document the entry rests on (log's --document only filters)
        words
        for words, command in commands.items()
        if any(p.name == "document" and "-d" in p.opts for p in command.params)
    }

    unlisted = set(commands) - recording - NO_LEDGER - RECORDS - set(READERS)

    assert unlisted == set()
    assert set(READERS) & (recording | NO_LEDGER | RECORDS) == set()


@pytest.mark.parametrize("words", sorted(READERS))
def test_no_reader_runs_for_an_unregistered_officer(
    seeded: Fupin, tmp_path: Path, words: str
) -> None:
    cp = checkpoint(seeded, tmp_path, "cp.json") if words.startswith("prove") else None
    out = tmp_path / "out"
    out.mkdir()
    before = seeded.event_count()

    result = seeded(f"{words} {READERS[words].format(tmp=out, cp=cp)}", "ghost")

    assert_refused(result, "as", GHOST)
    assert result.stdout == ""
    assert list(out.iterdir()) == []
    assert seeded.event_count() == before


def test_a_dossier_refuses_an_unregistered_officer_before_it_looks_the_household_up(
    seeded: Fupin,
) -> None:
    """Not "no household 'JH-9999' on record": a ghost learns nothing."""
    result = seeded("household show JH-9999", "ghost")

    assert_refused(result, "as", GHOST)
