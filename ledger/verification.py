"""``fupin verify`` 核验: recompute everything the ledger claims, in one pass over the stored log.

For every stored event, in application order (position 0, 1, 2, ...; never notification ids):

1. its canonical bytes are hashed into the RFC 9162 Merkle tree (an O(log n) frontier);
2. it decodes to a ledger event (a topic outside ``ledger.`` is refused, never imported), and
   its stored bytes are the canonical encoding of what they decode to;
3. if a seal announced it, its leaf hash matches the seal's mark, its actor is the signer, and
   once the run is complete the digest matches what the signer signed;
4. otherwise it is *unsigned*: a failure if its actor had a key in force, or had one revoked
   (or one revoked before a move, ``RevokedKeyCarried``) and no new key registered since
   (since session 24; not in a move's events; since session 32 a note, ``revoked_unsigned``,
   whenever recorded, as a fupin before ``REVOKED_RECORDS_NOTHING_SINCE`` took it, and one not
   yet upgraded still takes it: such an event cannot be told from one recorded in the
   officer's name without their key, which only ``require_signatures`` fails) (or always, with
   ``require_signatures``, but for the bootstrap no key can sign: the first admin's
   registration at position 0 and, at position 1, that admin's own first key registration;
   ``_bootstrap``);
5. its provenance names a registered, active officer, in the role that officer had at that
   point, and ``ledger.authority`` lets that role record that event; a street officer's, in
   the street they worked for then, what it records in (``check_permission``, since session
   25: ``_street_rule``, by the streets the pass notes, ``_place``); and a village payment
   goes to a village relatively poor as the log stood then (since session 25);
6. each seal's Ed25519 signature verifies against the key registered for its signer at that
   point (officer events are replayed as the log is read);
7. its aggregate's versions run 1, 2, ... n without a gap, each stored after the one before it
   (``broken_versions``: the database looks each event's predecessor up by the primary key;
   only the rows of the aggregates it names are followed here, by their id's 16 bytes: an
   event moved, a whole signed save with it, is reported where it sits, before its
   predecessor), and its id is stored as the recorder writes it (SQLite: 32 lowercase hex
   digits; another spelling reads as the same 16 bytes, so every hash and seal holds, but the
   recorder no longer finds the event in its aggregate's history);
8. it was recorded no earlier than the save before it by more than
   ``ledger.clock.CLOCK_TOLERANCE`` (the rule the ledger keeps when it records), written as
   the ledger writes a time, and no earlier than the signed time of any checkpoint recorded
   before it (that time only raises the bar): a clock set back files an event among those
   recorded earlier and changes every "as known at" answer. The events of one signed save are
   compared with the save before it, not with their own seal (made after them). And it took
   effect no later than the day it was recorded, in China (``ledger.values.check_come``:
   every command refuses an effective date after today), compared as text with the UTC date
   first (one comparison; the China date only when that one is earlier), unless its recording
   time was itself reported as set back;
9. for each checkpoint given, its signature verifies with the log key in force at its size (the
   last registered or rotated to in its first ``size`` events; pinned too, when the inspector
   pinned keys), signed before that key was rotated out if it was
   (``ledger.transparency.key_in_force_fault``, which ``fupin prove`` applies too), and the
   root of the first ``size`` leaves equals its root: the ledger is an append-only extension
   of what the checkpoint saw; and for each checkpoint the ledger recorded
   (``CheckpointRecorded``, read by the log aggregate's id before the pass), its signature
   verifies with the log key in force when it was recorded (else it is reported at its event,
   altered) and the root of the first ``size`` leaves equals the recorded one, compared as the
   pass reaches that size and reported at its event (a file of the same size and root is that
   comparison already).
10. the key table agrees with the erasures (``check_household_keys``): every household key
   destroyed (or marked destroyed) has the household's ``PersonalDataErased`` event, every
   household with that event has no wrapped key left, and every household whose personal data
   is recorded (its ``Identified`` event) has a row at all. The table is the ledger's one
   mutable table and erasure is irreversible (it keeps the row), so a key destroyed outside
   ``fupin erase``, or a row deleted, is tampering and an erasure whose key survived is
   unfinished. No master key is needed: one scan of the events by topic, in which the database
   looks each identified household up among the key rows and returns the erasures and the
   households without a row (``ledger.privacy.missing_key_rows``; on a SQLite file it runs on
   a thread of its own while the pass reads the log, ``_KeyScan``), and, after the pass, one
   read of the key table's destroyed rows. A PostgreSQL role that may not read the table (the
   analysts', SQLSTATE 42501 on it) does not check it: ``VerifyReport.key_table_unchecked``
   says why, and it is no problem; any other failure to read it is one.
11. every live household key is wrapped under the master the latest ``MasterKeyRotated`` the
   pass read made current (``check_key_masters``, after the pass: the database filters the
   key table by that master id; no master key is needed and none is unwrapped). A key under
   another master, retired or never recorded, cannot be unwrapped with the current master
   key: a fupin from before 2026-11-29 let one wrap a new ledger's first keys. With no
   rotation on record nothing says which master is current; ``fupin keys check`` does, with
   the master key.
12. the store holds no schema object the ledger never creates (``ledger.schema``, since session
   22): on a SQLite file no trigger and no view (the ledger creates none; a trigger rewrote
   every save as it was written, and every hash and seal was computed over the rewritten
   bytes); on PostgreSQL no trigger on the events or key table but the ledger's own. One read
   of the catalogue, before the pass; reported first (``SCHEMA_POSITION``).
13. a finding under today's rules, not a problem (since session 26): each enterprise or
   cooperative paired with two households at once 一对一, which a fupin from before 2026-11-29
   took (``ledger.double_pairings``, after the pass: one scan by topic); and each key event
   or checkpoint dated before a step it follows (a key before its officer, the key it replaces
   or the revocation it follows; a revocation before its key; a log key before the ledger's
   founding, its first event's day, or the log key it replaces; a checkpoint before the
   founding or its log key), which a fupin before 2026-12-01 took (``_dated_before``, in the
   pass: those events are decoded in full already); and each registered household with labour
   capacity that is willing and no key target [三], which a fupin before 2026-12-01 took
   (``ledger.able_not_key``, after the pass: one scan by topic); and each replacement paired
   with a household after its exit's approval (before any return), which a fupin before
   2026-11-30 took (``ledger.late_replacements``, after the pass: one scan by topic); each
   household registered after the end of the programme's last year, which a fupin before
   2026-12-02 took (``ledger.late_registrations``, after the pass: one scan by topic); and
   each officer's retirement or transfer dated before an entry they recorded under the post
   it ends, which a fupin before 2026-12-02 took (``_post_ended``, in the pass: one date an
   officer, the latest of their entries in the post they hold); and each household turned
   down (at its review, on an upheld objection) that took a change of members or a closure
   after, which a fupin before 2026-12-03 took (``ledger.after_rejection``); and each merge
   合户 into a household whose exit was under way before the change of members taking its
   people in, which a fupin before 2026-12-03 took (``ledger.exit_spared``); and each talk 约谈
   held under a street inspection, talk or notice 通报 recorded twice, and fund account
   differing from one opened before it only in the case of its letters or the width of its
   punctuation, and (since session 32) each officer, street, helper or household whose key
   differs from one registered before it only in the case of its letters, which a fupin before
   2026-12-02 took (``ledger.oversight_spared``); and each
   household that stands closed 注销 with an exit or a return of it under way, in one note
   whatever a fupin before 2026-12-03 took that left it so (a closure during one, a step of one
   entered after the closure, an approval voided after it), and each employment of a worker of
   a closed household standing past its closure (since session 31; ``ledger.closed_under_way``,
   then each household closed read), which since session 32 includes one from the closure's
   date on entered after it and a closure recorded while one stood, session 25's rules, which
   the pass reported as problems until a fupin of session 25 was found to have taken them;
   these four read the log in one scan after the pass (``ledger.after_pass``, since session
   31: four scans by topic before); the times are
   ``ledger.values.SPARED_BEFORE``'s, which a move spares only rows recorded before. Each
   note but the dates' rests on the entries its rule judges; in a ledger made by a move, those
   the move replayed (stored before its ``RebuiltFromExport``) are found by the events'
   primary key (``ledger.noted``, ``Verifier.replayed``; since session 32: a note of an entry
   an older fupin recorded in the moved store after the move said it was recorded before it).

Problems are sorted by position; the first is the first bad position. Each problem at an event
gives the store's own id for it (``Problem.log_id``: SQLite's rowid, PostgreSQL's notification
id, what ``fupin log`` finds it by), from the gaps in those ids the pass notes (one comparison
a row; memory: one entry per gap).

How (issue 8: verify at the speed of reading the rows). The log is read as plain rows
(``numbered_rows``: as ``ledger.transparency.stored_rows``, each with the store's id), never
as ``Notification`` or domain event objects, and personal data is never decrypted: proofs and
seals cover the ciphertext. Most events are checked from the row itself: the leaf hash from
the stored bytes; the state parsed with ``orjson.loads``, and "canonical" is
``orjson.dumps(tree, OPT_SORT_KEYS) == state`` (the transcoder writes exactly that: sorted
keys, tagged values as one-key objects); actor and role read from the tagged ``Provenance`` in
the tree, whose shape and types are checked. Events whose
typed fields the verifier needs (seals; officer, signing key, log key and checkpoint events),
and any event the raw check cannot vouch for (a malformed provenance, non-canonical bytes, a
reserved key, a topic that does not name a ledger event, personal data in clear...), are decoded
in full by the transcoder, as before, so their problems are reported exactly as before. Every
event's fields are checked against its class (``ledger.shapes``, since session 37): each field
it must hold, each of its kind (a text, a whole number, a date...), an amount in fen 0 to
``MAX_FEN``, 1 to 100 members; a value of the right kind altered (4 members to 3, an amount to
another) is caught by its seal (signed) or by a checkpoint (unsigned), like an altered
ciphertext. The
recording time is read from every state: compared as text while times increase (ISO 8601 in UTC
sorts as it runs), parsed only when one is earlier than the latest so far or written otherwise
(one that is no time is left to its seal or a checkpoint, like any other value).
A row whose id, version or topic the store cannot give ends the check at that row's own position
("the check stopped at position P"): its leaf cannot be hashed, so no later root or checkpoint
can be compared. Memory: the frontier, the officers and the current seal's run (and the versions
of aggregates ``broken_versions`` named), and each household's, account's and inspection's
street as a small index (one dict entry per record); the rows stream from one cursor
(SQLite) or pages (PostgreSQL).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import queue
import re
import struct
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    ApplicationRecorder,
    InterfaceError,
    Mapper,
    MapperDeserialisationError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.utils import get_topic, resolve_topic

from ledger.able_not_key import able_not_key_targets
from ledger.after_pass import notes_after_pass
from ledger.authority import (
    EVENT_COMMANDS,
    PERMISSIONS,
    amend_command,
    check_permission,
    correction_command,
    roles_recording,
)
from ledger.base import LEDGER_NAMESPACE, LedgerAggregate, Provenance, natural_id, with_article
from ledger.clock import CLOCK_TOLERANCE
from ledger.double_pairings import DoublePairing, double_pairings, record_as_stored
from ledger.errors import (
    ConflictError,
    InputError,
    LedgerError,
    PermissionRefusedError,
    RuleError,
)
from ledger.exit_spared import SparedStep
from ledger.funds import Disbursement, FundAccount, lowest_balance
from ledger.helpers import taken_elsewhere
from ledger.household import AFTER_CLOSURE, Household, Personal, Unpairing
from ledger.keys import parse_public_key, signature_valid
from ledger.late_registrations import late_registrations
from ledger.late_replacements import late_replacements
from ledger.merkle import EMPTY_ROOT, node_hash
from ledger.noted import EntryId, Noted, replayed_by_move
from ledger.officer_entries import (
    IMPORT_REGISTER,
    Entry,
    latest_entry,
    record_hex,
    record_named,
    stored_page,
)
from ledger.officers import CARRIED_REVOCATION
from ledger.oversight_spared import OversightScan
from ledger.places import Street
from ledger.privacy import (
    KEY_TABLE,
    denied_role,
    destroyed_key_rows,
    key_table_denied,
    latest_master,
    live_keys_among,
    live_keys_off,
    missing_key_rows,
    rotation_id,
)
from ledger.programme import AMENDABLE_RULES, PROGRAMME_CODE, Programme, ProgrammeRules
from ledger.schema import foreign_objects, foreign_reason, own_trigger_notes
from ledger.sealing import ENCODING_VERSION, MARK_SIZE, seal_message
from ledger.shapes import Shape, shape_of
from ledger.store import lost_server, pool_exhausted
from ledger.transparency import (
    EXPORT_INITIALISED,
    LOG_NAME,
    Checkpoint,
    LogKeyChange,
    NumberedRow,
    StoredRow,
    broken_versions,
    erased_households,
    key_in_force_fault,
    log_key_change,
    numbered_rows,
    origin_fault_in,
    recorded_origin,
    recorded_with_keys,
    stale_head,
    store_origin,
)
from ledger.values import CHINA, MAX_FEN, format_yuan

__all__ = [
    "KEY_TABLE_POSITION",
    "REVOKED_RECORDS_NOTHING_SINCE",
    "SCHEMA_POSITION",
    "Frontier",
    "NumberedRow",
    "Problem",
    "Verifier",
    "VerifyReport",
    "event_label",
    "numbered_rows",
    "require_verified",
    "verify_ledger",
]


#: The position of a problem in the household key table (not in the log): reported after the
#: log's problems, before the checkpoint files' (-1).
KEY_TABLE_POSITION = -2
#: The position of a schema object the ledger never creates (step 12): listed first.
SCHEMA_POSITION = -3
#: Rows of the key-table scan (``_KeyScan``) queued while the pass reads the log; past these
#: the scan waits for the check to read them, after the pass.
_SCAN_KEPT = 10_000
#: How long ``_KeyScan.stop`` waits for the scan's thread at most (it ends at once once its
#: statement is interrupted; a thread still waiting for a connection is not held up for ever).
_SCAN_STOP_SECONDS = 10.0
#: Keys destroyed with no erasure found on the first read, looked up again after the key table
#: is read (an erasure saved meanwhile); past these, reported as found.
_RECHECK = 1000

#: Problems kept in full; the rest are only counted.
_KEEP = 50
_SUSPECTS = 10

_SEAL_TOPIC = "ledger.sealing:Seal.Sealed"
#: The topic of the event that records a household's number (in clear: only ``personal`` is
#: sealed).
_IDENTIFIED_TOPIC = get_topic(Household.Identified)  # type: ignore[attr-defined]  # @event
_CHECKPOINT_TOPIC = "ledger.transparency:TransparencyLog.CheckpointRecorded"
#: Gaps in the store's ids remembered (two 8-byte integers each); past these, the store's id of
#: a later position is not given (a store with that many gaps has had rows deleted en masse).
_GAPS_KEPT = 1 << 20
#: Events whose typed fields the verifier reads (it replays officers, keys and log keys): they
#: are decoded in full, like seals. There are as many as officers and key changes.
_TYPED = frozenset(
    {
        "OfficerRegistered",
        "OfficerRoleChanged",
        "OfficerRetired",
        "SigningKeyRegistered",
        "SigningKeyRevoked",
        "RevokedKeyCarried",
        "LogKeyRegistered",
        "LogKeyRotated",
        "CheckpointRecorded",  # its signed time: no event after it may be earlier
        "MasterKeyRotated",  # the master every live household key must be under (step 11)
    }
)
#: Events whose fields are checked by their own rules, not by their shape (``ledger.shapes``):
#: a seal's (``_open``), a checkpoint's size and root (``_check_recorded_checkpoint``).
_OWN_SHAPE = frozenset({"Sealed", "CheckpointRecorded"})
#: Keys the mapper owns: in a stored state they are not what the ledger wrote.
_RESERVED = ("originator_id", "originator_version", "class_version")
_PROVENANCE_FIELDS = frozenset(f.name for f in dataclasses.fields(Provenance))
#: A provenance's fields as the transcoder writes them when the actor recorded the event
#: (those stored only when set left out, as every event stored before session 28 has them).
_OWN_PROVENANCE_FIELDS = _PROVENANCE_FIELDS - set(Provenance.STORED_IF_SET)
_PROVENANCE_TAG = f"__{Provenance.__name__}__"
_PERSONAL_TAG = f"__{Personal.__name__}__"
#: ``ledger.merkle.leaf_hash`` of ``ledger.sealing.canonical_bytes``, built from the row's parts:
#: the leaf prefix 0x00, the encoding version, the id's 16 bytes, the version (big-endian);
#: then the topic's and the state's length (big-endian) and bytes.
_LEAF_HEADER = struct.Struct(">BB16sQ")
_LENGTH = struct.Struct(">I")
#: Topics and effective dates remembered; past these, looked up again each time (memory stays
#: bounded whatever a tampered store holds).
_TOPICS_KEPT = 1024
_DATES_KEPT = 8192
#: Households' streets remembered (``Verifier._place``, since session 25); past this many
#: places the older half is forgotten, and a household's street is read again from its
#: identification in the store when an event needs it (a household's street never changes
#: once identified): memory stays bounded however many households the ledger holds. A million
#: (~110 MiB at most): the tiled 10 M-event demo's 592 k households need no read again (at
#: 200,000 they would, ~18 µs each), and verify's peak stays well under issue 8's 300 MiB.
_PLACES_KEPT = 1_000_000
#: A recording time as the ledger's clock writes it (UTC): such texts sort as the times run.
_UNREADABLE = "(unreadable row)"
_MOVED = "its versions must follow the log's order (an event or a save was moved)"
_UNSIGNED_REQUIRED = (
    "unsigned (--require-signatures: only the bootstrap may be, the first admin's `fupin init` "
    "at position 0 and their own first key registration at position 1)"
)
_HEX_ROOT = re.compile("[0-9a-f]{64}").fullmatch
#: The phases of the pass over a ledger made by a move (``Verifier.read_move``): past the move
#: (or none), before its ``RebuiltFromExport`` (included), and in the keys registered after it.
_MOVE_DONE, _MOVE_PREFIX, _MOVE_KEYS = 0, 1, 2
_MOVE_KEY_EVENTS = frozenset({"SigningKeyRegistered", "LogKeyRegistered"})
#: The day the rule came in that an officer whose key was revoked, and no new key registered,
#: records nothing (``ledger.sealing.revoked_not_replaced``, session 24): from then on fupin
#: refuses such a save. Before it fupin recorded one unsigned, as it did for an officer who
#: never held a key. An unsigned event of such an officer is a note, not a problem, whenever
#: recorded (since session 32, tester f: from session 24 to 31 one recorded since this day was
#: a problem, but a fupin not yet upgraded kept taking such saves after it, and a recording
#: time is no evidence: whoever builds a store sets its clock, as re-tester W showed of
#: ``ledger.values.SPARED_BEFORE``). An unsigned event cannot be told from one recorded in the
#: officer's name without their key: only ``require_signatures`` fails it, as any unsigned one.
REVOKED_RECORDS_NOTHING_SINCE = datetime(2026, 12, 1, tzinfo=CHINA)
#: A key revoked in the store a ledger was rebuilt from, recorded by the move (since session 24).
_CARRIED = "RevokedKeyCarried"
_A_SAVE = "a whole signed save removed, inserted or moved"


#: Events whose permission depends on the record they concern, not on their name alone
#: (``_watched``): a correction's on the entry it voids, an amendment's on its record.
#: Events a rule of the programme judged (``AMENDABLE_RULES``: an exit proposal by the exit
#: percentages, a notice by the notice days): the first place of each in the log is noted, so
#: a rule amended after one (``RulesAmended``) is reported, as the command refuses it.
_JUDGED = frozenset(name for names in AMENDABLE_RULES.values() for name in names)
#: Events noted as the pass reads them, for the rules of amendments checked after it: those
#: above, and a payment (``Disbursed``), which a village's flag amended to "not relatively
#: poor" may not stand under while it is in force (since session 23).
_NOTED = frozenset({"Disbursed", *_JUDGED})
#: An allocation into a fund account: the account's amounts are checked after the pass
#: (``check_balances``), as a paying one's (since session 36's re-test).
_ALLOCATED = "AllocationReceived"
_WATCHED = frozenset(
    {"Corrected", "Amended", "VillageAmended", "RulesAmended", _ALLOCATED, *_NOTED}
)
#: Who may amend an officer's registration (``Amended`` alone allows officers, who amend
#: households and helpers).
_AMEND_OFFICER = PERMISSIONS["amend_officer"].roles
_APPROVAL_TOPIC = "ledger.household:Household.ExitAdvanced"
#: A payment out of a fund account, and a household's receipt of one voided.
_PAYMENT_TOPIC = "ledger.funds:FundAccount.Disbursed"
_RECEIPT_VOIDED_TOPIC = "ledger.household:Household.ReceiptVoided"
_RECEIPT_TOPIC = "ledger.household:Household.FundsReceived"
#: How a refusal of each correction permission names what was done, and what it adds.
_CORRECTED = {
    "correct_inspection": ("corrected an inspection's entry", " (never the officers inspected)"),
    "correct_exit": ("voided an exit's approval", " of the district"),
    "correct_officer": ("voided an officer's retirement or transfer", " (the district office)"),
    "correct": ("corrected an entry", ""),
    "amend_inspection": ("amended an inspection", " (never the officers inspected)"),
    "amend": ("amended a household", ""),
    "amend_helper": ("amended a helper", ""),
    "amend_account": ("amended an account", ""),
}
#: The records whose entries a street reaches, or not: their own street's (a helper's
#: employment: its household's street's).
_STREET_KINDS = frozenset({"Household", "FundAccount", "Inspection", "Helper"})
#: The events of the records an amendment's rules read (``_RecordRules._reference_rules``):
#: the pass notes each one's position in the log.
_REFERENCE_EVENTS = frozenset(
    {
        *("StreetRegistered", "VillageAdded", "Opened", "YearParametersSet"),
        # an enterprise's record of its pairings, which a voided unpairing's rules read
        *("PairingsOpened", "PairingTaken", "PairingRetaken", "PairingReleased"),
    }
)


#: Events that place a record in a street (a household's identification, an account's or an
#: inspection's opening, an account's or inspection's street amended) or set a village's flag:
#: the pass notes each (``Verifier._place``), to judge later events by (since session 25).
#: The events ``Verifier._able`` reads: what makes a household able, willing, registered and a
#: key target, and a correction that may void one of them.
_ABLE_EVENTS = frozenset({"Identified", "Registered", "Amended", "Corrected"})
_PLACING = frozenset(
    {"Identified", "AccountOpened", "InspectionOpened", "Amended", "VillageAdded", "VillageAmended"}
)
#: Events a street officer's street is not judged on as they are read: corrections and
#: amendments (judged after the pass, ``_RecordRules._recorder_refused``), and the sides saved
#: with another event, which is judged itself (a payment's receipt, a voided receipt, an
#: enterprise's pairings opened or retaken).
_STREET_SIDES = frozenset(
    {"Corrected", "Amended", "FundsReceived", "ReceiptVoided", "PairingsOpened", "PairingRetaken"}
)
#: Events naming the household whose street judges them, on another record (a helper's).
_OF_HOUSEHOLD = frozenset({"WorkerEmployed", "EmploymentEnded", "PairingTaken", "PairingReleased"})
#: The command of each step of an exit or a return (their events serve several commands).
_STEP_COMMANDS = {
    ("ExitAdvanced", "verified"): "verify_exit",
    ("ExitAdvanced", "approved"): "approve_exit",
    ("ReturnAdvanced", "recognised"): "recognise_return",
    ("ReturnAdvanced", "applied"): "apply_return",
    ("ReturnAdvanced", "reviewed"): "review_return",
    ("ReturnAdvanced", "approved"): "approve_return",
}
_PLACED_RECORDS = frozenset({"Household", "FundAccount", "Inspection"})
#: How ``Verifier._street_rule`` finds an event's street: none; the event's own ``street``; its
#: ``household``'s; its record's; its record's, by the command of its ``step``.
_BY_NONE, _BY_OWN, _BY_HOUSEHOLD, _BY_RECORD, _BY_STEP = range(5)


def _voidable_topics() -> frozenset[str]:
    """The topics of every entry a correction may void (each record's ``VOIDABLE``)."""
    from eventsourcing.utils import get_topic

    from ledger.funds import FundAccount
    from ledger.helpers import Helper
    from ledger.household import Household
    from ledger.inspections import Inspection
    from ledger.officers import Officer

    return frozenset(
        get_topic(getattr(cls, name))
        for cls in (Household, FundAccount, Helper, Inspection, Officer)
        for name in cls.VOIDABLE
    )


@dataclass(frozen=True, order=True)
class Problem:
    """One failed check: where (position in the log; -1 for a checkpoint file), what, why.

    ``log_id`` is the store's own id of the event at ``position`` (SQLite's rowid, PostgreSQL's
    notification id), which ``fupin log`` prints as its "position": ``fupin log --since
    log_id-1 --limit 1`` shows the event. Positions count the log's events from 0 (the Merkle
    leaf index); the store's ids have gaps where rows were deleted (and on PostgreSQL where a
    save failed). None when the problem is not an event's (a checkpoint's, the key table's,
    the end of the ledger) or the id is not known."""

    position: int
    event: str
    reason: str
    log_id: int | None = field(default=None, compare=False)


@dataclass
class VerifyReport:
    """What ``Verifier`` checked and what it found."""

    size: int = 0
    #: Where the check stopped before the log's end (unreadable rows), None when it read it all.
    stopped: int | None = None
    root: bytes = EMPTY_ROOT
    seals: int = 0
    signed: int = 0
    unsigned: int = 0
    checkpoints: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    #: Erasures whose key is destroyed, as the key table check found them (None: not checked).
    erased_keys: int | None = None
    #: Why the key table was not checked, when this connection's role may not read it
    #: (PostgreSQL's analysts, docs/operations.md): not a problem, said beside the result.
    key_table_unchecked: str | None = None
    #: How many of ``problem_count`` are the household key table's (position -2), not the
    #: log's: a restore counts only the log's (more than the problems kept can be either).
    key_table_problems: int = 0
    #: Of ``unsigned``, the ledger's bootstrap, which no key can sign and
    #: ``require_signatures`` exempts: the first admin's registration (``fupin init``, position
    #: 0) and, right after it (position 1), that admin's registration of their own first key.
    bootstrap: int = 0
    #: Of ``unsigned``, a move's (``Verifier.read_move``): the export's rows replayed by
    #: ``import --create``, its import record, its ``RebuiltFromExport`` and the keys it
    #: registered again, which ``require_signatures`` exempts (their signatures are the old
    #: store's); ``moved_on``: the day the move was run (its ``RebuiltFromExport``'s recording
    #: day in China, as ``transparency.moved_on`` gives it, since session 29: UTC before; ""
    #: no move). Since session 23.
    moved: int = 0
    moved_on: str = ""
    #: Of ``unsigned``, those by an officer whose key had been revoked and no new key
    #: registered: a note, not a problem (since session 24 when recorded before
    #: ``REVOKED_RECORDS_NOTHING_SINCE``, since session 32 whenever recorded;
    #: ``require_signatures`` lists them); ``revoked_at``: the first ``_SUSPECTS`` positions.
    revoked_unsigned: int = 0
    revoked_at: list[int] = field(default_factory=list)
    #: The log the store is (``ledger.transparency.store_origin``): ``fupin-jianghai``, or a
    #: moved store's own (since session 25).
    origin: str = "fupin-jianghai"
    #: Of the checkpoints the ledger recorded, those of a moved store signed under
    #: ``fupin-jianghai``, as a fupin before ``ledger.transparency.OWN_ORIGIN_SINCE`` signed
    #: them: a note, not a problem (since session 25 when recorded before that day, since
    #: session 32 whenever recorded: a fupin not yet upgraded still signs so).
    recorded_under_old_origin: int = 0
    #: Each enterprise or cooperative paired with two households at once, as
    #: ``ledger.double_pairings`` says it: a finding under today's rule 一对一, recorded by a
    #: fupin that took it (834adfa), not a problem (since session 26).
    double_pairings: list[DoublePairing] = field(default_factory=list)
    #: Each registered household with labour capacity that is willing and no key target, as
    #: ``ledger.able_not_key`` says it: a finding under today's rule [三], recorded by a fupin
    #: before session 26 that took it, not a problem (since session 26).
    able_not_key_targets: list[Noted] = field(default_factory=list)
    #: Households identified able and willing past the million ``Verifier._able`` keeps at
    #: once (not registered yet): not judged by that rule, and said so.
    able_unjudged: int = 0
    #: Each replacement paired with a household after its exit's approval, as
    #: ``ledger.late_replacements`` says it: a finding under today's rule (a helper is paired
    #: while the household is assisted), recorded by a fupin before 2026-11-30 that took it,
    #: not a problem (since session 26).
    late_replacements: list[Noted] = field(default_factory=list)
    #: Each standing household registered after the end of the programme's last year, as
    #: ``ledger.late_registrations`` says it: a finding under today's rule [三; 六(六)],
    #: recorded by a fupin before 2026-12-02 that took it, not a problem (since session 28).
    late_registrations: list[Noted] = field(default_factory=list)
    #: Each key registration or recorded checkpoint dated before its officer's registration
    #: or the ledger's founding, said: a finding under today's rules (since session 24 they
    #: are refused), recorded by a fupin that took it, not a problem (since session 26).
    dated_before: list[str] = field(default_factory=list)
    #: The sizes of the checkpoints the ledger itself recorded (``CheckpointRecorded``) whose
    #: root was compared with the log's (those a checkpoint file of the same size and root
    #: covered are not counted: the file's comparison is the same).
    recorded_checkpoints: list[int] = field(default_factory=list)
    #: Checkpoint files whose tree the ledger extends but that fupin never made: an older
    #: size signed after the event at that position was recorded (``stale_head``), each
    #: (its file, why). A note, not a problem (since session 28).
    stale_heads: list[tuple[str, str]] = field(default_factory=list)
    #: Each retirement or transfer dated before an entry its officer recorded under the post
    #: it ends (``Verifier._post_ended``): a finding under today's rule, recorded by a fupin
    #: that took it, not a problem (since session 28); each (the note, the command that voids
    #: the step: ``fupin correct officer qu-01 2 --reason …``, since session 31, tester l).
    ended_before_entries: list[tuple[str, str, EntryId]] = field(default_factory=list)
    #: Each household turned down that took a change of members or a closure after, as
    #: ``ledger.after_rejection`` says it: a finding under today's rule, recorded by a fupin
    #: that took it, not a problem (since session 29, tester J).
    after_rejection: list[Noted] = field(default_factory=list)
    #: Each merge 合户 into a household whose exit was under way, as ``ledger.exit_spared``
    #: says it, then each talk under a street inspection, talk or notice recorded twice and
    #: account or (since session 32) key alike to one before it, as ``ledger.oversight_spared``
    #: does, by its rule of
    #: ``SPARED_BEFORE``: a finding under today's rules, recorded by a fupin that took it, not a
    #: problem (since session 30; a closure during an exit and an exit approval voided after a
    #: closure are the household's one ``closed_under_way`` note).
    spared: list[SparedStep] = field(default_factory=list)
    #: Each household that stands closed 注销 with an exit or a return of it under way, once,
    #: whatever left it so, as ``ledger.closed_under_way`` says it: a finding under today's
    #: rules, recorded by a fupin that took it, not a problem (since session 30, re-tester R).
    closed_under_way: list[Noted] = field(default_factory=list)
    #: Each employment of a worker of a household standing past its closure 注销 (not ended,
    #: or ended after it), as ``ledger.closed_under_way`` says it: a finding under today's
    #: rules, recorded by a fupin that took it, not a problem (since session 31).
    employed_past_closure: list[Noted] = field(default_factory=list)
    #: In a ledger made by a move, of the entries the notes under today's rules rest on, those
    #: the move replayed (``ledger.noted``; since session 32, helper b2: every entry was said
    #: recorded before the move, one an older fupin recorded after it too); None: not known.
    replayed: frozenset[EntryId] | None = None
    #: The master id every live household key was checked to be wrapped under: the one the
    #: latest recorded ``MasterKeyRotated`` made current (None: no rotation on record, or the
    #: key table not read).
    current_master: str | None = None
    #: What the store's catalogue says of the ledger's own triggers on PostgreSQL, each a note
    #: (``ledger.schema.own_trigger_notes``): disabled, dropped, or never installed (since
    #: session 32).
    own_triggers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def before_the_move(self, entries: Iterable[EntryId]) -> bool:
        """Whether a note under today's rules resting on ``entries`` is of entries a move
        replayed: in a ledger made by one, every entry of it stored before the move's record
        (none known, or the store could not say: so said, as before session 32)."""
        if not self.moved_on:
            return False
        return self.replayed is None or all(entry in self.replayed for entry in entries)

    def add(self, problem: Problem) -> None:
        """A problem found beside the pass (the read models' position, ``cli.verify``),
        counted, kept among the first ``_KEEP`` and listed in order as the pass's are."""
        self.problem_count += 1
        if len(self.problems) < _KEEP:
            self.problems.append(problem)
            self.problems.sort(key=_problem_order)


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


def event_label(notification: StoredEvent) -> str:
    """``Household.VisitRecorded 3f2…-… v4``: what an inspector looks up with ``fupin log``."""
    name = notification.topic.rsplit(":", 1)[-1]
    return f"{name} {notification.originator_id} v{notification.originator_version}"


#: Where a problem lies, for its label: (topic, the id's 16 bytes, version) as stored.
_Where = tuple[str, bytes, int]
#: A provenance read from the raw state: actor, role, effective date (ISO), and who recorded
#: the event and in what role (the actor and their role, unless ``imported_by`` names another).
_Who = tuple[str, str, str, str, str]
#: A checkpoint the ledger recorded: its event's id (16 bytes) and version.
_Recorded = tuple[bytes, int]


def _label(where: _Where) -> str:
    topic, uid, version = where
    return f"{topic.rsplit(':', 1)[-1]} {UUID(bytes=uid)} v{version}"


@dataclass(frozen=True, slots=True)
class _Kind:
    """What the verifier needs of one topic, worked out once per topic."""

    part: bytes  # the topic as the canonical encoding has it: length, then UTF-8
    fast: bool  # checked from the raw row (else decoded in full)
    name: str = ""  # the event class's name, as the permission table knows it
    roles: frozenset[str] | None = None  # who may record it (None: no rule covers it)
    shape: Shape | None = None  # its fields as the ledger writes them (``ledger.shapes``)


@dataclass
class _Officer:
    role: str
    active: bool = True
    street: str = ""  # "" for a district-level officer
    #: The version of the retirement in force (0: none): a correction voiding it makes the
    #: officer active again (since session 21), as the command does.
    retired_at: int = 0
    #: The posts held, oldest first, each (version, role, street): the registration's, then
    #: each transfer's in force; a correction voiding the last transfer restores the post
    #: before it (since session 21), as the command does.
    posts: list[tuple[int, str, str]] = field(default_factory=list)
    key_id: str = ""
    public_key: str = ""
    #: The key revoked and not replaced since ("" none) and when it was (``on 2016-08-21``,
    #: or ``in the store this ledger was rebuilt from``): an unsigned event of theirs is a
    #: problem (since session 24).
    revoked: str = ""
    revoked_on: str = ""
    #: The effective date of the registration (None: none the verifier could read).
    registered_on: date | None = None
    #: The effective date of the key in force's registration, and of the revocation of the
    #: key revoked and not replaced since (None: none, or a revocation carried by a move):
    #: what ``_dated_before`` judges a rotation, a revocation or a new key by.
    key_on: date | None = None
    revoked_day: date | None = None
    #: The latest effective date (ISO; "" none) of an entry they recorded in the post they
    #: hold, since their registration or latest transfer, and where (its position and
    #: place): a retirement or transfer dated before it is noted (since session 28).
    latest_day: str = ""
    latest_at: tuple[int, _Where] | None = None
    #: The position of the registration or transfer that began the post they hold: where a
    #: note's entry voided since is looked for again (``Verifier.ended_before_entries``).
    post_at: int = 0


@dataclass(frozen=True)
class _EndedEarly:
    """A retirement or transfer dated before the latest entry its officer recorded under the
    post it ends (``Verifier._post_ended``), to be said once the pass is over: by then every
    correction is read, and one may void that entry (since session 28, re-tester R)."""

    holder: str
    step: str
    day: str
    position: int
    where: _Where
    post_at: int
    entry: Entry


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
    latest: str = ""  # the latest recording time in the save (its seal's), UTC ISO 8601
    latest_position: int = -1


@dataclass(slots=True)
class _Times:
    """The recording time of the save read last (its latest), as stored (UTC ISO 8601; ""
    before the first), and where; parsed only when an event is earlier."""

    latest: str = ""
    position: int = -1
    parsed: tuple[str, datetime | None] = ("", None)

    def when(self) -> datetime | None:
        if self.parsed[0] != self.latest:
            self.parsed = (self.latest, _parse_time(self.latest))
        return self.parsed[1]


@dataclass(slots=True)
class _Versions:
    """An aggregate ``broken_versions`` named, followed through the log by its id's 16 bytes
    up to its first break (then reported, and no longer followed)."""

    stored: tuple[int, ...]  # every version stored for it, sorted (the database's answer)
    next: int = 1  # the lowest version not read yet
    #: A version read before ``next``, which is stored later: (position, label), until
    #: ``next`` is read and its position can be named.
    early: tuple[int, str] | None = None

    def is_stored(self, version: int) -> bool:
        i = bisect_left(self.stored, version)
        return i < len(self.stored) and self.stored[i] == version


class Verifier:
    """Reads the log once, front to back, checking every event (see the module docstring)."""

    def __init__(
        self,
        mapper: Mapper[UUID],
        checkpoints: Iterable[tuple[str, Checkpoint]] = (),
        *,
        require_signatures: bool = False,
        trusted_log_keys: Iterable[str] = (),
        backup: bool = False,
    ) -> None:
        #: The log is a backup's, restored to be checked (``fupin restore --checkpoint``): a
        #: checkpoint past its end may be one taken after the backup, not events removed.
        self.backup = backup
        # The application's own transcoder, in eventsourcing's plain mapper: personal data
        # stays the ciphertext that was signed (the ledger's mapper would decrypt it).
        self.mapper: Mapper[UUID] = Mapper(mapper.transcoder, mapper.compressor, mapper.cipher)
        # States that are not plain transcoded JSON cannot be read raw.
        self._raw = mapper.compressor is None and mapper.cipher is None
        self.require_signatures = require_signatures
        self.trusted_log_keys = set(trusted_log_keys)
        self.report = VerifyReport()
        # The store's id of each position: position + the offset in force there. Where the
        # offset changes (a gap), (position, offset); ``_ids_until``: past it, not known.
        self._numbered = False
        self._gap_at = array("q")
        self._gap_offset = array("q")
        self._ids_until: int | None = None
        # A checkpoint whose signature fails says nothing about the ledger: refuse the file,
        # and do not compare the ledger with it.
        self.given: list[tuple[str, Checkpoint]] = []
        for name, checkpoint in sorted(checkpoints, key=lambda item: item[1].size):
            fault = checkpoint.signature_fault()
            if fault is None:
                self.given.append((name, checkpoint))
            else:
                self._problem(-1, f"checkpoint {name}", fault)
        self.checkpoints = list(self.given)  # those whose size is not reached yet
        self.report.checkpoints = [c.size for _, c in self.given]
        self.frontier = Frontier()
        self.officers: dict[str, _Officer] = {}
        #: The ledger's founding: the effective date of its first event (position 0), when
        #: that is an officer's registration (``Ledger.founded_on``).
        self._founded: date | None = None
        self.officer_ids: dict[UUID | str, str] = {}
        self.log_keys: set[str] = set()
        # The log key in force (the last LogKeyRegistered or LogKeyRotated read; "" before
        # any), each change (``LogKeyChange``: where, which key, when), and the key in force at
        # each checkpoint size reached: a checkpoint is judged by the log key in force at its
        # size, and by when that key was rotated out (``key_in_force_fault``).
        self.log_key = ""
        #: The effective date of the log key in force's registration or rotation (None before
        #: any): no rotation or checkpoint is dated before it (``_dated_before``).
        self._log_key_on: date | None = None
        self._log_key_changes: list[LogKeyChange] = []
        # Who first held each key id (an officer id; "" the district's log) and the key ids
        # revoked: a public key belongs to one holder, ever, and a revoked one never comes
        # back (``ledger.transparency.key_holder_fault`` refuses both since 2026-11-30).
        self._key_holders: dict[str, str] = {}
        # The officers' stored ids: their registrations are amended by admins only.
        self._officer_uids: set[object] = set()
        # an amendment's position -> its recorder's role, and the street they worked for then
        self._amenders: dict[int, tuple[str, str | None]] = {}
        # (record id, version) -> position in the log of each event of the records an
        # amendment's rules read (streets, the programme): judged as of the amendment's
        # position, not by recording times that officers' clocks may skew (the reviewer)
        self._reference_at: dict[tuple[bytes, int], int] = {}
        # Every correction read: (position, where, the version it voids, its recorder's role
        # and street then), checked after the pass (``check_corrections``).
        self._corrections: list[tuple[int, _Where, object, str, str | None]] = []
        # Every amendment read (position, where): its record's own rules are replayed on it
        # after the pass, as corrections' are (``check_corrections``).
        self._amendments: list[tuple[int, _Where]] = []
        # The closures 注销 in force (since session 25): a household's id -> its closure's entry,
        # effective date, position and label; a correction voiding it takes it out
        # (``_closure``).
        self._closures: dict[bytes, tuple[int, str, int, str]] = {}
        # Every closure read (position, where): its enterprises' sides are checked after the
        # pass (``_RecordRules._closure_sides_missing``, since session 25).
        self._closings: list[tuple[int, _Where]] = []
        #: Households identified able and willing, not registered as key targets (bit 1
        #: labour, 2 willing, 4 registered), and those to read again after the pass (an
        #: amendment or correction ``_able`` cannot judge alone): ``able_not_key_candidates``.
        self._able_flags: dict[bytes, int] = {}
        self._able_again: set[bytes] = set()
        # What the rules of amendments read of the log besides their records (``_note``).
        self.standing = _Standing()
        self._revoked_keys: set[str] = set()
        self._key_at_size: dict[int, str] = {}
        # The recording time of the event last read (UTC ISO 8601; None: no time), and of the
        # last event of each checkpoint size reached: no checkpoint is signed before it less
        # the clocks' tolerance (``key_in_force_fault``, since session 25).
        self._last_at: str | None = None
        self._recorded_at_size: dict[int, str | None] = {}
        # The sizes one past a checkpoint file's that the pass is to stop at (sorted): there
        # ``_recorded_at_size`` holds when the event after the checkpoint's was recorded, which
        # ``stale_head`` compares with its time (since session 28).
        self._after_sizes: list[int] = []
        # The checkpoints the ledger itself recorded, not reached yet: (size, root, label,
        # where: its event's id and version), sorted by size (``read_recorded_checkpoints``).
        self.recorded: list[tuple[int, bytes, str, _Recorded]] = []
        # Those whose signature does not verify with the log key in force when they were
        # recorded, with what is wrong: reported at their event (``_check_recorded_checkpoint``).
        self._altered: dict[_Recorded, str] = {}
        # A recorded checkpoint whose root differed, reported when the pass reached its size
        # (at the last position it covers), moved to its own event once the pass reads it.
        self._differed: dict[_Recorded, Problem | None] = {}
        # Where the pass read each recorded checkpoint's event: one read before the log reaches
        # its size (a row before it deleted) is reported at its event straight away.
        self._read_at: dict[_Recorded, int] = {}
        # The first admin (``fupin init``), once position 0 is read as their registration.
        self._founder: str | None = None
        # The log the store is (``verify_ledger`` sets it): a recorded checkpoint is signed
        # under it (``read_recorded_checkpoints``).
        self.origin = LOG_NAME
        # A move this ledger was made by (``read_move``): its RebuiltFromExport (id, version)
        # and the importing admin; the phase the pass is in (``_MOVE_*``); whether the event
        # being read is the move's; the key ids it registered again not yet read, in order
        # (its RebuiltFromExport's ``registers``; None for a record made without them).
        self._move: tuple[bytes, int, str] | None = None
        self._move_keys: list[str] = []
        # The keys its record names revoked and held by an officer (key id -> officer id),
        # whose revocation the move may record after it (``RevokedKeyCarried``), each once;
        # and whether the event being read is one.
        self._move_carried: dict[str, str] = {}
        self._carrying = False
        self._move_phase = _MOVE_DONE
        self._in_move = False
        self.span: _Span | None = None
        self.suspects: list[int] = []
        self._kinds: dict[str, _Kind] = {}
        self._roles: dict[str, frozenset[str] | None] = {}
        self._dates: set[str] = set()
        # Aggregates whose versions have a gap or are out of the log's order, with the versions
        # stored for each (``ledger.transparency.broken_versions``, set by ``verify_ledger``):
        # only their rows are followed, version by version.
        self.broken_versions: dict[bytes, tuple[int, ...]] = {}
        self._follows: dict[bytes, _Versions] = {}
        self._times = _Times()
        # The largest checkpoint whose root matched (size, name) and the unsigned count there:
        # a later mismatch lies after it.
        self._matched: tuple[int, str] = (0, "")
        # Checkpoint files signed by the log key in force whose root the log did not match:
        # (the problem kept, their size, their log key), until one of at least their size
        # matches (``_split_views``)
        self._mismatched: list[tuple[Problem | None, int, str]] = []
        #: The largest size of a checkpoint the ledger recorded that matched: said beside
        #: where to look, never narrowing it (``_root_mismatch``; since session 34).
        self._recorded_matched = 0
        self._unsigned_at_match = 0
        self._stopped: int | None = None  # where a row that cannot be read ended the check
        # Told each household's identification as the pass reads it (number, effective day,
        # id bytes, version, store id): since session 33, ``OversightScan``'s note of keys
        # alike but for case, so its scan after the pass need not read them all again.
        self.identified: Callable[[object, str, bytes, int, int], None] | None = None
        # The last position whose recording time was reported as set back (``_check_time``).
        self._time_fault = -1
        # The master id the latest ``MasterKeyRotated`` read made current (step 11).
        self._master: str | None = None
        # Where records stand (since session 25, ``_place``): each street named once, by
        # index; each household's, account's and inspection's id (16 bytes) -> its street's
        # index (households': at most ``_PLACES_KEPT``, the older half forgotten past it); each
        # account's and inspection's alone, all kept (few; their streets follow amendments);
        # whether a household was forgotten (then one missing is read from the store,
        # ``_identified_street``); each village's flag by (its street's id, its name), as the
        # log stood so far.
        self._street_index: dict[str, int] = {}
        self._street_names: list[str] = []
        self._placed: dict[bytes, int] = {}
        self._kept_places: dict[bytes, int] = {}
        self._forgot = False
        #: The store the log is read from (``verify_ledger``): a forgotten household's
        #: identification is read from it by id.
        self.store: ApplicationRecorder | None = None
        #: Each retirement or transfer dated before an entry under the post it ends, by its
        #: (record id's bytes, version): its note, until a correction voids it (``_post_ended``).
        self.ended_notes: dict[tuple[bytes, int], _EndedEarly] = {}
        #: Every entry a correction in the log voids, (``record_hex`` of its record, version):
        #: an entry voided does not make a retirement or transfer early (``_post_ended``).
        self.voided_entries: set[tuple[str, int]] = set()
        #: A SQLite file (``verify_ledger``): its row ids never skip a number but where rows
        #: were deleted, so a gap in them is reported (``_gap``; since session 27).
        self.gaps_are_deletions = False
        self._village_flags: dict[tuple[bytes, str], bool] = {}
        #: Each fund account's latest payment, or its first allocation if it paid nothing.
        self._fund_accounts: dict[bytes, tuple[int, _Where]] = {}
        # Records with an event holding what no command writes, reported at it (``_shape_fault``):
        # their replay after the pass would only say it again (one per record)
        self._misshapen: set[bytes] = set()
        self._misshapen_at: set[int] = set()  # and where those events are
        # Households moved 迁移 (since session 25, ``_moved``): the village before the first
        # move and the live moves, (date, village before, village after, version), in the
        # log's order; at most ``_PLACES_KEPT``, the older half forgotten past it (a forgotten
        # or unknown household's are read again from the store at its next move).
        self._moves: dict[bytes, tuple[str | None, list[tuple[str, str, str, int]]]] = {}
        self._street_plans: dict[str, tuple[int, tuple[str, ...], bool]] = {}

    def run(
        self, log: Iterable[StoredRow], progress: Callable[[int], None] | None = None
    ) -> VerifyReport:
        """Check every row of ``log`` (as ``ledger.transparency.stored_rows`` gives them), then
        what can only be checked at the end. The store's ids are not known: the problems
        give none (``run_numbered`` does)."""
        self._numbered = False
        return self._run(((n, *row) for n, row in enumerate(log, 1)), progress)

    def run_numbered(
        self, log: Iterable[NumberedRow], progress: Callable[[int], None] | None = None
    ) -> VerifyReport:
        """As ``run``, each row with the store's own id for it first (``numbered_rows``):
        each problem at an event gives that id (``Problem.log_id``)."""
        self._numbered = True
        return self._run(log, progress)

    def _run(
        self, log: Iterable[NumberedRow], progress: Callable[[int], None] | None
    ) -> VerifyReport:
        self._read(iter(log), progress)
        if progress is not None:
            progress(self.frontier.size % 1000)
        return self.finish()

    # -- the checkpoints the ledger recorded --------------------------------------------------

    def read_recorded_checkpoints(self, recorder: ApplicationRecorder) -> None:
        """The size and root of each checkpoint the ledger recorded (``CheckpointRecorded``,
        the log aggregate's events, looked up by its id: no scan of the log), compared with
        the log's root as the pass reaches each size (``_check_checkpoints_at``). Each one's
        signature is checked here, with the log key in force when it was recorded (the last
        ``LogKeyRegistered`` or ``LogKeyRotated`` before it: ``TransparencyLog.record`` takes
        no other): one that does not verify was altered in the store, and is reported at its
        own event, not compared (its root says nothing of the events). A checkpoint file given
        with the same size and root is that comparison already. One that cannot be read here
        is left to the pass, which reads its event like any other (and reports it). Memory:
        one size and root per checkpoint recorded; one signature check each."""
        files = {(c.size, c.root_bytes) for _, c in self.given}
        found: list[tuple[int, bytes, str, _Recorded]] = []
        try:
            for stored, key in recorded_with_keys(recorder, self.mapper):
                self._recorded_checkpoint(stored, key, files, found)
        except Exception:  # the store cannot answer: the pass reports what is wrong
            pass
        self.recorded = sorted(found)
        self.report.recorded_checkpoints = [size for size, _, _, _ in self.recorded]

    def _recorded_checkpoint(
        self,
        stored: StoredEvent,
        key: tuple[str, str] | None,
        files: set[tuple[int, bytes]],
        found: list[tuple[int, bytes, str, _Recorded]],
    ) -> None:
        try:
            event: Any = self.mapper.to_domain_event(stored)
            size, root = event.size, bytes.fromhex(event.root)
            _signed = (event.time, event.signature)  # present, or left to the pass
        except Exception:  # not readable: reported where the pass reads it
            return
        if not (type(size) is int and size >= 1 and len(root) == 32):
            return  # not a checkpoint: reported where the pass reads it
        where = (_uuid_bytes(stored.originator_id), stored.originator_version)
        if key is not None:
            signed_as = recorded_origin(event, key, self.origin)
            if signed_as is None:
                self._altered[where] = self._not_signed(event, key)
                return
            if signed_as != self.origin:  # signed as a fupin before OWN_ORIGIN_SINCE did
                self.report.recorded_under_old_origin += 1
        if (size, root) not in files:
            label = f"{_CHECKPOINT_TOPIC.rsplit(':', 1)[-1]} {stored.originator_id}"
            label += f" v{stored.originator_version}"
            found.append((size, root, label, where))

    @staticmethod
    def _not_signed(event: Any, key: tuple[str, str]) -> str:
        """What is wrong with a recorded checkpoint ``key`` signed neither under the store's
        origin nor, in a moved store, under the old name ``fupin-jianghai`` (a note, whenever
        recorded, since session 32: ``recorded_origin``): it was altered."""
        return (
            f"was altered (its signature does not verify): it is not what {key[0]}, the log key "
            "in force when it was recorded, signed (its size, root, time or signature was "
            "changed)"
        )

    # -- a move (import --create of an export) -------------------------------------------------

    def read_move(self, recorder: ApplicationRecorder) -> None:
        """Whether this ledger was made by a move 迁移 (``import --create`` of an export into an
        empty store, ``ledger.moves``), read from the import register's first events (no
        scan of the log): its first import's batch, whose first row is an export's
        ``initialise`` (``officer:ID@1``), followed by the ``RebuiltFromExport`` of the same
        file (its SHA-256). Then the pass counts as the move's, not as missing signatures under
        ``require_signatures``, every unsigned event up to that record and it, and the
        unsigned key registrations by the importing admin that follow it at once, as its
        ``registers`` lists them (the keys the move registered again, each once, in order;
        a record made before it listed them: any such registration): the export's rows were
        signed, if at all, in the store they came from, and the new store has no key at first
        (since session 23: a fully signed ledger, moved, failed ``--require-signatures``
        forever). Events after are judged as usual."""
        register = natural_id("imports", "imports")
        first: str | None = None
        digests: set[str] = set()
        after: int | None = None
        try:
            while True:
                page = recorder.select_events(register, gt=after, limit=4)
                if not page:
                    return
                for stored in page:
                    name = stored.topic.rsplit(".", 1)[-1]
                    if name == "ImportsStarted" and stored.originator_version == 1:
                        continue
                    event: Any = self.mapper.to_domain_event(stored)
                    if name == "RebuiltFromExport":
                        if (
                            first
                            and EXPORT_INITIALISED.fullmatch(first)
                            and digests == {event.sha256}
                        ):
                            uid = _uuid_bytes(stored.originator_id)
                            self._move = (uid, stored.originator_version, event.prov.actor)
                            self._move_phase = _MOVE_PREFIX
                            # A record without the list exempts none after it (the
                            # reviewer: any registration of the admin's passed then).
                            again = getattr(event, "registers", None) or ()
                            self._move_keys = list(again)[::-1]
                            revoked = set(getattr(event, "revoked", ()))
                            self._move_carried = {
                                kid: who
                                for kid, who in zip(
                                    getattr(event, "held_keys", ()),
                                    getattr(event, "held_by", ()),
                                    strict=True,
                                )
                                if who and kid in revoked
                            }
                            self.report.moved_on = (
                                event.timestamp.astimezone(CHINA).date().isoformat()
                            )
                        return
                    if name != "BatchRecorded":
                        return
                    if first is None:
                        first = str(event.refs[0]) if event.refs else ""
                    digests.add(event.sha256)
                    if len(digests) > 1:  # a second import: no move came after the first
                        return
                after = page[-1].originator_version
        except Exception:  # the store cannot answer, or an event not as written: the pass says
            self._move, self._move_phase = None, _MOVE_DONE

    def replayed(self, recorder: ApplicationRecorder) -> frozenset[EntryId] | None:
        """Of the entries the report's notes under today's rules rest on, those the move this
        ledger was made by replayed (``ledger.noted``); None if no move, or none known."""
        if self._move is None:
            return None
        report = self.report
        noted: list[Noted | SparedStep | DoublePairing] = [
            *report.double_pairings,
            *report.able_not_key_targets,
            *report.late_replacements,
            *report.late_registrations,
            *report.after_rejection,
            *report.spared,
            *report.closed_under_way,
            *report.employed_past_closure,
        ]
        entries = [entry for note in noted for entry in note.entries]
        entries += [entry for _, _, entry in report.ended_before_entries]
        move = (UUID(bytes=self._move[0]), self._move[1])
        return replayed_by_move(recorder, move, entries) if entries else None

    def _move_step(self, uid: bytes, version: int, topic: str) -> None:
        """Note whether the event the pass reads now is the move's (``read_move``)."""
        name = topic.rsplit(".", 1)[-1]
        self._carrying = False
        if self._move_phase == _MOVE_PREFIX:
            assert self._move is not None
            self._in_move = True
            if (uid, version) == self._move[:2]:
                self._move_phase = _MOVE_KEYS
        elif name in _MOVE_KEY_EVENTS and self._move_keys != []:
            self._in_move = True
        elif name == _CARRIED and self._move_carried:
            self._in_move = self._carrying = True
        else:
            self._in_move, self._move_phase = False, _MOVE_DONE

    # -- the store's schema (step 12) -----------------------------------------------------------

    def check_schema(self, recorder: ApplicationRecorder) -> None:
        """Report each schema object of the store the ledger never creates (a trigger that
        rewrites saves as they are written): one read of the catalogue."""
        try:
            found = foreign_objects(recorder)
        except Exception as exc:  # the store cannot answer: the pass reports what is wrong
            _refuse_if_busy(exc)
            reason = f"the store's schema could not be read: {_one_line(exc)}"
            self._problem(SCHEMA_POSITION, "schema", reason, at_event=False)
            return
        for kind, name, table in found:
            self._problem(
                SCHEMA_POSITION, f"{kind} {name}", foreign_reason(kind, table, name), at_event=False
            )
        try:
            self.report.own_triggers = own_trigger_notes(recorder)
        except Exception as exc:  # said beside the result, as the key table's role is
            _refuse_if_busy(exc)
            self.report.own_triggers = [
                f"note: the ledger's own triggers could not be read: {_one_line(exc)}"
            ]

    # -- the household key table ------------------------------------------------------------

    def check_household_keys(
        self, recorder: ApplicationRecorder, scan: _KeyScan | None = None
    ) -> None:
        """Check that the key table agrees with the erasures (step 10 of the module docstring).

        The erasures are read first, then the table: ``erase`` saves its event before it
        destroys the key, so a key found destroyed with no erasure on the first read is looked
        up again (an erasure saved in between); an erasure whose key was live is looked at
        again after the table was read (a key destroyed in between). ``scan``: the erasures
        and the households without a key row, read already (beside the pass); else read
        here."""
        try:
            found = self._household_keys(recorder, scan)
        except Exception as exc:  # the store cannot answer: nothing vouches for the table
            datastore = getattr(recorder, "datastore", None)
            sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
            if not sqlite and key_table_denied(exc):
                # This role may not read the table (PostgreSQL's analysts): the check was not
                # made, which says nothing about the ledger; its first statement reads the
                # table, so nothing of it was reported either.
                role = denied_role(datastore)
                self.report.key_table_unchecked = (
                    f"role {role} may not read {KEY_TABLE} (verify as the owner or an officer "
                    "to check it)"
                )
                return
            _refuse_if_busy(exc)
            text = (str(exc).strip().splitlines() or [""])[0]
            reason = f"could not be checked against the erasures: {_store_said(exc)}: {text}"
            self._problem(KEY_TABLE_POSITION, KEY_TABLE, reason)
            return
        self.report.erased_keys = found
        self._name_households(recorder)

    def check_key_masters(self, recorder: ApplicationRecorder) -> None:
        """Step 11 of the module docstring, after the pass: every live household key is
        wrapped under the master the latest recorded ``MasterKeyRotated`` made current (read by
        the pass, no search of the events); one under another (retired or never recorded: a
        fupin from before 2026-11-29 let one wrap a new ledger's first keys) cannot be
        unwrapped with the current master key. The database filters the table; nothing when no
        rotation is on record (then ``keys check``, with the master key, says which is current)
        or this role may not read the table. Keys found under another master are looked at
        again against the latest rotation on record, in case one was saved after the pass read
        past it."""
        master = self._master
        if master is None or self.report.key_table_unchecked is not None:
            return
        datastore = recorder.datastore  # type: ignore[attr-defined]
        kept = len(self.report.problems)
        try:
            if list(live_keys_off(datastore, master, limit=1)):
                latest = latest_master(datastore, getattr(recorder, "events_table_name", None))
                if latest is not None:  # rotated again since the pass read past the rotation?
                    master = latest
                for hid, under in live_keys_off(datastore, master):
                    self._problem(KEY_TABLE_POSITION, _key_label(hid), _off_master(under, master))
            self.report.current_master = master
        except Exception as exc:  # the store cannot answer: nothing vouches for the keys
            _refuse_if_busy(exc)
            text = (str(exc).strip().splitlines() or [""])[0]
            reason = (
                f"could not be checked against the current master key: {_store_said(exc)}: {text}"
            )
            self._problem(KEY_TABLE_POSITION, KEY_TABLE, reason)
        if len(self.report.problems) > kept:
            self._name_households(recorder, kept)
            self.report.problems.sort(key=_problem_order)

    def _name_households(self, recorder: ApplicationRecorder, start: int = 0) -> None:
        """Say the household number beside the id in the key table's problems kept (at most
        ``_KEEP``, so the look-ups are bounded by them, never by the ledger): the number is
        what ``fupin erase`` and ``household show`` take. Looked up after the pass, from each
        household's ``Identified`` event (its number is stored in clear). From the problem at
        ``start`` (those before it are named already)."""
        problems = self.report.problems
        for index, problem in enumerate(problems):
            if index < start or problem.position != KEY_TABLE_POSITION:
                continue
            hid = problem.event.rpartition(" ")[2]
            number = household_number(recorder, hid)
            if number is None:
                continue
            problems[index] = dataclasses.replace(
                problem, reason=named_reason(problem.reason, number)
            )

    def _household_keys(self, recorder: ApplicationRecorder, scan: _KeyScan | None) -> int:
        datastore = recorder.datastore  # type: ignore[attr-defined]
        # The erasures, and the households with no key row at all, in one scan of the events
        # (``missing_key_rows``: the erasures come first, so each such household is known
        # erased or not when it is read).
        erased: set[str] = set()
        rowless = 0  # erasures whose key row is gone: no key of theirs is destroyed
        for hid, erasure in (scan or _KeyScan(recorder)).rows():
            if erasure:
                erased.add(hid)
            elif hid in erased:
                rowless += 1
                self._problem(KEY_TABLE_POSITION, _key_label(hid), _ERASED_NO_ROW)
            else:
                self._problem(KEY_TABLE_POSITION, _key_label(hid), _NO_ROW)
        done: set[str] = set()
        kept = 0  # erasures whose key is marked destroyed but still stored
        unrecorded: list[str] = []
        sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
        for hid, live, unmarked in destroyed_key_rows(datastore):
            if hid in erased:
                done.add(hid)
                if live:
                    kept += 1
                    self._problem(KEY_TABLE_POSITION, f"PersonalDataErased {hid}", _MARKED_ONLY)
                elif unmarked and sqlite:
                    kept += 1
                    self._problem(KEY_TABLE_POSITION, f"PersonalDataErased {hid}", _UNSCRUBBED)
            elif len(unrecorded) < _RECHECK:
                unrecorded.append(hid)
            else:
                self._problem(KEY_TABLE_POSITION, _key_label(hid), _UNRECORDED)
        if unrecorded:
            recorded_since = erased_households(recorder, unrecorded)
            for hid in unrecorded:
                if hid not in recorded_since:
                    self._problem(KEY_TABLE_POSITION, _key_label(hid), _UNRECORDED)
        unfinished = live_keys_among(datastore, sorted(erased - done))
        for hid in sorted(unfinished):
            self._problem(KEY_TABLE_POSITION, f"PersonalDataErased {hid}", _UNFINISHED)
        return len(erased) - len(unfinished) - kept - rowless

    # -- per event ---------------------------------------------------------------------------

    def _read(self, rows: Iterator[NumberedRow], progress: Callable[[int], None] | None) -> None:
        # The hot loop: one row at a time, locals only; anything out of the ordinary (a problem,
        # a seal or officer event, a state the raw check cannot vouch for) calls out.
        kinds, officers, frontier = self._kinds, self.officers, self.frontier
        plans, placed, street_index = self._street_plans, self._placed, self._street_index
        closures, able = self._closures, self._able_flags
        stack = frontier._stack
        sha256, fromhex, loads, dumps = hashlib.sha256, bytes.fromhex, orjson.loads, orjson.dumps
        pack_header, pack_length = _LEAF_HEADER.pack, _LENGTH.pack
        due = self._due()
        broken = self.broken_versions
        times, canonical = self._times, canonical_time
        told, identified = self.identified, _IDENTIFIED_TOPIC
        position = signed = 0
        offset = 1  # the store's id of the row at ``position`` is position + offset (no gap)
        # The last provenance vouched for (no dict equals this object), and its (actor, role).
        last_fields: object = object()
        last_who: _Who | None = None
        try:
            while True:
                try:
                    row = next(rows, None)
                except Exception as exc:  # a row the store itself cannot read
                    _refuse_unreachable(exc, position)
                    self._stopped = position
                    self._problem(position, _UNREADABLE, _one_line(exc), at_event=False)
                    return
                if row is None:
                    return
                log_id, originator, version, topic, state = row
                if log_id != position + offset:  # a gap in the store's ids
                    offset = self._gap(position, log_id)
                try:
                    kind = kinds.get(topic) or self._kind(topic)
                    # SQLite keeps the id as its 32 lowercase hex digits; another spelling
                    # (dashes, capitals; fromhex would also take spaces) is the same 16 bytes
                    # but another key to the recorder
                    if (
                        type(originator) is str
                        and len(originator) == 32
                        and (uid := fromhex(originator)).hex() == originator
                    ):
                        spelled = False
                    else:
                        uid = _uuid_bytes(originator)
                        spelled = not isinstance(originator, UUID)
                    header = pack_header(0, ENCODING_VERSION, uid, version)
                except Exception:  # an id, version or topic that is no such thing
                    self._stopped = position
                    self._problem(position, *_unreadable(row[1:]))
                    return
                if spelled:
                    self._misspelled(position, (topic, uid, version), originator)
                if kind.name in _REFERENCE_EVENTS:
                    self._reference_at[(uid, version)] = position
                if self._move_phase:
                    self._move_step(uid, version, str(topic))
                if not isinstance(state, bytes):  # e.g. rewritten as TEXT in SQLite
                    state = self._not_bytes(position, (topic, uid, version), state)
                if broken and uid in broken:
                    self._check_version(position, (topic, uid, version))
                # 1. the leaf, into the frontier (Frontier.push, inlined)
                h = sha256(b"".join((header, kind.part, pack_length(len(state)), state))).digest()
                node, size = h, position
                while size & 1:
                    node = sha256(b"\x01" + stack.pop() + node).digest()
                    size >>= 1
                stack.append(node)
                # 2. decoded from the raw tree, canonical: who recorded it
                who = None
                if kind.fast:
                    try:
                        tree = loads(state)
                    except orjson.JSONDecodeError:
                        tree = None
                    if (
                        type(tree) is dict
                        and "originator_id" not in tree
                        and "originator_version" not in tree
                        and "class_version" not in tree
                    ):
                        prov = tree.get("prov")
                        if type(prov) is dict and len(prov) == 1:
                            fields = prov.get(_PROVENANCE_TAG)
                            # the events of one save share their provenance: checked once
                            if fields == last_fields:
                                who = last_who
                            else:
                                who = self._provenance(fields)
                                if who is not None:
                                    last_fields, last_who = fields, who
                        personal = tree.get("personal")
                        if type(personal) is dict and _PERSONAL_TAG in personal:
                            who = None  # in clear: not what the ledger writes
                    if who is not None and dumps(tree, option=orjson.OPT_SORT_KEYS) != state:
                        who = None  # not canonical: the transcoder decides what is wrong
                if who is None:
                    event = self._check_decoded(position, (topic, uid, version), h, state)
                    if topic == identified and event is not None:
                        number = getattr(event, "number", None)
                        self._check_number(position, (topic, uid, version), number)
                    if told is not None and topic == identified and event is not None:
                        told(
                            getattr(event, "number", None),
                            _effective_day(event),
                            uid,
                            version,
                            log_id,
                        )
                else:
                    actor, role, day, signer, signer_role = who
                    span = self.span
                    shape = kind.shape
                    if shape is not None and (fault := shape.fault(tree)) is not None:
                        self._shape_fault(position, (topic, uid, version), fault)
                    # 8. no earlier than the save before it: compared as text while in order
                    try:
                        stamp = tree["timestamp"]
                        # a time only as the transcoder reads one: its tag alone in its
                        # object (beside another key it stays an object), as ``_provenance``
                        # reads ``effective``
                        if len(stamp) != 1:
                            raise KeyError("timestamp")
                        text = stamp["__datetime__"]
                        # as text only when written as the ledger writes it: '20260101T…'
                        # or a week date sorts after every '2026-…' and would pass unread
                        in_order = text >= times.latest and canonical(text) is not None
                    except (KeyError, TypeError):  # no time, or not one: _check_time says
                        text, in_order = _Untagged(tree.get("timestamp")), False
                    if in_order:
                        at = text
                        if span is None:
                            times.latest, times.position = text, position
                        elif text > span.latest:
                            span.latest, span.latest_position = text, position
                        if day > text[:10]:  # after the UTC day: is it after China's?
                            self._effective_after(position, (topic, uid, version), day, text)
                    else:
                        recorded = at = self._check_time(position, (topic, uid, version), text)
                        if recorded:
                            self._later(recorded, position)
                            if day > recorded[:10] and self._time_fault != position:
                                self._effective_after(
                                    position, (topic, uid, version), day, recorded
                                )
                    self._last_at = at
                    # 3./4. signed where a seal announced it, else unsigned
                    # (by who recorded it: the actor, or since session 28 the admin who
                    # recorded it for them, ``imported_by``)
                    if span is None:
                        self._unsigned(position, (topic, uid, version), signer)
                    elif (
                        signer == span.signer
                        and span.seen + 1 < span.count
                        and span.marks[span.seen * MARK_SIZE : (span.seen + 1) * MARK_SIZE]
                        == h[:MARK_SIZE]
                    ):
                        span.hasher.update(h)
                        span.seen += 1
                        signed += 1
                    else:  # a problem, or the run's last event
                        self._take(position, (topic, uid, version), h, signer)
                    if signer != actor or signer_role != role:  # recorded for the actor
                        self._check_recorder(
                            position, (topic, uid, version), kind.name, actor, signer, signer_role
                        )
                    # 5. an active officer, in their role, allowed to record it
                    officer = officers.get(actor)
                    if (
                        officer is not None
                        and day > officer.latest_day
                        and not topic.startswith(IMPORT_REGISTER)
                    ):
                        officer.latest_day = day
                        officer.latest_at = (position, (topic, uid, version))
                    if (
                        officer is None
                        or not officer.active
                        or role != officer.role
                        or kind.roles is None
                        or role not in kind.roles
                    ):
                        self._check_role(
                            position, (topic, uid, version), kind.name, actor, role, kind.roles
                        )
                    elif officer.street and role != "admin":  # 5. their street's only
                        # inlined: an entry of a record of their own street, or an
                        # identification or opening in it, passes at once
                        plan = plans.get(topic)
                        if plan is None or not plan[2]:
                            own = False
                        elif plan[0] == _BY_RECORD:
                            own = placed.get(uid) == street_index.get(officer.street)
                        else:
                            own = plan[0] == _BY_OWN and tree.get("street") == officer.street
                        if not own:
                            self._street_rule(
                                kind.name, position, (topic, uid, version), tree.get, actor, officer
                            )
                    if kind.name in _PLACING:
                        # inlined: an identification in a street already noted, room left
                        street = tree.get("street") if kind.name == "Identified" else None
                        if topic == identified:
                            self._check_number(position, (topic, uid, version), tree.get("number"))
                            if told is not None:
                                told(tree.get("number"), day, uid, version, log_id)
                        index = street_index.get(street) if type(street) is str else None
                        if index is not None and len(placed) < _PLACES_KEPT:
                            placed[uid] = index
                        else:
                            self._place(kind.name, uid, tree.get)
                    if kind.name == "Closed" or (closures and uid in closures):
                        where = (topic, uid, version)
                        self._closure(position, where, kind.name, day, tree.get("corrects"))
                    if kind.name == "Moved":
                        self._moved(position, (topic, uid, version), day, tree.get)
                    if kind.name in _ABLE_EVENTS:
                        if kind.name != "Identified":
                            self._able(kind.name, uid, tree.get)
                        # inlined, ``_able``'s commonest case (a ledger of identifications
                        # alone: the call was 10 % of verify's time)
                        elif tree.get("labour") is True and tree.get("willing") is True:
                            if len(able) < _PLACES_KEPT:
                                able[uid] = 3
                            else:
                                self.report.able_unjudged += 1
                    if kind.name in _WATCHED:
                        where = (topic, uid, version)
                        if kind.name == _ALLOCATED:
                            self._fund_accounts.setdefault(uid, (position, where))
                        elif kind.name in _NOTED:
                            self._note(kind.name, position, where, tree.get("payment"))
                        else:
                            corrects = tree.get("corrects")
                            self._watched(kind.name, position, where, corrects, actor, role)
                position += 1
                if position == due:  # 9. a checkpoint's size reached
                    frontier.size = position
                    self._check_checkpoints_at(position)
                    due = self._due()
                if progress is not None and position % 1000 == 0:
                    progress(1000)
        finally:
            frontier.size = position
            self.report.signed += signed

    @property
    def read_to_end(self) -> bool:
        """Whether the pass read every row (no row it could not read stopped it)."""
        return self._stopped is None

    def _due(self) -> int:
        """The size of the next checkpoint (a file's or one the ledger recorded) to compare
        with (-1: none left)."""
        due = self.checkpoints[0][1].size if self.checkpoints else -1
        if self.recorded and (due < 0 or self.recorded[0][0] < due):
            due = self.recorded[0][0]
        if self._after_sizes and (due < 0 or self._after_sizes[0] < due):
            due = self._after_sizes[0]
        return due

    # -- the store's ids ---------------------------------------------------------------------

    def _gap(self, position: int, log_id: Any) -> int:
        """The store's id of the row at ``position`` is not the one after the row before's: a
        gap (rows deleted; on PostgreSQL a save that failed). Returns the new offset. On a
        SQLite file (``gaps_are_deletions``), whose rows are numbered one after another and
        never skip a number but where rows were deleted, the gap is reported (since session
        27, re-tester P: a record's last event deleted left its versions unbroken, every read
        short of it and verify passing, though its row's id was missing)."""
        before = position - 1 + self._offset_before(position)  # the id of the row before
        offset = int(log_id) - position
        if len(self._gap_at) < _GAPS_KEPT:
            self._gap_at.append(position)
            self._gap_offset.append(offset)
        elif self._ids_until is None:
            self._ids_until = position
        if self.gaps_are_deletions:
            missing = int(log_id) - before - 1
            self._problem(
                position,
                "the store's row ids",
                f"they skip from {before} to {log_id} before this event: a SQLite store numbers "
                f"its rows one after another, so {missing} row(s) were deleted here (if they "
                "were a record's last events, its versions show no gap: this and a checkpoint "
                "taken before are what show them)",
            )
        return offset

    def _offset_before(self, position: int) -> int:
        """The offset of the store's ids just before ``position`` (1 before any gap)."""
        return int(self._gap_offset[-1]) if len(self._gap_offset) else 1

    def log_id(self, position: int) -> int | None:
        """The store's id of the event at ``position`` (read already), when known."""
        if not self._numbered or position < 0:
            return None
        if self._ids_until is not None and position >= self._ids_until:
            return None
        i = bisect_right(self._gap_at, position) - 1
        return position + (self._gap_offset[i] if i >= 0 else 1)

    def _check_version(self, position: int, where: _Where) -> None:
        """An event of an aggregate ``broken_versions`` named: the first break in its versions
        as the log reads them is reported, where it sits (then the aggregate is left). A
        version read while the next one expected is stored later was moved before it (a whole
        signed save with it, if it was signed): reported once the later one is read, naming
        its position. One whose predecessors are not stored follows a gap (deleted or
        renumbered; a signed one is reported by its seal too)."""
        _topic, uid, version = where
        follow = self._follows.get(uid)
        if follow is None:
            follow = self._follows[uid] = _Versions(self.broken_versions[uid])
        if follow.early is not None:  # waiting for the version it was stored before
            if version == follow.next:
                early, label = follow.early
                reason = f"stored before version {version} of this aggregate (position {position})"
                self._version_break(uid, early, label, f"{reason}: {_MOVED}")
            return
        expected = follow.next
        follow.next = version + 1
        if version == expected:
            return
        if version < 1:
            reason = f"version {version} is not a positive integer"
        elif version < expected:
            reason = f"version {version} of this aggregate is stored more than once"
            if not follow.is_stored(version):  # not there when the database was asked
                reason = f"stored after version {expected - 1} of this aggregate: {_MOVED}"
        elif follow.is_stored(expected):  # stored later: this one was moved before it
            follow.next, follow.early = expected, (position, _label(where))
            return
        elif version == expected + 1:
            reason = f"version {expected} of this aggregate is missing (deleted or renumbered)"
        else:
            reason = (
                f"versions {expected} to {version - 1} of this aggregate are missing "
                "(deleted or renumbered)"
            )
        self._version_break(uid, position, _label(where), reason)

    def _version_break(self, uid: bytes, position: int, label: str, reason: str) -> None:
        """Report an aggregate's first break and follow it no further."""
        self._problem(position, label, reason)
        self.broken_versions.pop(uid, None)
        self._follows.pop(uid, None)

    def _unread_versions(self) -> None:
        """At the end: versions read before a lower one that never came."""
        for uid, follow in list(self._follows.items()):
            if follow.early is None:
                continue
            position, label = follow.early
            if self._stopped is not None:
                reason = (
                    f"stored before version {follow.next} of this aggregate, which the check did "
                    f"not reach (it stopped at position {self._stopped}): {_MOVED}"
                )
            else:  # listed by the database, but not read: deleted meanwhile
                reason = f"version {follow.next} of this aggregate is missing (deleted)"
            self._version_break(uid, position, label, reason)

    def _misspelled(self, position: int, where: _Where, originator: object) -> None:
        recorded = UUID(bytes=where[1]).hex
        self._problem(
            position,
            _label(where),
            f"its id is stored as {originator!r}; the recorder writes and reads it as "
            f"{recorded}, so this event is not found in its aggregate's history",
        )

    # -- recording times ---------------------------------------------------------------------

    def _check_time(self, position: int, where: _Where, value: object) -> str | None:
        """A recording time the text comparison could not vouch for (earlier than the save
        before it, in another offset, or no time): reported when earlier than the save before
        it by more than ``CLOCK_TOLERANCE`` — the rule the ledger keeps when it records
        (``LedgerCore._check_clock``). Returns it as the ledger writes it (UTC ISO 8601) when it
        is a time, reported or not, for the caller to count (``_later``): the next save is
        compared with it, so a clock set back or forward is reported once, where it changed."""
        untagged = False
        if isinstance(value, _Untagged):  # not written as a time at all: no text is read as one
            untagged, value = True, value.value
        aware = isinstance(value, datetime) and value.utcoffset() is not None
        when = None if untagged else value if aware else _parse_time(value)
        if not isinstance(when, datetime):
            if self.span is None:  # a signed one: its seal tells
                if value is None:
                    said = "it carries no recording time"
                elif isinstance(value, datetime):  # decoded, but naive
                    said = f"its recording time {value.isoformat()} has no offset (UTC)"
                else:
                    said = f"its recording time {value!r} is not a time the ledger can read"
                self._problem(position, _label(where), f"{said}: the value was altered")
            return None
        if isinstance(value, str) and canonical_time(value) is None:
            self._problem(
                position,
                _label(where),
                f"its recording time {value!r} is not written as the ledger writes it "
                "(UTC, YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00): the value was altered",
            )
            return None
        times = self._times
        latest = times.when()
        if latest is not None and when < latest - CLOCK_TOLERANCE:
            self._time_fault = position  # its effective date is not judged by this time
            self._problem(
                position,
                _label(where),
                f"recorded at {when.isoformat()}, earlier than position {times.position} before "
                f"it ({latest.isoformat()}) by more than the {_minutes(CLOCK_TOLERANCE)} clocks "
                "may differ: a clock set back",
            )
        return when.astimezone(UTC).isoformat()

    def _later(self, text: str, position: int) -> None:
        """A recording time read at ``position``: the latest of its save, or the save's."""
        span, times = self.span, self._times
        if span is not None:
            if text > span.latest:
                span.latest, span.latest_position = text, position
        else:
            times.latest, times.position = text, position

    def _end_of_save(self, span: _Span) -> None:
        """A sealed save read to its end: its times (its seal's the latest) count from now."""
        times = self._times
        if span.latest:
            times.latest, times.position = span.latest, span.latest_position

    def _not_bytes(self, position: int, where: _Where, state: object) -> bytes:
        self._problem(position, _label(where), "its stored state is not bytes")
        return str(state).encode()

    def _provenance(self, fields: Any) -> _Who | None:
        """(actor, role, effective date, recorder, recorder's role) of the value of a state's
        ``{"prov": {"__Provenance__": ...}}`` when it is exactly what the transcoder writes for
        a ``Provenance``: its five fields, text, and a canonical date, and since session 28
        both of ``imported_by`` and ``imported_by_role`` as text that is not empty, or neither
        (the recorder is then the actor, in their role); None for anything else (the
        transcoder then decodes the event in full and reports what it finds)."""
        if type(fields) is not dict:
            return None
        keys = fields.keys()
        if keys == _OWN_PROVENANCE_FIELDS:
            by = by_role = ""
        elif keys == _PROVENANCE_FIELDS:
            by, by_role = fields["imported_by"], fields["imported_by_role"]
            if not (type(by) is str and type(by_role) is str and by and by_role):
                return None
        else:
            return None
        actor, role, effective = fields["actor"], fields["role"], fields["effective"]
        if not (
            type(actor) is str
            and type(role) is str
            and type(fields["document"]) is str
            and type(fields["note"]) is str
            and type(effective) is dict
            and len(effective) == 1
        ):
            return None
        day = effective.get("__date__")
        if type(day) is not str or (day not in self._dates and not self._canonical_date(day)):
            return None
        return actor, role, day, by or actor, by_role or role

    def _effective_after(self, position: int, where: _Where, day: str, recorded: str) -> None:
        """An event whose effective date ``day`` is after the UTC date of its recording time
        ``recorded`` (ISO 8601): reported when it is after the China date too."""
        try:
            when = datetime.fromisoformat(recorded)
        except ValueError:  # not a time: ``_check_time`` reports it
            return
        if when.utcoffset() is None:
            return
        local = when.astimezone(CHINA).date().isoformat()
        if day > local:
            self._problem(
                position,
                _label(where),
                f"it took effect on {day}, after the day it was recorded ({local} in China, "
                f"{recorded}): no command records a step dated after its day (-e after today "
                "is refused): the value was altered",
            )

    def _canonical_date(self, text: str) -> bool:
        """Whether ``text`` is a date the transcoder reads and writes back as it is."""
        try:
            canonical = date.fromisoformat(text).isoformat() == text
        except ValueError:
            return False
        if canonical and len(self._dates) < _DATES_KEPT:
            self._dates.add(text)
        return canonical

    def _check_decoded(self, position: int, where: _Where, h: bytes, state: bytes) -> Any:
        """Check an event decoded in full by the transcoder; the event (None if it cannot be
        decoded)."""
        topic, uid, version = where
        stored = StoredEvent(UUID(bytes=uid), version, topic, state)
        event: Any = self._decode(position, where, stored)
        is_seal = topic == _SEAL_TOPIC and event is not None
        if self.span is not None and is_seal:
            self._close_short(position, where)
        recorded = None
        if event is not None:
            # a seal is compared with the save before it, and its time counts for its own
            # save's end; any other event's time counts before the run it ends is closed
            stamp = getattr(event, "timestamp", None)
            if not isinstance(stamp, datetime):  # a text, a date…: decoded, but not as a time
                stamp = _Untagged(stamp)
            recorded = self._check_time(position, where, stamp)
            if recorded and not is_seal:
                self._later(recorded, position)
            effective = getattr(getattr(event, "prov", None), "effective", None)
            if recorded and isinstance(effective, date) and self._time_fault != position:
                day = effective.isoformat()
                if day > recorded[:10]:
                    self._effective_after(position, where, day, recorded)
        self._last_at = recorded
        # who recorded it signs it: the actor, or the admin who recorded it for them
        actor = event.prov.recorder if event is not None else None
        if self.span is not None:
            self._take(position, where, h, actor)
        elif not is_seal:
            # A moved ledger's first event is the export's initialise, replayed: the move's
            # (its exemption says so), not a fupin init (since session 23, said as one).
            bootstrap = (
                event is not None and not self._in_move and self._bootstrap(position, stored, event)
            )
            registers = getattr(event, "key_id", None)
            self._unsigned(position, where, actor, bootstrap, registers)
        if event is None:
            return None
        if type(event).__name__ not in _OWN_SHAPE and getattr(type(event), "class_version", 1) == 1:
            shape = shape_of(type(event))
            fault = None if shape is None else shape.fault(orjson.loads(state))
            if fault is not None:
                self._shape_fault(position, where, fault)
        try:
            if is_seal:
                self._open(position, where, event, stored)
                if recorded and self.span is not None:
                    self.span.latest, self.span.latest_position = recorded, position
            elif not self._first_admin(event):
                name = type(event).__name__
                prov: Provenance = event.prov
                self._check_role(position, where, name, prov.actor, prov.role, self._rule(name))
                if prov.recorder != prov.actor or prov.recorder_role != prov.role:
                    by, by_role = prov.recorder, prov.recorder_role
                    self._check_recorder(position, where, name, prov.actor, by, by_role)
                officer = self._officer(prov.actor)
                day = _effective_day(event)
                if (
                    officer is not None
                    and day != "?"
                    and day > officer.latest_day
                    and not where[0].startswith(IMPORT_REGISTER)
                ):
                    officer.latest_day, officer.latest_at = day, (position, where)
                if (
                    officer is not None
                    and officer.active
                    and officer.street
                    and prov.role == officer.role != "admin"
                ):
                    get = lambda field: getattr(event, field, None)  # noqa: E731
                    self._street_rule(name, position, where, get, prov.actor, officer)
            if not is_seal and type(event).__name__ in _PLACING:
                self._place(type(event).__name__, where[1], lambda f: getattr(event, f, None))
            if not is_seal:
                self._apply(stored.originator_id, event, position, where)
                name = type(event).__name__
                if name == "Closed" or where[1] in self._closures:
                    effective = event.prov.effective
                    day = effective.isoformat() if isinstance(effective, date) else ""
                    self._closure(position, where, name, day, getattr(event, "corrects", None))
                if name == "Moved":
                    effective = event.prov.effective
                    day = effective.isoformat() if isinstance(effective, date) else ""
                    self._moved(position, where, day, lambda f: getattr(event, f, None))
                if name == _ALLOCATED:  # as the raw pass does
                    self._fund_accounts.setdefault(where[1], (position, where))
                elif name in _NOTED:
                    self._note(name, position, where, getattr(event, "payment", None))
                elif name in _WATCHED:
                    corrects = getattr(event, "corrects", None)
                    who = event.prov
                    self._watched(name, position, where, corrects, who.actor, who.role)
            if type(event).__name__ == "CheckpointRecorded":
                self._check_recorded_checkpoint(position, where, event)
                self._dated_before(
                    event,
                    f"the checkpoint of size {event.size} is dated",
                    self._founding(),
                    (
                        self._log_key_on,
                        f"the log key {self.log_key}, which signs it, was registered",
                    ),
                )
        except (AttributeError, TypeError, ValueError) as exc:  # fields missing or mistyped
            self._problem(position, _label(where), f"malformed event ({type(exc).__name__}: {exc})")
        return event

    def _shape_fault(self, position: int, where: _Where, fault: str) -> None:
        """An event holding what no command writes (``ledger.shapes``; since session 37,
        tester g F1, F6): a field of another event class, or a value of another kind."""
        self._misshapen.add(where[1])
        self._misshapen_at.add(position)
        self._problem(position, _label(where), fault)

    def _founding(self) -> tuple[date | None, str]:
        """The ledger's founding as a bound of ``_dated_before`` (``Ledger.check_founded``)."""
        return self._founded, "the ledger was founded (fupin init)"

    def _dated_before(self, event: Any, what: str, *bounds: tuple[date | None, str]) -> None:
        """A finding under today's rules, not a problem (since session 26): a key event or
        checkpoint dated before a step it follows, each ``bound`` (its day, what it was), as
        the commands refuse since session 24 and a fupin before took: a key registered before
        its officer, the key it replaces or the revocation it follows; a revocation before
        its key; a log key registered or rotated before the founding or the log key it
        replaces; a checkpoint before the founding or its log key. One note an event, naming
        every bound it is before."""
        day = getattr(getattr(event, "prov", None), "effective", None)
        if not isinstance(day, date):
            return
        broken = [f"before {since} on {bound}" for bound, since in bounds if bound and day < bound]
        if broken:
            self.report.dated_before.append(f"{what} {day}, {' and '.join(broken)}")

    def _check_recorded_checkpoint(self, position: int, where: _Where, event: Any) -> None:
        """A checkpoint the ledger recorded: its size and root are what one recorded here can
        have (its root is compared with the log's when the pass reaches its size, from
        ``read_recorded_checkpoints``, which skips one that is not, and a mismatch found there
        is moved here, to its own event); one whose signature did not verify there is
        reported here; the signed time of one that did raises the bar for the events after
        it."""
        size, root = event.size, event.root
        if type(size) is not int or size < 1:
            self._problem(
                position,
                _label(where),
                f"its size {size!r} is not a number of events (a whole number, at least 1): "
                "the value was altered",
            )
        elif type(root) is not str or not _HEX_ROOT(root):
            self._problem(
                position,
                _label(where),
                f"its root {root!r} is not a Merkle root (64 hex digits): the value was altered",
            )
        recorded = (where[1], where[2])
        self._read_at[recorded] = position
        if recorded in self._differed:  # reported at its size: now where its event is
            self._moved_to_event(self._differed.pop(recorded), position)
        if recorded in self._altered:
            why = self._altered.pop(recorded)
            self._problem(
                position, _label(where), f"the ledger's own checkpoint at position {position} {why}"
            )
        # the time the log key signed: no event after it may be earlier either (it only ever
        # raises the bar: a signed time altered to the past must not let the next save be set
        # back; one altered forward is reported above, and the next save too, like a clock set
        # forward)
        signed_at = _parse_time(event.time)
        latest = self._times.when()
        if signed_at is not None and (latest is None or signed_at > latest):
            self._later(signed_at.astimezone(UTC).isoformat(), position)

    def _moved_to_event(self, problem: Problem | None, position: int) -> None:
        """A problem kept at the last position a recorded checkpoint covers (its size was
        reached first), moved to its own event at ``position``, with that event's store id."""
        self._restate(problem, position=position, log_id=self.log_id(position))

    def _restate(self, problem: Problem | None, **changes: Any) -> None:
        """``problem`` (a kept one, as ``_problem`` returned it) with ``changes``, in its place
        among the report's problems (nothing if it was not kept)."""
        problems = self.report.problems
        for i, kept in enumerate(problems):
            if kept is problem:
                problems[i] = dataclasses.replace(kept, **changes)
                return

    def _kind(self, topic: Any) -> _Kind:
        encoded = topic.encode("utf-8")
        kind = _Kind(_LENGTH.pack(len(encoded)) + encoded, fast=False)
        if self._raw and topic.startswith("ledger.") and topic != _SEAL_TOPIC:
            try:
                cls = resolve_topic(topic)
            except Exception:  # reported, event by event, when decoded in full
                cls = None
            if (
                isinstance(cls, type)
                and issubclass(cls, LedgerAggregate.Event)
                and cls.__name__ not in _TYPED
                and getattr(cls, "class_version", 1) == 1
            ):
                name = cls.__name__
                kind = _Kind(kind.part, True, name, self._rule(name), shape_of(cls))
        if len(self._kinds) < _TOPICS_KEPT:
            self._kinds[topic] = kind
        return kind

    def _rule(self, name: str) -> frozenset[str] | None:
        if name not in self._roles:
            self._roles[name] = roles_recording(name)
        return self._roles[name]

    def _decode(
        self, position: int, where: _Where, stored: StoredEvent
    ) -> DomainEventProtocol[UUID] | None:
        if not stored.topic.startswith("ledger."):
            self._problem(position, _label(where), f"topic {stored.topic!r} is not a ledger event")
            return None
        try:
            event = self.mapper.to_domain_event(stored)
        except Exception as exc:  # any corruption of the stored bytes lands here
            self._problem(position, _label(where), f"cannot be decoded ({_cause(exc)})")
            return None
        prov = getattr(event, "prov", None)
        if not isinstance(prov, Provenance):
            self._problem(position, _label(where), "carries no provenance")
            return None
        fault = _provenance_fault(prov)
        if fault:  # the transcoder builds a provenance of whatever its fields hold
            self._problem(position, _label(where), fault)
            return None
        try:
            again = self.mapper.to_stored_event(event).state
        except Exception as exc:  # a value no ledger writes (1e3 for an amount: a float)
            self._problem(
                position,
                _label(where),
                f"its stored bytes are not the canonical encoding: it holds a value the ledger "
                f"never writes ({_cause(exc)})",
            )
            return None
        if again != stored.state or isinstance(vars(event).get("personal"), Personal):
            # Same values, other bytes (spacing, key order, escapes): not what was written.
            # Personal data in clear is not what the ledger writes either: it seals it.
            self._problem(
                position, _label(where), "its stored bytes are not the canonical encoding"
            )
        return event

    def _open(self, position: int, where: _Where, seal: Any, stored: StoredEvent) -> None:
        self.report.seals += 1
        self.span = None
        if not (isinstance(seal.count, int) and isinstance(seal.signer, str)):
            raise TypeError("seal count or signer of the wrong type")
        digest = bytes.fromhex(seal.digest)
        marks = bytes.fromhex(seal.marks)
        signature = bytes.fromhex(seal.signature)
        count, broken = seal.count, False
        if count < 1 or len(marks) != MARK_SIZE * count:
            # A count that misstates its marks (the seal's fault, reported below): whole marks
            # say which events the officer signed, not the events after them (tester N,
            # session 19: the next event, never in that save, was blamed as altered). Marks
            # broken too (none, or cut mid-mark): the count stands, and the save's events are
            # taken without blame (the reviewer: each was called unsigned, "a seal removed").
            if len(marks) >= MARK_SIZE and len(marks) % MARK_SIZE == 0:
                count = len(marks) // MARK_SIZE
            else:
                broken = True
        self.span = None
        if count >= 1:
            self.span = _Span(position, seal.signer, count, digest, marks, marked=broken)
        reason = self._seal_fault(seal, digest, marks, signature)
        if not reason and (
            stored.originator_id != natural_id("seal", seal.digest)
            or stored.originator_version != 1
        ):
            reason = "a seal's id and version must follow from its digest (uuid5, version 1)"
        if reason:
            self._problem(position, _label(where), reason)

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
        try:
            public = parse_public_key(officer.public_key)
        except InputError as exc:  # registered before such keys were refused
            return f"{seal.signer}'s registered key proves nothing: {exc.rule}"
        if not signature_valid(public, signature, message):
            return f"the signature of {seal.signer} does not verify"
        return ""

    def _take(self, position: int, where: _Where, h: bytes, actor: object) -> None:
        """An event a seal announced; ``actor`` None when it could not be decoded."""
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
                _label(where),
                f"differs from what {span.signer} signed (seal at position {span.position})",
            )
        elif actor is not None and actor != span.signer:
            self._problem(
                position,
                _label(where),
                f"recorded by {actor} inside a save "
                f"signed by {span.signer} (seal at position {span.position})",
            )
        if span.seen == span.count:
            if span.hasher.digest() != span.digest and not span.marked:
                self._problem(span.position, "seal", "the events after it do not match its digest")
            self.span = None
            self._end_of_save(span)

    def _close_short(self, position: int, where: _Where) -> None:
        span = self.span
        assert span is not None
        self._problem(
            position,
            _label(where),
            f"the save sealed at position {span.position} ends "
            f"after {span.seen} of its {span.count} events",
        )
        self.span = None
        self._end_of_save(span)

    def _unsigned(
        self,
        position: int,
        where: _Where,
        actor: object,
        bootstrap: bool = False,
        key: object = None,
    ) -> None:
        """An event no seal announced; ``actor`` None when it could not be decoded;
        ``bootstrap``: the ledger's bootstrap, which no key can sign (``_bootstrap``);
        ``key``: the key id a key registration registers."""
        self.report.unsigned += 1
        if len(self.suspects) < _SUSPECTS:
            self.suspects.append(position)
        officer = self._officer(actor)
        if officer is not None and officer.key_id:
            self._problem(
                position,
                _label(where),
                f"unsigned, but {actor}'s key {officer.key_id} "
                "was in force (a seal was removed or never made)",
            )
        elif bootstrap:
            self.report.bootstrap += 1
        elif self._in_move and self._moving(actor, key):
            self.report.moved += 1
        elif officer is not None and officer.revoked and officer.revoked_on == CARRIED_REVOCATION:
            # a revocation a move carried (RevokedKeyCarried) is written only by a fupin that
            # refuses such a save (b2a72b6 came after f420a38, session 24), and no older fupin
            # reads the officer past it: no fupin took this event
            self._problem(
                position,
                _label(where),
                f"unsigned, but {actor}'s key {officer.revoked} was revoked "
                f"{officer.revoked_on} and no new key registered: {actor} records nothing "
                "until one is, and no fupin that carried that revocation takes such a save "
                "(recorded in their name without their key)",
            )
        elif officer is not None and officer.revoked:
            # what a fupin before session 24 took, and one not yet upgraded still takes: an
            # unsigned event, a note whenever recorded (since session 32, tester f)
            self.report.revoked_unsigned += 1
            if len(self.report.revoked_at) < _SUSPECTS:
                self.report.revoked_at.append(position)
            if self.require_signatures:
                self._problem(
                    position,
                    _label(where),
                    f"{_UNSIGNED_REQUIRED}; {actor}'s key {officer.revoked} was revoked "
                    f"{officer.revoked_on} and no new key registered: today's fupin records "
                    f"nothing of {actor} until one is, and this event cannot be told from one "
                    "recorded in their name without their key",
                )
        elif self.require_signatures:
            self._problem(position, _label(where), _UNSIGNED_REQUIRED)

    def _moving(self, actor: object, key: object) -> bool:
        """Whether an unsigned event read in the move (``_move_step``) is the move's: any
        before its record, and after it the key registrations of its importing admin of the
        keys its record lists, each once, in order (since session 23: any registration of
        that admin's, one made by hand after the move too; a record without the list: none)."""
        if self._move_phase != _MOVE_KEYS or key is None:  # before it, or the record itself
            return True
        assert self._move is not None
        if self._carrying:  # a revocation its record names, each once (since session 24)
            if actor == self._move[2] and key in self._move_carried:
                return True  # (``_carried`` takes it from the list)
            self._in_move, self._move_phase, self._carrying = False, _MOVE_DONE, False
            return False
        keys = self._move_keys
        if actor == self._move[2] and keys and keys[-1] == key:
            keys.pop()
            return True
        self._in_move, self._move_phase = False, _MOVE_DONE
        return False

    def _bootstrap(self, position: int, stored: StoredEvent, event: Any) -> bool:
        """Whether an unsigned event is the ledger's bootstrap, which no key can sign: the
        first admin's registration of themself (``fupin init``) at position 0, and at position
        1, right after it, that admin's registration of their own first key (a key is in force
        from the next save). Nothing else is, not even that registration made later: a ledger
        signed from its first possible save has exactly these two unsigned events."""
        try:
            if position == 0:
                if self._first_admin(event):
                    self._founder = event.officer_id
                    return True
                return False
            return (
                position == 1
                and self._founder is not None
                and type(event).__name__ == "SigningKeyRegistered"
                and event.prov.actor == self._founder
                and self.officer_ids.get(stored.originator_id) == self._founder
            )
        except AttributeError:  # fields missing: reported as a malformed event
            return False

    def _officer(self, actor: object) -> _Officer | None:
        return self.officers.get(actor) if isinstance(actor, str) else None

    def _check_role(
        self,
        position: int,
        where: _Where,
        name: str,
        actor: object,
        role: object,
        roles: frozenset[str] | None,
    ) -> None:
        officer = self._officer(actor)
        if officer is None or not officer.active:
            reason = f"{actor} was not an active officer"
        elif role != officer.role:
            reason = f"recorded as {role}, but {actor} was {officer.role}"
        elif roles is None:
            reason = f"no permission rule covers {name} (ledger.authority.EVENT_COMMANDS)"
        elif officer.role not in roles:
            reason = f"{actor} is {officer.role}; {name} needs {' or '.join(sorted(roles))}"
        else:
            return
        self._problem(position, _label(where), reason)

    def _check_recorder(
        self, position: int, where: _Where, name: str, actor: object, by: object, role: object
    ) -> None:
        """An event recorded by ``by`` (in ``role``) for its actor (``imported_by``, since
        session 28: the district office importing an officer's rows): ``by`` was an active
        admin then, as only an admin records (imports) another officer's entries
        (``ledger.imports``); the actor's own right to the act is ``_check_role``'s."""
        officer = self._officer(by)
        if by == actor:
            reason = f"imported_by names {actor}, its actor: an entry its actor records names none"
        elif officer is None or not officer.active:
            reason = f"imported by {by} for {actor}, but {by} was not an active officer"
        elif role != officer.role:
            reason = f"imported by {by} as {role} for {actor}, but {by} was {officer.role}"
        elif officer.role != "admin":
            reason = (
                f"imported by {by} ({officer.role}) for {actor}: only an admin records (imports) "
                f"another officer's {name}"
            )
        else:
            return
        self._problem(position, _label(where), reason)

    def _able(self, name: str, uid: bytes, get: Callable[[str], Any]) -> None:
        """Keep what ``able_not_key_candidates`` needs from an identification, registration,
        amendment or correction, as the pass reads it (since session 26: a scan of the log
        after the pass took as long as the pass on a ledger of identifications). Only the
        households identified able and willing are kept, until a registration as a key target
        (the rule since session 26) lets them go: memory holds those not registered yet and
        the few registered no key target. An amendment or a correction the flags kept cannot
        judge alone sends its household to be read again."""
        flags = self._able_flags
        if name == "Identified":
            if get("labour") is True and get("willing") is True:
                if len(flags) < _PLACES_KEPT:
                    flags[uid] = 3
                else:  # bounded as the places are; said, not judged
                    self.report.able_unjudged += 1
        elif name == "Registered":
            if uid in flags:
                if get("key_target") is True:
                    del flags[uid]
                else:
                    flags[uid] |= 4
        elif name == "Amended":
            changes = get("changes")
            if type(changes) is not dict:
                return
            if not {"labour", "willing", "key_target"}.intersection(changes):
                return
            bits = flags.get(uid)
            if bits is None:
                if (
                    changes.get("labour") is True
                    or changes.get("willing") is True
                    or changes.get("key_target") is False
                ):
                    self._able_again.add(uid)  # not kept: read again after the pass
                return
            for field, bit in (("labour", 1), ("willing", 2)):
                if field in changes:
                    bits = bits | bit if changes[field] is True else bits & ~bit
            if bits & 3 != 3 or changes.get("key_target") is True:
                del flags[uid]  # not able and willing, or a key target: no candidate now
            else:
                flags[uid] = bits
        elif uid in flags:  # a correction may void a registration
            self._able_again.add(uid)

    def able_not_key_candidates(self) -> list[UUID]:
        """The households the pass leaves registered, able, willing and no key target, and
        those it could not judge alone: each is read again, as its record stands."""
        found = {uid for uid, bits in self._able_flags.items() if bits == 7}
        return sorted(UUID(bytes=uid) for uid in found | self._able_again)

    def _place(self, name: str, uid: bytes, get: Callable[[str], Any]) -> None:
        """Note where a record stands (``_PLACING``), from its event's fields as stored (the raw
        pass) or decoded: a household's, account's or inspection's street (an amendment's of
        an account or inspection, if it gives one), a village's flag. A field altered so that
        it is no such value is the pass's to report, not noted here."""
        if name in ("VillageAdded", "VillageAmended"):
            village, flag = get("name"), get("relatively_poor")
            if isinstance(village, str) and isinstance(flag, bool):
                self._village_flags[(uid, village)] = flag
            return
        if name == "Amended":
            changes = get("changes")
            if uid not in self._kept_places or not isinstance(changes, dict):
                return  # a household's street is its identification's (not amendable)
            street = changes.get("street")
        else:
            street = get("street")
        if isinstance(street, str):
            index = self._street_index.get(street)
            if index is None:
                index = self._street_index[street] = len(self._street_names)
                self._street_names.append(street)
            if name != "Identified":
                self._kept_places[uid] = index
            elif len(self._placed) >= _PLACES_KEPT:
                self._forget()
            self._placed[uid] = index

    def _forget(self) -> None:
        """Forget the older half of the places noted (households' and the rest); accounts'
        and inspections' are noted again (all kept, ``_kept_places``)."""
        placed = self._placed
        for uid in list(itertools.islice(placed, len(placed) // 2)):
            del placed[uid]
        placed.update(self._kept_places)
        self._forgot = True

    def _street_of(self, uid: bytes, household: bool = False) -> str | None:
        index = self._placed.get(uid)
        if index is None and household and self._forgot:
            street = self._identified_street(uid)
            if street is not None:
                self._place("Identified", uid, {"street": street}.get)
            return street
        return None if index is None else self._street_names[index]

    def _identified_street(self, uid: bytes) -> str | None:
        """The street of the household ``uid`` by its identification (``identified_state``),
        for one whose place was forgotten; None if there is no readable identification (its
        events not judged by their street, as for a record whose street verify cannot tell)."""
        state = None if self.store is None else identified_state(self.store, UUID(bytes=uid))
        street = None if state is None else state.get("street")
        return street if isinstance(street, str) else None

    def _street_rule(
        self,
        name: str,
        position: int,
        where: _Where,
        get: Callable[[str], Any],
        actor: str,
        officer: _Officer,
    ) -> None:
        """A street officer's event (since session 25): ``ledger.authority.check_permission``
        of its command, judged on the street the officer worked for as recorded last before
        it and the street of what it records in: a household's (by its identification), an
        account's or an inspection's (as opened or amended by then), a helper's employment's
        or an enterprise's pairing's household's, an identification's or opening's own. A
        record whose street is not known (altered, or never placed) is not judged here. The
        way to each topic's street is worked out once (``_street_plan``); an event in the
        officer's own street under no district command passes without more."""
        plan = self._street_plans.get(where[0])
        if plan is None:
            plan = self._street_plan(name, where[0])
        how, commands, local = plan
        if not commands:
            return
        if how == _BY_STEP:
            step = _STEP_COMMANDS.get((name, get("step")))
            if step is None:
                return
            commands, local = (step,), PERMISSIONS[step].scope != "district"
        target: str | None = None
        if how == _BY_OWN:
            street = get("street")
            target = street if isinstance(street, str) else None
        elif how == _BY_HOUSEHOLD:
            household = get("household")
            if isinstance(household, str):
                target = self._street_of(natural_id("household", household).bytes, True)
        elif how in (_BY_RECORD, _BY_STEP):
            target = self._street_of(where[1], _record_of(where[0]) == "Household")
        if local and target == officer.street:
            return
        if target == "" and name == "RectificationReported":
            return  # a district inspection's: the street of its finding's subject
        refused = ""
        for command in commands:
            permission = PERMISSIONS[command]
            if officer.role not in permission.roles:
                continue  # its role: ``_check_role``
            if target is None and permission.scope == "street":
                return  # not known here
            try:
                check_permission(command, actor, officer.role, officer.street, target or "")
            except PermissionRefusedError as exc:
                refused = refused or exc.rule
            else:
                return
        if refused:
            theirs = f"of street {target!r}" if target else "the district's"
            self._problem(
                position,
                _label(where),
                f"{actor} worked for street {officer.street!r} (as recorded last before it) and "
                f"the entry is {theirs}: the command refuses it (refused as: {refused})",
            )

    def _street_plan(self, name: str, topic: str) -> tuple[int, tuple[str, ...], bool]:
        """How ``_street_rule`` finds the street of an event of ``topic`` (``_BY_*``), the
        commands that record it (none: not judged there) and whether none of them is the
        district's; kept per topic (as many as the ledger's event classes)."""
        commands = EVENT_COMMANDS.get(name, ())
        record = _record_of(topic)
        if name in _STREET_SIDES:
            commands = ()
        if name in ("ExitAdvanced", "ReturnAdvanced"):
            how = _BY_STEP
        elif name in ("Identified", "AccountOpened", "InspectionOpened"):
            how = _BY_OWN
        elif name in _OF_HOUSEHOLD:
            how = _BY_HOUSEHOLD
        elif record in _PLACED_RECORDS:
            how = _BY_RECORD
        else:
            how = _BY_NONE
        local = all(PERMISSIONS[command].scope != "district" for command in commands)
        plan = (how, tuple(commands), local)
        if len(self._street_plans) < _TOPICS_KEPT:
            self._street_plans[topic] = plan
        return plan

    def _watched(
        self, name: str, position: int, where: _Where, corrects: object, actor: str, role: str
    ) -> None:
        """An officer's registration amended: by an admin only (``amend_officer``). A
        correction: kept, with the street its recorder worked for then, to be checked once
        the pass is over against the entry it voids (``check_corrections``)."""
        officer = self.officers.get(actor)
        street = None if officer is None else officer.street
        if name == "Corrected" and isinstance(corrects, int):
            self.voided_entries.add((UUID(bytes=where[1]).hex, corrects))
        if name == "Corrected" and where[1] in self._officer_uids:
            self._reinstated(where, corrects)
        if name == "Corrected" and where[1] in self._moves:
            self._move_voided(where[1], corrects)
        if name in ("Amended", "VillageAmended", "RulesAmended"):
            self._amendments.append((position, where))
            self._amenders[position] = (role, street)
            if where[1] in self._officer_uids and role not in _AMEND_OFFICER:
                self._problem(
                    position,
                    _label(where),
                    f"{role} amended an officer's registration; amend_officer needs "
                    f"{' or '.join(sorted(_AMEND_OFFICER))}",
                )
            return
        self._corrections.append((position, where, corrects, role, street))

    def _closure(self, position: int, where: _Where, name: str, day: str, corrects: object) -> None:
        """The closure rule replayed (since session 25): a household closed 注销 takes no step
        dated on or after its closure (``Household.trigger_event``; a correction, amendment,
        erasure or voided receipt still taken), nor a second closure; a correction voiding
        the closure opens it again from there (whether it may void it is judged with every
        correction, ``check_corrections``). Read in recording order, so what comes after the
        closure in the log was recorded after it."""
        uid = where[1]
        closure = self._closures.get(uid)
        if closure is None:  # a closure (one with no date is malformed: the pass says so)
            if day:
                self._closures[uid] = (where[2], day, position, _label(where))
                self._closings.append((position, where))
            return
        entry, closed_on, at, said = closure
        if name == "Corrected" and corrects == entry:
            del self._closures[uid]
        elif name == "Closed" or (name not in AFTER_CLOSURE and day >= closed_on):
            rule = (
                "a household is closed once"
                if name == "Closed"
                else "a closed household takes no step dated on or after its closure"
            )
            self._problem(
                position,
                _label(where),
                f"dated {day}, recorded after the household's closure {said} (position {at}, "
                f"dated {closed_on}): {rule}",
            )

    def _moved(self, position: int, where: _Where, day: str, get: Callable[[str], Any]) -> None:
        """The rules of ``household move`` replayed (since session 25): to a village of the
        household's street as the log stood at the move (``_village_flags``), other than the
        one it was in on the move's date, which ``was`` names (by the live moves read before
        it, or the identification's village as amended); not dated before the latest live
        move (a voided one taken out, ``_move_voided``). Its date against the identification
        is the pass's rule of dates."""
        village, was = get("village"), get("was")
        if not (day and isinstance(village, str) and isinstance(was, str)):
            return  # malformed: the pass says so
        uid = where[1]
        state = self._moves.get(uid)
        if state is None:
            if len(self._moves) >= _PLACES_KEPT:
                for old in list(itertools.islice(self._moves, len(self._moves) // 2)):
                    del self._moves[old]
            state = self._moves[uid] = self._move_history(uid, where[2])
        first, moves = state
        said = _label(where)
        street = self._street_of(uid, True)
        if street is not None and (natural_id("street", street).bytes, village) not in (
            self._village_flags
        ):
            self._problem(
                position,
                said,
                f"a move to {village!r}, not a village of street {street} as the log stood "
                f"then: the command refuses it (refused village: {village!r} is not a village "
                f"of street {street})",
            )
        if moves and day < moves[-1][0]:
            last = moves[-1]
            self._problem(
                position,
                said,
                f"a move dated {day}, before the household's move to {last[2]} dated {last[0]} "
                f"(entry {last[3]}): the command refuses it (moves are dated in order)",
            )
        latest = [after for effective, _, after, _ in moves if effective <= day]
        was_then = latest[-1] if latest else (moves[0][1] if moves else first)
        if was_then is not None and was != was_then:
            self._problem(
                position,
                said,
                f"the move says the household was in {was!r} on {day}; it was in {was_then!r} "
                "by its identification and the moves recorded before it",
            )
        if was_then is not None and village == was_then:
            self._problem(
                position,
                said,
                f"a move to {village!r}, the village the household was in on {day}: the "
                "command refuses it (a move is to another village)",
            )
        moves.append((day, was, village, where[2]))

    def _move_voided(self, uid: bytes, corrects: object) -> None:
        """A correction of a moved household voiding one of its live moves: taken out (whether
        it may void it is judged with every correction, ``check_corrections``); with none left,
        the household is forgotten here (its next move reads its village again, as amended)."""
        first, moves = self._moves[uid]
        kept = [move for move in moves if move[3] != corrects]
        if not kept:
            del self._moves[uid]
        elif len(kept) < len(moves):
            self._moves[uid] = (first, kept)

    def _move_history(
        self, uid: bytes, version: int
    ) -> tuple[str | None, list[tuple[str, str, str, int]]]:
        """The village a household was identified in (as amended) and its live moves, from its
        events before ``version`` read from the store in one statement, at its first move
        (or its first since it was forgotten); None for a village that cannot be read (the
        ``was`` of its first move not judged)."""
        first: str | None = None
        moves: list[tuple[str, str, str, int]] = []
        if self.store is None:
            return first, moves
        try:
            for stored in self.store.select_events(UUID(bytes=uid), lte=version - 1):
                kind = self._kinds.get(stored.topic) or self._kind(stored.topic)
                if kind.name not in ("Identified", "Amended", "Moved", "Corrected"):
                    continue
                event: Any = self.mapper.to_domain_event(stored)
                if kind.name == "Identified":
                    first = event.village
                elif kind.name == "Amended" and "village" in event.changes and not moves:
                    first = event.changes["village"]
                elif kind.name == "Moved":
                    day = event.prov.effective.isoformat()
                    moves.append((day, event.was, event.village, stored.originator_version))
                elif kind.name == "Corrected":
                    moves = [move for move in moves if move[3] != event.corrects]
        except Exception:  # damaged: not told here (the pass reported it when it read it)
            return None, []
        return (first if isinstance(first, str) else None), moves

    def _note(self, name: str, position: int, where: _Where, payment: object) -> None:
        """An event an amendment's rules read (``_NOTED``): the first place of each kind a
        rule judged, and a payment to a village, from its fields as stored (a dict, on the
        raw pass) or as decoded (a ``Disbursement``). One altered so that it is neither is
        reported by the pass, not here."""
        if name != "Disbursed":
            self.standing.judged.setdefault(name, position)
            return
        self._fund_accounts[where[1]] = (position, where)
        if isinstance(payment, dict):
            payment = payment.get("__Disbursement__")
        said: Any = vars(payment) if isinstance(payment, Disbursement) else payment
        if not isinstance(said, dict):
            return
        street, village = said.get("street"), said.get("village")
        if (
            said.get("purpose") == "village"
            and isinstance(street, str)
            and isinstance(village, str)
        ):
            self.standing.village_payments.append((position, where[1], where[2], street, village))
            # the payment's side of the flag (since session 25): as the log stood at it
            if self._village_flags.get((natural_id("street", street).bytes, village)) is False:
                self._problem(
                    position,
                    _label(where),
                    f"a village payment to {village} of {street}, which was not a relatively "
                    "poor village 相对贫困村 then (added or amended so before it): the command "
                    f"refuses it (refused village: {village} is not a relatively poor village "
                    "相对贫困村)",
                )

    def _reinstated(self, where: _Where, corrects: object) -> None:
        """A correction of an officer's record voiding their retirement in force: they are
        active again from it on, as the command makes them; voiding their latest transfer
        in force (since session 21): they hold the post before it again, by which their
        later events are judged (whether the correction may void it, and who may record it,
        is judged with every correction once the pass is over)."""
        officer = self.officers.get(self.officer_ids.get(UUID(bytes=where[1]), ""))
        if officer is None:
            return
        if isinstance(corrects, int):
            self.ended_notes.pop((where[1], corrects), None)
        if not officer.active and corrects == officer.retired_at:
            officer.active, officer.retired_at = True, 0
        elif officer.active and len(officer.posts) > 1 and corrects == officer.posts[-1][0]:
            officer.posts.pop()
            _version, officer.role, officer.street = officer.posts[-1]

    def check_balances(self, recorder: ApplicationRecorder) -> None:
        """Each fund account that received or paid anything holds amounts a command writes
        (since session 36), and one that made a payment never runs below zero at a day's end, by its
        allocations and payments in force by effective date, as every payment is judged when
        recorded (``FundAccount``, ``lowest_balance``: never beyond the balance [六(四)]).
        Since session 35 (tester e: a payment of 50,000 yuan appended by hand to an account
        of 800 passed verify, and report funds showed a balance of -49,200.00 yuan unsaid).
        Reported at the account's latest payment; one read of each account that paid, after
        the pass (accounts are few)."""
        for uid, (position, where) in sorted(self._fund_accounts.items()):
            if uid in self._misshapen:  # an amount of another kind: reported at its event
                continue
            account = record_as_stored(recorder, self.mapper, UUID(bytes=uid))
            if not isinstance(account, FundAccount):
                # an event of it not as written, which the pass reports, or an amount no
                # command writes that its replay cannot add (a text: tester g, session 36)
                self._problem(
                    position,
                    _label(where),
                    "its fund account cannot be replayed from its events: one holds a value "
                    "no command writes (an amount that is no whole number of fen?)",
                )
                continue
            odd = _odd_amounts(account)
            if odd:
                self._problem(
                    position,
                    _label(where),
                    f"fund account {account.code}'s entries {', '.join(odd)} hold amounts no "
                    "command writes: an allocation or payment is a whole number of fen above "
                    "zero and at most 1,000,000,000,000.00 yuan (report funds counts them as "
                    "stored)",
                )
                continue
            short = lowest_balance(list(account.flows.values()))
            if short is None:
                continue
            day, balance = short
            paid = [
                f"entry {version} ({format_yuan(-fen)} yuan)"
                for version, (on, fen) in sorted(account.flows.items())
                if on == day and fen < 0
            ]
            self._problem(
                position,
                _label(where),
                f"fund account {account.code}'s balance is {format_yuan(-balance)} yuan below "
                f"zero at the end of {day}, by its allocations and payments in force (its "
                f"payments that day: {', '.join(paid)}): every payment is refused beyond the "
                f"balance, the money having arrived by its date [六(四)] (report funds shows "
                "the balance below zero)",
            )

    def check_corrections(self, recorder: ApplicationRecorder) -> None:
        """Each correction voids an entry its record may void (``VOIDABLE``: a registration,
        say, never; of an exit's steps, only its approval), recorded by someone the entry's
        permission lets void it (``correction_command``, as the command asks it): an
        inspection's entry by an inspector or admin, an exit's approval by the district (an
        admin, or an officer of no street). A correction forged into the file otherwise
        passed, and a household it named could no longer be loaded. One read of the voided
        entry each, after the pass (corrections are few)."""
        voidable = _voidable_topics()
        self.standing.voids = [
            (at, where[1], corrects) for at, where, corrects, *_ in self._corrections
        ]
        rules = _RecordRules(self.mapper, recorder, self._reference_at, self.standing)
        replayed: list[tuple[int, _Where]] = []
        kept = len(self.report.problems)
        voided: dict[tuple[bytes, int], int] = {}  # (record, entry) -> the correction's position
        for position, where, corrects, role, street in self._corrections:
            said = _label(where)
            if type(corrects) is not int or corrects < 1:
                self._problem(position, said, f"it voids {corrects!r}, no entry's version")
                continue
            if corrects >= where[2]:  # the entry would come after its own correction
                self._problem(position, said, f"it voids entry {corrects}, which comes after it")
                continue
            earlier = voided.setdefault((where[1], corrects), position)
            if earlier != position:  # the command refuses it: ``entry N was already corrected``
                reason = (
                    f"it voids entry {corrects}, which the correction at position {earlier} "
                    "voided already"
                )
                self._problem(position, said, reason)
                continue
            found = recorder.select_events(
                UUID(bytes=where[1]), gt=corrects - 1, lte=corrects, limit=1
            )
            if not found:
                self._problem(position, said, f"it voids entry {corrects}, which is not on record")
                continue
            target = found[0]
            record, entry = target.topic.rsplit(":", 1)[-1].rsplit(".", 1)
            # Of an exit's steps only its approval is an entry (the others are not voidable).
            step = _step(self.mapper, target) if target.topic == _APPROVAL_TOPIC else "approved"
            if target.topic not in voidable:
                reason = f"it voids entry {corrects}, {with_article(entry)}: no correctable entry"
            elif step != "approved":
                reason = f"it voids entry {corrects}, an exit's {step!r} step: only an approval is"
            else:
                reason = _not_permitted(correction_command(record, entry), role, street)
            if not reason and target.topic == _PAYMENT_TOPIC:
                reason = self._receipt_left(recorder, where[1], corrects, target)
            if reason:
                self._problem(position, said, reason)
            else:  # its form and recorder are sound: would its record's rules allow it?
                replayed.append((position, where))
                rules.recorded_by[position] = (role, street)
        for position, where in self._amendments:  # judged by its record's command, replayed
            if where[1] not in self._officer_uids:  # an officer's: ``_watched``
                rules.recorded_by[position] = self._amenders[position]
        replayed += self._amendments
        replayed += self._closings  # their enterprises' sides (since session 25)
        for position, where, reason in rules.refusals(replayed):
            if position not in self._misshapen_at:  # its fields: reported at it already
                self._problem(position, _label(where), reason)
        if len(self.report.problems) > kept:
            self.report.problems.sort(key=_problem_order)

    def _receipt_left(
        self, recorder: ApplicationRecorder, account: bytes, version: int, stored: StoredEvent
    ) -> str:
        """What is wrong when a correction voids a payment to a household (``stored``, entry
        ``version`` of the account whose id is ``account``) but the household's receipt of it
        stands: ``fupin correct`` voids both in one save (``ReceiptVoided``); one written by
        hand without it left the money in the household's funds (session 18: not checked).
        "" when the receipt is voided, the payment was to no household, or the household
        holds no receipt of it (a payment recorded before receipts were)."""
        try:
            payment = self.mapper.to_domain_event(stored).payment  # type: ignore[attr-defined]
            number = payment.household if payment.purpose == "household" else ""
        except Exception:  # an altered payment: the pass reports it
            return ""
        if not isinstance(number, str) or not number:
            return ""
        household = natural_id("household", number)
        received = False  # a ledger may hold payments from before receipts were recorded
        for item in recorder.select_events(household):
            if item.topic not in (_RECEIPT_TOPIC, _RECEIPT_VOIDED_TOPIC):
                continue
            try:
                receipt: Any = self.mapper.to_domain_event(item)
                this = (
                    receipt.disbursement == version
                    and natural_id("fund", str(receipt.account)).bytes == account
                )
            except Exception:  # reported by the pass
                continue
            if this and item.topic == _RECEIPT_VOIDED_TOPIC:
                return ""
            received = received or this
        if not received:
            return ""
        return (
            f"it voids entry {version}, a payment to household {number}, whose receipt of it "
            "is not voided (no ReceiptVoided on the household): the household still counts "
            "the money"
        )

    def _first_admin(self, event: Any) -> bool:
        """The ledger's first event: the first admin registers themself (``fupin init``)."""
        prov: Provenance = event.prov
        return (
            type(event).__name__ == "OfficerRegistered"
            and not self.officers
            and prov.actor == event.officer_id
            and event.role == prov.role == "admin"
        )

    def _apply(self, originator: UUID | str, event: Any, position: int, where: _Where) -> None:
        name = type(event).__name__
        if name == "MasterKeyRotated":
            # As the ledger records a rotation: its aggregate's id names the new master (one
            # that does not was altered, and its seal or a checkpoint says so).
            master = event.master_id
            if type(master) is str and str(rotation_id(master)) == str(originator):
                self._master = master
            return
        if name == "OfficerRegistered":
            self._officer_uids.add(where[1])
            self.officer_ids[originator] = event.officer_id
            day = getattr(event.prov, "effective", None)
            day = day if isinstance(day, date) else None
            if position == 0:
                self._founded = day
            self.officers[event.officer_id] = _Officer(
                event.role,
                street=event.street,
                posts=[(where[2], event.role, event.street)],
                registered_on=day,
            )
            return
        if name in ("LogKeyRegistered", "LogKeyRotated"):
            self._claim(event.key_id, "", position, where)
            if event.key_id in self.log_keys:  # since session 24 refused when registered
                self._problem(
                    position,
                    _label(where),
                    f"key {event.key_id} is the district's log key again, but it was rotated "
                    "out before: a log key rotated out is never the log key again (it may have "
                    "leaked)",
                )
            replaced = (
                self._log_key_on,
                f"the log key {self.log_key}, which it replaces, was registered",
            )
            self._dated_before(
                event,
                f"the log key {event.key_id}'s registration is dated",
                self._founding(),
                replaced if name == "LogKeyRotated" else (None, ""),
            )
            self.log_keys.add(event.key_id)
            self.log_key = event.key_id
            self._log_key_on = _effective_date(event)
            self._log_key_changes.append(log_key_change(event, position))
            return
        officer = self.officers.get(self.officer_ids.get(originator, ""))
        if officer is None:
            return
        if name == "OfficerRoleChanged":
            self._post_ended(officer, originator, event, position, where)
            officer.role, officer.street = event.role, event.street
            officer.posts.append((where[2], event.role, event.street))
            officer.latest_day, officer.latest_at, officer.post_at = "", None, position
        elif name == "OfficerRetired":
            self._post_ended(officer, originator, event, position, where)
            officer.active, officer.retired_at = False, where[2]
        elif name == "SigningKeyRegistered":
            holder = self.officer_ids[originator]
            self._claim(event.key_id, holder, position, where)
            follows: tuple[date | None, str] = (None, "")
            if officer.key_id:
                what = f"{holder}'s key {officer.key_id}, which it replaces, was registered"
                follows = (officer.key_on, what)
            elif officer.revoked:
                follows = (officer.revoked_day, f"{holder}'s key {officer.revoked} was revoked")
            self._dated_before(
                event,
                f"{holder}'s key {event.key_id} is registered on",
                (officer.registered_on, f"{holder} was registered"),
                follows,
            )
            officer.key_id, officer.public_key = event.key_id, event.public_key
            officer.key_on = _effective_date(event)
            officer.revoked = officer.revoked_on = ""
            officer.revoked_day = None
        elif name == "SigningKeyRevoked":
            self._revoked_keys.add(event.key_id)
            holder = self.officer_ids[originator]
            what = f"{holder}'s key {event.key_id} is revoked on"
            self._dated_before(event, what, (officer.key_on, "it was registered"))
            officer.revoked, officer.revoked_on = event.key_id, f"on {_effective_day(event)}"
            officer.revoked_day = _effective_date(event)
            officer.key_id, officer.public_key = "", ""
            officer.key_on = None
        elif name == _CARRIED:
            self._carried(officer, self.officer_ids[originator], event, position, where)

    def _post_ended(
        self, officer: _Officer, originator: UUID | str, event: Any, position: int, where: _Where
    ) -> None:
        """A retirement or transfer dated before the latest entry its officer recorded under
        the post it ends: a note (since session 28; the commands refuse it, tester L), kept
        until a correction voids it (``_reinstated``). The entry is named by its record's key
        (one indexed read, for the few such steps)."""
        day = _effective_day(event)
        if day == "?" or officer.latest_at is None or day >= officer.latest_day:
            return
        holder = self.officer_ids[originator]
        at, (topic, uid, version) = officer.latest_at
        entry = Entry(self.log_id(at) or at, UUID(bytes=uid), version, topic, officer.latest_day)
        step = "retirement" if type(event).__name__ == "OfficerRetired" else "transfer"
        self.ended_notes[(where[1], where[2])] = _EndedEarly(
            holder, step, day, position, where, officer.post_at, entry
        )

    def ended_before_entries(self, recorder: ApplicationRecorder) -> list[tuple[str, str, EntryId]]:
        """The note of each retirement or transfer ``_post_ended`` kept: one whose entry a
        correction voids (before the step or after it, by anyone) is judged again by the latest
        entry of the post left standing, read from the log between the post's start and the
        step (re-tester R, session 28: a visit typed 2018-12-20 and voided still made a
        retirement of 2018-12-15 early). For the few such steps."""
        notes = []
        for kept in self.ended_notes.values():
            entry: Entry | None = kept.entry
            if (record_hex(kept.entry.originator_id), kept.entry.version) in self.voided_entries:
                after = self.log_id(kept.post_at) or 0
                before = self.log_id(kept.position)
                page = partial(stored_page, recorder)
                entry = latest_entry(page, kept.holder, after, before, self.voided_entries, False)
            if entry is not None and entry.day > kept.day:
                void = f"fupin correct officer {kept.holder} {kept.where[2]} --reason …"
                step = (UUID(bytes=kept.where[1]), kept.where[2])
                notes.append((self._ended_note(kept, entry), void, step))
        return notes

    def _ended_note(self, kept: _EndedEarly, entry: Entry) -> str:
        record = (
            record_named(self.store, entry)
            if self.store is not None
            else f"{_record_of(entry.topic)} {entry.originator_id}"
        )
        return (
            f"{kept.holder}'s {kept.step} (entry {kept.where[2]}, log position "
            f"{self.log_id(kept.position) or kept.position}) is dated {kept.day}, before "
            f"{entry.name} dated {entry.day} (entry {entry.version} of {record}, log position "
            f"{entry.position}), which {kept.holder} recorded under the post it ends"
        )

    def _carried(
        self, officer: _Officer, holder: str, event: Any, position: int, where: _Where
    ) -> None:
        """A key revoked before a move, recorded by the move (``RevokedKeyCarried``, since
        session 24): the officer records nothing until a new key is registered. The move's
        are exempt as its key registrations are (``_moving``), each once, and name a key its
        record names revoked and held by that officer."""
        kid = event.key_id
        if self._carrying and self._move_carried.pop(kid, holder) != holder:
            self._problem(
                position,
                _label(where),
                f"key {kid} recorded by the move as {holder}'s, revoked before it, but the "
                "move's record (RebuiltFromExport) names it held by another",
            )
        officer.revoked, officer.revoked_on = kid, CARRIED_REVOCATION
        officer.key_id, officer.public_key = "", ""
        officer.key_on = officer.revoked_day = None  # its day is not known here

    def _claim(self, key: str, holder: str, position: int, where: _Where) -> None:
        """``holder`` (an officer id; "" the log) is given ``key``: a problem if the key was
        revoked before, or held by another before (whoever holds it signs as either)."""

        def named(who: str) -> str:
            return "the district's log key" if who == "" else f"registered for {who}"

        if key in self._revoked_keys:
            self._problem(
                position,
                _label(where),
                f"key {key} is {named(holder)}, but it was revoked before: a revoked key may "
                "have leaked and is never registered again",
            )
        first = self._key_holders.setdefault(key, holder)
        if first != holder and key not in self._revoked_keys:
            self._problem(
                position,
                _label(where),
                f"key {key} is {named(holder)}, but it was {named(first)} before: a public key "
                "belongs to one holder, ever (its holder can sign as either)",
            )

    # -- checkpoints and the end -------------------------------------------------------------

    def _check_checkpoints_at(self, size: int) -> None:
        """The log has ``size`` events: compare its root with the checkpoint files of that size,
        then with the checkpoints the ledger recorded of that size; note the log key in force
        (a checkpoint file is judged by it, ``_check_checkpoint_files``)."""
        self._key_at_size[size] = self.log_key
        self._recorded_at_size[size] = self._last_at
        while self._after_sizes and self._after_sizes[0] <= size:
            self._after_sizes.pop(0)
        root = self.frontier.root() if self.checkpoints or self.recorded else b""
        while self.checkpoints and self.checkpoints[0][1].size == size:
            name, checkpoint = self.checkpoints.pop(0)
            if size + 1 not in self._after_sizes:
                self._after_sizes.append(size + 1)  # sizes come in order: it stays sorted
            if root != checkpoint.root_bytes:
                kept = self._problem(
                    size - 1, f"checkpoint {name}", self._root_mismatch(size), at_event=False
                )
                if self._trusted(checkpoint):
                    self._mismatched.append((kept, size, checkpoint.key_id))
                    if self._matched[0] == size:  # one of its size matched already
                        self._split_views(size, self._matched[1], checkpoint.key_id)
            elif self._trusted(checkpoint):
                # the first ``size`` events are as it saw them: a later change lies after them
                self._matched = (size, name)
                self._unsigned_at_match = self.report.unsigned
                self.suspects.clear()
                self._split_views(size, name, checkpoint.key_id)
        while self.recorded and self.recorded[0][0] == size:
            _, recorded_root, label, where = self.recorded.pop(0)
            if root == recorded_root:
                self._recorded_matched = size
            else:
                # its signature verified (``read_recorded_checkpoints``): the events changed.
                # Never narrows where to look (``_matched``): the store holds both the events
                # and this root, and whoever holds the log key could sign another. Kept at
                # the last position it covers until the pass reads its event.
                said = f"the ledger's own checkpoint at size {size} no longer matches the events"
                reason = f"{said} before it: {self._root_mismatch(size)}"
                read_at = self._read_at.get(where)
                if read_at is not None:  # its event lies among them now: rows were deleted
                    self._problem(read_at, label, reason)
                else:
                    self._differed[where] = self._problem(size - 1, label, reason, at_event=False)

    def _split_views(self, size: int, name: str, key: str) -> None:
        """Checkpoint ``name`` of ``size``, signed by log key ``key``, matched the log: each
        checkpoint file of at most its size, signed by the same key, that did not match is no
        sign of an edit of this ledger (the first ``size`` events are as ``name`` saw them),
        but of the log key signing two histories, neither extending the other (since session
        37, session 36's tester g F8: the inspector was sent to look for a removed save among
        events the failing checkpoint does not cover)."""
        for kept, at, signer in self._mismatched:
            keys = f"the log key {key}" if signer == key else f"the log keys {signer} and {key}"
            reason = (
                f"the first {at} events do not hash to its root, yet checkpoint {name} (size "
                f"{size}) matched them: both are signed by {keys}, in force at their sizes, so "
                f"two histories of this log were signed, neither extending the other (a split "
                f"view: the log key was misused or leaked); this ledger is the history {name} "
                "signed"
            )
            self._restate(kept, reason=reason)
        self._mismatched = []

    def _trusted(self, checkpoint: Checkpoint) -> bool:
        """Whether a checkpoint is signed by a log key that counts: the log key in force at its
        size, and pinned when keys are (``_check_checkpoint_files`` reports the others at the
        end). Called when the log reaches its size."""
        pinned = self.trusted_log_keys
        return checkpoint.key_id == self.log_key and (not pinned or checkpoint.key_id in pinned)

    def _root_mismatch(self, size: int) -> str:
        """Why a checkpoint's root differs, with where to look when the verifier knows: when
        no problem was found before ``size``, the change lies after the largest checkpoint
        that matched, in an unsigned event (every signed one matched its seal) or in whole
        signed saves (removed, inserted or moved: each seal still matches its own events).
        Called when the log reaches ``size``, so the counts so far are the counts before it."""
        said = f"the first {size} events do not hash to its root"
        if self.report.problem_count:
            return said  # the problems found before it say where
        start, name = self._matched
        scope = f" from position {start} on (checkpoint {name} matched the first {start})"
        scope = scope if start else ""
        unsigned = self.report.unsigned - self._unsigned_at_match
        if not unsigned:
            matched = f"every event{scope} is signed and matched its seal"
            return f"{said}; {matched}: look for {_A_SAVE}{self._recorded_said(start)}"
        where = ", ".join(str(p) for p in self.suspects if p < size)
        if unsigned > len(self.suspects):
            where += f" and {unsigned - len(self.suspects):,} more"
        hint = f"every signed event matched its seal, so look at the {unsigned:,} unsigned{scope}"
        return f"{said}; {hint}: {where}, or for {_A_SAVE}{self._recorded_said(start)}"

    def _recorded_said(self, start: int) -> str:
        """What the ledger's own checkpoints that matched say of where to look: nothing that
        narrows it, said so (since session 34, tester b: the inspector was sent to every
        unsigned event from 0 and told nothing of a recorded checkpoint at 15833 that matched,
        which a checkpoint file of the same head narrowed to 1)."""
        matched = self._recorded_matched
        if matched <= start:
            return ""
        return (
            f" (the ledger's own checkpoint at size {matched} matched, but narrows nothing: "
            "the store holds it beside the events, and whoever holds the log key could sign "
            "another; a checkpoint file you kept does, given with --checkpoint)"
        )

    def _check_checkpoint_files(self) -> None:
        # Keys pinned out of band replace the ledger's own registrations: whoever controls the
        # store could register a log key of their own and sign a checkpoint of a rewritten log.
        pinned = self.trusted_log_keys
        for name, checkpoint in self.given:
            if pinned and checkpoint.key_id not in pinned:
                reason = (
                    f"key {checkpoint.key_id} is not a pinned log key ({', '.join(sorted(pinned))})"
                )
                self._problem(-1, f"checkpoint {name}", reason)
            elif not pinned and checkpoint.key_id not in self.log_keys:
                reason = f"key {checkpoint.key_id} is not a log key"
                if self._stopped is not None:  # it may be registered in what was not read
                    reason += (
                        f" registered before position {self._stopped}, where the check stopped"
                    )
                self._problem(-1, f"checkpoint {name}", reason)
            elif checkpoint.size in self._key_at_size:  # its size reached: judged there
                last = self._recorded_at_size.get(checkpoint.size)
                fault = key_in_force_fault(
                    checkpoint.key_id,
                    checkpoint.size,
                    checkpoint.time,
                    self._log_key_changes,
                    datetime.fromisoformat(last) if last else None,
                )
                if fault is not None:
                    self._problem(-1, f"checkpoint {name}", fault)
                else:
                    self._stale_head(name, checkpoint)

    def _stale_head(self, name: str, checkpoint: Checkpoint) -> None:
        """Note a checkpoint file the ledger extends, signed after the event at its size was
        recorded (``stale_head``): not a problem, its tree is the ledger's, but fupin never
        made it (since session 28)."""
        after = self._recorded_at_size.get(checkpoint.size + 1)
        if after is None:
            return
        try:
            recorded = datetime.fromisoformat(after)
        except ValueError:
            return
        said = stale_head(checkpoint.size, checkpoint.time, recorded)
        if said is not None:
            self.report.stale_heads.append((name, said))

    def finish(self) -> VerifyReport:
        size = self.frontier.size
        stopped = self._stopped
        if self.span is not None:
            span = self.span
            if stopped is None:
                self._problem(
                    size,
                    "(end of the ledger)",
                    f"it ends after {span.seen} of the {span.count} events sealed at position "
                    f"{span.position} (truncated)",
                    at_event=False,
                )
            else:
                self._problem(
                    size,
                    "(end of the check)",
                    f"the check stopped at position {stopped}, after {span.seen} of the "
                    f"{span.count} events sealed at position {span.position}",
                    at_event=False,
                )
        for name, checkpoint in self.checkpoints:  # sizes never reached
            if stopped is None and self.backup:
                ended = (
                    f"the backup holds only {size}: it was taken before the checkpoint "
                    "(restore a later backup, or check this one against a checkpoint taken "
                    "before it), or events were removed"
                )
            elif stopped is None:
                ended = f"the ledger has only {size} (events were removed)"
            else:
                ended = f"the check stopped at position {stopped}"
            self._problem(
                size,
                f"checkpoint {name}",
                f"it covers {checkpoint.size} events; {ended}",
                at_event=False,
            )
        for recorded_size, _, label, _ in self.recorded:  # the ledger's own, never reached
            if stopped is None:
                self._problem(
                    size,
                    label,
                    f"the ledger's own checkpoint covers {recorded_size} events; the ledger has "
                    f"only {size} (events were removed, or its size was altered)",
                    at_event=False,
                )
        self._unread_versions()
        self._check_checkpoint_files()
        self.report.size = size
        self.report.stopped = stopped
        self.report.root = self.frontier.root()
        # Positions in the ledger first, then the checkpoint files (-1): a file's key that the
        # ledger no longer lists is a consequence of the first bad position, not its cause.
        self.report.problems.sort(key=_problem_order)
        return self.report

    def _check_number(self, position: int, where: _Where, number: object) -> None:
        """An identification's record is the one its household number names (``natural_id``):
        since session 36 (tester g, F9: two households' identifications swapped in an unsigned
        store passed verify, each later entry filed under the other's number, and the readers
        sent the inspector to `keys check`, which found nothing)."""
        if isinstance(number, str) and _household_id(number) == where[1]:
            return
        self._problem(
            position,
            _label(where),
            f"it identifies household {number!r}, whose record is "
            f"{natural_id('household', str(number))}, not this one: an identification's record "
            "is named by its number (one moved to another record, or its number rewritten, in "
            "the store)",
        )

    def _problem(
        self, position: int, event: str, reason: str, *, at_event: bool = True
    ) -> Problem | None:
        """A problem at ``position``; ``at_event``: about the event there (read already), whose
        store id it gives (not a checkpoint's, at the last position it covers, or the end's).
        Returns it when kept (the first ``_KEEP`` are)."""
        self.report.problem_count += 1
        if position == KEY_TABLE_POSITION:
            self.report.key_table_problems += 1
        if len(self.report.problems) >= _KEEP:
            return None
        log_id = self.log_id(position) if at_event else None
        problem = Problem(position, event, reason, log_id)
        self.report.problems.append(problem)
        return problem


_UNRECORDED = (
    "its key was destroyed (or marked destroyed: it reads [erased]), but no PersonalDataErased "
    "event records an erasure of this household: the key table was changed outside "
    "`fupin erase`"
)
_MARKED_ONLY = (
    "its key is marked destroyed but its wrapped key is still stored: the erasure is "
    "unfinished; run `fupin erase` for this household again"
)
#: A recording time as the transcoder writes it (``datetime.isoformat()`` of a UTC time).
canonical_time = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?\+00:00"
).fullmatch  # ASCII digits: ``\d`` takes any script's, which no time is written in

_UNSCRUBBED = (
    "its key is cleared, but the store's file may still hold a copy: the write-ahead log was "
    "not checkpointed when it was erased (a reader held it); the erasure is unfinished; run "
    "`fupin erase` for this household again"
)
_UNFINISHED = (
    "the erasure is recorded, but the household's key is still stored: the erasure is "
    "unfinished; run `fupin erase` for this household again"
)
_NO_ROW = (
    "no key row: its personal data is recorded (Household.Identified), but the key table has "
    "no row for it: the row was deleted outside the ledger (`fupin erase` destroys a key and "
    "keeps its row), and no PersonalDataErased event records an erasure of this household: "
    "its personal data can no longer be read"
)


def _problem_order(problem: Problem) -> tuple[bool, Problem]:
    """How problems are listed: the store's schema's (-3, the cause of what follows), then
    positions in the ledger, then the key table's (-2) and the checkpoint files' (-1)."""
    return SCHEMA_POSITION < problem.position < 0, problem


class _KeyScan:
    """``missing_key_rows`` (the erasures, and the households without a key row): one scan of
    the events by topic, which the database does. On a SQLite file it runs on a thread of its
    own while the pass reads the log (issue 8): ``sqlite3`` lets go of the interpreter while
    a statement runs, so the scan takes the machine's other core, and the pass no longer
    waits for it (on the 1 M-household bench ledger it took about a third of ``verify``).
    What it finds waits in a queue of ``_SCAN_KEPT`` rows at most (memory stays flat: past
    them the scan waits for the check to read them, after the pass). Elsewhere (PostgreSQL,
    whose pool may hold one connection; an in-memory store) ``rows`` reads them when asked,
    as before. Begun before the pass, as the check was: the erasures are still read before
    the key table (read after the pass)."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self._datastore = recorder.datastore  # type: ignore[attr-defined]
        self._table = getattr(recorder, "events_table_name", "stored_events")
        self._queue: queue.Queue[tuple[str, bool] | _ScanEnd] = queue.Queue(_SCAN_KEPT)
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: Any = None  # the scan's sqlite3 connection, while it runs

    def start(self) -> _KeyScan:
        """Begin the scan on a thread, where that helps (a SQLite file)."""
        pool = getattr(self._datastore, "pool", None)
        if type(self._datastore).__module__ == "eventsourcing.sqlite" and not getattr(
            pool, "is_sqlite_memory_mode", True
        ):
            # A daemon: a verify that ends (Ctrl-C) leaves without it (``stop``).
            self._thread = threading.Thread(target=self._read, name="key-scan", daemon=True)
            self._thread.start()
        return self

    def _read(self) -> None:
        scan = missing_key_rows(self._datastore, self._table, erasures=True, running=self._runs)
        try:
            for row in scan:
                if not self._put(row):
                    return
            self._put(_ScanEnd(None))
        except BaseException as exc:  # raised where the rows are read, as the stream's would
            self._put(_ScanEnd(exc))
        finally:
            self._connection = None
            scan.close()  # its transaction ends, its connection goes back to the pool

    def _runs(self, connection: Any) -> None:
        self._connection = connection

    def _put(self, item: tuple[str, bool] | _ScanEnd) -> bool:
        """Queue ``item`` once there is room; False if verify stopped reading meanwhile."""
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def rows(self) -> Iterator[tuple[str, bool]]:
        """What the scan finds, as it finds it (read from its queue, if it runs on a thread);
        raises what the scan raised."""
        if self._thread is None:
            yield from missing_key_rows(self._datastore, self._table, erasures=True)
            return
        while True:
            item = self._queue.get()
            if isinstance(item, _ScanEnd):
                if item.failed is not None:
                    raise item.failed
                return
            yield item

    def stop(self) -> None:
        """Verify is over, or ended early (a refusal, Ctrl-C): the thread puts nothing more,
        its statement is interrupted (``sqlite3``'s one call meant for another thread), and
        it is waited for: its connection goes back to the pool before verify returns. (Left
        running, the pool was closed under the statement, and the interpreter crashed.) An
        interrupt that comes before the statement runs does nothing: it is repeated until the
        thread ends."""
        self._stopped.set()
        thread, self._thread = self._thread, None
        deadline = time.monotonic() + _SCAN_STOP_SECONDS
        while thread is not None and thread.is_alive() and time.monotonic() < deadline:
            connection = self._connection
            if connection is not None:
                connection.interrupt()
            thread.join(timeout=0.05)


@dataclass(frozen=True)
class _ScanEnd:
    """The end of ``_KeyScan``'s rows: ``failed``, what the scan raised, or None."""

    failed: BaseException | None


def _off_master(under: str, current: str) -> str:
    return (
        f"its key is wrapped under master key {under}, not {current}, the one the ledger's "
        "latest MasterKeyRotated made current: it was stored under a retired or unrecorded "
        "master key, and the current master key cannot unwrap it (the repair, with that key: "
        "docs/privacy.md)"
    )


_ERASED_NO_ROW = (
    "no key row: its erasure is recorded, but its row was deleted from the key table outside "
    "the ledger (`fupin erase` destroys a key and keeps its row)"
)


def _step(mapper: Mapper[UUID], stored: StoredEvent) -> object:
    """An exit step's ``step`` ("approved"…); None if unreadable (its own position says so)."""
    try:
        return getattr(mapper.to_domain_event(stored), "step", None)
    except Exception:
        return None


def _not_permitted(command: str, role: str, street: str | None) -> str:
    """Why a correction recorded in ``role`` by an officer of ``street`` breaks ``command``'s
    permission ("" if it does not): its roles, and a district permission's scope."""
    permission = PERMISSIONS[command]
    done, needs = _CORRECTED[command]
    if role not in permission.roles:
        return f"{role} {done}; {command} needs {' or '.join(sorted(permission.roles))}{needs}"
    if permission.scope == "district" and role != "admin" and street:
        return f"an officer of street {street!r} {done}; {command} is for the district"
    return ""


def _refuse_if_busy(exc: Exception) -> None:
    """A lock another session held on the key table past ``LEDGER_LOCK_TIMEOUT`` is a store
    that could not be read (exit code 2: try again), not a problem found in the ledger (exit
    code 1, an alarm): ``fupin verify`` said the table "could not be checked" as a failure
    (tester G of session 15)."""
    text = " ".join(str(exc).split())
    causes = [exc, exc.__cause__, exc.__context__]
    if (
        "lock timeout" in text
        or "database is locked" in text
        or any(getattr(cause, "sqlstate", None) == "55P03" for cause in causes)
    ):
        raise ConflictError(
            "store",
            f"the household key table was locked by another session past LEDGER_LOCK_TIMEOUT "
            f"({text.split(' LINE ')[0]}): nothing was checked; try again",
        ) from None


def _refuse_unreachable(exc: Exception, position: int) -> None:
    """Refuse (``store``) when reading the log stopped because the store could not be reached
    or was busy (a PostgreSQL server stopped or restarted mid-run, its pool getting no
    connection, a SQLite file locked past its timeout): nothing is known of the rows past
    ``position``, and nothing was found wrong (exit 2, as for a store that cannot be read at
    all). A row the store read but cannot make sense of, or a damaged file, stays a finding.
    Before session 17, a server restarted during the nightly run reported a sound ledger as
    failed at the position it had reached."""
    reason = lost_server(exc)
    if reason is None and isinstance(exc, OperationalError | InterfaceError):
        text = str(exc).strip()
        if pool_exhausted(text) or _OUT_OF_REACH.search(text):
            reason = (text.splitlines() or [type(exc).__name__])[0]
    if reason is not None:
        raise ConflictError(
            "store",
            f"the store could not be read past position {position} ({reason}): nothing was "
            "found wrong before it, and nothing is known of what follows; run `fupin verify` "
            "again once the store is back",
        ) from None


#: How a store says it could not be reached or used for now (anything else it says, a table
#: missing, a page damaged, is a finding): a pool that got no connection, a file locked or
#: busy past its timeout, a connection refused or timed out.
_OUT_OF_REACH = re.compile(
    r"is locked|busy|timed? ?out|could not connect|"
    r"connection (?:refused|failed)|unable to open database",
    re.IGNORECASE,
)


def _store_said(exc: Exception) -> str:
    """What kind of failure ``exc`` is, in words (not a Python class name)."""
    if isinstance(exc, OperationalError | InterfaceError):
        return "the store could not be reached or was busy"
    if isinstance(exc, ProgrammingError):
        return "the store refused the query"
    if isinstance(exc, PersistenceError):
        return "the store could not read it"
    return "the check failed"


def named_reason(reason: str, number: str) -> str:
    """``reason`` naming household ``number`` (what ``fupin erase`` takes) after it."""
    return f"{reason} (household {number})"


def identified_state(recorder: ApplicationRecorder, household: object) -> dict[str, Any] | None:
    """The state of ``household``'s identification (its aggregate id, a UUID or its text) as
    stored, its first event, read without any key (only ``personal`` is sealed) in one indexed
    read; None if it has none (not a household, or its first event is damaged)."""
    try:
        aggregate = household if isinstance(household, UUID) else UUID(str(household))
        first = recorder.select_events(aggregate, lte=1, limit=1)
        if not first or first[0].topic != _IDENTIFIED_TOPIC:
            return None
        state = orjson.loads(first[0].state)
    except Exception:  # damaged or not a household
        return None
    return state if isinstance(state, dict) else None


def household_number(recorder: ApplicationRecorder, household: object) -> str | None:
    """The number 户号 of ``household``, by its identification (``identified_state``); None
    if it has none that says so: the id alone names it, as before. For the few households a
    problem names."""
    state = identified_state(recorder, household)
    number = None if state is None else state.get("number")
    return number if isinstance(number, str) and number else None


def _key_label(hid: str) -> str:
    return f"{KEY_TABLE} {hid}"


def _record_of(topic: str) -> str:
    """The record an event's topic is of (``Household``: ``ledger.household:Household.X``)."""
    return topic.rsplit(":", 1)[-1].split(".", 1)[0]


def _uuid_bytes(originator: Any) -> bytes:
    """The 16 bytes of a stored originator id, read as the recorder reads one (the hot loop
    reads SQLite's 32 hex digits itself)."""
    if isinstance(originator, UUID):
        return originator.bytes
    return UUID(str(originator)).bytes


def _unreadable(row: StoredRow) -> tuple[str, str]:
    """Where and why a row's id, version or topic cannot be read (the event, the reason): a
    version that is not an unsigned 64-bit integer is named as such, the rest as the recorder
    would say it."""
    originator, version, topic, _ = row
    try:
        if not isinstance(topic, str):
            raise TypeError(f"its topic is {type(topic).__name__}, not text")
        uid = _uuid_bytes(originator)
        topic.encode("utf-8")
    except Exception as exc:
        return _UNREADABLE, _one_line(exc)
    if type(version) is not int or not 0 <= version < 2**64:
        if type(version) is int and version > 0:
            wrong = f"version {version} is out of range (at most 2**64 - 1)"
        else:
            shown = version if type(version) is int else repr(version)
            wrong = f"version {shown} is not a positive integer"
        label = f"{topic.rsplit(':', 1)[-1]} {UUID(bytes=uid)} v{version}"
        return label, f"{wrong} (the check stopped here)"
    try:
        _LEAF_HEADER.pack(0, ENCODING_VERSION, uid, version)
    except Exception as exc:
        return _UNREADABLE, _one_line(exc)
    return _UNREADABLE, "the store cannot read the next row"


@dataclass(frozen=True, slots=True)
class _Untagged:
    """A stored ``timestamp`` that is not the transcoder's ``{"__datetime__": text}`` (absent,
    null, a number, a text, a date…): never a time, whatever text it holds."""

    value: object


def _parse_time(value: object) -> datetime | None:
    """A stored recording time (ISO 8601 text), or None when it is not a timezone-aware one."""
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return when if when is not None and when.utcoffset() is not None else None


def _minutes(span: timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} minutes"


def _provenance_fault(prov: Provenance) -> str:
    """What is wrong with a decoded provenance's document, note or effective date ("" if
    nothing): two texts and a date, as the ledger records them (an effective date written
    untagged, "2016-09-24", decodes as a text, and the read models and ``fupin history``
    cannot read it). Its actor and role are judged by the roles replay ("5 was not an active
    officer")."""
    for name in ("document", "note"):
        value = getattr(prov, name)
        if type(value) is not str:
            return f"its provenance's {name} is {type(value).__name__}, not text"
    if type(prov.effective) is not date:
        return f"its provenance's effective date is {type(prov.effective).__name__}, not a date"
    return ""


def _cause(exc: BaseException) -> str:
    """What made decoding fail, in one line: the mapper's own error wraps it (``fupin log``
    names the cause too: "JSONDecodeError: str is not valid UTF-8")."""
    cause = exc.__cause__ if isinstance(exc, MapperDeserialisationError) else None
    cause = cause or exc
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0]}" if lines else type(cause).__name__


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"the store cannot read the next row: {type(exc).__name__}: {text[0] if text else ''}"


#: Events of one record read a query when a correction or amendment of it is replayed.
_REPLAY_PAGE = 1000
#: A record ``_RecordRules._record`` has not read yet.
_UNREAD = object()
#: The fields a correction's and an amendment's commands write, and their types (a
#: correction's ``corrects`` is checked first, with its entry: ``check_corrections``).
_REPLAYED_FIELDS: dict[str, tuple[tuple[str, type], ...]] = {
    "Corrected": (("reason", str),),
    "Amended": (("changes", dict), ("was", dict), ("reason", str)),
    "VillageAmended": (("name", str), ("relatively_poor", bool), ("was", bool), ("reason", str)),
    "RulesAmended": (("rules", ProgrammeRules), ("was", ProgrammeRules), ("reason", str)),
}


def _shown_fields(fields: dict[str, Any]) -> str:
    """``{'area': 'rural'}`` as ``area='rural'``, in the order of the names."""
    return ", ".join(f"{name}={value!r}" for name, value in sorted(fields.items())) or "nothing"


#: What reading a field of an altered event raises (one missing, or of another type).
_MISREAD = (KeyError, TypeError, ValueError, AttributeError, IndexError)


@dataclass
class _Standing:
    """What an amendment's rules read of the log besides its record, noted by the pass
    (``Verifier._note``) and judged at the amendment's position (since session 23): the first
    position of each event a rule judged (``_JUDGED``), each payment to a village (position,
    its account's id, its version, street, village), and each correction (position, the id
    of its record, the version it voids)."""

    judged: dict[str, int] = dataclasses.field(default_factory=dict)
    village_payments: list[tuple[int, bytes, int, str, str]] = dataclasses.field(
        default_factory=list
    )
    voids: list[tuple[int, bytes, object]] = dataclasses.field(default_factory=list)

    def village_paid(self, street: str, village: str, until: int) -> str:
        """Why a village's flag may not be amended to "not relatively poor" at position
        ``until`` ("" if it may): a payment to it recorded before, and not voided before, that
        place, as ``fupin place amend-village`` refuses (``check_no_village_payment``)."""
        voided = {
            (record, corrects) for position, record, corrects in self.voids if position < until
        }
        for position, account, version, paid_street, paid_village in self.village_payments:
            if position >= until:
                break
            if (paid_street, paid_village) == (street, village) and (
                account,
                version,
            ) not in voided:
                return (
                    f"a payment to {village} (entry {version} of its account, log position "
                    f"{position}) stood, made to a relatively poor village: the command refuses "
                    "to amend the flag to false until it is voided"
                )
        return ""

    def judged_before(self, rules: list[str], until: int) -> str:
        """Why rules amended at position ``until`` may not be ("" if they may): an event one
        of them judged was recorded before it (``AMENDABLE_RULES``; a voided or withdrawn one
        too), as ``fupin programme amend`` refuses (``check_nothing_judged_by``)."""
        for rule in rules:
            for judged in AMENDABLE_RULES.get(rule, ()):
                first = self.judged.get(judged)
                if first is not None and first < until:
                    return (
                        f"it amends {rule}, which judged the {judged} at log position {first}, "
                        f"recorded before it: the command refuses to amend {rule} while a "
                        f"{' or '.join(AMENDABLE_RULES[rule])} is on record"
                    )
        return ""


class _RecordRules:
    """A correction or an amendment replayed on its record as it stood just before it, by the
    very check its command runs (``LedgerAggregate.check_correction``, ``.check_amend``: every
    rule of the record, those of what rests on the entry included). One written into the file
    by hand, or by another program, that the command refuses (a voided income assessment an
    exit rests on, a correction dated before its entry took effect, an amendment to what it
    already was) passed before. One read of each record's events up to its last correction or
    amendment, and one of the programme's for the day it opened."""

    def __init__(
        self,
        mapper: Mapper[UUID],
        recorder: ApplicationRecorder,
        reference_at: dict[tuple[bytes, int], int] | None = None,
        standing: _Standing | None = None,
    ) -> None:
        self.mapper = mapper
        self._standing = standing or _Standing()
        self.recorder = recorder
        self._reference_at = reference_at or {}
        self._records: dict[tuple[str, str], Any] = {}  # (kind, key) -> record or None
        #: a marked event's position -> its recorder's role, and the street they worked for
        #: then (None: unknown), for the street its command reaches (``_recorder_refused``)
        self.recorded_by: dict[int, tuple[str, str | None]] = {}

    def refusals(self, marks: Iterable[tuple[int, _Where]]) -> list[tuple[int, _Where, str]]:
        """(position, where, what the rules say) for each event at ``marks`` they refuse. Each
        record is read once, however many of its events are replayed."""
        by_record: dict[bytes, dict[int, tuple[int, _Where]]] = {}
        for position, where in marks:
            by_record.setdefault(where[1], {})[where[2]] = (position, where)
        found: list[tuple[int, _Where, str]] = []
        for record_id, marked in by_record.items():
            found += self._replay(UUID(bytes=record_id), marked)
        return sorted(found)

    def _replay(
        self, uid: UUID, marked: dict[int, tuple[int, _Where]]
    ) -> list[tuple[int, _Where, str]]:
        """The record's events up to its last marked one, applied in order; each marked event
        checked by its command's own check on the record as it stood just before, and
        reported if the record cannot take it. Once an event of the record cannot be read or
        applied (the application cannot load the record either), each marked event after it
        is reported as not replayed: its rules would be judged on a record the log does not
        make."""
        last = max(marked)
        found: list[tuple[int, _Where, str]] = []
        record: Any = None
        version = 0
        stuck = ""  # why an event of the record could not be taken: the rest is not known
        while version < last:  # a page at a time: an account may hold a million payments
            page = self.recorder.select_events(uid, gt=version, lte=last, limit=_REPLAY_PAGE)
            if not page:
                return found
            for item in page:
                if item.originator_version != version + 1:  # ``broken_versions`` reports it
                    return found
                version = item.originator_version
                mark = marked.get(version)
                reason = ""
                if stuck:
                    reason = f"its record's rules were not replayed on it: {stuck}"
                else:
                    try:
                        event: Any = self.mapper.to_domain_event(item)
                        if mark is not None:
                            reason = self._refusal(
                                record, event, mark[0]
                            ) or self._recorder_refused(
                                record, event, self.recorded_by.get(mark[0])
                            )
                        record = event.mutate(record)
                    except Exception as exc:  # an altered event may raise anything (TopicError)
                        said = str(exc) if isinstance(exc, LedgerError) else _cause(exc)
                        stuck = f"its entry {version} cannot be applied ({said})"
                        reason = reason or f"its record cannot take it ({said})"
                if mark is not None and reason:
                    found.append((*mark, reason))
        return found

    def _refusal(self, record: Any, event: Any, position: int) -> str:
        """What the record's rules say of ``event`` ("" if they allow it): first that it holds
        the fields its command writes, of their types."""
        name = type(event).__name__
        held = vars(event)
        for needed, kind in _REPLAYED_FIELDS.get(name, ()):
            if needed not in held:
                return f"it lacks its {needed!r}"
            if type(held[needed]) is not kind:
                return f"its {needed!r} is {type(held[needed]).__name__}, not {kind.__name__}"
        if not isinstance(record, LedgerAggregate):
            return ""
        try:
            if name == "Corrected":
                opened = self.opened(position)
                record.check_correction(event.corrects, event.reason, event.prov, opened)
                self._unpairing_rules(record, event.corrects, position)
                self._return_rules(record, event.corrects, position)
                missing = self._sides_missing(record, event.corrects, position, event.timestamp)
                if missing:
                    return missing
            elif name == "Amended":
                opened = self.opened(position)
                record.check_amend(dict(event.changes), event.reason, event.prov, opened)
                # the other records as they stood at its place in the log
                self._reference_rules(record, dict(event.changes), position)
                # what it says the fields were is what the record held (``amend`` writes it
                # so): a history, an HTML report shows it (session 18: it was not checked)
                held_then = {field: getattr(record, field) for field in sorted(event.changes)}
                if dict(event.was) != held_then:
                    return (
                        f"its 'was' says {_shown_fields(dict(event.was))}, but the record held "
                        f"{_shown_fields(held_then)}: what it replaced is misstated"
                    )
            elif name == "Closed" and isinstance(record, Household):
                return self._closure_sides_missing(record, event, position)
            elif name == "VillageAmended" and isinstance(record, Street):
                return self._village_rules(record, event, position)
            elif name == "RulesAmended" and isinstance(record, Programme):
                record.check_amend_rules(event.rules, event.reason, event.prov)
                judged = self._standing.judged_before(record.changed_rules(event.rules), position)
                if judged:
                    return judged
                if event.was != record.rules:
                    return (
                        "its 'was' is not the rules the programme held: what it replaced is "
                        "misstated"
                    )
        except LedgerError as exc:
            return f"its record's rules refuse it ({exc})"
        except _MISREAD as exc:
            return f"its record cannot take it ({_cause(exc)})"
        return ""

    def _village_rules(self, street: Street, event: Any, position: int) -> str:
        """A village's flag restated (since session 22) by ``Street.check_amend_village``,
        the rules of ``fupin place amend-village``; its 'was' the flag the village held."""
        name, poor = event.name, event.relatively_poor
        street.check_amend_village(name, poor, event.reason, event.prov, self.opened(position))
        if not poor:
            paid = self._standing.village_paid(street.name, name, position)
            if paid:
                return paid
        if event.was != street.villages[name]:
            return (
                f"its 'was' says relatively_poor={event.was!r}, but {name} was "
                f"{street.villages[name]!r}: what it replaced is misstated"
            )
        return ""

    def _recorder_refused(self, record: Any, event: Any, who: tuple[str, str | None] | None) -> str:
        """Why an amendment's recorder may not amend its record (its command's roles), or a
        correction or amendment recorded by an officer of a street reaches past it,
        as its command's ``check_permission`` would refuse ("" if it does not): the street
        of the record as it stood just before (an inspection's as amended by then), of an
        employment entry its household's, "" (the district) for a city or district account
        or a district inspection, and an inspection's new street too. Tester A, then tester
        T (session 20): written into the file, a street officer's correction of a district
        account's entry, a street inspector's of the district's talk, a move of an
        inspection out of their street and a correction of another street's employment
        passed. An admin and a district-level holder reach every street."""
        if who is None or not isinstance(record, LedgerAggregate):
            return ""
        role, street = who
        kind = type(record).__name__
        amended = type(event).__name__ == "Amended"
        if amended:  # its roles first (a correction's are checked before the replay)
            command = amend_command(kind)
            refused = _not_permitted(command, role, None) if command else ""
            if refused:
                return refused
        if role == "admin" or not street or kind not in _STREET_KINDS:
            return ""
        changes: dict[str, Any] = {}
        if not amended:
            entry = record.entries.get(event.corrects, ("", None))
            command, done = correction_command(kind, entry[0]), "corrected an entry"
            if kind == "Helper":  # an employment: its household's street
                household = self._record("household", str(entry[1] or ""))
                if household is None:  # not readable: the pass reports the altered event
                    return ""
                targets = [str(getattr(household, "street", "") or "")]
            else:
                targets = [str(getattr(record, "street", "") or "")]
        else:
            changes = dict(event.changes)
            command, done = amend_command(kind), "amended a record"
            targets = [str(getattr(record, "street", "") or "")]
            if kind in ("Inspection", "FundAccount") and isinstance(changes.get("street"), str):
                targets.append(changes["street"])
        if not command or PERMISSIONS[command].scope != "street":
            return ""  # a helper's registration: any officer's; the district's: checked above
        for target in targets:
            if target != street:
                theirs = f"of street {target!r}" if target else "of the district"
                return f"an officer of street {street!r} {done} {theirs}, beyond their own"
        return ""

    def opened(self, position: int | None = None) -> date | None:
        """The day the programme opened (as ``opened_on`` reads it for the commands); for an
        entry at ``position``, None if the programme was opened only after it, as the command
        found it then (tester R, session 22: a village amended before the opening, which the
        command bounds by nothing then, failed verify against the opening recorded later)."""
        day = getattr(self._record("programme", PROGRAMME_CODE), "opened_on", None)
        if day is None or position is None:
            return day
        at = self._reference_at.get((natural_id("programme", PROGRAMME_CODE).bytes, 1))
        return day if at is None or at < position else None

    def _record(self, kind: str, key: str, before: int | None = None) -> Any:
        """A record (the programme, a street, a household) as its events make it now, read
        once, or as its events before position ``before`` of the log made it (a street's or
        the programme's: the pass noted where each of their events stands; None: there is
        none, or an event of it is altered, which the pass reports)."""
        found = self._records.get((kind, key), _UNREAD) if before is None else _UNREAD
        if found is not _UNREAD:
            return found
        record: Any = None
        uid = natural_id(kind, key)
        try:
            for item in self.recorder.select_events(uid):
                if before is not None:
                    at = self._reference_at.get((uid.bytes, item.originator_version))
                    if at is None or at >= before:
                        break
                event: Any = self.mapper.to_domain_event(item)
                record = event.mutate(record)
        except Exception:  # an event of it altered: the pass reports it
            record = None
        if before is None:
            self._records[(kind, key)] = record
        return record

    def _unpairing_rules(self, record: Any, version: int, until: int) -> None:
        """The rules a voided unpairing's command checks against other records, which its own
        record cannot (``CaseworkCommands.unpairing_sides``): the helper takes its place
        again within the programme's count of cadres; an enterprise or cooperative is not
        paired with another household since the unpairing's day 一对一, as its record of its
        pairings says (none: its pairings are older than such records, and the households'
        own records, which the command reads, are not replayed here). Each as the log stood
        at the correction's position ``until``."""
        kind, ended = record.entries.get(version, ("", None))
        if kind != "HelperUnpaired" or not isinstance(ended, Unpairing):
            return
        programme = self._record("programme", PROGRAMME_CODE, until)
        if programme is not None:
            record.check_place_again(version, programme.rules.max_cadres_per_household)
        if ended.role != "enterprise":
            return
        pairings = self._record("pairings", ended.helper, until)
        found = None if pairings is None else pairings.pairing_elsewhere(record.number, ended.ended)
        if found is not None:
            raise taken_elsewhere(version, ended.helper, ended.ended, record.number, *found)

    def _return_rules(self, record: Any, version: int, until: int) -> None:
        """The rule a voided return approval's command checks against the programme, which its
        own record cannot (``OversightCommands.check_return_left``, since session 23): no
        assessment of the year after the programme's last is left that only this return
        allowed; as the programme stood at the correction's position ``until``."""
        if not isinstance(record, Household):
            return
        programme = self._record("programme", PROGRAMME_CODE, until)
        if programme is not None:
            record.check_plan_year_kept(version, programme.rules.last_year)

    def _sides_missing(self, record: Any, version: int, at: int, saved: Any) -> str:
        """What is wrong when the correction at position ``at`` voids an enterprise's or
        cooperative's unpairing ``version`` but its enterprises' sides are not saved with it,
        right after it (since session 21: one written by hand without them passed, and left
        the enterprise free to pair a second household while the first held it again): a
        ``PairingRetaken`` on the leaving enterprise's record of its pairings, when it had
        one, and a ``PairingReleased`` on the replacement's, when it held the pairing
        (``CaseworkCommands.unpairing_sides`` records them so). "" when nothing is missing."""
        kind, ended = record.entries.get(version, ("", None))
        if kind == "Closed" and isinstance(record, Household):
            return self._reopening_sides_missing(record, version, at, saved)
        if kind != "HelperUnpaired" or not isinstance(ended, Unpairing):
            return ""
        if ended.role != "enterprise":
            return ""
        number = record.number
        wanted: list[tuple[str, str, dict[str, Any]]] = []
        if self._record("pairings", ended.helper, at) is not None:
            taken = {"household": number, "since": ended.began, "until": ended.ended}
            wanted.append((ended.helper, "PairingRetaken", taken))
        taking = self._record("pairings", ended.replacement, at) if ended.replacement else None
        since = None if taking is None else taking.running_since(number)
        if since is not None:
            wanted.append((ended.replacement, "PairingReleased", {"household": number}))
        for helper, name, fields in wanted:
            if self._saved_after(helper, name, fields, at, saved):
                continue
            # A save of d7c5a38, the first of session 21, took the pairing again as a
            # ``PairingTaken`` from its first day (a reviewer: its ledgers failed verify).
            older = {"household": number, "since": ended.began}
            if name == "PairingRetaken" and self._saved_after(
                helper, "PairingTaken", older, at, saved
            ):
                continue
            return (
                f"it voids entry {version}, {ended.helper}'s unpairing from {number}, "
                f"without the {name} of {number} on {helper}'s record of its pairings saved "
                "with it: the enterprise's pairings and the household's disagree"
            )
        return ""

    def _closure_sides_missing(self, record: Household, event: Any, at: int) -> str:
        """What is wrong when the closure at position ``at`` ends the household's pairing with
        an enterprise or cooperative whose record of its pairings held it running, but no
        ``PairingReleased`` of the household, until the closure's day, is saved with it
        (since session 25: ``close_household`` records them so; one written without them left
        the enterprise held by a closed household). "" when nothing is missing."""
        day = getattr(event.prov, "effective", None)
        if not isinstance(day, date):
            return ""
        number = record.number
        for helper_id, role in sorted(record.helpers.items()):
            if role != "enterprise":
                continue
            pairings = self._record("pairings", helper_id, at)
            if pairings is None or pairings.running_since(number) is None:
                continue
            released = {"household": number, "until": day}
            if not self._saved_after(helper_id, "PairingReleased", released, at, event.timestamp):
                return (
                    f"it closes {number} on {day} without the PairingReleased of {number} on "
                    f"{helper_id}'s record of its pairings saved with it: the enterprise's "
                    "pairings and the household's disagree (fupin household close releases "
                    "them in the same save)"
                )
        return ""

    def _reopening_sides_missing(self, record: Household, version: int, at: int, saved: Any) -> str:
        """What is wrong when the correction at position ``at`` voids the household's closure
        ``version`` but the pairings the closure released are not taken back with it: a
        ``PairingRetaken`` on each enterprise's record whose pairing with the household ended
        on the closure's day (``CaseworkCommands.closure_sides``, since session 25)."""
        closed, number = record.closed_on, record.number
        if closed is None:
            return ""
        for helper_id, role in sorted(record.helpers.items()):
            if role != "enterprise":
                continue
            pairings = self._record("pairings", helper_id, at)
            if pairings is None:
                continue
            released = [
                since
                for other, since, until in pairings.pairings
                if (other, until) == (number, closed)
            ]
            if not released:
                continue
            taken = {"household": number, "since": released[-1], "until": closed}
            if not self._saved_after(helper_id, "PairingRetaken", taken, at, saved):
                return (
                    f"it voids entry {version}, {number}'s closure on {closed}, without the "
                    f"PairingRetaken of {number} on {helper_id}'s record of its pairings saved "
                    "with it: the enterprise's pairings and the household's disagree"
                )
        return ""

    def _saved_after(
        self, helper: str, name: str, fields: dict[str, Any], at: int, saved: Any
    ) -> bool:
        """Whether ``helper``'s record of its pairings holds a ``name`` event with ``fields``
        after position ``at`` in the same save: recorded at the correction's own time
        ``saved`` (every event of one save carries one recording time; positions are not
        counted, PostgreSQL's notification ids may have gaps)."""
        uid = natural_id("pairings", helper)
        try:
            for item in self.recorder.select_events(uid):
                position = self._reference_at.get((uid.bytes, item.originator_version))
                if position is None or position <= at:
                    continue
                event: Any = self.mapper.to_domain_event(item)
                if event.timestamp != saved:
                    continue
                if type(event).__name__ == name and all(
                    getattr(event, field, None) == value for field, value in fields.items()
                ):
                    return True
        except Exception:  # an event of it altered: the pass reports it
            return True
        return False

    def _reference_rules(self, record: Any, changes: dict[str, Any], until: int) -> None:
        """The rules an amendment's command checks against other records, which its own
        record cannot (tester A, session 20: a household's village amended to another
        street's, written into the file, passed): a household's village is one of its
        street's; an inspection's (since session 22, an account's too) street is on record,
        its year one of the programme's; each as the log stood at the amendment's position
        ``until`` (tester T: a village added afterwards made an amendment to it before pass;
        by position, not by recording time, which officers' clocks may skew: the reviewer)."""
        kind = type(record).__name__
        if kind == "Household" and "village" in changes:
            street = self._record("street", str(record.street), until)
            if street is None:
                raise InputError("street", f"no street {record.street!r} on record")
            street.check_has_village(changes["village"])
        street_given = kind in ("Inspection", "FundAccount") and changes.get("street")
        if street_given and self._record("street", str(changes["street"]), until) is None:
            raise InputError("street", f"no street {changes['street']!r} on record")
        if kind in ("Inspection", "FundAccount") and "year" in changes:
            programme = self._record("programme", PROGRAMME_CODE, until)
            if programme is not None:
                programme.check_year_in_programme(changes["year"])


#: ``natural_id``'s namespace and kind, as the bytes uuid5 hashes before a household number.
_HOUSEHOLD_NAME = LEDGER_NAMESPACE.bytes + b"household:"


def _household_id(number: str) -> bytes:
    """``natural_id("household", number).bytes``, without making a UUID (once an
    identification in verify's pass: RFC 4122's name-based SHA-1 UUID)."""
    digest = bytearray(hashlib.sha1(_HOUSEHOLD_NAME + number.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    return bytes(digest)


def _odd_amounts(account: Any) -> list[str]:
    """The entries of a fund account whose amount is no whole number of fen above zero, each
    said with the amount as stored (since session 36, tester g: a payment's amount rewritten to
    409090.5 ended verify in an internal error, and one of -409090 passed it)."""
    odd = []
    for (kind, _day, moved), entries in account.said.items():
        amount = moved.amount_fen if kind == "Disbursed" else moved
        if type(amount) is not int or not 0 < amount <= MAX_FEN:
            odd += [f"{version} ({amount!r})" for version, *_ in entries]
    return sorted(odd)


def require_verified(recorder: ApplicationRecorder, mapper: Mapper[UUID], nothing: str) -> None:
    """Refuse to vouch for a log ``fupin verify`` fails (``checkpoint`` signs a tree head over
    it, ``prove`` a bundle of it: since session 36, tester g: a signed event rewritten in the
    store, or a visit forged in a keyed officer's name with no seal, was signed by the log key
    and proved, and the offline tool showed it "by jn-01"; only verify saw it). ``nothing``:
    what the caller did not do. The household key table's problems (an erasure left
    unfinished) are no events, and the tree head does not cover them."""
    report = verify_ledger(recorder, mapper)
    # The log's own events: what a tree head covers (not the household key table's rows)
    logged = [problem for problem in report.problems if problem.position >= 0]
    if not logged:
        return
    first = logged[0]
    raise RuleError(
        "store",
        f"fupin verify fails this log's events ({len(logged)} problem(s); the first: position "
        f"{first.position}, {first.event}: {first.reason}); {nothing}: the log key vouches "
        "only for a log whose events verify; run fupin verify, and mend or report what it finds",
    )


def verify_ledger(
    recorder: ApplicationRecorder,
    mapper: Mapper[UUID],
    checkpoints: Iterable[tuple[str, Checkpoint]] = (),
    *,
    require_signatures: bool = False,
    trusted_log_keys: Iterable[str] = (),
    progress: Callable[[int], None] | None = None,
    backup: bool = False,
) -> VerifyReport:
    """Check the whole stored log (see the module docstring) and report what was found.
    ``backup``: the log is a backup's, restored to be checked (``Verifier.backup``)."""
    verifier = Verifier(
        mapper,
        checkpoints,
        require_signatures=require_signatures,
        trusted_log_keys=trusted_log_keys,
        backup=backup,
    )
    verifier.origin = verifier.report.origin = _origin(recorder, mapper, verifier.given)
    verifier.broken_versions = broken_versions(recorder)
    verifier.store = recorder
    datastore = getattr(recorder, "datastore", None)
    verifier.gaps_are_deletions = type(datastore).__module__ == "eventsourcing.sqlite"
    verifier.check_schema(recorder)  # first: kept whatever the pass finds after it
    scan = _KeyScan(recorder).start()  # beside the pass (a SQLite file)
    oversight = OversightScan(households_told=True)
    verifier.identified = oversight.keys.identified
    try:
        verifier.read_recorded_checkpoints(recorder)
        verifier.read_move(recorder)
        with numbered_rows(recorder) as rows:
            report = verifier.run_numbered(rows, progress)
        # The log's own problems are kept first (the first ``_KEEP``): the corrections', then
        # the key table's, whose problems can be as many as households.
        verifier.check_corrections(recorder)
        verifier.check_balances(recorder)
        report.double_pairings = double_pairings(recorder, mapper)
        report.able_not_key_targets = able_not_key_targets(
            recorder, mapper, verifier.able_not_key_candidates()
        )
        report.late_replacements = late_replacements(recorder, mapper)
        report.late_registrations = late_registrations(recorder, mapper)
        report.ended_before_entries = verifier.ended_before_entries(recorder)
        # one scan of the log (since session 31), told the households the pass read (since
        # session 33), unless the pass stopped at a row it could not read
        told = oversight if verifier.read_to_end else None
        notes = notes_after_pass(recorder, mapper, told)
        report.after_rejection, report.spared = notes.after_rejection, notes.spared
        report.closed_under_way = notes.closed_under_way
        report.employed_past_closure = notes.employed_past_closure
        report.replayed = verifier.replayed(recorder)
        kept = len(report.problems)
        verifier.check_household_keys(recorder, scan)
        if len(report.problems) > kept:  # after the log's: sorted as ``finish`` sorts them
            report.problems.sort(key=_problem_order)
    finally:
        scan.stop()  # never left reading once verify has returned or raised
    verifier.check_key_masters(recorder)
    return report


def _origin(recorder: ApplicationRecorder, mapper: Mapper[UUID], given: Iterable[Any]) -> str:
    """The store's origin (``ledger.transparency.store_origin``), refusing a checkpoint file
    of another log (since session 25): ``fupin verify`` and ``restore --checkpoint`` judge a
    checkpoint against the log the store is, never against a log of the same key. A store
    that cannot say (its move's record unreadable) is the district's: the pass reports it."""
    try:
        origin = store_origin(recorder, mapper)
    except Exception:  # the pass reports the record it cannot read
        return LOG_NAME
    for name, checkpoint in given:
        fault = origin_fault_in(recorder, mapper, checkpoint)[1]
        if fault is not None:
            raise RuleError("checkpoint", f"{name}: {fault}; nothing was checked")
    return origin


def _iso_day(value: object) -> str:
    """A date as stored (``{"__date__": "2016-08-20"}``) or decoded, as ISO text ("" if none)."""
    if isinstance(value, dict) and len(value) == 1:
        value = value.get("__date__")
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, str) else ""


def _effective_date(event: Any) -> date | None:
    """An event's effective date (None when its provenance has none)."""
    effective = getattr(getattr(event, "prov", None), "effective", None)
    return effective if isinstance(effective, date) else None


def _effective_day(event: Any) -> str:
    """An event's effective date as text ("?" when its provenance has none)."""
    effective = getattr(getattr(event, "prov", None), "effective", None)
    return effective.isoformat() if isinstance(effective, date) else "?"
