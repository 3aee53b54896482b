"""``fupin verify`` 核验: recompute everything the ledger claims, in one pass over the stored log.

For every stored event, in application order (position 0, 1, 2, ...; never notification ids):

1. its canonical bytes are hashed into the RFC 9162 Merkle tree (an O(log n) frontier);
2. it decodes to a ledger event (a topic outside ``ledger.`` is refused, never imported);
3. if a seal announced it, its leaf hash matches the seal's mark, its actor is the signer, and
   once the run is complete the digest matches what the signer signed;
4. otherwise it is *unsigned*: a failure if its actor had a key in force (or always, with
   ``require_signatures``);
5. its provenance names a registered, active officer, in the role that officer had at that
   point, and ``ledger.authority`` lets that role record that event;
6. each seal's Ed25519 signature verifies against the key registered for its signer at that
   point (officer events are replayed as the log is read);
7. for each checkpoint given, its signature verifies with a log key the ledger registered (or
   one the inspector pinned) and the root of the first ``size`` leaves equals its root: the
   ledger is an append-only extension of what the checkpoint saw.

Problems are sorted by position; the first is the first bad position.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

from ledger.authority import roles_recording
from ledger.base import Provenance, natural_id
from ledger.keys import parse_public_key, signature_valid
from ledger.merkle import EMPTY_ROOT, leaf_hash, node_hash
from ledger.sealing import MARK_SIZE, canonical_bytes, seal_message
from ledger.transparency import Checkpoint, stored_events

__all__ = ["Frontier", "Problem", "Verifier", "VerifyReport", "event_label", "verify_ledger"]

#: Problems kept in full; the rest are only counted.
_KEEP = 50
_SUSPECTS = 10


@dataclass(frozen=True, order=True)
class Problem:
    """One failed check: where (position in the log; -1 for a checkpoint file), what, why."""

    position: int
    event: str
    reason: str


@dataclass
class VerifyReport:
    """What ``Verifier`` checked and what it found."""

    size: int = 0
    root: bytes = EMPTY_ROOT
    seals: int = 0
    signed: int = 0
    unsigned: int = 0
    checkpoints: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


class Frontier:
    """The roots of the perfect subtrees over the leaves so far: the root of every prefix of a
    stream in O(log n) memory (``ledger.merkle.root_of`` keeps the same stack, but only
    answers at the end; a verifier needs the roots at each checkpoint's size on the way)."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[bytes] = []

    def push(self, h: bytes) -> None:
        size = self.size
        while size & 1:
            h = node_hash(self._stack.pop(), h)
            size >>= 1
        self._stack.append(h)
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        root = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            root = node_hash(left, root)
        return root


def event_label(notification: Notification) -> str:
    """``Household.VisitRecorded 3f2…-… v4``: what an inspector looks up with ``fupin log``."""
    name = notification.topic.rsplit(":", 1)[-1]
    return f"{name} {notification.originator_id} v{notification.originator_version}"


@dataclass
class _Officer:
    role: str
    active: bool = True
    key_id: str = ""
    public_key: str = ""


@dataclass
class _Span:
    """The run a seal announced, as it is being read."""

    position: int
    signer: str
    count: int
    digest: bytes
    marks: bytes
    seen: int = 0
    marked: bool = False  # a mark mismatch was already reported
    hasher: Any = field(default_factory=hashlib.sha256)


class Verifier:
    """Reads the log once, front to back, checking every event (see the module docstring)."""

    def __init__(
        self,
        mapper: Mapper[UUID],
        checkpoints: Iterable[tuple[str, Checkpoint]] = (),
        *,
        require_signatures: bool = False,
        trusted_log_keys: Iterable[str] = (),
    ) -> None:
        self.mapper = mapper
        self.require_signatures = require_signatures
        self.trusted_log_keys = set(trusted_log_keys)
        self.report = VerifyReport()
        # A checkpoint whose signature fails says nothing about the ledger: refuse the file,
        # and do not compare the ledger with it.
        self.given: list[tuple[str, Checkpoint]] = []
        for name, checkpoint in sorted(checkpoints, key=lambda item: item[1].size):
            if checkpoint.signature_valid():
                self.given.append((name, checkpoint))
            else:
                self._problem(-1, f"checkpoint {name}", "its signature does not verify")
        self.checkpoints = list(self.given)  # those whose size is not reached yet
        self.report.checkpoints = [c.size for _, c in self.given]
        self.frontier = Frontier()
        self.officers: dict[str, _Officer] = {}
        self.officer_ids: dict[UUID | str, str] = {}
        self.log_keys: set[str] = set()
        self.span: _Span | None = None
        self.suspects: list[int] = []

    def run(
        self, log: Iterable[Notification], progress: Callable[[int], None] | None = None
    ) -> VerifyReport:
        rows = iter(log)
        position = 0
        while True:
            try:
                notification = next(rows, None)
            except Exception as exc:  # a row the recorder itself cannot read (e.g. a bad id)
                self._problem(self.frontier.size, "(unreadable row)", _one_line(exc))
                break
            if notification is None:
                break
            self.check(position, notification)
            position += 1
            if progress is not None and position % 1000 == 0:
                progress(1000)
        if progress is not None:
            progress(self.frontier.size % 1000)
        return self.finish()

    # -- per event ---------------------------------------------------------------------------

    def check(self, position: int, notification: Notification) -> None:
        label = event_label(notification)
        if not isinstance(notification.state, bytes):  # e.g. rewritten as TEXT in SQLite
            self._problem(position, label, "its stored state is not bytes")
            notification = replace(notification, state=str(notification.state).encode())
        h = leaf_hash(canonical_bytes(notification))
        self.frontier.push(h)
        event = self._decode(position, label, notification)
        is_seal = notification.topic == "ledger.sealing:Seal.Sealed" and event is not None
        if self.span is not None and is_seal:
            self._close_short(position, label)
        if self.span is not None:
            self._take(position, label, h, event)
        elif not is_seal:
            self._unsigned(position, label, event)
        if event is not None:
            try:
                if is_seal:
                    self._open(position, label, event, notification)
                else:
                    self._check_role(position, label, event)
                    self._apply(notification.originator_id, event)
            except (AttributeError, TypeError, ValueError) as exc:  # fields missing or mistyped
                self._problem(position, label, f"malformed event ({type(exc).__name__}: {exc})")
        self._check_checkpoints_at(self.frontier.size)

    def _decode(
        self, position: int, label: str, notification: Notification
    ) -> DomainEventProtocol[UUID] | None:
        if not notification.topic.startswith("ledger."):
            self._problem(position, label, f"topic {notification.topic!r} is not a ledger event")
            return None
        try:
            event = self.mapper.to_domain_event(notification)
        except Exception as exc:  # any corruption of the stored bytes lands here
            self._problem(position, label, f"cannot be decoded ({type(exc).__name__})")
            return None
        if not isinstance(getattr(event, "prov", None), Provenance):
            self._problem(position, label, "carries no provenance")
            return None
        if self.mapper.to_stored_event(event).state != notification.state:
            # Same values, other bytes (spacing, key order, escapes): not what was written.
            self._problem(position, label, "its stored bytes are not the canonical encoding")
        return event

    def _open(self, position: int, label: str, seal: Any, notification: Notification) -> None:
        self.report.seals += 1
        self.span = None
        if not (isinstance(seal.count, int) and isinstance(seal.signer, str)):
            raise TypeError("seal count or signer of the wrong type")
        digest = bytes.fromhex(seal.digest)
        marks = bytes.fromhex(seal.marks)
        signature = bytes.fromhex(seal.signature)
        self.span = _Span(position, seal.signer, seal.count, digest, marks)
        reason = self._seal_fault(seal, digest, marks, signature)
        if not reason and (
            notification.originator_id != natural_id("seal", seal.digest)
            or notification.originator_version != 1
        ):
            reason = "a seal's id and version must follow from its digest (uuid5, version 1)"
        if reason:
            self._problem(position, label, reason)

    def _seal_fault(self, seal: Any, digest: bytes, marks: bytes, signature: bytes) -> str:
        officer = self.officers.get(seal.signer)
        if seal.prov.actor != seal.signer:
            return f"seal by {seal.signer} recorded as {seal.prov.actor}"
        if officer is None or not officer.active:
            return f"seal by {seal.signer}, who is not an active officer"
        if seal.count < 1 or len(seal.marks) != 2 * MARK_SIZE * seal.count:
            return "seal covers no events or its marks do not match its count"
        if not officer.key_id:
            return f"signed with key {seal.key_id}, but {seal.signer} had no key registered"
        if seal.key_id != officer.key_id:
            return f"signed with key {seal.key_id}; {seal.signer}'s key was {officer.key_id}"
        if seal.originator_topic != "ledger.sealing:Seal":
            return "not a seal aggregate"
        message = seal_message(
            seal.signer,
            seal.key_id,
            seal.count,
            digest,
            marks,
            seal.timestamp.isoformat(),
            seal.prov,
        )
        if not signature_valid(parse_public_key(officer.public_key), signature, message):
            return f"the signature of {seal.signer} does not verify"
        return ""

    def _take(self, position: int, label: str, h: bytes, event: Any) -> None:
        span = self.span
        assert span is not None
        index = span.seen
        span.hasher.update(h)
        span.seen += 1
        self.report.signed += 1
        mark = span.marks[index * MARK_SIZE : (index + 1) * MARK_SIZE]
        if mark != h[:MARK_SIZE] and not span.marked:
            span.marked = True
            self._problem(
                position,
                label,
                f"differs from what {span.signer} signed (seal at position {span.position})",
            )
        elif event is not None and event.prov.actor != span.signer:
            self._problem(
                position,
                label,
                f"recorded by {event.prov.actor} inside a save "
                f"signed by {span.signer} (seal at position {span.position})",
            )
        if span.seen == span.count:
            if span.hasher.digest() != span.digest and not span.marked:
                self._problem(span.position, "seal", "the events after it do not match its digest")
            self.span = None

    def _close_short(self, position: int, label: str) -> None:
        span = self.span
        assert span is not None
        self._problem(
            position,
            label,
            f"the save sealed at position {span.position} ends "
            f"after {span.seen} of its {span.count} events",
        )
        self.span = None

    def _unsigned(self, position: int, label: str, event: Any) -> None:
        self.report.unsigned += 1
        if len(self.suspects) < _SUSPECTS:
            self.suspects.append(position)
        actor = event.prov.actor if event is not None else ""
        officer = self.officers.get(actor)
        if officer is not None and officer.key_id:
            self._problem(
                position,
                label,
                f"unsigned, but {actor}'s key {officer.key_id} "
                "was in force (a seal was removed or never made)",
            )
        elif self.require_signatures:
            self._problem(position, label, "unsigned (--require-signatures)")

    def _check_role(self, position: int, label: str, event: Any) -> None:
        prov: Provenance = event.prov
        name = type(event).__name__
        if self._first_admin(name, event):
            return
        officer = self.officers.get(prov.actor)
        roles = roles_recording(name)
        if officer is None or not officer.active:
            reason = f"{prov.actor} was not an active officer"
        elif prov.role != officer.role:
            reason = f"recorded as {prov.role}, but {prov.actor} was {officer.role}"
        elif roles is None:
            reason = f"no permission rule covers {name} (ledger.authority.EVENT_COMMANDS)"
        elif officer.role not in roles:
            reason = f"{prov.actor} is {officer.role}; {name} needs {' or '.join(sorted(roles))}"
        else:
            return
        self._problem(position, label, reason)

    def _first_admin(self, name: str, event: Any) -> bool:
        """The ledger's first event: the first admin registers themself (``fupin init``)."""
        prov: Provenance = event.prov
        return (
            name == "OfficerRegistered"
            and not self.officers
            and prov.actor == event.officer_id
            and event.role == prov.role == "admin"
        )

    def _apply(self, originator: UUID | str, event: Any) -> None:
        name = type(event).__name__
        if name == "OfficerRegistered":
            self.officer_ids[originator] = event.officer_id
            self.officers[event.officer_id] = _Officer(event.role)
            return
        if name in ("LogKeyRegistered", "LogKeyRotated"):
            self.log_keys.add(event.key_id)
            return
        officer = self.officers.get(self.officer_ids.get(originator, ""))
        if officer is None:
            return
        if name == "OfficerRoleChanged":
            officer.role = event.role
        elif name == "OfficerRetired":
            officer.active = False
        elif name == "SigningKeyRegistered":
            officer.key_id, officer.public_key = event.key_id, event.public_key
        elif name == "SigningKeyRevoked":
            officer.key_id, officer.public_key = "", ""

    # -- checkpoints and the end -------------------------------------------------------------

    def _check_checkpoints_at(self, size: int) -> None:
        while self.checkpoints and self.checkpoints[0][1].size == size:
            name, checkpoint = self.checkpoints.pop(0)
            if self.frontier.root() != checkpoint.root_bytes:
                self._problem(size - 1, f"checkpoint {name}", self._root_mismatch(size))

    def _root_mismatch(self, size: int) -> str:
        where = ", ".join(str(p) for p in self.suspects if p < size)
        hint = f"; every signed event verified, so look at unsigned positions {where}"
        return f"the first {size} events do not hash to its root" + (hint if where else "")

    def _check_checkpoint_files(self) -> None:
        for name, checkpoint in self.given:
            if checkpoint.key_id not in self.log_keys | self.trusted_log_keys:
                self._problem(-1, f"checkpoint {name}", f"key {checkpoint.key_id} is not a log key")

    def finish(self) -> VerifyReport:
        size = self.frontier.size
        if self.span is not None:
            span = self.span
            self._problem(
                size,
                "(end of the ledger)",
                f"it ends after {span.seen} of the {span.count} events sealed at position "
                f"{span.position} (truncated)",
            )
        for name, checkpoint in self.checkpoints:  # sizes never reached
            self._problem(
                size,
                f"checkpoint {name}",
                f"it covers {checkpoint.size} events; "
                f"the ledger has only {size} (events were removed)",
            )
        self._check_checkpoint_files()
        self.report.size = size
        self.report.root = self.frontier.root()
        # Positions in the ledger first, then the checkpoint files (-1): a file's key that the
        # ledger no longer lists is a consequence of the first bad position, not its cause.
        self.report.problems.sort(key=lambda p: (p.position < 0, p))
        return self.report

    def _problem(self, position: int, event: str, reason: str) -> None:
        self.report.problem_count += 1
        if len(self.report.problems) < _KEEP:
            self.report.problems.append(Problem(position, event, reason))


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"the store cannot read the next row: {type(exc).__name__}: {text[0] if text else ''}"


def verify_ledger(
    recorder: ApplicationRecorder,
    mapper: Mapper[UUID],
    checkpoints: Iterable[tuple[str, Checkpoint]] = (),
    *,
    require_signatures: bool = False,
    trusted_log_keys: Iterable[str] = (),
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Check the whole stored log (see the module docstring) and report what was found."""
    verifier = Verifier(
        mapper,
        checkpoints,
        require_signatures=require_signatures,
        trusted_log_keys=trusted_log_keys,
    )
    return verifier.run(stored_events(recorder), progress)
