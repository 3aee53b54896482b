"""Session 28, tester B: an import stopped by Ctrl-C or ``SIGTERM`` just after its commit was
told to "look at the ledger before running the command again, and if it rotated the master
key, the new key is the one in force", advice for no import: an import is one save, its rows
recorded whole, and running it again skips them. A rotation of the master key so stopped names
the key now in force; any other command keeps the general advice."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from ledger import core

from cli import importing, main
from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the command line's own handling: SQLite is enough (tests/conftest.py)"


def _stopped(fupin: Fupin, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["fupin", "--store", fupin.store, *args])
    monkeypatch.setattr(core, "SAVES_COMMITTED", [])
    monkeypatch.setattr(core, "SAVES_DISCARDED", [])
    with pytest.raises(SystemExit) as stopped:
        main.run()
    return int(stopped.value.code or 0)


def _interrupted(*_args: Any, **_kwargs: Any) -> None:
    raise KeyboardInterrupt  # as Ctrl-C just after the save, before it is reported


def test_an_import_stopped_after_its_commit_says_running_it_again_skips_its_rows(
    seeded: Fupin,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sheet = tmp_path / "add_village.csv"
    sheet.write_text(
        "ref,actor,effective,document,note,street,village\nv-1,admin,2016-08-20,设村,,江南,新村\n",
        encoding="utf-8",
    )
    before = seeded.event_count()
    monkeypatch.setattr(importing, "_report", _interrupted)

    assert _stopped(seeded, monkeypatch, "--as", "admin", "import", str(sheet)) == 130

    said = " ".join(capsys.readouterr().err.split())
    assert said.endswith(
        "were committed: what they recorded stands (fupin log shows it last); the import is "
        "one save, so its rows were recorded whole: running it again skips them, and imports "
        "nothing twice"
    )
    assert "master key" not in said
    assert seeded.event_count() > before
    monkeypatch.undo()
    again = seeded(f"import {sheet}", "admin")
    assert again.exit_code == 0, again.output
    assert "skipped 1" in again.output


def test_another_command_keeps_the_general_advice(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli import common

    common.settings.stands = "left over from another command run in this process"
    monkeypatch.setattr(common.console, "print", _interrupted)

    args = ["--as", "admin", "place", "add-village", "江南", "新村", "-d", "设村"]
    assert _stopped(seeded, monkeypatch, *args, "-e", "2016-08-20") == 130

    said = " ".join(capsys.readouterr().err.split())
    assert said.endswith("look at the ledger before running the command again")
