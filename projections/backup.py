"""Backup 备份 and restore 恢复 of a whole store: events, read models, keys, in one file.

- SQLite: ``sqlite3``'s online backup API, a consistent copy while officers keep writing.
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --single-transaction``; the
  password goes through ``PGPASSWORD``, never the command line. The client tools must be at
  least the server's major version (``LEDGER_PG_BIN`` names their folder if not on ``PATH``).

A restore never overwrites a ledger: the target must be a SQLite path that does not exist, or
a PostgreSQL database that holds no ledger. The restored log is verified as ``fupin verify``
verifies it (signatures, roles, versions, the Merkle root against the backup's own recorded
checkpoints and every checkpoint file given) before it is put in place (SQLite: it is written
beside the target and renamed only when it verifies) or kept (PostgreSQL: what the restore
created is dropped again). ``unverified`` (``restore --unverified``) puts in place, to be
examined, one whose log does not verify; the report returned says what fails. A SQLite backup
that is damaged or truncated (``PRAGMA quick_check``, or shorter than its header says) is
refused with or without it, as ``backup`` refuses a damaged store.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
from ledger.application import StoreError, open_ledger
from ledger.errors import ConflictError, InputError, LedgerError, RuleError
from ledger.newstore import link_into_place, publish, staged
from ledger.schema import listed, sqlite_foreign
from ledger.store import SERVER_CLOSED, SERVER_CLOSED_SAID, StoreLocation, lock_timeout
from ledger.transparency import Checkpoint, rebuilt_from_export
from ledger.verification import KEY_TABLE_POSITION, Problem, VerifyReport, verify_ledger

from projections.catchup import distrust
from projections.storage import holds_events, open_database

__all__ = ["backup", "check_target", "log_problems", "not_a_store", "restore", "where_in_log"]

Checkpoints = Sequence[tuple[str, Checkpoint]]
#: What a restore checks of the restored ledger once it verifies, before it is put in place
#: (``restore --replaces``: that the store it replaces begins with it); it raises to refuse.
Check = Callable[[VerifyReport], None]


def check_target(target: Path) -> None:
    """Refuse, before any work, a backup file that exists or whose folder does not."""
    if target.exists() or target.is_symlink():
        raise InputError("file", f"{target} exists already; a backup never overwrites")
    folder = target.parent
    if not folder.is_dir():
        problem = "is not a folder" if folder.exists() else "does not exist"
        raise InputError("file", f"cannot write {target}: {folder} {problem}")


def backup(location: StoreLocation, target: Path) -> None:
    """Write the whole store to ``target`` (which must not exist yet).

    The copy is written into a hidden file beside ``target`` and linked to its name only
    once it is whole (and, for SQLite, sound: ``PRAGMA quick_check``), never over a file
    another process made meanwhile (``_put_in_place``). A backup refused, failed or killed
    leaves nothing under the name (a killed one leaves its hidden ``.NAME.*.new`` file)."""
    check_target(target)
    source = None if location.kind == "postgres" else _sqlite_file(location)
    if source is None:
        _found("pg_dump", "backed up")  # before the hidden file is made
    try:
        with staged(target, "file", private=True) as staging:
            if source is None:
                _pg_dump(location, staging, target)
            else:
                _sqlite_copy(source, staging, target)
                _check_sound(staging, source)
            _put_in_place(staging, target)
    except OSError as exc:  # the folder not writable, the disk full...
        why = exc.strerror or str(exc)
        raise InputError("file", f"cannot write {target}: {why}; nothing was backed up") from None


def _put_in_place(staging: Path, target: Path) -> None:
    """Give the finished backup in ``staging`` the name ``target``, unless a file of that
    name was made meanwhile (``ledger.newstore.link_into_place``, as for a new store), and
    make the new name durable."""
    link_into_place(staging, target, lambda: _appeared(target), "file")
    try:  # the new name survives a power cut, as the copy itself does
        folder = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


def _appeared(target: Path) -> InputError:
    return InputError(
        "file",
        f"{target} exists already: another process made it while the backup was written; a "
        "backup never overwrites, nothing was written to it",
    )


def restore(
    location: StoreLocation,
    source: Path,
    checkpoints: Checkpoints,
    *,
    unverified: bool = False,
    check: Check | None = None,
) -> VerifyReport:
    """Restore ``source`` into the (empty) store once its log verifies (``_verify``): against
    ``checkpoints`` if any, else against its own recorded checkpoints only. The backup must
    hold a ledger that verifies: anything else is refused, and nothing is restored. ``check``
    is given the report once the log is verified, before the store is put in place: what it
    raises refuses the restore, nothing restored.

    ``unverified`` (``restore --unverified``, to examine a damaged or tampered backup): a log
    that does not verify is put in place all the same, and the report returned says what
    fails (``log_problems``, ``where_in_log``); a backup that holds no ledger is still refused,
    and so is a SQLite file that is damaged or truncated (``_check_sqlite_backup``)."""
    if not source.is_file():
        raise InputError("file", f"{source} is not a file")
    try:  # one that exists but cannot be read (its mode): said before anything is made
        with source.open("rb"):
            pass
    except OSError as exc:
        raise InputError("file", f"cannot read {source}: {exc.strerror or exc}") from None
    if location.kind == "postgres":
        _check_pg_backup(source)
        return _restore_pg(location, source, checkpoints, unverified, check)
    _check_sqlite_backup(source)
    target = _sqlite_file(location, must_exist=False)
    if target.exists() or target.is_symlink():
        raise InputError("store", f"{target} exists; restore into a new path, never over a ledger")
    if not target.parent.is_dir():
        raise InputError("store", f"folder {target.parent} does not exist")
    # Copied into a hidden file beside the target, verified there, and linked to its name
    # only then: never over a file another process made meanwhile (ledger.newstore).
    with staged(target) as staging:
        _sqlite_copy(source, staging, target, backup=True)
        try:
            report = _verify(str(staging), checkpoints, source, unverified)
            _distrust_read_models(str(staging))
        except StoreError as exc:  # said of the hidden copy: said of the backup instead
            raise InputError("file", exc.rule.replace(str(staging), str(source))) from None
        if check is not None:
            check(report)
        try:
            publish(staging, target)
        except ConflictError:
            raise ConflictError(
                "store", f"{target} was made by another process meanwhile; nothing was restored"
            ) from None
    return report


#: How every SQLite database file begins (a SQLite store's backup is one).
SQLITE_HEADER = b"SQLite format 3\0"
#: How pg_dump's custom archive begins (a PostgreSQL store's backup is one).
PG_DUMP_HEADER = b"PGDMP"


def _header(source: Path) -> bytes:
    """The first bytes of ``source`` (none if it cannot be read: the restore says why)."""
    try:
        with source.open("rb") as file:
            return file.read(len(SQLITE_HEADER))
    except OSError:
        return b""


def not_a_store(path: Path) -> str | None:
    """What the file ``path`` is when it is no SQLite database, so no SQLite store (said after
    its name): pg_dump's archive, a PostgreSQL ledger's backup, or another file. None for a
    SQLite file, an empty one or one that cannot be read (opening it as a store says why)."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    header = _header(source=path)
    if header in (b"", SQLITE_HEADER):
        return None
    if header.startswith(PG_DUMP_HEADER):
        return "is pg_dump's archive, a PostgreSQL ledger's backup, not a store"
    return "is not a SQLite database, so not a ledger"


