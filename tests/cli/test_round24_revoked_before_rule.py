"""Round 24: yesterday's ledger after the revocation rule (a tester upgrading it, session 24).

Since session 24 an officer whose key was revoked, and no new key registered, records nothing,
and ``fupin verify`` reports an unsigned event of such an officer. Before, fupin recorded one
unsigned: a ledger holding one recorded then failed ``verify``, ``verify --checkpoint`` against
its valid checkpoint, and ``restore`` of its backup. An event recorded before the rule came in
(2026-12-01 in China) is a note; one recorded since is still a problem. SQLite only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from ledger import clock
from ledger.application import open_ledger

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_backup_cli import has_ledger
from tests.cli.test_round24_keys import _as_before, _new_key
from tests.support import TickingClock, stamp

STORE_INDEPENDENT = "the verifier's rule on recording times, the same code on either store"

#: 2026-12-01T00:00:00+08:00, when the rule came in, in UTC.
RULE = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
#: Yesterday's saves: keys registered, jn-01's revoked (a ticking clock, one second a save).
YESTERDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
NOTE = (
    "1 unsigned events by officers whose key had been revoked, recorded before 2026-12-01 "
    "when fupin still took them"
)
REVOKED = "was revoked on 2016-08-21 and no new key registered: jn-01 records nothing"


@dataclass
class Old:
    """A ledger whose jn-01 had their key revoked, and then recorded a visit unsigned."""

    fupin: Fupin
    folder: Path
    jn: str  # jn-01's revoked key id


def _revoked_ledger(seeded: Fupin, folder: Path) -> Old:
    """Keys for admin and jn-01, jn-01's revoked, a log key: all recorded yesterday."""
    admin, _ = _new_key(seeded, folder / "admin.key")
    jn, jn_id = _new_key(seeded, folder / "jn-01.key")
    as_admin = f"--key {folder / 'admin.key'}"
    seeded.ok(f"{as_admin} keys register admin {admin} {doc('2016-08-20')}", "admin")
    seeded.ok(f"{as_admin} keys register jn-01 {jn} {doc('2016-08-20')}", "admin")
    seeded.ok(f"{as_admin} keys revoke jn-01 {doc('2016-08-21')} --note 被盗", "admin")
    return Old(seeded, folder, jn_id)


def _unsigned_visit(fupin: Fupin, day: date = date(2016, 9, 1)) -> None:
    """jn-01's visit saved unsigned, as fupin took it before session 24 (the sealer then
    recorded an officer whose key was revoked as one who never held a key)."""
    app = open_ledger(str(fupin.store))
    try:
        _as_before(app)  # unsigned, authorised as before session 24
        app.record_visit(stamp("jn-01", day), "JH-0001", "c-1")
    finally:
        app.close()


@pytest.fixture
def old(seeded: Fupin, tmp_path: Path) -> Old:
    """Yesterday's ledger: the unsigned visit recorded at 2026-11-30T09:00:0xZ (17:00 in
    China, before the rule), then a checkpoint of it (with its admin-signed record)."""
    with clock.using_clock(TickingClock(YESTERDAY)):
        made = _revoked_ledger(seeded, tmp_path)
        _unsigned_visit(seeded)
        _checkpoint(seeded, tmp_path)
    return made


def _checkpoint(fupin: Fupin, folder: Path, name: str = "cp.json") -> Path:
    """A log key registered (once), and a checkpoint of the ledger as it is written to
    ``name``."""
    as_admin = f"--key {folder / 'admin.key'}"
    if not (folder / "log.key").exists():
        public, _ = _new_key(fupin, folder / "log.key")
        fupin.ok(f"{as_admin} keys register-log {public} {doc('2016-08-20')}", "admin")
    fupin.ok(
        f"{as_admin} checkpoint --out {folder / name} --log-key {folder / 'log.key'} "
        f"{doc('2016-08-21')}",
        "admin",
    )
    return folder / name


def test_yesterdays_unsigned_event_of_a_revoked_officer_is_a_note(old: Old) -> None:
    fupin = old.fupin

    checked = fupin("verify")
    against = fupin(f"verify --checkpoint {old.folder / 'cp.json'}")

    for result in (checked, against):
        assert result.exit_code == 0, result.output
        assert NOTE in result.stdout
        assert "not a problem" in result.stdout
        assert REVOKED not in result.output


