#!/usr/bin/env python3
"""Check a ``fupin prove`` bundle offline 离线核验: standard library and ``cryptography`` only.

    python tools/verify_bundle.py BUNDLE [--log-key KEY_ID ...] [--origin LOG]

A consistency bundle (``fupin prove-consistency``, its ``kind`` "consistency"; since session
28) is checked so: each of its two checkpoints as in 1 below, their sizes (1 <= the older's
<= the newer's), a smaller older one not signed after the newer beyond the ledger's clock
tolerance (10 minutes: an older tree head signed later), then the RFC 9162 §2.1.4
consistency proof that the newer tree extends the older. For a household's bundle:

0. no field but those fupin writes, in the bundle, its checkpoints and its events;
1. the checkpoint's version (1), its log (``--origin``, by default ``fupin-jianghai``: a
   ledger rebuilt by ``import --create`` is a log of its own, named by its move), its time (ISO
   8601 with its offset), then its Ed25519 signature over its pinned note (and, with
   ``--log-key``, that it was signed by the log key you obtained elsewhere, the district's
   current one, or one of those given: a bundle's own key proves nothing alone, and this tool
   cannot know when a key was rotated out); a public key of small order is refused;
2. every event's RFC 9162 inclusion proof against the checkpoint's root;
3. every event belongs to the household named (aggregate id = uuid5 of "household:NUMBER"), and
   so does the bundle's ``aggregate_id``; a bundle whose ``version`` is not 1 is refused;
4. the household's versions run 1, 2, 3, ... with no gap.

Then it prints the verified timeline, decoded from the proven bytes (never from ``summary``):
each event's recording time in UTC to the microsecond, with its ``Z`` (as ``fupin history``
prints it), a correction's or a voided receipt's entry voided and why.
Exit code 0 when everything verifies; 1 otherwise, with one line ``NOT VERIFIED: ...`` on
stderr (a bundle that is malformed in any way included); 2 for a usage error (``--log-key``
neither a key id nor a public key). Output cut short by its reader (``| head -3``) ends
quietly, the exit code still saying whether the bundle verified. Deliberately one file that
imports nothing from the ledger, so an inspector can read all of it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import struct
import sys
import unicodedata
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
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


HASH_SIZE = 32


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2, with ledger/merkle.py's checks (since session 25: before, a hash of
    another length and a proof of the wrong length were not refused): every hash 32 bytes,
    the index inside the tree, the proof exactly as long as the path to the root."""
    _require_proof_hash(leaf_hash, "leaf hash")
    _require_proof_hash(root, "root")
    for i, h in enumerate(proof):
        _require_proof_hash(h, f"proof[{i}]")
    if not 0 <= index < size:  # §2.1.3.2 step 1
        raise BundleError(f"leaf index {index} is outside a tree of size {size}")
    want = _inclusion_proof_length(index, size)
    if len(proof) != want:
        raise BundleError(
            f"wrong inclusion proof length {len(proof)}: leaf {index} of {size} needs {want}"
        )
    if _root_from_inclusion_path(leaf_hash, index, size, proof) != root:
        raise BundleError(f"inclusion proof of leaf {index} does not lead to the root")


def _require_proof_hash(h: bytes, what: str) -> None:
    if len(h) != HASH_SIZE:
        raise BundleError(f"{what} must be {HASH_SIZE} bytes, got {len(h)}")


def _inclusion_proof_length(index: int, size: int) -> int:
    """Hashes in PATH(index, D[size]), as transparency-dev counts them."""
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    return inner + border


