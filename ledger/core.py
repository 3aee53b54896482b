"""The application core: storage settings, the transcoder, permission checks, retries.

Every command of ``Ledger`` follows one shape: load the aggregates it touches, check the actor's
permission for the street concerned, call the aggregates' command methods (which check the
plan's rules before any change), then save all their new events in one transaction. A save that
loses a race with another writer (``IntegrityError``) is retried on fresh state; if the command
is no longer valid the retry raises the rule it now breaks.
"""

from __future__ import annotations

import gc
import os
import random
import re
import signal
import threading
import time
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, ClassVar, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import CanMutateProtocol, DomainEventProtocol
from eventsourcing.persistence import (
    IntegrityError,
    Mapper,
    OperationalError,
    Recording,
    Transcoder,
)
from eventsourcing.utils import Environment, EnvType, get_topic

from ledger import clock
from ledger.authority import (
    KEYED_ADMIN_COMMANDS,
    PROGRAMME_STEPS,
    TYPED_COMMANDS,
    check_permission,
    typed_command,
)
from ledger.base import (
    LedgerAggregate,
    Provenance,
    differs_in_case,
    lookalikes,
    natural_id,
    typed_hint,
)
from ledger.errors import (
    AlreadyExistsError,
    ConflictError,
    InputError,
    LedgerError,
    NotFoundError,
    PermissionRefusedError,
    RecorderRefusedError,
    RuleError,
)
from ledger.funds import Disbursement, FundAccount
from ledger.guards import READ_GUARDS, ReadGuards
from ledger.helpers import Helper
from ledger.household import Household, Measure, MergeIn, Personal
from ledger.inspections import Inspection
from ledger.officers import Officer
from ledger.places import Street
from ledger.privacy import HOUSEHOLD_KEYS, HouseholdKeys, PersonalDataMapper, SealedPersonal
from ledger.programme import PROGRAMME_CODE, Programme, ProgrammeRules, YearParameters
from ledger.sealing import Sealer, revoked_not_replaced
from ledger.sqliterecorder import FIRST_SAVE
from ledger.store import (
    StoreLocation,
    disk_full,
    held_lock,
    lost_server,
    pool_exhausted,
    read_only,
    server_gone_message,
    server_short,
)
from ledger.transcoder import OrjsonTranscoder
from ledger.typed import key_hint
from ledger.values import check_come, replay_spares, visible
from ledger.waiting import one_deadline, waiting_words, watching
from ledger.written import SAVES_BEGUN

#: The topic of an officer's registration (``LedgerCore.admins_with_keys``).
_OFFICER_REGISTERED = f"{Officer.__module__}:Officer.OfficerRegistered"

__all__ = ["AGGREGATE_KINDS", "VALUE_TYPES", "LedgerCore", "Stamp", "ledger_transcoder"]

A = TypeVar("A", bound=LedgerAggregate)

#: The aggregate kinds, by the word officers use for them (ids are uuid5 of "kind:key").
AGGREGATE_KINDS: dict[str, type[LedgerAggregate]] = {
    "programme": Programme,
    "street": Street,
    "officer": Officer,
    "helper": Helper,
    "household": Household,
    "fund": FundAccount,
    "inspection": Inspection,
}

#: The value dataclasses events carry (the transcoder tags them by class name).
VALUE_TYPES: tuple[type[Any], ...] = (
    Provenance,
    ProgrammeRules,
    YearParameters,
    Personal,
    SealedPersonal,
    Measure,
    Disbursement,
)

#: Attempts of a command whose save loses races to other writers' saves on the same records
#: (each on fresh state), a random pause between them up to ``_BACKOFF_SECONDS`` × 2**n: 30
#: officers saving visits to one household at once had a third of theirs refused after 5
#: attempts in a row without a pause (tester S, session 19). At most ~1.3 s of pauses.
_MAX_ATTEMPTS = 8
_BACKOFF_SECONDS = 0.005
_JITTER = random.SystemRandom()
#: Streets read from the log a page at a time (a district has a handful).
_STREETS_PAGE = 100
#: The topics whose stored events ``events_so_far`` keeps once read (``_kept_scan``): rare
#: events every exit step asks for (a household's closures, ``merges_into``).
_KEPT_SCANS = frozenset({(get_topic(Household.Closed),)})  # type: ignore[attr-defined]  # @event


#: What a single save does once the lock it waits for is free (``waiting_words``).
_SAVE_WAITS = (
    "this command waits up to LEDGER_LOCK_TIMEOUT ({seconds} s), then saves, or is refused "
    "with nothing written"
)


def ledger_transcoder() -> OrjsonTranscoder:
    """The orjson transcoder, taught the ledger's value dataclasses."""
    transcoder = OrjsonTranscoder()
    for cls in VALUE_TYPES:
        transcoder.register_dataclass(cls)
    return transcoder


@dataclass(frozen=True)
class Stamp:
    """What the officer says about an event they append: who they are, when it took effect,
    on what document 文件, and an optional note."""

    actor: str
    effective: date
    document: str
    note: str = ""
    #: Whether the officer gave the effective date (``-e``); False: today, by default.
    dated: bool = True


#: Chinese numerals read as digits where a note names a year (``二〇二五年`` is 2025), the
#: zero typed as ○ (U+25CB WHITE CIRCLE) too, as many input methods do (re-test P).
_CHINESE_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
#: A run of two Chinese numerals or more: a number written so (``二〇二五``); one alone is a
#: word (``2025一季度``, ``补录2025三户`` name 2025: re-test P).
_CHINESE_NUMBER = re.compile("[〇○零一二三四五六七八九]{2,}")


def names_year(note: str, year: int) -> bool:
    """Whether ``note`` names ``year`` as a year of its own: its four digits not run into
    other digits (``原表第20251行`` or ``12022元`` names no 2025 or 2022: re-test M, session
    23), in full-width digits or Chinese numerals too (``２０２５``, ``二〇二五年``)."""
    text = _CHINESE_NUMBER.sub(
        lambda run: run.group().translate(_CHINESE_DIGITS), unicodedata.normalize("NFKC", note)
    )
    return re.search(rf"(?<!\d){year}(?!\d)", text) is not None


#: The number of events of each save this process committed, in order: a command stopped by
#: Ctrl-C or ``SIGTERM`` after its work was committed says so (``cli.main.run``; tester J,
#: session 23: a master-key rotation interrupted just after its commit exited 130 saying
#: nothing, and its admin could have thrown the new key away).
SAVES_COMMITTED: list[int] = []
#: Those of them made in a new store that was then removed, not kept (``discard_saves``).
SAVES_DISCARDED: list[int] = []

#: The signals a save holds off until its commit is counted (``_save_events``).
_HELD_SIGNALS = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name)
)


