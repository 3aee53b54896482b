"""Round 18: the key messages say what is wrong. A save given a key file that holds another key
than the officer's key in force names the key in the file (and says so when it is one the
officer held before, rotated out or revoked), where it used to say, as with no file at all,
to give the key file; revoking a key already revoked says when it was, not that the officer
never had one. None of these depends on the store: SQLite only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round16_import_rows import _visits

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

VISIT = f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}"
NOTHING = "(nothing was written)"


def _key(fupin: Fupin, path: Path) -> tuple[str, str]:
    """Make a key pair; its public key and key id, as ``keys new`` printed them."""
    out = fupin.ok(f"keys new --out {path}").stdout
    public = re.search(r"public key:\s+(\S+)", out)
    kid = re.search(r"key id:\s+(\S+)", out)
    assert public is not None, out
    assert kid is not None, out
    return public.group(1), kid.group(1)


def _refused_for(fupin: Fupin, key_file: Path, held: str, in_force: str, whose: str) -> None:
    """A visit by jn-01 given ``key_file`` is refused naming the key it holds and jn-01's."""
    before = fupin.event_count()
    refused = fupin(f"--key {key_file} {VISIT}", "jn-01")
    assert_refused(
        refused, "key", f"the key file given holds key {held}, not jn-01's key {in_force} ({whose})"
    )
    assert f"give the private key file of {in_force} with --key or LEDGER_KEY" in refused.stderr
    assert NOTHING in refused.stderr
    assert fupin.event_count() == before


def test_a_key_file_holding_another_key_names_that_key(seeded: Fupin, tmp_path: Path) -> None:
    public, key = _key(seeded, tmp_path / "jn-01.key")
    _, other = _key(seeded, tmp_path / "other.key")
    log_public, log = _key(seeded, tmp_path / "log.key")
    seeded.ok(f"keys register jn-01 {public} {doc('2016-08-20')}", "admin")
    seeded.ok(f"keys register-log {log_public} {doc('2016-08-20')}", "admin")

    # a key no one holds, and the district's log key: neither is jn-01's, ever
    _refused_for(seeded, tmp_path / "other.key", other, key, "a key jn-01 never held")
    _refused_for(seeded, tmp_path / "log.key", log, key, "a key jn-01 never held")
    # no key file at all: the message as before
    before = seeded.event_count()
    bare = seeded(VISIT, "jn-01")
    assert_refused(bare, "key", f"jn-01 signs with key {key}; give its private key file with")
    assert seeded.event_count() == before
    # with its own key file the save is made
    seeded.ok(f"--key {tmp_path / 'jn-01.key'} {VISIT}", "jn-01")
    assert seeded.event_count() > before


def test_a_key_file_of_a_former_key_says_how_it_left(seeded: Fupin, tmp_path: Path) -> None:
    first, first_id = _key(seeded, tmp_path / "first.key")
    second, second_id = _key(seeded, tmp_path / "second.key")
    third, third_id = _key(seeded, tmp_path / "third.key")
    admin, _ = _key(seeded, tmp_path / "admin.key")
    # since session 24 a new key after a revocation is registered by an admin with a key
    a = f"--key {tmp_path / 'admin.key'}"
    seeded.ok(f"{a} keys register admin {admin} {doc('2016-08-20')}", "admin")
    seeded.ok(f"{a} keys register jn-01 {first} {doc('2016-08-20')}", "admin")
    seeded.ok(f"{a} keys register jn-01 {second} {doc('2016-08-21')}", "admin")  # rotated

    _refused_for(
        seeded,
        tmp_path / "first.key",
        first_id,
        second_id,
        "jn-01's former key, rotated out on 2016-08-21",
    )

    seeded.ok(f"{a} keys revoke jn-01 {doc('2016-08-22')} --note 遗失", "admin")
    seeded.ok(f"{a} keys register jn-01 {third} {doc('2016-08-23')}", "admin")
    _refused_for(
        seeded,
        tmp_path / "second.key",
        second_id,
        third_id,
        "jn-01's former key, revoked on 2016-08-22",
    )
    _refused_for(
        seeded,
        tmp_path / "first.key",
        first_id,
        third_id,
        "jn-01's former key, rotated out on 2016-08-21",
    )
    seeded.ok(f"--key {tmp_path / 'third.key'} {VISIT}", "jn-01")


def test_an_import_given_another_key_file_names_it_dry_run_or_not(
    seeded: Fupin, tmp_path: Path
) -> None:
    public, key = _key(seeded, tmp_path / "jn-01.key")
    _, other = _key(seeded, tmp_path / "other.key")
    seeded.ok(f"keys register jn-01 {public} {doc('2016-08-20')}", "admin")
    rows = _visits(tmp_path)
    before = seeded.event_count()

    for line in (f"import --dry-run {rows}", f"import {rows}"):
        refused = seeded(f"--key {tmp_path / 'other.key'} {line}", "jn-01")
        assert_refused(
            refused, "key", f"the key file given holds key {other}, not jn-01's key {key}"
        )
    assert seeded.event_count() == before


def test_revoking_a_key_already_revoked_says_when(seeded: Fupin, tmp_path: Path) -> None:
    public, key = _key(seeded, tmp_path / "jn-01.key")
    seeded.ok(f"keys register jn-01 {public} {doc('2016-08-20')}", "admin")
    seeded.ok(f"keys revoke jn-01 {doc('2016-08-21')} --note 遗失", "admin")
    before = seeded.event_count()

    again = seeded(f"keys revoke jn-01 {doc('2016-08-25')} --note 遗失", "admin")

    assert_refused(again, "key", f"jn-01's key {key} was already revoked on 2016-08-21")
    assert "jn-01 has no key in force to revoke" in again.stderr
    assert "has no registered key" not in again.stderr
    # an officer who never had a key: as before
    never = seeded(f"keys revoke qu-01 {doc('2016-08-25')} --note 遗失", "admin")
    assert_refused(never, "key", "qu-01 has no registered key")
    assert seeded.event_count() == before
