"""Session 23, a security re-tester: files an output option must never replace.

A store named through a symbolic link (``LEDGER_STORE=cur.db``, a link to ``n.db``) had its
``-wal``, ``-shm``, ``-journal`` and ``.master-key`` protected by the link's name only, where
SQLite keeps them beside ``n.db``: ``-o n.db-wal`` replaced the live write-ahead log and a
saved event was lost.

``checkpoint --log-key dlog.key --out dlog.key`` replaced the log private key with the
checkpoint; ``prove --checkpoint cp.json --out cp.json`` (or ``--out`` a link to it) the kept
checkpoint with the bundle. A file the command reads is never its output. A second
``checkpoint --out cp.json`` replaced the checkpoint kept there: a checkpoint file, like a
backup or a key file, is now only ever a new file.

A link is followed in Python (realpath, then a rename onto its target), so the kernel's
fs.protected_symlinks never applied: a link another user planted in a sticky, world-writable
folder (``/tmp``) made an officer's ``-o /tmp/x.csv`` replace any file the officer can write.
Such a link is now refused, by the kernel's own rule.

``import template`` (the workbook) replaced a filled ``fupin-import.xlsx`` without a word,
where the CSV form refuses a folder already holding a template's file: it is refused too.

docs/cli.md leaves a number written as text unguarded, "thousands commas allowed", but any run
of digits and commas passed (``-1,,,``): only real thousands groups do now.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "files the CLI must not write over: SQLite is enough (tests/conftest.py)"

REPORT = "export report caseload --format csv -o"


@pytest.fixture
def through_link(seeded: Fupin, tmp_path: Path) -> Iterator[Fupin]:
    """``fupin`` with ``LEDGER_STORE`` a link ``cur.db`` to the seeded store, while a reader
    holds the store's write-ahead log open (so that its ``-wal`` and ``-shm`` exist)."""
    link = tmp_path / "cur.db"
    link.symlink_to(seeded.path.name)
    reader = sqlite3.connect(seeded.path)
    reader.execute("begin")
    reader.execute("select count(*) from sqlite_master").fetchall()
    try:
        yield Fupin(str(link), CliRunner(env={**seeded.runner.env, "LEDGER_STORE": str(link)}))
    finally:
        reader.close()


@pytest.mark.parametrize(("suffix", "what"), [("-wal", "-wal"), ("-shm", "-shm")])
def test_the_wal_of_a_store_named_through_a_link_is_refused(
    through_link: Fupin, seeded: Fupin, suffix: str, what: str
) -> None:
    # Before, written (exit 0): the live WAL replaced by a CSV.
    wal = Path(f"{seeded.path}{suffix}")
    assert wal.exists()
    before = wal.read_bytes()

    result = through_link(f"{REPORT} {wal}")

    assert_refused(result, "output", f"is the store's {what} file: writing there would destroy it")
    assert wal.read_bytes() == before


@pytest.mark.parametrize("name", ["ledger.db-journal", "ledger.db.master-key"])
def test_the_journal_and_master_key_beside_the_store_a_link_names_are_refused(
    through_link: Fupin, tmp_path: Path, name: str
) -> None:
    result = through_link(f"{REPORT} {tmp_path / name}")

    assert_refused(result, "output", "writing there would destroy it")
    assert not (tmp_path / name).exists()


def test_the_wal_by_the_link_s_own_name_is_still_refused(
    through_link: Fupin, tmp_path: Path
) -> None:
    result = through_link(f"{REPORT} {tmp_path / 'cur.db-wal'}")

    assert_refused(result, "output", "is the store's -wal file")


def _log_key(fupin: Fupin, folder: Path) -> Path:
    """A log key made and registered: its private key's file."""
    key = folder / "dlog.key"
    made = fupin.ok(f"keys new --out {key}")
    found = re.search(r"public key:\s+(\S+)", made.stdout)
    assert found is not None, made.stdout
    fupin.ok(f"keys register-log {found.group(1)} {doc('2016-08-20')}", "admin")
    return key


