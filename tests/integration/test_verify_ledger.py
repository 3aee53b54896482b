"""``verify_ledger``, checkpoints and proof bundles on a real SQLite ledger."""

from __future__ import annotations

import base64
import json
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from eventsourcing.sqlite import SQLiteApplicationRecorder
from ledger.application import Ledger, open_ledger
from ledger.base import natural_id
from ledger.bundles import prove_household
from ledger.errors import InputError, PermissionRefusedError, RuleError
from ledger.keys import generate_key, key_id, public_key_text
from ledger.transparency import (
    checkpoint_note,
    register_log_key,
    register_signing_key,
    revoke_signing_key,
)
from ledger.verification import verify_ledger

from tests.integration.test_verify_support import (
    SignedLedger,
    build_signed_ledger,
    read_rows,
    verify_file,
)
from tests.support import register, stamp

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ledger(store_ledger: Ledger) -> Ledger:
    """Every test here runs on SQLite and on PostgreSQL (the ``store`` fixture)."""
    return store_ledger


@pytest.fixture(scope="module")
def signed_once(tmp_path_factory: pytest.TempPathFactory) -> SignedLedger:
    """Built once a module (for each of eleven tests until session 33, ~0.2 s)."""
    return build_signed_ledger(tmp_path_factory.mktemp("signed") / "signed.db")


@pytest.fixture
def signed(signed_once: SignedLedger, tmp_path: Path) -> SignedLedger:
    """A copy of ``signed_once`` for the test, which may write to it."""
    path = tmp_path / "signed.db"
    shutil.copyfile(signed_once.path, path)
    return replace(signed_once, path=path)


def test_a_signed_ledger_verifies_against_its_checkpoint(signed: SignedLedger) -> None:
    report = verify_file(signed.path, [signed.checkpoint], require_signatures=False)

    assert report.ok, report.problems
    assert report.unsigned == 2  # init and the admin's own key registration
    assert report.seals > 0
    assert report.size == len(read_rows(signed.path))


def test_require_signatures_passes_a_ledger_signed_from_its_first_possible_save(
    signed: SignedLedger,
) -> None:
    # init, and the admin's own key registration right after it, cannot be signed (a key is
    # in force from the next save): the bootstrap, which --require-signatures exempts
    report = verify_file(signed.path, require_signatures=True)

    assert report.ok, report.problems
    assert (report.unsigned, report.bootstrap) == (2, 2)


def test_an_unsigned_ledger_verifies_with_every_event_reported_unsigned(ledger: Ledger) -> None:
    register(ledger, "JH-0001")

    report = verify_ledger(ledger.recorder, ledger.mapper)

    assert report.ok, report.problems
    assert report.seals == 0
    assert report.unsigned == report.size > 0


def test_a_save_without_the_registered_private_key_is_refused_and_writes_nothing(
    ledger: Ledger,
) -> None:
    register_signing_key(ledger, stamp(), "jn-01", public_key_text(generate_key()))
    before = ledger.event_count()

    with pytest.raises(InputError, match="jn-01 signs with key"):
        register(ledger, "JH-0001")

    assert ledger.event_count() == before


def test_a_batch_is_sealed_once(ledger: Ledger) -> None:
    key = generate_key()
    register_signing_key(ledger, stamp(), "jn-01", public_key_text(key))
    ledger.sealer.add_key(key)

    with ledger.batch():
        register(ledger, "JH-0001")
        register(ledger, "JH-0002")

    report = verify_ledger(ledger.recorder, ledger.mapper)
    assert report.ok, report.problems
    assert (report.seals, report.signed) == (1, 10)


def test_after_revocation_the_old_key_no_longer_signs(ledger: Ledger) -> None:
    key = generate_key()
    register_signing_key(ledger, stamp(), "jn-01", public_key_text(key))
    ledger.sealer.add_key(key)
    register(ledger, "JH-0001")

    revoke_signing_key(ledger, stamp(), "jn-01", "key file lost")
    # since session 24 jn-01 records nothing until a new key is registered
    with pytest.raises(PermissionRefusedError, match="jn-01 records nothing until one is"):
        register(ledger, "JH-0002")

    report = verify_ledger(ledger.recorder, ledger.mapper)
    assert report.ok, report.problems
    assert report.seals == 5  # the five saves of JH-0001; JH-0002 is not recorded


def test_key_registration_inside_a_batch_is_refused(ledger: Ledger) -> None:
    with ledger.batch(), pytest.raises(RuleError, match="not inside a batch"):
        register_signing_key(ledger, stamp(), "jn-01", public_key_text(generate_key()))


def test_a_bundle_verifies_offline_and_prints_the_timeline(
    signed: SignedLedger, tmp_path: Path
) -> None:
    app = open_ledger(str(signed.path))
    try:
        bundle = prove_household(app, "JH-0001", signed.checkpoint)
    finally:
        app.close()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")

    result = _run_tool(path, "--log-key", signed.checkpoint.key_id)

    assert result.returncode == 0, result.stderr
    assert "5 events proven" in result.stdout
    assert "Registered" in result.stdout
    assert "by jn-01 (officer)" in result.stdout


