"""A change of members, a closure 注销 or (since session 30) a move 迁移 of a household turned
down: a finding of ``fupin verify`` under today's rules (since session 29), not tampering.

A household rejected at its village review, or on an upheld objection to its identification
notice 公示, is no household of the programme, and nothing is recorded of it after
(``Household.check_not_rejected``; tester J, session 29: one took a change of members and a
closure, and then stood with its people in the caseload's ``closed``). A fupin before it took
them, and today's replays them as recorded when an export rebuilds a store
(``Ledger.rebuilding_export``). Verify says which household, which entries and how it was
turned down, as the household's own record stands: a step voided since never was, and a
household whose rejection was voided since awaits its review again, so it is not noted.

What it reads of the log's one scan after the pass (``ledger.after_pass``: the reviews, the
objections' answers, the changes of members, the closures and the moves), plain fields only,
then one read of each household both turned down and changed, closed or moved (few: none,
under today's rules).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from ledger.household import Household, Stage
from ledger.noted import Noted

#: The steps the rule refuses of a household turned down, by event, as verify names them.
_STEPS = {
    "MembersChanged": "a change of members",
    "Closed": "a closure 注销",
    "Moved": "a move 迁移",  # since session 30 (re-tester S)
}


class RejectionScan:
    """What ``steps_after_rejection`` takes of the log's one scan after the pass: the
    households ever turned down (a rejection at review, an objection upheld) and those a
    change of members, a closure or a move is on the log of."""

    def __init__(self) -> None:
        steps = {get_topic(getattr(Household, name)): False for name in _STEPS}  # @event
        answers = ("Reviewed", "ObjectionResolved")
        #: the topics read, each with whether its fields are (``ledger.after_pass``)
        self.reads = {**steps, **{get_topic(getattr(Household, name)): True for name in answers}}
        self.turned_down: set[UUID] = set()
        self.stepped: set[UUID] = set()

    def take(self, notification: Any, fields: Mapping[str, Any] | None) -> None:
        if notification.topic.rsplit(".", 1)[-1] in _STEPS:
            self.stepped.add(notification.originator_id)
        elif fields is not None and (
            fields.get("accepted") is False or fields.get("upheld") is True
        ):
            self.turned_down.add(notification.originator_id)

    def steps_after_rejection(
        self, recorder: ApplicationRecorder, mapper: Mapper[UUID]
    ) -> list[Noted]:
        """What verify says of each household turned down that took a change of members, a
        closure or a move after, by household number, with those entries; [] when none did."""
        found = []
        for household_id in sorted(self.turned_down & self.stepped):
            noted = _after_rejection(recorder, mapper, household_id)
            if noted is not None:
                found.append(noted)
        return sorted(found)


def _after_rejection(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], household_id: UUID
) -> Noted | None:
    """What verify says of the household if it stands turned down and a step of ``_STEPS``
    recorded while it was (not voided since) is on its record, with those steps and the entry
    that turned it down (since session 32: one entered after a step dated later is what today's
    fupin refuses, ``ledger.noted``); None if none is, or an event of it cannot be read (the
    pass reports that)."""
    record: Any = None
    taken: list[tuple[int, str, date]] = []  # (version, step, effective date)
    steps: list[tuple[int, str, date]] = []  # every such step, recorded when it may
    turned = 0  # the entry that turned it down last
    try:
        for item in recorder.select_events(household_id):
            event: Any = mapper.to_domain_event(item)
            step = _STEPS.get(type(event).__name__)
            if step:
                said = (event.originator_version, step, event.prov.effective)
                rejected = isinstance(record, Household) and record.stage == Stage.REJECTED
                (taken if rejected else steps).append(said)
            was = isinstance(record, Household) and record.stage == Stage.REJECTED
            record = event.mutate(record)
            if not was and isinstance(record, Household) and record.stage == Stage.REJECTED:
                turned = event.originator_version
    except Exception:  # an event of it altered: the pass reports it
        return None
    if not isinstance(record, Household) or record.stage != Stage.REJECTED:
        return None
    # since session 30: one recorded before the rejection, dated after it (a rejection entered
    # late; re-tester S), is after it too
    day = record.upheld[1] if record.upheld is not None else record.reviewed_on
    taken = sorted(taken + [item for item in steps if day is not None and item[2] > day])
    live = [item for item in taken if item[0] not in record.voided]
    if not live:
        return None
    named = " and ".join(f"{step} (entry {version}, dated {day})" for version, step, day in live)
    text = f"household {record.number} took {named} after: {record.rejection_said()}"
    rests = [*([turned] if turned else []), *(version for version, _, _ in live)]
    return Noted(text, tuple((household_id, version) for version in rests))
