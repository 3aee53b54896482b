"""Personal data protection 个人信息保护: encryption per household, crypto-shredding, masking.

A household's personal data (``Personal``: head's name, ID-card number 身份证号, phone, address,
members' names) never reaches the store in clear. ``PersonalDataMapper`` replaces it, just before
an event is transcoded, by a ``SealedPersonal``: AES-256-GCM under the household's own key, with
the household id and the event's version as associated data (a ciphertext moved to another event
no longer opens). The nonce is synthetic (HMAC of the associated data and the plaintext), so the
same event always encodes to the same bytes: signatures, Merkle leaves and ``fupin verify``
cover the ciphertext and never need a key.

Household keys live in the table ``household_keys`` of the same store, each wrapped (AES-GCM)
under the operator's master key (``LEDGER_MASTER_KEY``: base64 of 32 bytes, or
``LEDGER_MASTER_KEY_FILE``: a file holding that text, mode 0600). Erasure destroys the row's
wrapped key: the household's personal data is then unreadable everywhere, for good.

Reading without a master key (an analyst's machine) works: personal data reads as ``[sealed]``;
counts and money never depend on it. So does reading as a PostgreSQL role that may not read the
key table (the analysts', docs/operations.md: ``HouseholdKeys.denied``), with the master key or
not; what needs the keys (a save, an erasure, ``require_master``) is then refused, naming the
role. See docs/privacy.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import importlib
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Generator, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import CanInitAggregate, DomainEventProtocol
from eventsourcing.persistence import (
    Mapper,
    Notification,
    StoredEvent,
    Transcoder,
    find_id_convertor,
)
from eventsourcing.utils import get_topic

from ledger import clock
from ledger.base import LedgerAggregate, Provenance, natural_id
from ledger.errors import InputError, LedgerError, RuleError
from ledger.household import ERASED, SEALED, Personal
from ledger.keys import NOT_OWNER_ONLY, open_to
from ledger.rows import select_in
from ledger.schema import refuse_triggers
from ledger.waiting import lock_deadline
from ledger.written import SAVES_BEGUN, create_key_file, note_written

__all__ = [
    "ANONYMOUS",
    "EVENT_CLASSES",
    "EVENT_MODULES",
    "HOUSEHOLD_KEYS",
    "KEY_TABLE",
    "NOT_OWNER_ONLY",
    "DamagedKeyError",
    "HouseholdKeys",
    "KeysChangedError",
    "MissingKeyError",
    "PersonalDataMapper",
    "Reader",
    "ScrubUnfinishedError",
    "SealBrokenError",
    "SealedPersonal",
    "UnreadableEventError",
    "check_live_keys",
    "denied_role",
    "destroyed_key_rows",
    "event_class",
    "generate_master_key",
    "key_table_denied",
    "latest_master",
    "live_keys_among",
    "live_keys_off",
    "load_master_key",
    "mask_id_card",
    "mask_name",
    "mask_personal",
    "mask_phone",
    "master_key_id",
    "missing_key_rows",
    "parse_master_key",
    "read_master_key_file",
    "retired_master",
]

KEY_TABLE = "household_keys"

#: PostgreSQL's SQLSTATE insufficient_privilege: a role without SELECT on the key table (the
#: analysts', docs/operations.md) reading it.
_INSUFFICIENT_PRIVILEGE = "42501"


def key_table_denied(exc: BaseException) -> bool:
    """Whether ``exc``, raised by a read of the key table, is PostgreSQL's refusal to let this
    role read it (SQLSTATE 42501, ``psycopg.errors.InsufficientPrivilege``), as psycopg raises
    it or as eventsourcing wraps it (``ProgrammingError`` from it), naming the key table (a
    statement that joins it with the events table may be refused the events table: that is
    not this). Nothing else is: a store unreachable, busy or damaged is not "no key"."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if getattr(current, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
            return KEY_TABLE in str(current)
        seen.add(id(current))
        current = current.__cause__
    return False


@contextmanager
def key_transaction(datastore: Any, *, commit: bool) -> Iterator[Any]:
    """``datastore.transaction`` for the key table. On PostgreSQL its lock waits last the
    whole ``LEDGER_LOCK_TIMEOUT``: libpq's ``PGOPTIONS`` gives each statement a tenth of it
    (``ledger.application``), for eventsourcing's statements, which it tries ten times; the
    key table's are tried once, and a save, a read or ``fupin verify`` behind another
    session's lock on it gave up after a tenth of the wait (tester G of session 15)."""
    if commit:  # a write: a server lost meanwhile may have kept it (``server_gone_message``)
        SAVES_BEGUN[:] = [True]
    with datastore.transaction(commit=commit) as cursor:
        seconds = getattr(datastore, "lock_timeout", None)
        sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
        if not sqlite and seconds:
            # Within a save, what is left of its one deadline (``one_deadline``), at least a
            # millisecond (0 would mean forever).
            left = max(int((lock_deadline(int(seconds)) - time.monotonic()) * 1000), 1)
            cursor.execute(f"SET LOCAL lock_timeout = '{left}ms'")
        yield cursor
        if sqlite and commit:
            # A write is rolled back while the file holds a trigger (ledger.schema). Looked for
            # after the writes, which took the write lock: a transaction that has read first
            # cannot wait for it (a rotation's, or another erasure's).
            refuse_triggers(cursor)


def denied_role(datastore: Any) -> str:
    """The role this connection reads as (``current_user``), to name it in a message; "this
    role" if the store cannot say."""
    try:
        with key_transaction(datastore, commit=False) as cursor:
            cursor.execute("SELECT current_user AS who")
            row = cursor.fetchone()
    except Exception:  # only a name for a message: never a second error
        return "this role"
    return str(row["who"]) if row is not None and row["who"] else "this role"


class SealBrokenError(LedgerError):
    """Stored personal data or a wrapped key fails authentication: the store was altered, or
    the master key is not the one the household keys were wrapped under."""


class MissingKeyError(SealBrokenError):
    """One household's personal data is recorded but its key row is gone (deleted outside
    the ledger): that household cannot be read, the others can."""


class DamagedKeyError(SealBrokenError):
    """One household's wrapped key fails authentication under the master key its row names
    (the row altered, or copied from another household's): that household cannot be read,
    the others can. Whole-ledger readers (``fupin log``, ``notice``, ``household
    duplicates``) go on without it (docs/privacy.md); ``household`` is its id."""

    def __init__(self, field: str, rule: str, household: str) -> None:
        super().__init__(field, rule)
        self.household = household


@dataclass(frozen=True)
class SealedPersonal:
    """Personal data as stored: AES-256-GCM ciphertext under the household's key (base64)."""

    key_version: int
    nonce: str
    ciphertext: str


# -- masking -------------------------------------------------------------------------------


