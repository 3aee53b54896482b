#!/usr/bin/env python3
"""Check a ``fupin prove`` bundle offline 离线核验: standard library and ``cryptography`` only.

    python tools/verify_bundle.py BUNDLE [--log-key KEY_ID]

1. the checkpoint's Ed25519 signature over its pinned note (and, with ``--log-key``, that it
   was signed by the log key you obtained elsewhere: a bundle's own key proves nothing alone);
2. every event's RFC 9162 inclusion proof against the checkpoint's root;
3. every event belongs to the household named (aggregate id = uuid5 of "household:NUMBER");
4. the household's versions run 1, 2, 3, ... with no gap.

Then it prints the verified timeline, decoded from the proven bytes (never from ``summary``).
Exit code 0 when everything verifies, 1 otherwise. Deliberately one file that imports nothing
from the ledger, so an inspector can read all of it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import struct
import sys
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

LEDGER_NAMESPACE = uuid5(NAMESPACE_URL, "https://jianghai.gov.cn/fupin/ledger")


class BundleError(Exception):
    """The bundle does not verify."""


# --- RFC 9162 §2.1 (copied from ledger/merkle.py on purpose: this file stands alone) ---


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> None:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        raise BundleError(f"leaf index {index} outside a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise BundleError("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0 or r != root:
        raise BundleError(f"inclusion proof of leaf {index} does not lead to the root")


# --- the checkpoint ---


def check_checkpoint(cp: dict[str, Any], pinned: str | None) -> bytes:
    """Verify the checkpoint's signature; return its root."""
    raw = base64.b64decode(cp["public_key"], validate=True)
    key_id = hashlib.sha256(raw).hexdigest()[:16]
    if key_id != cp["key_id"]:
        raise BundleError("the checkpoint's key id does not match its public key")
    if pinned is not None and pinned != key_id:
        raise BundleError(f"checkpoint signed by key {key_id}, not the pinned log key {pinned}")
    root = bytes.fromhex(cp["root"])
    note = f"{cp['log']}\n{cp['size']}\n{base64.b64encode(root).decode()}\n{cp['time']}\n"
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(
            base64.b64decode(cp["signature"], validate=True), note.encode()
        )
    except InvalidSignature:
        raise BundleError("the checkpoint's signature does not verify") from None
    return root


# --- canonical encoding v1 of a stored event ---


def decode_leaf(leaf: bytes) -> tuple[UUID, int, str, dict[str, Any]]:
    """(aggregate id, version, topic, state) from canonical encoding v1."""
    version, uuid_bytes, originator_version = struct.unpack_from(">B16sQ", leaf, 0)
    if version != 1:
        raise BundleError(f"unknown canonical encoding version {version}")
    offset = 25
    (topic_len,) = struct.unpack_from(">I", leaf, offset)
    topic = leaf[offset + 4 : offset + 4 + topic_len].decode("utf-8")
    offset += 4 + topic_len
    (state_len,) = struct.unpack_from(">I", leaf, offset)
    state = leaf[offset + 4 : offset + 4 + state_len]
    if offset + 4 + state_len != len(leaf):
        raise BundleError("leaf bytes have trailing data")
    return UUID(bytes=uuid_bytes), originator_version, topic, json.loads(state)


def plain(value: Any) -> Any:
    """Unwrap the transcoder's one-key tags ({"__date__": "2016-08-01"} -> "2016-08-01")."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, inner),) = value.items()
            if key.startswith("__") and key.endswith("__"):
                return plain(inner)
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def check_bundle(bundle: dict[str, Any], pinned: str | None) -> list[str]:
    """Verify everything; return the timeline lines."""
    cp = bundle["checkpoint"]
    root = check_checkpoint(cp, pinned)
    expected = uuid5(LEDGER_NAMESPACE, f"household:{bundle['household']}")
    lines = []
    if not bundle["events"]:
        raise BundleError("the bundle proves no event of the household")
    for n, item in enumerate(bundle["events"], start=1):
        leaf = base64.b64decode(item["leaf"], validate=True)
        proof = [base64.b64decode(h, validate=True) for h in item["proof"]]
        verify_inclusion(leaf_hash(leaf), item["index"], cp["size"], proof, root)
        aggregate, version, topic, state = decode_leaf(leaf)
        if aggregate != expected:
            raise BundleError(f"leaf {item['index']} belongs to another aggregate")
        if version != n:
            raise BundleError(
                f"version {version} where {n} was expected: {_gap(bundle, n, version)}"
            )
        prov = plain(state.get("prov", {}))
        when = plain(state.get("timestamp", ""))
        name = topic.rsplit(".", 1)[-1]
        voids = (
            f"  voids #{state.get('corrects', '?')}: {state.get('reason', '')}"
            if name == "Corrected"
            else f"  restates {_restated(state)}: {state.get('reason', '')}"
            if name == "Amended"
            else ""
        )
        lines.append(
            f"#{version:<3} leaf {item['index']:<7} {name:<20} "
            f"effective {prov.get('effective', '?')}  by {prov.get('actor', '?')} "
            f"({prov.get('role', '?')})  recorded {str(when)[:19]}  [{prov.get('document', '')}]"
            f"{voids}"
        )
    return lines


def _restated(state: dict[str, Any]) -> str:
    """``labour true → false, area 'rural' → 'urban'``: an amendment's fields, old and new."""
    was, changes = state.get("was", {}), state.get("changes", {})
    return ", ".join(
        f"{field} {_json(was.get(field))} → {_json(value)}" for field, value in changes.items()
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _gap(bundle: dict[str, Any], n: int, version: int) -> str:
    """Why the leaf at place ``n`` (versions 1 .. n-1 before it checked) holds ``version``.
    Later leaves are looked at only for their version numbers, never trusted for more: the
    message names at most a range, whatever numbers a leaf claims."""
    if version < n:
        return f"version {version} appears more than once"
    later = set()
    for item in bundle["events"][n:]:
        try:
            later.add(decode_leaf(base64.b64decode(item["leaf"]))[1])
        except (BundleError, ValueError, struct.error):
            continue
    if n in later:
        return "the events are out of order"
    if version == n + 1:
        return f"version {n} is missing"
    return f"versions {n} to {version - 1} are missing"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a fupin proof bundle offline.")
    parser.add_argument("bundle", help="bundle file written by `fupin prove`")
    parser.add_argument("--log-key", help="the log key id you trust (from the district office)")
    args = parser.parse_args(argv)
    try:
        with open(args.bundle, encoding="utf-8") as handle:
            bundle = json.load(handle)
        lines = check_bundle(bundle, args.log_key)
    except (BundleError, KeyError, TypeError, ValueError, OSError, struct.error) as exc:
        print(f"NOT VERIFIED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    cp = bundle["checkpoint"]
    print(f"household {bundle['household']}: {len(lines)} events proven in checkpoint")
    print(f"  log {cp['log']}, size {cp['size']}, root {cp['root']}, time {cp['time']}")
    print(f"  signed by log key {cp['key_id']}" + ("" if args.log_key else " (not pinned)"))
    for line in lines:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
