"""Which events ``fupin log`` writes (since session 28, tester L: "every entry by officer X in
2017", "every entry resting on document Y" and "entries recorded late" had no command; since
session 31, "only the disbursements", ``--event``).

Each bound given must hold, all of them together; none given, every event. An event the
ledger cannot read is written whatever the bounds (they cannot be judged on it, and it is what
an inspector must see): so no bound is judged on a row's bytes before it is decoded (a first
version skipped rows whose bytes lacked the officer id or the document looked for, and with
them every damaged row: re-tester S, session 28), nor before it is described whole (since
session 31: a row whose provenance's date was stored as text was skipped by ``--actor``)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from ledger.errors import InputError
from ledger.event_terms import EVENT_TERMS
from ledger.typed import as_typed

__all__ = ["LogFilter", "event_kind", "event_kinds", "parse_kinds"]


@dataclass(frozen=True)
class LogFilter:
    """The bounds of a ``log``: its officer 记录人 (an officer id, exactly: the entry's actor or
    who recorded it for them), its document 依据
    (exactly, or holding a text), its effective dates and its recording times (each bound
    inclusive), and its kinds of event (any of them: ``event_kind``)."""

    actor: str | None = None
    document: str | None = None
    document_like: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None
    kinds: frozenset[str] | None = None

    def matches(
        self,
        actor: str,
        document: str,
        effective: date,
        recorded: datetime,
        imported_by: str = "",
        kind: str = "",
    ) -> bool:
        """Whether an event of this actor (and, since session 28, ``imported_by``, who
        recorded it for them: ``--actor`` is either), document, effective date, recording
        time and kind (since session 31) is within every bound."""
        return (
            (self.kinds is None or kind in self.kinds)
            and (self.actor is None or self.actor in (actor, imported_by))
            and (self.document is None or document == self.document)
            and (self.document_like is None or self.document_like in document)
            and (self.effective_from is None or effective >= self.effective_from)
            and (self.effective_to is None or effective <= self.effective_to)
            and (self.recorded_from is None or recorded >= self.recorded_from)
            and (self.recorded_to is None or recorded <= self.recorded_to)
        )


def event_kind(cls: type[Any]) -> str:
    """An event's kind as the log names it, its ``"event"``: ``Household.Identified`` ->
    ``Identified``."""
    return cls.__qualname__.rsplit(".", 1)[-1]


#: eventsourcing's own first event of an aggregate: every record of the ledger names its first
#: event (``Identified``, ``AccountOpened`` …), so no ``Created`` is ever recorded.
_NEVER_RECORDED = frozenset({"Created"})


@cache
def event_kinds() -> frozenset[str]:
    """The names ``--event`` takes: the name of every event the ledger records
    (docs/events.md), as the log gives it (``event_kind``)."""
    from ledger.privacy import EVENT_CLASSES  # (ledger.privacy loads every event's module)

    return frozenset(event_kind(cls) for cls in EVENT_CLASSES.every()) - _NEVER_RECORDED


def parse_kinds(values: Sequence[str] | None, field: str = "event") -> frozenset[str] | None:
    """``--event``, given once or more, each value one kind or several separated by commas
    (``Disbursed,ExitAdvanced``), spaces around each no part of it: the kinds, each exactly
    as the log names it (``event_kinds``); None if none is given. An empty kind or one the
    ledger records none of is refused (the stream would be empty, which must mean no
    events), naming the kind meant when it is plain (``disbursed``, its Chinese term 支出) and
    else those holding it or the nearest few, or every kind."""
    if not values:
        return None
    known = event_kinds()
    kinds = set()
    for value in values:
        for part in value.split(","):
            kind = part.strip()
            if not kind:
                raise InputError(
                    field, f"{value!r} gives an empty name: name an event, or leave --event out"
                )
            if kind not in known:
                raise InputError(
                    field, f"{kind!r} is no event the ledger records{_meant(kind, known)}"
                )
            kinds.add(kind)
    return frozenset(kinds)


def _meant(kind: str, known: frozenset[str]) -> str:
    """What a kind the ledger does not know was meant as: `` ('Disbursed'?) …`` for a kind in
    another case, width or language (its Chinese term: the log names events in English),
    else the kinds holding it (``exit``: ``ExitAdvanced`` …), else those whose Chinese terms
    hold it (``退出``: ``ExitAdvanced (核实 / 退出帮扶)`` …), else the nearest few, else every
    kind."""
    said = "--event takes an event's name as a log line's \"event\" gives it (docs/events.md)"
    plain = as_typed(kind)
    by_case = {name.casefold(): name for name in known}
    by_term = {  # 核实 and 退出帮扶 each, as 核实 / 退出帮扶
        part.strip(): name
        for name, term in EVENT_TERMS.items()
        if name in known
        for part in (term, *term.split("/"))
    }
    meant = by_case.get(plain.casefold()) or by_term.get(plain)
    if meant is not None:
        return f" ({meant!r}?): {said}"
    typed = plain.casefold()
    holding = [
        name for folded, name in sorted(by_case.items()) if len(typed) > 2 and typed in folded
    ]
    if holding:
        return f"; the events whose names hold it: {', '.join(holding)}; {said}"
    # a part of Chinese terms (退出: 拟退出, 退出帮扶, 退出公示, 撤回退出; since session 31,
    # tester l: it was given every name)
    by_part = [
        f"{name} ({term})"
        for name, term in sorted(EVENT_TERMS.items())
        if name in known and len(plain) > 1 and plain in term
    ]
    if by_part:
        return f"; the events whose terms hold it: {', '.join(by_part)}; {said}"
    nearest = difflib.get_close_matches(typed, sorted(by_case), n=3, cutoff=0.6)
    if nearest:
        return f"; the nearest: {', '.join(by_case[n] for n in nearest)}; {said}"
    return f": {said}, one of {', '.join(sorted(known))}"
