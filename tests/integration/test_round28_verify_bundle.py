"""``tools/verify_bundle.py``, session 28 (tester D, a cryptographer): its consistency check
(a ``fupin prove-consistency`` bundle) is ``ledger/merkle.py``'s, copied whole, run here over
the RFC 6962 / RFC 9162 consistency vectors the ledger's is; and a checkpoint of size 0 is
refused for its size, not said to be badly signed; a public key of small order is refused, as
the ledger refuses it (the same list, copied)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from ledger import keys
from ledger.errors import InputError

from tests.integration.test_round25_verify_bundle import _resigned
from tests.integration.test_verify_bundle_malformed import RAW, run, vb

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
