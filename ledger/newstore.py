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
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ledger.errors import ConflictError

__all__ = ["publish", "staged", "umask"]

#: The files SQLite keeps beside a database while it is open.
_SIDE_FILES = ("-wal", "-shm", "-journal")


@contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A hidden, empty file beside ``path`` to make the store in; always removed afterwards
    (after ``publish`` the store lives on under ``path``)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    os.close(handle)
    temp = Path(name)
    # mkstemp makes it 0600; a store made in place gets the user's umask, as before.
    os.chmod(temp, 0o666 & ~umask())
    try:
        yield temp
    finally:
        for suffix in ("", *_SIDE_FILES):
            with suppress(FileNotFoundError):
                os.unlink(f"{temp}{suffix}")


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
    try:
        os.link(temp, path)
    except FileExistsError:
        raise _taken(path) from None
    except OSError:
        # A file system without hard links: claim the name, then move the store onto it.
        # Another process sees an empty file for that moment, which it refuses to open.
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            raise _taken(path) from None
        os.replace(temp, path)


def _taken(path: Path) -> ConflictError:
    return ConflictError(
        "store",
        f"{path} was made by another process meanwhile; nothing was written to it: look "
        "at it before running the command again",
    )
