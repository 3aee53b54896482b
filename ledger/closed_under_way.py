"""A household closed 注销 with an exit or a return 返贫 of it under way, or an employment of a
worker of it standing past the closure: findings of ``fupin verify`` under today's rules
(since session 30; the employment since session 31), not tampering.

A household is not closed while an exit of it is under way (since session 29,
``Household.check_no_exit_under_way``) or a return (since session 30,
``check_no_return_under_way``), nor while an employment of a worker of it stands past the
closure's day (since session 25, ``CaseworkCommands._check_no_employment_after``); a step dated
before a closure and entered after it that would leave one under way, or an employment
standing, is refused (``check_not_left_under_way``), and so is the voiding of an approval of a
closed household (``check_approval_open``). A fupin before them took such entries, and today's
replays them as recorded when an export rebuilds a store (``Ledger.rebuilding_export``;
re-tester R, session 30: the closed household kept an exit under way, and verify said
nothing). Verify says which household, its closure and what stands under way, as the
household's record stands now, in one note whatever left it so: one withdrawn since (a
withdrawal is taken after a closure) or whose closure was voided is not noted.
``ledger.exit_spared`` noted a closure during an exit and an exit's approval voided after the
closure as well (``closure_during_exit``, ``approval_after_closure``), a second note of the
same household; since session 30 this is the only one. An employment standing past the closure, on
the enterprise's record, is a note of its own, as the enterprise's record stands now: voided,
or ended on or before the closure's day, it is not noted (since session 31: before, verify said
nothing of one). Since session 32 this includes one from the closure's date on, entered after
the closure, and a closure recorded while one stood (session 25's rules, ``employed_from_closure``
and ``closure_while_employed``), which verify's pass reported as problems, so that a ledger a
fupin of session 25 recorded before them failed verify and did not move.

What it reads of the log's one scan after the pass (``ledger.after_pass``: the closures, and
the employments' households, a plain field), then one read of each household closed
(``household_as_stored``) and of each enterprise employing a worker of one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from ledger.double_pairings import household_as_stored, record_as_stored
from ledger.helpers import Helper
from ledger.household import Household
from ledger.noted import EntryId, Noted

#: A household's events that put an exit or a return 返贫 under way or take it a step on.
_STEPS = frozenset({"ExitProposed", "ExitNoticed", "ExitAdvanced", "ReturnAdvanced"})


class ClosureScan:
    """What ``closed_under_way`` takes of the log's one scan after the pass: the households
    closed, and the entries employing a worker of each household, by its number."""

    def __init__(self) -> None:
        self.closed_topic = get_topic(Household.Closed)  # type: ignore[attr-defined]  # @event
        employed = get_topic(Helper.WorkerEmployed)  # type: ignore[attr-defined]  # @event
        #: the topics read, each with whether its fields are (``ledger.after_pass``)
        self.reads = {self.closed_topic: False, employed: True}
        self.closed: set[UUID] = set()
        #: household number -> (the enterprise's id, the employment's entry) of each employment
        self.employed: dict[str, list[tuple[UUID, int]]] = {}

    def take(self, notification: Any, fields: Mapping[str, Any] | None) -> None:
        if notification.topic == self.closed_topic:
            self.closed.add(notification.originator_id)
            return
        number = fields.get("household") if fields is not None else None
        if isinstance(number, str):
            entry = (notification.originator_id, notification.originator_version)
            self.employed.setdefault(number, []).append(entry)

    def closed_under_way(
        self, recorder: ApplicationRecorder, mapper: Mapper[UUID]
    ) -> tuple[list[Noted], list[Noted]]:
        """What verify says of each household closed with an exit or a return under way, then
        of each employment standing past its household's closure, by household number; [] when
        none is (a household or an enterprise an event of which cannot be read is the pass's
        to report)."""
        under_way: list[Noted] = []
        employments: list[Noted] = []
        employers: dict[UUID, Helper | None] = {}
        for household_id in sorted(self.closed):
            record = household_as_stored(recorder, mapper, household_id)
            if record is None or record.closed_on is None:
                continue
            said = record.closed_under_way()
            if said:
                under_way.append(Noted(said, _rests(recorder, mapper, record)))
            for helper_id, version in self.employed.get(record.number, []):
                if helper_id not in employers:
                    helper = record_as_stored(recorder, mapper, helper_id)
                    employers[helper_id] = helper if isinstance(helper, Helper) else None
                employer = employers[helper_id]
                for noted in _employed_past(record, employer, version):
                    voided = _ends_voided(recorder, mapper, employer, record.number)
                    employments.append(noted._replace(entries=noted.entries + voided))
        return sorted(under_way), sorted(employments)


def _rests(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], household: Household
) -> tuple[EntryId, ...]:
    """The entries the note of ``household`` closed with an exit or a return under way rests
    on (``ledger.noted``, since session 32): its closure, each step of an exit or a return, and
    each correction voiding one (an approval voided after the closure): the last of them
    recorded is the one today's fupin refuses. () if an event cannot be read (the pass reports
    it)."""
    steps: list[int] = []
    try:
        for item in recorder.select_events(household.id):
            name = item.topic.rsplit(".", 1)[-1]
            voids = name == "Corrected" and _corrects(mapper, item) in steps
            if name in _STEPS or voids:
                steps.append(item.originator_version)
    except Exception:  # an event of it altered: the pass reports it
        return ()
    closure = () if household.closure_entry is None else (household.closure_entry,)
    return tuple((household.id, version) for version in (*closure, *steps))


def _ends_voided(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], helper: Helper | None, number: str
) -> tuple[EntryId, ...]:
    """The corrections of ``helper`` voiding an end of its employment of a worker of household
    ``number`` (since session 32: a voiding after the closure, ``end_voided_after_closure``, is
    what today's fupin refuses of such a note); () if none, or an event cannot be read."""
    if helper is None:
        return ()
    ends = {
        version
        for version, (kind, key) in helper.entries.items()
        if kind == "EmploymentEnded" and key == number and version in helper.voided
    }
    if not ends:
        return ()
    found: list[EntryId] = []
    try:
        for item in recorder.select_events(helper.id):
            if item.topic.rsplit(".", 1)[-1] == "Corrected" and _corrects(mapper, item) in ends:
                found.append((helper.id, item.originator_version))
    except Exception:  # an event of it altered: the pass reports it
        return ()
    return tuple(found)


def _corrects(mapper: Mapper[UUID], item: Any) -> object:
    """The entry a stored correction voids."""
    event: Any = mapper.to_domain_event(item)
    return event.corrects


def _employed_past(household: Household, helper: Helper | None, version: int) -> list[Noted]:
    """What verify says of the employment of entry ``version`` of ``helper`` if it stands past
    the closure of ``household`` (``Helper.employment_past``, as a closure is refused), with
    the entries it rests on (the closure, the employment, its end after the closure; the
    voidings of its ends, ``_ends_voided``); []."""
    if helper is None or household.closed_on is None:
        return []
    past = helper.employment_past(household.number, version, household.closed_on)
    if past is None:
        return []
    enterprise, number = helper.helper_id, household.number
    end = f"fupin helper end-employment {enterprise} {number} -e DATE"
    if past.since > household.closed_on:
        # begun after the closure's date (since session 32: a fupin of session 25 took one,
        # ``employed_from_closure``, and verify's pass failed the ledger): no end of it is on or
        # before the closure, so the closure is dated wrong or the employment never was
        void = f"(fupin correct helper {enterprise} {version} --reason …)"
        reclose = (
            f"void the closure (fupin correct household {number} {household.closure_entry} "
            "--reason …)"
        )
        then = (
            f"{reclose}, end it ({end}) and close the household again on or after its end"
            if past.ended is None
            else f"{reclose} and close the household again on or after its end, {past.ended}"
        )
        said = "standing" if past.ended is None else f"ended only on {past.ended}"
        how = f"{said} ({past.began_after(void, then)})"
    elif past.ended is None:
        how = f"standing (end it on or before {household.closed_on}: {end})"
    else:
        how = (
            f"ended only on {past.ended} (entry {past.end_entry} of {enterprise}; void that end, "
            f"fupin correct helper {enterprise} {past.end_entry} --reason …, and end it on or "
            f"before {household.closed_on})"
        )
    said = (
        f"household {household.closure_said()} (entry {household.closure_entry}) with "
        f"{enterprise}'s employment of a worker of it since {past.since} (entry {version} of "
        f"{enterprise}) {how}"
    )
    rests = (
        (household.id, household.closure_entry),
        (helper.id, version),
        (helper.id, past.end_entry),
    )
    return [Noted(said, tuple((record, entry) for record, entry in rests if entry is not None))]