@pytest.mark.parametrize("through_a_link", [False, True])
def test_a_checkpoint_is_never_written_over_its_log_key(
    seeded: Fupin, tmp_path: Path, through_a_link: bool
) -> None:
    # Before, written (exit 0): the log private key was gone, the checkpoint in its place.
    key = _log_key(seeded, tmp_path)
    before = key.read_bytes()
    out = key
    if through_a_link:
        out = tmp_path / "l_key"
        out.symlink_to(key.name)
    count = seeded.event_count()

    result = seeded(f"checkpoint --log-key {key} --out {out} -d 检查点", "admin")

    assert_refused(
        result,
        "output",
        f"{str(out)!r} is the --log-key file this command reads: writing there would destroy it",
    )
    assert key.read_bytes() == before
    assert seeded.event_count() == count  # nothing recorded either


@pytest.mark.parametrize("through_a_link", [False, True])
def test_a_bundle_is_never_written_over_the_checkpoint_it_proves_against(
    seeded: Fupin, tmp_path: Path, through_a_link: bool
) -> None:
    # Before, written (exit 0): the kept checkpoint became the bundle.
    key = _log_key(seeded, tmp_path)
    checkpoint = tmp_path / "cp.json"
    seeded.ok(f"checkpoint --log-key {key} --out {checkpoint} -d 检查点", "admin")
    before = checkpoint.read_bytes()
    out = checkpoint
    if through_a_link:
        out = tmp_path / "l_cp"
        out.symlink_to(checkpoint.name)

    result = seeded(f"prove JH-0001 --checkpoint {checkpoint} --out {out}")

    assert_refused(result, "output", "is the --checkpoint file this command reads")
    assert checkpoint.read_bytes() == before


@pytest.mark.parametrize("through_a_link", [False, True])
def test_a_checkpoint_is_never_written_over_a_kept_checkpoint(
    seeded: Fupin, tmp_path: Path, through_a_link: bool
) -> None:
    # Before, the second checkpoint replaced the first one without a word (exit 0).
    key = _log_key(seeded, tmp_path)
    kept = tmp_path / "cp.json"
    seeded.ok(f"checkpoint --log-key {key} --out {kept} -d 检查点", "admin")
    before = kept.read_bytes()
    out = kept
    if through_a_link:
        out = tmp_path / "l_cp"
        out.symlink_to(kept.name)
    count = seeded.event_count()

    result = seeded(f"checkpoint --log-key {key} --out {out} -d 检查点", "admin")

    assert_refused(result, "output", f"{str(out)!r} exists; a checkpoint file is never overwritten")
    assert kept.read_bytes() == before
    assert seeded.event_count() == count  # refused before it is recorded
    assert not list(tmp_path.glob(".fupin-*"))


def test_a_checkpoint_through_a_link_to_a_new_file_is_written(
    seeded: Fupin, tmp_path: Path
) -> None:
    key = _log_key(seeded, tmp_path)
    out = tmp_path / "l_cp"
    out.symlink_to("cp-new.json")

    seeded.ok(f"checkpoint --log-key {key} --out {out} -d 检查点", "admin")

    assert out.is_symlink()
    assert '"signature"' in (tmp_path / "cp-new.json").read_text()
    assert not list(tmp_path.glob(".fupin-*"))


#: Another user's uid ("nobody"), to own a link planted in a shared folder.
OTHER = 65534
as_root = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="a link owned by another user is made with os.lchown, which only root may do",
)


