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

A consistency bundle 一致性证明 (since session 28) proves that the newer of two checkpoints
extends the older, RFC 9162 §2.1.4, for an inspector who holds the older and not the store::

    {"version": 1, "kind": "consistency", "from": {... the older checkpoint ...},
     "to": {... the newer checkpoint ...}, "proof": ["<base64 hash>", ...]}
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from ledger.base import natural_id
from ledger.core import LedgerCore
from ledger.errors import NotFoundError, RuleError
from ledger.merkle import MerkleTree
from ledger.privacy import PersonalDataMapper
from ledger.reading import describe
from ledger.transparency import (
    LOG_KEY_TOPICS,
    LOG_NAME,
    OWN_ORIGIN_SINCE,
    Checkpoint,
    LogKeyChange,
    TransparencyLog,
    event_bytes,
    key_in_force_fault,
    log_history,
    log_key_change,
    origin_fault_in,
    rebuilt_from_export,
    recorded_checkpoints,
    stale_head,
    stored_events,
)
from ledger.verification import require_verified

__all__ = ["BUNDLE_VERSION", "CONSISTENCY", "prove_consistency", "prove_household"]

BUNDLE_VERSION = 1
#: The ``kind`` of a consistency bundle (a household's bundle has no ``kind``).
CONSISTENCY = "consistency"


def prove_household(
    app: LedgerCore, number: str, checkpoint: Checkpoint, name: str = ""
) -> dict[str, Any]:
    """The bundle of household ``number``'s events up to ``checkpoint``, refusing a checkpoint
    that is not the log's, that this ledger no longer matches, or that is not signed by the
    log key in force at its size before that key was rotated out (as ``fupin verify`` judges
    it: ``ledger.transparency.key_in_force_fault``). ``name``: the checkpoint's file, which a
    refusal names first, as ``fupin verify``'s do (since session 25)."""
    target = natural_id("household", number)
    with _named(name):
        tree, found = _checked_tree(app, checkpoint, target)
    if not found:
        raise NotFoundError("household", f"no event of {number!r} within the checkpoint")
    require_verified(app.recorder, app.mapper, "nothing was written")
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


def prove_consistency(
    app: LedgerCore, older: Checkpoint, newer: Checkpoint, names: tuple[str, str] = ("", "")
) -> dict[str, Any]:
    """The consistency bundle 一致性证明 of ``newer`` over ``older`` (since session 28): both
    signed checkpoints and the RFC 9162 §2.1.4 consistency proof between their sizes, which an
    inspector holding ``older`` checks offline (``tools/verify_bundle.py``), without the store.
    Each checkpoint is refused as ``prove_household`` refuses one (``names``: their files, named
    first), and so is an ``older`` larger than ``newer``."""
    if older.size > newer.size:
        first, second = names[0] or "the older checkpoint", names[1] or "the newer one"
        said = f"{first}: it covers {older.size} events, more than {second} ({newer.size})"
        if older.signature_valid() and newer.signature_valid() and older.time < newer.time:
            # Signed first, yet larger (session 36's tester g F2: told to swap them): a later
            # tree head of a smaller tree is what a log cut back or forked leaves
            raise RuleError(
                "checkpoint",
                f"{said}, though signed before it ({older.time} < {newer.time}): the log was "
                f"cut back or forked after {first} was signed (events it covers removed or "
                f"replaced), and {second} signs the other history; nothing was proven: "
                f"fupin verify --checkpoint {names[0] or 'FILE'} says what this ledger lacks",
            )
        raise RuleError(
            "checkpoint",
            f"{said}: give the older checkpoint with --from and the newer with --to; nothing "
            "was proven",
        )
    with _named(names[0]):
        _checked_tree(app, older)
    with _named(names[1]):
        tree, _ = _checked_tree(app, newer)
    return {
        "version": BUNDLE_VERSION,
        "kind": CONSISTENCY,
        "from": older.to_json(),
        "to": newer.to_json(),
        "proof": [_b64(h) for h in tree.consistency_proof(older.size, newer.size)],
    }


@contextmanager
def _named(name: str) -> Iterator[None]:
    """A refusal of the checkpoint names its file ``name`` first, as ``fupin verify``'s do."""
    try:
        yield
    except RuleError as exc:
        if not name or exc.field != "checkpoint":
            raise
        raise RuleError("checkpoint", f"{name}: {exc.rule}") from None


#: An event of the household proven: (its position, its leaf bytes, its summary).
Found = tuple[int, bytes, dict[str, Any]]


