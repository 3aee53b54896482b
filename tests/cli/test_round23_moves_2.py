"""Session 23, a re-test of moves (``fupin export events``, then ``fupin import --create``:
docs/import.md "Exporting", docs/audit-guide.md §1): an officer's entries renumbered by the
move, a moved ledger that no longer passed ``verify --require-signatures``, an export's
closing line trusted as written, and what the refusals named."""

from __future__ import annotations

import hashlib
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


def _export(fupin: Fupin, folder: Path, store: Path | None = None) -> Path:
    log = folder / ("ev.jsonl" if store is None else f"{store.stem}.jsonl")
    if store is None:
        fupin.ok(f"export events -o {log}", actor="admin")
    else:
        done = _in(store, fupin, "export", "events", "-o", str(log))
        assert done.exit_code == 0, done.output
    return log


def _create(fupin: Fupin, store: Path, *files: Path, actor: str | None = "admin") -> Result:
    return _in(store, fupin, "import", "--create", *map(str, files), actor=actor)


def _history(fupin: Fupin, store: Path, officer: str) -> list[dict[str, Any]]:
    shown = _in(store, fupin, "history", "--kind", "officer", officer, "--format", "json")
    assert shown.exit_code == 0, shown.output
    found: list[dict[str, Any]] = orjson.loads(shown.stdout)
    return found


# -- 1. an officer's entries in a move --------------------------------------------------------


def _keyed_retired_corrected(fupin: Fupin, folder: Path) -> None:
    """qu-01's key registered, then qu-01 retired (entry 3), and the retirement corrected."""
    fupin.ok(f"keys register qu-01 {_key(fupin, folder / 'q.key')} {doc('2016-08-20')}", "admin")
    fupin.ok(f"officer retire qu-01 --reason 调离 {doc('2016-08-21')}", "admin")
    fupin.ok(f"correct officer qu-01 3 --reason 误录 {doc('2016-08-22')}", "admin")


def test_a_correction_of_a_keyed_officers_entry_moves_naming_the_same_entry(
    seeded: Fupin, tmp_path: Path
) -> None:
    _keyed_retired_corrected(seeded, tmp_path)
    new = tmp_path / "new.db"

    moved = _create(seeded, new, _export(seeded, tmp_path))

    assert moved.exit_code == 0, moved.output
    entries = _history(seeded, new, "qu-01")
    retired = [e["version"] for e in entries if e["event"] == "OfficerRetired"]
    corrected = [e["details"] for e in entries if e["event"] == "Corrected"]
    assert corrected == [{"corrects": retired[0], "reason": "误录"}]
    shown = _in(new, seeded, "officer", "list", "--format", "json")
    assert shown.exit_code == 0, shown.output
    qu01 = [o for o in orjson.loads(shown.stdout)["officers"] if o["officer"] == "qu-01"]
    assert qu01[0]["active"] is True


def test_a_ledger_moved_twice_keeps_an_officers_correction(seeded: Fupin, tmp_path: Path) -> None:
    # Moved once (its keys registered again at the end of the officer's record), then the
    # officer retired and the retirement corrected, then moved again.
    seeded.ok(
        f"keys register qu-01 {_key(seeded, tmp_path / 'q.key')} {doc('2016-08-20')}", "admin"
    )
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert _create(seeded, first, _export(seeded, tmp_path)).exit_code == 0
    entries = _history(seeded, first, "qu-01")
    retiring = len(entries) + 1
    for line in (
        f"officer retire qu-01 --reason 调离 {doc('2016-08-21')}",
        f"correct officer qu-01 {retiring} --reason 误录 {doc('2016-08-22')}",
    ):
        assert _in(first, seeded, *line.split()).exit_code == 0

    moved = _create(seeded, second, _export(seeded, tmp_path, first))

    assert moved.exit_code == 0, moved.output
    after = _history(seeded, second, "qu-01")
    retired = [e["version"] for e in after if e["event"] == "OfficerRetired"]
    assert [e["details"]["corrects"] for e in after if e["event"] == "Corrected"] == retired


def test_a_correction_of_no_entry_names_the_records_own_kind(seeded: Fupin) -> None:
    refused = seeded(f"correct officer qu-01 9 --reason 误录 {doc('2016-08-22')}", "admin")

    assert refused.exit_code == 2, refused.output
    assert "there is no entry 9: this record's entries run from 1 to 1" in refused.stderr
    assert "(`fupin history --kind officer qu-01` lists them)" in refused.stderr
    assert "fund CODE" not in refused.stderr


# -- 2. verify --require-signatures after a move -----------------------------------------------


