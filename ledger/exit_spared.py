"""A household merged 合户 into one whose exit was under way before the change of members
taking its people in: a finding of ``fupin verify`` under today's rules (since session 30,
which hands in with session 29), not tampering.

Today's fupin refuses it (``Household.check_takes_in``); a fupin before took it, and today's
replays it as recorded when an export rebuilds a store (``SPARED_BEFORE``'s
``merge_into_exit``). No report lists it: an exit a merge changed the members of is listed
``members-changed`` only once a change of members says so. Verify says which households,
which entry and the exit, judged by the rule itself on the record of the household merged into
as it stood when the merge was recorded, and noted while what the rule guards against stands:
a merge voided since never was; a change of members dated on the merge's day, recorded since,
takes its people in (the exit then waits for its year assessed again, or report accountability
lists it ``members-changed``).

A change of members taking in a merged household's people, voided while the merge stands and
nothing takes them in now (``take_in_under_merge``, since session 30), is noted too.

A household closed 注销 while its exit was under way, or whose exit's approval was voided after
its closure (``closure_during_exit``, ``approval_after_closure``), is noted once, as it stands,
by ``ledger.closed_under_way``, with a closure during a return or a step entered after the
closure (since session 30: this module noted the two as well, and such a household had two
notes).

What it reads of the log's one scan after the pass (``ledger.after_pass``: the closures, the
exit proposals and the corrections), plain fields only, then, when a merge into a household
with an exit is on the log, one more scan by topic (that household's exit steps, members and
corrections, for their order in the log: a moved store's recording times are all the move's)
and one read of each side of it; and for a merge into a household a correction is on, a read
of each side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from ledger.base import LedgerAggregate
from ledger.double_pairings import notifications
from ledger.errors import RuleError
from ledger.household import Household, MergeIn
from ledger.noted import EntryId


class SparedStep(NamedTuple):
    """What verify says of one entry a rule of ``SPARED_BEFORE`` refuses today: the rule's
    name, the entry, said, and the entries it rests on (``ledger.noted``, since session 32)."""

    rule: str
    said: str
    entries: tuple[EntryId, ...] = ()


#: The events of a household that change what ``Household.check_takes_in`` judges of a merge
#: into it: its exit's steps (and a return, which ends them) and its members.
_TAKES_IN = (
    "ExitProposed",
    "ExitNoticed",
    "ExitAdvanced",
    "ExitWithdrawn",
    "ReturnAdvanced",
    "ReturnWithdrawn",
    "MembersChanged",
    "Corrected",
)

#: The events of the log's one scan after the pass this module reads (``MergeScan``).
_SCANNED = ("Closed", "ExitProposed", "Corrected")


class _Merge(NamedTuple):
    """A closure 合户 on the log: the household merged, its entry, the one it merged into,
    and the closure's position (notification id)."""

    household_id: UUID
    version: int
    into_id: UUID
    position: int


class MergeScan:
    """What ``exit_steps_spared`` takes of the log's one scan after the pass: the households
    an exit was proposed of, those a correction is on, and each merge 合户 (read from its
    closure's fields)."""

    def __init__(self) -> None:
        #: the topics read, each with whether its fields are (``ledger.after_pass``): a
        #: closure's are, for a merge's
        self.reads = {topic: name == "Closed" for name in _SCANNED for topic in _topics(name)}
        self.exiting: set[UUID] = set()
        self.corrected: set[UUID] = set()
        self.merges: list[_Merge] = []

    def take(self, notification: Any, fields: Mapping[str, Any] | None) -> None:
        name = notification.topic.rsplit(".", 1)[-1]
        if name == "ExitProposed":
            self.exiting.add(notification.originator_id)
        elif name == "Corrected":
            self.corrected.add(notification.originator_id)
        elif fields is not None and fields.get("because") == "merged":
            into = fields.get("into")
            if isinstance(into, str):
                self.merges.append(
                    _Merge(
                        notification.originator_id,
                        notification.originator_version,
                        Household.create_id(into),
                        notification.id,
                    )
                )

    def exit_steps_spared(
        self, recorder: ApplicationRecorder, mapper: Mapper[UUID]
    ) -> list[SparedStep]:
        """What verify says of each merge into a household whose exit was under way, and of
        each change of members taking a merged household's people in voided since, by
        household; [] if none."""
        voided = [m for m in self.merges if m.into_id in self.corrected]
        found = _take_ins_voided(recorder, mapper, voided)
        merges = [merge for merge in self.merges if merge.into_id in self.exiting]
        before = _positions(recorder, {merge.into_id for merge in merges})
        for merge in merges:
            # the last entry of the household merged into that bears on the rule, recorded
            # before the merge: the log's order, as a moved store's times are the move's
            upto = max((v for at, v in before[merge.into_id] if at < merge.position), default=0)
            merged = _events(recorder, mapper, merge.household_id)
            into = _events(recorder, mapper, merge.into_id)
            if upto and merged is not None and into is not None:
                found += _merge(merged, merge.version, into, upto)
        return sorted(found)