def test_with_require_signatures_it_is_listed_as_unsigned(old: Old) -> None:
    checked = old.fupin("verify --require-signatures")

    assert checked.exit_code == 1, checked.output
    assert "unsigned (--require-signatures: only the bootstrap may be" in checked.output
    assert REVOKED not in checked.output


@pytest.mark.parametrize(
    ("at", "fails"),
    [
        (datetime(2026, 11, 30, 15, 59, tzinfo=UTC), False),  # 23:59:0x in China
        (RULE, True),  # 00:00:0x on 2026-12-01 in China (the clock ticks a second a read)
    ],
)
def test_the_rule_holds_from_2026_12_01_in_china(
    seeded: Fupin, tmp_path: Path, at: datetime, fails: bool
) -> None:
    with clock.using_clock(TickingClock(YESTERDAY)):
        _revoked_ledger(seeded, tmp_path)
    with clock.using_clock(TickingClock(at)):
        _unsigned_visit(seeded)

    checked = seeded("verify")

    assert checked.exit_code == (1 if fails else 0), checked.output
    assert (REVOKED in checked.output) is fails
    assert (NOTE in checked.output) is not fails


def test_todays_unsigned_event_of_a_revoked_officer_is_still_a_problem(old: Old) -> None:
    # recorded by the system clock (today, after yesterday's saves), as the sealer refuses
    _unsigned_visit(old.fupin, date(2016, 9, 2))

    checked = old.fupin("verify")

    assert checked.exit_code == 1, checked.output
    assert f"unsigned, but jn-01's key {old.jn} {REVOKED}" in checked.output
    assert "1 problem(s) in" in checked.output  # today's; yesterday's is none


def test_a_backup_of_yesterdays_ledger_restores(old: Old, empty: str) -> None:
    fupin = old.fupin
    backup = old.folder / "yesterday.backup"
    fupin.ok(f"backup {backup}")

    plain = fupin(f"--store {empty} restore {backup}")

    assert plain.exit_code == 0, plain.output
    assert has_ledger(empty)
    assert Fupin(empty, fupin.runner)("verify").exit_code == 0


def test_a_backup_of_yesterdays_ledger_restores_against_its_checkpoint(
    old: Old, empty: str
) -> None:
    fupin = old.fupin
    backup = old.folder / "yesterday.backup"
    fupin.ok(f"backup {backup}")

    checked = fupin(f"--store {empty} restore {backup} --checkpoint {old.folder / 'cp.json'}")

    assert checked.exit_code == 0, checked.output
    assert "does not match the checkpoint" not in checked.output
    assert has_ledger(empty)


def test_restore_refuses_a_backup_holding_todays_such_event(old: Old, empty: str) -> None:
    fupin = old.fupin
    _unsigned_visit(fupin, date(2016, 9, 2))
    backup = old.folder / "today.backup"
    fupin.ok(f"backup {backup}")

    refused = fupin(f"--store {empty} restore {backup}")

    assert_refused(refused, "file", "does not verify")
    assert REVOKED in refused.stderr
    assert not has_ledger(empty)


def test_restore_against_a_checkpoint_it_matches_names_the_problem_not_a_mismatch(
    old: Old, empty: str
) -> None:
    # today's unsigned event of jn-01, then a checkpoint covering it: the backup is the
    # checkpointed ledger; what fails is the revocation rule, not the checkpoint
    fupin = old.fupin
    _unsigned_visit(fupin, date(2016, 9, 2))
    cp = _checkpoint(fupin, old.folder, "today.json")
    backup = old.folder / "today.backup"
    fupin.ok(f"backup {backup}")
    assert fupin(f"verify --checkpoint {cp}").exit_code == 1  # the rule, as verify says

    refused = fupin(f"--store {empty} restore {backup} --checkpoint {cp}")

    assert_refused(refused, "file", f"{backup} does not verify")
    said = refused.stderr
    assert "the checkpoint given, which it matches" in said
    assert REVOKED in said
    assert "does not match the checkpoint" not in said
    assert "restore --unverified puts it in place" in said
    assert not has_ledger(empty)
