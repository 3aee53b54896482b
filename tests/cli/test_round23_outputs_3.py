"""Session 23, a security re-tester (a third pass over the files fupin writes).

1. A ``-wal``, ``-shm`` or ``-journal`` left beside a new store's path (a writer killed, the
   store then removed) was taken in: ``restore`` said "verified 15830 events", then SQLite
   replayed the stale write-ahead log onto the restored file (100 events and a foreign
   table); ``init`` made a malformed store. Every command that makes a new SQLite store
   refuses while one is there, names it, writes nothing and leaves it as it is.
2. ``keys new-master --out r.db-wal``, ``keys new --out a.db-journal``, ``backup a.db-journal``
   wrote to the store's own side files (not refused, unlike ``-o``), which SQLite then
   deleted: a master key written there and rotated to was lost. 5. Nor did they, or the CSV
   templates' folder, refuse a link another user planted in a sticky folder. Every file fupin
   writes now goes through ``check_output``'s rule.
3. Two ``checkpoint --out cp.json`` at once: one was refused ("'cp.json' exists") after its
   checkpoint was recorded, two CheckpointRecorded events for one file. The name is now
   claimed before the checkpoint is recorded.
4. Replacing an output kept its mode with the setuid, setgid and sticky bits: root replacing
   another user's 6777 file in a sticky folder made a ``-rwsrwsrwx`` report of root's. An
   output never has them, and another user's file in a sticky, world-writable folder is
   never replaced (the kernel's fs.protected_regular rule).
6. An output name ending in a slash (``-o keep.csv/``, ``backup bk/``) became a file, pathlib
   dropping the slash: it names a folder, and is refused naming the option.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from ledger.errors import RuleError
from typer.testing import CliRunner, Result

from cli import verify
from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "files the CLI writes, SQLite stores: SQLite is enough (tests/conftest.py)"

SIDE_FILES = ["-wal", "-shm", "-journal"]


def _stale(path: Path, suffix: str) -> Path:
    side = Path(f"{path}{suffix}")
    side.write_bytes(b"left by a store that was here\n")
    return side


def _side_rule(path: Path, suffix: str) -> str:
    return (
        f"{path}{suffix} exists: SQLite's {suffix} file of a database that was at {path}, "
        "which SQLite would replay into the new one; nothing was written: move it away, or "
        "delete it once sure it is not needed"
    )


def _left_as_it_was(path: Path, side: Path) -> None:
    assert not os.path.lexists(path)
    assert side.read_bytes() == b"left by a store that was here\n"
    assert not list(path.parent.glob(f".{path.name}.*"))


@pytest.mark.parametrize("suffix", SIDE_FILES)
def test_a_restore_beside_a_stale_side_file_is_refused(
    seeded: Fupin, tmp_path: Path, suffix: str
) -> None:
    # Before, restored (exit 0), and SQLite replayed a stale -wal onto the restored store.
    backup, restored = tmp_path / "ledger.backup", tmp_path / "restored.db"
    seeded.ok(f"backup {backup}")
    side = _stale(restored, suffix)

    result = seeded(f"--store {restored} restore {backup}")

    assert_refused(result, "store", _side_rule(restored, suffix))
    _left_as_it_was(restored, side)


@pytest.mark.parametrize("suffix", SIDE_FILES)
def test_init_beside_a_stale_side_file_is_refused(tmp_path: Path, suffix: str) -> None:
    store = tmp_path / "a.db"
    side = _stale(store, suffix)
    fupin = Fupin(str(store), CliRunner(env={"LEDGER_STORE": str(store), "LEDGER_ACTOR": None}))

    result = fupin(f"init --admin admin --name 区扶贫办 {doc('2016-07-26')}")

    assert_refused(result, "store", _side_rule(store, suffix))
    _left_as_it_was(store, side)


def test_an_import_create_beside_a_stale_wal_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    log, fresh = tmp_path / "events.jsonl", tmp_path / "fresh.db"
    seeded.ok(f"export events -o {log}", actor="admin")
    side = _stale(fresh, "-wal")

    result = seeded(f"--store {fresh} import --create {log}")

    assert_refused(result, "store", _side_rule(fresh, "-wal"))
    _left_as_it_was(fresh, side)


def test_a_demo_beside_a_stale_journal_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "demo.db"
    side = _stale(store, "-journal")
    fupin = Fupin(str(store), CliRunner(env={"LEDGER_STORE": str(store), "LEDGER_ACTOR": None}))

    result = fupin("demo")

    assert_refused(result, "store", _side_rule(store, "-journal"))
    _left_as_it_was(store, side)
    assert not Path(f"{store}.master-key").exists()


def test_a_backup_beside_a_stale_wal_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    # A backup is a SQLite file too: a restore of it would read the stale log as its own.
    backup = tmp_path / "ledger.backup"
    side = _stale(backup, "-wal")

    result = seeded(f"backup {backup}")

    assert_refused(result, "file", _side_rule(backup, "-wal"))
    _left_as_it_was(backup, side)


# -- 2. every writer refuses the store's side files ------------------------------------------

PROTECTED = "writing there would destroy it; name another file"


@pytest.mark.parametrize(
    ("command", "field", "suffix"),
    [
        ("keys new --out", "output", "-journal"),
        ("keys new-master --out", "output", "-wal"),
        ("keys new-master --out", "output", "-shm"),
        ("backup", "file", "-journal"),
    ],
)
def test_a_key_or_a_backup_is_never_written_to_the_store_s_side_files(
    seeded: Fupin, command: str, field: str, suffix: str
) -> None:
    # Before, written (exit 0), then deleted by SQLite: a master key rotated to was lost.
    side = Path(f"{seeded.path}{suffix}")
    assert not side.exists()

    result = seeded(f"{command} {side}", actor="admin")

    assert_refused(result, field, f"{str(side)!r} is the store's {suffix} file: {PROTECTED}")
    assert not side.exists()


def test_a_new_key_is_never_written_over_the_master_key_file_named_by_the_environment(
    seeded: Fupin, tmp_path: Path
) -> None:
    key_file = tmp_path / "master.key"  # not made yet: the key a command is about to read
    runner = CliRunner(env={**seeded.runner.env, "LEDGER_MASTER_KEY_FILE": str(key_file)})

    result = Fupin(seeded.store, runner)(f"keys new --out {key_file}")

    assert_refused(result, "output", f"{str(key_file)!r} is the master key file")
    assert not key_file.exists()


# -- 5. nor through a link another user planted ------------------------------------------------

#: Another user's uid ("nobody"), to own what is planted in a shared folder.
OTHER = 65534
as_root = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="a file or link owned by another user is made with os.chown, which only root may do",
)
PLANTED = "such a link is never followed (the kernel's fs.protected_symlinks rule)"


def _planted_folder(tmp_path: Path) -> Path:
    """A sticky, world-writable folder ``shared`` (like /tmp) holding ``into``, a link owned by
    another user to ``victim``, a folder of the caller's."""
    victim = tmp_path / "victim"
    victim.mkdir()
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    into = shared / "into"
    into.symlink_to(victim)
    os.lchown(into, OTHER, -1)
    return into