def _root_from_inclusion_path(leaf_hash: bytes, index: int, size: int, proof: list[bytes]) -> bytes:
    """§2.1.3.2 steps 2 to 5, up to the comparison with the root."""
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            raise BundleError("inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:  # on the tree's right edge: levels with no right sibling
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise BundleError("inclusion proof is shorter than the path to the root")
    return r


def verify_consistency(
    size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2 with ledger/merkle.py's checks (since session 28): every hash 32
    bytes, no proof from the empty tree, equal sizes need an empty proof and equal roots, a
    proof exactly as long as the path to the root."""
    _require_proof_hash(root1, "root1")
    _require_proof_hash(root2, "root2")
    for i, h in enumerate(proof):
        _require_proof_hash(h, f"proof[{i}]")
    if size1 < 1:
        raise BundleError(f"size1 must be at least 1 (no proof from the empty tree), got {size1}")
    if size2 < size1:
        raise BundleError(f"size2 ({size2}) is smaller than size1 ({size1})")
    if size1 == size2:
        if proof:
            raise BundleError(f"size1 = size2 = {size1} needs an empty proof, got {len(proof)}")
        if root1 != root2:
            raise BundleError(f"two trees of size {size1} with different roots")
        return
    want = _consistency_proof_length(size1, size2)
    if len(proof) != want:
        raise BundleError(
            f"wrong consistency proof length {len(proof)}: {size1} to {size2} needs {want}"
        )
    fr, sr = _roots_from_consistency_path(size1, size2, proof, root1)
    if fr != root1:
        raise BundleError(f"the consistency proof does not lead to the root of size {size1}")
    if sr != root2:
        raise BundleError(f"the consistency proof does not lead to the root of size {size2}")


def _consistency_proof_length(size1: int, size2: int) -> int:
    """Hashes in PROOF(size1, D[size2]) for 0 < size1 < size2 (transparency-dev's count)."""
    inner = ((size1 - 1) ^ (size2 - 1)).bit_length()
    border = ((size1 - 1) >> inner).bit_count()
    shift = (size1 & -size1).bit_length() - 1
    seed = 0 if size1 == 1 << shift else 1  # the old tree's root leads unless it is perfect
    return seed + inner - shift + border


def _roots_from_consistency_path(
    size1: int, size2: int, proof: list[bytes], root1: bytes
) -> tuple[bytes, bytes]:
    """§2.1.4.2 steps 1 to 7, up to the comparisons with the two roots: (fr, sr)."""
    if not proof:  # step 1
        raise BundleError("empty consistency proof")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # step 2: the old tree is a perfect subtree the proof omits
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1  # step 3
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:
            raise BundleError("consistency proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:  # step 7
        raise BundleError("consistency proof is shorter than the path to the root")
    return fr, sr


# --- the shapes of the JSON read: a bundle comes from someone else ---


class LongNumber:
    """A whole number of more digits than any a bundle holds, as a message shows it: its size,
    never its digits (Python reads at most 4300; since session 28, re-tester N: one of 5000
    gave ``NOT VERIFIED: ValueError: Exceeds the limit (4300 digits) …``, naming no field)."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def whole_number(text: str) -> int | LongNumber:
    """A JSON whole number as read (``json.load``'s ``parse_int``)."""
    digits = len(text.lstrip("-"))
    return int(text) if digits <= len(str(LARGEST_SIZE)) else LongNumber(digits)


def _kind(value: Any) -> str:
    """What a JSON value is, for a message: ``a JSON string``, ``null``..."""
    if value is None:
        return "null"
    if isinstance(value, LongNumber):
        return f"a number of {value.digits:,} digits"
    names = {bool: "true or false", dict: "a JSON object", list: "a JSON array", str: "a string"}
    return names.get(type(value), "a JSON number")


def _member(holder: dict[str, Any], name: str, what: str) -> Any:
    if name not in holder:
        raise BundleError(f"{what} has no {name}")
    return holder[name]


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BundleError(f"{what} is {_kind(value)}, not a JSON object")
    return value


def _text(holder: dict[str, Any], name: str, what: str) -> str:
    value = _member(holder, name, what)
    if not isinstance(value, str):
        raise BundleError(f"{what}: its {name} is {_kind(value)}, not a string")
    return value


def _whole(holder: dict[str, Any], name: str, what: str) -> int:
    value = _member(holder, name, what)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        shown = value if isinstance(value, int) and not isinstance(value, bool) else _kind(value)
        raise BundleError(f"{what}: its {name} is {shown}, not a whole number 0 or more")
    return value


def _base64(holder: dict[str, Any], name: str, what: str, size: int | None = None) -> bytes:
    text = _text(holder, name, what)
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:  # binascii.Error
        raise BundleError(f"{what}: its {name} is not base64") from None
    if size is not None and len(data) != size:
        raise BundleError(f"{what}: its {name} is {len(data)} bytes, not {size}")
    return data


# --- the checkpoint and the pinned log key ---


def key_id_of(raw_public_key: bytes) -> str:
    """A key id, as the ledger names a key: the first 16 hex digits of SHA-256 of its 32 bytes."""
    return hashlib.sha256(raw_public_key).hexdigest()[:16]


def pinned_key_id(text: str) -> str:
    """``--log-key``: a key id in any case, or the public key (base64 of its 32 bytes, as
    ``fupin keys new`` and ``keys register-log`` print it), as the key id checkpoints name."""
    given = text.strip()
    if re.fullmatch(r"[0-9a-fA-F]{16}", given):
        return given.lower()
    try:
        raw = base64.b64decode(given, validate=True)
    except ValueError:
        raw = b""
    if len(raw) == 32:
        return key_id_of(raw)
    raise argparse.ArgumentTypeError(
        f"{_safe(repr(text))} is neither a key id (16 hex digits) nor a public key (base64 of "
        "32 bytes), as `fupin keys new` prints them; --log-key is repeatable: give one key "
        "each time (--log-key KEY1 --log-key KEY2)"
    )


#: The log a bundle is checked against unless ``--origin`` names another: the district's
#: ledger as it was never moved (a ledger rebuilt by ``import --create`` is a log of its own,
#: ``fupin-jianghai/`` and 16 hex digits of its move's hash: docs/audit-guide.md §6).
ORIGIN = "fupin-jianghai"
#: What ``--origin`` may be: the district's log, or a moved ledger's (lower-case hex digits,
#: as fupin writes them).
_ORIGIN = re.compile(re.escape(ORIGIN) + r"(/[0-9a-f]{16})?")


def origin_given(text: str) -> str:
    """``--origin``: ``fupin-jianghai``, or ``fupin-jianghai/`` and 16 lower-case hex digits,
    as ``fupin verify``, ``fupin checkpoint`` and ``fupin import --create`` print it; anything
    else is a usage error (since session 25: "", upper case, a trailing blank or newline were
    taken, and every bundle then blamed)."""
    if _ORIGIN.fullmatch(text):
        return text
    raise argparse.ArgumentTypeError(
        f"{_safe(repr(text))} is not a log's origin: {ORIGIN}, or {ORIGIN}/ and 16 lower-case "
        "hex digits (a moved ledger's), as fupin verify, fupin checkpoint and fupin import "
        "--create print it"
    )


#: The checkpoint format this tool reads (``ledger.transparency.CHECKPOINT_VERSION``).
CHECKPOINT_VERSION = 1
#: A checkpoint's size is below this (``ledger.transparency.LARGEST_SIZE``; a test checks both
#: agree): a position in the log is a signed 64-bit integer.
LARGEST_SIZE = 2**63
#: Its fields, in their order (``ledger.transparency.CHECKPOINT_FIELDS``; a test checks both
#: agree).
CHECKPOINT_FIELDS = ("version", "log", "size", "root", "time", "key_id", "public_key", "signature")


def _only(holder: dict[str, Any], names: Collection[str], what: str, whose: str) -> None:
    """No field but ``names`` (since session 28, re-tester N: any other was ignored, where
    fupin refuses a checkpoint's): the words of ``fupin verify``'s refusal."""
    unknown = sorted(str(name) for name in holder if name not in names)
    if unknown:
        fields = (
            f"its field {unknown[0]} is"
            if len(unknown) == 1
            else f"its fields {', '.join(unknown)} are"
        )
        raise BundleError(f"{what}: {fields} not {whose}")


def _check_checkpoint_fields(cp: dict[str, Any], origin: str, what: str) -> None:
    """Its version, its log (the origin pinned) and its time, as docs/audit-guide.md §4 says
    and ``fupin verify`` checks them (since session 25: before, any was taken)."""
    version = _member(cp, "version", what)
    if type(version) is not int or version != CHECKPOINT_VERSION:
        shown = version if type(version) is int else _kind(version)
        raise BundleError(
            f"{what}: its version is {shown}, not {CHECKPOINT_VERSION}, the only "
            "checkpoint version this tool reads"
        )
    _only(
        cp,
        CHECKPOINT_FIELDS,
        what,
        f"a checkpoint's (a version {CHECKPOINT_VERSION} checkpoint has "
        f"{', '.join(CHECKPOINT_FIELDS)})",
    )
    log = _text(cp, "log", what)
    if log != origin:
        raise BundleError(
            f"{what} is of the log {_safe(repr(log))}, not {origin!r}, the log checked "
            "(--origin): a checkpoint of another log proves nothing of this one (a ledger "
            "rebuilt by import --create is a log of its own: docs/audit-guide.md §6)"
        )
    time = _text(cp, "time", what)
    try:
        zoned = datetime.fromisoformat(time).tzinfo is not None
    except ValueError:
        zoned = False
    if not zoned:
        raise BundleError(
            f"{what}: its time {_safe(repr(time))} is not an ISO 8601 time with its "
            "UTC offset (2018-12-31T09:00:00+00:00)"
        )
    size = _member(cp, "size", what)
    if size == 0 and type(size) is int:  # since session 28: said as a bad signature before
        raise BundleError(
            f"{what}: its size is 0, not at least 1 (the number of events it covers: a "
            "checkpoint covers at least the ledger's first event)"
        )
    if type(size) is not int or not 1 <= size < LARGEST_SIZE:  # as fupin reads a checkpoint
        shown = size if type(size) is int else _kind(size)
        raise BundleError(
            f"{what}: its size is {shown}, not a whole number at least 1 and below 2^63 (the "
            "number of events it covers)"
        )


#: The encodings of Ed25519's points of small order, the sign bit cleared: a copy of
#: ``ledger.keys._SMALL_ORDER`` (this file stands alone; a test checks both agree). A
#: signature "by" such a key can be made without any private key (R the identity, S = 0).
SMALL_ORDER = frozenset(
    bytes.fromhex(point)
    for point in (
        "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
        "0100000000000000000000000000000000000000000000000000000000000000",  # order 1
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p - 1, order 2
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p, order 4
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p + 1, order 1
    )
)


def small_order(raw_public_key: bytes) -> bool:
    """Whether a 32-byte public key is a point of small order, which anyone can sign for."""
    return raw_public_key[:31] + bytes([raw_public_key[31] & 0x7F]) in SMALL_ORDER


def check_checkpoint(
    cp: dict[str, Any],
    pinned: str | Collection[str] | None,
    origin: str = ORIGIN,
    what: str = "the checkpoint",
) -> bytes:
    """Verify the checkpoint's fields and signature; return its root. ``pinned``: the log
    key id trusted, or those trusted (a key rotated between two checkpoints)."""
    cp = _object(cp, what)
    _check_checkpoint_fields(cp, origin, what)
    raw = _base64(cp, "public_key", what, 32)
    if small_order(raw):  # since session 28: audit-guide.md §1 said so, the tool took it
        raise BundleError(
            f"{what}: its public_key is a point of small order, which anyone can sign for: "
            "not a usable public key (docs/audit-guide.md §1)"
        )
    key_id = key_id_of(raw)
    if key_id != _text(cp, "key_id", what):
        raise BundleError(f"{what}'s key id does not match its public key")
    trusted = {pinned} if isinstance(pinned, str) else set(pinned or ())
    if pinned is not None and key_id not in trusted:
        keys = ", ".join(sorted(trusted))
        raise BundleError(f"{what} signed by key {key_id}, not the pinned log key {keys}")
    root_text = _text(cp, "root", what)
    if not re.fullmatch(r"[0-9a-fA-F]{64}", root_text):
        raise BundleError(f"{what}'s root is not 64 hex digits")
    root = bytes.fromhex(root_text)
    log, size, time = _text(cp, "log", what), _whole(cp, "size", what), _text(cp, "time", what)
    signature = _base64(cp, "signature", what)
    note = f"{log}\n{size}\n{base64.b64encode(root).decode()}\n{time}\n"
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, note.encode())
    except InvalidSignature:
        raise BundleError(f"{what}'s signature does not verify") from None
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
    decoded = json.loads(state)
    if not isinstance(decoded, dict):
        raise BundleError(f"the event's state is {_kind(decoded)}, not a JSON object")
    return UUID(bytes=uuid_bytes), originator_version, topic, decoded


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


#: The bundle format this tool reads (``ledger.bundles.BUNDLE_VERSION``).
BUNDLE_VERSION = 1
#: The fields of a household's bundle (``fupin prove``), of each of its events (``summary``,
#: for a person opening the file, proven by nothing and not required), and of a consistency
#: bundle (``fupin prove-consistency``): a test checks fupin writes these.
HOUSEHOLD_FIELDS = ("version", "household", "aggregate_id", "checkpoint", "events")
EVENT_FIELDS = ("index", "leaf", "proof", "summary")
CONSISTENCY_FIELDS = ("version", "kind", "from", "to", "proof")
_HAS_HOUSEHOLD = f"a version {BUNDLE_VERSION} household bundle has {', '.join(HOUSEHOLD_FIELDS)}"


def _check_version(bundle: dict[str, Any]) -> None:
    """A bundle of another version may mean its fields otherwise: refused, never guessed."""
    version = _member(bundle, "version", "the bundle")
    if type(version) is not int or version != BUNDLE_VERSION:
        shown = version if type(version) is int else _kind(version)
        raise BundleError(
            f"the bundle: its version is {shown}, not {BUNDLE_VERSION}, the only bundle version "
            "this tool reads (a newer fupin's bundle: check it with that fupin's "
            "tools/verify_bundle.py)"
        )


def _check_aggregate_id(bundle: dict[str, Any], household: str, expected: UUID) -> None:
    """The bundle's aggregate_id is the household's (the id every event proven must have)."""
    claimed = _text(bundle, "aggregate_id", "the bundle")
    try:
        same = UUID(claimed) == expected
    except ValueError:
        raise BundleError(f"the bundle: its aggregate_id {claimed!r} is not a UUID") from None
    if not same:
        raise BundleError(
            f"the bundle: its aggregate_id is {claimed}, but household {household}'s is "
            f"{expected}: the bundle does not say one thing of whose events it proves"
        )


def check_bundle(
    bundle: dict[str, Any], pinned: str | Collection[str] | None, origin: str = ORIGIN
) -> list[str]:
    """Verify everything against the log ``origin``; return the timeline lines."""
    bundle = _object(bundle, "the bundle")
    _check_version(bundle)
    _only(bundle, HOUSEHOLD_FIELDS, "the bundle", f"a household bundle's ({_HAS_HOUSEHOLD})")
    cp = _member(bundle, "checkpoint", "the bundle")
    root = check_checkpoint(cp, pinned, origin)
    household = _text(bundle, "household", "the bundle")
    expected = uuid5(LEDGER_NAMESPACE, f"household:{household}")
    _check_aggregate_id(bundle, household, expected)
    events = _member(bundle, "events", "the bundle")
    if not isinstance(events, list):
        raise BundleError(f"the bundle: its events is {_kind(events)}, not a JSON array")
    if not events:
        raise BundleError("the bundle proves no event of the household")
    # every entry's shape first: ``_gap`` looks at the entries after the one it explains
    items = [_event_item(item, n) for n, item in enumerate(events, start=1)]
    lines = []
    receipts: dict[tuple[str, str], int] = {}  # (account, disbursement) -> its FundsReceived
    for n, (index, leaf, proof) in enumerate(items, start=1):
        verify_inclusion(leaf_hash(leaf), index, cp["size"], proof, root)
        try:
            aggregate, version, topic, state = decode_leaf(leaf)
        except BundleError as exc:
            raise BundleError(f"leaf {index}: {exc}") from None
        if aggregate != expected:
            raise BundleError(f"leaf {index} belongs to another aggregate")
        if version != n:
            raise BundleError(
                f"version {version} where {n} was expected: {_gap(bundle, n, version)}"
            )
        prov = plain(state.get("prov", {}))
        if not isinstance(prov, dict):
            raise BundleError(f"leaf {index}: its prov is {_kind(prov)}, not a JSON object")
        when = plain(state.get("timestamp", ""))
        _check_before_signed(when, cp["time"], index)
        name = topic.rsplit(".", 1)[-1]
        lines.append(
            f"#{version:<3} leaf {index:<7} {name:<20} "
            f"effective {prov.get('effective', '?')}  by {_recorded_by(prov)}  "
            f"recorded {_recorded(when)}  "
            f"[{prov.get('document', '')}]{_what_it_did(name, state, index, version, receipts)}"
        )
    return lines


def _recorded_by(prov: dict[str, Any]) -> str:
    """Whose entry it is, in ``fupin history``'s words: ``jn-01 (officer)``, and for an entry
    another recorded for its actor (an admin's import of an officer's rows, since session 28)
    ``jn-01 (officer), imported by admin``, read from the proven bytes (``imported_by``; since
    session 29, tester H: it said ``jn-01 (officer)`` alone, as if jn-01 had recorded it)."""
    said = f"{prov.get('actor', '?')} ({prov.get('role', '?')})"
    if prov.get("imported_by"):
        said += f", imported by {prov['imported_by']}"
    return said


#: The ``kind`` of a consistency bundle (``ledger.bundles.CONSISTENCY``; a household's
#: bundle has none).
CONSISTENCY = "consistency"


def check_consistency(
    bundle: dict[str, Any], pinned: str | Collection[str] | None, origin: str = ORIGIN
) -> list[str]:
    """Verify a consistency bundle (``fupin prove-consistency``, since session 28): both
    checkpoints (fields, signature, pinned key), their sizes (1 <= older <= newer), and the
    RFC 9162 consistency proof that the newer tree extends the older. The lines to print."""
    bundle = _object(bundle, "the bundle")
    _check_version(bundle)
    kind = _member(bundle, "kind", "the bundle")
    if kind != CONSISTENCY:
        shown = _safe(repr(kind)) if isinstance(kind, str) else _kind(kind)
        raise BundleError(
            f"the bundle: its kind is {shown}, not {CONSISTENCY!r}, the only kind this tool "
            "reads (a household's bundle has no kind)"
        )
    _only(
        bundle,
        CONSISTENCY_FIELDS,
        "the bundle",
        f"a consistency bundle's (a version {BUNDLE_VERSION} consistency bundle has "
        f"{', '.join(CONSISTENCY_FIELDS)})",
    )
    old = check_checkpoint(_member(bundle, "from", "the bundle"), pinned, origin, OLDER)
    new = check_checkpoint(_member(bundle, "to", "the bundle"), pinned, origin, NEWER)
    size1, size2 = bundle["from"]["size"], bundle["to"]["size"]
    if size1 > size2:
        raise BundleError(
            f"{OLDER} covers {size1} events, more than {NEWER} ({size2}): a log only grows, "
            "so the older checkpoint is the smaller"
        )
    _check_signed_in_order(bundle["from"], bundle["to"])
    proof = _member(bundle, "proof", "the bundle")
    if not isinstance(proof, list):
        raise BundleError(f"the bundle: its proof is {_kind(proof)}, not a JSON array")
    hashes = {f"hash {k}": value for k, value in enumerate(proof, start=1)}
    verify_consistency(
        size1, size2, [_base64(hashes, k, "the bundle's proof", 32) for k in hashes], old, new
    )
    lines = [f"consistency proven: the log of size {size2} extends the log of size {size1}"]
    for what, cp in ((OLDER, bundle["from"]), (NEWER, bundle["to"])):
        lines.append(
            f"  {what}: log {cp['log']} (the origin checked), size {cp['size']}, root "
            f"{cp['root']}, time {cp['time']}, signed by log key {cp['key_id']}"
            + ("" if pinned else " (not pinned)")
        )
    return lines


OLDER = "the older checkpoint (from)"
NEWER = "the newer checkpoint (to)"

#: How far the clocks of officers' machines may differ: a copy of
#: ``ledger.clock.CLOCK_TOLERANCE`` (this file stands alone; a test checks both agree).
CLOCK_TOLERANCE = timedelta(minutes=10)


def _check_signed_in_order(older: dict[str, Any], newer: dict[str, Any]) -> None:
    """The older tree head, if smaller, was not signed after the newer one (beyond the clock
    tolerance): ``fupin checkpoint`` signs the whole log as it stands, so a smaller head signed
    later is one fupin never made, signed by whoever holds the log key as if the log had ended
    there then (docs/audit-guide.md §4, as ``fupin prove-consistency`` refuses it; since
    session 28, tester N: the bundle shows it by itself)."""
    if older["size"] >= newer["size"]:
        return
    signed, then = datetime.fromisoformat(older["time"]), datetime.fromisoformat(newer["time"])
    if signed <= then + CLOCK_TOLERANCE:
        return
    minutes = int(CLOCK_TOLERANCE.total_seconds() // 60)
    raise BundleError(
        f"{OLDER}: its time {older['time']} is more than {minutes} minutes after the time of "
        f"{NEWER} ({newer['time']}), yet it covers fewer events ({older['size']}, not "
        f"{newer['size']}): fupin checkpoint signs the whole log as it stands, so the log "
        "held more events before the older was signed: it is an older tree head signed later "
        "by whoever holds the log key, as if the log had ended there then "
        "(docs/audit-guide.md §4)"
    )


def _what_it_did(
    name: str, state: dict[str, Any], index: int, version: int, receipts: dict[tuple[str, str], int]
) -> str:
    """What a correction, an amendment or a voided receipt did, and why; "" for any other
    event. A household's ``FundsReceived`` is remembered by its account and disbursement (the
    payment's entry on the account), which its ``ReceiptVoided`` names: one receipt of them
    stands at a time, as the household's record keeps it."""
    reason = state.get("reason", "")
    if name == "Corrected":
        return f"  voids #{state.get('corrects', '?')}: {reason}"
    if name == "Amended":
        return f"  restates {_restated(state, index)}: {reason}"
    if name not in ("FundsReceived", "ReceiptVoided"):
        return ""
    account, disbursement = plain(state.get("account")), plain(state.get("disbursement"))
    payment = (_json(account), _json(disbursement))
    if name == "FundsReceived":
        receipts[payment] = version
        return ""
    voided = receipts.pop(payment, None)
    return (
        f"  voids #{'?' if voided is None else voided} (the receipt of {account} "
        f"disbursement {disbursement}): {reason}"
    )


def _check_before_signed(when: Any, signed: str, index: int) -> None:
    """A checkpoint covers events recorded by its time: one recorded after it, beyond
    ``CLOCK_TOLERANCE`` (the clocks of two machines), contradicts the signed head, whose time
    its signer chose (tester g, session 36: a head re-signed at 2020-01-01 over events recorded
    in 2026 was taken; ``fupin verify`` and ``fupin prove`` refuse it)."""
    try:
        moment = datetime.fromisoformat(str(when))
    except ValueError:
        return  # shown as it is, said no time (``_recorded``)
    if moment.tzinfo is not None and moment > datetime.fromisoformat(signed) + CLOCK_TOLERANCE:
        minutes = int(CLOCK_TOLERANCE.total_seconds() // 60)
        raise BundleError(
            f"leaf {index}: recorded {_recorded(when)}, more than {minutes} minutes after the "
            f"checkpoint's time {signed}: a checkpoint is signed over events already recorded, "
            "so its time or this event is not what was signed"
        )


def _recorded(value: Any) -> str:
    """An event's recording time in UTC with its ``Z``, to the microsecond (none shown when
    it is 0), as ``fupin history`` prints it (pasted into ``--known-at`` it includes the
    event): never cut to seconds without a zone, which reads as China time, eight hours off.
    A time that is none (no ISO 8601 text, or without a zone) is shown as it is, said so."""
    text = str(value)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return f"{text!r} (not a time)"
    if moment.tzinfo is None:
        return f"{text} (no time zone)"
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _event_item(item: Any, n: int) -> tuple[int, bytes, list[bytes]]:
    """The ``n``-th entry of ``events``: (leaf index, leaf bytes, inclusion proof)."""
    what = f"event {n} of the bundle"
    item = _object(item, what)
    _only(
        item, EVENT_FIELDS, what, f"an event's (an event of a bundle has {', '.join(EVENT_FIELDS)})"
    )
    index = _whole(item, "index", what)
    leaf = _base64(item, "leaf", what)
    proof = _member(item, "proof", what)
    if not isinstance(proof, list):
        raise BundleError(f"{what}: its proof is {_kind(proof)}, not a JSON array")
    hashes = {f"hash {k}": value for k, value in enumerate(proof, start=1)}
    return index, leaf, [_base64(hashes, k, f"{what}'s proof", 32) for k in hashes]


def _restated(state: dict[str, Any], index: int) -> str:
    """``labour true → false, area 'rural' → 'urban'``: an amendment's fields, old and new."""
    was, changes = state.get("was", {}), state.get("changes", {})
    for name, value in (("was", was), ("changes", changes)):
        if not isinstance(value, dict):
            raise BundleError(f"leaf {index}: its {name} is {_kind(value)}, not a JSON object")
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
        except (BundleError, KeyError, TypeError, ValueError, struct.error, RecursionError):
            continue
    if n in later:
        return "the events are out of order"
    if version == n + 1:
        return f"version {n} is missing"
    return f"versions {n} to {version - 1} are missing"


#: What is escaped in the output: control characters (a bundle's text could move the cursor
#: or start a line of its own), lone surrogates, line and paragraph separators, and the
#: bidirectional controls that make a line read otherwise than it is stored.
_UNSAFE = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _safe(text: str) -> str:
    """``text`` with what ``_UNSAFE`` and ``_BIDI`` name written as escapes (``\\n``)."""
    return "".join(
        ch.encode("unicode_escape", "backslashreplace").decode("ascii")
        if ch in _BIDI or unicodedata.category(ch) in _UNSAFE
        else ch
        for ch in text
    )


def _given_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object of the bundle, a key given twice refused (since session 28, re-tester N:
    the last copy was kept, as Python's json does, and another reader may keep the first)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise BundleError(
                f"the bundle: its field {key!r} is given twice (in one JSON object): a JSON "
                "reader keeps either copy, so the bundle does not say one thing; give it once"
            )
        found[key] = value
    return found


def _household_lines(bundle: Any, pinned: list[str] | None, origin: str) -> list[str]:
    """A household's bundle verified: the lines to print."""
    lines = check_bundle(bundle, pinned, origin)
    cp = bundle["checkpoint"]
    return [
        f"household {bundle['household']}: {len(lines)} events proven in checkpoint",
        f"  log {cp['log']} (the origin checked), size {cp['size']}, root {cp['root']}, "
        f"time {cp['time']}",
        f"  signed by log key {cp['key_id']}" + ("" if pinned else " (not pinned)"),
        *("  " + line for line in lines),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a fupin proof bundle offline.")
    parser.add_argument(
        "bundle", help="bundle file written by `fupin prove` or `fupin prove-consistency`"
    )
    parser.add_argument(
        "--log-key",
        type=pinned_key_id,
        action="append",
        help="the log key you trust (from the district office): its key id or public key; "
        "repeatable (a consistency bundle's two checkpoints may be signed by a key and the one "
        "that replaced it)",
    )
    parser.add_argument(
        "--origin",
        default=ORIGIN,
        type=origin_given,
        help=f"the log the checkpoint must be of (default {ORIGIN}; a moved ledger's is "
        f"{ORIGIN}/ and 16 lower-case hex digits, which fupin verify, fupin checkpoint and "
        "fupin import --create print, and fupin prove's hint names)",
    )
    args = parser.parse_args(argv)
    try:
        # utf-8-sig: a leading BOM (a file re-saved on Windows) is read past, not refused
        with open(args.bundle, encoding="utf-8-sig") as handle:
            bundle = json.load(handle, object_pairs_hook=_given_once, parse_int=whole_number)
        if isinstance(bundle, dict) and "kind" in bundle:
            output = check_consistency(bundle, args.log_key, args.origin)
        else:
            output = _household_lines(bundle, args.log_key, args.origin)
    except (BundleError, KeyError, TypeError, ValueError, OSError, struct.error) as exc:
        print(_safe(f"NOT VERIFIED: {type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1
    except Exception as exc:  # the last resort: a bundle never gives a traceback
        problem = f"{type(exc).__name__}: {exc}"
        print(_safe(f"NOT VERIFIED: the bundle could not be read ({problem})"), file=sys.stderr)
        return 1
    try:
        for line in output:
            print(_safe(line))
        sys.stdout.flush()  # here, not at exit: a pipe closed early is seen now
    except BrokenPipeError:  # the reader stopped reading (`| head -3`): nothing more to say
        # what is still buffered goes nowhere, instead of failing again at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
