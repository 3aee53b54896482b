"""Tampering with the stored rows behind the ledger's back is detected and located.

One signed ledger is built per module; every example copies its SQLite file, rewrites rows
with sqlite3 as an attacker with write access to the database would, and runs the verifier
with the checkpoint an inspector kept. Positions 0 and 1 (the first admin and their own key)
are the only unsigned events: tampering there is caught by the checkpoint (see
``test_a_change_to_an_unsigned_event_is_caught_by_the_checkpoint``).
"""

from __future__ import annotations

import base64
import shutil
import sqlite3
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import StoredEvent
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger.base import Provenance, natural_id
from ledger.keys import generate_key, key_id, public_key_text
from ledger.merkle import leaf_hash
from ledger.sealing import MARK_SIZE, canonical_bytes, seal_digest, seal_message
from ledger.transparency import checkpoint_note
from ledger.verification import VerifyReport

from tests.integration.test_verify_support import (
    Row,
    SignedLedger,
    build_signed_ledger,
    is_seal,
    read_rows,
    rewrite_rows,
    verify_file,
)

FIRST_SIGNED = 2
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> SignedLedger:
    return build_signed_ledger(tmp_path_factory.mktemp("signed") / "original.db")


@pytest.fixture
def copy(original: SignedLedger, tmp_path: Path) -> Path:
    return tmp_path / "copy.db"