def test_the_offline_tool_rejects_an_altered_bundle(signed: SignedLedger, tmp_path: Path) -> None:
    app = open_ledger(str(signed.path))
    try:
        bundle = prove_household(app, "JH-0001", signed.checkpoint)
    finally:
        app.close()
    other_size = replace(signed.checkpoint, size=signed.checkpoint.size - 1)
    bundle["checkpoint"] = other_size.to_json()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")

    result = _run_tool(path)

    assert result.returncode == 1
    assert "signature does not verify" in result.stderr


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda events: events[:1] + events[2:],
            "version 3 where 2 was expected: version 2 is missing",
        ),
        (lambda events: events[:1] + events[3:], "versions 2 to 3 are missing"),
        (
            lambda events: [events[0], events[2], events[1], *events[3:]],
            "version 3 where 2 was expected: the events are out of order",
        ),
        (lambda events: [events[0], events[0], *events[1:]], "version 1 appears more than once"),
        (lambda events: [], "the bundle proves no event of the household"),
    ],
    ids=["dropped", "dropped-two", "swapped", "repeated", "empty"],
)
def test_the_offline_tool_says_what_is_wrong_with_the_events_of_a_bundle(
    signed: SignedLedger,
    tmp_path: Path,
    change: Callable[[list[object]], list[object]],
    reason: str,
) -> None:
    app = open_ledger(str(signed.path))
    try:
        bundle = prove_household(app, "JH-0001", signed.checkpoint)
    finally:
        app.close()
    bundle["events"] = change(bundle["events"])
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")

    result = _run_tool(path)

    assert result.returncode == 1
    assert reason in result.stderr


def test_prove_refuses_a_checkpoint_signed_by_another_key(signed: SignedLedger) -> None:
    forged = replace(signed.checkpoint, public_key=public_key_text(generate_key()))
    app = open_ledger(str(signed.path))
    try:
        with pytest.raises(RuleError, match="signature does not verify"):
            prove_household(app, "JH-0001", forged)
    finally:
        app.close()


def test_prove_takes_a_checkpoint_signed_before_the_log_key_was_rotated(
    signed: SignedLedger,
) -> None:
    # audit-guide.md: inspectors keep old checkpoints, and prove against them.
    app = open_ledger(str(signed.path))
    try:
        app.sealer.add_key(signed.keys["admin"])
        register_log_key(app, stamp(), public_key_text(generate_key()))

        bundle = prove_household(app, "JH-0001", signed.checkpoint)
    finally:
        app.close()

    assert bundle["checkpoint"]["size"] == signed.checkpoint.size
    assert bundle["events"]


def test_prove_refuses_a_checkpoint_of_a_key_the_log_never_held(signed: SignedLedger) -> None:
    stranger = generate_key()
    forged = replace(
        signed.checkpoint,
        key_id=key_id(stranger),
        public_key=public_key_text(stranger),
    )
    note = checkpoint_note(forged.log, forged.size, forged.root_bytes, forged.time)
    forged = replace(forged, signature=base64.b64encode(stranger.sign(note)).decode())
    app = open_ledger(str(signed.path))
    try:
        with pytest.raises(RuleError, match="never this ledger's log key"):
            prove_household(app, "JH-0001", forged)
    finally:
        app.close()


def test_the_first_admin_bootstrap_is_the_only_self_registration(ledger: Ledger) -> None:
    ledger.register_officer(stamp(day=date(2016, 8, 1)), "ad-2", "管理员", "admin", "", "区扶贫办")

    report = verify_ledger(ledger.recorder, ledger.mapper)

    assert report.ok, report.problems


def _run_tool(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "verify_bundle.py"), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def _verify_pinned(signed: SignedLedger, pinned: list[str]) -> list[str]:
    app = open_ledger(str(signed.path))
    try:
        report = verify_ledger(
            app.recorder, app.mapper, [("cp.json", signed.checkpoint)], trusted_log_keys=pinned
        )
    finally:
        app.close()
    return [f"{p.event}: {p.reason}" for p in report.problems]


def test_a_pinned_log_key_is_the_only_one_trusted(signed: SignedLedger) -> None:
    # The ledger registered the checkpoint's key; a key pinned out of band overrides that:
    # whoever controls the store could have registered their own.
    assert _verify_pinned(signed, [signed.checkpoint.key_id]) == []
    assert _verify_pinned(signed, ["0000000000000000"]) == [
        f"checkpoint cp.json: key {signed.checkpoint.key_id} is not a pinned log key "
        "(0000000000000000)"
    ]


def tamper_events(ledger: Ledger, statement: str, *params: object) -> None:
    """Run ``statement`` (``?`` placeholders) on the store's events table, behind the ledger."""
    statement = statement.replace("stored_events", ledger.recorder.events_table_name)  # type: ignore[attr-defined]
    if not isinstance(ledger.recorder, SQLiteApplicationRecorder):
        statement = statement.replace("?", "%s")
    with ledger.recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
        cursor.execute(statement, params)


