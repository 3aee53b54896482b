"""A new SQLite store made beside its path and put in place only when the command succeeds.

``fupin init`` and ``fupin import --create`` make a store that does not exist yet. Made in
place, a refused or tried (``--dry-run``) command would leave an empty store behind, which
``verify``, the reports and ``init`` take for a ledger. Removing it afterwards is not safe:
another process may have made the same store in the meantime. So the store is made in a
hidden file in the same folder, and linked to its name only on success: ``os.link`` never
replaces a file, so a store another process made first is never touched.
"""

from __future__ import annotations

import os
import sqlite3  # noqa: TID251 - to fold the new store's write-ahead log into its file
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ledger.errors import ConflictError, InputError, LedgerError

__all__ = ["check_no_side_files", "link_into_place", "publish", "staged", "umask"]

#: The files SQLite keeps beside a database while it is open.
_SIDE_FILES = ("-wal", "-shm", "-journal")


@contextmanager
def staged(path: Path, field: str = "store", *, private: bool = False) -> Iterator[Path]:
    """A hidden, empty file beside ``path`` to make the store in; always removed afterwards
    (after ``publish`` the store lives on under ``path``). A folder where no file can be
    made (``/proc/1``, read-only) is refused naming ``field``, and so is a path with a
    ``-wal``, ``-shm`` or ``-journal`` left beside it (``check_no_side_files``). A
    ``private`` one (a backup) is readable by its owner only, 0600, whatever the umask."""
    check_no_side_files(path, field)
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{_shortened(path.name)}.", suffix=".new", dir=path.parent
        )
    except OSError as exc:
        raise InputError(field, f"cannot make {path}: {exc.strerror or exc}") from None
    os.close(handle)
    temp = Path(name)
    # mkstemp makes it 0600; SQLite makes a new database 0644 less the umask, as a store made
    # in place was (0666 would let the group write the ledger and its keys under umask 002).
    # A backup stays 0600, as every other output holding personal data (tester C, session
    # 28: it was 0644 under umask 022, every household's wrapped key and free text with it).
    if not private:
        os.chmod(temp, 0o644 & ~umask())
    try:
        yield temp
    finally:
        for suffix in ("", *_SIDE_FILES):
            with suppress(FileNotFoundError):
                os.unlink(f"{temp}{suffix}")


#: The most of the store's name the hidden file's name repeats, in bytes: room is left for
#: the rest (``.``, ``.`` and mkstemp's eight random characters, ``.new``) and SQLite's
#: ``-journal`` beside it, in a file name of 255 bytes; any store name the file system takes
#: can then be made.
_NAME_KEPT = 200


def _shortened(name: str) -> str:
    """``name`` cut to at most ``_NAME_KEPT`` bytes, never inside a character (bytes that
    are no UTF-8 are left out: the hidden name only has to be recognisable)."""
    data = os.fsencode(name)
    if len(data) <= _NAME_KEPT:
        return name
    return data[:_NAME_KEPT].decode("utf-8", "ignore")


def check_no_side_files(path: Path, field: str = "store") -> None:
    """Refuse a new database at ``path`` while SQLite's ``-wal``, ``-shm`` or ``-journal`` of
    that name is there: left by a store that was at ``path`` (a writer killed, the file then
    removed), SQLite would take it for the new file's own and replay it into it (a security
    re-tester, session 23: a restore said "verified 15830 events", then SQLite replayed a
    stale write-ahead log onto it, and ``fupin verify`` found 100 events and a foreign table;
    ``init`` made a malformed store). Never deleted here: it may hold what the old store
    last saved."""
    for suffix in _SIDE_FILES:
        side = f"{path}{suffix}"
        if os.path.lexists(side):
            raise InputError(
                field,
                f"{side} exists: SQLite's {suffix} file of a database that was at {path}, "
                "which SQLite would replay into the new one; nothing was written: move it "
                "away, or delete it once sure it is not needed, then run the command again",
            )


def umask() -> int:
    """The process's file mode creation mask (read by setting it, then set back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish(temp: Path, path: Path) -> None:
    """Give the finished store in ``temp`` its name ``path``, unless ``path`` exists by now.

    Every connection to ``temp`` must be closed: its write-ahead log is folded into the file
    first, since only the file takes the name."""
    connection = sqlite3.connect(temp)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    link_into_place(temp, path, lambda: _taken(path), "store")


def link_into_place(temp: Path, path: Path, taken: Callable[[], LedgerError], field: str) -> None:
    """Give the file ``temp`` the name ``path`` unless a file of that name exists by now
    (``taken()`` is raised then): ``os.link`` never replaces one. On a file system without
    hard links the name is claimed with ``O_EXCL``, then ``temp`` moved onto it; another
    process sees an empty file for that moment, which it refuses to open. A failure is
    refused naming ``field``, and leaves nothing under the name; so is a ``-wal``, ``-shm``
    or ``-journal`` of ``path`` that appeared meanwhile (``check_no_side_files``)."""
    check_no_side_files(path, field)
    try:
        os.link(temp, path)
    except FileExistsError:
        raise taken() from None
    except OSError:
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            raise taken() from None
        except OSError as exc:
            raise InputError(field, f"cannot make {path}: {exc.strerror or exc}") from None
        try:
            os.replace(temp, path)
        except OSError as exc:
            os.unlink(path)  # the empty claim: nothing is left under the name
            raise InputError(field, f"cannot make {path}: {exc.strerror or exc}") from None


def _taken(path: Path) -> ConflictError:
    return ConflictError(
        "store",
        f"{path} was made by another process meanwhile; nothing was written to it: look "
        "at it before running the command again",
    )