#: A variation selector (U+FE00–FE0F, U+E0100–E01EF), and a name's first character with
#: the selector after it, if any.
_SELECTOR = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_SELECTED = re.compile(".[\ufe00-\ufe0f\U000e0100-\U000e01ef]?", re.S)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the first character only (a surname or its first half).

    Compound surnames lose their second character on purpose: the rule stays one line and
    shows less, never more. A name of one character (王, a surname typed alone) is ``*``: its
    first character is all of it (before 2026-11-29 it was shown whole)."""
    if name in (ERASED, SEALED):
        return name
    # A variation selector is part of the character before it (a rare character 生僻字
    # written as the ID card shows it): shown with it, never counted (tester I, session 22).
    shown = [c for c in name if not _SELECTOR.match(c)]
    if len(shown) <= 1:
        return "*" * len(shown)
    first = _SELECTED.match(name)
    return (first[0] if first else name[:1]) + "*" * (len(shown) - 1)


#: The shortest ID-card number whose region code and last four are shown (a 15-digit card of
#: the first generation hides its five digits of birth date and serial; anything shorter is
#: masked whole: ten shown characters of an 11-character value would leave one hidden).
_ID_CARD_SHOWN_FROM = 15

#: How many characters of a phone ``mask_phone`` always hides.
_PHONE_HIDDEN = 4


def mask_id_card(number: str) -> str:
    """440704198001011234 → 440704********1234: the region code and the last four only, of a
    number of 15 characters or more; a shorter one (an old register's odd value) is masked
    whole (before 2026-11-29 an 11-character value showed ten of them)."""
    if number in (ERASED, SEALED):
        return number
    if len(number) < _ID_CARD_SHOWN_FROM:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """13800001234 → *******1234: the last four digits, and always at least four hidden: a
    phone of eight characters or fewer shows only what is left after hiding four (12345 →
    ****5), one of four or fewer nothing (5678 → ****; before 2026-11-29 it was shown whole)."""
    if phone in (ERASED, SEALED):
        return phone
    shown = min(4, max(len(phone) - _PHONE_HIDDEN, 0))
    return "*" * (len(phone) - shown) + (phone[len(phone) - shown :] if shown else "")


def mask_personal(personal: Personal) -> Personal:
    """What an analyst sees: names and ID number masked, phone's last four, no address."""
    return Personal(
        mask_name(personal.head_name),
        mask_id_card(personal.id_card),
        mask_phone(personal.phone),
        "" if personal.address not in (ERASED, SEALED) else personal.address,
        tuple(mask_name(name) for name in personal.member_names),
    )


# -- the master key ------------------------------------------------------------------------


def generate_master_key() -> str:
    """A fresh master key, as the text ``LEDGER_MASTER_KEY`` takes (base64 of 32 bytes)."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def master_key_id(master: bytes) -> str:
    """First 16 hex digits of SHA-256 of the master key: names it without revealing it."""
    return hashlib.sha256(master).hexdigest()[:16]


def rotation_id(master_id: str) -> UUID:
    """The id of the ``MasterKeyRotation`` that made master key ``master_id`` current (one
    per key: ``ledger.notice``); the verifier and the key table's readers find it by it."""
    return natural_id("master key", master_id)


#: The two variables that give the master key (docs/privacy.md, the master key).
_KEY_VAR, _FILE_VAR = "LEDGER_MASTER_KEY", "LEDGER_MASTER_KEY_FILE"


def load_master_key(env: Mapping[str, str]) -> bytes | None:
    """The master key from ``LEDGER_MASTER_KEY`` or ``LEDGER_MASTER_KEY_FILE`` (None if neither).

    A variable set to the empty string is as unset (``LEDGER_MASTER_KEY= fupin …`` runs one
    command without it). One set to blanks only, a file that is empty or blank, and both
    variables set to different keys are refused (``InputError`` on ``master_key``, naming the
    variable and, for two keys, their ids, never a key): before 2026-11-29 the first two read
    as "no master key" (personal data ``[sealed]``, writes asking for a variable that was set)
    and the variable silently won over the file."""
    text = env.get(_KEY_VAR) or ""
    path = env.get(_FILE_VAR) or ""
    if text and not text.strip():
        raise InputError(
            "master_key",
            f"{_KEY_VAR} is set but blank: it holds no master key (unset it, or give one: "
            f"`fupin keys new-master --out FILE`, then {_FILE_VAR}=FILE)",
        )
    if path and not path.strip():
        raise InputError(
            "master_key",
            f"{_FILE_VAR} is set but blank: it names no master key file (unset it, or name "
            "the file)",
        )
    # A malformed key names where it was read (the variable, or the file and its variable),
    # never the value: before session 20 both said only "a master key is base64 of 32 bytes".
    from_var = parse_master_key(text, source=_KEY_VAR) if text else None
    from_file = (
        parse_master_key(
            read_master_key_file(Path(path.strip())),
            source=f"{path.strip()} ({_FILE_VAR})",
        )
        if path
        else None
    )
    if from_var is not None and from_file is not None and from_var != from_file:
        raise InputError(
            "master_key",
            f"{_KEY_VAR} and {_FILE_VAR} ({path.strip()}) are both set and hold different "
            f"master keys ({master_key_id(from_var)} and {master_key_id(from_file)}): unset "
            f"one of them ({_FILE_VAR} is the safer: docs/privacy.md)",
        )
    return from_var if from_var is not None else from_file


def retired_master(given: str, current: str, *, earlier: bool = False) -> str:
    """The one refusal of master key ``given``, which the ledger's latest recorded rotation
    retired for ``current``: by a reader, a writer, ``keys check`` and a rotation alike (since
    session 29, tester C: ``household show``, ``history``, ``notice`` and ``erase`` said only
    "household keys are wrapped under master key X; the one given is Y", while ``identify``
    said the keys "were re-wrapped meanwhile" and ``keys check`` that the key "is not the
    current one"). ``earlier``: an earlier rotation retired it, and the latest made ``current``
    current (since session 30: ``export events`` and ``keys check`` said "the ledger records
    master key X as current", the readers "household keys are wrapped under …")."""
    retired = (
        "an earlier MasterKeyRotated retired it, and the ledger's latest made"
        if earlier
        else "the ledger's latest MasterKeyRotated retired it and made"
    )
    return (
        f"master key {given} is not the current one: {retired} master key {current} current "
        f"(the household keys are wrapped under it): run again with the new master key "
        f"({_FILE_VAR}, docs/privacy.md)"
    )


def parse_master_key(text: str, field: str = "master_key", source: str | None = None) -> bytes:
    """Base64 of 32 bytes; the key itself never appears in the refusal (on ``field``), which
    names ``source``, where the text was read (``LEDGER_MASTER_KEY``, or a key file and the
    variable that named it), when it is given."""
    where = f"{source} holds no master key: " if source else ""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InputError(field, f"{where}a master key is base64 of 32 bytes") from None
    if len(raw) != 32:
        raise InputError(field, f"{where}a master key is 32 bytes, this one is {len(raw)}")
    return raw


def read_master_key_file(path: Path, field: str = "master_key") -> str:
    """The text of a master key file (stripped), refused on ``field`` when it cannot be read,
    is a folder, may be read by the group or others, or is empty or blank (a key file
    truncated by a failed copy is not "no master key")."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InputError(
                field, f"{path} is a folder, not a master key file: name the key file in it"
            )
        if mode & NOT_OWNER_ONLY:
            raise InputError(field, f"{open_to(str(path), mode)}; run `chmod 600 {path}`")
        text = _key_text(path.read_bytes())
    except FileNotFoundError:
        # Tester S, session 23: a newcomer was told "[Errno 2] No such file or directory".
        raise InputError(
            field,
            f"master key file {path} does not exist: name the file that holds this ledger's "
            "master key (personal data a ledger holds opens only with the key it was made "
            "with, never a new one: its safe copy, docs/privacy.md); a new ledger's key is made "
            f"with fupin keys new-master --out {path}",
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            field,
            f"cannot read master key file {path}: byte 0x{exc.object[exc.start]:02X} at position "
            f"{exc.start} is not ASCII: a master key is base64 text (a byte order mark at its "
            "start is read past)",
        ) from None
    except OSError as exc:
        raise InputError(field, f"cannot read master key file {path}: {exc}") from None
    if not text:
        raise InputError(
            field,
            f"{path} is empty: it holds no master key (make one with `fupin keys new-master "
            "--out FILE`, or restore the file from its copy)",
        )
    return text


def _key_text(data: bytes) -> str:
    """A master key file's text, stripped, read past a UTF-8 byte order mark at its start
    (Windows Notepad saves one: tester D, session 26, was told "'ascii' codec can't decode
    byte 0xef"), as a checkpoint or a private key file is."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode("ascii").strip()
    except UnicodeDecodeError as exc:  # the position in the file, its mark included
        skipped = len(data) - len(body)
        raise UnicodeDecodeError(
            "ascii", data, exc.start + skipped, exc.end + skipped, exc.reason
        ) from None


def write_master_key(path: Path, text: str) -> None:
    """Write a master key file readable only by its owner (0600); never overwrite one."""
    fd = create_key_file(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
    os.chmod(path, 0o600)
    note_written(path)


# -- the key table -------------------------------------------------------------------------

_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {KEY_TABLE} (household_id TEXT PRIMARY KEY, "
    "key_version INTEGER NOT NULL, master_id TEXT NOT NULL, wrapped_key TEXT, destroyed_at TEXT)"
)
_SELECT = f"SELECT household_id, key_version, master_id, wrapped_key, destroyed_at FROM {KEY_TABLE}"
_INSERT = (
    f"INSERT INTO {KEY_TABLE} (household_id, key_version, master_id, wrapped_key, destroyed_at) "
    "VALUES (?, 1, ?, ?, NULL) ON CONFLICT (household_id) DO NOTHING"
)
#: A key made for a save, inserted in the save's transaction: a racing writer's key fails it.
_INSERT_PENDING = (
    f"INSERT INTO {KEY_TABLE} (household_id, key_version, master_id, wrapped_key, destroyed_at) "
    "VALUES (?, 1, ?, ?, NULL)"
)
#: The master the table is under (``_check_master``): a live key's, else a destroyed key's
#: (rotation re-wraps every live key and marks every destroyed one, at once).
_LIVE_MASTER = f"SELECT master_id FROM {KEY_TABLE} WHERE wrapped_key IS NOT NULL LIMIT 1"
_ANY_MASTER = f"SELECT master_id FROM {KEY_TABLE} LIMIT 1"
#: Whether any live key is under a given master (``check_live_keys``).
_LIVE_UNDER = (
    f"SELECT 1 AS found FROM {KEY_TABLE} WHERE wrapped_key IS NOT NULL AND master_id = ? LIMIT 1"
)
#: A rotation marks every destroyed row with the new master, so that a table whose keys are
#: all erased still tells ``_check_master`` which master is current. It destroys nothing
#: more, so the key table's guard (``ledger.keys``) lets it through even for a row destroyed
#: with no recorded erasure (which ``fupin verify`` reports).
_REMASTER_DESTROYED = f"UPDATE {KEY_TABLE} SET master_id = ? WHERE wrapped_key IS NULL"
_DESTROY = f"UPDATE {KEY_TABLE} SET wrapped_key = NULL, destroyed_at = ? WHERE household_id = ?"
#: SQLite destroys a key in two steps: the wrapped key first (``destroyed_at`` left NULL: the
#: file may still hold a copy), then, once the write-ahead log is checkpointed and truncated,
#: ``destroyed_at`` (``HouseholdKeys.destroy``). A row whose wrapped key is NULL and whose
#: ``destroyed_at`` is NULL is an erasure whose scrub is unfinished: ``erase`` finishes it.
_DESTROY_KEY = (
    f"UPDATE {KEY_TABLE} SET wrapped_key = NULL, destroyed_at = NULL WHERE household_id = ?"
)
_SCRUBBED = (
    f"UPDATE {KEY_TABLE} SET destroyed_at = ? "
    "WHERE household_id = ? AND wrapped_key IS NULL AND destroyed_at IS NULL"
)
_LIVE_COUNT = f"SELECT COUNT(*) AS n FROM {KEY_TABLE} WHERE wrapped_key IS NOT NULL"
#: The rows ``fupin verify`` looks at: every key destroyed or marked destroyed (as many as
#: erasures, in a ledger nobody altered), with whether a wrapped key is still stored.
_DESTROYED_ROWS = (
    f"SELECT household_id, wrapped_key IS NOT NULL AS live, destroyed_at IS NULL AS unmarked "
    f"FROM {KEY_TABLE} WHERE wrapped_key IS NULL OR destroyed_at IS NOT NULL"
)
#: The event that records a household's personal data first (every household's first event;
#: ``MembersChanged`` comes after it), and its erasure (``ledger.transparency.ERASURE_TOPIC``).
_IDENTIFIED = "ledger.household:Household.Identified"
_ERASURE = "ledger.household:Household.PersonalDataErased"
#: SQLite: the key rows' ids as the events table spells an id (32 lowercase hex digits; an
#: event's id is read in that spelling too), of the rows named as the ledger names a key
#: (``str(UUID)``: a dash at each of its four places, lowercase, since an event's id is):
#: a row named otherwise is found by no lookup of the ledger's, so it keys no household.
#: ``NOT IN`` over this list makes the database build it once, as a temporary index, and
#: look each household up in it: some 4 µs a household (looking it up in the key table's own
#: index instead, its id spelled with dashes anew for each event, took 5.5 µs). The ``GLOB``
#: also leaves out a NULL id (SQLite lets this primary key be NULL), which would make every
#: ``NOT IN`` unknown, and so hide every household.
_SQLITE_KEYED = (
    f"SELECT replace(household_id, '-', '') FROM {KEY_TABLE} "
    "WHERE household_id GLOB '????????-????-????-????-????????????'"
)
_SQLITE_NO_ROW = f"lower(replace(originator_id, '-', '')) NOT IN ({_SQLITE_KEYED})"
#: The default names of the ledger's events tables (``events_table_name``): eventsourcing's
#: on SQLite; on PostgreSQL named after the application (``ledger.application.Ledger``).
_EVENTS_TABLES = {True: "stored_events", False: "ledger_events"}
#: The pause between two checkpoints of ``_scrub`` (seconds).
_SCRUB_PAUSE = 0.05
_REWRAP = f"UPDATE {KEY_TABLE} SET master_id = ?, wrapped_key = ? WHERE household_id = ?"

#: Keys read one at a time before the whole key table is read (``HouseholdKeys._row``).
_ONE_BY_ONE = 256

#: The keyword a save passes to the recorder's ``insert_events``: a writer of the save's new
#: household keys, called with the save's cursor before its events are inserted. The ledger's
#: recorders (``writes_household_keys``) call it; with another recorder the keys are committed
#: first, on their own.
HOUSEHOLD_KEYS = "household_keys"

#: What ``HouseholdKeys.key`` answers for a household whose key was destroyed.
DESTROYED = b""

#: What a save needs the key table for (``HouseholdKeys.refuse_denied``).
_SAVE = "recording reads and writes the household keys"


class ScrubUnfinishedError(Exception):
    """SQLite: a household's wrapped key is gone from the key table, but the store's
    write-ahead log could not be checkpointed and truncated (a reader held a read transaction
    past ``LEDGER_LOCK_TIMEOUT``), so the file may still hold a copy of it: ``destroy`` again
    finishes the job (``HouseholdKeys._scrub``)."""


class KeysChangedError(Exception):
    """A rotation's save found another number of live keys than its event says it re-wraps
    (a key was made or destroyed meanwhile): nothing was written; the save is made again."""


@dataclass(frozen=True)
class _Rotation:
    """A master key rotation made by the save under way (``HouseholdKeys.rotating``)."""

    old: bytes
    new: bytes
    expected: int  # live keys the save's event says are re-wrapped
    done: bool = False


@dataclass(frozen=True)
class _Row:
    household_id: str
    key_version: int
    master_id: str
    wrapped_key: str | None
    destroyed_at: str | None


class HouseholdKeys:
    """The table of household keys, each wrapped under the master key; unwrapped keys are kept
    in memory for the life of the application (a CLI command)."""

    def __init__(self, env: Mapping[str, str], datastore: Callable[[], Any]) -> None:
        self._env = env
        self._datastore = datastore
        self._master: bytes | None = None
        self._master_loaded = False
        self._table_ready = False
        #: The rows read so far, by household id; the whole table once ``_whole``.
        self._rows: dict[str, _Row] = {}
        self._whole = False
        self._lookups = 0  # rows read one at a time so far
        self._keys: dict[str, bytes] = {}
        #: Keys made for the save under way, with their rows (``prepare``, ``settle``).
        self._pending: dict[str, tuple[_Row, bytes]] = {}
        #: The rotation the next save makes, in its transaction (``rotating``).
        self._rotation: _Rotation | None = None
        #: PostgreSQL: the role this connection reads as, once the database refused it a read
        #: of the key table (no SELECT on it: the analysts', docs/operations.md). Reading then
        #: goes on as without a master key (personal data ``[sealed]``); writing is refused.
        self.denied: str | None = None
        self._probed = False  # whether ``_check_readable`` has read the table once
        self._masters_in_use: dict[str, bool] = {}  # master id -> any live key under it
        #: The events table's name (the recorder's ``events_table_name``), where the recorded
        #: rotations are read (``_check_master``); None: the ledger's default by store kind.
        self.events_table: str | None = None

    @property
    def master(self) -> bytes | None:
        if not self._master_loaded:
            self._master = load_master_key(self._env)
            self._master_loaded = True
        return self._master

    def key(self, household: UUID) -> bytes | None:
        """The household's key; ``DESTROYED`` if erased; None if absent, no master key, or
        the key table may not be read by this role (PostgreSQL: ``denied``; the household
        then reads as without a master key, ``[sealed]``)."""
        hid = str(household)
        if hid in self._keys:
            return self._keys[hid]
        if hid in self._pending:
            return self._pending[hid][1]
        if self.denied is not None:
            return None
        try:
            row = self._row(hid)
        except Exception as exc:
            if not self._denied_by(exc):
                raise
            return None
        if row is None:
            return None
        if row.destroyed_at is not None or row.wrapped_key is None:
            return DESTROYED
        if self.master is None:
            return None
        key = self._unwrap(row, self.master)
        self._keys[hid] = key
        return key

    def require_master(self, why: str) -> bytes:
        """The master key, or a refusal saying ``why`` it is needed and how to give it; also
        refused when this role may not read the key table (``refuse_denied``): whatever needs
        the master key needs the keys."""
        if self.master is None:
            raise InputError(
                "master_key",
                f"{why}: set LEDGER_MASTER_KEY or LEDGER_MASTER_KEY_FILE (see docs/privacy.md)",
            )
        self._check_readable(why)
        return self.master

    def wrapped_under(self) -> str | None:
        """The id of the master key the household keys are wrapped under, read from the key
        table with no master key (a live key's row first, as ``_check_master`` reads them), or,
        with no key stored, the one the latest recorded ``MasterKeyRotated`` made current:
        which master key the ledger needs (``restore`` says it, since session 30). None: no
        key and no rotation on record (any master key starts the keys), or a role that may
        not read the table."""
        try:
            with key_transaction(self._datastore(), commit=False) as cursor:
                if _key_table_exists(self._datastore(), cursor):
                    stored = _table_master(cursor)
                    if stored is not None:
                        return stored
                recorded = _recorded(cursor, self._is_sqlite(), self.events_table)
        except Exception as exc:
            if self._denied_by(exc):
                return None
            raise
        return None if recorded is None else recorded.master_id

    def check_master_given(self) -> None:
        """Refuse, before anything is read, a master key given under which no live household
        key is wrapped while others are (``_unwrap``'s refusal), and a key file that cannot be
        read: for a reader that writes as it reads (``fupin log``, since session 29: a wrong
        master key was refused at the first household, after the events before it were
        written). No master key, a role that may not read the key table, or a table without
        live keys: nothing to refuse (the data reads ``[sealed]``, or there is none)."""
        master = self.master  # a key file that cannot be read is refused here
        if master is None or self.denied is not None:
            return
        given = master_key_id(master)
        try:
            with key_transaction(self._datastore(), commit=False) as cursor:
                if not _key_table_exists(self._datastore(), cursor):
                    return
                cursor.execute(self._sql(_LIVE_UNDER), (given,))
                if cursor.fetchall():
                    return
                cursor.execute(_LIVE_MASTER)
                found = cursor.fetchall()
        except Exception as exc:
            if self._denied_by(exc):
                return
            raise
        if found:
            raise self._other_master(str(found[0]["master_id"]), given)

    def refuse_denied(self, why: str) -> None:
        """Refuse (``InputError`` on ``store``) if this role was found unable to read the key
        table: ``why`` says what needs it (a save, an erasure, a rotation)."""
        if self.denied is not None:
            raise InputError(
                "store",
                f"{why}, and role {self.denied} may not read the household key table "
                f"{KEY_TABLE} (no SELECT on it): run it as the officers' role or the owner "
                "(docs/operations.md, Roles and grants)",
            )

    def _check_readable(self, why: str) -> None:
        """PostgreSQL: read the key table once (one row at most), so that a role that may not
        read it is refused (``refuse_denied``) before anything needing a key goes on as if the
        household had none."""
        if not self._probed and self.denied is None and not self._is_sqlite():
            self._probed = True
            with self._reading(why), key_transaction(self._datastore(), commit=False) as cursor:
                if _key_table_exists(self._datastore(), cursor):
                    cursor.execute(f"SELECT household_id FROM {KEY_TABLE} LIMIT 1")
                    cursor.fetchall()
        self.refuse_denied(why)

    def _denied_by(self, exc: BaseException) -> bool:
        """Whether ``exc``, from a read of the key table, is PostgreSQL's refusal of this
        role's read (``key_table_denied``); if so, remember the role (``denied``)."""
        if self._is_sqlite() or not key_table_denied(exc):
            return False
        if self.denied is None:
            self.denied = denied_role(self._datastore())
        return True

    @contextmanager
    def _reading(self, why: str) -> Iterator[None]:
        """Around a read of the key table by a writer: this role's refusal to read it becomes
        one clear refusal saying ``why`` the keys are needed (``refuse_denied``)."""
        self.refuse_denied(why)
        try:
            yield
        except Exception as exc:
            if not self._denied_by(exc):
                raise
            self.refuse_denied(why)
            raise  # not reached: ``denied`` is set

    def key_for_writing(self, household: UUID) -> bytes:
        """The household's key; refused without a master key or once destroyed. A save has
        made it already (``prepare``); one still missing here (an event encoded outside a
        save) is made and committed on its own first: a key saved before its first event is
        harmless if the save then fails; an event saved without its key would be unreadable
        forever."""
        master = self.require_master("personal data is recorded encrypted")
        key = self.key(household)
        if key == DESTROYED:
            raise RuleError("household", "its personal data was erased; none is recorded again")
        if key is not None:
            return key
        fresh = secrets.token_bytes(32)
        hid = str(household)
        made = [(hid, master_key_id(master), _wrap(master, hid, 1, fresh))]
        with key_transaction(self._datastore(), commit=True) as cursor:
            self._insert_keys(cursor, made, self._sql(_INSERT))
        key = self.key(household)  # another writer may have won: use what is stored
        assert key, "a household key was just stored"
        return key

    def prepare(self, households: Iterable[UUID]) -> Callable[[Any], None] | None:
        """Make the missing keys of ``households`` for a save that writes their personal data.

        The keys are pending: ``key`` answers them at once (the save's events are encrypted
        with them), and the returned writer inserts them through the save's own cursor, in
        the save's transaction: a key and the events it opens are stored together or not at
        all, with one commit (an import of thousands of new households, or one command,
        commits once). Call ``settle`` when the save has ended. None: nothing to insert.

        A key another writer has stored since this process last read the table is read, not
        made again; one stored meanwhile by a racing writer makes the save's insert fail,
        and the save is retried or refused like any lost race (``Ledger.execute``)."""
        # A save after households were read without their keys (this role may not read the
        # key table, ``denied``) is refused whatever it records: it would go on from their
        # personal data read as [sealed].
        self.refuse_denied(_SAVE)
        rotation = self._rotation
        if rotation is not None and not rotation.done:
            assert not list(households), "a rotation's save records no personal data"
            return self._rotate_in(rotation)
        wanted = dict.fromkeys(str(h) for h in households)
        if not wanted:
            # Nothing saved carries personal data (a checkpoint, an officer): the master key
            # is not read, so a wrong or unreadable key file does not refuse it (since
            # session 29: `fupin checkpoint` refused a missing or group-readable one).
            return None
        master = self.master
        if master is None:
            return None  # key_for_writing refuses, naming the missing master key
        rows = self._rows
        missing = [h for h in wanted if h not in rows and h not in self._pending]
        if not missing:
            return None
        with self._reading(_SAVE):
            self._read_rows(missing)  # stored before, or by another process meanwhile
        master_id = master_key_id(master)
        made: list[tuple[str, str, str]] = []
        for hid in missing:
            if hid not in rows:
                fresh = secrets.token_bytes(32)
                wrapped = _wrap(master, hid, 1, fresh)
                self._pending[hid] = (_Row(hid, 1, master_id, wrapped, None), fresh)
                made.append((hid, master_id, wrapped))
        if not made:
            return None
        made.sort()  # two writers insert in one order: no deadlock between them on PostgreSQL
        insert = self._sql(_INSERT_PENDING)

        def write(cursor: Any) -> None:
            self._insert_keys(cursor, made, insert)

        return write

    def _insert_keys(self, cursor: Any, made: list[tuple[str, str, str]], insert: str) -> None:
        """Insert new keys, all wrapped under this process's master, in the caller's
        transaction: first the table's write lock (waiting for other writers as any write
        does), then the check that the stored keys are under the same master (a rotation
        since this process read its master key refuses the save), then the rows."""
        if not made:
            return
        self._lock(cursor, "ROW EXCLUSIVE")
        self._check_master(cursor, made[0][1])
        for params in made:
            cursor.execute(insert, params)

    def _check_master(self, cursor: Any, master_id: str) -> None:
        """With the key table's write lock held, before keys are wrapped under ``master_id``
        (new keys, or a rotation's re-wrapping): the stored keys must be under it
        (``_check_master``); a table with no row at all (a new ledger) says nothing, so then
        the latest recorded ``MasterKeyRotated`` must name it as its new key (``_recorded``):
        a retired master key, or one never recorded, wraps nothing once a rotation is on
        record (before 2026-11-29 it wrapped a new ledger's first keys, which the current
        master then could not read). With no rotation recorded either, any master key starts
        the ledger. Read under the lock, in the save's transaction: a rotation committed
        meanwhile is seen. Only a table with no row reads the events (a ledger with no
        household yet, so few events): every other save pays one indexed row."""

        sqlite = self._is_sqlite()

        def retired(stored: str) -> str | None:
            rotation = _recorded(cursor, sqlite, self.events_table)
            if rotation is None or not rotation.names(stored):
                return None
            return _retired_said(cursor, sqlite, self.events_table, master_id, rotation)

        if _check_master(cursor, master_id, retired):
            return
        recorded = _recorded(cursor, sqlite, self.events_table)
        if recorded is None or recorded.names(master_id):
            return
        said = _retired_said(cursor, sqlite, self.events_table, master_id, recorded)
        raise InputError(
            "master_key",
            said
            or f"master key {master_id} is not the current one: the ledger records master key "
            f"{recorded.shown} as current (its latest MasterKeyRotated), and a retired or "
            "unrecorded master key wraps no household key: give the current master key "
            f"({_FILE_VAR}, docs/privacy.md)",
        )

    def _lock(self, cursor: Any, mode: str) -> None:
        """The key table's write lock: on PostgreSQL in ``mode`` (a save's ROW EXCLUSIVE and a
        rotation's SHARE ROW EXCLUSIVE exclude each other); on SQLite the database's write
        lock, taken by a write that changes nothing, before anything is read (a transaction
        that has read cannot wait for the lock: it would fail at once if another process was
        writing)."""
        if self._is_sqlite():
            cursor.execute(f"UPDATE {KEY_TABLE} SET key_version = key_version WHERE 0")
        else:
            cursor.execute(f"LOCK TABLE {KEY_TABLE} IN {mode} MODE")

    def commit_pending(self) -> None:
        """Store the pending keys in a transaction of their own (a store whose recorder does
        not write them with the events: a key stored before its events is harmless if their
        save then fails; events stored without their key would be unreadable forever)."""
        if self._rotation is not None and not self._rotation.done:
            # The rotation and its event are one transaction, or the event could claim a
            # rotation that did not happen (``ledger.notice``): such recorders are refused.
            raise InputError("store", "this store's recorder cannot rotate the master key")
        made = [
            (hid, row.master_id, row.wrapped_key or "") for hid, (row, _) in self._pending.items()
        ]
        with key_transaction(self._datastore(), commit=True) as cursor:
            self._insert_keys(cursor, made, self._sql(_INSERT))
        self._pending.clear()
        self._read_rows([hid for hid, _, _ in made])

    def settle(self, *, saved: bool) -> None:
        """After a save: its pending keys are stored (``saved``) or were not."""
        if saved:
            for hid, (row, key) in self._pending.items():
                self._rows[hid] = row
                self._keys[hid] = key
            rotation = self._rotation
            if rotation is not None and not rotation.done:
                self._rotation = _Rotation(rotation.old, rotation.new, rotation.expected, True)
                self._master, self._rows, self._whole, self._keys = rotation.new, {}, False, {}
        self._pending.clear()

    def _read_rows(self, hids: list[str]) -> None:
        """Read the stored rows of ``hids`` (those there are) into the cache."""
        self._ensure_table()
        rows = self._rows
        mark = "?" if self._is_sqlite() else "%s"
        with key_transaction(self._datastore(), commit=False) as cursor:
            for record in select_in(cursor, f"{_SELECT} WHERE household_id", hids, mark):
                rows[str(record["household_id"])] = _row(record)

    def destroy(self, household: UUID) -> None:
        """Crypto-shredding: overwrite the wrapped key and mark it destroyed. On SQLite the
        freed bytes are zeroed (``secure_delete``) and the write-ahead log is checkpointed and
        truncated, so that no copy lingers in the file; only then is ``destroyed_at`` set.

        A lock held by another writer (a rotation re-wrapping every key) is waited for up to
        ``LEDGER_LOCK_TIMEOUT`` (``key_transaction``). Past that the
        store's error is raised and nothing is changed. On SQLite a reader's transaction
        keeping the log from being checkpointed is waited for as long (``_scrub``); past that
        ``ScrubUnfinishedError``: the key is gone from the table, a copy may be in the file,
        and ``destroy`` again (``fupin erase`` again) finishes it."""
        self.refuse_denied("an erasure destroys the household's key")
        hid = str(household)
        sqlite = self._is_sqlite()
        try:
            with key_transaction(self._datastore(), commit=True) as cursor:
                if sqlite:
                    cursor.execute("PRAGMA secure_delete = ON")
                    cursor.execute(_DESTROY_KEY, (hid,))
                else:
                    cursor.execute(self._sql(_DESTROY), (clock.now().isoformat(), hid))
            if sqlite:
                self._scrub()
                with key_transaction(self._datastore(), commit=True) as cursor:
                    cursor.execute(_SCRUBBED, (clock.now().isoformat(), hid))
        finally:
            self._keys.pop(hid, None)
            self._rows.pop(hid, None)  # read the row back, destroyed or not

    def _scrub(self) -> None:
        """SQLite: copy every page of the write-ahead log into the file and truncate the log
        (``PRAGMA wal_checkpoint(TRUNCATE)``), checking its answer: a reader's transaction
        begun before the key was destroyed keeps the old page in the file, and any reader
        keeps the log from being truncated. The checkpoint waits for them as a lock is waited
        for (the connection's busy timeout, ``LEDGER_LOCK_TIMEOUT``) and is tried again until
        about that long has passed; then ``ScrubUnfinishedError``."""
        seconds = float(self._env.get("SQLITE_LOCK_TIMEOUT") or 5)
        deadline = time.monotonic() + seconds
        while True:
            datastore = self._datastore()
            with datastore.get_connection(commit=True) as connection, connection.cursor() as cursor:
                # (busy, pages in the log, pages copied into the file): busy 1 is unfinished.
                busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            if not busy:
                return
            if time.monotonic() >= deadline:
                raise ScrubUnfinishedError(
                    "a reader holds a read transaction on the store (a long query, a verify, "
                    f"a report) past LEDGER_LOCK_TIMEOUT ({seconds:g} s): the write-ahead log "
                    "could not be checkpointed and emptied, and the file may still hold a copy "
                    "of the wrapped key"
                )
            time.sleep(_SCRUB_PAUSE)

    def is_destroyed(self, household: UUID) -> bool:
        """Whether no wrapped key of the household is stored any more (a row only marked
        destroyed, its wrapped key still there, is not: ``destroy`` finishes it), nor, on
        SQLite, any copy of it in the file (``destroyed_at`` is set once the file is
        scrubbed: a row whose wrapped key is NULL without it is finished by ``destroy``)."""
        with self._reading("an erasure destroys the household's key"):
            row = self._row(str(household))
        if row is None or row.wrapped_key is not None:
            return False
        return row.destroyed_at is not None or not self._is_sqlite()

    def live_count(self) -> int:
        """How many live (not destroyed) keys the table holds now."""
        self._ensure_table()
        with (
            self._reading("re-wrapping reads every household key"),
            key_transaction(self._datastore(), commit=False) as cursor,
        ):
            cursor.execute(_LIVE_COUNT)
            return int(cursor.fetchall()[0]["n"])

    @contextmanager
    def rotating(self, new_master: bytes, expected: int) -> Iterator[None]:
        """Within the block, the next save re-wraps every live household key under
        ``new_master`` in its own transaction, before its events are inserted: the rotation
        and the event that records it (``ledger.notice``) are committed together or not at
        all. ``expected`` is how many live keys the event says are re-wrapped: a save that
        finds another number under the table's lock raises ``KeysChangedError`` and writes
        nothing. After the save this process reads the keys under ``new_master``."""
        old = self.master
        if old is None:
            raise InputError("master_key", "the current master key is needed to re-wrap keys")
        self._ensure_table()
        self._rotation = _Rotation(old, new_master, expected)
        try:
            yield
        finally:
            self._rotation = None

    def _rotate_in(self, rotation: _Rotation) -> Callable[[Any], None]:
        new_id = master_key_id(rotation.new)
        rewrap, remaster = self._sql(_REWRAP), self._sql(_REMASTER_DESTROYED)

        def write(cursor: Any) -> None:
            # The table's write lock first (writers of new keys wait: 592 k keys take ~4 s to
            # re-wrap), then the check that no other rotation went first, then every live key
            # read and re-wrapped: no key committed meanwhile stays under the old master.
            self._lock(cursor, "SHARE ROW EXCLUSIVE")
            self._check_master(cursor, master_key_id(rotation.old))
            cursor.execute(f"{_SELECT} WHERE wrapped_key IS NOT NULL")
            rows = [_row(record) for record in cursor.fetchall()]
            if len(rows) != rotation.expected:
                raise KeysChangedError(
                    f"{len(rows)} live keys, the rotation's event says {rotation.expected}"
                )
            for row in rows:
                key = self._unwrap(row, rotation.old)
                wrapped = _wrap(rotation.new, row.household_id, row.key_version, key)
                cursor.execute(rewrap, (new_id, wrapped, row.household_id))
            cursor.execute(remaster, (new_id,))

        return write

    # -- table access ------------------------------------------------------------------

    def _row(self, hid: str) -> _Row | None:
        """The stored row of ``hid``, or None. A command reads one household's key, so rows
        are read one at a time (reading the whole table took 2.5 s at 10 M events, 592 k
        households, on every command); a job that reads many households' keys (an export, a
        report) reads the whole table once it has read ``_ONE_BY_ONE`` of them."""
        rows = self._rows
        if hid in rows:
            return rows[hid]
        if not self._whole and self._lookups >= _ONE_BY_ONE:
            self._read_all()
            if hid in rows:
                return rows[hid]
        # Not read yet, or written since the table was read (by this process or another).
        self._lookups += 1
        self._read_rows([hid])
        return rows.get(hid)

    def read_as_of_now(self) -> None:
        """Read the whole key table now, in one statement, forgetting every key and row read
        before: from here on every household stored by now opens with its key as it stood at
        this moment, whatever is destroyed meanwhile (an export's one view of the ledger,
        ``ledger.imports``, since session 32: a key read early and one read late made an export
        that raced an erasure write the household in clear). A household stored later is read
        one at a time, as ever."""
        self._keys.clear()
        self._rows.clear()
        self._read_all()

    def _read_all(self) -> None:
        # A store with no key table yet (no household) has no row: nothing is created, so a
        # reader (an export) writes nothing (a row read later, one at a time, makes it).
        datastore = self._datastore()
        with key_transaction(datastore, commit=False) as cursor:
            if _key_table_exists(datastore, cursor):
                cursor.execute(_SELECT)
                self._rows.update((r["household_id"], _row(r)) for r in cursor.fetchall())
        self._whole = True

    def _ensure_table(self) -> None:
        # On PostgreSQL, CREATE TABLE IF NOT EXISTS needs the schema's CREATE right even when
        # the table exists, and officers' roles lack it (docs/operations.md): look first.
        if not self._table_ready:
            if self._is_sqlite() or not self._pg_table_exists():
                self._execute(_CREATE, ())
            self._table_ready = True

    def _pg_table_exists(self) -> bool:
        with key_transaction(self._datastore(), commit=False) as cursor:
            cursor.execute("SELECT to_regclass(%s) AS found", (KEY_TABLE,))
            row = cursor.fetchone()
        return row is not None and row["found"] is not None

    def _execute(self, sql: str, params: tuple[Any, ...]) -> None:
        with key_transaction(self._datastore(), commit=True) as cursor:
            cursor.execute(self._sql(sql), params)

    def _other_master(self, stored: str, given: str) -> SealBrokenError:
        """The refusal of master key ``given`` by a reader: the household keys are under
        ``stored``. Said as retired (``retired_master``) when a recorded rotation retired
        ``given`` and the latest made ``stored`` current (read only then, on the way to a
        refusal; an earlier rotation's since session 30)."""
        said = None
        with key_transaction(self._datastore(), commit=False) as cursor:
            sqlite = self._is_sqlite()
            rotation = _recorded(cursor, sqlite, self.events_table)
            if rotation is not None and rotation.names(stored):
                said = _retired_said(cursor, sqlite, self.events_table, given, rotation)
        return SealBrokenError(
            "master_key",
            said
            or f"household keys are wrapped under master key {stored}; the one given is {given}",
        )

    def _in_use(self, master_id: str) -> bool:
        """Whether any live key is stored under ``master_id`` (asked once a process)."""
        found = self._masters_in_use.get(master_id)
        if found is None:
            with key_transaction(self._datastore(), commit=False) as cursor:
                cursor.execute(self._sql(_LIVE_UNDER), (master_id,))
                found = self._masters_in_use[master_id] = bool(cursor.fetchall())
        return found

    def _is_sqlite(self) -> bool:
        return type(self._datastore()).__module__ == "eventsourcing.sqlite"

    def _sql(self, sql: str) -> str:
        # SQLite takes ``?`` placeholders, psycopg ``%s``.
        return sql if self._is_sqlite() else sql.replace("?", "%s")

    def _unwrap(self, row: _Row, master: bytes) -> bytes:
        if row.master_id != master_key_id(master):
            if self._in_use(master_key_id(master)):
                # Other keys are under the master given: this one row is the odd one (its
                # master id altered, or left under a retired master), not the master given.
                raise DamagedKeyError(
                    "master_key",
                    f"the key of household {row.household_id} is wrapped under master key "
                    f"{row.master_id}, not the one the other keys are under "
                    f"({master_key_id(master)}): its row was altered or left behind by a "
                    "rotation (`fupin keys check`)",
                    row.household_id,
                )
            raise self._other_master(row.master_id, master_key_id(master))
        key, problem = _unwrapped(row, master)
        if key is None:
            raise DamagedKeyError(
                "master_key",
                f"the key of household {row.household_id} {problem}",
                row.household_id,
            )
        return key


def _check_master(
    cursor: Any, master_id: str, retired: Callable[[str], str | None] | None = None
) -> bool:
    """With the key table's write lock held, before new keys are inserted: refuse if the
    stored keys are under another master, so no key is stored under a master that is being
    retired. Said as retired only when a rotation on record retired ``master_id`` and the
    latest made the stored keys' master current (``retired``, given that master: the
    refusal's wording, or None; read only then); else the master given is just not theirs (a wrong
    key file), said as every reader says it (``HouseholdKeys._unwrap``). Rotation re-wraps every
    live key and marks every destroyed one in one transaction, so one row tells (a live one
    first: a destroyed row of a store rotated before destroyed rows were marked may still
    name an older master). An empty table has no master yet: False (``HouseholdKeys.
    _check_master`` then asks the recorded rotations)."""
    stored = _table_master(cursor)
    if stored is not None and stored != master_id:
        said = retired(stored) if retired is not None else None
        raise InputError(
            "master_key",
            said
            or f"household keys are wrapped under master key {stored}; the one given is "
            f"{master_id}",
        )
    return stored is not None


def _table_master(cursor: Any) -> str | None:
    """The master id the key table's rows name: a live key's row first (a destroyed row of a
    store rotated before destroyed rows were marked may still name an older master), else any
    row's; None for a table with no row."""
    cursor.execute(_LIVE_MASTER)
    found = cursor.fetchall()
    if not found:
        cursor.execute(_ANY_MASTER)
        found = cursor.fetchall()
    return str(found[0]["master_id"]) if found else None


#: The topic of ``ledger.notice``'s ``MasterKeyRotated`` (that module imports this one).
_ROTATED = "ledger.notice:MasterKeyRotation.MasterKeyRotated"
#: The latest recorded rotation, by log position: SQLite's rowid, PostgreSQL's notification
#: id (``{table}`` the events table, ``{position}`` that column).
_LATEST_ROTATION = (
    "SELECT originator_id, state FROM {table} WHERE topic = {mark} ORDER BY {position} DESC LIMIT 1"
)


@dataclass(frozen=True)
class _Recorded:
    """The current master key as the ledger records it: the latest ``MasterKeyRotated``'s
    aggregate id (``uuid5`` of "master key:" and its new master id, ``MasterKeyRotation.
    create_id``) and that id as its state says it (None if the state does not decode to one
    matching the aggregate id: ``fupin verify`` reports an altered event)."""

    aggregate_id: UUID
    master_id: str | None
    #: The master key it retired, as its state says it (None if unreadable).
    previous: str | None = None

    def names(self, master_id: str) -> bool:
        """Whether ``master_id`` is the master key this rotation made current."""
        return rotation_id(master_id) == self.aggregate_id

    @property
    def shown(self) -> str:
        return self.master_id or f"(unreadable: the event of rotation {self.aggregate_id})"


def _recorded(cursor: Any, sqlite: bool, events_table: str | None) -> _Recorded | None:
    """The latest recorded ``MasterKeyRotated`` (``_Recorded``), or None if no rotation is
    on record (a new ledger, or one rotated only before rotations were recorded). One scan
    of the events table from its end (no index by topic): callers read it where the ledger
    is small (no household key stored yet) or where they scan anyway (``keys check``)."""
    table = events_table or _EVENTS_TABLES[sqlite]
    cursor.execute(
        _LATEST_ROTATION.format(
            table=table,
            mark="?" if sqlite else "%s",
            position="rowid" if sqlite else ("notification_id"),
        ),
        (_ROTATED,),
    )
    found = cursor.fetchall()
    if not found:
        return None
    try:
        aggregate_id = UUID(str(found[0]["originator_id"]))
    except ValueError:
        return None  # not an id the ledger writes: ``fupin verify`` reports the row
    master_id: str | None = None
    state = _rotation_state(found[0])
    said = state.get("master_id")
    if isinstance(said, str) and rotation_id(said) == aggregate_id:
        master_id = said
    retired = state.get("previous_master_id")
    return _Recorded(aggregate_id, master_id, retired if isinstance(retired, str) else None)


def _rotation_state(row: Any) -> dict[str, Any]:
    """The stored state of a ``MasterKeyRotated`` row, decoded ({} if it is not a JSON
    object: ``fupin verify`` reports the altered event)."""
    try:
        state = orjson.loads(bytes(row["state"]))
    except (orjson.JSONDecodeError, TypeError):
        return {}
    return state if isinstance(state, dict) else {}


#: Every recorded rotation's state (``{table}`` the events table).
_ALL_ROTATIONS = "SELECT state FROM {table} WHERE topic = {mark}"


def _retired_said(
    cursor: Any, sqlite: bool, events_table: str | None, given: str, latest: _Recorded
) -> str | None:
    """``retired_master``'s refusal of master key ``given`` when a recorded rotation retired
    it, the ``latest`` having made the current master current: the latest one, or an earlier
    (``earlier``, since session 30: one scan of the rotations, read only on the way to a
    refusal); None when none retired it (a wrong key file, not a retired key)."""
    if latest.master_id is None:
        return None
    if latest.previous == given:
        return retired_master(given, latest.master_id)
    table = events_table or _EVENTS_TABLES[sqlite]
    cursor.execute(_ALL_ROTATIONS.format(table=table, mark="?" if sqlite else "%s"), (_ROTATED,))
    if any(_rotation_state(row).get("previous_master_id") == given for row in cursor.fetchall()):
        return retired_master(given, latest.master_id, earlier=True)
    return None


def _unwrapped(row: _Row, master: bytes) -> tuple[bytes | None, str]:
    """The household key of a live ``row`` unwrapped under ``master``, or None and what is
    wrong with it (the master ids are compared by the caller)."""
    try:
        blob = base64.b64decode(row.wrapped_key or "", validate=True)
    except (binascii.Error, ValueError):
        blob = b""
    if len(blob) < 12 + 16:
        return None, "is not base64 of a wrapped key (a nonce and a ciphertext): it was altered"
    try:
        key = AESGCM(master).decrypt(
            blob[:12], blob[12:], _wrap_aad(row.household_id, row.key_version)
        )
    except InvalidTag:
        return None, (
            "fails authentication: its wrapped key, key version or household id was altered, "
            "or the wrapped key was copied from another household's row"
        )
    if len(key) != 32:
        return None, f"unwraps to {len(key)} bytes, not a 32-byte key"
    return key, ""


def check_live_keys(
    datastore: Any,
    master: bytes,
    problem: Callable[[str, str], None],
    events_table: str | None = None,
) -> int:
    """Unwrap every live household key under ``master`` (``fupin keys check``): call
    ``problem(household id, what is wrong)`` for each one that does not unwrap — wrapped
    under another master id, or failing authentication (its wrapped key, key version or
    household altered, or a row copied from another household) — and for each household
    whose personal data is recorded but which has no key row at all (``missing_key_rows``:
    deleted outside the ledger); return how many live keys there are, those households
    counted among them (each had one). Streamed in one read of the table, then one scan of
    the events by topic (memory stays flat); nothing is kept. ``verify`` cannot see a key
    that does not unwrap: it needs no master key and never unwraps one.

    Refused (``InputError``) when no live key at all is under ``master`` while some are under
    another: the wrong master key was given, and one line says so rather than one a key. When
    a rotation is recorded, ``master`` must be the latest one's new key (else refused in one
    line), and every live key under another master is a problem: it was wrapped under a
    retired or unrecorded master (before 2026-11-29 a new ledger's first keys could be), and
    the current master key cannot unwrap it.
    ``events_table``: the recorder's ``events_table_name`` (by default the ledger's)."""
    sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
    count = 0
    with key_transaction(datastore, commit=False) as cursor:
        if _key_table_exists(datastore, cursor):
            current = _recorded(cursor, sqlite, events_table)
            count = _check_live_rows(cursor, sqlite, master, problem, current, events_table)
    for household, _ in missing_key_rows(datastore, events_table or _EVENTS_TABLES[sqlite]):
        count += 1
        problem(household, _NO_KEY_ROW)
    return count


#: What ``check_live_keys`` says of a household with no key row.
_NO_KEY_ROW = (
    "no key row: its personal data is recorded (Household.Identified), but the key table has "
    "no row for it: the row was deleted outside the ledger (`fupin erase` destroys a key and "
    "keeps its row), and its personal data cannot be read (`fupin verify` reports it too)"
)


def _check_live_rows(
    cursor: Any,
    sqlite: bool,
    master: bytes,
    problem: Callable[[str, str], None],
    current: _Recorded | None = None,
    events_table: str | None = None,
) -> int:
    given = master_key_id(master)
    if current is not None and not current.names(given):
        said = _retired_said(cursor, sqlite, events_table, given, current)
        raise InputError(
            "master_key",
            said
            or f"master key {given} is not the current one: the ledger records master key "
            f"{current.shown} as current (its latest MasterKeyRotated): give the current "
            "master key",
        )
    if current is None:  # no rotation on record: the table's keys say which master is current
        cursor.execute(_LIVE_UNDER if sqlite else _LIVE_UNDER.replace("?", "%s"), (given,))
        under_given = bool(cursor.fetchall())
    else:
        under_given = True  # the recorded master: each key under another is reported
    if not under_given:
        cursor.execute(_LIVE_MASTER)
        other = cursor.fetchall()
        if other:
            raise InputError(
                "master_key",
                f"no household key is wrapped under master key {given}; they are under "
                f"{other[0]['master_id']}: give the current master key",
            )
    live = f"{_SELECT} WHERE wrapped_key IS NOT NULL"
    rows: Iterable[Any] = cursor.sqlite_cursor.execute(live) if sqlite else cursor.stream(live)
    count = 0
    for record in rows:
        count += 1
        row = _row(record)
        if row.master_id != given and current is not None:
            problem(
                row.household_id,
                f"is wrapped under master key {row.master_id}, not {given}, the current one "
                "(the ledger's latest MasterKeyRotated): it was stored under a retired or "
                "unrecorded master key, and the current master key cannot unwrap it",
            )
            continue
        if row.master_id != given:
            problem(
                row.household_id,
                f"is wrapped under master key {row.master_id}, not {given} like the "
                "table's other keys: it does not unwrap (its master id or wrapped key was "
                "altered)",
            )
            continue
        key, what = _unwrapped(row, master)
        if key is None:
            problem(row.household_id, what)
    return count


def _key_table_exists(datastore: Any, cursor: Any) -> bool:
    if type(datastore).__module__ == "eventsourcing.sqlite":
        # As SQLite finds a table: by its name in any case (HOUSEHOLD_KEYS is the key table).
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
            (KEY_TABLE,),
        )
        return bool(cursor.fetchall())
    cursor.execute("SELECT to_regclass(%s) AS found", (KEY_TABLE,))
    row = cursor.fetchone()
    return row is not None and row["found"] is not None


def live_keys_off(
    datastore: Any, master_id: str, limit: int | None = None
) -> Iterator[tuple[str, str]]:
    """Every live household key wrapped under another master than ``master_id`` (the first
    ``limit``), as (household id, its master id): filtered by the database in one read of the
    table and streamed (``fupin verify``, with the master its pass found current: no master
    key needed, no search of the events). Nothing when the store has no key table. Read it
    to its end: a PostgreSQL stream left half read holds its connection."""
    sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
    query = (
        f"SELECT household_id, master_id FROM {KEY_TABLE} "
        "WHERE wrapped_key IS NOT NULL AND master_id <> " + ("?" if sqlite else "%s")
    )
    if limit is not None:
        query += f" LIMIT {int(limit)}"
    with key_transaction(datastore, commit=False) as cursor:
        if not _key_table_exists(datastore, cursor):
            return
        rows: Iterable[Any] = (
            cursor.sqlite_cursor.execute(query, (master_id,))
            if sqlite
            else cursor.stream(query, (master_id,))
        )
        for row in rows:
            yield str(row["household_id"]), str(row["master_id"])


def latest_master(datastore: Any, events_table: str | None = None) -> str | None:
    """The master id the latest recorded ``MasterKeyRotated`` made current; None if no
    rotation is on record, or its event does not say one (``fupin verify`` reports it). One
    search of the events from their end (no index by topic)."""
    sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
    with key_transaction(datastore, commit=False) as cursor:
        current = _recorded(cursor, sqlite, events_table)
    return None if current is None else current.master_id


def destroyed_key_rows(datastore: Any) -> Iterator[tuple[str, bool, bool]]:
    """Every key destroyed or marked destroyed, as (household id, whether a wrapped key is
    still stored, whether it is not marked destroyed: on SQLite, a key cleared whose file was
    not scrubbed yet, ``HouseholdKeys.destroy``), in one read of the table; nothing else of a
    row is read and no master key is needed (``fupin verify``). Streamed: memory stays flat
    whatever the table holds. A store without the table (no household yet) gives nothing."""
    with key_transaction(datastore, commit=False) as cursor:
        if not _key_table_exists(datastore, cursor):
            return
        if type(datastore).__module__ == "eventsourcing.sqlite":
            rows: Iterable[Any] = cursor.sqlite_cursor.execute(_DESTROYED_ROWS)
        else:
            rows = cursor.stream(_DESTROYED_ROWS)
        for row in rows:
            yield str(row["household_id"]), bool(row["live"]), bool(row["unmarked"])


def missing_key_rows(
    datastore: Any,
    events_table: str,
    *,
    erasures: bool = False,
    running: Callable[[Any], None] | None = None,
) -> Generator[tuple[str, bool], None, None]:
    """Every household whose personal data is recorded (its ``Identified`` event) but which
    has no row in the key table, as (household id, False): a row deleted (or the table
    dropped) outside the ledger, which never deletes one (``destroy`` overwrites the key and
    keeps the row). With ``erasures``, first every ``PersonalDataErased`` event's household,
    as (household id, True), found by the same scan (``fupin verify`` reads both).

    One statement, so one snapshot: a household and its key are committed together (or the
    key first), so none identified meanwhile is reported. The database does the work: one
    scan of the events by topic, the households looked up among the key rows (SQLite: in a
    temporary index of them, ``_SQLITE_KEYED``; PostgreSQL: a hash join, ``uuid::text``
    spelling ids as ``str(UUID)`` does); only what it finds is read, as a stream: memory
    stays flat whatever the ledger holds. No master key is needed. An event id that is no
    UUID is passed over (``fupin verify`` reports that row). ``running`` (SQLite) is given
    the connection the scan runs on, before it runs, to interrupt it from another thread."""
    sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
    mark = "?" if sqlite else "%s"
    with key_transaction(datastore, commit=False) as cursor:
        source = events_table
        no_row = f"topic = {mark}"  # without the key table, every household has none
        if _key_table_exists(datastore, cursor):
            if sqlite:
                no_row += f" AND {_SQLITE_NO_ROW}"
            else:  # the key table names no column the events table does
                source += f" LEFT JOIN {KEY_TABLE} k ON k.household_id = originator_id::text"
                no_row += " AND k.household_id IS NULL"
        if erasures:
            # Erasures first: a household found without a key row is then known erased or not.
            statement = (
                f"SELECT originator_id, topic = {mark} AS erased FROM {source} "
                f"WHERE topic = {mark} OR ({no_row}) ORDER BY erased DESC"
            )
            params: tuple[str, ...] = (_ERASURE, _ERASURE, _IDENTIFIED)
        else:
            statement = f"SELECT originator_id, FALSE AS erased FROM {source} WHERE {no_row}"
            params = (_IDENTIFIED,)
        if sqlite and running is not None:  # who may interrupt the scan (``fupin verify``)
            running(cursor.sqlite_cursor.connection)
        rows: Iterable[Any] = (
            cursor.sqlite_cursor.execute(statement, params)
            if sqlite
            else cursor.stream(statement, params)
        )
        for row in rows:
            originator = row["originator_id"]
            try:
                hid = str(originator if isinstance(originator, UUID) else UUID(originator))
            except (TypeError, ValueError, AttributeError):
                continue
            yield hid, bool(row["erased"])


def live_keys_among(datastore: Any, hids: Iterable[str]) -> set[str]:
    """Which of ``hids`` still have a wrapped key stored (read by id, a few hundred a query)."""
    wanted = list(hids)
    found: set[str] = set()
    if not wanted:
        return found
    sqlite = type(datastore).__module__ == "eventsourcing.sqlite"
    mark = "?" if sqlite else "%s"
    with key_transaction(datastore, commit=False) as cursor:
        if not _key_table_exists(datastore, cursor):
            return found
        head = (
            f"SELECT household_id FROM {KEY_TABLE} WHERE wrapped_key IS NOT NULL AND household_id"
        )
        found.update(str(row["household_id"]) for row in select_in(cursor, head, wanted, mark))
    return found


def _row(record: Any) -> _Row:
    return _Row(
        str(record["household_id"]),
        int(record["key_version"]),
        str(record["master_id"]),
        record["wrapped_key"],
        record["destroyed_at"],
    )


def _wrap_aad(hid: str, version: int) -> bytes:
    return f"fupin household key:{hid}:{version}".encode()


def _wrap(master: bytes, hid: str, version: int, key: bytes) -> str:
    nonce = secrets.token_bytes(12)
    blob = nonce + AESGCM(master).encrypt(nonce, key, _wrap_aad(hid, version))
    return base64.b64encode(blob).decode("ascii")


# -- sealing personal data -----------------------------------------------------------------


def _subkey(key: bytes, purpose: bytes) -> bytes:
    return hmac.new(key, b"fupin personal data " + purpose, hashlib.sha256).digest()


def _event_aad(household: UUID, version: int) -> bytes:
    return f"{household}:{version}".encode()


def seal(key: bytes, household: UUID, version: int, personal: Personal) -> SealedPersonal:
    """Encrypt ``personal`` for event ``version`` of ``household`` (deterministic: a synthetic
    nonce from the associated data and the plaintext, so the stored bytes are canonical)."""
    plaintext = orjson.dumps(
        {
            "head_name": personal.head_name,
            "id_card": personal.id_card,
            "phone": personal.phone,
            "address": personal.address,
            "member_names": list(personal.member_names),
        },
        option=orjson.OPT_SORT_KEYS,
    )
    aad = _event_aad(household, version)
    nonce = hmac.new(_subkey(key, b"nonce"), aad + plaintext, hashlib.sha256).digest()[:12]
    ciphertext = AESGCM(_subkey(key, b"encryption")).encrypt(nonce, plaintext, aad)
    return SealedPersonal(1, _b64(nonce), _b64(ciphertext))


def open_sealed(key: bytes, household: UUID, version: int, sealed: SealedPersonal) -> Personal:
    """Decrypt a ``SealedPersonal``; a ciphertext altered or moved fails authentication."""
    try:
        plaintext = AESGCM(_subkey(key, b"encryption")).decrypt(
            base64.b64decode(sealed.nonce),
            base64.b64decode(sealed.ciphertext),
            _event_aad(household, version),
        )
    except (InvalidTag, binascii.Error, ValueError):
        raise SealBrokenError(
            "personal", f"personal data of event {version} of {household} fails authentication"
        ) from None
    fields = orjson.loads(plaintext)
    return Personal(
        fields["head_name"],
        fields["id_card"],
        fields["phone"],
        fields["address"],
        tuple(fields["member_names"]),
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def placeholder(mark: str) -> Personal:
    """Personal data that cannot be read: ``[erased]`` or ``[sealed]`` in every text field,
    the members' names too, as one mark (since session 24: ``()`` read "no names recorded",
    was shown blank and exported as ``[]``, which an import takes for none; the HTML report
    already wrote ``["[unreadable]"]`` so)."""
    return Personal(mark, mark, mark, mark, (mark,))


# -- reading stored events: only the ledger's own event classes --------------------------

#: The modules that define the ledger's aggregates: the only ones whose event classes a stored
#: topic may name. A topic of one of them not imported yet imports it, by this name (one
#: command reads checkpoints or import registers without ever importing their module
#: otherwise); a topic naming anything else imports nothing and is refused.
#: tests/integration/test_forged_topics.py checks that every aggregate of ``ledger`` is here.
EVENT_MODULES = frozenset(
    {
        "ledger.base",  # ``Corrected``, which every aggregate records
        "ledger.funds",
        "ledger.helpers",
        "ledger.household",
        "ledger.imports",
        "ledger.inspections",
        "ledger.notice",
        "ledger.officers",
        "ledger.places",
        "ledger.programme",
        "ledger.sealing",
        "ledger.transparency",
    }
)


class UnreadableEventError(LedgerError):
    """A stored event the ledger cannot read: its topic names no event class of the ledger
    (nothing it names is imported), or its id, version or state is not what the ledger writes:
    the row was altered (``fupin verify`` reports every such row). The message names the row's
    position (notification id) and what is wrong with it."""

    def __init__(
        self,
        problem: str,
        position: int | None,
        originator_id: object,
        version: object,
        topic: object,
    ) -> None:
        where = f"at position {position}" if position is not None else "(position unknown)"
        super().__init__(
            "store",
            f"the event {where} ({_shown_id(originator_id)} v{version}) cannot be read: "
            f"{problem} (`fupin verify` reports every such event)",
        )
        self.problem = problem
        self.position = position
        self.originator_id = originator_id
        self.version = version
        self.topic = topic


def _shown_id(originator_id: object) -> str:
    """A stored aggregate id as text: a UUID's usual form when it is one, else as stored."""
    if isinstance(originator_id, UUID):
        return str(originator_id)
    if isinstance(originator_id, str):
        try:
            return str(UUID(originator_id))
        except ValueError:
            pass
    return repr(originator_id)


class _Problem(Exception):
    """What is wrong with one stored event (``PersonalDataMapper``), said in a few words."""


class EventClasses:
    """The ledger's event classes by topic, learnt from the classes themselves: a stored
    topic is looked up here, one dict lookup, and never resolved by importing what it names
    (eventsourcing's ``resolve_topic`` imports any module a topic names: ``this:X`` prints
    the Zen of Python, ``antigravity:X`` opens a web browser)."""

    def __init__(self) -> None:
        #: topic -> event class (not the ``Event`` base classes, which nothing records).
        self.by_topic: dict[str, type[Any]] = {}
        #: The classes that create an aggregate: their state names the aggregate's class.
        self.creating: frozenset[type[Any]] = frozenset()
        #: The topics of the ledger's aggregates (what a creating event's state may name).
        self.aggregates: frozenset[str] = frozenset()

    def find(self, topic: object) -> type[Any]:
        """The event class ``topic`` names; ``_Problem`` if it names none of the ledger's."""
        found = self.by_topic.get(topic) if isinstance(topic, str) else None
        if found is not None:
            return found
        if topic is None:
            raise _Problem("it has no topic (NULL)")
        if not isinstance(topic, str):
            raise _Problem(f"its topic is {type(topic).__name__}, not text")
        module = topic.partition(":")[0]
        if module not in EVENT_MODULES:
            raise _Problem(f"its topic {topic!r} is not a ledger event")
        # One of the ledger's own modules, by its fixed name (loaded once, if not yet); then
        # whatever event classes were defined since the classes were last learnt.
        importlib.import_module(module)
        self._learn()
        found = self.by_topic.get(topic)
        if found is None:
            raise _Problem(f"its topic {topic!r} names no event of the ledger")
        return found

    def every(self) -> frozenset[type[Any]]:
        """Every event class of the ledger's modules (``EVENT_MODULES``, each loaded once)."""
        for module in sorted(EVENT_MODULES):
            importlib.import_module(module)
        self._learn()
        return frozenset(self.by_topic.values())

    def _learn(self) -> None:
        by_topic: dict[str, type[Any]] = {}
        for cls in _subclasses(LedgerAggregate.Event):
            if cls.__module__ in EVENT_MODULES and cls.__name__ != "Event":
                by_topic[get_topic(cls)] = cls
        self.by_topic = by_topic
        self.creating = frozenset(c for c in by_topic.values() if issubclass(c, CanInitAggregate))
        self.aggregates = frozenset(
            get_topic(c) for c in _subclasses(LedgerAggregate) if c.__module__ in EVENT_MODULES
        )


def _subclasses(cls: type[Any]) -> set[type[Any]]:
    found: set[type[Any]] = set()
    todo = [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


#: The one table of the process (event classes never go away).
EVENT_CLASSES = EventClasses()


def event_class(topic: object) -> type[Any]:
    """The ledger's event class named by stored ``topic``; ``ValueError`` saying what is
    wrong if it names none (a topic outside the ledger's modules imports nothing)."""
    try:
        return EVENT_CLASSES.find(topic)
    except _Problem as exc:
        raise ValueError(str(exc)) from None


class PersonalDataMapper(Mapper[UUID]):
    """eventsourcing's mapper, sealing a household event's ``personal`` before it is
    transcoded and opening it after it is decoded. A stored event is read only as one of the
    ledger's own event classes (``EVENT_CLASSES``): anything else, or a damaged id, version or
    state, raises ``UnreadableEventError`` naming the row."""

    def __init__(self, transcoder: Transcoder, keys: HouseholdKeys) -> None:
        super().__init__(transcoder)
        self.keys = keys
        self._memo: dict[int, tuple[DomainEventProtocol[UUID], StoredEvent]] | None = None
        #: The notification id of a stored event given without it (an aggregate's events are
        #: read by id and version): set by the application (``ledger.reading``).
        self.locate: Callable[[object, object], int | None] | None = None

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """Within the block, encode each event object once: a signed save hashes its events
        for the seal, then stores the very same bytes (encryption included)."""
        self._memo = {}
        try:
            yield
        finally:
            self._memo = None

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        memo = self._memo
        if memo is not None:
            known = memo.get(id(domain_event))
            if known is not None and known[0] is domain_event:
                return known[1]
        stored = self._to_stored_event(domain_event)
        if memo is not None:
            memo[id(domain_event)] = (domain_event, stored)
        return stored

    def _to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        state = vars(domain_event)
        personal = state.get("personal")
        if isinstance(personal, Personal):
            sealed = self._seal(state["originator_id"], state["originator_version"], personal)
            copy = object.__new__(type(domain_event))
            object.__setattr__(copy, "__dict__", {**state, "personal": sealed})
            domain_event = copy
        return super().to_stored_event(domain_event)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        """eventsourcing's ``Mapper.to_domain_event``, its class found by ``EVENT_CLASSES``
        (never ``resolve_topic``), every failure one ``UnreadableEventError``; then the
        household's personal data opened."""
        event = self.to_sealed_event(stored_event)
        state = vars(event)
        sealed = state.get("personal")
        if isinstance(sealed, SealedPersonal):
            household, version = state["originator_id"], state["originator_version"]
            personal = self._open(household, version, sealed)
            # Remember what it was opened from: re-encoding this event (``fupin verify``
            # compares bytes) gives back the stored ciphertext even when no key opens it.
            object.__setattr__(personal, "_sealed_from", (household, version, sealed))
            state["personal"] = personal
        return event

    def to_sealed_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        """The stored event decoded as ``to_domain_event`` decodes it, its personal data left
        sealed (a ``SealedPersonal``): neither the master key nor a household key is read. For
        what reads an event's clear fields only (a proof bundle's summary, its recording time:
        since session 29, ``fupin prove`` refused a wrong master key it never needed)."""
        try:
            return self._decoded(stored_event)
        except _Problem as exc:
            raise self._unreadable(stored_event, str(exc)) from None
        except Exception as exc:  # the transcoder's, orjson's, an upcast's: bytes damaged
            lines = str(exc).strip().splitlines()
            said = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
            raise self._unreadable(stored_event, f"its state cannot be decoded ({said})") from exc

    def _decoded(self, stored: StoredEvent) -> DomainEventProtocol[UUID]:
        classes = EVENT_CLASSES
        topic = stored.topic
        cls = classes.by_topic.get(topic) if type(topic) is str else None
        if cls is None:
            cls = classes.find(topic)
        version = stored.originator_version
        if type(version) is not int or version < 1:
            raise _Problem(f"its version {version!r} is not a whole number from 1")
        data = stored.state
        if type(data) is not bytes:
            raise _Problem(f"its state is {type(data).__name__}, not bytes")
        if self.cipher:
            data = self.cipher.decrypt(data)
        if self.compressor:
            data = self.compressor.decompress(data)
        state = self.transcoder.decode(data)
        if type(state) is not dict:
            raise _Problem(f"its state is {type(state).__name__}, not an object")
        if type(state.get("prov")) is not Provenance:
            raise _Problem("it carries no provenance")
        if type(state.get("timestamp")) is not datetime:
            raise _Problem("it carries no recording time")
        if cls in classes.creating and state.get("originator_topic") not in classes.aggregates:
            # Replaying it would resolve that topic (eventsourcing imports what it names).
            raise _Problem(
                f"its originator_topic {state.get('originator_topic')!r} is not a ledger aggregate"
            )
        originator_id = stored.originator_id
        if not isinstance(originator_id, UUID | str):  # NULL or a BLOB: the recorder writes neither
            raise _Problem(f"its aggregate id {originator_id!r} is not a UUID")
        try:
            convert = find_id_convertor(cls, cast(Hashable, type(originator_id)))  # type: ignore[arg-type]
            state["originator_id"] = convert(originator_id)
        except (TypeError, ValueError, AttributeError):
            raise _Problem(f"its aggregate id {originator_id!r} is not a UUID") from None
        state["originator_version"] = version
        class_version = getattr(cls, "class_version", 1)
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        event: DomainEventProtocol[UUID] = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event

    def _unreadable(self, stored: StoredEvent, problem: str) -> UnreadableEventError:
        position = stored.id if isinstance(stored, Notification) else None
        if position is None and self.locate is not None:
            try:
                position = self.locate(stored.originator_id, stored.originator_version)
            except Exception:  # the store cannot say: the id and version still name the row
                position = None
        return UnreadableEventError(
            problem, position, stored.originator_id, stored.originator_version, stored.topic
        )

    def _seal(self, household: UUID, version: int, personal: Personal) -> SealedPersonal:
        origin = getattr(personal, "_sealed_from", None)
        if origin is not None and origin[:2] == (household, version):
            return origin[2]  # type: ignore[no-any-return]
        return seal(self.keys.key_for_writing(household), household, version, personal)

    def _open(self, household: UUID, version: int, sealed: SealedPersonal) -> Personal:
        key = self.keys.key(household)
        if key == DESTROYED:
            return placeholder(ERASED)
        if key is None:
            if self.keys.master is None or self.keys.denied is not None:
                # No master key, or a role that may not read the key table (PostgreSQL's
                # analysts, docs/operations.md): the same for a reader, [sealed].
                return placeholder(SEALED)
            # With the master key, no key means no key row: the household's sealed data
            # opens under no key now. Said, not shown as [sealed] (which asks for the master
            # key that is set), and the household is not loaded: a change of its personal
            # data would make it a new key, under which its earlier events never open.
            raise MissingKeyError(
                "personal",
                f"the personal data of household {household} cannot be read: it has no key "
                f"row in {KEY_TABLE} (deleted outside the ledger?); `fupin verify` reports "
                "it (docs/privacy.md)",
            )
        return open_sealed(key, household, version, sealed)


# -- who reads -----------------------------------------------------------------------------


#: The roles whose reading of personal data reaches as far as their street does (all of it
#: for one of the district, with no street).
_STREET_READERS = ("officer", "inspector")


@dataclass(frozen=True)
class Reader:
    """Who reads, and how much personal data they see 脱敏 (docs/privacy.md):

    - admin: everything, unmasked;
    - officer and inspector: their own street's households unmasked, other streets' masked;
      one of the district (no street) sees every street unmasked (a street's inspector 督查
      inspects its own households [六(七)]: since session 35, tester f, one saw and could
      export every street's in full, which the street's own officers may not);
    - analyst, and anyone who does not say who they are: everything masked.
    """

    actor: str
    role: str
    street: str = ""

    def unmasked(self, street: str) -> bool:
        """Whether this reader sees the personal data of a household of ``street`` in full."""
        if self.role == "admin":
            return True
        return self.role in _STREET_READERS and self.street in ("", street)

    @property
    def sees_all(self) -> bool:
        """Whether every household's personal data is shown to this reader in full."""
        return self.role == "admin" or (self.role in _STREET_READERS and not self.street)

    def personal(self, personal: Personal, street: str) -> Personal:
        """``personal`` as this reader may see it."""
        return personal if self.unmasked(street) else mask_personal(personal)


#: Nobody said who reads (no ``--as``): the public's view, every household masked.
ANONYMOUS = Reader("", "anonymous")
