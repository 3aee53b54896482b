"""A replacement 更换帮扶责任人 paired with a household after its exit, while it was not assisted:
a finding of ``fupin verify`` under today's rules (since session 26), not tampering.

A replacement named by ``household unpair`` is paired that day, so, as a pairing is, only while
the household is assisted (since 2026-11-30, 13235ce). A fupin before it (834adfa, tester N,
session 26) recorded one dated after the household's exit approval (and before any return),
and today's replays such a row as recorded when an export rebuilds a store
(``Ledger.rebuilding_export``). Verify says which household, which replacement and the days,
so that the street can correct the unpairing if it was dated or named wrong: the households'
own records say it, as they stand (a voided unpairing never was).

One scan of the log by topic (the unpairings), then one read of each household whose
unpairings name a replacement (few: a replacement is an exception to 不脱贫不脱钩).
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from ledger.double_pairings import fields_of, household_as_stored, notifications
from ledger.household import Household, Unpairing
from ledger.noted import Noted


def late_replacements(recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[Noted]:
    """What verify says of each replacement paired with a household on a day it had exited
    (after the exit's approval, before any return), by household number and day; [] when
    none was; each with the unpairing naming it."""
    found: list[Noted] = []
    for household_id in _naming_a_replacement(recorder, mapper):
        found += _said(recorder, mapper, household_id)
    return sorted(found)


def _naming_a_replacement(recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[UUID]:
    """The households of which an unpairing on the log names a replacement."""
    topic = get_topic(Household.HelperUnpaired)  # type: ignore[attr-defined]  # @event
    named: set[UUID] = set()
    for notification in notifications(recorder, [topic]):
        fields = fields_of(mapper, notification)
        if fields is None:
            continue
        if fields.get("replacement"):
            named.add(notification.originator_id)
    return sorted(named)


def _said(recorder: ApplicationRecorder, mapper: Mapper[UUID], household_id: UUID) -> list[Noted]:
    """Each standing unpairing of the household whose replacement is dated after an exit's
    approval and before the next return's, as its record holds them now."""
    record = household_as_stored(recorder, mapper, household_id)
    if record is None:
        return []
    said: list[Noted] = []
    for version, (kind, ended) in sorted(record.entries.items()):
        if kind != "HelperUnpaired" or version in record.voided:
            continue
        if not isinstance(ended, Unpairing) or not ended.replacement:
            continue
        out = record.exit_in_force(ended.ended)
        if out is None or out[0] >= ended.ended:  # assisted on its exit's approval day
            continue
        exited, back = out
        returned = f", before its return approved on {back}" if back else ""
        late = (
            f"{record.number}'s replacement {ended.replacement} is dated {ended.ended}, after "
            f"its exit on {exited}{returned} (it replaced {ended.helper}, entry {version})"
        )
        said.append(Noted(late, ((household_id, version),)))
    return said
