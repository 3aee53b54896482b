"""Session 23 (tester J, several people on one SQLite ledger): Ctrl-C (or ``SIGTERM``) that
lands just after a command's work is committed exited 130 saying nothing, so a master-key
rotation stopped so looked undone, though the new key was in force. ``fupin`` now says what
was committed before it was stopped; stopped before, it says nothing more."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from ledger import core

from cli import common, main
from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "the command line's own handling: SQLite is enough (tests/conftest.py)"

ADD = ["--as", "admin", "place", "add-village", "江南", "新村", *doc("2016-08-20").split()]


def _run(fupin: Fupin, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "argv", ["fupin", "--store", fupin.store, *ADD])
    monkeypatch.setattr(core, "SAVES_COMMITTED", [])
    monkeypatch.setattr(core, "SAVES_DISCARDED", [])
    with pytest.raises(SystemExit) as stopped:
        main.run()
    return int(stopped.value.code or 0)


def test_ctrl_c_after_the_commit_says_what_was_committed(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = seeded.event_count()

    def interrupted(*_args: Any, **_kwargs: Any) -> None:
        raise KeyboardInterrupt  # as Ctrl-C just after the save, before "village … added"

    monkeypatch.setattr(common.console, "print", interrupted)

    assert _run(seeded, monkeypatch) == 130
    said = " ".join(capsys.readouterr().err.split())
    assert (
        "interrupted after 1 save(s) of 1 event(s) were committed: what they recorded stands"
        in (said)
    )
    assert seeded.event_count() == before + 1


def test_ctrl_c_before_the_commit_says_nothing_more(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = seeded.event_count()

    def interrupted(*_args: Any, **_kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(core.LedgerCore, "_record", interrupted)

    assert _run(seeded, monkeypatch) == 130
    said = capsys.readouterr().err
    assert "interrupted after" not in said
    assert "interrupted: nothing was committed" in said
    assert seeded.event_count() == before


def test_a_new_store_stopped_before_it_is_put_in_place_says_nothing_was_kept(
    seeded: Fupin,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Re-test N: an ``import --create`` stopped after its save, before its store was put in
    place, said its events stood; the store was removed."""
    log = tmp_path / "events.jsonl"
    seeded.ok(f"export events -o {log}", "admin")
    fresh = tmp_path / "fresh.db"

    def interrupted(*_args: Any, **_kwargs: Any) -> None:
        raise KeyboardInterrupt  # after the import's saves, before the store takes its name

    monkeypatch.setattr(common, "publish", interrupted)
    monkeypatch.setattr(core, "SAVES_COMMITTED", [])
    monkeypatch.setattr(core, "SAVES_DISCARDED", [])
    argv = ["fupin", "--store", str(fresh), "--as", "admin", "import", "--create", str(log)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as stopped:
        main.run()

    assert stopped.value.code == 130
    said = " ".join(capsys.readouterr().err.split())
    assert "interrupted: the new store was not put in place, and nothing of it was kept" in said
    assert not fresh.exists()