def fresh(original: SignedLedger, path: Path) -> list[Row]:
    """A pristine copy at ``path`` (with no journal left from an earlier example)."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(original.path, path)
    return read_rows(path)


def first_problem_at(report: VerifyReport, position: int) -> bool:
    return not report.ok and report.problems[0].position == position


@given(data=st.data())
@EXAMPLES
def test_changing_any_byte_of_a_signed_event_is_located(
    original: SignedLedger, copy: Path, data: st.DataObject
) -> None:
    rows = fresh(original, copy)
    position = data.draw(st.integers(FIRST_SIGNED, len(rows) - 1), label="position")
    in_topic = data.draw(st.booleans(), label="in topic (else state)")
    oid, version, topic, state = rows[position]
    value = bytearray(topic.encode() if in_topic else state)
    offset = data.draw(st.integers(0, len(value) - 1), label="offset")
    value[offset] ^= data.draw(st.integers(1, 255), label="xor")
    changed: Row = (
        (oid, version, bytes(value).decode("utf-8", "replace"), state)
        if in_topic
        else (oid, version, topic, bytes(value))
    )
    rewrite_rows(copy, lambda rs: [*rs[:position], changed, *rs[position + 1 :]])

    report = verify_file(copy, [original.checkpoint])

    assert first_problem_at(report, position), report.problems[:3]


@given(data=st.data())
@EXAMPLES
def test_changing_a_version_number_is_located(
    original: SignedLedger, copy: Path, data: st.DataObject
) -> None:
    rows = fresh(original, copy)
    position = data.draw(st.integers(FIRST_SIGNED, len(rows) - 1), label="position")
    oid, version, topic, state = rows[position]
    rewrite_rows(
        copy, lambda rs: [*rs[:position], (oid, version + 1000, topic, state), *rs[position + 1 :]]
    )

    report = verify_file(copy, [original.checkpoint])

    assert first_problem_at(report, position), report.problems[:3]


@given(data=st.data())
@EXAMPLES
def test_deleting_any_event_is_located(
    original: SignedLedger, copy: Path, data: st.DataObject
) -> None:
    rows = fresh(original, copy)
    position = data.draw(st.integers(0, len(rows) - 1), label="position")
    rewrite_rows(copy, lambda rs: rs[:position] + rs[position + 1 :])

    report = verify_file(copy, [original.checkpoint])

    assert first_problem_at(report, position), report.problems[:3]


@given(data=st.data())
@EXAMPLES
def test_inserting_a_forged_event_is_located(
    original: SignedLedger, copy: Path, data: st.DataObject
) -> None:
    rows = fresh(original, copy)
    source = data.draw(
        st.sampled_from([r for r in rows[FIRST_SIGNED:] if not is_seal(r)]), label="copied"
    )
    # From here on every officer has a key in force; before, an officer between registration
    # and key is keyless, and an event forged in their name is caught only by the checkpoint.
    keyed = max(i for i, r in enumerate(rows) if r[2].endswith("SigningKeyRegistered")) + 1
    position = data.draw(st.integers(keyed, len(rows)), label="position")
    forged = (str(uuid.uuid4()), source[1], source[2], source[3])
    rewrite_rows(copy, lambda rs: [*rs[:position], forged, *rs[position:]])

    report = verify_file(copy, [original.checkpoint])

    assert first_problem_at(report, position), report.problems[:3]


@given(data=st.data())
@EXAMPLES
def test_swapping_two_events_is_located(
    original: SignedLedger, copy: Path, data: st.DataObject
) -> None:
    rows = fresh(original, copy)
    first = data.draw(st.integers(FIRST_SIGNED, len(rows) - 2), label="first")
    second = data.draw(st.integers(first + 1, len(rows) - 1), label="second")

    def swap(rs: list[Row]) -> list[Row]:
        rs = list(rs)
        rs[first], rs[second] = rs[second], rs[first]
        return rs

    rewrite_rows(copy, swap)

    report = verify_file(copy, [original.checkpoint])

    # A seal moved elsewhere is itself intact: the log breaks at the event after it. And when
    # the seal at ``first`` is moved away, the event put there may be one its officer could
    # still record unsigned at that point (their key comes later in the log), so the first
    # provable break is the event the moved seal covered, at ``first + 1``.
    where = (first, first + 1) if is_seal(rows[second]) or is_seal(rows[first]) else (first,)
    assert not report.ok
    assert report.problems[0].position in where, report.problems[:3]


@given(data=st.data())
@EXAMPLES
def test_truncating_below_the_checkpoint_is_located(
    original: SignedLedger, copy: Path, data: st.DataObject
) -> None:
    fresh(original, copy)
    size = data.draw(st.integers(1, original.checkpoint.size - 1), label="kept")
    rewrite_rows(copy, lambda rs: rs[:size])

    report = verify_file(copy, [original.checkpoint])

    assert first_problem_at(report, size), report.problems[:3]


def test_truncating_inside_a_save_is_located_without_a_checkpoint(
    original: SignedLedger, copy: Path
) -> None:
    rows = fresh(original, copy)
    seal = max(i for i, r in enumerate(rows) if is_seal(r) and _count(r) > 1)
    rewrite_rows(copy, lambda rs: rs[: seal + 2])

    report = verify_file(copy)

    assert first_problem_at(report, seal + 2), report.problems


def test_swapping_the_signatures_of_two_seals_is_located(
    original: SignedLedger, copy: Path
) -> None:
    rows = fresh(original, copy)
    a, b = [i for i, r in enumerate(rows) if is_seal(r)][3:5]
    sig_a, sig_b = _state(rows[a])["signature"], _state(rows[b])["signature"]
    _set_state(copy, rows[a], signature=sig_b)
    _set_state(copy, rows[b], signature=sig_a)

    report = verify_file(copy, [original.checkpoint])

    assert first_problem_at(report, a), report.problems
    assert "does not verify" in report.problems[0].reason


@pytest.mark.parametrize("how", ["emptied", "seal deleted"])
def test_stripping_a_signature_is_located(original: SignedLedger, copy: Path, how: str) -> None:
    rows = fresh(original, copy)
    seal = [i for i, r in enumerate(rows) if is_seal(r)][4]
    if how == "emptied":
        _set_state(copy, rows[seal], signature="")
    else:
        rewrite_rows(copy, lambda rs: rs[:seal] + rs[seal + 1 :])

    report = verify_file(copy, [original.checkpoint])

    assert first_problem_at(report, seal), report.problems


def test_a_save_resigned_with_an_unregistered_key_is_located(
    original: SignedLedger, copy: Path
) -> None:
    rows = fresh(original, copy)
    seal = [i for i, r in enumerate(rows) if is_seal(r)][6]
    stranger = generate_key()
    _reseal(copy, rows, seal, stranger, key_id(stranger))

    report = verify_file(copy, [original.checkpoint])

    assert first_problem_at(report, seal), report.problems
    assert "signed with key" in report.problems[0].reason


def test_an_event_recorded_by_an_officer_without_the_role_is_located(
    original: SignedLedger, copy: Path
) -> None:
    """The analyst's own, registered key signs a household event: the signature is good, the
    role is not."""
    rows = fresh(original, copy)
    seal = next(
        i
        for i, r in enumerate(rows)
        if is_seal(r) and _state(r)["prov"]["__Provenance__"]["actor"] == "jn-01"
    )
    target = rows[seal + 1]
    state = _state(target)
    state["prov"]["__Provenance__"].update(actor="ana-1", role="analyst")
    _set_raw(copy, target, orjson.dumps(state, option=orjson.OPT_SORT_KEYS))
    rows = read_rows(copy)
    _reseal(copy, rows, seal, original.keys["ana-1"], key_id(original.keys["ana-1"]), "ana-1")

    report = verify_file(copy, [])

    assert first_problem_at(report, seal + 1), report.problems
    assert "ana-1 is analyst" in report.problems[0].reason


def test_a_role_recorded_that_the_officer_did_not_have_is_located(
    original: SignedLedger, copy: Path
) -> None:
    rows = fresh(original, copy)
    seal = next(
        i
        for i, r in enumerate(rows)
        if is_seal(r) and _state(r)["prov"]["__Provenance__"]["actor"] == "jn-01"
    )
    target = rows[seal + 1]
    state = _state(target)
    state["prov"]["__Provenance__"]["role"] = "admin"
    _set_raw(copy, target, orjson.dumps(state, option=orjson.OPT_SORT_KEYS))
    _reseal(copy, read_rows(copy), seal, original.keys["jn-01"], key_id(original.keys["jn-01"]))

    report = verify_file(copy)

    assert first_problem_at(report, seal + 1), report.problems
    assert "recorded as admin, but jn-01 was officer" in report.problems[0].reason


def test_an_altered_checkpoint_is_refused(original: SignedLedger, copy: Path) -> None:
    fresh(original, copy)
    altered = replace(original.checkpoint, size=original.checkpoint.size - 1)

    report = verify_file(copy, [altered])

    assert first_problem_at(report, -1), report.problems
    assert "signature does not verify" in report.problems[0].reason


def test_a_checkpoint_forged_with_another_key_is_refused(
    original: SignedLedger, copy: Path
) -> None:
    fresh(original, copy)
    forger = generate_key()
    cp = original.checkpoint
    note = checkpoint_note(cp.log, cp.size, cp.root_bytes, cp.time)
    forged = replace(
        cp,
        key_id=key_id(forger),
        public_key=public_key_text(forger),
        signature=base64.b64encode(forger.sign(note)).decode(),
    )

    report = verify_file(copy, [forged])

    assert first_problem_at(report, -1), report.problems
    assert "is not a log key" in report.problems[0].reason


def test_a_change_to_an_unsigned_event_is_caught_by_the_checkpoint(
    original: SignedLedger, copy: Path
) -> None:
    rows = fresh(original, copy)
    state = _state(rows[0])
    state["name"] = "冒名者"
    _set_raw(copy, rows[0], orjson.dumps(state, option=orjson.OPT_SORT_KEYS))

    with_checkpoint = verify_file(copy, [original.checkpoint])
    without = verify_file(copy)

    # nothing signed it: only a checkpoint can tell, the one the ledger recorded included
    assert [(p.event.split()[0], p.reason[:28]) for p in without.problems] == [
        ("TransparencyLog.CheckpointRecorded", "the ledger's own checkpoint ")
    ]
    assert not with_checkpoint.ok
    assert "every signed event matched its seal, so look at the 2 unsigned: 0, 1" in (
        with_checkpoint.problems[0].reason
    )


def test_a_checkpoint_mismatch_after_a_signed_event_failed_claims_nothing_of_signed_events(
    original: SignedLedger, copy: Path
) -> None:
    rows = fresh(original, copy)
    signed_row = next(row for row in rows[2:] if "Household" in row[2])
    state = _state(signed_row)
    state["prov"]["__Provenance__"]["document"] = "改过的文件"
    _set_raw(copy, signed_row, orjson.dumps(state, option=orjson.OPT_SORT_KEYS))

    report = verify_file(copy, [original.checkpoint])

    reasons = [p.reason for p in report.problems]
    assert "differs from what" in reasons[0]
    assert not any("every signed event" in reason for reason in reasons)


# -- rewriting rows ------------------------------------------------------------------------------


def _state(row: Row) -> dict[str, Any]:
    state: dict[str, Any] = orjson.loads(row[3])
    return state


def _count(row: Row) -> int:
    return int(_state(row)["count"])


def _set_raw(path: Path, row: Row, state: bytes) -> None:
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = ?",
            (state, row[0], row[1]),
        )
    db.close()


def _set_state(path: Path, row: Row, **fields: object) -> None:
    _set_raw(path, row, orjson.dumps(_state(row) | fields, option=orjson.OPT_SORT_KEYS))


def _reseal(
    path: Path,
    rows: list[Row],
    seal: int,
    key: Ed25519PrivateKey,
    kid: str,
    signer: str | None = None,
) -> None:
    """Re-sign the run after ``seal`` with ``key``, as an attacker holding that key would."""
    state = _state(rows[seal])
    count = int(state["count"])
    signer = signer or str(state["signer"])
    hashes = [leaf_hash(canonical_bytes(_stored(r))) for r in rows[seal + 1 : seal + 1 + count]]
    digest = seal_digest(hashes)
    marks = b"".join(h[:MARK_SIZE] for h in hashes)
    prov = state["prov"]["__Provenance__"]
    prov.update(actor=signer, role="analyst" if signer == "ana-1" else prov["role"])
    new_state = orjson.dumps(
        state
        | {
            "signer": signer,
            "key_id": kid,
            "digest": digest.hex(),
            "marks": marks.hex(),
            "signature": key.sign(
                seal_message(
                    signer,
                    kid,
                    count,
                    digest,
                    marks,
                    state["timestamp"]["__datetime__"],
                    _provenance(prov),
                )
            ).hex(),
        },
        option=orjson.OPT_SORT_KEYS,
    )
    # A careful attacker also renames the seal to the id its new digest implies.
    renamed = (natural_id("seal", digest.hex()).hex, 1, rows[seal][2], new_state)
    rewrite_rows(path, lambda rs: [*rs[:seal], renamed, *rs[seal + 1 :]])


def _stored(row: Row) -> StoredEvent:
    return StoredEvent(uuid.UUID(row[0]), row[1], row[2], row[3])


def _provenance(fields: dict[str, Any]) -> Provenance:
    return Provenance(
        fields["actor"],
        fields["role"],
        date.fromisoformat(fields["effective"]["__date__"]),
        fields["document"],
        fields["note"],
    )
