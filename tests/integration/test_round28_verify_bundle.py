"""``tools/verify_bundle.py``, session 28 (tester D, a cryptographer): its consistency check
(a ``fupin prove-consistency`` bundle) is ``ledger/merkle.py``'s, copied whole, run here over
the RFC 6962 / RFC 9162 consistency vectors the ledger's is; and a checkpoint of size 0 is
refused for its size, not said to be badly signed; a public key of small order is refused, as
the ledger refuses it (the same list, copied); a log rewritten under an older checkpoint is not
proven to extend it, signed or not; ``--log-key`` is repeatable, for a key rotated between the
two checkpoints."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from ledger import keys
from ledger.errors import InputError
from ledger.merkle import MerkleTree

from tests.integration.test_round25_verify_bundle import _resigned
from tests.integration.test_verify_bundle_malformed import KEY, KEY_ID, RAW, TIME, run, vb

DATA = Path(__file__).resolve().parent.parent / "data" / "rfc6962"
CONSISTENCY_FILES = sorted(DATA.glob("consistency/*/*.json"))


def _b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _name(path: Path) -> str:
    return path.relative_to(DATA).as_posix()


def test_the_vectors_are_there() -> None:
    assert len(CONSISTENCY_FILES) == 84


@pytest.mark.parametrize("path", CONSISTENCY_FILES, ids=_name)
def test_the_tools_consistency_check_passes_the_rfc_vectors(path: Path) -> None:
    v = json.loads(path.read_text(encoding="utf-8"))
    proof = [_b64(h) for h in v["proof"] or []]
    args = (v["size1"], v["size2"], proof, _b64(v["root1"]), _b64(v["root2"]))
    if v["wantErr"]:
        with pytest.raises(vb.BundleError):
            vb.verify_consistency(*args)
    else:
        vb.verify_consistency(*args)


def test_a_checkpoint_of_size_0_is_refused_for_its_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # before: "the checkpoint's signature does not verify" (signed over size 0 or not)
    code, out, err = run(_resigned(size=0), tmp_path, capsys)

    assert (code, out) == (1, "")
    assert err.startswith(
        "NOT VERIFIED: BundleError: the checkpoint: its size is 0, not at least 1 (the number of "
        "events it covers"
    ), err


#: The identity point, a public key of small order: R = the identity and S = 0 is a valid
#: signature "by" it of any message (tester D, session 28; ``cryptography`` accepts it).
IDENTITY = b"\x01" + b"\0" * 31


def test_the_tool_refuses_the_same_small_order_keys_as_the_ledger() -> None:
    # the tool is one file: it copies the list, and this keeps the copy the ledger's
    assert vb.SMALL_ORDER == keys._SMALL_ORDER
    for point in keys._SMALL_ORDER:
        for raw in (point, point[:31] + bytes([point[31] | 0x80])):  # either sign bit
            assert vb.small_order(raw)
            with pytest.raises(InputError, match="a point of small order"):
                keys.parse_public_key(base64.b64encode(raw).decode())
    assert not vb.small_order(bytes.fromhex(_real_key()))


def _real_key() -> str:
    return RAW.hex()


def test_a_checkpoint_signed_by_a_key_of_small_order_is_refused_for_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _resigned()
    bundle["checkpoint"].update(
        public_key=base64.b64encode(IDENTITY).decode(),
        key_id=hashlib.sha256(IDENTITY).hexdigest()[:16],
        signature=base64.b64encode(IDENTITY + b"\0" * 32).decode(),
    )

    code, out, err = run(bundle, tmp_path, capsys)

    assert (code, out) == (1, "")
    assert err.startswith(
        "NOT VERIFIED: BundleError: the checkpoint: its public_key is a point of small order, "
        "which anyone can sign for"
    ), err


def _checkpoint(key: Ed25519PrivateKey, size: int, root: bytes) -> dict[str, object]:
    """A checkpoint of the district's log signed by ``key``."""
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    note = f"fupin-jianghai\n{size}\n{base64.b64encode(root).decode()}\n{TIME}\n".encode()
    return {
        "version": 1,
        "log": "fupin-jianghai",
        "size": size,
        "root": root.hex(),
        "time": TIME,
        "key_id": hashlib.sha256(raw).hexdigest()[:16],
        "public_key": base64.b64encode(raw).decode(),
        "signature": base64.b64encode(key.sign(note)).decode(),
    }


def _consistency(old: MerkleTree, new: MerkleTree, size1: int, keys: tuple[Any, Any]) -> Any:
    """The consistency bundle of ``new`` (whole) over the first ``size1`` leaves of ``old``."""
    proof = new.consistency_proof(size1, new.size)
    return {
        "version": 1,
        "kind": "consistency",
        "from": _checkpoint(keys[0], size1, old.root(size1)),
        "to": _checkpoint(keys[1], new.size, new.root()),
        "proof": [base64.b64encode(h).decode() for h in proof],
    }


def _tree(leaves: list[bytes]) -> MerkleTree:
    tree = MerkleTree()
    tree.extend(leaves)
    return tree


LEAVES = [f"event {n}".encode() for n in range(11)]


def test_a_log_rewritten_under_an_older_checkpoint_is_not_proven_to_extend_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # whoever holds the log key signs the rewritten log's head; no proof makes it extend
    old = _tree(LEAVES[:7])
    rewritten = _tree([*LEAVES[:3], b"event 3, rewritten", *LEAVES[4:]])
    honest = run(_consistency(old, _tree(LEAVES), 7, (KEY, KEY)), tmp_path, capsys)

    code, out, err = run(_consistency(old, rewritten, 7, (KEY, KEY)), tmp_path, capsys)

    assert honest[0] == 0, honest[2]
    assert (code, out) == (1, "")
    assert err.startswith("NOT VERIFIED: BundleError: the consistency proof does not lead"), err


def test_log_key_is_repeatable_for_a_key_rotated_between_the_two_checkpoints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rotated = Ed25519PrivateKey.generate()
    bundle = _consistency(_tree(LEAVES[:5]), _tree(LEAVES), 5, (KEY, rotated))
    new_id = bundle["to"]["key_id"]

    both = run(bundle, tmp_path, capsys, "--log-key", KEY_ID, "--log-key", new_id)
    new_only = run(bundle, tmp_path, capsys, "--log-key", new_id)

    assert both[0] == 0, both[2]
    assert f"signed by log key {KEY_ID}\n" in both[1]
    assert new_only[0] == 1
    assert (
        f"the older checkpoint (from) signed by key {KEY_ID}, not the pinned log key"
        in (new_only[2])
    )
