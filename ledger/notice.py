"""Erasure 删除个人信息, master key rotation, and the public notice lists 公示名单.

Erasure is crypto-shredding: ``PersonalDataErased`` is saved on the household first, then its
key is destroyed (ledger.privacy). The order is the safe one: if the process dies between the
two, the erasure is on record and running ``erase`` again finishes it (it destroys the key and
records nothing new); the other order could destroy data with no record of who did it and why.
A key that cannot be destroyed once the event is saved (the key table locked past the lock
timeout; on SQLite, a reader's transaction keeping the write-ahead log, where a copy of the
key may be, from being checkpointed and emptied past it) is ``ErasureUnfinishedError``, never
a refusal: the erasure *is* recorded.
``fupin verify`` reports an erasure whose key is still in the key table, a key destroyed with
no erasure, and a SQLite file not scrubbed yet of an erased key.

A master key rotation is recorded as ``MasterKeyRotated`` (who, when, on which document, the
new master key's id, how many keys were re-wrapped), saved in the same transaction as the
re-wrapping itself (``HouseholdKeys.rotating``): both are committed or neither, so the ledger
never claims a rotation that did not happen, and no rotation happens unrecorded. A master key
any recorded rotation names, as new or as previous, is not made current again.
``check_keys`` (``fupin keys check``) unwraps every live household key: what ``fupin verify``,
which never needs the master key, cannot see.

A public notice list 公示名单 is what the street posts for the public [四(一)、六(六)]: every
household whose identification notice 张榜公示 or exit notice 退出公示 runs in a period, with names
and ID-card numbers masked whoever asks (the list is for the public).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.domain import event as event_of
from eventsourcing.persistence import IntegrityError, OperationalError, ProgrammingError
from eventsourcing.utils import get_topic

from ledger.base import LedgerAggregate, Provenance
from ledger.core import Stamp
from ledger.errors import (
    AlreadyExistsError,
    ConflictError,
    InputError,
    PermissionRefusedError,
    RuleError,
)
from ledger.household import SEALED, Household, Personal
from ledger.known import known_prefix
from ledger.places import Street
from ledger.privacy import (
    KeysChangedError,
    ScrubUnfinishedError,
    SealBrokenError,
    check_live_keys,
    mask_id_card,
    mask_name,
    master_key_id,
    parse_master_key,
    rotation_id,
)
from ledger.reading import UNREADABLE, ReadingQueries, household_unreadable
from ledger.schema import StoreAlteredError
from ledger.store import SQLITE_LOCKED, sqlite_lock_held
from ledger.transparency import check_known_at_after_move, notification_page
from ledger.verification import household_number

__all__ = ["ErasureUnfinishedError", "MasterKeyRotation", "NoticeEntry", "PrivacyCommands"]

#: Tries of a rotation whose keys changed under it (a key made or destroyed meanwhile).
_ROTATION_TRIES = 5

#: A household id in the key table guard's refusals.
_HOUSEHOLD_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ErasureUnfinishedError(Exception):
    """The erasure is recorded (``PersonalDataErased`` is saved) but the household's key could
    not be destroyed yet, or (SQLite) not scrubbed from the store's file yet. Not a refusal:
    something was written. Running ``erase`` again destroys the key and records nothing new."""

    def __init__(
        self, number: str, cause: str, *, what: str = "its key is not destroyed yet"
    ) -> None:
        super().__init__(
            f"erasure of {number} recorded (PersonalDataErased), but {what}: {cause}; run "
            f"`fupin erase {number} --reason … -d …` again to finish it (the same command: it "
            "records nothing new, the reason and document on record stand)"
        )
        self.number = number
        self.cause = cause


class MasterKeyRotation(LedgerAggregate):
    """One rotation of the master key 轮换主密钥: who, when, on which document, under which
    new master key (its id, never the key) and how many household keys were re-wrapped.
    One aggregate per master key made current (its id from the new key's id: two saves making
    the same key current cannot both succeed). A key that any recorded rotation names, as its
    new or its previous master (the first master key, from ``init``, is only ever the latter),
    is not made current again (``PrivacyCommands.rotate_master``)."""

    @staticmethod
    def create_id(master_id: str) -> UUID:
        return rotation_id(master_id)

    @event_of("MasterKeyRotated")
    def __init__(
        self, previous_master_id: str, master_id: str, rewrapped: int, prov: Provenance
    ) -> None:
        self.previous_master_id = previous_master_id
        self.master_id = master_id
        self.rewrapped = rewrapped


#: The topic of ``MasterKeyRotated``: every master key made current is named by one.
_ROTATED = get_topic(vars(MasterKeyRotation)["MasterKeyRotated"])

_NOTICE_KINDS = {"NoticePosted": "identification 识别公示", "ExitNoticed": "exit 退出公示"}
#: The event voiding an entry (``LedgerAggregate.correct``): of the notices, only an
#: identification notice is ever voided (``Household.VOIDABLE``); an exit notice is not (voiding
#: an exit's approval puts the exit back at its notice, which stands).
_CORRECTED = "Corrected"


@dataclass(frozen=True)
class NoticeEntry:
    """One line of a public notice list 公示名单: masked name and ID-card number."""

    street: str
    village: str
    household: str
    kind: str
    head_name: str
    id_card: str
    members: int
    area: str
    start: date
    end: date


class PrivacyCommands(ReadingQueries):
    """Erasure, master key rotation and public notice lists (docs/privacy.md)."""

    def erase(self, stamp: Stamp, number: str, reason: str) -> bool:
        """Erase the household's personal data for good (admin only): record why, then destroy
        its key. Counts, money, the hash chain and every signature and proof stay valid.

        Returns True when it finished an erasure recorded earlier (the key left undestroyed)
        and recorded nothing. ``ErasureUnfinishedError`` once the event is saved but the key
        could not be destroyed (running ``erase`` again finishes it)."""
        household = self.household(number)
        prov = self.authorise(stamp, "erase", household.street)
        if household.erased:
            if self.household_keys.is_destroyed(household.id):
                raise RuleError("household", f"the personal data of {number} was erased")
            self._destroy_key(number, household.id)  # finish an erasure cut short
            return True

        def attempt() -> list[LedgerAggregate]:
            fresh = self.household(number)
            fresh.erase_personal(reason, prov)
            return [fresh]

        self.execute(attempt)
        self._destroy_key(number, household.id)
        return False

    def _destroy_key(self, number: str, household: UUID) -> None:
        try:
            self.household_keys.destroy(household)
        except ScrubUnfinishedError as exc:  # SQLite: out of the table, maybe not the file
            raise ErasureUnfinishedError(
                number, str(exc), what="its key is not scrubbed from the store's file yet"
            ) from exc
        except StoreAlteredError:  # a trigger in the file: nothing written (ledger.schema)
            raise
        except Exception as exc:  # whatever stopped it, the erasure itself is on record
            raise ErasureUnfinishedError(number, _why_not_destroyed(exc)) from exc

    def rotate_master(self, stamp: Stamp, new_key: str) -> int:
        """Re-wrap every household key under a new master key (admin only); returns how many.
        The old key is needed for this run and useless afterwards.

        ``MasterKeyRotated`` is saved in the transaction that re-wraps the keys, after them
        (``HouseholdKeys.rotating``): if anything fails, neither is committed. The number it
        records is counted before the save and checked under the key table's lock; a key made
        or destroyed meanwhile makes the save write nothing and start again."""
        prov = self.authorise(stamp, "rotate_master")
        if self._batch is not None:
            raise RuleError("key", "a master key rotation is saved on its own, not inside a batch")
        keys = self.household_keys
        new = parse_master_key(new_key)
        old = keys.require_master("the current master key is needed to re-wrap keys")
        if new == old:
            raise InputError("new_key", "the new master key is the current one")
        if not getattr(self.recorder, "writes_household_keys", False):
            raise InputError("store", "this store's recorder cannot rotate the master key")
        new_id = master_key_id(new)
        if new_id in self._masters_made_current():
            raise _reused(new_id)
        for _ in range(_ROTATION_TRIES):
            expected = keys.live_count()
            rotation = MasterKeyRotation(master_key_id(old), new_id, expected, prov)
            try:
                with keys.rotating(new, expected):
                    self._save_events(rotation.collect_events(), [rotation])
            except KeysChangedError:
                continue
            except IntegrityError:  # another process made this master key current first
                raise _reused(new_id) from None
            except ProgrammingError as exc:  # the key table's guard (PostgreSQL) refused it
                refusal = _guard_refusal(exc)
                if refusal is None:
                    raise
                raise refusal from None
            except OperationalError as exc:  # locked past the timeout, or the server is gone
                busy = (
                    sqlite_lock_held()
                    if SQLITE_LOCKED in str(exc)
                    else f"the store is busy or unreachable ({exc})"
                )
                raise ConflictError("store", f"{busy}; nothing was rotated; try again") from None
            return expected
        raise ConflictError("store", "household keys kept changing; nothing was rotated; try again")

    def check_keys(self, actor: str, problem: Callable[[str, str], None]) -> int:
        """Unwrap every live household key under this process's master key (admin only):
        ``problem(household id, what is wrong)`` for each key that does not unwrap; returns
        how many live keys there are (``ledger.privacy.check_live_keys``: streamed)."""
        if not actor.strip():
            raise PermissionRefusedError("as", "say who checks the keys (--as admin)")
        role = self.reader(actor).role  # a registered, active officer (ledger.reading)
        if role != "admin":
            raise PermissionRefusedError("as", f"{actor} is {role}; keys check needs admin")
        master = self.household_keys.require_master("keys check unwraps every household key")
        # Each household named by its number too (what `fupin erase` takes), looked up once
        # the table's read is over (not within its transaction): the first ``_NAMED_KEYS``
        # problems are held until then, any further one is said at once, by its id only.
        held: list[tuple[str, str]] = []

        def hold(household: str, what: str) -> None:
            if len(held) < _NAMED_KEYS:
                held.append((household, what))
            else:
                problem(household, what)

        count = check_live_keys(
            self.recorder.datastore,  # type: ignore[attr-defined]
            master,
            hold,
            self.recorder.events_table_name,  # type: ignore[attr-defined]
        )
        for household, what in held:
            number = household_number(self.recorder, household)
            problem(household, f"{what} (household {number})" if number else what)
        return count

    def _masters_made_current(self) -> set[str]:
        """The ids of every master key a recorded rotation names, as the new one or the one
        it retired: the first master key (``init``, ``keys new-master``) is never the new key
        of a rotation, only the previous key of the first one."""
        named: set[str] = set()
        for _, event in self.events_by_topic([_ROTATED]):
            named.add(vars(event)["master_id"])
            named.add(vars(event)["previous_master_id"])
        return named

    def notice_list(
        self, street: str, start: date, end: date, known_at: datetime | None = None
    ) -> list[NoticeEntry]:
        """Households of ``street`` whose notice runs at some day from ``start`` to ``end``;
        with ``known_at``, the notices recorded by then as they were then (a correction
        recorded later not applied; since session 25).

        A notice a ``Corrected`` event voided (its ``corrects``: the notice's version, on the
        same household) is not listed: it never was a notice. The log is read once; a
        correction always comes after the entry it voids, so it takes the notice back off the
        list found so far. Only the corrections of a household with a notice on the list are
        decoded, and memory holds the list (what is printed), never the log."""
        if end < start:
            raise InputError("to", f"{end} is before {start}")
        self.load(Street, street, "street")
        # A master key the keys are not wrapped under, refused before anything is read, found
        # or not (since session 35, tester f: with no household under notice it was taken).
        self.household_keys.check_master_given()
        known = None
        if known_at is not None:
            check_known_at_after_move(self, known_at)
            known = known_prefix(self.recorder, known_at)
        # (household id, the notice's version) -> its line: what a correction may void.
        entries: dict[tuple[str, int], NoticeEntry] = {}
        listed: set[str] = set()  # the households on the list (a correction of others: skipped)
        for position, event in self._notice_events(listed):
            fields = vars(event)
            if known is not None and not known.holds_position(position):
                continue
            if _kind_of(event) == _CORRECTED:
                entries.pop((str(fields["originator_id"]), fields["corrects"]), None)
                continue
            if fields["start"] > end or fields["end"] < start:
                continue
            # The household as the notice posted it: a later change of members or of its
            # head must not rewrite a past notice (privacy.md: a notice is reprinted as posted).
            try:
                household = self._stored(fields["originator_id"], fields["originator_version"])
            except SealBrokenError as exc:  # this household's key only: the list goes on
                if not household_unreadable(exc):
                    raise
                household = self.replay_unreadable(
                    fields["originator_id"], fields["originator_version"]
                )
            if isinstance(household, Household) and household.street == street:
                kind = _NOTICE_KINDS[_kind_of(event)]
                key = (str(fields["originator_id"]), fields["originator_version"])
                posted = self._as_posted(household, fields["start"], fields["originator_version"])
                entries[key] = _entry(household, kind, fields, posted)
                listed.add(key[0])
        if any(SEALED in (e.head_name, e.id_card) for e in entries.values()):
            # Since session 27 (tester H, M2): a list of [sealed] names, exit 0, cannot be posted.
            # Every reader sees the list masked (张*, 440704********1234), and a mask is read
            # from the personal data: without the master key (or, PostgreSQL, a role that may
            # not read the key table) it is refused; an erased household reads erased as ever.
            self.household_keys.require_master(
                "the notice list shows each household's head and ID card masked (张*, "
                "440704********1234), read from its personal data"
            )
            raise InputError("master_key", "the notice list's personal data is sealed")
        return sorted(entries.values(), key=lambda e: (e.start, e.village, e.household, e.kind))

    def _as_posted(self, household: Household, start: date, version: int) -> tuple[int, Personal]:
        """The household's members and personal data on the notice's first day, as known when
        the notice was posted (its ``version``): the identification's, or the latest change
        of members dated by then (tester K, session 22: a change dated two months after the
        notice, entered before it, named a head who was not head yet on the reprinted list).
        An erased household reads erased, as ever."""
        members, personal = household.members, household.personal
        if household.erased:
            return members, personal
        since: date | None = None
        try:
            history = list(self.events.get(household.id, lte=version))
        except SealBrokenError:  # its key is unreadable: the list shows it as replayed
            return members, personal
        # changes of members voided by then (since session 24: a correction holds from the start)
        voided = {vars(e).get("corrects") for e in history if _kind_of(e) == _CORRECTED}
        for event in history:
            fields = vars(event)
            held = fields.get("personal")
            effective: date = event.prov.effective  # type: ignore[attr-defined]
            dated = effective <= start and (since is None or effective >= since)
            live = event.originator_version not in voided
            if isinstance(held, Personal) and "members" in fields and dated and live:
                members, personal, since = int(fields["members"]), held, effective
        return members, personal

    def _notice_events(self, listed: set[str]) -> Iterator[tuple[int, DomainEventProtocol[UUID]]]:
        """Every notice event in log order, and every correction of a household in ``listed``
        (the caller's set, read as it grows), each with its position."""
        start: int | None = None
        while True:
            page = notification_page(self.recorder, start, 1000)
            if not page:
                return
            for notification in page:
                kind = notification.topic.rsplit(".", 1)[-1]
                if kind in _NOTICE_KINDS or (
                    kind == _CORRECTED and str(notification.originator_id) in listed
                ):
                    yield notification.id, self.mapper.to_domain_event(notification)
            start = page[-1].id


def _kind_of(event: DomainEventProtocol[UUID]) -> str:
    """The event's class name: ``NoticePosted``, ``ExitNoticed``, ``Corrected``."""
    return type(event).__qualname__.rsplit(".", 1)[-1]


def _entry(
    household: Household, kind: str, fields: dict[str, Any], posted: tuple[int, Personal]
) -> NoticeEntry:
    members, personal = posted
    return NoticeEntry(
        household.street,
        # the village on the notice's first day, as known when it was posted (since session
        # 25: a household moves to another village from a date)
        household.village_on(fields["start"]),
        household.number,
        kind,
        _masked(personal.head_name, mask_name),
        _masked(personal.id_card, mask_id_card),
        members,
        household.area,
        fields["start"],
        fields["end"],
    )


#: How many of ``keys check``'s problems are named by household number too.
_NAMED_KEYS = 1000


def _masked(value: str, mask: Callable[[str], str]) -> str:
    """``value`` masked for the public; ``[unreadable]`` (its key is damaged) as it is."""
    return value if value == UNREADABLE else mask(value)


def _why_not_destroyed(exc: Exception) -> str:
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if "lock" in text.lower() or "busy" in text.lower():
        return f"the key table is locked by another writer ({text})"
    return text


def _reused(master_id: str) -> AlreadyExistsError:
    return AlreadyExistsError(
        "new_key",
        f"master key {master_id} was made current before (a recorded MasterKeyRotated names "
        "it); a retired master key is not used again: make a fresh one (fupin keys new-master)",
    )


def _guard_refusal(exc: ProgrammingError) -> RuleError | None:
    """A rotation refused by the key table's guard (PostgreSQL, ``ledger.keys``): not a busy
    store, so no "try again"; say which household's row is wrong and what to do about it.
    None: the error is not the guard's."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if "household_keys:" not in text:
        return None
    reason = text.split("household_keys:", 1)[1].strip()
    found = _HOUSEHOLD_ID.search(reason)
    if found is None or "destroyed only after its erasure" not in reason:
        return RuleError(
            "store",
            f"nothing was rotated: the key table's guard refused it ({reason}); `fupin verify` "
            "and `fupin keys check` say what is wrong with the key table (docs/privacy.md)",
        )
    return RuleError(
        "store",
        f"nothing was rotated: the key table's guard refused to re-mark the key of household "
        f"{found.group(0)} for the new master: that key is destroyed with no recorded erasure "
        "(`fupin verify` reports it) and this store's guard is older than this fupin. The "
        "owner runs protect_events again (docs/operations.md), which lets a rotation re-mark "
        "such a row; the row itself needs the owner's attention (docs/privacy.md, a key "
        "destroyed with no erasure)",
    )
