"""Session 23, a second re-test of moves (``fupin export events``, then ``fupin import
--create``: docs/import.md "Exporting", docs/audit-guide.md §1): key registrations made by
hand after a move exempted as the move's, closing-line refusals that named no field, and what
verify and the import said of a move."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
from cli.main import app
from typer.testing import Result

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "an export and its import into a new SQLite file: the move's own rules"


def _key(fupin: Fupin, path: Path) -> str:
    public = re.search(r"public key:\s+(\S+)", fupin.ok(f"keys new --out {path}").stdout)
    assert public is not None
    return public.group(1)


def _in(store: Path, fupin: Fupin, *args: str, actor: str | None = "admin") -> Result:
    who = ["--as", actor] if actor else []
    return fupin.runner.invoke(app, ["--store", str(store), *who, *args])


def _export(fupin: Fupin, folder: Path) -> Path:
    log = folder / "ev.jsonl"
    fupin.ok(f"export events -o {log}", actor="admin")
    return log


def _create(fupin: Fupin, store: Path, *files: Path) -> Result:
    return _in(store, fupin, "import", "--create", *map(str, files))


def _verify(fupin: Fupin, store: Path) -> Result:
    return _in(store, fupin, "verify", "--require-signatures", actor=None)


def _init(fupin: Fupin) -> None:
    fupin.ok(f"init --admin admin --name 区扶贫办 {doc('2016-07-26')}", "admin")


# -- 1. only the keys the move registered again are the move's --------------------------------


def test_a_key_registered_by_hand_after_a_move_that_registered_none_fails_require_signatures(
    fupin: Fupin, tmp_path: Path
) -> None:
    public = _key(fupin, tmp_path / "log.pem")
    _init(fupin)
    new = tmp_path / "new.db"
    moved = _create(fupin, new, _export(fupin, tmp_path))
    assert moved.exit_code == 0, moved.output
    assert "registered again: none" in moved.stdout
    register = f"keys register-log {public} {doc('2016-07-26')}".split()
    assert _in(new, fupin, *register).exit_code == 0

    checked = _verify(fupin, new)

    assert checked.exit_code == 1, checked.output
    assert "1 problem(s)" in checked.stderr
    assert "LogKeyRegistered" in checked.stderr
    assert "unsigned (--require-signatures" in checked.stderr


def test_a_key_registered_by_hand_after_the_moves_own_keys_fails_require_signatures(
    fupin: Fupin, tmp_path: Path
) -> None:
    _init(fupin)
    fupin.ok(f"keys register-log {_key(fupin, tmp_path / 'log.pem')} {doc('2016-07-26')}", "admin")
    new = tmp_path / "new.db"
    assert _create(fupin, new, _export(fupin, tmp_path)).exit_code == 0
    # the move registered the log key again; admin's own key, by hand, unsigned after it
    mine = f"keys register admin {_key(fupin, tmp_path / 'a.pem')} {doc('2016-07-26')}".split()
    assert _in(new, fupin, *mine).exit_code == 0

    checked = _verify(fupin, new)

    assert checked.exit_code == 1, checked.output
    assert "1 problem(s)" in checked.stderr
    assert "SigningKeyRegistered" in checked.stderr
    assert "5 events replayed from an export" in checked.stderr


def test_a_move_exempts_the_keys_it_registered_again_and_no_key_registered_after_them(
    fupin: Fupin, tmp_path: Path
) -> None:
    _init(fupin)
    fupin.ok(f"keys register-log {_key(fupin, tmp_path / 'log.pem')} {doc('2016-07-26')}", "admin")
    fupin.ok(f"keys register admin {_key(fupin, tmp_path / 'a.pem')} {doc('2016-07-26')}", "admin")
    new = tmp_path / "new.db"
    assert _create(fupin, new, _export(fupin, tmp_path)).exit_code == 0
    honest = _verify(fupin, new)
    assert honest.exit_code == 0, honest.output
    # init, ImportsStarted, BatchRecorded, RebuiltFromExport and the two keys
    assert "--require-signatures: 6 events replayed from an export" in honest.stdout
    # admin's key is in force now: a key registered after the move must be signed
    qu = f"officer add qu-01 --name 区专干 --role officer {doc('2016-07-27')}".split()
    assert _in(new, fupin, "--key", str(tmp_path / "a.pem"), *qu).exit_code == 0
    assert _verify(fupin, new).exit_code == 0


# -- 2. a closing line's keys refused naming the part and the value ----------------------------


def _keys(export: Path, **parts: Any) -> None:
    lines = export.read_bytes().splitlines()
    end = orjson.loads(lines[-1])
    end["keys"] = {"officers": {}, "log": "", "revoked": [], "held": {}, **parts}
    export.write_bytes(b"\n".join([*lines[:-1], orjson.dumps(end)]) + b"\n")


def test_a_closing_lines_keys_not_as_written_are_refused_naming_the_part_and_the_value(
    fupin: Fupin, tmp_path: Path
) -> None:
    _init(fupin)
    log = _export(fupin, tmp_path)
    new = tmp_path / "new.db"
    said = "refused keys: the export's closing line: its "
    for parts, told in (
        ({"revoked": "0123456789abcdef"}, 'revoked is "0123456789abcdef": not a list of key ids'),
        ({"revoked": ["xyz"]}, 'revoked holds "xyz": not a key id (16 hex digits'),
        ({"held": {"0123456789ABCDEF": "admin"}}, 'held names "0123456789ABCDEF": not a key id'),
        ({"held": {"0123456789abcdef": 7}}, "held gives key 0123456789abcdef the holder 7: "),
        ({"officers": ["admin"]}, 'officers is ["admin"]: not an object of public keys'),
        ({"officers": {"admin": 5}}, "officers gives 'admin' 5: not a public key (text)"),
        ({"log": None}, "log is null: not a public key"),
    ):
        _keys(log, **parts)

        refused = _create(fupin, new, log)

        assert refused.exit_code == 2, refused.output
        assert said + told in refused.stderr, parts
        assert not new.exists()


def test_a_key_held_by_an_officer_in_no_row_is_refused_as_one_in_force_for_them_is(
    fupin: Fupin, tmp_path: Path
) -> None:
    _init(fupin)
    log = _export(fupin, tmp_path)
    _keys(log, held={"0123456789abcdef": "ghost"})

    refused = _create(fupin, tmp_path / "new.db", log)

    assert refused.exit_code == 2, refused.output
    assert (
        "refused keys: the export's closing line names, in held, key 0123456789abcdef held by "
        "officer 'ghost', who is not in its rows"
    ) in refused.stderr
    assert not (tmp_path / "new.db").exists()
    _keys(log, held={"0123456789abcdef": "admin", "fedcba9876543210": ""})
    assert _create(fupin, tmp_path / "new.db", log).exit_code == 0


# -- 3. what verify and the import say of a move -----------------------------------------------


def test_verify_of_a_moved_ledger_names_no_fupin_init_it_never_ran(
    fupin: Fupin, tmp_path: Path
) -> None:
    _init(fupin)
    new = tmp_path / "new.db"
    assert _create(fupin, new, _export(fupin, tmp_path)).exit_code == 0

    checked = _verify(fupin, new)

    assert checked.exit_code == 0, checked.output
    assert "bootstrap" not in checked.stdout
    assert "fupin init" not in checked.stdout
    # the replayed initialise, ImportsStarted, BatchRecorded and the RebuiltFromExport
    assert "--require-signatures: 4 events replayed from an export" in checked.stdout
    assert (
        "bootstrap, which it exempts (1 events)" in fupin.ok("verify --require-signatures").stdout
    )


def test_a_negative_count_of_rows_is_refused_as_no_whole_count(
    fupin: Fupin, tmp_path: Path
) -> None:
    _init(fupin)
    log = _export(fupin, tmp_path)
    lines = log.read_bytes().splitlines()
    end = orjson.loads(lines[-1])
    end["rows"] = -40
    log.write_bytes(b"\n".join([*lines[:-1], orjson.dumps(end)]) + b"\n")

    refused = _create(fupin, tmp_path / "new.db", log)

    assert refused.exit_code == 2, refused.output
    assert (
        f"{log}, rows: is -40 (a negative number, not a whole count of rows) in the export's "
        "closing line"
    ) in refused.stderr
    assert "rows are missing" not in refused.stderr
    assert not (tmp_path / "new.db").exists()


def test_a_closing_line_before_the_end_of_the_last_file_is_refused_naming_its_line(
    fupin: Fupin, tmp_path: Path
) -> None:
    _init(fupin)
    for number in range(1, 5):
        add = f"officer add qu-0{number} --name 区专干{number} --role officer"
        fupin.ok(f"{add} {doc('2016-07-27')}", "admin")
    lines = _export(fupin, tmp_path).read_bytes().splitlines()
    rows, end = lines[:-1], orjson.loads(lines[-1])
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    # a whole export of the first three rows, then the last two and the real closing line
    whole = {**end, "rows": 3, "last_position": orjson.loads(rows[2])["position"]}
    first.write_bytes(b"\n".join([*rows[:3], orjson.dumps(whole)]) + b"\n")
    second.write_bytes(b"\n".join([*rows[3:], lines[-1]]) + b"\n")
    for path in (first, second):
        path.chmod(0o600)
    new = tmp_path / "new.db"

    refused = _create(fupin, new, first, second)

    assert refused.exit_code == 2, refused.output
    assert f"{first} line 4, file: is an export's closing line, which ends an export, and " in (
        refused.stderr
    )
    assert not new.exists()
    # in one file, rows after a closing line too
    first.write_bytes(b"\n".join([*rows[:3], orjson.dumps(whole), *rows[3:], lines[-1]]) + b"\n")
    again = _create(fupin, new, first)
    assert again.exit_code == 2, again.output
    assert f"{first} line 4, file: is an export's closing line" in again.stderr
    assert _create(fupin, new, _export(fupin, tmp_path)).exit_code == 0
