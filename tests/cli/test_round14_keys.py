"""Round 14: a signing key belongs to one holder, ever; a revoked key never comes back; a
``--key`` given for an officer with no key in force is refused, not silently ignored."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_verify_cli import new_key

VISIT = f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}"


def test_a_revoked_key_is_never_registered_again_for_anyone(seeded: Fupin, tmp_path: Path) -> None:
    public = new_key(seeded, tmp_path / "jn-01.key")
    seeded.ok(f"keys register jn-01 {public} {doc('2016-08-20')}", "admin")
    seeded.ok(f"keys revoke jn-01 {doc('2016-08-21')} --note 遗失", "admin")
    before = seeded.event_count()

    again = seeded(f"keys register jn-01 {public} {doc('2016-08-22')}", "admin")
    other = seeded(f"keys register qu-01 {public} {doc('2016-08-22')}", "admin")
    log = seeded(f"keys register-log {public} {doc('2016-08-22')}", "admin")

    for result in (again, other, log):
        assert_refused(result, "key", "was revoked for jn-01")
        assert "2016-08-21 by admin" in result.stderr
        assert "遗失" in result.stderr
    assert seeded.event_count() == before
    # the leaked key signs nothing: jn-01 saves with it are refused
    signed = seeded(f"--key {tmp_path / 'jn-01.key'} {VISIT}", "jn-01")
    # since session 24: nothing, with it or not; since its re-test on the actor, saying that
    # with no admin holding a key, an admin who never held one registers their own first
    assert_refused(signed, "as", "jn-01's key ")
    assert "an admin who never held a key may register their own first key" in signed.stderr
    assert "was revoked on 2016-08-21 and no new key is registered" in signed.stderr
    assert seeded.event_count() == before


def test_a_public_key_belongs_to_one_holder_ever(seeded: Fupin, tmp_path: Path) -> None:
    admin = new_key(seeded, tmp_path / "admin.key")
    jn = new_key(seeded, tmp_path / "jn-01.key")
    log = new_key(seeded, tmp_path / "log.key")
    seeded.ok(f"keys register admin {admin} {doc('2016-08-20')}", "admin")
    a = f"--key {tmp_path / 'admin.key'}"
    seeded.ok(f"{a} keys register jn-01 {jn} {doc('2016-08-20')}", "admin")
    seeded.ok(f"{a} keys register-log {log} {doc('2016-08-20')}", "admin")
    before = seeded.event_count()

    # the admin's key for a street officer; jn-01's key for another officer or as the log key
    assert_refused(
        seeded(f"{a} keys register ll-01 {admin} {doc('2016-08-21')}", "admin"),
        "key",
        "is registered for admin",
    )
    assert_refused(
        seeded(f"{a} keys register ll-01 {jn} {doc('2016-08-21')}", "admin"),
        "key",
        "is registered for jn-01",
    )
    assert_refused(
        seeded(f"{a} keys register-log {jn} {doc('2016-08-21')}", "admin"),
        "key",
        "is registered for jn-01",
    )
    # the log key for an officer
    assert_refused(
        seeded(f"{a} keys register ll-01 {log} {doc('2016-08-21')}", "admin"),
        "key",
        "district's log key",
    )
    assert seeded.event_count() == before

    # keys rotated out stay their holder's: jn-01's old key, the old log key
    seeded.ok(
        f"{a} keys register jn-01 {new_key(seeded, tmp_path / 'jn-01b.key')} {doc('2016-08-22')}",
        "admin",
    )
    seeded.ok(
        f"{a} keys register-log {new_key(seeded, tmp_path / 'log2.key')} {doc('2016-08-22')}",
        "admin",
    )
    before = seeded.event_count()
    assert_refused(
        seeded(f"{a} keys register ll-01 {jn} {doc('2016-08-23')}", "admin"),
        "key",
        "was registered for jn-01",
    )
    assert_refused(
        seeded(f"{a} keys register-log {jn} {doc('2016-08-23')}", "admin"),
        "key",
        "was registered for jn-01",
    )
    assert_refused(
        seeded(f"{a} keys register ll-01 {log} {doc('2016-08-23')}", "admin"),
        "key",
        "was the district's log key",
    )
    assert seeded.event_count() == before
    # its own old key back to its holder is no second holder
    seeded.ok(f"{a} keys register jn-01 {jn} {doc('2016-08-24')}", "admin")
    seeded.ok(f"--key {tmp_path / 'jn-01.key'} {VISIT}", "jn-01")
    seeded.ok("verify")


def test_key_file_checks_hold_for_an_officer_with_no_key_in_force(
    seeded: Fupin, tmp_path: Path
) -> None:
    jn = new_key(seeded, tmp_path / "jn-01.key")
    seeded.ok(f"keys register jn-01 {jn} {doc('2016-08-20')}", "admin")
    open_key = tmp_path / "open.key"
    open_key.write_bytes((tmp_path / "jn-01.key").read_bytes())
    open_key.chmod(0o644)
    junk = tmp_path / "junk.key"
    junk.write_text("junk\n")
    junk.chmod(0o600)
    before = seeded.event_count()

    # qu-01 has no key: each of these was recorded unsigned, exit 0
    assert_refused(seeded(f"--key {open_key} {VISIT}", "qu-01"), "key", "(mode 0644)")
    assert_refused(
        seeded(f"--key {junk} {VISIT}", "qu-01"), "key", "is not an unencrypted PEM private key"
    )
    someone_else = seeded(f"--key {tmp_path / 'jn-01.key'} {VISIT}", "qu-01")
    assert_refused(someone_else, "key", "qu-01 has no signing key in force (none was registered)")
    assert "leave --key out or register a key" in someone_else.stderr
    assert seeded.event_count() == before

    # the officer's own revoked key
    seeded.ok(f"keys revoke jn-01 {doc('2016-08-21')} --note 遗失", "admin")
    before = seeded.event_count()
    revoked = seeded(f"--key {tmp_path / 'jn-01.key'} {VISIT}", "jn-01")
    assert_refused(revoked, "as", "jn-01's key ")  # on the actor, since the session 24 re-test
    assert "revoked on 2016-08-21 and no new key is registered" in revoked.stderr
    assert "leave --key out" not in revoked.stderr
    assert seeded.event_count() == before

    # since session 24 not without --key either (test_round24_keys); reading with it is fine
    assert_refused(seeded(VISIT, "jn-01"), "as", "jn-01 records nothing until one is")
    seeded.ok(f"--key {tmp_path / 'jn-01.key'} household show JH-0001", "jn-01")


def test_an_admins_own_first_key_registers_with_that_key_file_given(
    seeded: Fupin, tmp_path: Path
) -> None:
    # LEDGER_KEY set in the profile from the first day: the save that registers the admin's
    # own key signs nothing (no key was in force), and is no mistake; the next save is signed.
    admin = new_key(seeded, tmp_path / "admin.key")
    with_key = f"--key {tmp_path / 'admin.key'}"

    seeded.ok(f"{with_key} keys register admin {admin} {doc('2016-08-20')}", "admin")

    seeded.ok(f"{with_key} place add-street 外海 {doc('2016-08-21')}", "admin")
    assert seeded.ok("verify").exit_code == 0
    refused = seeded(f"place add-street 礼乐二 {doc('2016-08-21')}", "admin")  # its key now due
    assert_refused(refused, "key", "admin signs with key ")
