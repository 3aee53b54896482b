"""An enterprise or cooperative paired with two households at once, against 一对一: a finding
of ``fupin verify`` under today's rules (since session 26), not tampering.

A fupin from before the enterprises' records of their pairings (``EnterprisePairings``; 834adfa,
tester E, session 26) paired an enterprise with a second household while its first pairing
ran, and today's replays such a pairing as recorded when an export rebuilds a store
(``Ledger.rebuilding_export``). Verify says which enterprise, which households and the days:
each pairing that began while another household's ran, with every household it overlapped
(since session 26, re-test M: before, the first overlap of each enterprise only), and when it
ended (an unpairing, a replacement, a closure), so that the district can end one of them
(``fupin household unpair``) while both still run: the households' own records say it, as
they stand (a voided pairing never was; a closure ends its pairings).

One scan of the log by topic (the helpers' registrations and the pairings, as
``CaseworkCommands.enterprise_pairings`` reads them), then one read of each household of an
enterprise that was ever paired with more than one (few: a replacement, or such a pairing).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any, NamedTuple
from uuid import UUID

import orjson
from eventsourcing.persistence import ApplicationRecorder, Mapper

from ledger.casework import employers_paired, pairing_topics
from ledger.household import Household
from ledger.noted import EntryId

_PAGE = 1000

#: A pairing as the household's record holds it: (household number, since, until or None, the
#: household's pairing entries with the helper, ``ledger.noted``).
_Span = tuple[str, date, date | None, tuple[EntryId, ...]]


class DoublePairing(NamedTuple):
    """What verify says of one pairing that began while another household's ran, and whether
    they still run both (then one of them is to be ended)."""

    said: str
    running: bool
    #: the entries it rests on: both households' pairings with the helper (since session 32)
    entries: tuple[EntryId, ...] = ()


def double_pairings(recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[DoublePairing]:
    """What verify says of each enterprise or cooperative paired with two households at once:
    each pairing that began while another household's ran, by the enterprise's id, then by
    day; [] when none did."""
    found: list[DoublePairing] = []
    for helper_id, households in sorted(_households_paired(recorder, mapper).items()):
        if len(households) < 2:
            continue
        spans: list[_Span] = []
        for household_id in sorted(households):
            spans += _spans_of(recorder, mapper, household_id, helper_id)
        found += _overlaps(helper_id, spans)
    return found


def fields_of(mapper: Mapper[UUID], notification: Any) -> Mapping[str, Any] | None:
    """An event's top-level fields as stored, for the scans of verify's notes, which read
    plain values only (ids, kinds, flags): its JSON parsed, never the event made and its
    household's personal data opened (a scan of 100,000 identifications took 6.3 s so, more
    than the whole pass: review, session 26); None for a state that is no JSON object (the
    pass reports it). A store that encrypts or compresses whole states is read through the
    mapper."""
    if mapper.cipher is not None or mapper.compressor is not None:
        try:
            return vars(mapper.to_domain_event(notification))
        except Exception:  # an event altered: the pass reports it
            return None
    try:
        tree = orjson.loads(notification.state)
    except (orjson.JSONDecodeError, TypeError):
        return None
    return tree if type(tree) is dict else None


def household_as_stored(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], household_id: UUID
) -> Household | None:
    """The household's record as its stored events make it now, for verify's notes; None if
    it is no household or an event of it cannot be read (the pass reports that)."""
    record = record_as_stored(recorder, mapper, household_id)
    return record if isinstance(record, Household) else None


def record_as_stored(recorder: ApplicationRecorder, mapper: Mapper[UUID], record_id: UUID) -> Any:
    """The record (a household, an enterprise...) its stored events make now, for verify's
    notes; None if an event of it cannot be read (the pass reports that)."""
    record: Any = None
    try:
        for item in recorder.select_events(record_id):
            event: Any = mapper.to_domain_event(item)
            record = event.mutate(record)
    except Exception:  # an event of it altered: the pass reports it
        return None
    return record


def notifications(recorder: ApplicationRecorder, topics: list[str]) -> Iterator[Any]:
    start: int | None = None
    while True:
        page = recorder.select_notifications(
            start=start, limit=_PAGE, topics=topics, inclusive_of_start=start is None
        )
        yield from page
        if len(page) < _PAGE:
            return
        start = page[-1].id


def _households_paired(recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> dict[str, set[UUID]]:
    """Enterprise and cooperative id -> the households it was ever paired with (a replacement
    named by an unpairing included), as the commands read them (``employers_paired``)."""

    def decoded() -> Iterator[tuple[UUID, str, Mapping[str, Any]]]:
        for notification in notifications(recorder, pairing_topics()):
            fields = fields_of(mapper, notification)
            if fields is None:
                continue
            name = notification.topic.rsplit(".", 1)[-1]
            yield notification.originator_id, name, fields

    return employers_paired(decoded())


def _spans_of(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], household_id: UUID, helper_id: str
) -> list[_Span]:
    """The household's pairings with ``helper_id`` as its record holds them now."""
    record = household_as_stored(recorder, mapper, household_id)
    if record is None:
        return []
    entries = tuple(
        (household_id, version)
        for version, (kind, key) in record.entries.items()
        if kind == "HelperPaired" and key[0] == helper_id and version not in record.voided
    )
    spans: list[_Span] = [
        (record.number, since, until, entries)
        for since, until in record.past_pairings.get(helper_id, [])
        if until > since  # one that covers no day overlaps nothing
    ]
    since = record.paired_on.get(helper_id)
    if helper_id in record.helpers and since is not None:
        spans.append((record.number, since, record.closed_on, entries))  # a closure ends it
    return spans


def _overlaps(helper_id: str, spans: list[_Span]) -> list[DoublePairing]:
    """Each pairing (by its day) that began while other households' ran, said with every one
    of them; [] if none did. A pairing ended on a day hands over that day."""
    spans = sorted(spans, key=lambda span: (span[1], span[0]))
    found: list[DoublePairing] = []
    for n, (number, since, until, entries) in enumerate(spans):
        held_too = [
            (other, began, ended, paired)
            for other, began, ended, paired in spans[:n]
            if other != number and (ended is None or ended > since)
        ]
        overlapped = [(other, began, ended) for other, began, ended, _ in held_too]
        rests = {*entries, *(entry for *_, paired in held_too for entry in paired)}
        if not overlapped:
            continue
        held = " and ".join(
            f"{other} (since {began})" if ended is None else f"{other} (from {began} to {ended})"
            for other, began, ended in overlapped
        )
        days = f"from {since}" if until is None else f"from {since} to {until}"
        running = until is None and any(ended is None for _other, _began, ended in overlapped)
        said = f"{helper_id} was paired with household {number} {days} while paired with {held}"
        found.append(DoublePairing(said, running, tuple(sorted(rests))))
    return found
