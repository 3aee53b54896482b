"""Proof bundles 证明包: one household's events with inclusion proofs against a checkpoint.

An inspector checks a bundle offline with ``tools/verify_bundle.py`` (standard library and
``cryptography`` only): the checkpoint's signature, then each event's inclusion proof. The
bundle (JSON, version 1)::

    {"version": 1, "household": "JH-0001", "aggregate_id": "<uuid>",
     "checkpoint": {... the checkpoint file ...},
     "events": [{"index": 17, "leaf": "<base64 canonical bytes>",
                 "proof": ["<base64 hash>", ...], "summary": {...}}, ...]}

``summary`` is for people reading the file; the tool prints what it decodes from the proven
leaf bytes, never the summary.
"""

from __future__ import annotations

import base64
from typing import Any

from ledger.base import natural_id
from ledger.core import LedgerCore
from ledger.errors import NotFoundError, RuleError
from ledger.merkle import MerkleTree
from ledger.reading import describe
from ledger.sealing import canonical_bytes
from ledger.transparency import Checkpoint, TransparencyLog, stored_events

__all__ = ["BUNDLE_VERSION", "prove_household"]

BUNDLE_VERSION = 1


def prove_household(app: LedgerCore, number: str, checkpoint: Checkpoint) -> dict[str, Any]:
    """The bundle of household ``number``'s events up to ``checkpoint``, refusing a checkpoint
    that is not the log's or that this ledger no longer matches."""
    _check_checkpoint(app, checkpoint)
    target = natural_id("household", number)
    tree = MerkleTree()
    found: list[tuple[int, bytes, dict[str, Any]]] = []
    for notification in stored_events(app.recorder):
        if tree.size == checkpoint.size:
            break
        leaf = canonical_bytes(notification)
        index = tree.append(leaf)
        if notification.originator_id == target:
            found.append((index, leaf, _summary(app, notification)))
    if tree.size < checkpoint.size or tree.root() != checkpoint.root_bytes:
        raise RuleError("checkpoint", "this ledger does not match the checkpoint; run fupin verify")
    if not found:
        raise NotFoundError("household", f"no event of {number!r} within the checkpoint")
    return {
        "version": BUNDLE_VERSION,
        "household": number,
        "aggregate_id": str(target),
        "checkpoint": checkpoint.to_json(),
        "events": [
            {
                "index": index,
                "leaf": _b64(leaf),
                "proof": [_b64(h) for h in tree.inclusion_proof(index, checkpoint.size)],
                "summary": summary,
            }
            for index, leaf, summary in found
        ],
    }


def _check_checkpoint(app: LedgerCore, checkpoint: Checkpoint) -> None:
    if not checkpoint.signature_valid():
        raise RuleError("checkpoint", "its signature does not verify")
    log = app.get_by_id(natural_id("log", checkpoint.log))
    # A checkpoint signed before the log key was rotated still vouches for its tree
    # (audit-guide.md: keep old checkpoints); whether the tree is this ledger's is checked next.
    if not isinstance(log, TransparencyLog) or checkpoint.key_id not in log.keys_held:
        raise RuleError("checkpoint", f"key {checkpoint.key_id} was never this ledger's log key")


def _summary(app: LedgerCore, notification: Any) -> dict[str, Any]:
    entry = describe(app.mapper.to_domain_event(notification))
    return {k: entry[k] for k in ("version", "event", "effective", "actor", "role", "document")}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