def discard_saves() -> None:
    """The saves committed so far went into a new store that was removed (an ``init``,
    ``import --create`` or ``demo`` stopped before it was put in place): none stands (re-test
    N, session 23: a stopped ``import --create`` said 15,833 events stood in a store it had
    just removed)."""
    SAVES_DISCARDED.extend(SAVES_COMMITTED)
    SAVES_COMMITTED.clear()


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and ``SIGTERM`` held off (pending, not lost) while a save commits and is
    counted, on the main thread: a signal between the commit and ``SAVES_COMMITTED`` left a
    committed rotation of the master key unsaid (re-test N, session 23). The signal acts as
    soon as the save is counted."""
    if threading.current_thread() is not threading.main_thread() or not _HELD_SIGNALS:
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


class LedgerCore(Application[UUID]):
    """Storage, permissions and the load-check-save loop shared by every command."""

    name = "fupin"
    env: ClassVar[dict[str, str]] = {"COMPRESSOR_TOPIC": ""}

    #: Where the ledger is stored (set by ``open_ledger``); projections open the same store.
    location: StoreLocation | None = None

    #: Inside ``batch()``: aggregates loaded or changed so far, by id (None outside a batch).
    _batch: dict[UUID, LedgerAggregate] | None = None
    #: Inside ``batch()``: the records it made (their first event in it), saved since or not.
    _batch_created: set[UUID]
    #: Inside ``batch()``, during a command: the ids it loaded (``get_by_id``), so that a
    #: refused one leaves the batch as it was (``_undo_refused``).
    _attempt_loads: list[UUID] | None = None
    _batch_events: list[DomainEventProtocol[UUID]] = []  # noqa: RUF012 - replaced per batch
    #: ``_batch_of``'s index: the batch's event list it read, how far, and the places of
    #: each topic's events in it.
    _batch_index: tuple[list[DomainEventProtocol[UUID]], int, dict[str, list[int]]] | None = None
    #: ``_kept_scan``'s events by topics, with the notification id each was read to.
    _kept_scans: dict[tuple[str, ...], tuple[int, list[tuple[Any, Any]]]] | None = None
    _stamped_at_save = False  # the open batch's (``batch``)

    #: What the attempt under way (or the open batch) read and rests on, checked again inside
    #: its save (``ledger.guards``, since session 25); None outside them.
    _guards: ReadGuards | None = None
    #: What a command read before its attempt, from an ``authorise`` outside ``execute`` on
    #: (the actor, and what the command judged before it built its attempt), with what that
    #: ``authorise`` was asked: guarded in each attempt's save; a retry judges the actor again.
    _before: tuple[ReadGuards, tuple[Stamp, str, str]] | None = None
    #: The last notification id the last completed ``events_by_topic`` could see.
    _scan_end = 0

    #: The household keys of ledger.privacy (the key table, wrapped under the master key).
    household_keys: HouseholdKeys

    #: ``fupin init``'s save: stored only into a ledger without events (the recorders check it
    #: in the save's transaction: of two ``init``s at once, one succeeds).
    _first_save = False

    #: The recording time of the last save this instance read or made (``_check_clock``).
    _latest_recorded: datetime | None = None

    #: What the ledger reads of the process's environment through the library's settings:
    #: its own documented variables (a signing key, the master key), and nothing else.
    #: eventsourcing merges the whole environment by default, and reads a setting prefixed
    #: with the application's name (``Ledger``) first: ``LEDGER_SQLITE_DBNAME`` sent every
    #: save to another file than ``LEDGER_STORE`` named, and ``LEDGER_CREATE_TABLE`` made
    #: tables in it (tester D, session 23). The store's settings come from ``open_ledger``.
    FROM_ENVIRON: ClassVar[tuple[str, ...]] = (
        "LEDGER_KEY",
        "LEDGER_MASTER_KEY",
        "LEDGER_MASTER_KEY_FILE",
    )

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        settings = dict(type(self).env)
        settings.update({key: os.environ[key] for key in self.FROM_ENVIRON if key in os.environ})
        if env is not None:
            settings.update(env)
        return Environment(name, settings)

    def construct_mapper(self) -> Mapper[UUID]:
        # Personal data is sealed per household before it is transcoded (ledger.privacy).
        # Snapshots would hold it in clear inside the aggregate's state: they stay off.
        if self.factory.is_snapshotting_enabled():
            raise InputError("store", "snapshots would store personal data in clear; keep them off")
        self.household_keys = HouseholdKeys(self.env, lambda: self.recorder.datastore)  # type: ignore[attr-defined]
        return PersonalDataMapper(self.construct_transcoder(), self.household_keys)

    def construct_transcoder(self) -> Transcoder:
        return ledger_transcoder()

    # -- loading ---------------------------------------------------------------------------

    def founded_on(self) -> date | None:
        """The day the ledger was founded: the effective date of its first event, the first
        admin's registration (``initialise``); of an import's first, not yet saved, when the
        store holds none (``import --create``). None for an empty ledger. One event read."""
        found = self.recorder.select_notifications(start=None, limit=1)
        first = self.mapper.to_domain_event(found[0]) if found else None
        if first is None and self._batch_events:
            first = self._batch_events[0]
        prov = getattr(first, "prov", None)
        return prov.effective if isinstance(prov, Provenance) else None

    def check_founded(self, effective: date, what: str) -> None:
        """Refuse ``what`` dated ``effective`` before the ledger was founded (``founded_on``):
        an officer's registration (since session 21), the log key's registration and a
        checkpoint (since session 24)."""
        founded = self.founded_on()
        if founded is not None and effective < founded:
            raise RuleError(
                "effective",
                f"{what} is dated {effective}, before the ledger was founded on {founded} "
                "(fupin init registered its first admin)",
            )

    def load(self, cls: type[A], key: str, field: str) -> A:
        """The aggregate of kind ``cls`` with natural key ``key``, or a refusal naming ``field``."""
        aggregate = self.get_by_id(natural_id(_kind(cls), key))
        if aggregate is None:
            # A fund account asked for as an account (``fund allocate CODE``, ``fund amend``,
            # ``--subject-kind account``) is named so, not by its record's kind.
            what = "account" if cls is FundAccount and field in ("account", "subject") else None
            raise NotFoundError(
                field, f"no {what or _kind(cls)} {key!r} on record{self._hint(cls, key)}"
            )
        assert isinstance(aggregate, cls)
        return aggregate

    def _hint(self, cls: type[LedgerAggregate], key: str) -> str:
        """How a key not found is typed and the key on record it was meant for (``key_hint``:
        its width first, then its case, `` ('JH-0001'?)``), or for the programme, its one key
        (`` ('jianghai-2016'?)``; since session 23): a few reads, on the way to a refusal only."""
        if (
            cls is Programme
            and not typed_hint(key)
            and key != PROGRAMME_CODE
            and self.opened_programme() is not None
        ):
            # One programme, whose key nothing but a query showed (tester C, session 23).
            return f" ({PROGRAMME_CODE!r}?)"
        kind = _kind(cls)
        return key_hint(key, lambda other: self.get_by_id(natural_id(kind, other)) is not None)

    def unregistered(self, key: str) -> str:
        """Why ``key`` is no officer who may act or read, with the officer on record in the
        other case (`` 'ADMIN' is not a registered officer ('admin'?)``; since session 29,
        tester of session 28: ``--as``, LEDGER_ACTOR, an import row's actor and its recorder
        gave no hint, where ``log --actor`` and ``officer retire`` did). Never accepted, only
        hinted: the officer list is open to every reader, one with no ``--as`` too."""
        return f"{key!r} is not a registered officer{self._hint(Officer, key)}"

    def get_by_id(self, aggregate_id: UUID) -> LedgerAggregate | None:
        """The aggregate, from the open batch if it holds it, else from the store."""
        if self._attempt_loads is not None:
            self._attempt_loads.append(aggregate_id)
        if self._batch is not None and aggregate_id in self._batch:
            return self._batch[aggregate_id]
        aggregate = self._stored(aggregate_id)
        if self._batch is not None and aggregate is not None:
            self._batch[aggregate_id] = aggregate
        return aggregate

    def _stored(self, aggregate_id: UUID, version: int | None = None) -> LedgerAggregate | None:
        """The aggregate as stored (None if there is none); at ``version`` if given. Read
        whole during an attempt or a batch, the version read is remembered: the save checks
        it again (``ledger.guards``; a version asked for is history, which never moves)."""
        guards = self._recording()
        remember = (
            guards is not None and version is None and guards.before_read(aggregate_id, self._head)
        )
        try:
            aggregate: LedgerAggregate = self.repository.get(
                aggregate_id, version=version, projector_func=_project
            )
        except AggregateNotFoundError:
            if remember:
                assert guards is not None
                guards.read(aggregate_id, 0)
            return None
        if remember:
            assert guards is not None
            guards.read(aggregate_id, aggregate.version)
        return aggregate

    def _recording(self) -> ReadGuards | None:
        """Where a read is remembered: the attempt's or batch's guards, or else those of the
        command whose actor was judged before its attempt (``_before``); None: nowhere."""
        if self._guards is not None:
            return self._guards
        return None if self._before is None else self._before[0]

    def _head(self) -> int:
        """The log's last notification id (0: empty)."""
        return self.recorder.max_notification_id() or 0

    def events_by_topic(
        self, topics: Sequence[str], page: int = 1000
    ) -> Iterator[tuple[Any, DomainEventProtocol[Any]]]:
        """Every stored event of ``topics`` in log order, as (aggregate id, event), read
        ``page`` notifications a query (the store filters by topic; memory holds one page).
        A scan read to the end during an attempt or a batch is remembered with the last id it
        could see: the save checks that no event of ``topics`` was recorded since
        (``ledger.guards``). One stopped early rests on what it saw, which never moves."""
        yield from self._scan(topics, page)

    def _scan(
        self, topics: Sequence[str], page: int, after: int = 0
    ) -> Generator[tuple[Any, DomainEventProtocol[Any]], None, int]:
        """``events_by_topic`` after notification ``after`` (0: all); returns the id it read
        to (the log's head then, or the last event read if later), once read to the end."""
        start: int | None = after or None
        last = after
        while True:
            # The head before the query: the query sees at least that far, so no event of
            # ``topics`` lies between its last and the head (a guard bound at 0 would make
            # the save's check read the whole log when the topics have none).
            head = self._head()
            found = self.recorder.select_notifications(
                start=start, limit=page, topics=topics, inclusive_of_start=start is None
            )
            for notification in found:
                yield notification.originator_id, self.mapper.to_domain_event(notification)
            if found:
                last = found[-1].id
            if len(found) < page:
                self._scanned(topics, max(last, head))
                return max(last, head)
            start = last

    def _scanned(self, topics: Sequence[str], last: int) -> None:
        self._scan_end = last
        guards = self._recording()
        if guards is not None:
            guards.scanned(topics, last)

    def events_so_far(
        self, topics: Sequence[str], page: int = 1000
    ) -> Iterator[tuple[Any, DomainEventProtocol[Any]]]:
        """``events_by_topic``, then the events of those topics the batch under way holds, not
        saved yet (an import's earlier rows: tester R, session 22, a file that posted a notice
        and then amended the rule it was judged by passed a check that read the log alone)."""
        if tuple(topics) in _KEPT_SCANS:
            yield from self._kept_scan(tuple(topics), page)
        else:
            yield from self.events_by_topic(topics, page)
        for event in self._batch_of(topics):
            yield event.originator_id, event

    def _kept_scan(
        self, topics: tuple[str, ...], page: int
    ) -> Iterator[tuple[Any, DomainEventProtocol[Any]]]:
        """``events_by_topic`` of ``_KEPT_SCANS``' topics, the events read before kept (a log
        is only appended to) and only those recorded since read (since session 36, tester h:
        each exit step read the whole log for closures, 8.5× the time on a 13× larger store,
        and a move of the 204 k-event demo took 239 s). The scan is guarded as a whole one."""
        if self._kept_scans is None:
            self._kept_scans = {}
        read_to, kept = self._kept_scans.get(topics, (0, []))
        yield from kept
        fresh: list[tuple[Any, DomainEventProtocol[Any]]] = []
        scan = self._scan(topics, page, read_to)
        while True:
            try:
                item = next(scan)
            except StopIteration as done:  # read to the end: kept (one stopped early is not)
                self._kept_scans[topics] = (done.value, kept + fresh)
                return
            fresh.append(item)
            yield item

    def _batch_of(self, topics: Sequence[str]) -> list[DomainEventProtocol[Any]]:
        """The batch's unsaved events of ``topics``, in order: each event is indexed by topic
        once (since session 36, tester h: every exit-step row of an import walked every unsaved
        event before it, an import of N such rows N² / 2 steps)."""
        events = self._batch_events
        index = self._batch_index
        if index is None or index[0] is not events:  # a new batch, or one flushed since
            index = (events, 0, {})
        _, seen, by_topic = index
        for place in range(seen, len(events)):
            by_topic.setdefault(get_topic(type(events[place])), []).append(place)
        self._batch_index = (events, len(events), by_topic)
        places = sorted(place for topic in set(topics) for place in by_topic.get(topic, ()))
        return [events[place] for place in places]

    def merges_into(self, number: str) -> list[MergeIn]:
        """The live merges 合户 into household ``number``, by date (since session 30): each
        household closed as merged into it, with its members on the merge's day (read from
        the log's closures, the batch's too, then each such household)."""
        topic = get_topic(Household.Closed)  # type: ignore[attr-defined]  # @event
        found: dict[str, MergeIn] = {}
        for household_id, event in self.events_so_far([topic]):
            if getattr(event, "into", "") != number or getattr(event, "because", "") != "merged":
                continue
            other = self.get_by_id(household_id)
            if not isinstance(other, Household) or other.closed_into != number:
                continue
            if other.closed_on is None or other.closed_because != "merged":
                continue
            day = other.closed_on
            members = other.members_on(day)[0]
            entry = other.closure_entry or 0
            found[other.number] = MergeIn(other.number, day, members, entry)
        return sorted(found.values(), key=lambda merge: (merge.day, merge.number))

    def check_no_lookalike(self, cls: type[LedgerAggregate], key: str, field: str) -> None:
        """Refuse a new ``key`` that differs from one on record only in the width of its
        punctuation (``雄光村(社区)`` beside ``雄光村（社区）``): found by nobody who types it;
        or only in the case of its letters, as Caps Lock types it (``jh-0001`` beside
        ``JH-0001``, ``C-1`` beside ``c-1``: tester U, session 22), its letters all upper or
        all lower case. An export's replay spares the case (``key_case_lookalike``, since
        session 32: a fupin of session 20 took such keys, tester f), not the width."""
        for other in sorted(lookalikes(key)):
            if self.exists(cls, other):
                raise AlreadyExistsError(
                    field,
                    f"{key!r} looks the same as {other!r}, {self.said_where(cls, other)} "
                    "(they differ only in half- and full-width punctuation): use that one",
                )
        if replay_spares("key_case_lookalike", self.rebuilding_export):
            return
        for other in sorted({key.upper(), key.lower()} - {key}):
            if self.exists(cls, other):
                raise AlreadyExistsError(
                    field, differs_in_case(key, other, self.said_where(cls, other), field)
                )

    def said_where(self, cls: type[LedgerAggregate], key: str) -> str:
        """Where the record ``key`` of ``cls`` a new key is refused beside was made, as the
        refusal says it: ``earlier in this import`` if this batch made it (saved since or
        not), else ``on record`` (since session 32, tester f: a helper and a household made
        by an earlier row of the same import were said on record, an officer so made earlier
        in this import, and one loaded by the import earlier in this import)."""
        made = self._batch is not None and natural_id(_kind(cls), key) in self._batch_created
        return "earlier in this import" if made else "on record"

    def exists(self, cls: type[LedgerAggregate], key: str) -> bool:
        aggregate_id = natural_id(_kind(cls), key)
        if self._batch is not None and aggregate_id in self._batch:
            return True
        return self._stored(aggregate_id) is not None

    #: The registered streets read from the log, for this application's life (a command).
    _streets: list[str] | None = None
    _streets_end = 0  # the last notification id that scan could see

    def registered_streets(self, *, fresh: bool = False) -> list[str]:
        """Every registered street: those of the batch under way (an import that registers
        them before they are saved), and those read from the log once (by topic: a scan of
        the events table, ~2 s at 10 M events) or again when ``fresh``."""
        topic = get_topic(Street.StreetRegistered)  # type: ignore[attr-defined]  # @event
        if self._streets is None or fresh:
            registered = self.events_by_topic([topic], _STREETS_PAGE)
            self._streets = [str(vars(event)["name"]) for _, event in registered]
            self._streets_end = self._scan_end
        else:
            self._scanned([topic], self._streets_end)  # the scan read once, guarded again
        batch = self._batch or {}
        return [a.name for a in batch.values() if isinstance(a, Street)] + self._streets

    def programme(self) -> Programme:
        aggregate = self.opened_programme()
        if aggregate is None:
            raise NotFoundError("programme", "the programme is not opened yet")
        return aggregate

    def opened_programme(self) -> Programme | None:
        """The programme, or None before it is opened (one load)."""
        aggregate = self.get_by_id(natural_id("programme", PROGRAMME_CODE))
        assert aggregate is None or isinstance(aggregate, Programme)
        return aggregate

    def household(self, number: str) -> Household:
        return self.load(Household, number, "household")

    # -- what a correction asks of other parts of the ledger --------------------------------

    def unpairing_corrected(
        self, aggregate: LedgerAggregate, version: int, prov: Provenance
    ) -> Callable[[], list[LedgerAggregate]] | None:
        """For a correction voiding entry ``version`` of ``aggregate``: when it is a
        household's unpairing, its rules and what records its enterprises' sides in the same
        save (``CaseworkCommands`` answers); None for any other entry, and here."""
        return None

    def check_post_unused(self, aggregate: LedgerAggregate, version: int) -> None:
        """For a correction voiding entry ``version`` of ``aggregate``: refuse to void an
        officer's transfer they have acted under (``ReadingQueries`` reads the log for it);
        nothing to check here."""

    def check_post_ended_after(self, officer: Officer, effective: date, step: str) -> None:
        """For a retirement or transfer (``step``) of ``officer`` dated ``effective``: refuse
        a day before an entry they recorded under the post it ends (``ReadingQueries`` reads
        the log for it; since session 28); nothing to check here."""

    # -- permission and provenance ---------------------------------------------------------

    def authorise(self, stamp: Stamp, command: str, street: str = "") -> Provenance:
        """Check the actor may run ``command`` for ``street``; return the event's provenance.

        Judged before the command's attempt (outside ``execute``), what the command reads
        from here on guards each attempt's save too, and a retry judges the actor again
        (``_before``, since session 25)."""
        if not stamp.actor.strip():
            raise PermissionRefusedError("as", "say who records this (--as or LEDGER_ACTOR)")
        if self._guards is None:
            self._before = (ReadGuards(), (stamp, command, street))
        elif self._before is not None and self._before[1][0] is not stamp:
            # Another command's (one refused before its attempt): not this one's reads.
            self._before = None
        officer = self.active_officer(stamp.actor)
        if officer.revoked_key_id and not officer.signing_key_id:
            # Since session 24 (re-test): judged here, on the actor, before the command's own
            # rules (an import's row names its actor column; the sealer's refusal at the save
            # stays, the last line of defence).
            raise PermissionRefusedError(
                "as", revoked_not_replaced(officer, self.admins_with_keys())
            )
        if (
            street
            and street != officer.street
            and (typed_hint(street) or not self.exists(Street, street))
        ):
            # `` 江南`` is no street, not another street: say so (with the hint) first; and
            # so is ``江南街道`` (tester i, session 36: refused on `as`, "jn-01 works for
            # street '江南', not '江南街道'", as if the officer were wrong).
            self.load(Street, street, "street")
        check_permission(command, stamp.actor, officer.role, officer.street, street)
        if command in KEYED_ADMIN_COMMANDS and not self.moving_keys:
            self._check_keyed_admin(stamp.actor, command)
        if not stamp.dated and command in PROGRAMME_STEPS:
            self._check_today_in_programme(stamp.effective)
        prov = self.provenance(stamp, officer.role)
        if self.importing_by and self.importing_by != stamp.actor:
            # who may import another's row first, then whether their key signs it (re-tester
            # r, session 35: an officer was sent after a key before told only an admin may)
            prov = self._imported_by(prov, self.importing_by)
            self._check_importer_signs(officer, self.importing_by)
        self._unsaid_late = None
        if stamp.dated and command in PROGRAMME_STEPS and not self.rebuilding_export:
            self._unsaid_late = self._unsaid_after_programme(stamp)
        return prov

    def active_officer(self, actor: str) -> Officer:
        """The registered, active officer ``actor``, refused on ``as`` otherwise: judged by
        ``authorise``, by every reader (``ReadingQueries.reader``) and, since session 29, as a
        recording command opens the ledger, before it looks up any record it names (helper a:
        an id that is no officer learnt whether a household exists, told it is not on record)."""
        try:
            officer = self.load(Officer, actor, "as")
        except NotFoundError:
            raise PermissionRefusedError("as", self.unregistered(actor)) from None
        if not officer.active:
            raise PermissionRefusedError("as", f"{actor} has retired")
        return officer

    def _check_importer_signs(self, officer: Officer, importer: str) -> None:
        """Refuse a row imported in the name of ``officer``, who has a key in force, by an
        ``importer`` with none: the importer's key signs what they record (``Provenance.
        recorder``), so the row would stand unsigned in the name of an officer whose own saves
        are all signed (since session 35, tester f: an admin with no key imported a keyed
        street officer's row, unsigned, where ``--as`` that officer without their key is
        refused, and plain verify passed). Not judged on an export's replay into the store it
        rebuilds (no key is in force until the move registers them, at its end)."""
        if not officer.signing_key_id or self.rebuilding_export:
            return
        if self.active_officer(importer).signing_key_id:
            return
        raise PermissionRefusedError(
            "actor",
            f"{officer.officer_id} has a key in force ({officer.signing_key_id}), and {importer}, "
            f"importing this row in {officer.officer_id}'s name, has none: the importer's key "
            f"signs what they import, so it would stand unsigned in the name of an officer "
            f"whose saves are signed; import it as an admin with a key in force (fupin --as "
            f"… --key … import), or have {officer.officer_id} record it with their key "
            "(nothing was written)",
        )

    def _check_keyed_admin(self, actor: str, command: str) -> None:
        """Refuse a command that manages officers or keys (``KEYED_ADMIN_COMMANDS``) by an
        admin with no key in force while another active admin has one (named): since session
        24 (tester: an admin who never held a key demoted and retired, unsigned, every admin
        who held one, and none could recover). While no active admin has a key in force, it
        is recorded as before: an admin registers their own first key, unsigned."""
        keyed = self.admins_with_keys()
        if not keyed or actor in keyed:
            return
        named = ", ".join(keyed)
        raise PermissionRefusedError(
            "as",
            f"{actor} has no key in force, and {named} "
            f"{'has' if len(keyed) == 1 else 'have'} one: while an active admin has a key in "
            f"force, {typed_command(command)} is recorded only by an admin with a key in "
            f"force, in a save signed with it (fupin --as {keyed[0]} --key … "
            f"{TYPED_COMMANDS[command][0]} …); a first key too: {keyed[0]} registers "
            f"{actor}'s (fupin keys new, then fupin --as {keyed[0]} --key … keys register "
            f"{actor} …); nothing was written (docs/audit-guide.md §6)",
        )

    def _check_today_in_programme(self, today: date) -> None:
        """A step of the programme dated today by default (no ``-e``) only while the programme
        runs (its years, and the next for the plan of the last year's returns): after it, an
        officer entering its records late would date a 2017 visit 2026 and end every quarter up
        to 2026 in the reports, with no way to tell it from a typo."""
        programme = self.opened_programme()
        if programme is None:
            return
        rules = programme.rules
        if today.year > rules.last_year + 1:
            raise RuleError(
                "effective",
                f"no date given (-e), and today, {today}, is after the programme "
                f"({rules.first_year}-{rules.last_year}): say when this step took effect "
                f"(-e YYYY-MM-DD; -e {today} with a --note naming {today.year} that says why, if "
                "it took effect today)",
            )

    def _unsaid_after_programme(self, stamp: Stamp) -> RuleError | None:
        """A step of the programme dated after it (its years; the next, for the plan of the
        last year's returns; and the one after, by whose 31 January that plan's exits are
        approved and by whose end its accounts are opened) says why in its note (since
        session 23; tester B: a year typed wrong in a spreadsheet, 2025 for 2018, was taken,
        and moved every report's "today" seven years on, every quarter up to it ending with
        its missed visits). The note names the step's year (``2021年审计整改``): a note that
        is there for another reason (a change of members always says what changed) passed a
        year typed wrong all the same (re-test E). The refusal, if any, is raised once the
        command's own rules passed (``execute``): a rule of the step's own (a 2016 exit
        proposed in 2026, after its closing day) says more of such a date."""
        years = self._programme_years
        if years is None:
            programme = self.opened_programme()
            if programme is None:
                return None
            # The programme's years are never amended (``AMENDABLE_RULES``): read once.
            years = self._programme_years = (programme.rules.first_year, programme.rules.last_year)
        first, last = years
        year = stamp.effective.year
        if year <= last + 2 or names_year(stamp.note, year):
            return None
        return RuleError(
            "effective",
            f"{stamp.effective} is after the programme ({first}-{last}; {last + 1} "
            f"for the plan of the last year's returns, {last + 2} for that plan's closing day "
            f"and accounts): a step dated after it says why in its note, naming its year "
            f"{year} (--note), so that a year typed wrong is not taken: it would make "
            f"{stamp.effective} every report's today",
        )

    @staticmethod
    def provenance(stamp: Stamp, role: str) -> Provenance:
        if not visible(stamp.document):
            raise InputError("document", "every event names its source document 文件")
        if stamp.note and not visible(stamp.note):
            # Since session 23 (the village work team's tester): a note of a zero-width space
            # was recorded as typed, one of spaces as none, and either passed for a note that
            # says why (a late first report, a step dated after the programme).
            # Said for a note a command asks for too (since session 37, tester j: "leave
            # --note out" of a change of members, which then wanted one, sent the officer round)
            raise InputError(
                "note",
                f"{stamp.note!r} shows nothing: say what it is (a note left out is none, where "
                "the command takes none)",
            )
        check_come(stamp.effective, "effective")
        return Provenance(
            stamp.actor, role, stamp.effective, stamp.document.strip(), stamp.note.strip()
        )

    def _imported_by(self, prov: Provenance, recorder: str) -> Provenance:
        """``prov`` naming ``recorder``, in their role now, as who recorded the event for its
        actor (since session 28). The one place that judges it, on every path (an import's
        rows, an export's rows replayed by a move), by the rule ``fupin verify`` checks
        (``Verifier._check_recorder``): the recorder is a registered, active admin, for
        another officer; a move's row claims the recorder's role too, which must be theirs
        (``importing_role``: refused, not recomputed, as the export is no evidence of it).
        Before, only an ordinary import judged the admin (re-tester P: a move took an export
        edited to name a street officer as recorder, and verify then failed the new store)."""
        moved = bool(self.importing_role)
        try:
            officer = self.load(Officer, recorder, "imported_by")
        except NotFoundError:
            raise RecorderRefusedError("imported_by", self.unregistered(recorder)) from None
        if not officer.active:
            raise RecorderRefusedError("imported_by", f"{recorder} has retired")
        if moved and self.importing_role != officer.role:
            raise RecorderRefusedError(
                "imported_by_role",
                f"{self.importing_role!r}, but {recorder} is {officer.role}: the export names "
                "the role its recorder had, which a move does not read again",
            )
        if officer.role != "admin":
            if not moved:  # an ordinary import, by its importer: the words since session 20
                raise RecorderRefusedError(
                    "as",
                    f"recorded by {prov.actor}, but the import is run by {recorder} "
                    f"({officer.role}): an officer imports their own rows; only an admin "
                    "imports rows of other officers",
                )
            raise RecorderRefusedError(
                "imported_by",
                f"{recorder} ({officer.role}) for {prov.actor}: only an admin records "
                "(imports) rows of other officers, and fupin verify would fail the entry",
            )
        return replace(prov, imported_by=recorder, imported_by_role=officer.role)

    # -- the load-check-save loop ----------------------------------------------------------

    def execute(self, attempt: Callable[[], Sequence[LedgerAggregate]]) -> int | None:
        """Run ``attempt`` and save what it changed atomically; retry lost races on fresh state.

        Returns the notification id of the last event saved (None inside a batch).
        """
        if self._batch is not None:
            self._attempt_loads = []
            try:
                changed = self._attempted(attempt)
            except BaseException:
                self._undo_refused()
                raise
            finally:
                self._attempt_loads = None
            made = [(aggregate, aggregate.collect_events()) for aggregate in changed]
            for aggregate, events in made:
                self._batch[aggregate.id] = aggregate
                if any(event.originator_version == 1 for event in events):
                    self._batch_created.add(aggregate.id)
            # Keep the commands' order: the log must show them as they happened.
            self._batch_events.extend(_at_one_time(made))
            return None
        try:
            # Its reads of the key table and its insert wait for locks until one deadline
            # (since session 28: each waited its own LEDGER_LOCK_TIMEOUT in turn).
            with one_deadline():
                return self._executed(attempt)
        finally:
            self._guards = None
            self._before = None

    def _executed(self, attempt: Callable[[], Sequence[LedgerAggregate]]) -> int | None:
        for tried in range(_MAX_ATTEMPTS):
            if tried:  # a race lost: the others' saves go first, at random, then this again
                time.sleep(_JITTER.uniform(0, _BACKOFF_SECONDS * 2**tried))
            # What the attempt reads is remembered and checked again in its save: a record
            # read, not saved, that moved since, or an event of a topic scanned recorded since,
            # is a race lost as a version clash is (``ledger.guards``, since session 25).
            self._guards = ReadGuards()
            if tried and self._before is not None:
                # The actor, judged before the attempt (a command that authorises first), is
                # judged again.
                self.authorise(*self._before[1])
            aggregates = self._attempted(attempt)
            if not any(a.pending_events for a in aggregates):
                # Only a retry can get here: a save hands its events over even when it fails.
                raise ConflictError("store", "another writer changed the same records; try again")
            created = [
                a for a in aggregates if a.pending_events[:1] and a.version == len(a.pending_events)
            ]
            shown = "the store" if self.location is None else self.location.display
            try:
                wait = self._lock_seconds()
                server = self.location is not None and self.location.kind == "postgres"
                words = partial(waiting_words, shown, wait, _SAVE_WAITS, server=server)
                with watching(words, wait):
                    recordings = self._save_events(
                        _at_one_time([(a, a.collect_events()) for a in aggregates]), aggregates
                    )
            except OperationalError as exc:  # locked past the timeout, or the server is gone
                if read_only(exc):
                    shown = "the store" if self.location is None else self.location.display
                    raise ConflictError(
                        "store",
                        f"{shown} cannot be written (the file, or the -wal or -shm file beside "
                        "it, is read-only): nothing was written",
                    ) from None
                said = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                shown = "the store" if self.location is None else self.location.display
                gone = lost_server(exc)
                if gone is not None or pool_exhausted(said):
                    # The server stopped or was lost during the save, which may have been
                    # committed unseen (tester, session 24: a save said "busy or unreachable",
                    # and nothing of a payment perhaps recorded twice).
                    raise ConflictError(
                        "store",
                        server_gone_message(said, f"{shown} could not be reached")
                        if pool_exhausted(said) or gone is None
                        else server_gone_message(gone),
                    ) from None
                refusal = held_lock(said) or self._not_saved(said, shown, exc)
                raise ConflictError(
                    "store", refusal or f"the store is busy or unreachable ({said}); try again"
                ) from None
            except IntegrityError:
                # Another writer got there first, on a record saved or one only read (the
                # guards). A creation whose id is now taken is refused; anything else is
                # retried on fresh state: the next attempt reloads (the repository either has
                # no cache or fast-forwards cached aggregates).
                self._guards = None
                self.refuse_lost_creations(created)
                before = self._before
                if before is not None:
                    # The actor is judged again by the retry: the version first read no longer
                    # guards. Anything else read before the attempt is judged by no retry.
                    before[0].versions.pop(natural_id("officer", before[1][0].actor), None)
                if before is not None and self._moved(before[0]):
                    raise ConflictError(
                        "store",
                        "another writer changed a record this command was judged on before "
                        "its save; nothing was written: run it again",
                    ) from None
                continue
            return recordings[-1].notification.id if recordings else None
        raise ConflictError("store", "other writers kept changing the same records; try again")

    def _not_saved(self, said: str, shown: str, exc: BaseException) -> str | None:
        """The refusal of a save SQLite failed for a reason trying again does not mend: a full
        disk, a failed disk, a -wal gone (tester B, session 26: "database or disk is full; try
        again", without the store). On PostgreSQL, the server's disk full or its memory out
        (SQLSTATE class 53, since session 26: "the store is busy or unreachable (could not
        extend file …); try again"); None for its other errors, which may pass."""
        short = server_short(exc, shown)
        if short is not None:
            return f"{short[0]}; nothing was written{short[1]}"
        if self.location is None or self.location.kind != "sqlite":
            return None
        full = disk_full(said, self.location.path, shown)
        if full is not None:
            return (
                f"{full}; nothing was written: free space on that disk, then run the command again"
            )
        return f"{shown} could not be written ({said}); nothing was written"

    def _attempted(
        self, attempt: Callable[[], Sequence[LedgerAggregate]]
    ) -> Sequence[LedgerAggregate]:
        """``attempt()``, then the refusal ``authorise`` made of a step dated after the
        programme with no note (``refuse_unsaid_late``); that refusal never outlives the
        attempt, which may fail before it is raised (the reviewer: a stale one was raised
        about the next command on the same application)."""
        try:
            changed = attempt()
            self.refuse_unsaid_late()
            return changed
        finally:
            self._unsaid_late = None

    def _lock_seconds(self) -> str:
        """How long a save waits for another writer's lock (``LEDGER_LOCK_TIMEOUT`` as the
        store read it; ``ledger.store``)."""
        for name in ("SQLITE_LOCK_TIMEOUT", "POSTGRES_LOCK_TIMEOUT"):
            seconds = self.env.get(name)
            if seconds:
                return str(seconds)
        return "?"

    def _undo_refused(self) -> None:
        """Inside ``batch()``: put back, as the batch held them, the records a refused command
        changed before it was refused (their events not collected): each is read again as
        stored and the batch's own unsaved events are replayed on it. Commands judge their
        rules before they change anything; a batch no longer relies on it (since session 26:
        a payment to a closed household refused after its account had taken it was kept by
        the batch and saved with the next command on that account, session 25)."""
        batch, loads = self._batch, self._attempt_loads
        if batch is None or not loads:
            return
        for aggregate_id in dict.fromkeys(loads):
            held = batch.get(aggregate_id)
            if held is None or not held.pending_events:
                continue
            unsaved = [
                cast("CanMutateProtocol[LedgerAggregate]", e)
                for e in self._batch_events
                if e.originator_id == aggregate_id
            ]
            restored = _project(self._stored(aggregate_id), unsaved)
            if restored is None:
                del batch[aggregate_id]
            else:
                batch[aggregate_id] = restored

    def _moved(self, guards: ReadGuards) -> bool:
        """Whether anything ``guards`` holds moved since it was read (out of any save): the
        events recorded since its start, a page at a time."""
        start = guards.start
        if not guards or start is None:
            return False
        while True:
            page = self.recorder.select_notifications(
                start=start, limit=1000, inclusive_of_start=False
            )
            if guards.moved_by(
                (n.id, UUID(str(n.originator_id)), n.originator_version, n.topic) for n in page
            ):
                return True
            if len(page) < 1000:
                return False
            start = page[-1].id

    def refuse_unsaid_late(self) -> None:
        """Raise the refusal ``authorise`` made of a step dated after the programme with no
        note (``_unsaid_after_programme``), now that the command's own rules passed."""
        late, self._unsaid_late = self._unsaid_late, None
        if late is not None:
            raise late

    def forget_unsaid_late(self) -> None:
        """Drop a refusal ``authorise`` made for a command that failed before it saved (an
        import's row), so that it is not raised for the next."""
        self._unsaid_late = None

    def refuse_lost_creations(self, created: Sequence[LedgerAggregate]) -> None:
        """Refuse the command if another writer created one of the records it creates; a
        record made on demand (``CREATED_ON_DEMAND``, an enterprise's pairings) is retried
        instead: the retry finds it and judges the command on it."""
        for aggregate in created:
            if getattr(aggregate, "CREATED_ON_DEMAND", False):
                continue
            if self._stored(aggregate.id) is not None:
                kind = _kind(type(aggregate))
                raise AlreadyExistsError(
                    kind, f"another writer has just created this {kind}; nothing was written"
                )

    @contextmanager
    def batch(self, *, stamped_at_save: bool = False) -> Iterator[None]:
        """Run many commands as one unit of work: their events are saved in one transaction,
        in the order the commands ran, when the block ends — or not at all if it raises.

        Commands inside see each other's changes. A refused command leaves the batch as it
        was (``_undo_refused`` puts back any record it changed before its refusal), so the
        caller may go on (to report every bad row of an import) or give up.

        ``stamped_at_save``: the events are recorded at the time they are saved (one reading
        of the clock for all the events of one flush), not when each command ran. An import
        is known to the ledger when it commits; stamped as it ran, a long one would be filed
        minutes before entries other officers saved meanwhile (and refused by
        ``_check_clock``); stamped one reading each, an "as known at" time between two of
        them would see half of one save.
        """
        if self._batch is not None:
            raise RuntimeError("batches do not nest")
        self._batch = {}
        self._batch_events = []
        self._batch_created = set()
        self._stamped_at_save = stamped_at_save
        # The batch's reads are guarded as a command's are (``ledger.guards``): its save is
        # refused as a lost race if a record it read, or a topic it scanned, moved meanwhile.
        self._guards = ReadGuards()
        try:
            with _collector_paused():
                yield
                self.flush_batch()
        finally:
            self._batch = None
            self._batch_events = []
            self._guards = None

    def flush_batch(self) -> None:
        """Inside ``batch()``: save the events so far in one transaction, in command order, and
        go on with the batch (its aggregates stay loaded). Long imports flush in chunks."""
        events, self._batch_events = self._batch_events, []
        if not events:
            return
        if self._stamped_at_save:
            _stamp(events, clock.now())
        try:
            recordings = self._save_events(events)
        except IntegrityError:
            raise ConflictError(
                "store", "another writer changed the same records; nothing of the batch was written"
            ) from None
        if self._guards is not None and recordings:
            # What the batch holds is as of its save: guarded from there on.
            self._guards.saved(
                recordings[-1].notification.id,
                ((a.id, a.version) for a in (self._batch or {}).values()),
            )
        cache = self.repository.cache
        if cache is not None and self._batch is not None:
            # Events saved on their own do not refresh the aggregate cache; do it here.
            for aggregate in self._batch.values():
                cache.put(aggregate.id, aggregate)

    # -- tamper evidence (ledger.sealing, docs/audit-guide.md) -------------------------------

    #: True while a row of an export (``fupin export events``) is applied (``ledger.imports``):
    #: it names one recorded event, and a ledger may hold two alike, so an allocation or
    #: payment like one on record is not refused then (``FundAccount.check_not_alike``).
    replaying_export = False
    #: True while a row of an export is applied to the empty store it rebuilds (``fupin
    #: import --create``): what the ledger recorded before a rule is replayed as recorded
    #: (a step dated after the programme with no note, ``_unsaid_after_programme``).
    rebuilding_export = False
    #: Set while a move registers again the keys in force at the export (``ledger.moves``):
    #: its admin registers them all, their own last (``KEYED_ADMIN_COMMANDS`` not judged).
    moving_keys = False
    #: Set while an import applies a row (``ledger.imports``): who records it, the officer
    #: running the import (or, for an export's row replayed into the store it rebuilds, who
    #: recorded the event it came from; "" when its actor did). When that is not the row's
    #: actor, ``authorise`` names them in the provenance (``imported_by``, since session 28).
    importing_by = ""
    #: Set with ``importing_by`` while a move replays an export's row: the recorder's role
    #: as the export names it, checked against theirs ("" for an ordinary import's importer).
    importing_role = ""
    #: The refusal of a step dated after the programme with no note, made by ``authorise``
    #: and raised by ``execute`` once the command's own rules passed.
    _unsaid_late: RuleError | None = None
    #: The programme's first and last years once it is opened (``_unsaid_after_programme``).
    _programme_years: tuple[int, int] | None = None

    #: Signs saves of officers with a registered key; built on first save from ``LEDGER_KEY``.
    _sealer: Sealer | None = None

    @property
    def sealer(self) -> Sealer:
        if self._sealer is None:
            self._sealer = Sealer(self.env.get("LEDGER_KEY", ""))
        return self._sealer

    def _save_events(
        self,
        events: Sequence[DomainEventProtocol[UUID]],
        aggregates: Sequence[LedgerAggregate] = (),
    ) -> list[Recording[UUID]]:
        # ``Application.save`` less its per-object protocol checks (``isinstance`` against a
        # runtime Protocol costs ~20 µs an event, a fifth of a bulk import) and its snapshots
        # (off: ``construct_mapper``). ``aggregates`` go to the repository cache, if any.
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        processing_event.events.extend(events)
        processing_event.aggregates.update((a.id, a) for a in aggregates)
        SAVES_BEGUN[:] = [True]
        with _signals_held():
            recordings = self._record(processing_event)
            SAVES_COMMITTED.append(len(recordings))
        self._notify(recordings)
        return recordings

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        # Every save passes here just before its events are stored. The keys of households
        # whose personal data it writes are made first and inserted in the save's own
        # transaction by the ledger's recorders (ledger.privacy, HOUSEHOLD_KEYS).
        # A run of events by an officer whose key is in force gets its signed Seal in front,
        # in the same transaction; without the private key the save is refused and nothing
        # is written.
        self._check_clock(processing_event.events)
        if self._first_save:
            processing_event.saved_kwargs[FIRST_SAVE] = True
        guards = self._guards
        if guards is not None and self._batch is None and self._before is not None:
            guards = self._before[0].merged(guards)  # what was read first is guarded first
        if guards and getattr(self.recorder, "checks_read_guards", False):
            processing_event.saved_kwargs[READ_GUARDS] = guards
        keys = self.household_keys
        mapper = self.mapper
        assert isinstance(mapper, PersonalDataMapper)
        saved = False
        try:
            write_keys = keys.prepare(
                e.originator_id for e in processing_event.events if _carries_personal(e)
            )
            if write_keys is not None:
                if getattr(self.recorder, "writes_household_keys", False):
                    processing_event.saved_kwargs[HOUSEHOLD_KEYS] = write_keys
                else:
                    keys.commit_pending()
            with mapper.remembering():  # the seal hashes the bytes that are then stored
                processing_event.events[:] = self.sealer.seal(
                    processing_event.events, mapper, self.stored_officer
                )
                recordings = super()._record(processing_event)
            saved = True
            # The next save is compared with this one, as verify compares each save with the
            # save before it.
            latest = max((_recorded_at(e) for e in processing_event.events), default=None)
            if latest is not None:
                self._latest_recorded = latest
            return recordings
        finally:
            keys.settle(saved=saved)

    def _check_clock(self, events: Sequence[DomainEventProtocol[UUID]]) -> None:
        """Refuse a save recorded earlier than what the ledger already holds: a machine whose
        clock is behind (a flat battery: 2000-01-01) would file its entries among those of
        years ago, and every "as known at" answer would change (``fupin verify`` reports such
        an event). The last stored event is read once an instance; later saves compare with
        what this instance saw or wrote. ``CLOCK_TOLERANCE`` allows for officers' machines
        that differ a little."""
        if not events:
            return
        earliest = min(_recorded_at(e) for e in events)
        if self._latest_recorded is None:
            self._check_server_clock(earliest)
            self._latest_recorded = self._last_stored_time()
        latest = self._latest_recorded
        if latest is not None and earliest < latest - clock.CLOCK_TOLERANCE:
            # When saves resume: the time compared less the allowance, as the rule reads it
            # (since the session 27 re-test: "once real time passes its time" said 10 minutes
            # too late, and verify said another entry).
            resume = (latest - clock.CLOCK_TOLERANCE).isoformat()
            minutes = int(clock.CLOCK_TOLERANCE.total_seconds() // 60)
            raise RuleError(
                "clock",
                f"this machine's clock says {earliest.isoformat(timespec='seconds')}, before "
                f"the ledger's last entry ({self._last_entry_named(latest)}): either this "
                "clock is behind (set it right, then try again) or the machine that recorded "
                f"that entry was ahead (saves are taken again once real time passes {resume}, "
                f"its time less the {minutes} minutes clocks may differ; docs/operations.md, "
                '"A clock set ahead"); nothing was written',
            )

    def _last_entry_named(self, latest: datetime) -> str:
        """The ledger's last entry as the clock refusal names it: its position, the officer
        who recorded it and its recording time (since session 27: the refusal said only a
        time, and told an officer whose clock was right to set it right). ``latest`` (the
        time compared) alone when the last row cannot be read. The time is given whole, to the
        microsecond, to paste into ``--known-at`` or find in ``history`` (since the re-test,
        session 27: it was cut to the second)."""
        when = latest.isoformat()
        try:
            last = self.recorder.max_notification_id()
            found = self.recorder.select_notifications(start=last, limit=1) if last else []
            if not found:
                return when
            event = self.mapper.to_domain_event(found[0])
        except Exception:  # a damaged last row: the time compared is still the refusal's
            return when
        actor = getattr(getattr(event, "prov", None), "actor", None)
        recorded = _recorded_at(event).isoformat()
        by = f" by {actor}" if isinstance(actor, str) and actor else ""
        return f"entry {found[0].id}, recorded{by} at {recorded}"

    def _check_server_clock(self, moment: datetime) -> None:
        """On PostgreSQL, the server's clock is the one all officers share: a machine whose
        clock is ahead would otherwise record entries that every honest machine after it is
        refused for being "before the ledger's last entry". Only the system clock is checked
        (tests and the demo record on a simulated one); once an instance."""
        source = clock.current()
        # An import's clock is the system clock made strictly increasing: checked too.
        if getattr(source, "source", source) is not clock.system_clock:
            return
        server = self._server_time()
        # Two fifths of the tolerance each way: any two machines let through differ by at
        # most 8 of the 10 minutes the check of the last entry and verify allow, leaving 2
        # for a save stamped before it waited on a lock and was overtaken.
        if server is not None and abs(moment - server) > clock.CLOCK_TOLERANCE * 2 / 5:
            raise RuleError(
                "clock",
                f"this machine's clock says {moment.isoformat(timespec='seconds')}, the "
                f"database server's {server.isoformat(timespec='seconds')}: set the clock "
                "right, then try again; nothing was written",
            )

    def _server_time(self) -> datetime | None:
        """The PostgreSQL server's time (None on SQLite, whose only clock is this machine's)."""
        datastore = getattr(self.recorder, "datastore", None)
        if datastore is None or type(datastore).__module__ == "eventsourcing.sqlite":
            return None
        # Read as seconds since the epoch, a number: now() as text follows the session's
        # DateStyle (a DBA's display setting, or PGDATESTYLE), and the driver parses ISO only.
        with datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT extract(epoch FROM now())::float8 AS now")
            row = cursor.fetchone()
        value = row["now"] if isinstance(row, dict) else row[0]
        return datetime.fromtimestamp(value, UTC) if isinstance(value, float) else None

    def _last_stored_time(self) -> datetime | None:
        last = self.recorder.max_notification_id()
        if not last:
            return None
        found = self.recorder.select_notifications(start=last, limit=1)
        if not found:
            return None
        # Read as every event is read: a damaged last row is refused naming it (it was an
        # internal error on every save, or, with no time in it, turned the check off).
        event = self.mapper.to_domain_event(found[0])
        return _recorded_at(event)

    def admins_with_keys(self, but: str = "") -> list[str]:
        """The active admins with a key in force (as stored), but ``but``, in the order
        registered: who may register a new key for an officer whose key was revoked
        (since session 24)."""
        return self.active_admins(lambda held: bool(held.signing_key_id), but)

    def active_admins(self, keeps: Callable[[Officer], bool], but: str = "") -> list[str]:
        """The active admins (as stored) ``keeps`` keeps, but ``but``, in the order
        registered. One scan of the officers' registrations (officers are few)."""
        found = []
        for _originator, registered in self.events_by_topic([_OFFICER_REGISTERED]):
            other = getattr(registered, "officer_id", "")
            held = self.stored_officer(other) if other != but else None
            if held is not None and held.role == "admin" and held.active and keeps(held):
                found.append(other)
        return found

    def stored_officer(self, officer_id: str) -> Officer | None:
        """The officer as stored, never a batch's copy: a key is in force from the save after
        the one that registers it, which is what ``fupin verify`` replays."""
        officer = self._stored(natural_id("officer", officer_id))
        return officer if isinstance(officer, Officer) else None

    def batch_made(self, since: int = 0) -> list[tuple[UUID, int]]:
        """Inside ``batch()``: the record and version of each unsaved event after the first
        ``since`` (``ledger.imports`` notes which entries each row of a file makes: ``since``
        is ``batch_length()`` before the row, so each row reads its own events alone)."""
        return [(e.originator_id, e.originator_version) for e in self._batch_events[since:]]

    def batch_length(self) -> int:
        """Inside ``batch()``: how many events it holds unsaved (one count, not a list: an
        import asks before each row, and a list of all of them made a file of N rows cost
        N² / 2, 20 billion steps at 200 k rows: since session 31)."""
        return len(self._batch_events)

    def discard_batch(self) -> None:
        """Inside ``batch()``: forget everything not yet flushed (a dry run, a failed import)."""
        if self._batch is not None:
            self._batch.clear()
            self._batch_events = []
            self._batch_created = set()
            self._guards = ReadGuards()  # what was read is read again, guarded then

    def event_count(self) -> int:
        """How many events the ledger holds (counted, never read off notification ids)."""
        total = 0
        start: int | None = None
        while True:
            page = self.recorder.select_notifications(
                start=start, limit=10_000, inclusive_of_start=start is None
            )
            if not page:
                return total
            total += len(page)
            start = page[-1].id


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch (reference counting goes on).

    A batch keeps every event and aggregate it makes until its save, millions of objects in a
    large import. The collector's full passes walk all of them again and again, a quarter of
    an import's time (measured on 100 k rows: 13.8 s, 10.1 s paused), and find almost nothing
    to free: the same import peaks at the same memory either way. It runs again after the
    batch and frees, at its next pass, whatever cycles the batch left.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _carries_personal(event: DomainEventProtocol[UUID]) -> bool:
    return isinstance(getattr(event, "personal", None), Personal)


def _recorded_at(event: DomainEventProtocol[UUID]) -> datetime:
    stamp: datetime = event.timestamp  # type: ignore[attr-defined]  # every ledger event's
    return stamp


def _kind(cls: type[LedgerAggregate]) -> str:
    for kind, candidate in AGGREGATE_KINDS.items():
        if candidate is cls:
            return kind
    raise KeyError(cls)


def _project(
    aggregate: LedgerAggregate | None, events: Iterable[CanMutateProtocol[LedgerAggregate]]
) -> LedgerAggregate | None:
    """eventsourcing's ``project_aggregate`` less its ``isinstance`` check of each event
    against a runtime Protocol (~20 µs an event: a tenth of a single command's time)."""
    for event in events:
        try:
            aggregate = event.mutate(aggregate)
        except LedgerError:
            raise  # the record's own words (a correction of no entry: "the ledger was altered")
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            # An event its record cannot take (tester T, session 20: an ``Amended`` stored
            # under ``Inspection.Amended``, not the base class's topic the ledger writes, made
            # every command on the record an internal error): refused, naming it.
            raise InputError(
                "store",
                f"{type(event).__qualname__} at version {event.originator_version} of record "
                f"{event.originator_id} cannot be applied ({type(exc).__name__}): the ledger "
                "was altered or damaged there; `fupin verify` names the event",
            ) from None
    return aggregate


def _at_one_time(
    made: Sequence[tuple[LedgerAggregate, Sequence[DomainEventProtocol[UUID]]]],
) -> list[DomainEventProtocol[UUID]]:
    """The events of one command (``made``: each aggregate's), all at one recording time: the
    latest of theirs (a command may make an aggregate before its save, the helper of an
    enterprise and its pairings record), and the aggregates as replaying them makes them. A
    payment's two events, on the account and on the household, then carry one time, so an "as
    known at" time sees all of a save or none of it (tester G, session 18: they were 1 ms
    apart, a correction's and its ``ReceiptVoided`` 12 ms). The seal of a signed save is made
    after them, when the save is stored."""
    events = [event for _, made_by in made for event in made_by]
    if len(events) < 2:
        return events
    at = max(_recorded_at(event) for event in events)
    _stamp(events, at)
    for aggregate, made_by in made:
        if made_by:
            aggregate._modified_on = at  # as its last event now says
            if made_by[0].originator_version == 1:
                aggregate._created_on = at  # as its first event now says
    return events


def _stamp(events: Sequence[DomainEventProtocol[UUID]], at: datetime) -> None:
    """Record ``events`` (frozen dataclasses) at ``at``: the one time of their save."""
    for event in events:
        object.__setattr__(event, "timestamp", at)
