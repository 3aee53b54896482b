"""Round 24, the re-test of the key changes (session 24): a log key rotated out before a move,
key events dated backwards, an officer whose key was revoked refused when authorised, who can
act, ``keys list`` for a retired officer, ``keys revoke --note``. SQLite only."""

from __future__ import annotations

import json
from pathlib import Path

from ledger.values import today

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round24_keys import Keys, _new_key, keys

STORE_INDEPENDENT = "the ledger's own key rules and replay, the same code on either store"

__all__ = ["keys"]  # the fixture, used by name


def _move(keys: Keys, name: str = "new.db") -> Path:
    """Export ``keys``'s ledger and import it into a new store ``name``; its path."""
    log = keys.folder / f"{name}.jsonl"
    keys.fupin.ok(f"{keys.key('admin.key')} export events -o {log}", "admin")
    new = keys.folder / name
    keys.fupin.ok(f"--store {new} import --create {log}", "admin")
    return new


# -- 1. a log key rotated out in the old store is never the log key again after a move -------


def test_a_log_key_rotated_out_before_a_move_is_never_registered_again(keys: Keys) -> None:
    fupin, as_admin = keys.fupin, keys.key("admin.key")
    first, first_id = _new_key(fupin, keys.folder / "l1.key")
    second, _ = _new_key(fupin, keys.folder / "l2.key")
    fupin.ok(f"{as_admin} keys register-log {first} {doc('2016-08-20')}", "admin")
    fupin.ok(f"{as_admin} keys register-log {second} {doc('2016-08-21')}", "admin")
    new = _move(keys)
    moved = Fupin(str(new), fupin.runner)
    before = moved.event_count()

    again = fupin(
        f"--store {new} {as_admin} keys register-log {first} {doc('2016-08-22')}", "admin"
    )

    assert_refused(
        again,
        "key",
        f"key {first_id} was the district's log key in the store this ledger was rebuilt from "
        "(import --create on ",
    )
    assert "until it was rotated out there" in again.stderr
    assert "a log key rotated out is never the log key again" in again.stderr
    assert moved.event_count() == before
    # a second move still knows it
    second_store = Path(str(new) + "-2.db")
    log = keys.folder / "again.jsonl"
    fupin.ok(f"--store {new} {as_admin} export events -o {log}", "admin")
    fupin.ok(f"--store {second_store} import --create {log}", "admin")
    twice = fupin(
        f"--store {second_store} {as_admin} keys register-log {first} {doc('2016-08-22')}",
        "admin",
    )
    assert_refused(twice, "key", "until it was rotated out there")


# -- 2. key events not dated before the key they follow -------------------------------------


def test_key_events_are_not_dated_before_the_key_they_follow(keys: Keys) -> None:
    fupin, as_admin = keys.fupin, keys.key("admin.key")
    first, first_id = _new_key(fupin, keys.folder / "l1.key")
    second, _ = _new_key(fupin, keys.folder / "l2.key")
    jn_new, _ = _new_key(fupin, keys.folder / "jn-new.key")
    fupin.ok(f"{as_admin} keys register-log {first} {doc('2018-12-10')}", "admin")
    fupin.ok(f"{as_admin} keys revoke jn-01 {doc('2018-12-02')} --note 被盗", "admin")
    before = fupin.event_count()

    early_rotation = fupin(f"{as_admin} keys register-log {second} {doc('2017-01-01')}", "admin")
    early_replacement = fupin(
        f"{as_admin} keys register jn-01 {jn_new} {doc('2016-09-01')}", "admin"
    )
    early_own = fupin(f"{as_admin} keys register admin {jn_new} {doc('2016-08-01')}", "admin")
    early_checkpoint = fupin(
        f"{as_admin} checkpoint --log-key {keys.folder / 'l1.key'} "
        f"--out {keys.folder / 'cp.json'} {doc('2018-01-01')}",
        "admin",
    )

    assert_refused(
        early_rotation,
        "effective",
        f"the log key {first_id}, which it replaces, was registered only on 2018-12-10",
    )
    assert_refused(
        early_replacement, "effective", f"jn-01's key {keys.jn} was revoked only on 2018-12-02"
    )
    assert_refused(
        early_own,
        "effective",
        f"admin's key {keys.admin}, which it replaces, was registered only on 2016-08-20",
    )
    assert_refused(
        early_checkpoint,
        "effective",
        f"the log key {first_id}, which signs it, was registered only on 2018-12-10",
    )
    assert fupin.event_count() == before
    # dated on or after: taken
    fupin.ok(f"{as_admin} keys register jn-01 {jn_new} {doc('2018-12-02')}", "admin")
    fupin.ok(f"{as_admin} keys register-log {second} {doc('2018-12-10')}", "admin")


