"""The ledger as a transparency log 透明日志: signing keys, the log key and signed checkpoints.

The stored events, in application order, are the leaves of an RFC 9162 Merkle tree (leaf
bytes: ``ledger.sealing.canonical_bytes``; leaf index: the position in that order, never a
notification id). A *checkpoint* is a signed tree head — size, root, time — signed by the
district's log key; an inspector keeps the file, and the ledger records it too
(``CheckpointRecorded``). The signed text (pinned, version 1) is::

    <origin>
    <size>
    <root, standard base64>
    <time, ISO 8601 UTC>

each line ending in a newline. The origin names the log: ``fupin-jianghai``, or for a store
rebuilt by ``import --create``, its own (``log_origin``, since session 25). Commands here
take the application (``LedgerCore``) as their first argument, authorise the actor like every
other command, and save one event alone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.domain import event
from eventsourcing.persistence import ApplicationRecorder, Notification, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder

from ledger import clock
from ledger.base import LedgerAggregate, Provenance, natural_id
from ledger.core import LedgerCore, Stamp
from ledger.errors import InputError, LedgerError, RuleError
from ledger.keys import key_id, parse_public_key, public_key_text, signature_valid
from ledger.known import first_entry_time, known_prefix
from ledger.merkle import HASH_SIZE, leaf_hash, root_of, roots_of
from ledger.officers import CARRIED_REVOCATION, Officer
from ledger.rows import select_in, whole_log
from ledger.sealing import canonical_bytes
from ledger.values import CHINA, check_says, china_and_utc, quoted

__all__ = [
    "CHECKPOINT_VERSION",
    "ERASURE_TOPIC",
    "EXPORT_INITIALISED",
    "LARGEST_SIZE",
    "LOG_KEY_COLUMNS",
    "LOG_KEY_TOPICS",
    "LOG_NAME",
    "OFFICER_KEY_COLUMNS",
    "OWN_ORIGIN_SINCE",
    "Checkpoint",
    "LogKeyChange",
    "TransparencyLog",
    "check_other_admin",
    "checkpoint_note",
    "erased_households",
    "event_bytes",
    "key_holder_fault",
    "key_in_force_fault",
    "key_records",
    "log_history",
    "log_key_change",
    "log_origin",
    "move_origin",
    "moved_at",
    "moved_on",
    "numbered_rows",
    "origin_fault",
    "origin_fault_in",
    "pinned_log_key",
    "prefix_root",
    "record_checkpoint",
    "recorded_checkpoints",
    "recorded_origin",
    "recorded_signed",
    "recorded_with_keys",
    "register_log_key",
    "register_signing_key",
    "revoke_signing_key",
    "stale_head",
    "store_origin",
    "stored_events",
    "stored_rows",
]

#: The origin of the district's log: the first line of every checkpoint's signed note. A
#: ledger rebuilt by ``import --create`` is another log, signed under an origin of its own
#: (``log_origin``, since session 25). The log's aggregate keeps this name's id in every store.
LOG_NAME = "fupin-jianghai"
#: Since when a moved ledger signs its checkpoints under its own origin (session 25; the
#: verifiable-logs expert: a forged log rebuilt from an edited export signed checkpoints
#: indistinguishable from the real log's). One it recorded signed under ``LOG_NAME``, as a
#: fupin of before then signed it, is a note in ``fupin verify`` whenever recorded (since
#: session 32, tester f: from session 25 to 31 one recorded since this day was a problem, but a
#: fupin not yet upgraded kept signing so after it, and whoever builds a store sets its clock,
#: so a recording time told nothing); ``prove`` issues no bundle from one (a bundle would pass
#: as the district's log), and a checkpoint of ``LOG_NAME`` this store did not record is
#: another log's.
OWN_ORIGIN_SINCE = datetime(2026, 12, 2, tzinfo=CHINA)
CHECKPOINT_VERSION = 1
_PAGE = 2_000

#: One stored event as the store keeps it: (originator id, version, topic, state). The id is a
#: ``UUID`` (PostgreSQL) or its 32 hex digits (SQLite); nothing in the row is checked here.
StoredRow = tuple[Any, Any, Any, Any]
#: A stored row with the store's own id for it first (SQLite's rowid, PostgreSQL's
#: notification id), as ``fupin log`` numbers events.
NumberedRow = tuple[int, Any, Any, Any, Any]


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head as the JSON file an inspector keeps."""

    version: int
    log: str
    size: int
    root: str  # hex
    time: str  # ISO 8601, UTC
    key_id: str
    public_key: str  # base64 of the raw Ed25519 key
    signature: str  # base64

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint:
        """Parse a checkpoint file's JSON, refusing anything malformed: an ``InputError`` on
        field ``checkpoint`` whose rule names the checkpoint's field and what it must be."""
        problem = _checkpoint_problem(data)
        if problem is not None:
            raise InputError("checkpoint", problem)
        return cls(**data)

    @property
    def root_bytes(self) -> bytes:
        return bytes.fromhex(self.root)

    def signature_valid(self) -> bool:
        """Whether the signature is the embedded public key's over the pinned note. Never
        raises: a checkpoint with a malformed field (made without ``from_json``) is not
        validly signed."""
        return self.signature_fault() is None

    def signature_fault(self) -> str | None:
        """Why the signature proves nothing, naming the rule (since session 28, tester D: a
        public key of small order was said to be a signature that does not verify); None when
        it is the embedded public key's over the pinned note. Never raises."""
        problem = _checkpoint_problem(asdict(self))
        if problem is not None:
            return problem
        try:
            public = parse_public_key(self.public_key)
        except InputError as exc:  # a point of small order: it proves nothing
            why = exc.rule.removeprefix("not a usable public key: ")
            return f"its public_key is {why}: not a usable public key (docs/audit-guide.md §1)"
        signature = base64.b64decode(self.signature, validate=True)
        note = checkpoint_note(self.log, self.size, self.root_bytes, self.time)
        if key_id(public) == self.key_id and signature_valid(public, signature, note):
            return None
        return "its signature does not verify"  # a key id not its key's too, as before


#: A checkpoint's size is below this (since session 28, re-tester N: any whole number was
#: read): a position in the log is a signed 64-bit integer, as the stores keep it;
#: ``tools/verify_bundle.py`` copies it (a test checks both agree).
LARGEST_SIZE = 2**63

#: The fields of a version 1 checkpoint file, in their order.
CHECKPOINT_FIELDS = tuple(f.name for f in fields(Checkpoint))

