"""The files a command has written whole (an ``-o``/``--out`` file, a key file, a backup),
noted as each is complete, so that what cannot be said afterwards (standard output full or
closed: ``cli.stdout.failed``) still names what stands, as ``ledger.core.SAVES_COMMITTED``
does for what was committed (since session 24)."""

from __future__ import annotations

import os
from pathlib import Path

from ledger.errors import InputError

__all__ = [
    "FILES_WRITTEN",
    "KEY_FILE_KEPT",
    "SAVES_BEGUN",
    "create_key_file",
    "exists_refusal",
    "note_written",
]

#: The files written so far by the command under way, in the order they were completed.
FILES_WRITTEN: list[str] = []
#: Whether this command began a save (cleared as a command begins, ``cli.main``; set by
#: ``ledger.core``): one whose server was lost before any is told that nothing was recorded
#: (``ledger.store.server_gone_message``, since session 28).
SAVES_BEGUN: list[bool] = []


#: Why a key file is written only as a new one: a lost key cannot be recovered, and a
#: replaced one silently orphans its registration in the ledger.
KEY_FILE_KEPT = "a key file is never overwritten"


def exists_refusal(path: Path, field: str, rule: str) -> InputError:
    """The refusal of an existing ``path`` that is written only as a new file (``rule`` says
    why, as KEY_FILE_KEPT), in one wording for every such output (docs/cli.md)."""
    return InputError(field, f"{str(path)!r} exists; {rule}: name a new file")


def create_key_file(path: Path) -> int:
    """A descriptor of ``path`` made now, readable by its owner alone (0600), never over a
    file; refused on ``output``, worded as every output file's refusal (docs/cli.md "Output
    files"; since session 29, re-tester L: ``refused out: k.pem exists``, unquoted)."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise exists_refusal(path, "output", KEY_FILE_KEPT) from None
    except OSError as exc:
        raise InputError("output", f"cannot write {str(path)!r}: {exc.strerror or exc}") from None


def note_written(path: Path | str) -> None:
    """Note ``path`` as written whole."""
    FILES_WRITTEN.append(os.fspath(path))