@as_root
@pytest.mark.parametrize(
    ("command", "field", "name"),
    [
        ("keys new --out", "output", "k.pem"),
        ("keys new-master --out", "output", "m.key"),
        ("backup", "file", "ledger.backup"),
        ("import template --format csv -o", "output", "templates"),
    ],
)
def test_no_writer_follows_a_link_planted_in_a_sticky_folder(
    seeded: Fupin, tmp_path: Path, command: str, field: str, name: str
) -> None:
    # Before, written into the victim's folder (exit 0).
    into = _planted_folder(tmp_path)

    result = seeded(f"{command} {into / name}", actor="admin")

    assert_refused(result, field, PLANTED)
    assert not list((tmp_path / "victim").iterdir())


@as_root
def test_csv_templates_are_never_written_into_a_planted_link_to_a_folder(
    seeded: Fupin, tmp_path: Path
) -> None:
    into = _planted_folder(tmp_path)

    result = seeded(f"import template --format csv -o {into}")

    assert_refused(result, "output", PLANTED)
    assert not list((tmp_path / "victim").iterdir())


# -- 3. a checkpoint's file is claimed before it is recorded -----------------------------------

KEPT = "exists; a checkpoint file is never overwritten (a kept checkpoint is what proves the log)"


def _log_key(fupin: Fupin, folder: Path) -> Path:
    """A log key made and registered: its private key's file."""
    key = folder / "dlog.key"
    made = fupin.ok(f"keys new --out {key}")
    found = re.search(r"public key:\s+(\S+)", made.stdout)
    assert found is not None, made.stdout
    fupin.ok(f"keys register-log {found.group(1)} {doc('2016-08-20')}", "admin")
    return key