@pytest.mark.parametrize(
    ("statement", "version", "reason"),
    [
        (
            "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = 3",
            4,
            "version 3 of this aggregate is missing (deleted or renumbered)",
        ),
        (
            "UPDATE stored_events SET originator_version = 9 "
            "WHERE originator_id = ? AND originator_version = 4",
            9,
            "versions 4 to 8 of this aggregate are missing (deleted or renumbered)",
        ),
        (
            "UPDATE stored_events SET originator_version = 99 "
            "WHERE originator_id = ? AND originator_version = 5",
            99,
            "versions 5 to 98 of this aggregate are missing (deleted or renumbered)",
        ),
    ],
    ids=["deleted", "renumbered", "renumbered-far"],
)
def test_an_unsigned_event_deleted_or_renumbered_is_found_without_a_checkpoint(
    ledger: Ledger, statement: str, version: int, reason: str
) -> None:
    register(ledger, "JH-0001")  # versions 1 to 5
    register(ledger, "JH-0002")
    assert verify_ledger(ledger.recorder, ledger.mapper).ok
    uid = natural_id("household", "JH-0001")
    stored = uid.hex if isinstance(ledger.recorder, SQLiteApplicationRecorder) else uid

    tamper_events(ledger, statement, stored)
    report = verify_ledger(ledger.recorder, ledger.mapper)

    # A SQLite file's row ids also skip the deleted row (since session 27: reported too).
    assert [(p.event, p.reason) for p in report.problems if p.event != ROW_IDS] == [
        (f"Household.{_NAMES[version]} {uid} v{version}", reason)
    ]


#: A problem in a SQLite file's row ids, which skip where rows were deleted (since session 27).
ROW_IDS = "the store's row ids"


#: The events of ``register``, by version (9 and 99: the renumbered 4 and 5).
_NAMES = {4: "Signed", 9: "Signed", 99: "Registered"}


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_row_whose_id_is_no_id_does_not_hide_a_deleted_event(ledger: Ledger) -> None:
    register(ledger, "JH-0001")
    uid = natural_id("household", "JH-0001")
    tamper_events(
        ledger,
        "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = 3",
        uid.hex,
    )
    tamper_events(ledger, "INSERT INTO stored_events VALUES ('zz', 5, 'ledger.x:Y', X'7B7D')")

    report = verify_ledger(ledger.recorder, ledger.mapper)

    reasons = [p.reason for p in report.problems]
    assert "version 3 of this aggregate is missing (deleted or renumbered)" in reasons
    assert any("unreadable" in p.event for p in report.problems)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_version_that_is_no_number_does_not_hide_a_deletion_in_its_aggregate(
    ledger: Ledger,
) -> None:
    register(ledger, "JH-0001")
    uid = natural_id("household", "JH-0001").hex
    tamper_events(
        ledger, "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = 3", uid
    )
    tamper_events(
        ledger,
        "UPDATE stored_events SET originator_version = 'x' "
        "WHERE originator_id = ? AND originator_version = 5",
        uid,
    )

    report = verify_ledger(ledger.recorder, ledger.mapper)

    reasons = [p.reason for p in report.problems]
    assert "version 3 of this aggregate is missing (deleted or renumbered)" in reasons


def test_the_offline_tool_reads_no_range_from_a_leaf_it_has_not_proven(
    signed: SignedLedger, tmp_path: Path
) -> None:
    app = open_ledger(str(signed.path))
    try:
        bundle = prove_household(app, "JH-0001", signed.checkpoint)
    finally:
        app.close()
    topic, state = b"ledger.household:Household.Signed", b"{}"
    crafted = struct.pack(">B16sQ", 1, natural_id("household", "JH-0001").bytes, 10**15)
    crafted += struct.pack(">I", len(topic)) + topic + struct.pack(">I", len(state)) + state
    events = bundle["events"]
    bundle["events"] = [
        events[0],
        events[2],
        {**events[2], "leaf": base64.b64encode(crafted).decode()},
    ]
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")

    result = _run_tool(path)

    assert result.returncode == 1
    assert "version 3 where 2 was expected: version 2 is missing" in result.stderr
    assert len(result.stderr) < 500


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_records_last_event_deleted_from_a_sqlite_file_is_found_by_its_row_id(
    ledger: Ledger,
) -> None:
    # Re-tester P, session 27: a record's last event deleted leaves its versions unbroken;
    # every read was short of it and verify passed. A SQLite file's row ids never skip a
    # number but where rows were deleted.
    register(ledger, "JH-0001")  # versions 1 to 5
    register(ledger, "JH-0002")
    uid = natural_id("household", "JH-0001")
    tamper_events(
        ledger,
        "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = 5",
        uid.hex,
    )

    report = verify_ledger(ledger.recorder, ledger.mapper)

    assert not report.ok
    (gap,) = report.problems
    assert gap.event == ROW_IDS
    assert "so 1 row(s) were deleted here" in gap.reason
    assert gap.log_id == gap.position + 2  # the first row after the deleted one
