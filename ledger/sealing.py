"""Sealing 签章: every save of an officer with a registered key is signed with that key.

Canonical encoding v1 (pinned; ``docs/audit-guide.md`` documents it byte by byte). A stored
event — the row as the recorder keeps it — is encoded as::

    0x01                                  encoding version
    originator_id                         16 raw bytes of the aggregate's UUID
    originator_version                    8 bytes, unsigned big-endian
    len(topic)   topic                    4 bytes unsigned big-endian, then UTF-8
    len(state)   state                    4 bytes unsigned big-endian, then the stored bytes

These bytes are the event's Merkle leaf (``ledger.verification``) and what a seal covers.

A *run* is a maximal stretch of one save's events recorded by one officer (the actor, or since
session 28 the admin who recorded them for the actor: ``Provenance.recorder``). Before storing a
save, each run by an officer whose key is in force is preceded by one ``Seal`` event (its own
aggregate, version 1) carrying the signer, the key id, the number of events it covers, the
digest SHA-256(leaf_hash(e1) || ... || leaf_hash(en)) of the ``count`` events that follow it,
the first 4 bytes of each of their leaf hashes (``marks``, so that a verifier can point at the
altered event, not only at the save) and the Ed25519 signature over ``seal_message`` (which
binds all of them). A bulk
import therefore costs one signature per batch. A seal comes *before* its events so that a
verifier reading the log once, front to back, knows what to expect and needs O(1) memory.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.domain import DomainEventProtocol, event
from eventsourcing.persistence import Mapper, StoredEvent

from ledger import clock
from ledger.base import LedgerAggregate, Provenance, natural_id
from ledger.errors import InputError
from ledger.keys import key_id, load_private_key
from ledger.merkle import leaf_hash
from ledger.officers import Officer
from ledger.values import CHINA

__all__ = [
    "ENCODING_VERSION",
    "MARK_SIZE",
    "SEAL_DOCUMENT",
    "Seal",
    "Sealer",
    "canonical_bytes",
    "revoked_not_replaced",
    "seal_digest",
    "seal_message",
]

ENCODING_VERSION = 1
#: Bytes of each covered event's leaf hash that a seal keeps to locate an altered event.
MARK_SIZE = 4
#: The ``document`` of a seal's provenance: seals rest on no paper, only on this scheme.
SEAL_DOCUMENT = "fupin-seal-v1"

_HEADER = struct.Struct(">B16sQ")
_LENGTH = struct.Struct(">I")


def canonical_bytes(stored: StoredEvent) -> bytes:
    """The canonical encoding v1 of a stored event (see the module docstring)."""
    originator = stored.originator_id
    uuid = originator if isinstance(originator, UUID) else UUID(str(originator))
    topic = stored.topic.encode("utf-8")
    return b"".join(
        (
            _HEADER.pack(ENCODING_VERSION, uuid.bytes, stored.originator_version),
            _LENGTH.pack(len(topic)),
            topic,
            _LENGTH.pack(len(stored.state)),
            bytes(stored.state),
        )
    )


def seal_digest(leaf_hashes: Sequence[bytes]) -> bytes:
    """SHA-256 over the concatenated leaf hashes of the events a seal covers."""
    return hashlib.sha256(b"".join(leaf_hashes)).digest()


def seal_message(
    signer: str, key: str, count: int, digest: bytes, marks: bytes, timestamp: str, prov: Provenance
) -> bytes:
    """The exact bytes an officer signs for one run of events (pinned, version 1): every field
    of the seal but the signature, one a line."""
    lines = (
        "fupin-seal-v1",
        signer,
        key,
        str(count),
        digest.hex(),
        marks.hex(),
        timestamp,
        prov.role,
        prov.effective.isoformat(),
        prov.document,
        prov.note,
    )
    return "".join(f"{line}\n" for line in lines).encode()


class Seal(LedgerAggregate):
    """One officer's signature over the events of one save that follow it 签章."""

    @staticmethod
    def create_id(digest: str) -> UUID:
        return natural_id("seal", digest)

    @event("Sealed")
    def __init__(
        self,
        signer: str,
        key_id: str,
        count: int,
        digest: str,
        marks: str,
        signature: str,
        prov: Provenance,
    ) -> None:
        self.signer = signer
        self.key_id = key_id
        self.count = count


OfficerLookup = Callable[[str], Officer | None]


