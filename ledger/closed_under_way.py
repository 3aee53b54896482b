"""A household closed 注销 with an exit or a return 返贫 of it under way: a finding of ``fupin
verify`` under today's rules (since session 30), not tampering.

A household is not closed while an exit of it is under way (since session 29,
``Household.check_no_exit_under_way``) or a return (since session 30,
``check_no_return_under_way``); a step dated before a closure and entered after it that would
leave one under way is refused (``check_not_left_under_way``), and so is the voiding of an
approval of a closed household (``check_approval_open``). A fupin before them took such
entries, and today's replays them as recorded when an export rebuilds a store
(``Ledger.rebuilding_export``; re-tester R, session 30: the closed household kept an exit
under way, and verify said nothing). Verify says which household, its closure and what stands
under way, as the household's record stands now, in one note whatever left it so: one
withdrawn since (a withdrawal is taken after a closure) or whose closure was voided is not
noted. ``ledger.exit_spared`` noted a closure during an exit and an exit's approval voided
after the closure as well (``closure_during_exit``, ``approval_after_closure``), a second note
of the same household; since session 30 this is the only one.

One scan of the log by topic (the closures), then one read of each household closed
(``household_as_stored``).
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from ledger.double_pairings import household_as_stored, notifications
from ledger.household import Household


def closed_under_way(recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[str]:
    """What verify says of each household closed with an exit or a return under way, by
    household number; [] when none is (a household an event of which cannot be read is the
    pass's to report)."""
    topic = get_topic(Household.Closed)  # type: ignore[attr-defined]  # @event
    closed = sorted({n.originator_id for n in notifications(recorder, [topic])})
    records = (household_as_stored(recorder, mapper, household_id) for household_id in closed)
    said = (record.closed_under_way() for record in records if record is not None)
    return sorted(note for note in said if note)
