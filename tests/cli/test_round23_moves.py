"""Session 23, a data-migration tester: a ledger moved to a new store with ``fupin export
events`` and ``fupin import --create`` (docs/import.md "Exporting"). An export cut at a line
imported into the new store as if whole."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
from cli.main import app
from typer.testing import Result

from tests.cli.conftest import Fupin, doc

VISIT = f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}"

STORE_INDEPENDENT = "an export and its import into a new SQLite file: the move's own rules"


def _export(fupin: Fupin, folder: Path) -> Path:
    log = folder / "ev.jsonl"
    fupin.ok(f"export events -o {log}", actor="admin")
    return log


def _create(fupin: Fupin, store: Path, log: Path, actor: str = "admin") -> Result:
    return fupin.runner.invoke(
        app, ["--store", str(store), "--as", actor, "import", "--create", str(log)]
    )


def test_an_export_ends_with_a_line_that_counts_its_rows(seeded: Fupin, tmp_path: Path) -> None:
    lines = _export(seeded, tmp_path).read_bytes().splitlines()

    end = orjson.loads(lines[-1])
    rows = [orjson.loads(line) for line in lines[:-1]]
    assert (end["rows"], end["last_position"]) == (len(rows), rows[-1]["position"])


def test_an_export_cut_at_a_line_is_refused_by_a_new_store(seeded: Fupin, tmp_path: Path) -> None:
    log = _export(seeded, tmp_path)
    lines = log.read_bytes().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"".join(lines[:20]))
    cut.chmod(0o600)
    last = orjson.loads(lines[19])["position"]

    refused = _create(seeded, tmp_path / "new.db", cut)

    assert refused.exit_code == 2, refused.output
    assert f"{cut}, file: has no export's closing line" in refused.stderr
    assert f"the last row read is position {last} ({cut} line 20)" in refused.stderr
    assert "export again (fupin export events)" in refused.stderr
    assert "nothing written" in refused.stderr
    assert not (tmp_path / "new.db").exists()


def test_an_export_missing_rows_before_its_closing_line_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    log = _export(seeded, tmp_path)
    lines = log.read_bytes().splitlines(keepends=True)
    holed = tmp_path / "holed.jsonl"
    holed.write_bytes(b"".join([*lines[:-3], lines[-1]]))
    holed.chmod(0o600)

    refused = _create(seeded, tmp_path / "new.db", holed)

    assert refused.exit_code == 2, refused.output
    assert f"holds {len(lines) - 3} row(s)" in refused.stderr
    assert f"says the export wrote {len(lines) - 1}" in refused.stderr
    assert not (tmp_path / "new.db").exists()


def test_a_whole_export_still_moves(seeded: Fupin, tmp_path: Path) -> None:
    log = _export(seeded, tmp_path)

    moved = _create(seeded, tmp_path / "new.db", log)

    assert moved.exit_code == 0, moved.output
    rows = len(log.read_bytes().splitlines()) - 1
    assert f"imported {rows} row(s)" in moved.stdout


def test_an_export_split_in_parts_moves_in_one_command_but_not_its_first_part_alone(
    seeded: Fupin, tmp_path: Path
) -> None:
    lines = _export(seeded, tmp_path).read_bytes().splitlines(keepends=True)
    first, second = tmp_path / "part-1.jsonl", tmp_path / "part-2.jsonl"
    first.write_bytes(b"".join(lines[:15]))
    second.write_bytes(b"".join(lines[15:]))
    first.chmod(0o600)
    second.chmod(0o600)

    alone = _create(seeded, tmp_path / "alone.db", first)
    new = ["--store", str(tmp_path / "new.db"), "--as", "admin"]
    both = seeded.runner.invoke(app, [*new, "import", "--create", str(first), str(second)])

    assert alone.exit_code == 2, alone.output
    assert "has no export's closing line" in alone.stderr
    assert both.exit_code == 0, both.output
    assert f"imported {len(lines) - 1} row(s)" in both.stdout


def _key(fupin: Fupin, path: Path) -> str:
    """Make a key pair; its public key, as ``keys new`` printed it."""
    public = re.search(r"public key:\s+(\S+)", fupin.ok(f"keys new --out {path}").stdout)
    assert public is not None
    return public.group(1)


def _in(store: Path, fupin: Fupin, line: str, actor: str = "admin") -> Result:
    return fupin.runner.invoke(app, ["--store", str(store), "--as", actor, *line.split()])


def _keyed(fupin: Fupin, folder: Path) -> str:
    """jn-01 signs; the log key is registered; a key of qu-01's was revoked (returned)."""
    revoked = _key(fupin, folder / "qu01.key")
    for line in (
        f"keys register jn-01 {_key(fupin, folder / 'jn01.key')} {doc('2016-08-20')}",
        f"keys register-log {_key(fupin, folder / 'log.key')} {doc('2016-08-20')}",
        f"keys register qu-01 {revoked} {doc('2016-08-20')}",
        f"keys revoke qu-01 {doc('2016-08-21')} --note 遗失",
    ):
        fupin.ok(line, "admin")
    return revoked