# -- 3. an officer whose key was revoked is refused when authorised -------------------------


def test_an_officer_whose_key_was_revoked_is_refused_before_the_commands_rules(
    keys: Keys,
) -> None:
    fupin, as_admin = keys.fupin, keys.key("admin.key")
    fupin.ok(f"{as_admin} keys revoke jn-01 {doc('2016-08-21')} --note 被盗", "admin")
    before = fupin.event_count()

    wrong_helper = fupin(f"household visit JH-0001 --helper nobody {doc('2016-09-01')}", "jn-01")

    assert_refused(
        wrong_helper,
        "as",
        f"jn-01's key {keys.jn} was revoked on 2016-08-21 and no new key is registered",
    )
    assert fupin.event_count() == before


def test_an_import_names_each_row_of_an_officer_whose_key_was_revoked(keys: Keys) -> None:
    fupin, as_admin = keys.fupin, keys.key("admin.key")
    fupin.ok(f"{as_admin} keys revoke jn-01 {doc('2016-08-21')} --note 被盗", "admin")
    rows = keys.folder / "record_visit.csv"
    rows.write_text(
        "ref,actor,effective,document,household,helper,summary\n"
        "V-1,jn-01,2016-09-01,走访记录,JH-0001,c-1,入户走访\n"
        "V-2,admin,2016-09-01,走访记录,JH-0001,nobody,入户走访\n"
        "V-3,jn-01,2016-09-02,走访记录,JH-0001,c-1,再次走访\n",
        encoding="utf-8",
    )
    before = fupin.event_count()

    refused = fupin(f"{as_admin} import {rows}", "admin")

    assert refused.exit_code == 2, refused.output
    revoked = f"actor: jn-01's key {keys.jn} was revoked on 2016-08-21"
    assert f"{rows} row 2, {revoked}" in refused.stderr
    assert f"{rows} row 4, {revoked}" in refused.stderr
    assert f"{rows} row 3, helper: " in refused.stderr
    assert fupin.event_count() == before


# -- 6. keys revoke --note is required, and said so -----------------------------------------


def test_keys_revoke_note_is_required_and_said_so(keys: Keys) -> None:
    fupin = keys.fupin
    before = fupin.event_count()

    shown = fupin.ok("keys revoke --help").stdout
    missing = fupin(f"{keys.key('admin.key')} keys revoke jn-01 {doc('2016-08-21')}", "admin")

    assert "Required: the reason for revoking" in " ".join(shown.split())
    assert_refused(missing, "note", "say why the key is revoked")
    assert fupin.event_count() == before


# -- 4. refusals say who can act --------------------------------------------------------------


def test_refusals_say_who_can_act(keys: Keys) -> None:
    fupin, as_admin = keys.fupin, keys.key("admin.key")
    second, second_id = _new_key(fupin, keys.folder / "adm-2.key")
    fupin.ok(f"{as_admin} officer add adm-2 --name 二 --role admin {doc('2016-08-20')}", "admin")
    fupin.ok(f"{as_admin} keys register adm-2 {second} {doc('2016-08-20')}", "admin")
    fupin.ok(f"{as_admin} keys revoke adm-2 {doc('2016-08-21')} --note 被盗", "admin")
    before = fupin.event_count()

    last = fupin(f"{as_admin} keys revoke admin {doc('2016-08-22')} --note 遗失", "admin")
    by_revoked = fupin(
        f"--key {keys.folder / 'adm-2.key'} keys revoke admin {doc('2016-08-22')} --note 遗失",
        "adm-2",
    )

    assert_refused(
        last,
        "officer",
        "first register a new key for adm-2 (whose key was revoked: fupin keys new, then fupin "
        "keys register, signed with admin's key), then revoke",
    )
    assert "second admin" not in last.stderr
    assert_refused(
        by_revoked,
        "as",
        f"adm-2's key {second_id} was revoked on 2016-08-21 and no new key is registered: adm-2 "
        "records nothing until one is; have an admin with a key in force (admin) register a new "
        "key for adm-2",
    )
    assert fupin.event_count() == before


