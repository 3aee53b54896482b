"""A talk 约谈 held under a street inspection, a notice 通报 or talk recorded twice, a finding
closed by the officer it is about (since session 35), a fund
account whose code differs from one opened before it only in the case of its letters or the
width of its punctuation, and (since session 32, of session 22's rules) an officer, street,
helper or household whose key differs from one registered before it only in the case of its
letters: findings of ``fupin verify`` under today's rules (since session 30, of session 28's
rules), not tampering.

Today's fupin refuses each (``Inspection.hold_talk``, ``Inspection.recorded_alike``,
``LedgerCore.check_no_lookalike``, ``check_no_other_case``); a fupin before session 28 (22
for the keys) took them, and today's replays them as recorded when an export rebuilds a store
(``SPARED_BEFORE``: ``talk_under_street_inspection``, ``notice_or_talk_twice``,
``account_case_lookalike``, ``key_case_lookalike``). No
report tells them apart: report accountability counts a talk whatever inspection holds it, and
a talk or notice recorded twice as two (as it does one given twice for real, on two
documents); report funds lists the two accounts as two. Verify says which inspection or
account and which entries, judged on the inspection's record as it stood when the entry was
recorded, while the entry stands (a talk or notice voided since never was; an account's
opening is not voided).

What it reads of the log's one scan after the pass (``ledger.after_pass``: the talks, the
notices, the accounts' openings and the registrations of officers, streets and helpers),
plain fields only, then one read of each inspection holding a talk or a notice (few); the
households' identifications verify's pass tells it as it reads them (since session 33: read
again in the scan, they doubled verify's time on a ledger of identifications alone), unless a
row the pass could not read stopped it. Of the keys and the measures only hashes are kept
(``_KeysAlike``), and the few records a hash points to are read at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from ledger.base import Provenance, lookalikes, natural_id
from ledger.exit_spared import SparedStep
from ledger.funds import FundAccount
from ledger.helpers import Helper
from ledger.household import Household, Measure
from ledger.inspections import Inspection
from ledger.noted import EntryId
from ledger.officers import Officer
from ledger.places import Street
from ledger.rows import positions_of

#: The entries of an inspection a rule of ``SPARED_BEFORE`` judges, by event.
_SAID = ("LeadershipTalkHeld", "CriticismNoticed", "FindingClosed")


class OversightScan:
    """What ``oversight_spared`` takes of the log's one scan after the pass: the inspections
    holding a talk or a notice, and each account's code and day, in the log's order."""

    def __init__(self, households_told: bool = False) -> None:
        """``households_told``: verify's pass tells each household's identification
        (``_KeysAlike.identified``), so the scan does not read them again (since session 33:
        on a ledger of identifications alone the second read doubled verify's time)."""
        self.opened = get_topic(FundAccount.AccountOpened)  # type: ignore[attr-defined]  # @event
        said = {get_topic(getattr(Inspection, name)): False for name in _SAID}
        #: each registration's topic, with its kind and the field holding its key
        self.registered = {
            get_topic(getattr(cls, event)): (kind, field)
            for cls, event, kind, field in _KEYS
            if not (households_told and kind == "household")
        }
        self.planned = get_topic(Household.MeasurePlanned)  # type: ignore[attr-defined]  # @event
        #: the topics read, each with whether its fields are (``ledger.after_pass``)
        self.reads = {
            self.opened: True,
            **said,
            **dict.fromkeys(self.registered, True),
            self.planned: True,
        }
        self.inspections: set[UUID] = set()
        #: (code, day, the opening's entry), in the log's order
        self.codes: list[tuple[str, str, EntryId]] = []
        #: what verify says of each key registered beside one of its kind in another case
        self.keys = _KeysAlike()

    def take(self, notification: Any, fields: Mapping[str, Any] | None) -> None:
        if notification.topic == self.planned:
            measure = _measure_id(fields)
            if measure is not None:
                entry = (notification.originator_id, notification.originator_version)
                self.keys.take_measure(measure, entry)
            return
        key_of = self.registered.get(notification.topic)
        if notification.topic != self.opened and key_of is None:
            self.inspections.add(notification.originator_id)
            return
        code = fields.get("code" if key_of is None else key_of[1]) if fields is not None else None
        if not isinstance(code, str):
            return
        entry = (notification.originator_id, notification.originator_version)
        if key_of is None:
            self.codes.append((code, _day(fields), entry))
        else:
            self.keys.take(key_of[0], code, _day(fields), entry, notification.id)

    def oversight_spared(
        self, recorder: ApplicationRecorder, mapper: Mapper[UUID]
    ) -> list[SparedStep]:
        """What verify says of each talk under a street inspection, talk or notice recorded
        twice and account alike to one opened before it, by rule, then inspection or account;
        [] if none."""
        found = _accounts_alike(self.codes) + self.keys.judged(recorder, mapper)
        for inspection_id in sorted(self.inspections):
            found += _said_of(recorder, mapper, inspection_id)
        return sorted(found)


#: The records whose new key is refused beside one in another case (``key_case_lookalike``):
#: the record, its registration's event, its kind as verify says it, and its key's field.
_KEYS = (
    (Officer, "OfficerRegistered", "officer", "officer_id"),
    (Street, "StreetRegistered", "street", "name"),
    (Helper, "HelperRegistered", "helper", "helper_id"),
    (Household, "Identified", "household", "number"),
)


class _KeysAlike:
    """Each officer, street, helper or household whose key differs from one of its kind
    registered before it only in the case of its letters, as today's fupin refuses a new one:
    an officer's in any case (``check_no_other_case``, by ``casefold``), another's all upper
    or all lower case (``check_no_lookalike``); and each measure whose id differs so from one
    its household planned before it. Told the registrations in the log's order.

    Kept small for a ledger of millions of events (since session 32, the lead's review: a
    string, a day and an id kept of every household and measure came to ~800 bytes a
    household, ~500 MB at 10 M events against verify's ≤ 300 MiB): of a street, helper or
    household only a hash of its key, of a measure a hash of its household and folded id with
    a hash of its id; one that meets such a hash is a suspect, judged at the end from its own
    events and the other's (``found``; a hash that met by chance says nothing). Officers are
    few: kept whole."""

    def __init__(self) -> None:
        #: by kind, a hash of each key registered
        self.seen: dict[str, set[int]] = {}
        #: each officer id's case-folded form, the first officer registered so, and its day
        self.officers: dict[str, tuple[str, str]] = {}
        self.found: list[SparedStep] = []
        #: (kind, key, day, entry, position, the key of its kind it may look like)
        self.suspects: list[tuple[str, str, str, EntryId, int, str]] = []
        #: a hash of (household, measure id folded), and of the first id planned so
        self.folds: dict[int, int] = {}
        #: the households with a measure that may differ so from one planned before it
        self.measured: set[UUID] = set()

    def take_measure(self, measure: str, entry: EntryId) -> None:
        """A measure planned: a suspect if its id folded (``Household.check_measure_id_case``,
        by ``casefold``) meets one its household planned before under another id (the one
        planned before may be voided since, which that rule counts too)."""
        first = self.folds.setdefault(hash((entry[0].int, measure.casefold())), hash(measure))
        if first != hash(measure):
            self.measured.add(entry[0])

    def take(self, kind: str, key: str, day: str, entry: EntryId, position: int) -> None:
        if kind == "officer":
            first, on = self.officers.setdefault(key.casefold(), (key, day))
            if first != key:
                self._found("key_case_lookalike", kind, key, day, entry, first, on)
            return
        other = self._other(kind, key)
        if other is not None:
            self.suspects.append((kind, key, day, entry, position, other))

    def identified(self, number: object, day: str, uid: bytes, version: int, log_id: int) -> None:
        """A household's identification as verify's pass reads it: its ``number`` field, its
        effective ``day``, its id's 16 bytes, its version and its id in the store (the entry
        is made only of a suspect: the pass reads every household)."""
        if isinstance(number, str):
            other = self._other("household", number)
            if other is not None:
                entry = (UUID(bytes=uid), version)
                self.suspects.append(("household", number, day, entry, log_id, other))

    def _other(self, kind: str, key: str) -> str | None:
        """The key of ``kind`` registered before, all upper or all lower case, that ``key``
        may differ from only in case (its hash met), or None; ``key`` is kept as seen."""
        seen = self.seen.get(kind)
        if seen is None:
            seen = self.seen[kind] = set()
        found = None
        upper, lower = key.upper(), key.lower()
        # sorted({upper, lower} - {key}) without making either: verify asks once an
        # identification, and that set, sorted, was a sixth of its time on a ledger of them
        for other in (upper, lower) if upper <= lower else (lower, upper):
            if other != key and hash(other) in seen:
                found = other
                break
        seen.add(hash(key))
        return found

    def judged(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[SparedStep]:
        """What verify says: the officers', and each suspect judged by its events."""
        for kind, key, day, entry, position, other in self.suspects:
            on = _registered_before(recorder, mapper, kind, other, position)
            if on is not None:
                self._found("key_case_lookalike", kind, key, day, entry, other, on)
        for household in sorted(self.measured):
            self._measures_of(recorder, mapper, household)
        return self.found

    def _found(
        self, rule: str, kind: str, key: str, day: str, entry: EntryId, other: str, on: str
    ) -> None:
        verb = "identified" if kind == "household" else "registered"
        said = (
            f"{kind} {key!r} ({verb} {day}) differs from {other!r} ({verb} {on}, before it) "
            "only in the case of its letters"
        )
        self.found.append(SparedStep(rule, said, (entry,)))

    def _measures_of(
        self, recorder: ApplicationRecorder, mapper: Mapper[UUID], household: UUID
    ) -> None:
        """The household's measures planned under an id differing only in case from one it
        planned before, read from its events (nothing if one cannot be read: the pass
        reports that)."""
        number, planned = "?", dict[str, tuple[str, str]]()
        try:
            events = [mapper.to_domain_event(item) for item in recorder.select_events(household)]
        except Exception:
            return
        for event in events:
            fields = vars(event)
            if type(event).__name__ == "Identified":
                number = str(fields.get("number", "?"))
            measure = _measure_id(fields) if type(event).__name__ == "MeasurePlanned" else None
            if measure is None:
                continue
            day = _day(fields)
            other, on = planned.setdefault(measure.casefold(), (measure, day))
            if other != measure:
                said = (
                    f"household {number}'s measure {measure!r} (planned {day}, entry "
                    f"{event.originator_version}) differs from {other!r} (planned {on}, before "
                    "it) only in the case of its letters"
                )
                entry = (household, event.originator_version)
                self.found.append(SparedStep("measure_case_lookalike", said, (entry,)))


def _registered_before(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], kind: str, key: str, position: int
) -> str | None:
    """The day the record ``key`` of ``kind`` was registered, if it was, under that very key,
    before ``position`` in the log; None if not (a hash met by chance), or if its registration
    cannot be read (the pass reports that)."""
    record = natural_id(kind, key)
    first = positions_of(recorder, record).get(1)
    if first is None or first >= position:
        return None
    try:
        event = mapper.to_domain_event(recorder.select_events(record, lte=1)[0])
    except Exception:
        return None
    field = next(field for _, _, named, field in _KEYS if named == kind)
    if vars(event).get(field) != key:
        return None
    return _day(vars(event))


def _measure_id(fields: Any) -> str | None:
    """A ``MeasurePlanned``'s measure id, from its fields as ``fields_of`` reads them."""
    measure = fields.get("measure") if fields is not None else None
    if isinstance(measure, Measure):  # a store read through the mapper: the event's own
        return measure.measure_id
    tree = measure.get("__Measure__") if isinstance(measure, dict) else None
    found = tree.get("measure_id") if isinstance(tree, dict) else None
    return found if isinstance(found, str) else None


def _day(fields: Any) -> str:
    """An event's effective day, from its fields as ``fields_of`` reads them ("?" if none)."""
    prov = fields.get("prov")
    if isinstance(prov, Provenance):  # a store read through the mapper: the event's own
        return prov.effective.isoformat()
    tree = prov.get("__Provenance__") if isinstance(prov, dict) else None
    effective = tree.get("effective") if isinstance(tree, dict) else None
    day = effective.get("__date__") if isinstance(effective, dict) else None
    return day if isinstance(day, str) else "?"


def _accounts_alike(codes: list[tuple[str, str, EntryId]]) -> list[SparedStep]:
    """Each account whose code differs from one opened before it only in the width of its
    punctuation, or in the case of its letters (all upper or all lower case), as
    ``check_no_lookalike`` judges a new one."""
    found = []
    before: dict[str, str] = {}
    for code, day, entry in codes:
        wide = sorted(other for other in lookalikes(code) if other in before)
        case = sorted(other for other in {code.upper(), code.lower()} - {code} if other in before)
        alike = [(other, "half- and full-width punctuation") for other in wide]
        alike += [(other, "the case of its letters") for other in case]
        for other, how in alike[:1]:
            said = (
                f"fund account {code!r} (opened {day}) differs from {other!r} (opened "
                f"{before[other]}, before it) only in {how}"
            )
            found.append(SparedStep("account_case_lookalike", said, (entry,)))
        before.setdefault(code, day)
    return found


def _said_of(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], inspection_id: UUID
) -> list[SparedStep]:
    """The inspection's talks held while it is a street inspection, and its talks and notices
    recorded as one on record was, while they stand (and, for one recorded twice, the one it
    repeats); [] if an event of it cannot be read (the pass reports that)."""
    record: Any = None
    taken: list[tuple[tuple[int, ...], SparedStep]] = []  # (the entries it rests on, finding)
    try:
        for item in recorder.select_events(inspection_id):
            event: Any = mapper.to_domain_event(item)
            name = type(event).__name__
            if isinstance(record, Inspection) and name in _SAID:
                taken += _judged(record, event)
            record = event.mutate(record)
    except Exception:  # an event of it altered: the pass reports it
        return []
    if not isinstance(record, Inspection):
        return []
    return [step for entries, step in taken if not set(entries) & set(record.voided)]