def test_a_move_keeps_who_must_sign(seeded: Fupin, tmp_path: Path) -> None:
    _keyed(seeded, tmp_path)
    new = tmp_path / "new.db"

    moved = _create(seeded, new, _export(seeded, tmp_path))

    assert moved.exit_code == 0, moved.output
    assert "keys in force at the export registered again: jn-01 (key " in moved.stdout
    assert "the log key " in moved.stdout
    assert "1 key(s) revoked in the old store recorded as revoked here" in moved.stdout
    assert "take a new checkpoint here (fupin checkpoint)" in moved.stdout
    unsigned = _in(new, seeded, VISIT, "jn-01")
    assert unsigned.exit_code == 2, unsigned.output
    assert "key" in unsigned.stderr
    signed = _in(new, seeded, f"--key {tmp_path / 'jn01.key'} {VISIT}", "jn-01")
    assert signed.exit_code == 0, signed.output
    checkpoint = f"checkpoint --log-key {tmp_path / 'log.key'} --out {tmp_path / 'cp.json'}"
    taken = _in(new, seeded, f"{checkpoint} {doc('2018-12-30')}")
    assert taken.exit_code == 0, taken.output
    checked = _in(new, seeded, f"verify --checkpoint {tmp_path / 'cp.json'}")
    assert checked.exit_code == 0, checked.output


def test_a_key_revoked_before_a_move_is_never_registered_again(
    seeded: Fupin, tmp_path: Path
) -> None:
    revoked = _keyed(seeded, tmp_path)
    new = tmp_path / "new.db"
    assert _create(seeded, new, _export(seeded, tmp_path)).exit_code == 0

    again = _in(new, seeded, f"keys register jn-01 {revoked} {doc('2017-01-01')}")

    assert again.exit_code == 2, again.output
    assert "was revoked in the store this ledger was rebuilt from" in again.stderr
    assert "never registered again, for anyone" in again.stderr


def test_a_second_move_keeps_the_keys_of_the_first(seeded: Fupin, tmp_path: Path) -> None:
    _keyed(seeded, tmp_path)
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert _create(seeded, first, _export(seeded, tmp_path)).exit_code == 0
    log = tmp_path / "again.jsonl"
    assert _in(first, seeded, f"export events -o {log}").exit_code == 0

    moved = _create(seeded, second, log)

    assert moved.exit_code == 0, moved.output
    assert "jn-01 (key " in moved.stdout
    assert "1 key(s) revoked in the old store" in moved.stdout
    assert _in(second, seeded, VISIT, "jn-01").exit_code == 2


MOVED = "this ledger was rebuilt from an export (ev.jsonl) by import --create on "
ELSEWHERE = "checkpoints of the store it came from do not apply to it"


def _moved_with_old_checkpoint(fupin: Fupin, folder: Path) -> tuple[Path, Path]:
    """The ledger checkpointed, then moved to ``new.db``; the new store and the checkpoint."""
    _keyed(fupin, folder)
    old = folder / "old.json"
    fupin.ok(f"checkpoint --log-key {folder / 'log.key'} --out {old} {doc('2018-12-30')}", "admin")
    new = folder / "new.db"
    assert _create(fupin, new, _export(fupin, folder)).exit_code == 0
    return new, old


def test_verify_says_a_checkpoint_of_the_old_store_fails_because_of_the_move(
    seeded: Fupin, tmp_path: Path
) -> None:
    new, old = _moved_with_old_checkpoint(seeded, tmp_path)

    checked = _in(new, seeded, f"verify --checkpoint {old}")

    # since session 25 refused before the pass: the moved store is a log of its own
    assert checked.exit_code == 2, checked.output
    assert "it is a checkpoint of the log fupin-jianghai" in checked.stderr
    assert MOVED in checked.stderr
    assert ELSEWHERE in checked.stderr
    assert "take a new checkpoint here (fupin checkpoint)" in checked.stderr


def test_prove_and_restore_say_so_too(seeded: Fupin, tmp_path: Path) -> None:
    new, old = _moved_with_old_checkpoint(seeded, tmp_path)
    backup = tmp_path / "new.backup"
    assert _in(new, seeded, f"backup {backup}").exit_code == 0

    proved = _in(new, seeded, f"prove JH-0001 --checkpoint {old} --out {tmp_path / 'b.json'}")
    restored = _in(tmp_path / "r.db", seeded, f"restore {backup} --checkpoint {old}")

    assert proved.exit_code == 2, proved.output
    assert MOVED in proved.stderr
    assert restored.exit_code == 2, restored.output
    assert MOVED in restored.stderr


def test_a_checkpoint_of_a_ledger_never_moved_fails_with_no_word_of_a_move(
    seeded: Fupin, tmp_path: Path
) -> None:
    _keyed(seeded, tmp_path)
    old = tmp_path / "old.json"
    seeded.ok(
        f"checkpoint --log-key {tmp_path / 'log.key'} --out {old} {doc('2018-12-30')}", "admin"
    )
    data = orjson.loads(old.read_bytes())
    data["root"] = "00" * 32
    old.write_bytes(orjson.dumps(data))

    checked = seeded("verify --checkpoint " + str(old), "admin")

    assert checked.exit_code == 1, checked.output
    assert "rebuilt from an export" not in checked.output