def _check_pg_backup(source: Path) -> None:
    """Refuse, naming the file, what cannot be a PostgreSQL store's backup and is known for
    what it is: pg_restore only said "input file does not appear to be a valid archive"."""
    if source.stat().st_size == 0:
        raise InputError("file", f"{source} is empty, not a backup of a ledger")
    if _header(source) == SQLITE_HEADER:
        raise InputError(
            "file",
            f"{source} is not pg_dump's archive but a SQLite database, a backup of a SQLite "
            "ledger: it is restored into a SQLite store (--store path/to/new.db, a path that "
            "does not exist yet), not into a PostgreSQL store; nothing was restored",
        )


def _check_sqlite_backup(source: Path) -> None:
    """A SQLite backup of a ledger, looked at read-only; else a refusal naming the file: one
    that is no SQLite database (its first bytes), one that is SQLite but damaged or truncated
    (``_damage``: never restored, with ``--unverified`` or without), one without events."""
    if source.stat().st_size == 0:
        raise InputError("file", f"{source} is empty, not a backup of a ledger")
    header = _header(source)
    if header.startswith(PG_DUMP_HEADER):
        raise InputError(
            "file",
            f"{source} is not a SQLite database but pg_dump's archive, a backup of a "
            "PostgreSQL ledger: it is restored into a PostgreSQL store (--store "
            "postgresql://user:pass@host:port/db, an empty database), not into a SQLite "
            "store; nothing was restored",
        )
    if header != SQLITE_HEADER:
        raise InputError(
            "file",
            f"{source} is not a SQLite database, so not a backup of a SQLite ledger (a "
            "PostgreSQL backup is restored into a PostgreSQL store)",
        )
    damage = _damage(source)
    held = holds_events(source) if damage is None else None
    if held is None:
        raise InputError(
            "file",
            f"{source} is a SQLite file, but damaged{damage or ' (SQLite cannot open it)'}; "
            "nothing was restored, not with --unverified either (that puts in place a backup "
            "whose log does not verify, never a file SQLite cannot read whole): copy it again "
            "from where it was made, or restore an earlier backup",
        )
    if not held:
        raise InputError("file", f"{source} is not a backup of a fupin ledger (no events table)")
    _refuse_foreign_schema(source)