def _judged(record: Inspection, event: Any) -> list[tuple[tuple[int, ...], SparedStep]]:
    """What today's rules refuse of the talk or notice ``event`` on ``record`` as it stood."""
    version, day, prov = event.originator_version, event.prov.effective, event.prov
    found: list[tuple[tuple[int, ...], SparedStep]] = []
    if type(event).__name__ == "FindingClosed":  # since session 35
        imported = getattr(prov, "imported_by", "")
        if record.closed_by_its_subject(event.finding_id, prov.actor, imported):
            officer = record.subjects[event.finding_id][1]
            said = (
                f"inspection {record.code}'s closure of {event.finding_id!r} (entry {version}, "
                f"dated {day}), a finding about officer {officer}, was recorded by {officer}"
            )
            rests = ((record.id, version),)
            found.append(((version,), SparedStep("finding_closed_by_its_subject", said, rests)))
        return found
    if type(event).__name__ == "LeadershipTalkHeld":
        subject: tuple[object, ...] = ("talk", event.street, event.year)
        what = f"talk 约谈 with {event.street}'s leaders about {event.year}"
        if record.level != "district":
            said = (
                f"inspection {record.code}, a street inspection of {record.street}, holds the "
                f"{what} (entry {version}, dated {day})"
            )
            rests = ((record.id, version),)
            found.append(((version,), SparedStep("talk_under_street_inspection", said, rests)))
    else:
        subject, what = ("notice", event.unit), f"notice 通报 naming {event.unit}"
    same = record.recorded_alike(subject, event.reason, prov)
    if same is not None:
        said = (
            f"inspection {record.code}'s {what} (entry {version}, dated {day}) is recorded as "
            f"its entry {same} was: the same day, document, note and reason"
        )
        rests = ((record.id, version),)  # recorded after the one it repeats
        found.append(((version, same), SparedStep("notice_or_talk_twice", said, rests)))
    return found
