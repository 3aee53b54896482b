"""Round 24: yesterday's ledger after the revocation rule (a tester upgrading it, session 24).

Since session 24 an officer whose key was revoked, and no new key registered, records nothing,
and ``fupin verify`` reports an unsigned event of such an officer. Before, fupin recorded one
unsigned: a ledger holding one recorded then failed ``verify``, ``verify --checkpoint`` against
its valid checkpoint, and ``restore`` of its backup. An event recorded before the rule came in
(2026-12-01 in China) was a note, one recorded since a problem, until tester f (session 32)
recorded one with a fupin of session 23 after that day: its own verify passed, today's failed
the untampered ledger ("recorded in their name without their key"), and its move passed. A
recording time is no evidence (a fupin not yet upgraded keeps recording; whoever builds a store
sets its clock), so such an event is a note whenever recorded, saying it cannot be told from
one recorded without the officer's key; ``--require-signatures`` fails it. SQLite only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from ledger import clock, verification
from ledger.application import open_ledger
from ledger.verification import verify_ledger

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
    "unsigned events by officers whose key had been revoked and no new key registered "
    "(counted above; at position "
)
#: What the note says of such an event, whenever recorded (since session 32).
PLAIN = (
    "a fupin before 2026-12-01 took such a save, and one not yet upgraded still does; today's "
    "refuses it (such an officer records nothing until a new key is registered). Not a problem "
    "here, but an unsigned event cannot be told from one recorded in the officer's name without "
    "their key"
)
REVOKED = "was revoked on 2016-08-21 and no new key registered: jn-01 records nothing"
UNSIGNED = (
    "unsigned (--require-signatures: only the bootstrap may be, the first admin's `fupin init` "
    "at position 0 and their own first key registration at position 1)"
)
#: What --require-signatures says of one (since session 32), after ``UNSIGNED``.
REQUIRED = (
    "was revoked on 2016-08-21 and no new key registered: today's fupin records nothing of "
    "jn-01 until one is, and this event cannot be told from one recorded in their name without "
    "their key"
)


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


def _required(fupin: Fupin) -> dict[int, str]:
    """``verify --require-signatures``'s problems, by position: the CLI shows the first ten,
    and the seeded ledger's own unsigned events come first."""
    app = open_ledger(str(fupin.store))
    try:
        report = verify_ledger(app.recorder, app.mapper, require_signatures=True)
    finally:
        app.close()
    assert len(report.problems) == report.problem_count  # every one kept
    return {problem.position: problem.reason for problem in report.problems}


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
        assert f"1 {NOTE}" in result.stdout
        assert PLAIN in result.stdout
        assert REVOKED not in result.output


def test_with_require_signatures_it_is_listed_as_unsigned(old: Old) -> None:
    checked = old.fupin("verify --require-signatures")

    assert checked.exit_code == 1, checked.output
    assert "unsigned (--require-signatures: only the bootstrap may be" in checked.output
    assert REVOKED not in checked.output
    said = [reason for reason in _required(old.fupin).values() if REQUIRED in reason]
    assert said == [f"{UNSIGNED}; jn-01's key {old.jn} {REQUIRED}"]


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 11, 30, 15, 59, tzinfo=UTC),  # 23:59:0x in China
        RULE,  # 00:00:0x on 2026-12-01 in China (the clock ticks a second a read)
        datetime(2026, 12, 5, 2, tzinfo=UTC),  # days after, by a fupin not yet upgraded
    ],
)
def test_such_an_event_is_a_note_whenever_recorded(
    seeded: Fupin, tmp_path: Path, at: datetime
) -> None:
    """Tester f, session 32: a fupin of session 23 run after 2026-12-01 took the save, and its
    verify passed; today's failed the untampered ledger (since session 24, a problem from
    that day on)."""
    with clock.using_clock(TickingClock(YESTERDAY)):
        _revoked_ledger(seeded, tmp_path)
    with clock.using_clock(TickingClock(at)):
        _unsigned_visit(seeded)
        checked = seeded("verify")
        required = seeded("verify --require-signatures")
        reasons = _required(seeded)

    assert checked.exit_code == 0, checked.output
    assert f"1 {NOTE}" in checked.stdout
    assert PLAIN in checked.stdout
    assert REVOKED not in checked.output
    assert "recorded in their name without their key" not in checked.output
    assert required.exit_code == 1, required.output
    assert REQUIRED in reasons[max(reasons)]  # the visit, the last event


def test_todays_unsigned_event_of_a_revoked_officer_is_a_note_too(old: Old) -> None:
    # recorded by the system clock (today, after yesterday's saves), as an older fupin took it
    _unsigned_visit(old.fupin, date(2016, 9, 2))

    checked = old.fupin("verify")
    reasons = _required(old.fupin)

    assert checked.exit_code == 0, checked.output
    positions = re.search(rf"2 {re.escape(NOTE)}(\d+), (\d+)\)", checked.stdout)
    assert positions is not None, checked.stdout
    assert int(positions[1]) < int(positions[2])  # yesterday's, then today's
    assert PLAIN in checked.stdout
    assert REQUIRED in reasons[int(positions[1])]
    assert REQUIRED in reasons[int(positions[2])]


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


def test_a_backup_holding_todays_such_event_restores(old: Old, empty: str) -> None:
    # refused from session 24 to 31 ("does not verify"), as verify failed the ledger
    fupin = old.fupin
    _unsigned_visit(fupin, date(2016, 9, 2))
    backup = old.folder / "today.backup"
    fupin.ok(f"backup {backup}")

    restored = fupin(f"--store {empty} restore {backup}")

    assert restored.exit_code == 0, restored.output
    assert has_ledger(empty)
    assert f"2 {NOTE}" in Fupin(empty, fupin.runner).ok("verify").stdout


def test_restore_against_a_checkpoint_it_matches_names_the_problem_not_a_mismatch(
    old: Old, empty: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # jn-01's new key, an unsigned event of theirs while it is in force, then a checkpoint
    # covering it: the backup is the checkpointed ledger; what fails is the missing seal, not
    # the checkpoint (an unsigned event of a revoked officer was the problem until session 32)
    fupin = old.fupin
    public, kid = _new_key(fupin, old.folder / "jn-02.key")
    fupin.ok(
        f"--key {old.folder / 'admin.key'} keys register jn-01 {public} {doc('2016-08-22')}",
        "admin",
    )
    _unsigned_visit(fupin, date(2016, 9, 2))
    # taken as a fupin before session 36 took it: today's signs no log whose events fail verify
    with monkeypatch.context() as before:
        before.setattr(verification, "require_verified", lambda *_args: None)
        cp = _checkpoint(fupin, old.folder, "today.json")
    backup = old.folder / "today.backup"
    fupin.ok(f"backup {backup}")
    assert fupin(f"verify --checkpoint {cp}").exit_code == 1  # the rule, as verify says

    refused = fupin(f"--store {empty} restore {backup} --checkpoint {cp}")

    assert_refused(refused, "file", f"{backup} does not verify")
    said = refused.stderr
    assert "the checkpoint given, which it matches" in said
    assert f"unsigned, but jn-01's key {kid} was in force (a seal was removed" in said
    assert "does not match the checkpoint" not in said
    assert "restore --unverified puts it in place" in said
    assert not has_ledger(empty)