class Sealer:
    """Signs saves in the application's save path (``LedgerCore._record``).

    Private keys come from the file named by ``LEDGER_KEY`` (read, and its mode and content
    checked, on the first save, whoever saves) and from ``add_key``. A save by an officer whose
    key is in force is refused, with nothing written, unless the matching private key is at
    hand; an officer whose key was revoked, and no new key registered, saves nothing (since
    session 24); officers who never held a key (a ledger that does not use signatures, or
    before an admin registers one) save unsigned, and ``fupin verify`` reports their events
    as unsigned — but not with a key file given (``--key``): a save it signs nothing of is
    refused, rather than recorded unsigned with the file ignored.
    """

    def __init__(self, key_path: str = "") -> None:
        self._key_path = key_path
        self._keys: dict[str, Ed25519PrivateKey] = {}
        self._loaded = not key_path
        self._file_key = ""  # the id of the key in the file given, once read

    def add_key(self, key: Ed25519PrivateKey) -> None:
        """Make ``key`` available to sign saves of the officer it is registered to."""
        self._keys[key_id(key)] = key

    def seal(
        self,
        events: Sequence[DomainEventProtocol[UUID]],
        mapper: Mapper[UUID],
        officer: OfficerLookup,
    ) -> list[DomainEventProtocol[UUID]]:
        """The save's events with a ``Sealed`` event before each run by a keyed officer."""
        self._load()  # a key file given is checked whether or not a key is in force
        sealed: list[DomainEventProtocol[UUID]] = []
        holders: dict[str, Officer | None] = {}  # one lookup per actor: a save changes no key
        unsigned = ""  # the first actor of the save with no key in force
        for actor, run in _runs(events):
            if actor not in holders:
                holders[actor] = officer(actor) if actor else None
            holder = holders[actor]
            if holder is not None and holder.signing_key_id:
                sealed.append(self._seal_event(holder, run, mapper))
            elif holder is not None and holder.revoked_key_id:
                raise InputError("key", revoked_not_replaced(holder))
            elif actor and not unsigned:
                unsigned = actor
            sealed.extend(run)
        if (
            self._key_path
            and unsigned
            and len(sealed) == len(events)
            and not _keys_itself(events, unsigned)
        ):
            # --key given, and it signs nothing of this save: refused rather than ignored
            raise InputError("key", _no_key_in_force(unsigned, holders[unsigned]))
        return sealed

    def check_signers(
        self, actors: Sequence[str], officer: OfficerLookup, registering: Collection[str] = ()
    ) -> None:
        """Refuse, without signing anything, what ``seal`` would refuse of a save whose events
        are recorded by ``actors`` (an import's dry run, which makes no save): an officer with
        a key in force whose private key is not at hand, or a key file given that signs none
        of them (unless the save registers the officer it names: ``registering``)."""
        self._load()  # a key file given is checked whether or not a key is in force, as there
        holders = {actor: officer(actor) for actor in dict.fromkeys(actors) if actor}
        signed = False
        for holder in holders.values():
            if holder is not None and holder.signing_key_id:
                self._private_key(holder)  # ``seal``'s own refusal, if the key is not at hand
                signed = True
            elif holder is not None and holder.revoked_key_id:
                raise InputError("key", revoked_not_replaced(holder))
        unsigned = next(iter(holders), "")
        if self._key_path and not signed and unsigned and unsigned not in registering:
            raise InputError("key", _no_key_in_force(unsigned, holders[unsigned]))

    def _load(self) -> None:
        if not self._loaded:
            private = load_private_key(Path(self._key_path))
            self.add_key(private)
            self._file_key = key_id(private)
            self._loaded = True

    def _seal_event(
        self, holder: Officer, run: Sequence[DomainEventProtocol[UUID]], mapper: Mapper[UUID]
    ) -> DomainEventProtocol[UUID]:
        private = self._private_key(holder)
        hashes = [leaf_hash(canonical_bytes(mapper.to_stored_event(e))) for e in run]
        digest = seal_digest(hashes)
        marks = b"".join(h[:MARK_SIZE] for h in hashes)
        now = clock.now()
        prov = Provenance(
            holder.officer_id, holder.role, now.astimezone(CHINA).date(), SEAL_DOCUMENT
        )
        message = seal_message(
            holder.officer_id,
            holder.signing_key_id,
            len(run),
            digest,
            marks,
            now.isoformat(),
            prov,
        )
        with clock.using_clock(lambda: now):  # the seal's timestamp is the one it signs
            seal = Seal(
                signer=holder.officer_id,
                key_id=holder.signing_key_id,
                count=len(run),
                digest=digest.hex(),
                marks=marks.hex(),
                signature=private.sign(message).hex(),
                prov=prov,
            )
        (sealed,) = seal.collect_events()
        return sealed

    def _private_key(self, holder: Officer) -> Ed25519PrivateKey:
        self._load()
        private = self._keys.get(holder.signing_key_id)
        if private is None:
            raise InputError("key", _not_at_hand(holder, self._file_key))
        return private


