"""Which events ``fupin log`` writes (since session 28, tester L: "every entry by officer X in
2017", "every entry resting on document Y" and "entries recorded late" had no command).

Each bound given must hold, all of them together; none given, every event. An event the
ledger cannot read is written whatever the bounds (they cannot be judged on it, and it is what
an inspector must see): so no bound is judged on a row's bytes before it is decoded (a first
version skipped rows whose bytes lacked the officer id or the document looked for, and with
them every damaged row: re-tester S, session 28)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["LogFilter"]


@dataclass(frozen=True)
class LogFilter:
    """The bounds of a ``log``: its officer 记录人 (an officer id, exactly: the entry's actor or
    who recorded it for them), its document 依据
    (exactly, or holding a text), its effective dates and its recording times (each bound
    inclusive)."""

    actor: str | None = None
    document: str | None = None
    document_like: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None

    def matches(
        self,
        actor: str,
        document: str,
        effective: date,
        recorded: datetime,
        imported_by: str = "",
    ) -> bool:
        """Whether an event of this actor (and, since session 28, ``imported_by``, who
        recorded it for them: ``--actor`` is either), document, effective date and recording
        time is within every bound."""
        return (
            (self.actor is None or self.actor in (actor, imported_by))
            and (self.document is None or document == self.document)
            and (self.document_like is None or self.document_like in document)
            and (self.effective_from is None or effective >= self.effective_from)
            and (self.effective_to is None or effective <= self.effective_to)
            and (self.recorded_from is None or recorded >= self.recorded_from)
            and (self.recorded_to is None or recorded <= self.recorded_to)
        )
