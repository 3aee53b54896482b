"""A registered 低保 household with labour capacity that is willing, yet no key target
重点帮扶对象: a finding of ``fupin verify`` under today's rules (since session 26), not
tampering.

The seed makes such households the key targets [三「将认定有劳动能力，且愿意接受帮扶的城乡低保家庭
… 作为 … 重点帮扶对象」; 四(一)]. A fupin before session 26 registered one as no key target
(``--not-key-target``) or amended its mark away, and today's replays such a row as recorded
when an export rebuilds a store (``Ledger.rebuilding_export``). Verify says which household,
so that the street can amend its mark (``fupin household amend NUMBER --key-target``) or the
field typed wrong: the households' own records say it, as they stand (a closed one is left
out).

verify's pass keeps the identifications', registrations' and amendments' flags of the
households identified or amended able or willing (``Verifier._able``), then each household it
leaves able, willing and no key target is read (few: none, under today's rules).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper

from ledger.double_pairings import household_as_stored
from ledger.household import Household
from ledger.noted import EntryId, Noted

#: The fields that make a household able, willing and no key target, as an amendment restates
#: them.
_MARKS = frozenset({"key_target", "labour", "willing"})


def able_not_key_targets(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], candidates: Iterable[UUID]
) -> list[Noted]:
    """What verify says of each registered household with labour capacity that is willing
    and no key target, as its record stands, sorted by number; [] when none is.
    ``candidates``: the households verify's pass leaves so, or could not judge alone
    (``Verifier.able_not_key_candidates``), each read again here."""
    found: list[Noted] = []
    for household_id in candidates:
        said = _said(recorder, mapper, household_id)
        if said is not None:
            found.append(said)
    return sorted(found)


def _said(recorder: ApplicationRecorder, mapper: Mapper[UUID], household_id: UUID) -> Noted | None:
    record = household_as_stored(recorder, mapper, household_id)
    if record is None or record.registered_on is None:
        return None
    if record.closed_on is not None or record.key_target:
        return None
    if not (record.labour and record.willing):
        return None
    disabled = ", disabled" if record.disabled else ""
    said = (
        f"household {record.number} (registered {record.registered_on}) has labour capacity, "
        f"is willing{disabled} and is no key target"
    )
    return Noted(said, _rests(recorder, mapper, record))


def _rests(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], household: Household
) -> tuple[EntryId, ...]:
    """The entries the note rests on (``ledger.noted``, since session 32): the registration and
    each amendment of the household's marks; () if an event cannot be read."""
    entries = [] if household.registration_entry is None else [household.registration_entry]
    try:
        for item in recorder.select_events(household.id):
            if item.topic.rsplit(".", 1)[-1] == "Amended":
                event: Any = mapper.to_domain_event(item)
                if _MARKS & set(event.changes):
                    entries.append(item.originator_version)
    except Exception:  # an event of it altered: the pass reports it
        return ()
    return tuple((household.id, version) for version in entries)