def _checked_tree(
    app: LedgerCore, checkpoint: Checkpoint, target: UUID | None = None
) -> tuple[MerkleTree, list[Found]]:
    """The tree of the log up to ``checkpoint``'s size, and the events of ``target`` in it,
    refusing a checkpoint this ledger does not vouch for (``prove_household``)."""
    _check_checkpoint(app, checkpoint)
    log_id = natural_id("log", LOG_NAME)
    tree = MerkleTree()
    found: list[Found] = []
    changes: list[LogKeyChange] = []  # the log key's changes, in the events read
    log_version = 0  # the log's last event among them
    last: Any = None  # the last event it covers
    after: Any = None  # the event after them, if any
    for notification in stored_events(app.recorder):
        if tree.size == checkpoint.size:
            after = notification
            break
        last = notification
        leaf = event_bytes(notification, tree.size, "nothing was proven")
        index = tree.append(leaf)
        if notification.originator_id == target:
            found.append((index, leaf, _summary(app, notification)))
        elif notification.originator_id == log_id:
            log_version = notification.originator_version
            if notification.topic in LOG_KEY_TOPICS:
                changes.append(log_key_change(app.mapper.to_domain_event(notification), index))
    if tree.size < checkpoint.size or tree.root() != checkpoint.root_bytes:
        moved = rebuilt_from_export(app)
        said = f"this ledger does not match the checkpoint: {_mismatch(tree, checkpoint)}"
        raise RuleError(
            "checkpoint", f"{said}; {moved}" if moved else f"{said}; nothing was proven"
        )
    _check_recorded_within(app, tree, checkpoint.size)
    # the changes after its size, by the log's id: when its key was rotated out, if it was
    later = (e for e in log_history(app.recorder, log_version) if e.topic in LOG_KEY_TOPICS)
    changes += [log_key_change(app.mapper.to_domain_event(e), None) for e in later]
    fault = key_in_force_fault(
        checkpoint.key_id, checkpoint.size, checkpoint.time, changes, _recorded(app, last)
    )
    if fault is not None:
        raise RuleError("checkpoint", fault)
    # a tree head fupin never made (since session 28): proven from, it would pass for the log
    # as it stood at its time
    stale = stale_head(checkpoint.size, checkpoint.time, _recorded(app, after)) if after else None
    if stale is not None:
        raise RuleError("checkpoint", f"{stale}; nothing was proven")
    return tree, found


def _mismatch(tree: MerkleTree, checkpoint: Checkpoint) -> str:
    """Why the ledger does not match ``checkpoint``, as ``fupin verify`` says it (since session
    28, tester D: before, only "run fupin verify")."""
    if tree.size < checkpoint.size:
        return (
            f"it covers {checkpoint.size} events; the ledger has only {tree.size} (events were "
            "removed, or the checkpoint is not this ledger's)"
        )
    return f"the first {checkpoint.size} events do not hash to its root; run fupin verify"


def _recorded(app: LedgerCore, notification: Any) -> datetime | None:
    """When the stored event ``notification`` was recorded (None: no time with its offset;
    ``fupin verify`` reports such an event)."""
    try:
        stamp = getattr(_sealed(app, notification), "timestamp", None)
    except Exception:  # not readable: fupin verify says why
        return None
    return stamp if isinstance(stamp, datetime) and stamp.utcoffset() is not None else None


def _check_recorded_within(app: LedgerCore, tree: MerkleTree, size: int) -> None:
    """Refuse a checkpoint signed over a log that no longer extended one the ledger had
    recorded at a smaller size (a fupin before session 22 signed one; ``record_checkpoint``
    refuses to since): the tree built for the proofs answers each root, no second pass."""
    for at, root in sorted(recorded_checkpoints(app, "nothing was proven").items()):
        if at <= size and tree.root(at).hex() != root:
            raise RuleError(
                "checkpoint",
                f"its first {at} events do not hash to the root of the checkpoint the ledger "
                f"recorded at size {at} (root {root[:16]}…): it was signed over a log changed "
                "since that one; nothing was proven; run fupin verify",
            )


def _check_checkpoint(app: LedgerCore, checkpoint: Checkpoint) -> None:
    fault = checkpoint.signature_fault()
    if fault is not None:
        raise RuleError("checkpoint", fault)
    origin, fault = origin_fault_in(app.recorder, app.mapper, checkpoint)  # since session 25
    if fault is not None:
        raise RuleError("checkpoint", f"{fault}; nothing was proven")
    if checkpoint.log != origin:
        # A moved store's own checkpoint signed as fupin-jianghai, as before session 25: verify
        # notes it, but a bundle from it would pass tools/verify_bundle.py as the district's
        # own log (its default origin), so no proof is issued from it (since session 25).
        raise RuleError(
            "checkpoint",
            f"it is signed under the log {checkpoint.log}, not this store's origin {origin}: "
            "this store recorded it, as a fupin before "
            f"{OWN_ORIGIN_SINCE.date().isoformat()} signed a moved store's checkpoints (fupin "
            "verify notes it), but a bundle from it "
            f"would be taken for the log {checkpoint.log}; sign a new checkpoint (fupin "
            f"checkpoint), which is made under {origin}, and prove against it; nothing was "
            "proven",
        )
    log = app.get_by_id(natural_id("log", LOG_NAME))
    # A checkpoint signed before the log key was rotated still vouches for its tree
    # (audit-guide.md: keep old checkpoints); whether the tree is this ledger's, and whether
    # its key was the one in force then, is checked next.
    if not isinstance(log, TransparencyLog) or checkpoint.key_id not in log.keys_held:
        raise RuleError("checkpoint", f"key {checkpoint.key_id} was never this ledger's log key")


def _sealed(app: LedgerCore, notification: Any) -> Any:
    """The stored event decoded, its personal data left sealed: a bundle proves bytes, and its
    summary and times are in clear, so ``fupin prove`` reads no master key, as ``fupin verify``
    reads none (since session 29: a wrong, missing or group-readable key file refused a bundle
    that is byte for byte the same without a key)."""
    mapper = app.mapper
    assert isinstance(mapper, PersonalDataMapper)
    return mapper.to_sealed_event(notification)


def _summary(app: LedgerCore, notification: Any) -> dict[str, Any]:
    entry = describe(_sealed(app, notification))
    return {k: entry[k] for k in ("version", "event", "effective", "actor", "role", "document")}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