#: The origin of a ledger rebuilt by ``import --create`` (``log_origin``).
_MOVED_ORIGIN = re.compile(re.escape(LOG_NAME) + r"/[0-9a-f]{16}")
_HEX_ROOT = re.compile(f"[0-9a-fA-F]{{{2 * HASH_SIZE}}}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_ANY_CASE_KEY_ID = re.compile(r"[0-9a-fA-F]{16}")


def _base64_of(value: str, size: int) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == size
    except (binascii.Error, ValueError):
        return False


def _iso_time(value: str) -> bool:
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


#: Each field of a checkpoint file: (its type, what else it must satisfy, the rule).
_CHECKPOINT_RULES: dict[str, tuple[type, Callable[[Any], bool], str]] = {
    "version": (int, lambda v: v == CHECKPOINT_VERSION, f"{CHECKPOINT_VERSION}"),
    "log": (
        str,
        lambda v: v == LOG_NAME or bool(_MOVED_ORIGIN.fullmatch(v)),
        f"{LOG_NAME}, or {LOG_NAME}/ and 16 lower-case hex digits (a ledger rebuilt by "
        "import --create)",
    ),
    "size": (
        int,
        lambda v: 1 <= v < LARGEST_SIZE,
        "at least 1 and below 2^63 (the number of events it covers)",
    ),
    "root": (
        str,
        lambda v: bool(_HEX_ROOT.fullmatch(v)),
        f"{2 * HASH_SIZE} hex digits (the Merkle root)",
    ),
    "time": (
        str,
        _iso_time,
        "an ISO 8601 time with its UTC offset (2018-12-31T09:00:00+00:00)",
    ),
    "key_id": (str, lambda v: bool(_KEY_ID.fullmatch(v)), "16 hex digits in lower case"),
    "public_key": (
        str,
        lambda v: _base64_of(v, 32),
        "base64 of the 32 bytes of an Ed25519 public key",
    ),
    "signature": (
        str,
        lambda v: _base64_of(v, 64),
        "base64 of the 64 bytes of an Ed25519 signature",
    ),
}


_KIND_NAMES = {int: "a whole number", str: "text"}


def _shown(value: Any) -> str:
    """A value of the file as JSON writes it, cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    text = text if len(text) <= 60 else text[:59] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")  # a lone surrogate shown


def _checkpoint_problem(data: Any) -> str | None:
    """What is wrong with a checkpoint file's JSON, naming the field and the rule; None when
    every field is as a version 1 checkpoint has it."""
    expected = f"a version {CHECKPOINT_VERSION} checkpoint has {', '.join(CHECKPOINT_FIELDS)}"
    if not isinstance(data, dict):
        return f"not a checkpoint: a JSON object was expected ({expected}), not {_shown(data)}"
    if "version" in data and not _field_valid("version", data["version"]):
        version = _shown(data["version"])
        return f"not a version {CHECKPOINT_VERSION} checkpoint: its version is {version}"
    missing = [name for name in CHECKPOINT_FIELDS if name not in data]
    if missing:
        return f"{_fields(missing)} missing ({expected})"
    unknown = sorted(str(name) for name in data if name not in _CHECKPOINT_RULES)
    if unknown:
        return f"{_fields(unknown)} not a checkpoint's ({expected})"
    for name in CHECKPOINT_FIELDS:
        if not _field_valid(name, data[name]):
            kind, _, rule = _CHECKPOINT_RULES[name]
            what = rule if name == "log" else f"{_KIND_NAMES[kind]}, {rule}"
            value = data[name]
            # a log's name quoted visibly: a blank, newline or zero-width space shown escaped
            shown = quoted(value) if name == "log" and type(value) is str else _shown(value)
            return f"its {name} must be {what}, not {shown}"
    return None


def _fields(names: list[str]) -> str:
    """``its field log is`` / ``its fields log, size are``."""
    return f"its field {names[0]} is" if len(names) == 1 else f"its fields {', '.join(names)} are"


def _field_valid(name: str, value: Any) -> bool:
    kind, valid, _ = _CHECKPOINT_RULES[name]
    # a JSON true is an int to Python, never to a checkpoint
    return isinstance(value, kind) and not isinstance(value, bool) and valid(value)


def pinned_log_key(text: str) -> str:
    """A log key pinned out of band (``--log-key``), as the key id checkpoints name: a key id
    in any case, or the public key (base64 of its 32 bytes, as ``fupin keys new`` and
    ``keys register-log`` print it), which becomes its key id. Anything else is refused."""
    given = text.strip()
    if _ANY_CASE_KEY_ID.fullmatch(given):
        return given.lower()
    if _base64_of(given, 32):
        try:
            return key_id(parse_public_key(given))
        except InputError as exc:  # a point of small order: no key at all
            raise InputError("log-key", f"{_shown(text)}: {exc.rule}") from None
    raise InputError(
        "log-key",
        f"{_shown(text)} is neither a key id (16 hex digits) nor a public key (base64 of 32 "
        "bytes), as `fupin keys new` prints them",
    )


def checkpoint_note(log: str, size: int, root: bytes, time: str) -> bytes:
    """The exact bytes the log key signs (version 1)."""
    return f"{log}\n{size}\n{base64.b64encode(root).decode()}\n{time}\n".encode()


class TransparencyLog(LedgerAggregate):
    """The district's log: its key and the checkpoints it signed 检查点."""

    @staticmethod
    def create_id(log: str) -> UUID:
        return natural_id("log", log)

    @event("LogKeyRegistered")
    def __init__(self, log: str, key_id: str, public_key: str, prov: Provenance) -> None:
        self.log = log
        self.key_id = key_id
        self.public_key = public_key
        self.keys_held: tuple[str, ...] = (key_id,)  # every log key, this one last
        self.key_on: date | None = prov.effective  # the log key in force's registration

    def replace_key(self, key: str, public_key: str, prov: Provenance) -> None:
        """Rotate the log key, not dated before the key it replaces was registered (since
        session 24: a rotation was taken dated years before)."""
        if key == self.key_id:
            raise RuleError("key", f"{key} is already the log key")
        self.check_not_before(
            prov.effective,
            getattr(self, "key_on", None),
            f"the log key {self.key_id}, which it replaces, was registered",
        )
        self._log_key_replaced(key, public_key, prov)

    @event("LogKeyRotated")
    def _log_key_replaced(self, key_id: str, public_key: str, prov: Provenance) -> None:
        self.key_id = key_id
        self.public_key = public_key
        self.keys_held = (*self.keys_held, key_id)
        self.key_on = prov.effective

    def record(self, checkpoint: Checkpoint, prov: Provenance) -> None:
        """Record a checkpoint signed by the log key in force, not dated before that key was
        registered (since session 24)."""
        if checkpoint.key_id != self.key_id:
            raise RuleError("key", f"checkpoints are signed by the log key {self.key_id}")
        self.check_not_before(
            prov.effective,
            getattr(self, "key_on", None),
            f"the log key {self.key_id}, which signs it, was registered",
        )
        self._checkpoint_recorded(
            checkpoint.size, checkpoint.root, checkpoint.time, checkpoint.signature, prov
        )

    @event("CheckpointRecorded")
    def _checkpoint_recorded(
        self, size: int, root: str, time: str, signature: str, prov: Provenance
    ) -> None:
        self.size = size


#: The topics of the events that make a key the log key: its registration and each rotation.
LOG_KEY_TOPICS = frozenset(
    f"{__name__}:TransparencyLog.{name}" for name in ("LogKeyRegistered", "LogKeyRotated")
)


@dataclass(frozen=True)
class LogKeyChange:
    """A key made the log key (``LogKeyRegistered`` or ``LogKeyRotated``): where in the log
    (its position; None for one after the events the reader went through), which key, and
    when it was recorded (None when its recording time is no time: ``fupin verify`` reports
    that event)."""

    position: int | None
    key_id: str
    recorded: datetime | None


def log_key_change(event: Any, position: int | None) -> LogKeyChange:
    """The ``LogKeyChange`` of a decoded ``LogKeyRegistered`` or ``LogKeyRotated``."""
    stamp = getattr(event, "timestamp", None)
    aware = isinstance(stamp, datetime) and stamp.utcoffset() is not None
    return LogKeyChange(position, event.key_id, stamp if aware else None)


def stale_head(size: int, time: str, next_recorded: datetime | None) -> str | None:
    """Why a tree head of ``size`` events signed at ``time`` is one ``fupin checkpoint`` never
    made, when the event at position ``size`` (the one after it) was recorded at
    ``next_recorded``, more than ``clock.CLOCK_TOLERANCE`` before ``time``; None otherwise (no
    event after it, or no time known). ``fupin checkpoint`` signs the whole log as it stands:
    an older size signed later is a head signed by whoever holds the log key, passed off as of
    a later time, when the log already held more (since session 28, tester D). Its tree may
    still be the ledger's: ``fupin verify`` notes it, ``fupin prove`` proves nothing from it."""
    if next_recorded is None or next_recorded.utcoffset() is None:
        return None
    try:
        signed = datetime.fromisoformat(time)
    except (TypeError, ValueError):
        return None
    if signed.utcoffset() is None or signed <= next_recorded + clock.CLOCK_TOLERANCE:
        return None
    after = next_recorded.astimezone(UTC).isoformat()
    minutes = int(clock.CLOCK_TOLERANCE.total_seconds() // 60)
    return (
        f"it covers {size} events but is signed at {time}, more than {minutes} minutes after "
        f"the event at position {size} (the one after them) was recorded, at {after}: fupin "
        "checkpoint signs the whole log as it stands, so fupin never made it: it is an older "
        "tree head signed later by whoever holds the log key, as if the log had ended there "
        "then (docs/audit-guide.md §4)"
    )


def key_in_force_fault(
    key: str,
    size: int,
    time: str,
    changes: Sequence[LogKeyChange],
    last_recorded: datetime | None = None,
) -> str | None:
    """Why a checkpoint of ``size`` events signed by ``key`` at ``time`` does not count, given
    every change of the log key in log order (those of position None after the others); None
    when it counts. ``fupin checkpoint`` signs with the log key in force when it is made, over
    every event recorded then, and the key is rotated out only after it: so

    1. ``key`` is the log key in force at its size, the last one registered or rotated to in
       its first ``size`` events: one made before a rotation keeps the old key, one made after
       it covers the rotation and carries the new key;
    2. if ``key`` was rotated out later, the checkpoint was signed before that rotation was
       recorded. A retired key may have leaked: whoever holds it could sign an old size of a
       rewritten log. They can also date the signature before the rotation: only a checkpoint
       kept outside the ledger before the leak proves anything then (docs/audit-guide.md §6).
       The times are compared as they are, with no allowance for machines' clocks (the ledger
       allows 10 minutes, ``clock.CLOCK_TOLERANCE``): a checkpoint made on a machine whose
       clock ran ahead, minutes before another machine rotated the key, fails too.

    3. it is not signed before its key's registration was recorded, nor before the last event
       it covers (recorded at ``last_recorded``, when known), nor after now, each by more than
       ``clock.CLOCK_TOLERANCE`` (machines' clocks differ): ``fupin checkpoint`` signs at the
       time it is made, over events recorded then (since session 25: a key rotated out signed
       a checkpoint dated 2000-01-01, which passed; one dated 2126 passed too).

    ``fupin verify`` and ``fupin prove`` judge a checkpoint by these rules alike."""
    inside = [c for c in changes if c.position is not None and c.position < size]
    in_force = inside[-1].key_id if inside else ""
    if key != in_force:
        return _not_in_force(key, size, in_force, changes)
    early = _signed_too_early(key, size, time, inside[-1], last_recorded)
    if early is not None:
        return early
    retired = next((c for c in changes[len(inside) :] if c.key_id != key), None)
    if retired is None or retired.recorded is None:  # never rotated out (or when is no time)
        return None
    try:
        if datetime.fromisoformat(time) < retired.recorded:
            return None
    except (TypeError, ValueError):  # no time, or none with its offset: not signed before it
        pass
    at = f" at position {retired.position}" if retired.position is not None else ""
    return (
        f"key {key} was retired at {retired.recorded.astimezone(UTC).isoformat()} (the log key "
        f"was rotated to {retired.key_id}{at}), and this checkpoint is signed at {time}, not "
        "before: a retired key signs no checkpoint (a retired key may have leaked)"
    )


def _signed_too_early(
    key: str, size: int, time: str, became: LogKeyChange, last_recorded: datetime | None
) -> str | None:
    """Rule 3 of ``key_in_force_fault``: a checkpoint signed at ``time`` before ``key`` was
    registered (``became``), after now, or before the last of its ``size`` events was
    recorded, each by more than the clocks' tolerance (since session 25 at the registration
    and after now too)."""
    try:
        signed = datetime.fromisoformat(time)
        if signed.utcoffset() is None:
            return None  # not a time with its offset: refused as a checkpoint file's field
    except (TypeError, ValueError):
        return None
    rule = (
        "a checkpoint is signed when it is made, by a key already registered, over events "
        "already recorded (docs/audit-guide.md §5)"
    )
    at = f" at position {became.position}" if became.position is not None else ""
    minutes = int(clock.CLOCK_TOLERANCE.total_seconds() // 60)
    allowed = f"by more than the {minutes} minutes clocks may differ"
    if became.recorded is not None and signed < became.recorded - clock.CLOCK_TOLERANCE:
        return (
            f"it is signed at {time}, before its key {key} was registered{at} "
            f"({became.recorded.astimezone(UTC).isoformat()}) {allowed}: {rule}"
        )
    now = clock.now()
    if signed > now + clock.CLOCK_TOLERANCE:
        return (
            f"it is signed at {time}, after now ({now.astimezone(UTC).isoformat()}) {allowed}: "
            f"{rule}"
        )
    if last_recorded is not None and signed < last_recorded - clock.CLOCK_TOLERANCE:
        return (
            f"it is signed at {time}, before the last of the {size} events it covers was "
            f"recorded ({last_recorded.astimezone(UTC).isoformat()}, position {size - 1}) "
            f"{allowed}: {rule}"
        )
    return None


def _not_in_force(key: str, size: int, in_force: str, changes: Sequence[LogKeyChange]) -> str:
    """Why ``key`` is not ``in_force`` ("": none), the log key in force at the size."""
    said = f"key {key} is not the log key in force at the checkpoint's size {size}"
    became = next((c for c in changes if c.key_id == key), None)
    first = "later"  # after the events the reader went through
    if became is not None and became.position is not None:
        first = f"at position {became.position}"
    if not in_force:
        said += f": no log key was registered in the first {size} events"
        return said + (f" ({key} became the log key {first})" if became is not None else "")
    if became is not None and became.position is not None and became.position < size:
        since = max(c.position for c in changes if c.position is not None and c.position < size)
        return (
            f"{said}: the log key was rotated to {in_force} at position {since}, inside the "
            f"{size} events it covers; a checkpoint that covers the rotation must be signed "
            f"by {in_force} (a retired key may have leaked)"
        )
    if became is not None:
        return (
            f"{said}, which was {in_force}: {key} became the log key only {first}, after the "
            f"{size} events it covers"
        )
    return f"{said}, which was {in_force}"


def log_history(recorder: ApplicationRecorder, after: int = 0) -> Iterator[StoredEvent]:
    """The stored events of the district's log (its key changes and recorded checkpoints)
    after version ``after``, in version order: looked up by the log's id, in pages (no scan of
    the whole log)."""
    log = natural_id("log", LOG_NAME)
    while True:
        page = recorder.select_events(log, gt=after, limit=1000)
        if not page:
            return
        yield from page
        after = page[-1].originator_version


def notification_page(
    recorder: ApplicationRecorder, start: int | None, limit: int, stop: int | None = None
) -> Sequence[Notification]:
    """``limit`` stored events from ``start`` (None: the first), as ``select_notifications``
    reads them, each with a topic; a row no recorder writes (an id that is no UUID, no topic:
    tester g, session 36, an internal error of checkpoint, prove, prove-consistency, export
    and notice) is refused naming where, as `fupin verify` reports it."""
    try:
        page = recorder.select_notifications(
            start=start, limit=limit, stop=stop, inclusive_of_start=start is None
        )
    except (ValueError, TypeError) as exc:
        raise LedgerError(
            "store",
            f"a row of the log after log id {start or 0} cannot be read "
            f"({type(exc).__name__}: {exc}); nothing was done: fupin verify names it",
        ) from None
    for notification in page:
        if not isinstance(notification.topic, str) or not notification.topic:
            raise LedgerError(
                "store",
                f"the row of log id {notification.id} has no topic; nothing was done: fupin "
                "verify names it",
            )
    return page


def stored_events(recorder: ApplicationRecorder) -> Iterator[Notification]:
    """Every stored event in application order, read in pages (index = position here)."""
    start: int | None = None
    while True:
        page = notification_page(recorder, start, _PAGE)
        if not page:
            return
        yield from page
        start = page[-1].id


@contextmanager
def numbered_rows(recorder: ApplicationRecorder) -> Iterator[Iterator[NumberedRow]]:
    """Every stored event in application order as a plain row, the store's own id for it
    first (``ledger.rows.Row``), for a reader that touches each row once (``fupin verify``):
    no ``Notification`` objects and nothing converted, so a malformed row reaches the reader
    as it is stored.

    SQLite: the rows of one read transaction (a consistent snapshot; WAL lets writers go on),
    straight from the database cursor, in O(1) memory; the transaction ends with the block.
    Other stores: pages of ``select_notifications``. A store that cannot be read at all raises
    on the first row, as a row that cannot be read would."""
    if not isinstance(recorder, SQLiteApplicationRecorder):
        yield (
            (n.id, n.originator_id, n.originator_version, n.topic, n.state)
            for n in stored_events(recorder)
        )
        return
    with ExitStack() as stack:
        rows: Iterator[NumberedRow]
        try:
            rows = stack.enter_context(whole_log(recorder))
        except Exception as exc:  # the reader reports it as the first row it cannot read
            rows = _failing(exc)
        yield rows


@contextmanager
def stored_rows(recorder: ApplicationRecorder) -> Iterator[Iterator[StoredRow]]:
    """``numbered_rows`` without the store's ids (index = position here)."""
    with numbered_rows(recorder) as rows:
        yield (row[1:] for row in rows)


#: Every aggregate with an event whose predecessor (its version - 1) is missing, or stored
#: after it in the log (a version 1 needs none): a gap (an event deleted or renumbered) or
#: versions out of the log's order (an event or a whole save moved). One scan of the events'
#: primary key, each event looking its predecessor up by that key; ``{position}`` is what
#: orders the log (SQLite's rowid, PostgreSQL's notification id).
_BROKEN_VERSIONS = (
    "SELECT DISTINCT a.originator_id FROM {table} a LEFT JOIN {table} b "
    "ON b.originator_id = a.originator_id AND b.originator_version = a.originator_version - 1 "
    "WHERE a.originator_version <> 1 AND (b.originator_id IS NULL OR b.{position} > a.{position})"
)


def broken_versions(recorder: ApplicationRecorder) -> dict[bytes, tuple[int, ...]]:
    """The aggregates whose versions are not 1 to n, without a gap, in the log's order: an
    event deleted from the middle or renumbered, or stored before its predecessor (moved). By
    the 16 bytes of their id, each with every positive integer version stored for it, sorted,
    under any spelling of that id (SQLite keeps ids as text: ``ledger.verification`` reports a
    spelling other than the recorder's, and checks versions by the id it spells). Every save
    writes the next versions after the last, so no store the ledger wrote has any.

    Done by the database: one scan of the events' primary key, each event looking up its
    predecessor by that key (on SQLite ~0.4 s of CPU a million events of aggregates with a
    dozen events each, ~0.05 s when most aggregates have one); then the rows of the
    aggregates found, by that key. Memory holds only what it finds. A store that cannot
    answer gives nothing here: the rows themselves then say what is wrong."""
    table = getattr(recorder, "events_table_name", "stored_events")
    sqlite = isinstance(recorder, SQLiteApplicationRecorder)
    position = "rowid" if sqlite else "notification_id"
    mark = "?" if sqlite else "%s"
    found: dict[bytes, set[int]] = {}
    try:
        # The table's name is the recorder's own (eventsourcing checks it), never user input.
        with recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute(_BROKEN_VERSIONS.format(table=table, position=position))
            spellings: set[Any] = set()
            for row in cursor.fetchall():
                originator = _first(row)
                uid = _id_bytes(originator)
                if uid is None:  # an id that is no id: the row stream reports it
                    continue
                found[uid] = set()
                # the id as the recorder writes it too: a respelled event is checked with the
                # events of its aggregate
                spellings.update((originator, UUID(bytes=uid).hex if sqlite else UUID(bytes=uid)))
            ids = sorted(spellings, key=str)
            head = f"SELECT originator_id, originator_version FROM {table} WHERE originator_id"
            for row in select_in(cursor, head, ids, mark):
                originator, version = row.values() if isinstance(row, dict) else row
                uid = _id_bytes(originator)
                if uid in found and type(version) is int and version > 0:
                    found[uid].add(version)
    except Exception:  # the row stream reports a store that cannot be read
        return {}
    return {uid: tuple(sorted(versions)) for uid, versions in found.items()}


def _first(row: Any) -> Any:
    return next(iter(row.values())) if isinstance(row, dict) else row[0]


def _id_bytes(originator: Any) -> bytes | None:
    """The 16 bytes of a stored id, whatever its spelling; None for no id."""
    try:
        return originator.bytes if isinstance(originator, UUID) else UUID(str(originator)).bytes
    except (TypeError, ValueError):
        return None


#: The topic of an erasure (``Household.PersonalDataErased``), as every recorder stores it.
ERASURE_TOPIC = "ledger.household:Household.PersonalDataErased"


def erased_households(
    recorder: ApplicationRecorder, among: Iterable[str] | None = None
) -> set[str]:
    """The households (``str(UUID)``, as the key table names them) with a stored
    ``PersonalDataErased`` event: one scan of the events by topic, done by the database, that
    reads only the ids (erasures are few; nothing is decoded). With ``among``: only those
    households, looked up by the events' primary key. Unlike ``broken_versions`` a store that
    cannot answer raises: saying "nothing was erased" could hide a tampered key table."""
    table = getattr(recorder, "events_table_name", "stored_events")
    sqlite = isinstance(recorder, SQLiteApplicationRecorder)
    mark = "?" if sqlite else "%s"
    statement = f"SELECT originator_id FROM {table} WHERE topic = {mark}"
    found: set[str] = set()

    def collect(rows: list[Any]) -> None:
        for row in rows:
            originator = _first(row)
            try:
                found.add(str(originator if isinstance(originator, UUID) else UUID(originator)))
            except (TypeError, ValueError):  # an id that is no id: the row stream reports it
                continue

    # The table's name is the recorder's own (eventsourcing checks it), never user input.
    with recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        if among is None:
            cursor.execute(statement, (ERASURE_TOPIC,))
            collect(cursor.fetchall())
            return found
        ids = [UUID(hid).hex if sqlite else UUID(hid) for hid in among]
        collect(
            list(select_in(cursor, f"{statement} AND originator_id", ids, mark, (ERASURE_TOPIC,)))
        )
    return found


def _failing(exc: Exception) -> Iterator[NumberedRow]:
    yield from ()
    raise exc


def _alone(app: LedgerCore, what: str) -> None:
    # A key is in force from the save after the one that registers it; keeping key events out
    # of batches makes "the save after" the same thing as "the events after" for a verifier.
    if app._batch is not None:
        raise RuleError("key", f"{what} is saved on its own, not inside a batch")


_REBUILT = "ledger.imports:ImportLedger.RebuiltFromExport"

#: The topics read to know who ever held a key: officers (their ids), their keys registered
#: and revoked, and the log key registered and rotated.
_KEY_TOPICS = (
    *(
        f"{Officer.__module__}:Officer.{name}"
        for name in ("OfficerRegistered", "SigningKeyRegistered", "SigningKeyRevoked")
    ),
    *sorted(LOG_KEY_TOPICS),
    # A ledger rebuilt from an export: the keys the old store revoked and gave holders
    # (ledger.imports.ImportLedger.record_rebuild; named, not imported: imports reads this).
    _REBUILT,
)
_LOG_HOLDER = ""  # the district's log key, among holders named by officer id


def _when(event: Any) -> str:
    """`` on 2016-08-21 by admin, recorded 2026-11-30T02:40:00+00:00``: an event's provenance
    and recording time."""
    prov = getattr(event, "prov", None)
    said = ""
    if isinstance(prov, Provenance):
        said = f" on {prov.effective.isoformat()} by {prov.actor}"
    stamp = getattr(event, "timestamp", None)
    if isinstance(stamp, datetime):
        said += f", recorded {stamp.isoformat()}"
    return said


def key_holder_fault(app: LedgerCore, kid: str, holder: str) -> str | None:
    """Why key ``kid`` may not be registered for ``holder`` (an officer id, or
    ``_LOG_HOLDER`` for the district's log key); None when it may. A public key belongs to one
    holder, ever: refused are a key ever revoked (for anyone: it may have leaked), and one
    that is or was registered for another officer or as the log key (whoever holds it could
    sign in the other's name). One scan of the events by topic (key events are few), at each
    registration."""
    officers: dict[str, str] = {}  # officer aggregate id -> officer id
    current: dict[str, str] = {}  # holder -> the key in force ("" revoked)
    held: dict[str, str] = {}  # holder of ``kid`` other than ``holder`` -> when it got it
    retired = ""  # when ``kid`` was rotated out as the log key (``holder`` the log's)
    for originator, found in app.events_by_topic(_KEY_TOPICS):
        name = type(found).__name__
        who = officers.get(str(originator), "?")
        if name == "OfficerRegistered":
            officers[str(originator)] = found.officer_id  # type: ignore[attr-defined]
            continue
        if name == "RebuiltFromExport":
            fault = _carried_fault(found, kid, holder)
            if fault is not None:
                return fault
            continue
        if name in ("LogKeyRegistered", "LogKeyRotated"):
            who = _LOG_HOLDER
        event_key = getattr(found, "key_id", "")
        if name == "SigningKeyRevoked":
            current[who] = ""
            if event_key == kid:
                reason = getattr(found, "reason", "")
                return (
                    f"key {kid} was revoked for {who} ({reason}){_when(found)}: a revoked key "
                    "may have leaked and is never registered again, for anyone; make a new key "
                    "(fupin keys new)"
                )
            continue
        if who == holder == _LOG_HOLDER and current.get(who) == kid != event_key:
            retired = _when(found)
        current[who] = event_key
        if event_key == kid and who != holder and who not in held:
            held[who] = _when(found)
    for who, when in held.items():
        now = "is" if current.get(who) == kid else "was"
        name = "the district's log key" if who == _LOG_HOLDER else f"registered for {who}"
        return (
            f"key {kid} {now} {name} (registered{when}): a public key belongs to one holder, "
            "ever (one officer, or the district's log key); make a new key (fupin keys new)"
        )
    if retired and current.get(_LOG_HOLDER) != kid:
        # Since session 24: ``keys register-log L1`` after L2 took L1 back, and the checkpoints
        # it signed then passed verify, though a key rotated out may have leaked.
        return (
            f"key {kid} was the district's log key until it was rotated out{retired}: a log "
            "key rotated out is never the log key again (it may have leaked, and would sign "
            "checkpoints again); make a new key (fupin keys new)"
        )
    return None


#: The columns of ``key_records``'s two lists (``fupin keys list``).
OFFICER_KEY_COLUMNS = ("officer", "key_id", "registered_on", "in_force", "ended")
LOG_KEY_COLUMNS = ("key_id", "registered_on", "current", "ended")


def key_records(app: LedgerCore) -> dict[str, list[dict[str, Any]]]:
    """Every signing key the ledger registered (``fupin keys list``, since session 24): each
    officer key (officer, key id, effective date of its registration, whether it is in force,
    and how it ended: ``revoked on 2016-08-21`` or ``rotated out on 2016-08-22``, "" while in
    force) and each log key (key id, registered on, whether it is the current log key, and
    ``rotated out on …``), in the order registered. One scan of the key events by topic."""
    officers: dict[str, str] = {}  # officer aggregate id -> officer id
    held: dict[str, dict[str, Any]] = {}  # holder -> the row of the key in force
    officer_keys: list[dict[str, Any]] = []
    log_keys: list[dict[str, Any]] = []
    for originator, found in app.events_by_topic(_KEY_TOPICS):
        name = type(found).__name__
        if name == "OfficerRegistered":
            officers[str(originator)] = getattr(found, "officer_id", "?")
            continue
        if name == "RebuiltFromExport":
            officer_keys.extend(_carried_rows(found, app))
            log_keys.extend(_carried_log_rows(found))
            continue
        day = _day(found)
        who = _LOG_HOLDER if name in ("LogKeyRegistered", "LogKeyRotated") else None
        holder = officers.get(str(originator), "?") if who is None else who
        before = held.pop(holder, None)
        if name == "SigningKeyRevoked":
            if before is not None:
                before.update(in_force=False, ended=f"revoked on {day}")
            continue
        if before is not None:
            ended = {"current" if who is not None else "in_force": False}
            before.update(ended, ended=f"rotated out on {day}")
        kid = getattr(found, "key_id", "?")
        if who is None:
            row = {"officer": holder, "key_id": kid, "registered_on": day, "in_force": True}
            officer_keys.append({**row, "ended": ""})
            held[holder] = officer_keys[-1]
        else:
            log_keys.append({"key_id": kid, "registered_on": day, "current": True, "ended": ""})
            held[holder] = log_keys[-1]
    # A retired officer's key signs nothing more (since the session 24 re-test: it was listed
    # as in force). Read off the officer as stored, so a retirement voided is not one.
    for holder, row in held.items():
        officer = app.stored_officer(holder) if holder != _LOG_HOLDER else None
        if officer is not None and not officer.active and row.get("in_force"):
            row.update(in_force=False, ended=f"officer retired on {_retired_on(officer)}")
    return {"officer_keys": officer_keys, "log_keys": log_keys}


def _retired_on(officer: Officer) -> str:
    """The effective date of an officer's retirement in force ("?" when not known)."""
    day = officer.entry_dates.get(getattr(officer, "retired_at", 0) or 0)
    return day.isoformat() if day is not None else "?"


def _carried_rows(rebuilt: Any, app: LedgerCore) -> list[dict[str, Any]]:
    """The officer keys the store this ledger was rebuilt from had revoked (its
    ``RebuiltFromExport``), in the order revoked, as ``key_records`` lists them (since session
    24: a move listed none, and an officer whose key was revoked there seemed never to have
    held one); then, since the session 24 re-test, the keys held there by officers retired here
    and not registered again by the move (they were listed nowhere); the day each was
    registered and revoked is not known here."""
    holders = dict(zip(rebuilt.held_keys, rebuilt.held_by, strict=True))
    ended = f"revoked {CARRIED_REVOCATION} ({moved_on(rebuilt)})"
    rows = []
    for kid in rebuilt.revoked:
        if holders.get(kid):
            row = {"officer": holders[kid], "key_id": kid, "registered_on": "", "in_force": False}
            rows.append({**row, "ended": ended})
    again = set(getattr(rebuilt, "registers", ()))
    for kid, holder in holders.items():
        if not holder or kid in rebuilt.revoked or kid in again:
            continue
        officer = app.stored_officer(holder)
        if officer is not None and not officer.active:
            row = {"officer": holder, "key_id": kid, "registered_on": "", "in_force": False}
            said = f"held {CARRIED_REVOCATION} ({moved_on(rebuilt)}); officer retired"
            rows.append({**row, "ended": said})
    return rows


def _carried_log_rows(rebuilt: Any) -> list[dict[str, Any]]:
    """The log keys the store this ledger was rebuilt from rotated out (held there by the
    district, and not the log key in force the move registered again, the first of its
    ``registers``), as ``key_records`` lists log keys (since session 24: a move listed none,
    though it listed the officer keys revoked there); the day each was registered and rotated
    out is not known here. None for a move whose record names no key registered again (no
    ``registers``: which log key was in force is not known)."""
    registers = tuple(getattr(rebuilt, "registers", ()))
    if not registers:
        return []
    ended = f"rotated out {CARRIED_REVOCATION} ({moved_on(rebuilt)})"
    return [
        {"key_id": kid, "registered_on": "", "current": False, "ended": ended}
        for kid, holder in zip(rebuilt.held_keys, rebuilt.held_by, strict=True)
        if holder == _LOG_HOLDER and kid not in registers
    ]


def _day(event: Any) -> str:
    """An event's effective date as text ("?" when its provenance has none)."""
    prov = getattr(event, "prov", None)
    return prov.effective.isoformat() if isinstance(prov, Provenance) else "?"


def _carried_fault(rebuilt: Any, kid: str, holder: str) -> str | None:
    """Why key ``kid`` may not be registered for ``holder`` by what the store this ledger was
    rebuilt from knew of it (``key_holder_fault``; since session 23)."""
    came = f"in the store this ledger was rebuilt from ({moved_on(rebuilt)})"
    if kid in rebuilt.revoked:
        return (
            f"key {kid} was revoked {came}: a revoked key may have leaked and is never "
            "registered again, for anyone; make a new key (fupin keys new)"
        )
    registers = tuple(getattr(rebuilt, "registers", ()))
    for held, who in zip(rebuilt.held_keys, rebuilt.held_by, strict=True):
        if held == kid and who != holder:
            name = "the district's log key" if who == _LOG_HOLDER else f"registered for {who}"
            return (
                f"key {kid} was {name} {came}: a public key belongs to one holder, ever (one "
                "officer, or the district's log key); make a new key (fupin keys new)"
            )
        if held == kid and who == holder == _LOG_HOLDER and registers and kid not in registers:
            # Since session 24: the move registers again only the log key in force at the
            # export (first of ``registers``); a log key held there and not registered again
            # was rotated out there, and ``keys register-log`` took it back after the move.
            return (
                f"key {kid} was the district's log key {came} until it was rotated out there: "
                "a log key rotated out is never the log key again (it may have leaked, and "
                "would sign checkpoints again); make a new key (fupin keys new)"
            )
    return None


#: An import's batch, by topic (the register's, ``ledger.imports``; named, not imported).
_BATCHES = (
    "ledger.imports:ImportLedger.BatchRecorded",
    "ledger.imports:ImportLedger.BatchImported",
)
#: The ref of an export's first row (its ``initialise``): an officer's registration, version 1.
EXPORT_INITIALISED = re.compile(r"officer:[^@]+@1")


def moved_on(rebuilt: Any, at: datetime | None = None) -> str:
    """``import --create on 2026-12-01``: a move, by its ``RebuiltFromExport``, dated by the
    day it was run (its recording day in China, as every other day these messages give;
    since session 29, tester of session 28: the UTC day, one short for a move run after 16:00
    UTC), as every message naming a move says it (since session 23: one said the export's last
    effective day, which its records are dated by, and another the recording day). ``at``:
    the time the message names the move by, when not its record's (``_Replay.first``)."""
    stamp = at if at is not None else getattr(rebuilt, "timestamp", None)
    day = stamp.astimezone(CHINA).date().isoformat() if isinstance(stamp, datetime) else "?"
    return f"import --create on {day}"


def _move_record(app: LedgerCore) -> Any:
    """The record of the move this ledger was rebuilt by (its ``RebuiltFromExport``, or for a
    move made before that record, its first import starting with an export's ``initialise``),
    None if it was not."""
    return _move_record_in(app.recorder, app.mapper)


def _move_record_in(recorder: ApplicationRecorder, mapper: Any) -> Any:
    """``_move_record`` of a store read by its recorder and mapper."""
    event: Any = _first_of(recorder, mapper, [_REBUILT])
    if event is None:
        event = _first_of(recorder, mapper, _BATCHES)
        refs = getattr(event, "refs", ())
        if not refs or not EXPORT_INITIALISED.fullmatch(str(refs[0])):
            return None
    return event


def _first_of(recorder: ApplicationRecorder, mapper: Any, topics: Sequence[str]) -> Any:
    """The event of one of ``topics`` stored first (None: none is)."""
    found = recorder.select_notifications(start=None, limit=1, topics=topics)
    return mapper.to_domain_event(found[0]) if found else None


@dataclass(frozen=True)
class _Replay:
    """How a move (``record``: ``_move_record``, recorded at ``moved``) recorded the entries
    it replayed: at ``first``, the time its first entry carries, to ``last``, its import's
    batch record's, in the same save (one time since an import is recorded at its save,
    1a4b93e; an older one stamped each row as it ran). Every entry the move replayed carries a
    time of these, before ``moved`` (by ~1 s on the demo, more for a long export: tester h,
    session 32, F3), not its own."""

    record: Any
    moved: datetime
    first: datetime
    last: datetime

    def at(self) -> str:
        """When the move recorded what it replayed, as messages say it."""
        if self.first == self.last:
            return f"at {china_and_utc(self.first)}"
        return f"from {china_and_utc(self.first)} to {china_and_utc(self.last)}"


def _replay(app: LedgerCore) -> _Replay | None:
    """The move this ledger was rebuilt by, and when it recorded the entries it replayed
    (``_Replay``); None if it was not moved."""
    record = _move_record(app)
    moved = getattr(record, "timestamp", None)
    if not isinstance(moved, datetime):
        return None
    batch = getattr(_first_of(app.recorder, app.mapper, _BATCHES), "timestamp", None)
    last = batch if isinstance(batch, datetime) else moved
    first = first_entry_time(app.recorder) or last
    return _Replay(record, moved, min(first, last), last)


def move_origin(first_batch: bytes) -> str:
    """The origin of the log a move started: ``fupin-jianghai/`` and the first 16 hex digits
    of the SHA-256 of the move's first batch as stored (its state: the export's SHA-256, its
    first rows and the time the move recorded it), so that an export edited and imported
    again is another log, and so is the same export moved twice (since session 25: the
    re-tester's a.db and b.db, one export moved twice, were both
    ``fupin-jianghai/72a8a93aeedccefa``, and a checkpoint of one was judged against the
    other), whose checkpoints no inspector takes for the district's or each other's."""
    return f"{LOG_NAME}/{hashlib.sha256(first_batch).hexdigest()[:16]}"


def log_origin(app: LedgerCore) -> str:
    """The origin this store signs its checkpoints under, the first line of their note: the
    district's log ``fupin-jianghai`` for a ledger never moved, a move's own
    (``move_origin``) for one rebuilt by ``import --create`` (since session 25: before, a
    rebuilt store signed as ``fupin-jianghai`` with the key the move carried, and a forged
    log rebuilt from an edited export could not be told from the district's)."""
    return store_origin(app.recorder, app.mapper)


def store_origin(recorder: ApplicationRecorder, mapper: Any) -> str:
    """``log_origin`` of a store read by its recorder and mapper: from the import register's
    first batch, looked up by the register's id (no scan of the log: every checkpoint, proof
    and verify asks). A move's first batch is an export's, starting with its ``initialise``
    (a ledger holding events refuses such a row), and holds the SHA-256 its
    ``RebuiltFromExport`` records (``fupin verify`` checks they agree) and the time the move
    recorded it: the origin is the hash of that batch as stored (``move_origin``)."""
    register = natural_id("imports", "imports")
    for stored in recorder.select_events(register, gt=0, limit=2):
        if stored.topic not in _BATCHES:
            continue  # ImportsStarted
        batch: Any = mapper.to_domain_event(stored)
        refs = getattr(batch, "refs", ())
        if refs and EXPORT_INITIALISED.fullmatch(str(refs[0])):
            return move_origin(bytes(stored.state))
        return LOG_NAME
    return LOG_NAME


def origin_fault_in(
    recorder: ApplicationRecorder, mapper: Any, checkpoint: Checkpoint
) -> tuple[str, str | None]:
    """The store's origin (``store_origin``) and why ``checkpoint`` is not of its log
    (``origin_fault``; None: it is)."""
    origin = store_origin(recorder, mapper)
    if checkpoint.log == origin:
        return origin, None
    if checkpoint.log == LOG_NAME and _recorded_here(recorder, mapper, checkpoint):
        return origin, None  # this store's own, signed as a fupin before session 25 did
    moved = _rebuilt_said(_move_record_in(recorder, mapper))  # a refusal: the move said
    return origin, origin_fault(checkpoint, origin, moved)


def _recorded_here(recorder: ApplicationRecorder, mapper: Any, checkpoint: Checkpoint) -> bool:
    """Whether this store recorded ``checkpoint`` itself (the same size, root, time, key and
    signature), as a fupin before ``OWN_ORIGIN_SINCE`` signed a moved store's checkpoints, as
    ``LOG_NAME``: the file of such a checkpoint is judged against it, as before (whenever
    recorded, since session 32: before, only one recorded before that day). Its own time is
    the signer's to write, so only the store's record of it counts."""
    for stored, key in recorded_with_keys(recorder, mapper):
        try:
            event: Any = mapper.to_domain_event(stored)
            same = (event.size, event.root, event.time, event.signature) == (
                checkpoint.size,
                checkpoint.root,
                checkpoint.time,
                checkpoint.signature,
            )
        except Exception:  # not readable: fupin verify says why
            continue
        if same and key is not None and key[0] == checkpoint.key_id:
            return True
    return False


def origin_fault(checkpoint: Checkpoint, origin: str, moved: str | None = None) -> str | None:
    """Why ``checkpoint`` is not one of the log ``origin`` (None: it is): a checkpoint of
    another log proves nothing of this one (since session 25). ``moved``: why the store is
    a log of its own (``rebuilt_from_export``), said of a checkpoint of the district's log."""
    if checkpoint.log == origin:
        return None
    theirs = (
        "the district's log as never moved; this store recorded no such checkpoint of its own, "
        f"as a fupin before {OWN_ORIGIN_SINCE.date().isoformat()} signed a moved store's "
        "checkpoints"
        if checkpoint.log == LOG_NAME
        else "a log rebuilt by import --create"
    )
    ours = (
        "the district's log, never moved"
        if origin == LOG_NAME
        else "a log of its own, started when this store was rebuilt by import --create"
    )
    return (
        f"it is a checkpoint of the log {checkpoint.log} ({theirs}), and this store is the log "
        f"{origin} ({ours}): a checkpoint of another log proves nothing of this one; check it "
        "against the store it belongs to (docs/audit-guide.md §6)"
        + (f"; {moved}" if moved and checkpoint.log == LOG_NAME else "")
    )


def check_known_at_after_move(app: LedgerCore, known_at: datetime) -> None:
    """Refuse a view as known at a time before this ledger was rebuilt from an export: the
    move recorded every event anew, so the ledger holds no recording time before it, and the
    view would be empty, not what was known then (the external auditor, session 23: after a
    move, ``report caseload --known-at 2017-07-01`` said 0 households, exit 0). The move's
    time is the one the entries it replayed carry (``_Replay.first``; since session 32,
    tester h: the refusal named its record's, a second or more later, and a time between
    them was answered, as a view of the entries it replayed)."""
    replay = _replay(app)
    if replay is None or known_at >= replay.first:
        return
    if known_prefix(app.recorder, known_at).cut:
        # An entry saved after the move by a machine whose clock is a little behind is
        # recorded before it: as known at its time, the log's prefix holds the move and that
        # entry (tester N, session 27: its own recording time, pasted from history, was
        # refused as "no recording time before then").
        return
    raise InputError(
        "known-at",
        _before_the_move(known_at, replay)
        + "ask the store it came from (or a backup of it) what was known then, or give a time "
        "after the move",
    )


def check_recorded_after_move(
    app: LedgerCore, recorded_from: datetime | None, recorded_to: datetime | None
) -> None:
    """Refuse a ``log``'s recording-time bound (``--recorded-from``, ``--recorded-to``) before
    this ledger was rebuilt from an export, as ``check_known_at_after_move`` refuses a view
    known then (since session 32, tester e: "who recorded what in January 2017" of a moved
    store wrote nothing, exit 0, where the store it came from wrote 224 events). Every entry
    the move replayed carries the time the move recorded it (``_Replay``), not its own: a
    window ending before that time would hold none of them, and one starting by then every
    one of them, whenever each was first recorded (so no note on stderr beside such a
    stream: its lines would still answer "who recorded what since January 2017" with 2016's
    entries). A window from the start to that time or later (``--recorded-to`` alone) is
    answered: every entry the move replayed was first recorded before the move, as
    ``--known-at`` then is. Judged by the time the replayed entries carry, not the move's
    record's, a second or more later (since session 32, tester h: ``--recorded-to`` the
    very ``recorded_at`` ``fupin log`` printed of them was refused, saying the store held
    no recording time before the record's)."""
    replay = _replay(app)
    if replay is None:
        return
    if recorded_from is not None and recorded_from <= replay.last:
        raise _recorded_refused("recorded-from", recorded_from, replay)
    if recorded_to is not None and recorded_to < replay.first:
        raise _recorded_refused("recorded-to", recorded_to, replay)


def _recorded_refused(field: str, bound: datetime, replay: _Replay) -> InputError:
    """``check_recorded_after_move``'s refusal of ``bound``, given as ``field``."""
    since = max(replay.moved, replay.last + timedelta(microseconds=1))  # after the replay
    carried = "that time" if replay.first == replay.last else "a time within it"
    return InputError(
        field,
        _before_the_move(bound, replay)
        + f"each entry it replayed carries {carried}, the move's, not its own"
        + (
            ", and a window starting by then would list them as recorded within it"
            if field == "recorded-from"
            else ""
        )
        + "; ask the store it came from (or a backup of it) who recorded what then, or read "
        f"each row's recorded_at in the export ({getattr(replay.record, 'source', '')}), or "
        f"give a time after the move (--recorded-from {since.isoformat()} keeps what was "
        "recorded since)",
    )


def _before_the_move(moment: datetime, replay: _Replay) -> str:
    """Why a recording time ``moment`` by a move (``replay``) is refused, up to where to ask
    instead: it is before, or at (or within) the time the move recorded what it replayed."""
    when = "before" if moment < replay.first else "when" if moment == replay.first else "while"
    return (
        f"{china_and_utc(moment)} is {when} this ledger was rebuilt from an export by "
        f"{moved_on(replay.record, replay.first)}, {replay.at()}: the move recorded every "
        "event anew, so it holds no recording time before then; "
    )


def moved_at(app: LedgerCore) -> tuple[datetime, str] | None:
    """When this ledger was rebuilt from an export (its move's record's recording time) and
    the move as messages name it (``moved_on``); None if it was not. Every event recorded by
    then was replayed by the move and recorded anew: the store keeps no earlier recording time
    of it (the export does: its rows' ``recorded_at``)."""
    event = _move_record(app)
    moved = getattr(event, "timestamp", None)
    return (moved, moved_on(event)) if isinstance(moved, datetime) else None


def rebuilt_from_export(app: LedgerCore) -> str | None:
    """Why a checkpoint of another store fails here, when this ledger was rebuilt by
    ``import --create`` from an export (None: it was not): it is a new log, whose events were
    replayed and recorded anew, without that store's seals, keys and checkpoints. Known by the
    move's record (since session 23), or, for a move made before, by its first import starting
    with an export's ``initialise`` (ref ``officer:ID@1``: a ledger holding events refuses
    such a row, so that import made the ledger). The migration tester, session 23: after a
    move every event was "suspect", as if the log had been rewritten."""
    return _rebuilt_said(_move_record(app))


def _rebuilt_said(event: Any) -> str | None:
    """``rebuilt_from_export`` of a move's record (None: no move)."""
    if event is None:
        return None
    return (
        f"this ledger was rebuilt from an export ({event.source}) by {moved_on(event)}: "
        "checkpoints of the store it came from do not "
        "apply to it (a new log: its events were replayed and recorded anew, without that "
        "store's seals and keys); verify such a checkpoint against that store (or a backup "
        "of it), or take a new checkpoint here (fupin checkpoint)"
    )


def register_signing_key(app: LedgerCore, stamp: Stamp, officer_id: str, public: str) -> str:
    """Register an officer's public key 登记签名密钥; returns its key id. A key revoked, or
    held by anyone else, ever, is refused (``key_holder_fault``)."""
    prov = app.authorise(stamp, "register_key")
    _alone(app, "registering a key")
    key = parse_public_key(public)

    def attempt() -> list[Officer]:
        officer = app.load(Officer, officer_id, "officer")
        fault = key_holder_fault(app, key_id(key), officer.officer_id)
        if fault is not None:
            raise RuleError("key", fault)
        if officer.revoked_key_id and not officer.signing_key_id:
            _check_replacer(app, prov.actor, officer)
        officer.register_signing_key(key_id(key), public_key_text(key), prov)
        return [officer]

    app.execute(attempt)
    return key_id(key)


def _check_replacer(app: LedgerCore, actor: str, officer: Officer) -> None:
    """Refuse a new key for ``officer``, whose key was revoked and none registered since,
    unless ``actor`` is another admin with a key in force (their save is then signed): since
    session 24. Before, after the admin's own key was revoked, anyone typing ``--as admin``
    registered their own key as the admin's, unsigned, and signed anything as admin from
    then on. The first key of an officer who never held one is registered as before."""
    registrar = app.stored_officer(actor)
    oid = officer.officer_id
    if actor == officer.officer_id:
        why = f"{actor} may not register their own (whoever stole the key could)"
    elif registrar is None or not registrar.signing_key_id:
        why = f"{actor} has no key in force"
        if registrar is not None and not registrar.revoked_key_id and registrar.role == "admin":
            # since the session 24 re-test: say the way (audit-guide §6 allows it)
            why += (
                f"; {actor}, who never held a key, may register their own first key (fupin "
                f"keys new, then fupin keys register {actor} …), then {oid}'s signed with it"
            )
    else:
        return
    raise RuleError(
        "key",
        f"{oid}'s key {officer.revoked_key_id} was {officer.revocation()}: a new key "
        f"for {oid} is registered by another admin with a key in force, in a save signed with "
        f"it, and {why}; nothing was written (docs/audit-guide.md §6)",
    )


def revoke_signing_key(
    app: LedgerCore, stamp: Stamp, officer_id: str, reason: str, field: str = "reason"
) -> None:
    """Withdraw an officer's key 吊销签名密钥 (lost or leaked). The key of the last admin with
    a key in force is not revoked (``check_other_admin``). ``field``: what a missing reason is
    refused on (the command line's ``note``)."""
    prov = app.authorise(stamp, "revoke_key")
    _alone(app, "revoking a key")
    check_says(field, reason, "say why the key is revoked", InputError)

    def attempt() -> list[Officer]:
        officer = app.load(Officer, officer_id, "officer")
        if officer.signing_key_id and officer.role == "admin" and officer.active:
            check_other_admin(app, officer.officer_id)
        officer.revoke_signing_key(reason.strip(), prov)
        return [officer]

    app.execute(attempt)


def check_other_admin(app: LedgerCore, admin: str, doing: str = "revoke") -> None:
    """Refuse to revoke the key of ``admin`` when no other active admin has a key in force:
    once revoked, ``admin`` records nothing, and only another admin with a key in force may
    register a new key for them (``_check_replacer``), so the ledger could not be recovered
    (since session 24). ``doing``: "retire" or "demote" as well, refused alike (since session
    24: officers and keys are managed only by an admin with a key in force)."""
    if app.admins_with_keys(but=admin):
        return
    # Since the session 24 re-test: another admin whose key was revoked is named, and the
    # way out is a new key for them, not a second admin.
    revoked = app.active_admins(lambda held: bool(held.revoked_key_id), but=admin)
    first = (
        "first register a second admin (fupin officer add … --role admin) and a key for them, "
        f"each signed with {admin}'s key (a key file lost cannot sign them: docs/audit-guide.md "
        "§6, A ledger with one admin)"
        if not revoked
        else f"first register a new key for {', '.join(revoked)} (whose key was revoked: fupin "
        f"keys new, then fupin keys register, signed with {admin}'s key)"
    )
    once = {
        "revoke": f"once {admin}'s key is revoked, {admin} records nothing and no admin could "
        f"register a new key for {admin}",
        "retire": f"once {admin} is retired, no admin could manage officers or keys (an admin "
        "with a key in force records them)",
        "demote": f"once {admin} is no longer an admin, no admin could manage officers or keys "
        "(an admin with a key in force records them)",
    }[doing]
    raise RuleError(
        "officer",
        f"{admin} is the only active admin with a key in force: {once}; {first}, "
        f"then {doing}; nothing was written (docs/audit-guide.md §6)",
    )


def register_log_key(app: LedgerCore, stamp: Stamp, public: str) -> str:
    """Register (or rotate) the district's log key that signs checkpoints; returns its id.
    A key revoked, or an officer's, ever, is refused (``key_holder_fault``)."""
    prov = app.authorise(stamp, "register_log_key")
    _alone(app, "registering the log key")
    app.check_founded(prov.effective, "the log key's registration")  # since session 24
    key = parse_public_key(public)

    def attempt() -> list[TransparencyLog]:
        fault = key_holder_fault(app, key_id(key), _LOG_HOLDER)
        if fault is not None:
            raise RuleError("key", fault)
        log = app.get_by_id(natural_id("log", LOG_NAME))
        if log is None:
            return [TransparencyLog(LOG_NAME, key_id(key), public_key_text(key), prov)]
        assert isinstance(log, TransparencyLog)
        log.replace_key(key_id(key), public_key_text(key), prov)
        return [log]

    app.execute(attempt)
    return key_id(key)


def record_checkpoint(app: LedgerCore, stamp: Stamp, log_key: Ed25519PrivateKey) -> Checkpoint:
    """Sign the current tree head with the log key and record it in the ledger, once the log
    is found to extend every checkpoint the ledger recorded before (``_check_extends``, in the
    same pass over the log that computes the root)."""
    prov = app.authorise(stamp, "record_checkpoint")
    _alone(app, "a checkpoint")
    app.check_founded(prov.effective, "the checkpoint")  # since session 24
    log = app.get_by_id(natural_id("log", LOG_NAME))
    if not isinstance(log, TransparencyLog):
        raise RuleError("key", "no log key is registered (fupin keys register-log)")
    if key_id(log_key) != log.key_id:
        raise InputError("log-key", f"this is key {key_id(log_key)}; the log key is {log.key_id}")
    recorded = recorded_checkpoints(app)
    size, root, earlier = roots_of(_leaves(app.recorder), recorded)
    if size == 0:
        raise RuleError("store", "the ledger is empty; nothing to checkpoint")
    _check_extends(recorded, size, earlier)
    from ledger.verification import require_verified  # (it reads this module)

    require_verified(app.recorder, app.mapper, "nothing was signed or written")
    time = clock.now().isoformat()
    origin = log_origin(app)  # a moved store's own (since session 25)
    signature = log_key.sign(checkpoint_note(origin, size, root, time))
    checkpoint = Checkpoint(
        CHECKPOINT_VERSION,
        origin,
        size,
        root.hex(),
        time,
        log.key_id,
        log.public_key,
        base64.b64encode(signature).decode(),
    )

    def attempt() -> list[TransparencyLog]:
        current = app.get_by_id(natural_id("log", LOG_NAME))
        assert isinstance(current, TransparencyLog)
        current.record(checkpoint, prov)
        return [current]

    app.execute(attempt)
    return checkpoint


def _leaves(recorder: ApplicationRecorder, nothing: str = "nothing was signed") -> Iterator[bytes]:
    """The leaf hash of every stored event, in the log's order (its position, never the
    store's own id: ``event_bytes``); ``nothing``: what the caller did not do, for the
    refusal of an event that cannot be encoded."""
    for position, stored in enumerate(stored_events(recorder)):
        yield leaf_hash(event_bytes(stored, position, nothing))


def prefix_root(recorder: ApplicationRecorder, size: int, nothing: str) -> tuple[int, bytes]:
    """The RFC 9162 tree head of the first ``size`` events of the log, as a checkpoint of that
    size signs it, and how many events that is: fewer than ``size`` when the log holds fewer
    (its whole root then). Reads no further than the ``size``-th event's page: whether another
    store's log begins with a backup's (``restore --replaces``, since session 30)."""
    return root_of(islice(_leaves(recorder, nothing), size))


def event_bytes(stored: Notification, position: int, nothing: str = "nothing was signed") -> bytes:
    """The canonical bytes of the event at ``position`` (its leaf), or a refusal naming it
    when its stored row cannot be encoded (a state stored as TEXT by an edit in the store:
    ``fupin verify`` reports it). ``nothing``: what the caller did not do."""
    if type(stored.state) is not bytes:
        said = "its stored state is not bytes"
    else:
        try:
            return canonical_bytes(stored)
        except (TypeError, ValueError, AttributeError, struct.error) as exc:
            said = f"its stored row cannot be encoded ({type(exc).__name__}: {exc})"
    raise RuleError(
        "store",
        f"the event at position {position} (log id {stored.id}): {said}, so the store was "
        f"altered outside the ledger; {nothing}; run fupin verify",
    )


#: The topic of a checkpoint the ledger recorded.
_CHECKPOINT_TOPIC = f"{__name__}:TransparencyLog.CheckpointRecorded"


def recorded_checkpoints(app: LedgerCore, nothing: str = "nothing was signed") -> dict[int, str]:
    """The size and root (hex) of every checkpoint the ledger recorded, by the log's id (no
    scan of the log); one that cannot be read, or whose signature does not verify with the
    log key in force when it was recorded (``recorded_signed``, as ``fupin verify`` checks
    it), is refused: its root was altered or says nothing, and ``fupin verify`` says why.
    ``nothing``: what the caller did not do, for the refusal."""
    found: dict[int, str] = {}
    origin = log_origin(app)
    for stored, key in recorded_with_keys(app.recorder, app.mapper):
        where = (
            f"the checkpoint the ledger recorded as version {stored.originator_version} of the log"
        )
        try:
            event: Any = app.mapper.to_domain_event(stored)
            size, root = int(event.size), str(event.root)
        except Exception:
            raise RuleError(
                "checkpoint", f"{where} cannot be read: {nothing}; run fupin verify"
            ) from None
        if key is None or recorded_origin(event, key, origin) is None:
            whose = (
                "the log key in force then cannot be read"
                if key is None
                else (f"it is not what {key[0]}, the log key in force when it was recorded, signed")
            )
            raise RuleError(
                "checkpoint",
                f"{where} (size {size}) does not verify ({whose}): it was altered in the "
                f"store, and its root is not trusted; {nothing}; run fupin verify",
            )
        found[size] = root
    return found


def recorded_with_keys(
    recorder: ApplicationRecorder, mapper: Any
) -> Iterator[tuple[StoredEvent, tuple[str, str] | None]]:
    """Each checkpoint the ledger recorded (``CheckpointRecorded``, by the log's id: no scan
    of the log) with the log key in force when it was recorded, (key id, public key): the last
    ``LogKeyRegistered`` or ``LogKeyRotated`` before it (``TransparencyLog.record`` takes no
    other); None when that event cannot be read."""
    key: tuple[str, str] | None = None
    for stored in log_history(recorder):
        if stored.topic in LOG_KEY_TOPICS:
            key = _log_key_of(mapper, stored)
        elif stored.topic == _CHECKPOINT_TOPIC:
            yield stored, key


def _log_key_of(mapper: Any, stored: StoredEvent) -> tuple[str, str] | None:
    try:
        event: Any = mapper.to_domain_event(stored)
        kid, public_key = event.key_id, event.public_key
    except Exception:
        return None
    return (kid, public_key) if type(kid) is str and type(public_key) is str else None


def recorded_signed(event: Any, key: tuple[str, str], origin: str = LOG_NAME) -> bool:
    """Whether a recorded checkpoint (its event) is what ``key``, (key id, public key), signed
    under the log ``origin`` (never raises: a malformed field is not signed)."""
    try:
        fields = (event.size, event.root, event.time)
        signed = Checkpoint(CHECKPOINT_VERSION, origin, *fields, *key, event.signature)
    except AttributeError:
        return False
    return signed.signature_valid()


def recorded_origin(event: Any, key: tuple[str, str], origin: str) -> str | None:
    """The origin a recorded checkpoint (its event) was signed under by ``key``: the store's
    own, ``origin``; or, in a moved store, ``LOG_NAME``, as a fupin before
    ``OWN_ORIGIN_SINCE`` signed every store's checkpoints, whenever recorded (since session 32:
    before, only one recorded before that day); None when neither (it was altered)."""
    if recorded_signed(event, key, origin):
        return origin
    if origin != LOG_NAME and recorded_signed(event, key, LOG_NAME):
        return LOG_NAME
    return None


def _check_extends(recorded: dict[int, str], size: int, roots: dict[int, bytes]) -> None:
    """Refuse to sign a log that does not extend a checkpoint the ledger recorded: its first
    ``size`` events were altered, removed, inserted or moved since (a tree head signed over
    them would vouch for the change)."""
    for at, root in sorted(recorded.items()):
        if at not in roots:
            raise RuleError(
                "checkpoint",
                f"the log holds {size} events, fewer than the {at} of a checkpoint the ledger "
                "recorded: events were removed since; nothing was signed or written; run "
                "fupin verify",
            )
        if roots[at].hex() != root:
            raise RuleError(
                "checkpoint",
                f"the log no longer extends the checkpoint the ledger recorded at size {at} "
                f"(root {root[:16]}…): its first {at} events hash to {roots[at].hex()[:16]}…, "
                "so one of them was altered, removed, inserted or moved since; nothing was "
                "signed or written; run fupin verify to find it",
            )
