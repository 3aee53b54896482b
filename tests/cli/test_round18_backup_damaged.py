"""Round 18: a SQLite backup that is damaged or truncated is named so by ``fupin restore``, not
"not a SQLite database" pointing to PostgreSQL; it is never restored, ``--unverified`` or not,
and nothing is written. SQLite only: the tests cut and overwrite the backup file's bytes."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, assert_refused

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)
UNVERIFIED = pytest.mark.parametrize("flag", ["", "--unverified "], ids=["plain", "unverified"])

NOT_SQLITE = "is not a SQLite database, so not a backup of a SQLite ledger"
DAMAGED = "is a SQLite file, but damaged"
NOT_EITHER = "nothing was restored, not with --unverified either"
#: What SQLite said of a damaged file: PRAGMA quick_check's problems, or its error.
SQLITE_SAID = r"but damaged \((PRAGMA quick_check|SQLite): "


def backup(seeded: Fupin, tmp_path: Path) -> Path:
    """A sound backup of the seeded store, in a folder of its own."""
    folder = tmp_path / "backups"
    folder.mkdir()
    file = folder / "b.db"
    seeded.ok(f"backup {file}")
    return file


def header(file: Path) -> tuple[int, int]:
    """The page size and the page count the SQLite header of ``file`` says."""
    head = file.read_bytes()[:100]
    return int.from_bytes(head[16:18], "big"), int.from_bytes(head[28:32], "big")


def refused_writing_nothing(seeded: Fupin, file: Path, flag: str, rule: str) -> str:
    """Restore ``file`` beside itself: refused with ``rule``, and the folder left as it was."""
    folder = file.parent
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    result = seeded(f"--store {folder / 'r.db'} restore {flag}{file}")

    assert_refused(result, "file", f"{file} {rule}")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    return str(result.stderr)


@SQLITE
@UNVERIFIED
def test_a_truncated_backup_is_named_so(seeded: Fupin, tmp_path: Path, flag: str) -> None:
    # It said "not a SQLite database … (a PostgreSQL backup is restored into a PostgreSQL
    # store)" of a backup that had lost its last page.
    file = backup(seeded, tmp_path)
    size, pages = header(file)
    cut = file.parent / "t.db"
    cut.write_bytes(file.read_bytes()[:-size])

    said = refused_writing_nothing(seeded, cut, flag, DAMAGED)

    assert f"it is {size} bytes shorter than its header says ({pages} pages" in said
    assert "a backup copied in part?" in said
    assert NOT_EITHER in said
    assert "PostgreSQL" not in said


@SQLITE
def test_a_backup_cut_inside_a_page_is_not_restored(seeded: Fupin, tmp_path: Path) -> None:
    # It was refused as a log that does not verify, pointing at --unverified (and restored,
    # exit 0, when the last page held no event: SQLite reads its missing end as zeros).
    file = backup(seeded, tmp_path)
    cut = file.parent / "t.db"
    cut.write_bytes(file.read_bytes()[:-100])

    said = refused_writing_nothing(seeded, cut, "", DAMAGED)

    assert "it is 100 bytes shorter than its header says" in said


@SQLITE
@UNVERIFIED
def test_a_backup_whose_header_counts_a_page_more_is_named_damaged(
    seeded: Fupin, tmp_path: Path, flag: str
) -> None:
    file = backup(seeded, tmp_path)
    size, pages = header(file)
    data = bytearray(file.read_bytes())
    data[28:32] = (pages + 1).to_bytes(4, "big")
    file.write_bytes(bytes(data))

    said = refused_writing_nothing(seeded, file, flag, DAMAGED)

    assert f"it is {size} bytes shorter than its header says ({pages + 1} pages" in said
    assert "PostgreSQL" not in said


@SQLITE
@UNVERIFIED
def test_a_backup_whose_header_counts_a_page_less_is_named_damaged(
    seeded: Fupin, tmp_path: Path, flag: str
) -> None:
    # SQLite then ignores the last page: it was refused as "cannot read" only once copying
    # began (and restored without it, exit 0, when that page held no event).
    file = backup(seeded, tmp_path)
    _, pages = header(file)
    data = bytearray(file.read_bytes())
    data[28:32] = (pages - 1).to_bytes(4, "big")
    file.write_bytes(bytes(data))

    said = refused_writing_nothing(seeded, file, flag, DAMAGED)

    assert re.search(SQLITE_SAID, said), said
    assert NOT_EITHER in said


def events_page(file: Path) -> int:
    """A page of the events table in the middle of ``file`` (not its first, not its last)."""
    with sqlite3.connect(file) as db:
        pages = [
            row[0]
            for row in db.execute(
                "SELECT pageno FROM dbstat WHERE name = 'stored_events' ORDER BY pageno"
            )
        ]
        count = db.execute("PRAGMA page_count").fetchone()[0]
    db.close()
    middle = [page for page in pages if 1 < page < count]
    assert middle, pages
    return int(middle[len(middle) // 2])


@SQLITE
@UNVERIFIED
def test_a_backup_damaged_in_the_middle_is_not_restored(
    seeded: Fupin, tmp_path: Path, flag: str
) -> None:
    # Without --unverified it was refused as a log that does not verify, naming
    # --unverified; with it, the damaged file was put in place (exit 1).
    file = backup(seeded, tmp_path)
    size, _ = header(file)
    page = events_page(file)
    for name in ("b.db-wal", "b.db-shm"):  # left by the look at its pages
        (file.parent / name).unlink(missing_ok=True)
    with file.open("r+b") as raw:
        raw.seek(size * (page - 1))
        raw.write(b"\xff" * 64)

    said = refused_writing_nothing(seeded, file, flag, DAMAGED)

    assert re.search(SQLITE_SAID, said), said
    assert "written into?" in said
    assert NOT_EITHER in said
    assert "restore --unverified puts it in place" not in said


@SQLITE
def test_only_a_file_without_the_sqlite_header_is_called_not_sqlite(
    seeded: Fupin, tmp_path: Path
) -> None:
    # The same bytes behind a SQLite header were called "not a SQLite database" too.
    folder = tmp_path / "backups"
    folder.mkdir()
    junk = b"not a database, whatever its name says\n" * 200
    plain, headed = folder / "plain.db", folder / "headed.db"
    plain.write_bytes(junk)
    headed.write_bytes(b"SQLite format 3\0" + junk)

    kept = refused_writing_nothing(seeded, plain, "", NOT_SQLITE)
    named = refused_writing_nothing(seeded, headed, "--unverified ", DAMAGED)

    assert "(a PostgreSQL backup is restored into a PostgreSQL store)" in kept
    assert "damaged" not in kept
    assert NOT_SQLITE not in named
    assert NOT_EITHER in named
