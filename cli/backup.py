"""``fupin backup FILE`` / ``fupin restore FILE``: the whole store 备份 / 恢复 (docs/operations.md).

SQLite: an online copy (officers may keep writing), checked with ``PRAGMA quick_check``.
PostgreSQL: ``pg_dump`` (its lock waits bounded by LEDGER_LOCK_TIMEOUT) / ``pg_restore``. A
backup is written beside FILE and given its name only once whole: a failed or killed one
leaves nothing under it.
A restore never overwrites a ledger, and the restored ledger is verified before it is put in
place: against every ``--checkpoint``, or, with none, against the backup's own recorded
checkpoints only (a checkpoint file kept apart proves more, and the output says so). With
``--unverified`` one that does not verify is put in place all the same, to be examined (exit 1).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from ledger.store import parse_store
from ledger.verification import KEY_TABLE_POSITION, VerifyReport
from ledger.written import note_written
from projections import backup as store_backup
from projections.pg import preflight

from cli.common import console, err_console, ledger_session, refusals, settings
from cli.outputs import check_new_store, check_protected, output_path
from cli.privacy import reader_of
from cli.verify import FAILED, CheckpointFiles, read_checkpoint

# Not typer's own check of a readable path (a boxed usage error): restore refuses a backup it
# cannot read in one line, as every refusal (projections.backup.restore).
FileArgument = Annotated[
    Path,
    typer.Argument(help="The backup file 备份文件.", readable=False, parser=output_path),
]


@refusals
def backup(file: FileArgument) -> None:
    """Copy the whole store 备份 (events, read models, keys) into FILE, which must not exist."""
    location = parse_store(settings.store)
    check_protected(file, "file")  # not a file the ledger needs, nor through a planted link
    store_backup.check_target(file)
    # The store must be a ledger, as for every command but init, import --create, demo and
    # restore: an empty file or another database is refused, looked at read-only. --as is an
    # active officer or nobody, as for every reader (tester C, session 28: a ghost backed up).
    with ledger_session() as app:
        reader_of(app)
    store_backup.backup(location, file)
    note_written(file)
    console.print(f"backed up {location.display} to {file}", soft_wrap=True)


#: ``restore --unverified``: a backup whose log does not verify, put in place to be examined.
Unverified = Annotated[
    bool,
    typer.Option(
        "--unverified",
        help="Restore it even if its log does not verify (a damaged or tampered backup), to "
        "examine it with fupin verify and fupin log: still verified, exit 1 when it does not; "
        "record nothing in it.",
    ),
]


@refusals
def restore(
    file: FileArgument, checkpoints: CheckpointFiles = None, unverified: Unverified = False
) -> None:
    """Restore FILE 恢复 into an empty store, verified against every --checkpoint first.

    Verified as fupin verify does, against the backup's own recorded checkpoints only when no
    --checkpoint is given; a backup that does not verify is refused, nothing restored (with
    --unverified: restored, to be examined, exit 1). The store is a SQLite path that does not
    exist yet, or an empty PostgreSQL database."""
    given = [(str(path), read_checkpoint(path)) for path in checkpoints or []]
    preflight(settings.store, create=True)
    location = parse_store(settings.store)
    check_new_store(location)
    report = store_backup.restore(location, file, given, unverified=unverified)
    if store_backup.log_problems(report):  # --unverified: put in place, not verified
        err_console.print(
            f"restored {file} into {location.display}, which does NOT verify: "
            f"{store_backup.where_in_log(report)}; examine it with fupin verify and fupin log; "
            "do not record in it",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        _key_table_notes(report)
        raise typer.Exit(FAILED)
    say = partial(console.print, soft_wrap=True)  # a hash is never wrapped (a pipe: 80)
    say(f"restored {file} into {location.display}")
    root = f"Merkle root {report.root.hex()}"
    if given:
        say(f"verified {report.size} events against {len(given)} checkpoint(s); {root}")
    else:
        say(f"verified {report.size} events {_own(report)}; {root}")
        say(
            "a checkpoint file you kept proves more (restore --checkpoint FILE): the backup's "
            "own checkpoints are in the backup, and whoever holds the log key can sign new ones",
            markup=False,
            highlight=False,
        )
    _key_table_notes(report)


def _key_table_notes(report: VerifyReport) -> None:
    """What the checkpoints do not cover, as the backup holds it (an erasure left
    unfinished): said, not refused; `fupin verify` reports it until it is mended."""
    for problem in report.problems:
        if problem.position != KEY_TABLE_POSITION:
            continue
        err_console.print(
            f"note: the household key table: {problem.event}: {problem.reason}",
            markup=False,
            soft_wrap=True,
        )


def _own(report: VerifyReport) -> str:
    """What the log was verified against: the backup's own recorded checkpoints, counted."""
    count = len(report.recorded_checkpoints)
    if count == 0:
        return "(signatures, roles, versions); the backup records no checkpoint of its own"
    return f"against the backup's own {count} recorded checkpoint{'s' if count > 1 else ''} only"
