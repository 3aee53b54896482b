"""Keeping read models up to date from the application's notification log.

A read model is a set of plain tables plus one handler table: event name -> function applying
that event to the tables (cosmicpython's ``views``), and optionally a tally handler applied
once a page to what the page adds up to (the clock: one statement a page, not one an event).
``catch_up`` pulls the events recorded after each model's tracked position, a page at a time,
and applies each page and advances the position in ONE transaction (a rebuild from zero puts
several pages in one): a crash between an event and its projection update rolls both back,
so nothing is ever counted twice, and an event at or below the tracked position is skipped
(idempotent). SQLite cannot push notifications, so reports pull before answering.

Events are read straight from the store into ``Fact``s (``projections.stored``), decoded as
they are applied; handlers write through ``Database.write``, which batches their statements.

``fold`` builds the same tables from scratch in a private in-memory database from a filtered
stream (as of an effective date, as known at a recording time): past reports reuse the very
handlers and queries of present ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice

from ledger.application import Ledger
from ledger.errors import LedgerError
from ledger.known import KnownPrefix
from ledger.privacy import UnreadableEventError

from projections.storage import Database, memory_database
from projections.stored import Fact, StoredEvents

__all__ = [
    "PAGE",
    "Fact",
    "Handler",
    "ReadModel",
    "Tally",
    "TallyHandler",
    "apply_facts",
    "create_schema",
    "facts",
    "filter_facts",
    "pages",
    "positions",
    "relations",
    "schema_built",
]

#: Events applied per transaction.
PAGE = 1000


@dataclass
class Tally:
    """A page of events in three figures: how many, how many of the programme's own events
    (not ``NOT_PROGRAMME_TIME``) took effect on each day, and when the last of them was
    recorded (ISO text, as ``Fact.effective`` and ``.recorded``)."""

    events: int = 0
    days: dict[str, int] = field(default_factory=dict)
    last_recorded: str = ""


Handler = Callable[[Database, Fact], None]
TallyHandler = Callable[[Database, Tally], None]


@dataclass(frozen=True)
class ReadModel:
    """A read model: its tables (DDL), and what each event does to them."""

    name: str
    tables: tuple[str, ...]
    schema: tuple[str, ...]
    #: Event name -> handler; "*" for every event without one. ``Corrected`` is defined on
    #: the base class (its kind reads ``LedgerAggregate``): its handlers void by
    #: (aggregate id, version), which is unique across every kind.
    handlers: Mapping[str, Handler]
    #: Applied once per page, after the events' handlers, to the tally of the page's events
    #: this model has not seen (one statement a page for what only counts: the clock).
    tally: TallyHandler | None = None


TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS pj_tracking "
    "(projection TEXT PRIMARY KEY, position INTEGER NOT NULL)"
)


def facts(ledger: Ledger, after: int = 0) -> Generator[Fact, None, None]:
    """The events recorded after notification ``after``, decoded as they are read (a page of
    stored rows a query); close it if you stop early."""
    return StoredEvents(ledger).after(after, PAGE)


def pages(stream: Iterable[Fact], size: int = 0) -> Iterator[Iterator[Fact]]:
    """``stream`` in pages of up to ``size`` (``PAGE``) events, each a lazy iterator over the
    stream: take each page in full before asking for the next."""
    stream, rest = iter(stream), (size or PAGE) - 1
    for first in stream:
        yield chain((first,), islice(stream, rest))


_CREATES = re.compile(r"\s*CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)", re.IGNORECASE)


def relations(models: Sequence[ReadModel]) -> list[str]:
    """The tables and indexes ``create_schema`` makes for ``models``, the tracking table
    first."""
    found = (_CREATES.match(statement) for model in models for statement in model.schema)
    return ["pj_tracking", *(match[1] for match in found if match is not None)]


def schema_built(db: Database, models: Sequence[ReadModel]) -> bool:
    """Whether ``create_schema`` would find nothing to do: every table and index there and
    every model tracked. Only looks: nothing is written and no write lock is taken, so a
    read-only connection (an analysts' role, a replica) may ask."""
    if db.missing_relations(relations(models)):
        return False
    tracked = positions(db)
    return all(model.name in tracked for model in models)


def create_schema(db: Database, models: Sequence[ReadModel]) -> None:
    db.execute(TRACKING_DDL)
    for model in models:
        for statement in model.schema:
            db.execute(statement)
        db.execute(
            "INSERT INTO pj_tracking (projection, position) VALUES (?, 0) "
            "ON CONFLICT (projection) DO NOTHING",
            (model.name,),
        )
    db.memo("engine.positions").clear()


def positions(db: Database) -> dict[str, int]:
    """Each model's tracked position (read once a transaction: only this one moves them)."""
    tracked: dict[str, int] = db.memo("engine.positions")
    if not tracked:
        tracked.update(db.rows("SELECT projection, position FROM pj_tracking"))
    return dict(tracked)


def apply_facts(db: Database, models: Sequence[ReadModel], page: Iterable[Fact]) -> int:
    """Apply one page to every model past whose position it lies, and advance the positions;
    returns how many of the page's events were new to some model (another process may have
    applied the page meanwhile: then none).

    Must run inside a transaction; the positions are read inside it, so a page some other
    process already applied is skipped. Events are applied in order, each to every model in
    the order of ``models`` (a later model may read an earlier one's tables).
    """
    tracked = positions(db)
    stream = iter(page)
    first = next(stream, None)
    if first is None:
        return 0
    if all(tracked[model.name] < first.position for model in models):
        count, last = _apply_to_all(db, models, chain((first,), stream))
    else:  # some model has seen part of the page (a model added since, a page re-read)
        count, last = _apply_past_positions(db, models, tracked, chain((first,), stream))
    moved = db.memo("engine.positions")
    for model in models:
        if tracked[model.name] < last.position:
            db.write(
                "UPDATE pj_tracking SET position = ? WHERE projection = ?",
                (last.position, model.name),
            )
            moved[model.name] = last.position
    return count


def _apply_to_all(
    db: Database, models: Sequence[ReadModel], page: Iterable[Fact]
) -> tuple[int, Fact]:
    # Event name -> what every model does with it, in model order (None: nothing).
    routes: dict[str, Handler | None] = {}
    count = 0
    days: dict[str, int] = {}
    for fact in page:
        try:
            handler = routes.get(fact.name, _UNSEEN)
            if handler is _UNSEEN:
                handler = routes[fact.name] = _together(h for _, h in _route(fact.name, models, {}))
            if handler is not None:
                handler(db, fact)
            if fact.name not in NOT_PROGRAMME_TIME:
                effective = fact.effective
                days[effective] = days.get(effective, 0) + 1
        except _MALFORMED as exc:
            raise _unreadable(exc, fact) from exc
        count += 1
    tally = Tally(count, days, _recorded(fact))
    for model in models:
        if model.tally is not None:
            model.tally(db, tally)
    return count, fact


def _apply_past_positions(
    db: Database, models: Sequence[ReadModel], tracked: Mapping[str, int], page: Iterable[Fact]
) -> tuple[int, Fact]:
    routes: dict[str, list[tuple[int, Handler]]] = {}
    tallies = [(model, tracked[model.name], Tally()) for model in models if model.tally]
    lowest = min(tracked[model.name] for model in models)
    count = 0
    for fact in page:
        route = routes.get(fact.name)
        if route is None:
            route = routes[fact.name] = _route(fact.name, models, tracked)
        try:
            for seen, handler in route:
                if fact.position > seen:
                    handler(db, fact)
            for _, seen, tally in tallies:
                if fact.position > seen:
                    tally.events += 1
                    if fact.name not in NOT_PROGRAMME_TIME:
                        days = tally.days
                        days[fact.effective] = days.get(fact.effective, 0) + 1
                    tally.last_recorded = _recorded(fact)
        except _MALFORMED as exc:
            raise _unreadable(exc, fact) from exc
        if fact.position > lowest:
            count += 1
    for model, _, tally in tallies:
        if tally.events and model.tally is not None:
            model.tally(db, tally)
    return count, fact


#: What a handler raises reading a field of an event that is not what the ledger writes (a
#: field missing, or of another type): the stored row was altered (``fupin verify``).
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def _unreadable(exc: Exception, fact: Fact) -> UnreadableEventError:
    """The refusal for an event whose fields the read models cannot read."""
    lines = str(exc).strip().splitlines()
    said = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return UnreadableEventError(
        f"{fact.kind}.{fact.name} lacks a field the read models read, or holds one of another "
        f"type ({said})",
        fact.position,
        fact.aggregate_id,
        fact.version,
        f"{fact.kind}.{fact.name}",
    )


def _recorded(fact: Fact) -> str:
    """When ``fact`` was recorded, as ISO text; refused naming it if it does not say."""
    try:
        return fact.recorded
    except _MALFORMED as exc:
        raise _unreadable(exc, fact) from exc


def _unseen(db: Database, fact: Fact) -> None:
    raise AssertionError("a placeholder, never called")


_UNSEEN: Handler = _unseen


def _route(
    name: str, models: Sequence[ReadModel], tracked: Mapping[str, int]
) -> list[tuple[int, Handler]]:
    """(model's position, its handler) for event ``name``, in model order."""
    route = []
    for model in models:
        handler = model.handlers.get(name) or model.handlers.get("*")
        if handler is not None:
            route.append((tracked.get(model.name, 0), handler))
    return route


def _together(handlers: Iterable[Handler]) -> Handler | None:
    """One handler doing what ``handlers`` do, in order (None if there are none)."""
    found = tuple(handlers)
    if len(found) <= 1:
        return found[0] if found else None

    def each(db: Database, fact: Fact) -> None:
        for handler in found:
            handler(db, fact)

    return each


def continuous(stream: Iterable[Fact]) -> Iterator[Fact]:
    """``stream`` (read from the log, in its order), each record's events checked to come in an
    unbroken run of versions from 1: one deleted, renumbered or moved is refused naming its
    position, as ``history`` and ``household show`` refuse it (since session 27, tester O: a
    report ``--known-at`` folded a store with a payment deleted and gave the money as paid out
    less, exit 0, while ``history`` of the account refused). Holds one number a record."""
    last: dict[str, int] = {}
    for fact in stream:
        expected = last.get(fact.aggregate_id, 0) + 1
        if fact.version != expected:
            raise LedgerError(
                "store",
                f"the event at position {fact.position} ({fact.kind} {fact.aggregate_id} "
                f"v{fact.version}) follows version {expected - 1}: version {expected} is "
                "missing, or this one is out of its place: deleted, renumbered, or its id or "
                "version altered (`fupin verify` reports every such event)",
            )
        last[fact.aggregate_id] = expected
        yield fact


def filter_facts(
    stream: Iterable[Fact], as_of: date | None, known: KnownPrefix | None
) -> Iterator[Fact]:
    """The events effective by ``as_of`` (plus every correction, and every setting of a year's
    standards: see ``WHATEVER_THEIR_DATE``) and in the log as ``known`` at its time: the
    prefix holding every event recorded by then (``ledger.known``; since session 27, each
    event was judged on its own time)."""
    cutoff = None if as_of is None else as_of.isoformat()  # ISO dates sort as dates
    for fact in stream:
        if known is not None and not known.holds_position(fact.position):
            return  # the log's order: nothing after the prefix's end is in it
        try:
            if (
                cutoff is not None
                and fact.effective > cutoff
                and fact.name not in WHATEVER_THEIR_DATE
            ):
                continue
        except _MALFORMED as exc:
            raise _unreadable(exc, fact) from exc
        yield fact


#: Events a past view takes whatever their effective date. A correction says an entry was wrong
#: from the start. A year's standards (``YearParametersSet``) are that year's whenever they
#: were set, and setting a year again corrects them (docs/cli.md): a view as of 2016-12-31
#: judges 2016's exits by the 2016 standards as best known, as the current one does.
WHATEVER_THEIR_DATE = frozenset(
    {"Corrected", "Amended", "VillageAmended", "RulesAmended", "YearParametersSet"}
)

#: Events that do not move a view's ``today`` (the latest effective date read): all but the
#: programme's own casework, funds and oversight. The ledger's bookkeeping (seals, keys,
#: checkpoints, the import register), its reference data (officers, streets, villages,
#: helpers, fund accounts, the programme and its years), corrections and erasures take effect
#: the day they are done, whatever the dates of the entries they concern: an officer
#: registered, a key given or an entry corrected in 2026 on a 2016-2018 ledger would end every
#: quarter and year up to 2026.
NOT_PROGRAMME_TIME = frozenset(
    {
        "Sealed",
        "SigningKeyRegistered",
        "SigningKeyRevoked",
        "RevokedKeyCarried",
        "LogKeyRegistered",
        "LogKeyRotated",
        "CheckpointRecorded",
        "ImportsStarted",
        "BatchImported",
        "BatchRecorded",
        "RebuiltFromExport",
        "OfficerRegistered",
        "OfficerRoleChanged",
        "OfficerRetired",
        "StreetRegistered",
        "VillageAdded",
        "VillageAmended",
        "HelperRegistered",
        # An account's opening carries no money: reference data, as a village (since session
        # 22: ``-e 2026-06-30`` typed for 2018 made 2026 every report's "today", for good).
        "AccountOpened",
        "Opened",
        "RulesAmended",
        "YearParametersSet",
        "Corrected",
        "Amended",
        "PersonalDataErased",
        "MasterKeyRotated",
        # A voided payment's household side, written by the correction, on its day.
        "ReceiptVoided",
        # An enterprise's side of its registration and of a household's (un)pairing: the
        # household's HelperPaired / HelperUnpaired is the programme's event.
        "PairingsOpened",
        "PairingTaken",
        "PairingRetaken",
        "PairingReleased",
    }
)


def fold(
    stream: Iterable[Fact], models: Sequence[ReadModel], db: Database | None = None
) -> Database:
    """The read models built from ``stream`` alone, in a private database (in memory unless
    ``db`` is given; one transaction: nobody else sees it, and what handlers remember lasts
    the whole fold)."""
    db = memory_database() if db is None else db
    with db.transaction():
        create_schema(db, models)
        for page in pages(stream):
            apply_facts(db, models, page)
    return db