def _keys_itself(events: Sequence[DomainEventProtocol[UUID]], actor: str) -> bool:
    """Whether the save registers ``actor`` (``fupin init``) or a key for ``actor`` (an admin's
    own first key): the key file given is then theirs for the saves that follow, and a
    ``LEDGER_KEY`` set from the first day is no mistake."""
    own = Officer.create_id(actor)
    return any(
        event.originator_id == own
        and type(event).__name__ in ("OfficerRegistered", "SigningKeyRegistered")
        for event in events
    )


def _not_at_hand(holder: Officer, file_key: str) -> str:
    """The refusal of a save by an officer with a key in force whose private key is not at
    hand: no key file given, or one holding another key (named, and said to be a key the
    officer held before when it is one)."""
    officer, key = holder.officer_id, holder.signing_key_id
    if not file_key:
        return (
            f"{officer} signs with key {key}; give its private key file with --key or "
            "LEDGER_KEY (nothing was written)"
        )
    former = dict(holder.former_keys).get(file_key)
    whose = f"{officer}'s former key, {former}" if former else f"a key {officer} never held"
    return (
        f"the key file given holds key {file_key}, not {officer}'s key {key} ({whose}); give "
        f"the private key file of {key} with --key or LEDGER_KEY (nothing was written)"
    )


def _no_key_in_force(actor: str, holder: Officer | None) -> str:
    """The refusal of a save given a key file (``--key``, ``LEDGER_KEY``) by an officer who
    never held a key: it would be recorded unsigned, the key file ignored. (One whose key was
    revoked records nothing at all: ``revoked_not_replaced``.)"""
    return (
        f"{actor} has no signing key in force (none was registered): a save made with --key "
        "would not be signed; leave --key out or register a key (fupin keys register; nothing "
        "was written)"
    )


def revoked_not_replaced(holder: Officer, admins: Sequence[str] | None = None) -> str:
    """The refusal of a save by an officer whose key was revoked and no new key registered
    (since session 24): they record nothing, with a key file or without. Revocation, the
    remedy for a stolen key, let anyone record unsigned in their name before, and
    ``fupin verify`` passed it as an officer with no key. ``admins``: the active admins with a
    key in force, named as who can act (since the session 24 re-test; None: not known here)."""
    officer = holder.officer_id
    return (
        f"{officer}'s key {holder.revoked_key_id} was {holder.revocation()} and no new "
        f"key is registered: {officer} records nothing until one is; "
        f"{who_can_act(officer, admins)}; nothing was written"
    )


def who_can_act(officer: str, admins: Sequence[str] | None) -> str:
    """``have an admin with a key in force (adm-2) register a new key for jn-01 (…)``, and
    when none has one, that an admin who never held a key may register their own first key
    (docs/audit-guide.md §6; since the session 24 re-test). ``admins``: None when not known."""
    named = f" ({', '.join(admins)})" if admins else ""
    said = (
        f"have an admin with a key in force{named} register a new key for {officer} "
        "(fupin keys new, then fupin keys register)"
    )
    if admins is None or admins:
        return said
    return (
        f"{said}; no admin has a key in force now: an admin who never held a key may register "
        f"their own first key, then {officer}'s in a save signed with it (docs/audit-guide.md §6)"
    )


def _runs(
    events: Sequence[DomainEventProtocol[UUID]],
) -> list[tuple[str, list[DomainEventProtocol[UUID]]]]:
    """Maximal stretches of consecutive events by the same actor, in order."""
    runs: list[tuple[str, list[DomainEventProtocol[UUID]]]] = []
    for item in events:
        actor = _actor(item)
        if runs and runs[-1][0] == actor:
            runs[-1][1].append(item)
        else:
            runs.append((actor, [item]))
    return runs


def _actor(item: Any) -> str:
    """Who recorded an event, whose key signs it: its actor, or since session 28 the admin who
    recorded it for them (``Provenance.imported_by``: an import of another officer's rows)."""
    prov = getattr(item, "prov", None)
    return prov.recorder if isinstance(prov, Provenance) else ""