def test_an_admin_without_a_key_is_told_to_register_their_own_first(
    seeded: Fupin, tmp_path: Path
) -> None:
    old, _ = _new_key(seeded, tmp_path / "old.key")
    new, _ = _new_key(seeded, tmp_path / "new.key")
    seeded.ok(f"keys register jn-01 {old} {doc('2016-08-20')}", "admin")
    seeded.ok(f"keys revoke jn-01 {doc('2016-08-21')} --note 遗失", "admin")

    refused = seeded(f"keys register jn-01 {new} {doc('2016-08-22')}", "admin")
    saving = seeded(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "jn-01")

    assert_refused(
        refused,
        "key",
        "admin has no key in force; admin, who never held a key, may register their own first "
        "key (fupin keys new, then fupin keys register admin …), then jn-01's signed with it",
    )
    assert_refused(
        saving,
        "as",
        "no admin has a key in force now: an admin who never held a key may register their own "
        "first key, then jn-01's in a save signed with it",
    )


# -- 7. a move is not recorded by an admin whose key was revoked -----------------------------


def test_a_move_by_an_admin_whose_key_was_revoked_is_refused(keys: Keys) -> None:
    fupin, as_admin = keys.fupin, keys.key("admin.key")
    second, _ = _new_key(fupin, keys.folder / "adm-2.key")
    as_second = keys.key("adm-2.key")
    fupin.ok(f"{as_admin} officer add adm-2 --name 二 --role admin {doc('2016-08-20')}", "admin")
    fupin.ok(f"{as_admin} keys register adm-2 {second} {doc('2016-08-20')}", "admin")
    fupin.ok(f"{as_second} keys revoke admin {doc('2016-08-21')} --note 被盗", "adm-2")
    log = keys.folder / "ev.jsonl"
    fupin.ok(f"{as_second} export events -o {log}", "adm-2")
    new = keys.folder / "new.db"

    by_default = fupin(f"--store {new} import --create {log}")
    by_admin = fupin(f"--store {new} import --create {log}", "admin")

    for refused in (by_default, by_admin):
        assert_refused(
            refused,
            "as",
            f"admin's key {keys.admin} was revoked in the store this export came from, and no "
            "new key was registered: admin records nothing there, nor this move here; run the "
            "move as an admin with a key in force at the export (adm-2): fupin --as ADMIN "
            "import --create",
        )
        assert not new.exists() or Fupin(str(new), fupin.runner).event_count() == 0
    moved = fupin(f"--store {new} import --create {log}", "adm-2")
    assert moved.exit_code == 0, moved.output
    assert fupin(f"--store {new} verify").exit_code == 0
    assert_refused(
        fupin(f"--store {new} household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "admin"),
        "as",
        f"admin's key {keys.admin} was revoked in the store this ledger was rebuilt from",
    )


# -- 5. keys list: a retired officer's key is not in force ------------------------------------


def test_keys_list_shows_a_retired_officers_key_ended_before_and_after_a_move(
    keys: Keys,
) -> None:
    fupin, as_admin = keys.fupin, keys.key("admin.key")
    fupin.ok(f"{as_admin} officer retire jn-01 --reason 退休 -d 退休通知 -e 2016-10-01", "admin")

    listed = json.loads(fupin.ok("keys list --format json", "insp-1").stdout)
    jn = [row for row in listed["officer_keys"] if row["officer"] == "jn-01"]

    assert jn == [
        {
            "officer": "jn-01",
            "key_id": keys.jn,
            "registered_on": "2016-08-20",
            "in_force": False,
            "ended": "officer retired on 2016-10-01",
        }
    ]
    new = _move(keys)
    moved = json.loads(fupin.ok(f"--store {new} keys list --format json", "insp-1").stdout)
    jn = [row for row in moved["officer_keys"] if row["officer"] == "jn-01"]
    assert jn == [
        {
            "officer": "jn-01",
            "key_id": keys.jn,
            "registered_on": "",
            "in_force": False,
            "ended": (
                "held in the store this ledger was rebuilt from (import --create on "
                f"{today().isoformat()}); officer retired"
            ),
        }
    ]
