"""Round 24: a move dates its key records no earlier than the old store's latest key event
(tester, session 24), and ``keys list`` shows the log keys the old store rotated out.

Before, the move dated the keys it registered again by the export's last row: a log key
registered after the last row was backdated, and a revocation after it was lost, so the new
store took a checkpoint dated before its log key, which the old store refused. SQLite only."""

from __future__ import annotations

import json

from tests.cli.conftest import assert_refused, doc
from tests.cli.test_round24_keys import Keys, _new_key, _revoke_jn, keys

STORE_INDEPENDENT = "the export's closing line and the move's dates, the same code on either store"

__all__ = ["keys"]  # the fixture, used by name


def _move(keys: Keys) -> str:
    """Export ``keys``'s ledger and import it into a new store: ``--store NEW``."""
    log = keys.folder / "old.jsonl"
    keys.fupin.ok(f"{keys.key('admin.key')} export events -o {log}", "admin")
    new = keys.folder / "new.db"
    keys.fupin.ok(f"--store {new} import --create {log}", "admin")
    return f"--store {new}"


def test_a_moves_key_records_are_not_dated_before_the_old_stores_key_events(
    keys: Keys,
) -> None:
    fupin, as_admin = keys.fupin, keys.key("admin.key")
    log, log_id = _new_key(fupin, keys.folder / "log.key")
    # key events after every row of the export (the last row is before 2016-09)
    fupin.ok(f"{as_admin} keys register-log {log} {doc('2016-09-07')}", "admin")
    fupin.ok(f"{as_admin} keys revoke jn-01 {doc('2016-09-10')} --note 被盗", "admin")
    exported = keys.folder / "old.jsonl"

    moved = _move(keys)

    listed = json.loads(fupin.ok(f"{moved} keys list --format json", "admin").stdout)
    assert [k["registered_on"] for k in listed["log_keys"] if k["key_id"] == log_id] == [
        "2016-09-10"
    ]
    early = fupin(
        f"{moved} {as_admin} checkpoint --log-key {keys.folder / 'log.key'} "
        f"--out {keys.folder / 'cp.json'} {doc('2016-09-08')}",
        "admin",
    )
    assert_refused(early, "effective", f"the log key {log_id}, which signs it, was registered")
    fupin.ok(f"{moved} verify")
    closing = json.loads(exported.read_text(encoding="utf-8").splitlines()[-1])
    assert closing["keys"]["last_key_event"] == "2016-09-10"


def test_an_export_without_last_key_event_is_moved_as_before(keys: Keys) -> None:
    """A closing line written before session 24: the move is dated by its last row."""
    fupin = keys.fupin
    _revoke_jn(keys)
    log = keys.folder / "old.jsonl"
    fupin.ok(f"{keys.key('admin.key')} export events -o {log}", "admin")
    lines = log.read_text(encoding="utf-8").splitlines()
    closing = json.loads(lines[-1])
    closing["keys"].pop("last_key_event", None)
    log.write_text("\n".join([*lines[:-1], json.dumps(closing)]) + "\n", encoding="utf-8")
    new = keys.folder / "new.db"
    fupin.ok(f"--store {new} import --create {log}", "admin")
    listed = json.loads(fupin.ok(f"--store {new} keys list --format json", "admin").stdout)
    days = {k["registered_on"] for k in listed["officer_keys"] if k["registered_on"]}
    assert days
    assert max(days) < "2016-08-21"


def test_a_bad_last_key_event_is_refused_naming_it(keys: Keys) -> None:
    fupin = keys.fupin
    log = keys.folder / "old.jsonl"
    fupin.ok(f"{keys.key('admin.key')} export events -o {log}", "admin")
    lines = log.read_text(encoding="utf-8").splitlines()
    closing = json.loads(lines[-1])
    closing["keys"]["last_key_event"] = "2016-13-01"
    log.write_text("\n".join([*lines[:-1], json.dumps(closing)]) + "\n", encoding="utf-8")
    refused = fupin(f"--store {keys.folder / 'new.db'} import --create {log}", "admin")
    assert refused.exit_code == 2, refused.output
    assert 'its last_key_event is "2016-13-01": not a date (YYYY-MM-DD)' in refused.output


def test_keys_list_shows_the_log_keys_the_old_store_rotated_out(keys: Keys) -> None:
    fupin, as_admin = keys.fupin, keys.key("admin.key")
    first, first_id = _new_key(fupin, keys.folder / "l1.key")
    second, second_id = _new_key(fupin, keys.folder / "l2.key")
    fupin.ok(f"{as_admin} keys register-log {first} {doc('2016-08-20')}", "admin")
    fupin.ok(f"{as_admin} keys register-log {second} {doc('2016-08-21')}", "admin")

    moved = _move(keys)

    listed = json.loads(fupin.ok(f"{moved} keys list --format json", "admin").stdout)
    rotated, current = listed["log_keys"]
    assert rotated["key_id"] == first_id
    assert rotated["registered_on"] == ""
    assert rotated["current"] is False
    assert rotated["ended"].startswith(
        "rotated out in the store this ledger was rebuilt from (import --create on "
    )
    assert current == {
        "key_id": second_id,
        "registered_on": "2016-08-21",
        "current": True,
        "ended": "",
    }
    assert first_id in fupin.ok(f"{moved} keys list", "admin").stdout
