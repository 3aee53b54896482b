"""Paths the system cannot use at all: a file name longer than the file system takes (255
bytes: 85 Chinese characters), a path through a loop of symbolic links, a store whose hidden
new file cannot be made. Every command refuses them naming the field, exit code 2, one line,
nothing written: before, ``Path.exists()`` raised ``OSError`` and the command ended in an
internal error."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from cli.main import app
from cli.outputs import check_output
from ledger.application import open_ledger
from ledger.errors import InputError
from ledger.newstore import staged
from ledger.store import parse_store

from tests.cli.conftest import Fupin, assert_refused, doc

#: 86 Chinese characters: 258 bytes in UTF-8, past the 255 a file name may hold.
LONG = "长" * 86

TOO_LONG = "the file name is too long"
LOOP = "a loop of symbolic links"


@pytest.fixture
def long_name(tmp_path: Path) -> Path:
    return tmp_path / LONG


@pytest.fixture
def looped(tmp_path: Path) -> Path:
    """``loop/x``: ``loop`` is a symbolic link to itself."""
    (tmp_path / "loop").symlink_to("loop")
    return tmp_path / "loop" / "x"


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# -- files named on the command line ---------------------------------------------------------

COMMANDS = [
    ("export events -o {path}", "output"),
    ("export report caseload --format xlsx -o {path}", "output"),
    ("report html --out {path}", "output"),
    ("import template -o {path}", "output"),
    ("import template --format csv -o {path}", "output"),
    ("notice --street 江南 --from 2016-08-01 --to 2016-08-31 -o {path}", "output"),
    ("backup {path}", "file"),
    ("keys new --out {path}", "output"),
    ("keys new-master --out {path}", "output"),
    ("verify --checkpoint {path}", "checkpoint"),
]


# The files are the same whatever the store: SQLite suffices.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("command", "field"), COMMANDS)
@pytest.mark.parametrize(("where", "rule"), [("long_name", TOO_LONG), ("looped", LOOP)])
def test_a_file_the_system_cannot_use_is_refused_naming_the_option(
    seeded: Fupin,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    command: str,
    field: str,
    where: str,
    rule: str,
) -> None:
    path: Path = request.getfixturevalue(where)
    before = seeded.event_count()
    files = _names(tmp_path)

    result = seeded(command.format(path=path), actor="admin")

    assert_refused(result, field, rule)
    assert "internal error" not in result.output
    assert seeded.event_count() == before
    assert _names(tmp_path) == files


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_backup_with_a_name_too_long_is_refused_before_the_restore(
    seeded: Fupin, tmp_path: Path
) -> None:
    result = seeded(f"--store {tmp_path / 'new.db'} restore {tmp_path / LONG}")

    assert_refused(result, "file", TOO_LONG)
    assert not (tmp_path / "new.db").exists()


def test_the_refusal_says_how_long_the_name_is_and_what_the_system_takes(tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        check_output(tmp_path / LONG, "output")

    assert refused.value.field == "output"
    assert "258 bytes" in refused.value.rule
    assert "255" in refused.value.rule
    assert "a Chinese character takes 3" in refused.value.rule


# -- the store ---------------------------------------------------------------------------------


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "command",
    [
        "log",
        "report caseload",
        "verify",
        "query 'SELECT 1'",
        "backup {tmp}/copy.db",
        f"init --admin admin --name 区扶贫办 {doc('2016-07-26')}",
        "demo",
    ],
)
@pytest.mark.parametrize(("where", "rule"), [("long_name", TOO_LONG), ("looped", LOOP)])
def test_a_store_the_system_cannot_use_is_refused(
    fupin: Fupin,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    command: str,
    where: str,
    rule: str,
) -> None:
    path: Path = request.getfixturevalue(where)
    files = _names(tmp_path)

    result = fupin.runner.invoke(
        app,
        ["--as", "admin", *shlex.split(command.format(tmp=tmp_path))],
        env={"LEDGER_STORE": str(path)},
    )

    assert_refused(result, "store", rule)
    assert "internal error" not in result.output
    assert _names(tmp_path) == files


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_restore_into_a_store_whose_name_is_too_long_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"backup {tmp_path / 'copy.db'}")
    files = _names(tmp_path)

    result = seeded(f"--store {tmp_path / LONG} restore {tmp_path / 'copy.db'}")

    assert_refused(result, "store", TOO_LONG)
    assert _names(tmp_path) == files


def test_the_ledger_layer_refuses_such_a_store_too(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=TOO_LONG):
        parse_store(str(tmp_path / LONG))
    with pytest.raises(InputError, match=TOO_LONG):
        open_ledger(str(tmp_path / LONG / "x.db"), create=True)


# A new store is made as a hidden file beside its name (.NAME.XXXXXXXX.new): a name the file
# system takes must not fail for want of room for that hidden one.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # a SQLite store is named
def test_a_new_store_with_a_long_name_the_system_takes_is_made(
    fupin: Fupin, tmp_path: Path
) -> None:
    name = "长" * 80 + ".db"  # 243 bytes: the hidden file's full name would be 257
    store = tmp_path / name

    fupin.ok(f"--store {store} init --admin admin --name 区扶贫办 {doc('2016-07-26')}")

    assert _names(tmp_path) == [name]
    fupin.ok(f"--store {store} log")


# The file system takes a name of 255 bytes, but SQLite could not make NAME-wal beside it:
# init made the store, and every command on it then ended in an internal error.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # a SQLite store is named
def test_a_store_without_room_for_sqlites_files_beside_it_is_refused(
    fupin: Fupin, tmp_path: Path
) -> None:
    store = tmp_path / ("长" * 84 + ".db")  # 255 bytes

    result = fupin(f"--store {store} init --admin admin --name 区扶贫办 {doc('2016-07-26')}")

    assert_refused(result, "store", "the file name is too long: 255 bytes")
    assert "NAME-wal" in result.stderr
    assert "at most 247" in result.stderr
    assert _names(tmp_path) == []


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # a SQLite store is named
def test_a_store_in_a_folder_where_no_file_can_be_made_is_refused(fupin: Fupin) -> None:
    # /proc/1 is a folder, but nothing can be created in it, the hidden new store included.
    result = fupin(f"--store /proc/1/x.db init --admin admin --name 区扶贫办 {doc('2016-07-26')}")

    assert_refused(result, "store", "cannot make /proc/1/x.db")


def test_staged_refuses_a_folder_where_no_file_can_be_made() -> None:
    with (
        pytest.raises(InputError, match=re.escape("cannot make /proc/1/x.db")),
        staged(Path("/proc/1/x.db")),
    ):
        pass


# -- the signing key -----------------------------------------------------------------------------


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_key_that_is_a_folder_is_refused_as_a_folder(seeded: Fupin, tmp_path: Path) -> None:
    made = seeded.ok(f"keys new --out {tmp_path / 'jn-01.key'}")
    public = made.stdout.split("public key:")[1].split()[0]
    seeded.ok(f"keys register jn-01 {public} {doc('2016-08-20')}", actor="admin")
    folder = tmp_path / "keys"
    folder.mkdir(mode=0o755)
    before = seeded.event_count()

    result = seeded(
        f"--key {folder} household visit JH-0001 --helper c-1 {doc('2016-09-01')}", actor="jn-01"
    )

    assert_refused(result, "key", f"{folder} is a folder, not a key file")
    assert "chmod" not in result.stderr
    assert seeded.event_count() == before


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_master_key_file_that_is_a_folder_is_refused_as_a_folder(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "keys"
    folder.mkdir(mode=0o755)
    monkeypatch.setenv("LEDGER_MASTER_KEY_FILE", str(folder))
    monkeypatch.delenv("LEDGER_MASTER_KEY", raising=False)

    result = seeded("--as admin household show JH-0001")

    assert_refused(result, "master_key", f"{folder} is a folder, not a master key file")
    assert "chmod" not in result.stderr


def test_a_backup_where_no_file_can_be_made_is_refused_naming_the_file(seeded: Fupin) -> None:
    result = seeded("backup /proc/1/x.bak")

    assert_refused(result, "file", "cannot make /proc/1/x.bak")


def test_a_demo_store_whose_key_file_name_would_be_too_long_is_refused(
    fupin: Fupin, tmp_path: Path
) -> None:
    # 246 bytes: SQLite's files fit beside it, its ".master-key" (11 more) does not.
    store = tmp_path / ("长" * 81 + ".db")

    result = fupin(f"--store {store} demo")

    assert_refused(result, "store", "the file name is too long")
    assert _names(tmp_path) == []
