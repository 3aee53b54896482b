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

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import typer
from ledger.application import Ledger, NoLedgerError
from ledger.errors import InputError, LedgerError
from ledger.known import last_entry
from ledger.store import parse_store
from ledger.transparency import erased_households, prefix_root
from ledger.verification import KEY_TABLE_POSITION, VerifyReport
from ledger.written import note_written
from projections import backup as store_backup
from projections.pg import preflight
from projections.undone_erasures import undone_erasures

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


#: ``restore --replaces``: the store the restore stands in for, whose erasures it compares.
Replaces = Annotated[
    str | None,
    typer.Option(
        "--replaces",
        help="The store this restore replaces (a SQLite path or a PostgreSQL URL), read only: "
        "the households it records as erased after the backup was taken are named, to be "
        "erased again in the restored store.",
        metavar="<store>",
    ),
]


@refusals
def restore(
    file: FileArgument,
    checkpoints: CheckpointFiles = None,
    unverified: Unverified = False,
    replaces: Replaces = None,
) -> None:
    """Restore FILE 恢复 into an empty store, verified against every --checkpoint first.

    Verified as fupin verify does, against the backup's own recorded checkpoints only when no
    --checkpoint is given; a backup that does not verify is refused, nothing restored (with
    --unverified: restored, to be examined, exit 1). The store is a SQLite path that does not
    exist yet, or an empty PostgreSQL database. An erasure recorded after the backup was
    taken is undone by the restore: --replaces names the households to erase again."""
    given = [(str(path), read_checkpoint(path)) for path in checkpoints or []]
    preflight(settings.store, create=True)
    location = parse_store(settings.store)
    check_new_store(location)
    replaced = _replaced(replaces) if replaces is not None else None
    check = partial(_begins_with_backup, replaces) if replaces is not None else None
    report = store_backup.restore(location, file, given, unverified=unverified, check=check)
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
    _restored(file, location.display, report, given)
    with ledger_session() as app:
        _erasures_undone(app, replaces, replaced)
        _master_needed(app, replaces, replaced)


@contextmanager
def _store(store: str) -> Iterator[Ledger]:
    """The ledger at ``store`` (not the one ``--store`` names), opened as every command
    opens its own: an empty file or another database is refused."""
    target = settings.store
    settings.store = store
    try:
        with ledger_session() as app:
            yield app
    finally:
        settings.store = target


#: What ``--replaces`` must name, said when it names something else (since session 30).
_REPLACES_RULE = (
    "--replaces names the store the backup was taken of (or one restored from it), whose "
    "log begins with the backup's whole log"
)
#: What to do when that store cannot be read.
_LEAVE_OUT = (
    "leave --replaces out when the store it replaces cannot be read: docs/operations.md says "
    "how its erasures are found"
)


class _Replaced(NamedTuple):
    """What a restore reads of the store it replaces (``--replaces``) before it restores."""

    #: The households it records as erased (``erased_households``).
    erased: set[str]
    #: The master key its household keys are wrapped under (``HouseholdKeys.wrapped_under``).
    master: str | None


def _replaced(replaces: str) -> _Replaced:
    """The households the store ``replaces`` records as erased, and the master key its
    household keys are under, read before anything is
    restored: a store that cannot be read is refused on ``replaces``, nothing restored; one
    that holds no ledger (an empty file, pg_dump's archive, another database) is refused for
    what it is, not with the advice said of ``--store`` (``fupin init``; since session 30)."""
    path = parse_store(replaces).path
    if path is not None and not os.path.lexists(path):
        raise InputError(
            "replaces",
            f"{path} does not exist: name the store this restore replaces, or leave --replaces "
            "out (docs/operations.md says how its erasures are found then); nothing was restored",
        )
    found = store_backup.not_a_store(path) if path is not None else None
    if found is not None:
        raise InputError("replaces", f"{path} {found}: {_REPLACES_RULE}; nothing was restored")
    try:
        with _store(replaces) as app:
            return _Replaced(erased_households(app.recorder), app.household_keys.wrapped_under())
    except NoLedgerError as exc:
        raise InputError(
            "replaces", f"{exc.found}: {_REPLACES_RULE}; nothing was restored"
        ) from None
    except LedgerError as exc:
        raise InputError("replaces", f"{exc.rule}; nothing was restored ({_LEAVE_OUT})") from None


