"""The files a command has written whole (an ``-o``/``--out`` file, a key file, a backup),
noted as each is complete, so that what cannot be said afterwards (standard output full or
closed: ``cli.stdout.failed``) still names what stands, as ``ledger.core.SAVES_COMMITTED``
does for what was committed (since session 24)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["FILES_WRITTEN", "SAVES_BEGUN", "note_written"]

#: The files written so far by the command under way, in the order they were completed.
FILES_WRITTEN: list[str] = []
#: Whether this command began a save (cleared as a command begins, ``cli.main``; set by
#: ``ledger.core``): one whose server was lost before any is told that nothing was recorded
#: (``ledger.store.server_gone_message``, since session 28).
SAVES_BEGUN: list[bool] = []


def note_written(path: Path | str) -> None:
    """Note ``path`` as written whole."""
    FILES_WRITTEN.append(os.fspath(path))