def _take_ins_voided(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], merges: list[_Merge]
) -> list[SparedStep]:
    """Each change of members taking in the people of a household merged 合户 into its
    household, voided after the merge was recorded (the log's order) while the merge stands
    and no change of members dated on its day takes them in now (``take_in_under_merge``,
    ``OversightCommands.check_take_in_left``; since session 30)."""
    found: list[SparedStep] = []
    positions = _positions(recorder, {merge.into_id for merge in merges})
    for merge in merges:
        merged = _events(recorder, mapper, merge.household_id)
        into = _events(recorder, mapper, merge.into_id)
        final = _replayed(merged) if merged is not None else None
        now = _replayed(into) if into is not None else None
        if not isinstance(final, Household) or not isinstance(now, Household) or into is None:
            continue
        if merge.version in final.voided or final.closed_on is None:
            continue
        day = final.closed_on
        taken = MergeIn(final.number, day, final.members_on(day)[0], merge.version)
        if now.took_in(day, taken.members):
            continue  # taken in again since: the merge and its people agree
        after = {v for at, v in positions[merge.into_id] if at > merge.position}
        for event in into:
            version = event.originator_version
            if type(event).__name__ != "Corrected" or version not in after:
                continue
            then = _replayed(into, version - 1)
            if not isinstance(then, Household) or not then.take_in_of([taken], event.corrects):
                continue
            said = (
                f"household {now.number}'s change of members dated {day} (entry "
                f"{event.corrects}), taking in the {taken.members} member(s) of "
                f"{final.number}, was voided (entry {version}, dated {event.prov.effective}) "
                f"while {final.number}'s merge 合户 into it on {day} (entry {merge.version} of "
                f"{final.number}) stood"
            )
            rests = ((merge.household_id, merge.version), (merge.into_id, version))
            found.append(SparedStep("take_in_under_merge", said, rests))
    return found


def _positions(recorder: ApplicationRecorder, households: set[UUID]) -> dict[UUID, list[Any]]:
    """Of each of ``households``, the (position, entry) of each of its ``_TAKES_IN`` events
    (one more scan by topic, only when a merge into a household with an exit is on the log)."""
    found: dict[UUID, list[Any]] = {household_id: [] for household_id in households}
    if not households:
        return found
    topics = [topic for name in _TAKES_IN for topic in _topics(name)]
    for notification in notifications(recorder, topics):
        if notification.originator_id in found:
            found[notification.originator_id].append(
                (notification.id, notification.originator_version)
            )
    return found


def _topics(name: str) -> list[str]:
    """The topics a household's event ``name`` is stored under: a correction is stored as the
    base class's ``Corrected`` (since session 30: read as the household's, no correction was
    found, and a voided take-in or approval went unseen), and only so (``Household.Corrected``
    is eventsourcing's copy of it, which nothing records)."""
    if name == "Corrected":
        return [get_topic(LedgerAggregate.Corrected)]  # type: ignore[attr-defined]
    return [get_topic(getattr(Household, name))]  # @event: no attribute for mypy


def _events(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], household_id: UUID
) -> list[Any] | None:
    """The household's events as stored, or None if one cannot be read (the pass reports it)."""
    try:
        return [mapper.to_domain_event(item) for item in recorder.select_events(household_id)]
    except Exception:  # an event of it altered: the pass reports it
        return None


def _refuses(check: Callable[[], None]) -> bool:
    """Whether today's rule ``check`` refuses (it raises ``RuleError``)."""
    try:
        check()
    except RuleError:
        return True
    return False


def _replayed(events: list[Any], upto: int | None = None) -> Any:
    """The record ``events`` make, up to its entry ``upto`` if given."""
    record: Any = None
    for event in events:
        if upto is not None and event.originator_version > upto:
            break
        record = event.mutate(record)
    return record


def _exit_said(record: Household) -> str:
    """The household's exit under way (or approved), as today's refusals say it."""
    step = record.exit_steps[-1]
    if step == "approved":
        return (
            f"{record.exit_year} exit was approved on {record.exit_dates[-1]} (entry "
            f"{record.approval_entry})"
        )
    return (
        f"{record.exit_year} exit was {step} (entry {record.proposal_entry}, proposed on "
        f"{record.exit_dates[0]})"
    )


def _merge(merged: list[Any], version: int, into: list[Any], upto: int) -> list[SparedStep]:
    """The merge 合户 of entry ``version`` of the household ``merged``, if the household it
    merged into, as its entries up to ``upto`` made it, had an exit the rule refuses the merge
    for, while the merge stands and no change of members of that household dated on its day
    does."""
    closure = next((e for e in merged if e.originator_version == version), None)
    final = _replayed(merged)
    if closure is None or not isinstance(final, Household) or version in final.voided:
        return []
    then = _replayed(into, upto)
    day = closure.prov.effective
    if not isinstance(then, Household):
        return []
    people = final.members_on(day)[0]
    if not _refuses(partial(then.check_takes_in, final.number, day, people)):
        return []
    now = _replayed(into)
    if not isinstance(now, Household) or now.took_in(day, people):
        return []  # its change of members recorded since: session 29's rule judges the exit
    said = (
        f"household {final.number} merged 合户 into {then.number} on {day} (entry {version} of "
        f"{final.number}) while {then.number}'s {_exit_said(then)}, before a change of "
        f"members of {then.number} dated {day} took its people in"
    )
    return [SparedStep("merge_into_exit", said, ((closure.originator_id, version),))]