def _signed_ledger(fupin: Fupin, folder: Path) -> Path:
    """A ledger signed from its first possible save: admin's key at position 1."""
    fupin.ok(f"init --admin admin --name 区扶贫办 {doc('2016-06-01')}", "admin")
    fupin.ok(f"keys register admin {_key(fupin, folder / 'admin')} {doc('2016-06-01')}", "admin")
    key = folder / "admin"
    for line in (
        f"officer add qu-01 --name 区专干 --role officer {doc('2016-06-02')}",
        f"officer amend qu-01 --name 区专干一 --reason 错字 {doc('2016-06-03')}",
    ):
        fupin.ok(f"--key {key} {line}", "admin")
    assert (
        "every event is signed but the bootstrap" in fupin.ok("verify --require-signatures").stdout
    )
    return key


def test_a_signed_ledger_moved_passes_require_signatures_saying_what_the_move_holds(
    fupin: Fupin, tmp_path: Path
) -> None:
    key = _signed_ledger(fupin, tmp_path)
    new = tmp_path / "new.db"
    assert _create(fupin, new, _export(fupin, tmp_path)).exit_code == 0

    checked = _in(new, fupin, "verify", "--require-signatures", actor=None)

    assert checked.exit_code == 0, checked.output
    # 3 rows (the first, init, the move's since the re-test of moves 3), ImportsStarted,
    # BatchRecorded, the RebuiltFromExport and admin's key registered again
    assert "--require-signatures: 7 events replayed from an export by import --create on " in (
        checked.stdout
    )
    assert "the store they came from holds their signatures" in checked.stdout
    assert "events after the move are judged as usual" in checked.stdout
    # after the move, as usual: a signed save passes, and an unsigned one fails
    add = f"officer add jn-09 --name 街专干 --role officer {doc('2016-06-05')}".split()
    assert _in(new, fupin, "--key", str(key), *add).exit_code == 0
    assert _in(new, fupin, "verify", "--require-signatures", actor=None).exit_code == 0


def test_an_unsigned_event_after_a_move_still_fails_require_signatures(
    fupin: Fupin, tmp_path: Path
) -> None:
    _signed_ledger(fupin, tmp_path)
    new = tmp_path / "new.db"
    log = _export(fupin, tmp_path)
    # an export without the admin's key: after the move, admin saves unsigned
    lines = log.read_bytes().splitlines()
    end = orjson.loads(lines[-1])
    end["keys"]["officers"] = {}
    log.write_bytes(b"\n".join([*lines[:-1], orjson.dumps(end)]) + b"\n")
    assert _create(fupin, new, log).exit_code == 0
    add = f"officer add jn-09 --name 街专干 --role officer {doc('2016-06-05')}".split()
    assert _in(new, fupin, *add).exit_code == 0

    checked = _in(new, fupin, "verify", "--require-signatures", actor=None)

    assert checked.exit_code == 1, checked.output
    assert "1 problem(s)" in checked.stderr
    assert "Officer.OfficerRegistered" in checked.stderr
    assert "events replayed from an export by import --create on " in checked.stderr


# -- 4. a closing line's counts ------------------------------------------------------------


def _closing(log: Path, **changes: object) -> None:
    lines = log.read_bytes().splitlines()
    end = orjson.loads(lines[-1])
    for name, value in changes.items():
        if value is _DROP:
            del end[name]
        else:
            end[name] = value
    log.write_bytes(b"\n".join([*lines[:-1], orjson.dumps(end)]) + b"\n")


_DROP = object()


def test_a_closing_line_whose_counts_are_no_whole_numbers_is_refused_naming_the_field(
    seeded: Fupin, tmp_path: Path
) -> None:
    log = _export(seeded, tmp_path)
    rows = len(log.read_bytes().splitlines()) - 1
    # five rows dropped and the count written as text: it passed as an old export
    lines = log.read_bytes().splitlines()
    log.write_bytes(b"\n".join([*lines[:-6], lines[-1]]) + b"\n")
    _closing(log, rows=str(rows))

    refused = _create(seeded, tmp_path / "new.db", log)

    assert refused.exit_code == 2, refused.output
    assert f'{log}, rows: is "{rows}" in the export\'s closing line' in refused.stderr
    assert "each a whole number" in refused.stderr
    assert not (tmp_path / "new.db").exists()
    _closing(log, rows=rows - 5, last_position=_DROP)
    missing = _create(seeded, tmp_path / "new.db", log)
    assert missing.exit_code == 2, missing.output
    assert f"{log}, last_position: is missing in the export's closing line" in missing.stderr
    _closing(log, last_position=None)
    null = _create(seeded, tmp_path / "new.db", log)
    assert f"{log}, last_position: is null in the export's closing line" in null.stderr


# -- 5. a file that is no part of the export -----------------------------------------------


