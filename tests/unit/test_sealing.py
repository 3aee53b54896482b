"""The pinned pieces of tamper evidence: canonical encoding v1, key files, the role table."""

from __future__ import annotations

import base64
import inspect
import os
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from ledger import authority, core, imports, notice, sealing, transparency
from ledger.errors import InputError
from ledger.keys import (
    generate_key,
    key_id,
    load_private_key,
    parse_public_key,
    public_key_text,
    write_private_key,
)
from ledger.merkle import MerkleTree, leaf_hash
from ledger.sealing import canonical_bytes
from ledger.verification import Frontier


def test_canonical_encoding_v1_is_pinned_byte_for_byte() -> None:
    stored = StoredEvent(UUID(int=1), 7, "ledger.x:A.B", b'{"a":1}')

    encoded = canonical_bytes(stored)

    assert encoded.hex() == (
        "01"  # version
        "00000000000000000000000000000001"  # originator id, 16 bytes
        "0000000000000007"  # originator version, u64 big-endian
        "0000000c"
        + b"ledger.x:A.B".hex()  # topic, u32 length + UTF-8
        + "00000007"
        + b'{"a":1}'.hex()  # state, u32 length + bytes
    )


def test_canonical_encoding_reads_text_ids_like_uuids() -> None:
    as_uuid = StoredEvent(UUID(int=5), 1, "t", b"")
    as_text = StoredEvent(str(UUID(int=5)), 1, "t", b"")

    assert canonical_bytes(as_uuid) == canonical_bytes(as_text)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 32, 33, 100])
def test_the_frontier_gives_the_trees_root_for_every_prefix(size: int) -> None:
    tree, frontier = MerkleTree(), Frontier()

    roots = []
    for i in range(size):
        tree.append(bytes([i]))
        frontier.push(leaf_hash(bytes([i])))
        roots.append(frontier.root())

    assert roots == [tree.root(n) for n in range(1, size + 1)]


def test_a_private_key_file_is_written_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "jn-01.key"
    key = generate_key()

    write_private_key(path, key)

    assert path.stat().st_mode & 0o777 == 0o600
    assert key_id(load_private_key(path)) == key_id(key)


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jn-01.key"
    write_private_key(path, generate_key())
    os.chmod(path, 0o644)

    with pytest.raises(InputError, match="chmod 600"):
        load_private_key(path)


def test_a_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "jn-01.key"
    write_private_key(path, generate_key())

    with pytest.raises(InputError, match="never overwritten"):
        write_private_key(path, generate_key())


@pytest.mark.parametrize("text", ["not base64!", "AAAA"])
def test_a_malformed_public_key_is_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_public_key(text)


def test_every_event_of_every_aggregate_has_a_permission_rule() -> None:
    kinds = [
        *core.AGGREGATE_KINDS.values(),
        transparency.TransparencyLog,
        imports.ImportLedger,
        notice.MasterKeyRotation,
    ]
    names = {
        name
        for cls in kinds
        for name, member in inspect.getmembers(cls, inspect.isclass)
        if issubclass(member, Aggregate.Event) and name not in ("Event", "Created")
    }

    assert {"VisitRecorded", "Corrected", "CheckpointRecorded", "MasterKeyRotated"} <= names
    assert names - set(authority.EVENT_COMMANDS) == set()
    assert all(c in authority.PERMISSIONS for cs in authority.EVENT_COMMANDS.values() for c in cs)


def test_seals_have_no_permission_rule_because_they_are_checked_as_signatures() -> None:
    assert "Sealed" not in authority.EVENT_COMMANDS
    assert sealing.SEAL_DOCUMENT == "fupin-seal-v1"


_SMALL_ORDER_POINTS = (
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
)


@pytest.mark.parametrize("point", _SMALL_ORDER_POINTS)
@pytest.mark.parametrize("sign", [0x00, 0x80])
def test_a_public_key_of_small_order_is_refused(point: str, sign: int) -> None:
    # ``AAAA…A=`` (all zeros) was registered as an officer's key: a "signature" with R the
    # identity and S = 0 then verified for a share of all messages, with no private key.
    raw = bytearray.fromhex(point)
    raw[31] |= sign

    with pytest.raises(InputError) as refused:
        parse_public_key(base64.b64encode(bytes(raw)).decode())

    assert refused.value.field == "key"
    assert "small order" in refused.value.rule


def test_generated_keys_are_accepted() -> None:
    for _ in range(20):
        text = public_key_text(generate_key())
        assert parse_public_key(text) is not None