def _refuse_foreign_schema(source: Path) -> None:
    """Refuse a SQLite backup holding a trigger or a view, which the ledger never creates
    (``ledger.schema``): the file was altered, and a restore carried the trigger into the
    new store, where it rewrote what was saved. Refused with ``--unverified`` too."""
    try:
        with closing(sqlite3.connect(_read_only(source), uri=True)) as db:
            found = [(kind, name) for kind, name, _ in sqlite_foreign(db.cursor())]
    except sqlite3.Error:
        return  # read whole by quick_check already: the restore says what else is wrong
    if not found:
        return
    named = listed([f"{kind} {name!r}" for kind, name in found])
    raise InputError(
        "file",
        f"{source} holds {named}, which fupin never creates: the backup was altered "
        "outside the ledger (a trigger rewrites what is saved, and a restore would carry it "
        "into the new store); nothing was restored, not with --unverified either. Examine a "
        "copy of it, remove what fupin never creates from that copy (DROP TRIGGER, DROP "
        "VIEW), then restore the copy: fupin verify checks what the trigger rewrote",
    )


#: The SQLite header's first 100 bytes hold the page size (at 16), the change counter (24),
#: the page count (28) and the change counter the page count is valid for (92).
_SQLITE_HEADER_SIZE = 100


def _damage(source: Path) -> str | None:
    """What is wrong with the SQLite file ``source`` (its header read by ``_check_sqlite_backup``)
    as said after "damaged", or None when it is whole and ``PRAGMA quick_check`` finds it
    sound. Read-only: immutable (no lock, no ``-shm`` made) unless it has a write-ahead log."""
    size = source.stat().st_size
    if size < _SQLITE_HEADER_SIZE:
        return (
            f": it is {size} bytes, shorter than a SQLite file's header "
            f"({_SQLITE_HEADER_SIZE} bytes; a backup copied in part?)"
        )
    logged = _logged(source)
    if not logged:  # with a write-ahead log the pages may be in it, not in the file yet
        short = _shorter_than_its_header(source, size)
        if short is not None:
            return short
    uri = _read_only(source)
    rows: list[Any] = []
    try:
        db = sqlite3.connect(uri, uri=True)
        try:
            rows.extend(db.execute("PRAGMA quick_check"))  # the problems found before an error
        finally:
            db.close()
    except sqlite3.Error as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ConflictError("file", f"{source} is in use; try again") from None
        if "unable to open" in str(exc):  # not damage: a folder it cannot write a -shm in
            needs = (
                "; its write-ahead log needs a -shm file beside it: copy the backup and its "
                "-wal into a folder you may write"
                if logged
                else ""
            )
            raise InputError(
                "file",
                f"{source} cannot be opened by SQLite ({exc}{needs}); nothing was restored",
            ) from None
        if not rows:
            return f" (SQLite: {exc}; a backup copied in part, or written into?)"
        rows.append((str(exc),))
    found = _problems(rows)
    if found == ["ok"]:
        return None
    return f" (PRAGMA quick_check: {_shown(found)}; a backup copied in part, or written into?)"


