"""A household registered 建档立卡 after the end of the programme's last year: a finding of
``fupin verify`` under today's rules (since session 28), not tampering.

A household is identified and registered by 31 December of the programme's last year
(``Programme.check_registering_on``; tester M, session 28): the plan takes its key targets out
by then [三], and the year after the last is only for households that returned to poverty
[六(六)], so one registered later is in no year's plan, never assessed, and never exits. A
fupin before it took such a registration, and today's replays it as recorded when an export
rebuilds a store (``Ledger.rebuilding_export``). Verify says which household and when, so that
the district can correct the registration or close the household: the households' own records
say it, as they stand (a voided registration never was; a closed household is left out).

One scan of the log by topic (the registrations), then one read of the programme and of each
household whose registration is dated after the end of the programme's last year (few: none,
under today's rules).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from ledger.base import Provenance
from ledger.double_pairings import fields_of, household_as_stored, notifications
from ledger.household import Household
from ledger.noted import Noted
from ledger.programme import PROGRAMME_CODE, Programme, last_registration_day


def late_registrations(recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[Noted]:
    """What verify says of each standing household registered after the end of the
    programme's last year, by household number, with its registration's entry; [] when none
    is (or no programme is open)."""
    programme = _programme_as_stored(recorder, mapper)
    if programme is None:
        return []
    last = programme.rules.last_year
    bound = last_registration_day(last)
    found: list[Noted] = []
    for household_id in _registered_after(recorder, mapper, bound):
        record = household_as_stored(recorder, mapper, household_id)
        if record is None or record.registered_on is None or record.closed_on is not None:
            continue
        if record.registered_on > bound:
            said = (
                f"household {record.number} was registered on {record.registered_on}, after "
                f"{bound}, the end of the programme's last year ({last})"
            )
            entry = record.registration_entry
            found.append(Noted(said, () if entry is None else ((household_id, entry),)))
    return sorted(found)


def _registered_after(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], bound: date
) -> list[UUID]:
    """The households of which a registration on the log is dated after ``bound``."""
    topic = get_topic(Household.Registered)  # type: ignore[attr-defined]  # @event
    late: set[UUID] = set()
    for notification in notifications(recorder, [topic]):
        fields = fields_of(mapper, notification)
        if fields is None:
            continue
        effective = _effective(fields)
        if effective is not None and effective > bound:
            late.add(notification.originator_id)
    return sorted(late)


def _effective(fields: Mapping[str, Any]) -> date | None:
    """The effective date of an event's fields, as stored (JSON) or decoded; None if it is
    none (the pass reports an altered event)."""
    prov = fields.get("prov")
    if isinstance(prov, Provenance):
        return prov.effective
    try:
        text = prov["__Provenance__"]["effective"]["__date__"]  # type: ignore[index]
        return date.fromisoformat(text)
    except (KeyError, TypeError, ValueError):
        return None


def _programme_as_stored(recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> Programme | None:
    """The programme as its stored events make it now; None if none is open, or an event of
    it cannot be read (the pass reports that)."""
    record: Any = None
    try:
        for item in recorder.select_events(Programme.create_id(PROGRAMME_CODE)):
            event: Any = mapper.to_domain_event(item)
            record = event.mutate(record)
    except Exception:  # an event of it altered: the pass reports it
        return None
    return record if isinstance(record, Programme) else None