def test_a_file_given_with_an_export_to_create_is_named_as_no_part_of_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    log = _export(seeded, tmp_path)
    extra = tmp_path / "extra.csv"
    extra.write_text("command,ref,household\nsign,x-1,JH-0004\n", encoding="utf-8")
    extra.chmod(0o600)

    refused = _create(seeded, tmp_path / "new.db", log, extra)

    assert refused.exit_code == 2, refused.output
    assert f"{extra}, file: is no part of the export: the files of one import --create are " in (
        refused.stderr
    )
    assert "it holds no export row and no export's closing line" in refused.stderr
    assert f"(import --create {log})" in refused.stderr
    assert "cut short" not in refused.stderr
    assert not (tmp_path / "new.db").exists()


# -- 6. what a move's refusals name ------------------------------------------------------------


def test_a_key_in_the_closing_line_for_an_officer_in_no_row_is_refused_as_the_closing_lines(
    seeded: Fupin, tmp_path: Path
) -> None:
    log = _export(seeded, tmp_path)
    _closing(
        log,
        keys={
            "officers": {"ghost": _key(seeded, tmp_path / "g")},
            "log": "",
            "revoked": [],
            "held": {},
        },
    )

    refused = _create(seeded, tmp_path / "new.db", log)

    assert refused.exit_code == 2, refused.output
    assert (
        "refused keys: the export's closing line names a key for officer 'ghost', who is not "
        "in its rows"
    ) in refused.stderr
    assert not (tmp_path / "new.db").exists()
    _closing(log, keys={"officers": {}, "log": "", "revoked": ["nothex"], "held": {}})
    bad = _create(seeded, tmp_path / "new.db", log)
    assert 'refused keys: the export\'s closing line: its revoked holds "nothex"' in bad.stderr


def test_a_move_whose_default_importer_has_retired_asks_for_an_active_admin(
    fupin: Fupin, tmp_path: Path
) -> None:
    fupin.ok(f"init --admin admin --name 区扶贫办 {doc('2016-06-01')}", "admin")
    fupin.ok(f"officer add ad-2 --name 二 --role admin {doc('2016-06-02')}", "admin")
    fupin.ok(f"officer retire admin --reason 调离 {doc('2016-06-06')}", "ad-2")
    log = tmp_path / "ev.jsonl"
    fupin.ok(f"export events -o {log}", "ad-2")

    refused = _create(fupin, tmp_path / "new.db", log, actor=None)

    assert refused.exit_code == 2, refused.output
    assert "the importing admin of an import --create without --as is the export's first " in (
        refused.stderr
    )
    assert "admin, who initialised it, and admin has retired" in refused.stderr
    assert "name an admin active at the end of the export with --as" in refused.stderr
    assert not (tmp_path / "new.db").exists()
    assert _create(fupin, tmp_path / "new.db", log, actor="ad-2").exit_code == 0


def test_the_move_is_dated_alike_in_every_message(seeded: Fupin, tmp_path: Path) -> None:
    revoked = _key(seeded, tmp_path / "r")
    seeded.ok(f"keys register jn-01 {revoked} {doc('2016-08-20')}", "admin")
    seeded.ok(f"keys revoke jn-01 {doc('2016-08-21')} --note 遗失", "admin")
    seeded.ok(f"officer add qu-09 --name 九 --role officer {doc('2016-08-21')}", "admin")
    new = tmp_path / "new.db"
    assert _create(seeded, new, _export(seeded, tmp_path)).exit_code == 0

    again = _in(new, seeded, "keys", "register", "jn-01", revoked, *doc("2017-01-01").split())
    checked = _in(new, seeded, "verify", "--require-signatures", actor=None)

    said = re.findall(r"import --create on ([0-9-]{10})", again.stderr + checked.output)
    assert len(said) == 2, (again.stderr, checked.output)
    assert said[0] == said[1]
    assert "2016-08-21" not in said


# -- 3. what a move prints to check it against the old store -----------------------------------


def test_a_move_prints_the_revoked_ids_and_the_digest_an_export_made_again_matches(
    seeded: Fupin, tmp_path: Path
) -> None:
    revoked = _key(seeded, tmp_path / "r")
    seeded.ok(f"keys register jn-01 {revoked} {doc('2016-08-20')}", "admin")
    seeded.ok(f"keys revoke jn-01 {doc('2016-08-21')} --note 遗失", "admin")
    log = _export(seeded, tmp_path)
    kid = orjson.loads(log.read_bytes().splitlines()[-1])["keys"]["revoked"][0]

    moved = _create(seeded, tmp_path / "new.db", log)

    assert moved.exit_code == 0, moved.output
    assert (
        f"1 key(s) revoked in the old store recorded as revoked here (never registered again): "
        f"{kid}"
    ) in moved.stdout
    again = tmp_path / "again.jsonl"
    seeded.ok(f"export events -o {again}", "admin")
    digest = hashlib.sha256(again.read_bytes()).hexdigest()
    assert f"the export's SHA-256, recorded with the move (RebuiltFromExport): {digest}" in (
        moved.stdout
    )
    assert "an export is no evidence of the old store" in moved.stdout