def _logged(source: Path) -> bool:
    """Whether the SQLite file ``source`` has a write-ahead log beside it, not empty."""
    wal = Path(f"{source}-wal")
    return wal.is_file() and wal.stat().st_size > 0


def _read_only(source: Path) -> str:
    """The URI that reads ``source`` read-only: immutable (no lock, no ``-shm`` made beside a
    backup) unless it has a write-ahead log, whose pages must be read too."""
    return f"{source.resolve().as_uri()}?mode=ro{'' if _logged(source) else '&immutable=1'}"


def _shorter_than_its_header(source: Path, size: int) -> str | None:
    """Said of a SQLite file shorter than the pages its header counts (a copy cut short);
    None when its header counts none or not validly (SQLite then goes by the file's size)."""
    with source.open("rb") as file:
        header = file.read(_SQLITE_HEADER_SIZE)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    changes, pages = int.from_bytes(header[24:28], "big"), int.from_bytes(header[28:32], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    if not pages or valid_for != changes or page_size < 512 or page_size & (page_size - 1):
        return None
    missing = pages * page_size - size
    if missing <= 0:
        return None
    return (
        f": it is {missing} bytes shorter than its header says ({pages} pages of {page_size} "
        "bytes: a backup copied in part?)"
    )


def _verify(store: str, checkpoints: Checkpoints, source: Path, unverified: bool) -> VerifyReport:
    """Verify the restored log as ``fupin verify`` does (``backup=True``): against
    ``checkpoints`` when given, else against the backup's own recorded checkpoints only (a
    backup altered in its events, roles or versions is refused all the same: before
    2026-11-30 a restore without ``--checkpoint`` put it in place unchecked). ``unverified``
    (``restore --unverified``): not refused, the report says what fails (``log_problems``)."""
    app = open_ledger(store)
    try:
        report = verify_ledger(app.recorder, app.mapper, checkpoints, backup=True)
        # a backup of a ledger moved by import --create: the old store's checkpoints fail
        moved = rebuilt_from_export(app) if checkpoints and log_problems(report) else None
    finally:
        app.close()
    # The household key table is not what a checkpoint covers: an erasure left unfinished
    # (`fupin erase` exit 3) is the backup's true state, and `fupin erase` finishes it once
    # restored. Only the log itself decides whether the backup is the checkpointed ledger.
    if not log_problems(report) or unverified:
        return report
    mismatch = next((p for p in report.problems if p.event.startswith(_CHECKPOINT)), None)
    if checkpoints and (mismatch is not None or len(report.problems) < report.problem_count):
        first = _first_in_log(report)
        why = (
            f"{first.event}: {first.reason}"
            if first is not None
            else f"{log_problems(report)} problem(s) in the log, past the ones kept: run fupin "
            "verify on it"
        )
        # A checkpoint file's own fault (its key, its time: position -1) is said as verify
        # says it, not as a mismatch: the ledger may match it (since session 25)
        said = (
            f"the restored ledger fails at the checkpoint file ({why})"
            if first is not None and first.position < 0
            else f"the restored ledger does not match the checkpoint ({why})"
        )
        raise RuleError(
            "checkpoint",
            f"{said}; it was not put in place ({_EXAMINE})" + (f"; {moved}" if moved else ""),
        )
    # With --checkpoint, a log every checkpoint given matched that fails another rule is
    # said as that, not as a mismatch (since session 24: "does not match the checkpoint"
    # pointed at tampering where an unsigned event was the problem)
    given = "the checkpoint given, which it matches, "
    if len(checkpoints) > 1:
        given = f"the {len(checkpoints)} checkpoints given, which it matches, "
    checked = given if checkpoints else ""
    raise RuleError(
        "file",
        f"{source} does not verify, checked as fupin verify checks a ledger ({checked}its own "
        f"recorded checkpoints, signatures, roles, versions): {where_in_log(report)}; nothing "
        f"was restored ({_EXAMINE})",
    )


#: How a problem with a checkpoint file given is labelled (``ledger.verification``).
_CHECKPOINT = "checkpoint "


#: How a backup refused for its log is restored all the same, to be examined.
_EXAMINE = "restore --unverified puts it in place to examine it with fupin verify and fupin log"


def log_problems(report: VerifyReport) -> int:
    """How many problems the restored log has (the household key table's not counted)."""
    return report.problem_count - report.key_table_problems


def _first_in_log(report: VerifyReport) -> Problem | None:
    return next((p for p in report.problems if p.position != KEY_TABLE_POSITION), None)


def where_in_log(report: VerifyReport) -> str:
    """Where the restored log first fails to verify, and how many more problems it has."""
    count = log_problems(report)
    first = _first_in_log(report)
    if first is None:  # past the problems verify keeps: all of those were the key table's
        return f"{count} problem(s) in its log, past the ones kept"
    event = first.event if first.log_id is None else f"{first.event} (log id {first.log_id})"
    where = f"{event}: {first.reason}"
    if first.position >= 0:  # not a checkpoint file's
        where = f"at position {first.position}: {where}"
    if count > 1:
        where += f" (and {count - 1} more problem(s) in its log)"
    return where


def _distrust_read_models(store: str) -> None:
    """The restored read models are rebuilt from the restored events by the next report
    (``catchup.distrust``): only the events are verified, never the tables made from them."""
    app = open_ledger(store)
    try:
        db = open_database(app.location)
        try:
            distrust(db)
        finally:
            db.close()
    finally:
        app.close()


# -- SQLite --------------------------------------------------------------------------------


def _sqlite_file(location: StoreLocation, *, must_exist: bool = True) -> Path:
    if location.path is None:
        raise InputError("store", f"{location.display} is not a file that can be backed up")
    if must_exist and not location.path.exists():
        raise InputError("store", f"{location.display} does not exist")
    return location.path


def _sqlite_copy(source: Path, target: Path, shown: Path, *, backup: bool = False) -> None:
    """Copy the SQLite database ``source`` into ``target`` (``shown`` in messages: the file
    the user named, never a hidden staging file); ``backup``: ``source`` is a backup, which no
    process writes, read immutable (a live store is read under SQLite's locks)."""
    try:
        # immutable: no -shm or -wal made beside the backup (tester h, session 36: they were,
        # and the next `fupin backup` to that name, the old file deleted, was refused)
        uri = _read_only(source) if backup else f"{source.resolve().as_uri()}?mode=ro"
        src = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise InputError("file", f"cannot read {source}: {exc}") from None
    try:
        try:
            src.execute("SELECT COUNT(*) FROM sqlite_master")  # "file is not a database"
        except sqlite3.Error as exc:
            raise InputError("file", f"cannot read {source}: {exc}") from None
        try:
            dst = sqlite3.connect(target)
        except sqlite3.Error as exc:
            raise InputError("file", f"cannot write {shown}: {exc}") from None
        try:
            src.backup(dst)
        except sqlite3.Error as exc:
            dst.close()
            target.unlink(missing_ok=True)
            raise InputError("file", f"cannot copy {source} to {shown}: {exc}") from None
        dst.close()
    finally:
        src.close()


def _check_sound(copy: Path, source: Path) -> None:
    """Refuse a copy in which ``PRAGMA quick_check`` finds damage: the store's own (the
    backup API copies pages as they are), so the refusal names the store."""
    try:
        db = sqlite3.connect(copy)
        try:
            rows = db.execute("PRAGMA quick_check").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        rows = [(str(exc),)]
    found = _problems(rows)
    if found == ["ok"]:
        return
    shown = _shown(found)
    raise InputError(
        "store",
        f"{source} is damaged (PRAGMA quick_check: {shown}); nothing was backed up: a copy "
        "would be as damaged. Keep the last sound backup; see docs/operations.md, backups",
    )


def _problems(rows: list[Any]) -> list[str]:
    """The lines of ``PRAGMA quick_check``'s rows (``["ok"]`` when it finds none)."""
    return [
        line.strip()
        for row in rows
        for line in str(row[0]).splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]


def _shown(found: list[str]) -> str:
    """The first problems of ``PRAGMA quick_check``, and how many more."""
    shown = "; ".join(found[:_DAMAGE_SHOWN])
    if len(found) > _DAMAGE_SHOWN:
        shown += f"; and {len(found) - _DAMAGE_SHOWN} more"
    return shown


#: Problems of ``PRAGMA quick_check`` named in a refused backup or restore.
_DAMAGE_SHOWN = 3


# -- PostgreSQL ----------------------------------------------------------------------------


def _pg_dump(location: StoreLocation, staging: Path, target: Path) -> None:
    """``pg_dump`` into ``staging``; a table lock waited for no longer than
    ``LEDGER_LOCK_TIMEOUT`` (pg_dump's ``--lock-wait-timeout``: it cancels its ``LOCK TABLE``
    with a statement timeout). Its refusals name ``target``, never the hidden file."""
    seconds = location.env.get("POSTGRES_LOCK_TIMEOUT") or lock_timeout("5")
    try:
        _pg_tool(
            location,
            "pg_dump",
            "--format=custom",
            "--no-owner",
            f"--lock-wait-timeout={seconds}s",
            f"--file={staging}",
            # A ledger in its own schema: that schema alone, never the other ledgers beside it.
            *_only_schema(location),
        )
    except LedgerError as exc:
        rule = exc.rule.replace(str(staging), str(target))
        if "statement timeout" in rule:
            raise ConflictError(
                "store",
                f"pg_dump waited LEDGER_LOCK_TIMEOUT ({seconds} s) for a lock another session "
                "holds on a table of the ledger (maintenance: ALTER TABLE, VACUUM FULL, "
                "LOCK TABLE); "
                "nothing was backed up; try again",
            ) from None
        raise type(exc)(exc.field, f"{rule}; nothing was backed up") from None


def _restore_pg(
    location: StoreLocation,
    source: Path,
    checkpoints: Checkpoints,
    unverified: bool,
    check: Check | None,
) -> VerifyReport:
    from ledger.application import CREATING_MEANWHILE, creating_meanwhile

    from projections.pg import _connect, _table_exists, events_table, store_url

    _found("pg_restore", "restored")  # before the archive is read or the database looked at
    schema = location.schema
    _check_archive_schema(source, schema, events_table(location).split(".", 1)[1])
    with _connect(location) as connection:
        if _table_exists(connection, events_table(location)):
            raise InputError(
                "store", f"{location.display} holds a ledger; restore into an empty database"
            )
        before = _objects(connection, schema)
    try:
        # Into the schema the operator made (the archive's CREATE SCHEMA is left out).
        _pg_restore(location, source, *_only_schema(location))
    except LedgerError as exc:
        # Two restores (or a restore and an init) at once: both found the database empty,
        # and the server refused the second CREATE TABLE of the same name. Its transaction
        # rolled back: nothing of this restore is there to drop (nor the other's to touch).
        clash = re.search(r'relation "([^"]*)" already exists', exc.rule)
        there = clash is not None and any(name == clash[1] for name, _ in before)
        if there:  # it was there before this restore began: no race, and trying again fails
            raise InputError(
                "store",
                f"{location.display} already holds {clash[1] if clash else ''!r}: restore into "
                "an empty database",
            ) from None
        if creating_meanwhile(exc.rule):
            raise ConflictError("store", f"{location.display}: {CREATING_MEANWHILE}") from None
        if SERVER_CLOSED in exc.rule:
            raise LedgerError("store", f"{exc.rule}; {NOTHING_RESTORED_GONE}") from None
        raise
    try:
        with _connect(location) as connection:
            if not _table_exists(connection, events_table(location)):
                raise InputError(
                    "file",
                    f"{source} is not a backup of a fupin ledger (no events table); "
                    "nothing was restored",
                )
        _restore_schema_grants(location, source)
        report = _verify(store_url(location), checkpoints, source, unverified)
        _distrust_read_models(store_url(location))
        if check is not None:
            check(report)
        return report
    except BaseException as exc:
        try:
            _drop_new_objects(location, before)
        except LedgerError:  # the server gone too: what was restored stays (since session 28)
            said = exc.rule if isinstance(exc, LedgerError) else type(exc).__name__
            raise LedgerError("store", f"{said}; {location.display} {PART_RESTORED_GONE}") from None
        raise


#: Said of a restore whose server closed the connection during pg_restore's one transaction.
NOTHING_RESTORED_GONE = (
    "pg_restore restores in one transaction, so nothing was restored and the database is as "
    "it was, with nothing to clean first (had the server stopped just as it committed, "
    "`fupin restore` again says the database holds a ledger: then `fupin verify` checks it)"
)
#: Said of a restore whose server was lost after pg_restore committed, before it was checked.
PART_RESTORED_GONE = (
    "holds what was restored, unchecked, which could not be dropped with the server gone: once "
    "it is back, drop the database and create it again (empty) before restoring again"
)


def _found(tool: str, done: str) -> None:
    """Refuse, before any work, a command whose client tool ``_find`` does not find."""
    try:
        _find(tool)
    except LedgerError as exc:
        raise type(exc)(exc.field, f"{exc.rule}; nothing was {done}") from None


def _only_schema(location: StoreLocation) -> list[str]:
    """pg_dump's and pg_restore's option for a ledger in its own schema (none for public)."""
    schema = location.schema
    return [] if schema == "public" else [f"--schema={schema}"]


def _restore_schema_grants(location: StoreLocation, source: Path) -> None:
    """The grants on a ledger's own schema (``USAGE`` for the officers' and analysts' roles),
    restored from the archive: ``pg_restore --schema`` leaves out the archive's ``CREATE
    SCHEMA`` and with it the schema's ACL, so after a restore that said it succeeded every
    role but the owner was refused (the IT administrator, session 22). The archive's ACL
    entry of that schema alone is restored (``--use-list``); none for ``public``."""
    schema = location.schema
    if schema == "public":
        return
    result = _run([_find("pg_restore"), "--list", str(source)])
    entry = re.compile(rf"^\d+; \d+ \d+ ACL - SCHEMA {re.escape(schema)} ")
    wanted = [line for line in result.stdout.splitlines() if entry.match(line)]
    if result.returncode != 0 or not wanted:
        return
    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "schema-grants.list"
        listing.write_text("\n".join(wanted) + "\n", encoding="utf-8")
        _pg_restore(location, source, f"--use-list={listing}")


def _pg_restore(location: StoreLocation, source: Path, *options: str) -> None:
    """``pg_restore`` of ``source`` into the store, in one transaction, stopping at the first
    error, owned by whoever restores (``options``: what of the archive)."""
    _pg_tool(
        location,
        "pg_restore",
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        f"--dbname={location.env['POSTGRES_DBNAME']}",
        *options,
        str(source),
    )


def _check_archive_schema(source: Path, schema: str, table: str) -> None:
    """Refuse a backup of a ledger kept in another schema than ``schema``: restoring it here
    would restore nothing (into a schema) or write beside another ledger (into public)."""
    result = _run([_find("pg_restore"), "--list", str(source)])
    # A line of the archive's contents naming the events table: its schema, then its name.
    listed = re.compile(rf"^\d+; \d+ \d+ TABLE (\S+) {re.escape(table)} ", re.MULTILINE)
    found = listed.search(result.stdout) if result.returncode == 0 else None
    if found is None or found[1] == schema:
        return  # not a ledger's backup: said once it is restored, as ever
    where = "unset POSTGRES_SCHEMA" if found[1] == "public" else f"POSTGRES_SCHEMA={found[1]}"
    raise InputError(
        "store",
        f"{source} is a backup of the ledger kept in schema {found[1]}, and this store is "
        f"schema {schema}: restore it with {where} (docs/operations.md); nothing was restored",
    )


def _objects(connection: psycopg.Connection[Any], schema: str) -> set[tuple[str, str]]:
    # Tables, sequences, composite types (pg_class 'c') and functions of the ledger's schema.
    rows = connection.execute(
        "SELECT c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'S', 'c') "
        "UNION SELECT p.proname, 'f' FROM pg_proc p JOIN pg_namespace n "
        "ON n.oid = p.pronamespace WHERE n.nspname = %s",
        (schema, schema),
    ).fetchall()
    return {(str(name), str(kind)) for name, kind in rows}


def _drop_new_objects(location: StoreLocation, before: set[tuple[str, str]]) -> None:
    from psycopg import sql

    from projections.pg import _connect

    kinds = {"r": "TABLE", "S": "SEQUENCE", "c": "TYPE", "f": "FUNCTION"}
    schema = location.schema
    with _connect(location) as connection, connection.transaction():
        for name, kind in sorted(_objects(connection, schema) - before, key=lambda o: o[1] != "r"):
            connection.execute(
                sql.SQL("DROP {} IF EXISTS {} CASCADE").format(
                    sql.SQL(kinds[kind]), sql.Identifier(schema, name)
                )
            )


def _pg_tool(location: StoreLocation, tool: str, *args: str) -> None:
    env = location.env
    command = [
        _find(tool),
        f"--host={env['POSTGRES_HOST']}",
        f"--port={env['POSTGRES_PORT']}",
        f"--username={env['POSTGRES_USER']}",
        "--no-password",
        *args,
    ]
    if tool == "pg_dump":
        command.append(env["POSTGRES_DBNAME"])
    # The URL's password, if it has one; else libpq's own PGPASSWORD or ~/.pgpass, untouched.
    password = {"PGPASSWORD": env["POSTGRES_PASSWORD"]} if env["POSTGRES_PASSWORD"] else {}
    result = _run(command, {**os.environ, **password, "PGCONNECT_TIMEOUT": "5"})
    if result.returncode != 0:
        missing = _MISSING_ROLE.search(result.stderr)
        if tool == "pg_restore" and missing is not None:
            role = missing.group(1)
            raise LedgerError(
                "store",
                f"pg_restore failed: the backup grants rights to the role {role!r}, which this "
                f'server does not have; create it first (CREATE ROLE "{role}" NOLOGIN), then '
                "restore again; nothing was restored (docs/operations.md)",
            )
        if SERVER_CLOSED in result.stderr:  # stopped or restarted mid-run (since session 28)
            raise LedgerError("store", f"{tool} failed: {SERVER_CLOSED_SAID}")
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise LedgerError("store", f"{tool} failed: {lines[0] if lines else result.returncode}")


#: How pg_restore says that a GRANT names a role the server does not have (the officers' role
#: of ``protect_events``, on a new server).
_MISSING_ROLE = re.compile(r'role "([^"]+)" does not exist')


def _find(tool: str) -> str:
    """The path of PostgreSQL's client tool ``tool``: in ``LEDGER_PG_BIN`` when it is set,
    else on ``PATH``, else the newest under ``/usr/lib/postgresql``. Checked here, before it is
    run: a LEDGER_PG_BIN without it was an internal error (restore's FileNotFoundError) or
    blamed on the backup file ("cannot write x.dump: No such file or directory") until
    2026-11-30."""
    folder = os.environ.get("LEDGER_PG_BIN")
    if folder:
        path = Path(folder) / tool
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        where = "" if Path(folder).is_dir() else ", a folder that does not exist"
        raise InputError(
            "store",
            f"{tool} not found in LEDGER_PG_BIN ({folder}{where}): set LEDGER_PG_BIN to the "
            "folder that holds PostgreSQL's client tools (pg_dump, pg_restore), or unset it to "
            "use those on PATH",
        )
    found = shutil.which(tool)
    if found:
        return found
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), reverse=True):
        return candidate
    raise InputError(
        "store",
        f"{tool} not found on PATH: install PostgreSQL's client tools (at least the server's "
        "major version), or set LEDGER_PG_BIN to the folder that holds them",
    )


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a client tool ``_find`` found; one it cannot start (not an executable for this
    machine, removed meanwhile) is refused naming it, never taken for the backup file's
    fault by ``backup``'s ``OSError`` (the folder, the disk)."""
    try:
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise InputError(
            "store",
            f"cannot run {command[0]}: {exc.strerror or exc}: set LEDGER_PG_BIN to the folder "
            "that holds PostgreSQL's client tools",
        ) from None
