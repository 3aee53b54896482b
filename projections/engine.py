"""Keeping read models up to date from the application's notification log.

A read model is a set of plain tables plus one handler table: event name -> function applying
that event to the tables (cosmicpython's ``views``). ``catch_up`` pulls the events recorded
after each model's tracked position, a page at a time, and applies each page and advances the
position in ONE transaction: a crash between an event and its projection update rolls both
back, so nothing is ever counted twice, and an event at or below the tracked position is
skipped (idempotent). SQLite cannot push notifications, so reports pull before answering.

``fold`` builds the same tables from scratch in a private in-memory database from a filtered
stream (as of an effective date, as known at a recording time): past reports reuse the very
handlers and queries of present ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ledger.application import Ledger
from ledger.base import Provenance

from projections.storage import Database, memory_database

__all__ = [
    "PAGE",
    "Fact",
    "Handler",
    "ReadModel",
    "apply_facts",
    "create_schema",
    "facts",
    "filter_facts",
    "positions",
]

#: Events applied per transaction.
PAGE = 1000


@dataclass(frozen=True)
class Fact:
    """One stored event as the read models see it."""

    position: int  # notification id
    kind: str  # aggregate class name: Household, FundAccount...
    name: str  # event class name: Registered, Disbursed...
    aggregate_id: str
    version: int
    recorded_at: datetime
    prov: Provenance
    data: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def effective(self) -> str:
        return self.prov.effective.isoformat()


Handler = Callable[[Database, Fact], None]


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


TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS pj_tracking "
    "(projection TEXT PRIMARY KEY, position INTEGER NOT NULL)"
)

_SKIP = frozenset({"originator_id", "originator_version", "timestamp", "prov", "originator_topic"})


def to_fact(position: int, event: Any) -> Fact:
    fields = vars(event)
    return Fact(
        position=position,
        kind=type(event).__qualname__.split(".")[0],
        name=type(event).__qualname__.rsplit(".", 1)[-1],
        aggregate_id=str(fields["originator_id"]),
        version=fields["originator_version"],
        recorded_at=fields["timestamp"],
        prov=fields["prov"],
        data={k: v for k, v in fields.items() if k not in _SKIP},
    )


def fact_pages(ledger: Ledger, after: int = 0, page: int = PAGE) -> Iterator[list[Fact]]:
    """The events recorded after notification ``after``, decoded, a page at a time."""
    start = after
    while True:
        notifications = ledger.recorder.select_notifications(
            start=start, limit=page, inclusive_of_start=False
        )
        if not notifications:
            return
        yield [to_fact(n.id, ledger.mapper.to_domain_event(n)) for n in notifications]
        start = notifications[-1].id


def facts(ledger: Ledger) -> Iterator[Fact]:
    for page in fact_pages(ledger):
        yield from page


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


def positions(db: Database) -> dict[str, int]:
    return dict(db.rows("SELECT projection, position FROM pj_tracking"))


def apply_facts(db: Database, models: Sequence[ReadModel], page: Sequence[Fact]) -> None:
    """Apply one page to every model past whose position it lies, and advance the positions.

    Must run inside a transaction; the positions are read inside it, so a page some other
    process already applied is skipped.
    """
    tracked = positions(db)
    for fact in page:
        for model in models:
            if fact.position <= tracked[model.name]:
                continue
            handler = model.handlers.get(fact.name) or model.handlers.get("*")
            if handler is not None:
                handler(db, fact)
    last = page[-1].position
    for model in models:
        if tracked[model.name] < last:
            db.execute(
                "UPDATE pj_tracking SET position = ? WHERE projection = ?", (last, model.name)
            )


def filter_facts(
    stream: Iterable[Fact], as_of: date | None, known_at: datetime | None
) -> Iterator[Fact]:
    """The events effective by ``as_of`` (plus every correction: it says the entry was wrong
    from the start) and recorded by ``known_at``."""
    for fact in stream:
        if known_at is not None and fact.recorded_at > known_at:
            continue
        if as_of is not None and fact.prov.effective > as_of and fact.name != "Corrected":
            continue
        yield fact


def fold(stream: Iterable[Fact], models: Sequence[ReadModel]) -> Database:
    """The read models built from ``stream`` alone, in a private in-memory database."""
    db = memory_database()
    create_schema(db, models)
    page: list[Fact] = []
    for fact in stream:
        page.append(fact)
        if len(page) >= PAGE:
            _apply_page(db, models, page)
            page = []
    if page:
        _apply_page(db, models, page)
    return db


def _apply_page(db: Database, models: Sequence[ReadModel], page: Sequence[Fact]) -> None:
    with db.transaction():
        apply_facts(db, models, page)