def _begins_with_backup(replaces: str, report: VerifyReport) -> None:
    """Refuse the restore, before it is put in place, unless the log of the store
    ``replaces`` begins with the restored one: its RFC 9162 tree head at the backup's size is
    the backup's root (``prefix_root``). Another ledger's store, or an unrelated one, named
    none or the wrong households (a tester, session 30, HIGH). A log that does not verify
    (``--unverified``) is not compared: its erasures are not named either."""
    if store_backup.log_problems(report):
        return
    size = report.size
    try:
        with _store(replaces) as app:
            held, root = prefix_root(
                app.recorder, size, "its log cannot be compared with the backup's"
            )
    except LedgerError as exc:
        raise InputError("replaces", f"{exc.rule}; nothing was restored ({_LEAVE_OUT})") from None
    if held == size and root == report.root:
        return
    old = parse_store(replaces).display
    if held < size:
        found = f"{old} holds {held} entries, fewer than the backup's {size}"
    else:
        found = (
            f"{old} does not begin with the backup's {size} entries (its Merkle tree head at "
            f"size {size} is {root.hex()}, the backup's root {report.root.hex()})"
        )
    raise InputError(
        "replaces",
        f"{found}: it is not the store the backup was taken of, and the households it erased "
        f"are not the backup's; {_REPLACES_RULE}; nothing was restored ({_LEAVE_OUT})",
    )


def _restored(file: Path, shown: str, report: VerifyReport, given: list[Any]) -> None:
    """What a restore that verifies says: what was restored, what it was verified against,
    and when its last entry was recorded (``_backup_end``)."""
    say = partial(console.print, soft_wrap=True)  # a hash is never wrapped (a pipe: 80)
    say(f"restored {file} into {shown}")
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


def _erasures_undone(app: Ledger, replaces: str | None, replaced: _Replaced | None) -> None:
    """Said by every restore (since session 29, tester C: a backup taken before an erasure
    brought the household's personal data back, exit 0, without a word): when the backup's
    last entry was recorded, and that an erasure recorded after it is undone; with
    ``--replaces``, the households the store it replaces erased since, each on stderr."""
    end = last_entry(app.recorder)
    if end is None:
        return
    position, recorded, _actor = end
    lead = f"the backup's last entry, entry {position}, was recorded at {recorded.isoformat()}"
    store = parse_store(settings.store).display
    erase = f"fupin --store {store} --as admin erase NUMBER --reason … -d …"
    if replaces is None or replaced is None:
        console.print(
            f"{lead}: an erasure the store it replaces recorded after that is undone by this "
            "restore (the household's personal data reads again here): find them in that store "
            f"(`fupin --store OLD log --since {position}`, its PersonalDataErased entries; or "
            f"restore with --replaces OLD) and erase each again here ({erase})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return
    old = parse_store(replaces).display
    undone = undone_erasures(replaced.erased, app.recorder)
    if not undone:
        console.print(
            f"{lead}; {old}, which it replaces, records no erasure it undoes",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    for number in undone:
        err_console.print(
            f"warning: {number} was erased in {old} after this backup was taken (its last "
            f"entry, entry {position}, was recorded at {recorded.isoformat()}): the restore "
            f"undoes that erasure, and its personal data reads again here; erase it again: "
            f"{erase.replace('NUMBER', number)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def _master_needed(app: Ledger, replaces: str | None, replaced: _Replaced | None) -> None:
    """Which master key the restored ledger needs: the one its household keys are wrapped
    under (``HouseholdKeys.wrapped_under``; since session 30: a restore said none, and a
    backup taken before a rotation needs the master key the rotation retired, not the one in
    force). With ``--replaces``, when the store it replaces is under another (rotated since the
    backup), a warning on stderr: the restored ledger needs the retired key, and how to rotate
    it to the current one. Nothing when it holds no household key and records no rotation."""
    needed = app.household_keys.wrapped_under()
    if needed is None:
        return
    lead = f"the restored ledger's household keys are wrapped under master key {needed}"
    say = partial(console.print, markup=False, highlight=False, soft_wrap=True)
    if replaces is None or replaced is None:
        say(
            f"{lead}: give it that master key (LEDGER_MASTER_KEY_FILE) to read or record "
            "personal data; a master key rotated to after the backup was taken does not read "
            'them, and the one it retired does (docs/operations.md, "Backups")'
        )
        return
    current = replaced.master
    old = parse_store(replaces).display
    if current is None or current == needed:
        say(f"{lead}, as {old}'s are: give it that master key (LEDGER_MASTER_KEY_FILE)")
        return
    store = parse_store(settings.store).display
    err_console.print(
        f"warning: {lead}, not master key {current}, which {old}'s are under (a rotation "
        f"after this backup was taken): give it master key {needed} (LEDGER_MASTER_KEY_FILE), "
        f"which that rotation retired; to go on with master key {current}, rotate it to that "
        f"one: LEDGER_MASTER_KEY_FILE=<master key {needed}> fupin --store {store} --as admin "
        f"keys rotate-master --new-key-file <master key {current}> -d …; without master key "
        f"{needed} the personal data restored cannot be read",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


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