def test_of_two_checkpoints_at_once_to_one_file_the_refused_one_records_nothing(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, the second was refused after recording: two checkpoints recorded, one file.
    key, out = _log_key(seeded, tmp_path), tmp_path / "cp.json"
    line = f"checkpoint --log-key {key} --out {out} -d 检查点"
    record = getattr(verify, "record_checkpoint")  # noqa: B009 - imported there, not exported
    meanwhile: list[Result] = []

    def record_while_another_runs(*args: Any) -> Any:
        if not meanwhile:  # the other checkpoint starts while this one records
            meanwhile.append(seeded(line, "admin"))
        return record(*args)

    monkeypatch.setattr(verify, "record_checkpoint", record_while_another_runs)
    count = seeded.event_count()

    first = seeded.ok(line, "admin")

    assert_refused(meanwhile[0], "output", f"{str(out)!r} {KEPT}")
    assert seeded.event_count() == count + 1  # the refused one recorded nothing
    assert f"-> {out}" in first.stdout
    assert b'"root"' in out.read_bytes()


def test_a_checkpoint_that_is_not_recorded_leaves_no_file(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, out = _log_key(seeded, tmp_path), tmp_path / "cp.json"

    def refused(*_: Any) -> Any:
        raise RuleError("checkpoint", "refused while it was recorded")

    monkeypatch.setattr(verify, "record_checkpoint", refused)

    result = seeded(f"checkpoint --log-key {key} --out {out} -d 检查点", "admin")

    assert_refused(result, "checkpoint", "refused while it was recorded")
    assert not out.exists()
    assert not list(tmp_path.glob(".fupin-*"))


# -- 4. never setuid, setgid or sticky; another user's file in /tmp is not replaced ------------

REPORT = "export report caseload --format csv -o"


def test_a_replaced_output_loses_its_setuid_setgid_and_sticky_bits(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Before, the report kept the 6755 (or 4755) of the file it replaced.
    out = tmp_path / "caseload.csv"
    out.write_text("the old file\n")
    special = stat.S_ISUID | stat.S_ISVTX | (stat.S_ISGID if os.geteuid() == 0 else 0)
    out.chmod(0o755 | special)
    assert stat.S_IMODE(out.stat().st_mode) & special == special

    seeded.ok(f"{REPORT} {out}")

    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert "the old file" not in out.read_text()


def _sticky_shared(tmp_path: Path, owner: int, folder_owner: int | None = None) -> Path:
    """``shared/caseload.csv``, a 6777 file owned by ``owner`` in a sticky, world-writable
    folder (owned by ``folder_owner``, else the caller)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    if folder_owner is not None:
        os.chown(shared, folder_owner, -1)
    out = shared / "caseload.csv"
    out.write_text("another user's\n")
    os.chown(out, owner, -1)
    out.chmod(0o6777)
    return out


@as_root
def test_another_user_s_file_in_a_sticky_world_writable_folder_is_never_replaced(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Before, replaced (exit 0): root's report, -rwsrwsrwx.
    out = _sticky_shared(tmp_path, OTHER)

    result = seeded(f"{REPORT} {out}")

    assert_refused(
        result,
        "output",
        f"{str(out)!r} is a file another user (uid {OTHER}) owns in the sticky, world-writable "
        f"folder {str(out.parent)!r}: it is never replaced (the kernel's fs.protected_regular "
        "rule): name another file",
    )
    assert out.read_text() == "another user's\n"
    assert out.stat().st_uid == OTHER


@as_root
@pytest.mark.parametrize(
    ("owner", "folder_owner"), [(0, None), (OTHER, OTHER)], ids=["own file", "folder owner's"]
)
def test_a_file_the_kernel_would_let_be_replaced_is_replaced_without_special_bits(
    seeded: Fupin, tmp_path: Path, owner: int, folder_owner: int | None
) -> None:
    out = _sticky_shared(tmp_path, owner, folder_owner)

    seeded.ok(f"{REPORT} {out}")

    assert "another user's" not in out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o777


# -- 6. a name ending in a slash names a folder ------------------------------------------------


def _slash_rule(typed: str) -> str:
    return (
        f"{typed!r} ends in a slash, so it names a folder, not a file: name a file to write "
        "(without the slash)"
    )


@pytest.mark.parametrize(
    ("command", "field", "name"),
    [
        (REPORT, "output", "keep.csv/"),
        ("export events -o", "output", "newdir/"),
        ("notice --street 江南 --from 2016-08-01 --to 2016-08-31 -o", "output", "n.csv/"),
        ("report html --out", "output", "r.html/"),
        ("import template -o", "output", "t.xlsx/"),
        ("keys new --out", "output", "k.pem/"),
        ("keys new-master --out", "output", "m.key/"),
        ("backup", "file", "bk/"),
    ],
)
def test_an_output_name_ending_in_a_slash_is_refused(
    seeded: Fupin,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    field: str,
    name: str,
) -> None:
    # Before, written as the file keep.csv (bk, ...), exit 0: the slash was dropped.
    monkeypatch.chdir(tmp_path)

    result = seeded(f"{command} {name}", actor="admin")

    assert_refused(result, field, _slash_rule(name))
    assert not os.path.lexists(tmp_path / name.rstrip("/"))


def test_a_checkpoint_name_ending_in_a_slash_records_nothing(seeded: Fupin, tmp_path: Path) -> None:
    key = _log_key(seeded, tmp_path)
    count = seeded.event_count()
    typed = f"{tmp_path / 'cp.json'}/"

    result = seeded(f"checkpoint --log-key {key} --out {typed} -d 检查点", "admin")

    assert_refused(result, "output", _slash_rule(typed))
    assert not (tmp_path / "cp.json").exists()
    assert seeded.event_count() == count


def test_the_csv_templates_folder_may_end_in_a_slash(seeded: Fupin, tmp_path: Path) -> None:
    folder = tmp_path / "templates"

    seeded.ok(f"import template --format csv -o {folder}/")

    assert (folder / "identify.csv").is_file()