def _planted(tmp_path: Path, owner: int = OTHER, folder_owner: int | None = None) -> Path:
    """A sticky, world-writable folder ``shared`` (like /tmp) holding ``caseload.csv``, a link
    owned by ``owner`` to ``victim/notes.txt``, a file of the caller's."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "notes.txt").write_text("officer's notes\n")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    if folder_owner is not None:
        os.chown(shared, folder_owner, -1)
    link = shared / "caseload.csv"
    link.symlink_to(victim / "notes.txt")
    os.lchown(link, owner, -1)
    return link


@as_root
def test_a_link_another_user_planted_in_a_sticky_world_writable_folder_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Before, written (exit 0): the officer's notes replaced by the report.
    link = _planted(tmp_path)

    result = seeded(f"{REPORT} {link}")

    assert_refused(
        result,
        "output",
        f"which another user (uid {OTHER}) made in the sticky, world-writable folder "
        f"{str(link.parent)!r}: such a link is never followed (the kernel's "
        "fs.protected_symlinks rule)",
    )
    assert (tmp_path / "victim" / "notes.txt").read_text() == "officer's notes\n"


@as_root
def test_a_planted_link_to_a_folder_on_the_way_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    link = _planted(tmp_path)
    into = link.parent / "into"
    into.symlink_to(tmp_path / "victim")
    os.lchown(into, OTHER, -1)

    result = seeded(f"{REPORT} {into / 'notes.txt'}")

    assert_refused(result, "output", "fs.protected_symlinks")
    assert (tmp_path / "victim" / "notes.txt").read_text() == "officer's notes\n"


@as_root
@pytest.mark.parametrize(
    ("owner", "folder_owner"),
    [(0, None), (OTHER, OTHER)],
    ids=["the caller's own link", "the folder owner's link"],
)
def test_a_link_the_kernel_would_follow_is_followed(
    seeded: Fupin, tmp_path: Path, owner: int, folder_owner: int | None
) -> None:
    link = _planted(tmp_path, owner, folder_owner)

    seeded.ok(f"{REPORT} {link}")

    assert link.is_symlink()
    assert "officer's notes" not in (tmp_path / "victim" / "notes.txt").read_text()


TEMPLATE_RULE = "exists; a template never replaces a file (a filled workbook would lose its rows)"


def _filled(path: Path) -> bytes:
    """``path``: a workbook with a row an officer typed."""
    path.write_bytes(b"PK officer's rows")
    return path.read_bytes()


def test_the_default_workbook_template_is_never_written_over_a_filled_one(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, written (exit 0): the officer's rows gone.
    monkeypatch.chdir(tmp_path)
    before = _filled(tmp_path / "fupin-import.xlsx")

    result = seeded("import template")

    assert_refused(result, "output", f"'fupin-import.xlsx' {TEMPLATE_RULE}: name a new file")
    assert (tmp_path / "fupin-import.xlsx").read_bytes() == before


@pytest.mark.parametrize("through_a_link", [False, True])
def test_a_workbook_template_is_never_written_over_an_existing_file(
    seeded: Fupin, tmp_path: Path, through_a_link: bool
) -> None:
    filled = tmp_path / "台账.xlsx"
    before = _filled(filled)
    out = filled
    if through_a_link:
        out = tmp_path / "link.xlsx"
        out.symlink_to(filled.name)

    result = seeded(f"import template -o {out}")

    assert_refused(result, "output", TEMPLATE_RULE)
    assert filled.read_bytes() == before
    assert not list(tmp_path.glob(".fupin-*"))


def test_a_workbook_template_is_written_as_a_new_file(seeded: Fupin, tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"

    seeded.ok(f"import template -o {out}")

    assert out.read_bytes().startswith(b"PK")


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("-1,,,", '"\'-1,,,"'),  # before: "-1,,,", unguarded
        ("-12,34", '"\'-12,34"'),  # before: unguarded
        ("-1,234,5", '"\'-1,234,5"'),  # before: unguarded
        ("-1,2345", '"\'-1,2345"'),  # before: unguarded
        ("-1,234,567.5", '"-1,234,567.5"'),  # quoted for its commas, not guarded
        ("+999,999", '"+999,999"'),
        ("-1234567", "-1234567"),
    ],
)
def test_only_thousands_groups_pass_for_a_number_in_a_csv(
    seeded: Fupin, cell: str, written: str
) -> None:
    result = seeded.ok(f"query \"SELECT '{cell}' AS a\" --format csv", actor="admin")

    assert result.stdout.splitlines() == ["a", written]
