"""A store made by ``fupin init`` or ``fupin import --create`` exists only if the command
succeeded; a store another process made in the meantime is never touched (ledger.newstore)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from cli.main import app
from ledger import imports
from ledger.application import open_ledger
from ledger.errors import ConflictError
from ledger.newstore import publish, staged
from typer.testing import CliRunner

from cli import importing
from tests.support import ledger_at

runner = CliRunner()


def exported(tmp_path: Path) -> Path:
    """An export of a small ledger (tests.support.ledger_at)."""
    with ledger_at(tmp_path / "source.db"):
        pass
    log = tmp_path / "events.jsonl"
    source = str(tmp_path / "source.db")
    result = runner.invoke(
        app, ["--store", source, "--as", "admin", "export", "events", "-o", str(log)]
    )
    assert result.exit_code == 0, result.output
    return log


def events(path: Path) -> int:
    ledger = open_ledger(str(path))
    try:
        return ledger.event_count()
    finally:
        ledger.close()


def folder_listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_refused_import_with_create_leaves_no_store(tmp_path: Path) -> None:
    log = exported(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(log.read_text().replace('"admin"', '""'))
    target = tmp_path / "new" / "fresh.db"
    target.parent.mkdir()

    result = runner.invoke(app, ["--store", str(target), "import", "--create", str(bad)])

    assert result.exit_code == 2, result.output
    assert "nothing written" in result.output
    assert folder_listing(target.parent) == []  # no store, no hidden leftovers


def test_a_tried_import_with_create_leaves_no_store(tmp_path: Path) -> None:
    log = exported(tmp_path)
    target = tmp_path / "new" / "fresh.db"
    target.parent.mkdir()

    result = runner.invoke(
        app, ["--store", str(target), "import", "--create", "--dry-run", str(log)]
    )

    assert result.exit_code == 0, result.output
    assert "would be applied" in result.output
    assert folder_listing(target.parent) == []


def test_an_empty_file_imported_with_create_makes_no_store(tmp_path: Path) -> None:
    # A store with no event, not even the first admin, is no ledger.
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    target = tmp_path / "new" / "fresh.db"
    target.parent.mkdir()

    result = runner.invoke(app, ["--store", str(target), "import", "--create", str(empty)])

    # refused since session 21 (an empty file holds nothing to import), before which 0 rows
    assert result.exit_code == 2, result.output
    assert "is empty (0 bytes)" in result.output
    assert folder_listing(target.parent) == []


def test_an_applied_import_with_create_makes_the_whole_store(tmp_path: Path) -> None:
    log = exported(tmp_path)
    target = tmp_path / "new" / "fresh.db"
    target.parent.mkdir()

    result = runner.invoke(app, ["--store", str(target), "import", "--create", str(log)])

    assert result.exit_code == 0, result.output
    assert folder_listing(target.parent) == ["fresh.db"]
    # the source's events, plus the import's own record: the register's first event, a batch,
    # and the move's record (RebuiltFromExport, since session 23)
    assert events(target) == events(tmp_path / "source.db") + 3
    verified = runner.invoke(app, ["--store", str(target), "verify"])
    assert verified.exit_code == 0, verified.output


def test_a_refused_init_leaves_no_store(tmp_path: Path) -> None:
    target = tmp_path / "new" / "fresh.db"
    target.parent.mkdir()

    result = runner.invoke(
        app, ["--store", str(target), "init", "--admin", "", "--name", "区扶贫办", "-d", "doc"]
    )

    assert result.exit_code == 2, result.output
    assert folder_listing(target.parent) == []


def test_a_store_made_meanwhile_by_another_process_is_kept_and_the_import_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = exported(tmp_path)
    target = tmp_path / "new" / "fresh.db"
    target.parent.mkdir()
    theirs = b"another process's ledger"
    real = imports.import_rows

    def racing(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        target.write_bytes(theirs)  # made while this import ran
        return result

    monkeypatch.setattr(importing, "import_rows", racing)

    result = runner.invoke(app, ["--store", str(target), "import", "--create", str(log)])

    assert result.exit_code == 2, result.output
    assert "made by another process meanwhile" in result.output
    assert target.read_bytes() == theirs
    assert folder_listing(target.parent) == ["fresh.db"]


def test_publish_never_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "l.db"
    with staged(target) as temp:
        sqlite3.connect(temp).close()
        target.write_text("theirs")
        with pytest.raises(ConflictError, match="made by another process"):
            publish(temp, target)
    assert target.read_text() == "theirs"
    assert folder_listing(tmp_path) == ["l.db"]


def test_publish_folds_the_write_ahead_log_into_the_store(tmp_path: Path) -> None:
    # Only the file takes the store's name: rows still in the staged file's log are read
    # under the new name only once they are in the file.
    target = tmp_path / "l.db"
    with staged(target) as temp:
        writer = sqlite3.connect(temp)
        try:
            writer.execute("PRAGMA journal_mode=WAL")
            writer.execute("PRAGMA wal_autocheckpoint=0")
            writer.execute("CREATE TABLE t (n INTEGER)")
            writer.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(100)])
            writer.commit()
            publish(temp, target)
            # read as the file holds it, while the log's writer is still open
            reader = sqlite3.connect(f"{target.as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                assert reader.execute("SELECT COUNT(*) FROM t").fetchone() == (100,)
            finally:
                reader.close()
        finally:
            writer.close()


def test_a_new_store_has_the_modes_a_file_made_in_place_would_have(tmp_path: Path) -> None:
    # Officers sharing a store by group rights: the hidden file's 0600 must not stay.
    target = tmp_path / "fresh.db"
    before = os.umask(0o002)
    try:
        result = runner.invoke(
            app, ["--store", str(target), "init", "--admin", "admin", "--name", "区", "-d", "doc"]
        )
    finally:
        os.umask(before)

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # as SQLite makes one: never group-writable
