"""The read models together: catch up, rebuild from zero, report positions, fold the past.

Models are applied in the order of ``MODELS`` within each transaction (``casework`` and
``funds`` read the household's place from ``households``).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from itertools import takewhile
from typing import Any

import orjson
from ledger.application import Ledger
from ledger.errors import ConflictError, InputError
from ledger.known import known_prefix
from ledger.schema import StoreAlteredError
from ledger.transparency import check_known_at_after_move

from projections import casework, funds, households, oversight, reference
from projections.engine import (
    TRACKING_DDL,
    ReadModel,
    apply_facts,
    continuous,
    create_schema,
    facts,
    filter_facts,
    fold,
    pages,
    positions,
    schema_built,
)
from projections.storage import Database, WriteFailedError, open_database, scratch_database

log = logging.getLogger(__name__)

__all__ = [
    "MODELS",
    "View",
    "ahead_of_ledger",
    "catch_up",
    "check",
    "counted",
    "create_tables",
    "open_view",
    "rebuild",
    "status",
    "steady",
]

MODELS: tuple[ReadModel, ...] = (
    reference.CLOCK,
    reference.MODEL,
    households.MODEL,
    casework.MODEL,
    funds.MODEL,
    oversight.MODEL,
)


def catch_up(ledger: Ledger) -> int:
    """Bring every read model up to date; returns how many events were applied."""
    db = open_database(ledger.location)
    try:
        refuse_foreign_schema(db)
        return _catch_up(db, ledger)
    finally:
        db.close()


#: Pages applied per transaction by a rebuild from zero: fewer, larger commits, and nobody
#: has read models to lose meanwhile (a crash keeps the pages committed so far, as ever).
REBUILD_PAGES = 50


#: What the read models' rows mean. Raised whenever a handler changes what it writes for the
#: same events; read models an older ``fupin`` built are then rebuilt by the next catch-up
#: (docs/operations.md). 2 (2026-11-29): a pairing ended before the exit's effective date is
#: ``before_exit`` even if recorded after it. A rebuild on PostgreSQL empties the tables and
#: keeps them (and their grants); since session 26 it first makes again, grants and all, each
#: table an older version left in another shape (``projections.pg_shape``: 27 added columns,
#: and until then reports failed after the upgrade), refused to a role that does not own it.
#: 3 and 4 (2026-11-29): only the programme's casework,
#: funds and oversight move ``pj_clock``'s latest effective date (``NOT_PROGRAMME_TIME``;
#: 3 left out seals and key events only). 5 (2026-11-29): a district inspection's finding
#: about a village has the village's street. 6 (2026-11-29): a finding's ``rectified_on`` is
#: its earliest rectification report, as the inspection counts it (it was the latest).
#: 7 (2026-11-29): ``pj_exit_people``, the members of a household when its exit was approved
#: (an exit's people were the household's members now). 8: ``pj_members`` instead, by
#: effective date (7 took the members as recorded before the approval's entry).
#: 9: a voided payment's ``ReceiptVoided`` does not move ``pj_clock`` either (a payment
#: corrected in 2026 moved every report's "today" to 2026).
#: 10: a household's members now are its latest change by effective date (a change entered
#: late, dated earlier, set them); a pairing unpaired on or after an exit approval entered
#: later is not ``before_exit``.
#: 11: casework's ``pj_agreements`` (every agreement, not the latest) and ``pj_exit_bases``
#: (the income each exit proposal carries: the assessment it rests on).
#: 12: a payment's row keeps only what its purpose uses (a working expense stored naming a
#: household, under rules before 2026-11-30, showed in that household's dossier).
#: 13: the clock counts the programme's events per day (``pj_days``) and a correction takes
#: the entry it voids off its day: a voided entry no longer moves ``pj_clock``'s latest
#: effective date (a visit typed 2026 for 2016, voided, made 2026 every report's "today").
#: 14: an unpairing is ``before_exit`` unless an exit approved by its date was in force, by
#: effective date (``households.out_on``): one dated during an exit but entered after the
#: return was early, one dated after a return entered later was not.
#: 15: a correction may void a household's pairing typed in error (``HelperPaired``): its
#: ``pj_pairings`` row is deleted, and its day comes off ``pj_days``.
#: 16: a correction may void an inspection's finding, talk or notice: its row is deleted
#: (``pj_finding_entries`` names a finding's entry), and its day comes off ``pj_days``.
#: 17: a correction may void a measure planned in error (``MeasurePlanned``): its row leaves
#: ``pj_measures`` (``pj_measure_entries`` names a measure's entry); or an exit's approval
#: (``ExitAdvanced``): its row leaves ``pj_exit_steps`` and the household's stands as before;
#: either's day comes off ``pj_days``.
#: 18: a correction may void an identification notice (``NoticePosted``: the household is back
#: at its review; ``pj_notice_entries`` names a notice's entry) or an agreement
#: (``AgreementSigned``: its ``pj_agreements`` row goes, ``agreement_on`` is the one recorded
#: last of those left); either's day comes off ``pj_days``.
#: 19: a district inspection's finding about a street's account or officer has that street
#: (``pj_findings.street`` was blank, and the overdue list named no street).
#: 20: an officer's row keeps the day their role and street took effect (``role_since``):
#: a transfer dated before the one in force does not replace it (a back-dated transfer entered
#: after a later one read as the officer's role, today and as of any date); a correction may
#: void an officer's retirement (the row is active again); a correction may void an unpairing
#: (``HelperUnpaired``): a new table, ``pj_unpairings``, names the pairing each ended, whose
#: row runs again (the replacement's goes), and its day comes off ``pj_days``. A correction
#: may void an officer's latest transfer: a new table, ``pj_officer_posts``, keeps each
#: officer's posts (registration and transfers), from which the row is restored.
#: 21: a correction may void an inspection's rectification report or close (tester D, session
#: 22): a new table, ``pj_finding_steps``, keeps each report and close in force by entry, from
#: which the finding's ``rectified_on`` and ``closed_on`` are restated; its day comes off
#: ``pj_days``.
#: 22 (21 is another change of session 22): an account's opening (``AccountOpened``) does not
#: move ``pj_clock``'s latest effective date (``NOT_PROGRAMME_TIME``): ``pj_days`` counts it no
#: more (an account typed as opened in 2026 made 2026 every report's "today").
#: 23: the households model keeps each step of a return to poverty and each withdrawal of one
#: (``pj_return_steps``: its disaster, recognising authority, reason), for the dossier (only
#: ``fupin history`` showed them, testers of session 22).
#: 24 (session 23 too): a correction may void a return's approval (``ReturnAdvanced``): the
#: period it opened leaves ``pj_periods``, the household stands exited again (its exit cycle,
#: exit year, ``returned_on`` and ``plan_year`` as before), unpairings dated since are judged
#: again, and its day comes off ``pj_days``.
#: 25 (session 24): a correction may void the end of an employment (``EmploymentEnded``): a
#: new table, ``pj_employment_ends``, names the employment row each end closed, whose
#: ``ended_on`` is cleared again, and its day comes off ``pj_days``.
#: 26 (session 24): a correction may void a village review (``Reviewed``): a new table,
#: ``pj_review_entries``, names each review's entry and day; the household is back at
#: ``identified`` (``reviewed_on`` cleared), and the review's day comes off ``pj_days``.
#: 27 (session 25): a household's record may be closed 注销 (``Closed``): ``pj_households``
#: keeps ``closed_on``, ``closed_because``, ``closed_into``, ``closed_by``,
#: ``closed_document``, ``closed_reason`` and ``closed_version``, cleared again when a
#: correction voids the closure; the closure's day comes off ``pj_days`` then.
#: 28 (session 25): a household's move to another village of its street (``Moved``): a new
#: table, ``pj_moves``; the household's village is its latest move's, a payment to it is filed
#: under the village it was in on the payment's date; a voided move's day comes off ``pj_days``.
#: 29 (session 26): each rule a ``RulesAmended`` restated, with who, when and why, in a new
#: table, ``pj_rules_amendments`` (the accountability report's ``rules_amendments``).
#: 30 (session 26): each amendment of a registered household's key-target mark, with who, when
#: and why, in a new table, ``pj_key_target_amendments`` (the accountability report's
#: ``key_target_amendments``).
#: 31 (session 27): a household's ``exited_on`` is the day its exit in force was approved,
#: blank while it is not exited: a return's approval clears it (a voided one restores it), an
#: exit's approval voided leaves it blank (it was the exit approved before, undone by a
#: return, beside the exit year of the cycle under way: tester F).
#: 32 (session 29): each table with a ``recorded_by`` column (``pj_visits``, ``pj_incomes``,
#: ``pj_allocations``, ``pj_disbursements``, ``pj_findings``, ``pj_moves``, ``pj_exit_steps``,
#: ``pj_return_steps``) keeps ``imported_by`` beside it: who recorded the entry for its actor
#: (an admin importing an officer's rows, the provenance's ``imported_by`` since session 28),
#: NULL when the actor recorded it; the dossier shows it.
#: 33 (session 29): every other "who" column keeps who imported its entry beside it, named
#: for it: ``pj_pairings.paired_imported_by`` and ``unpaired_imported_by``,
#: ``pj_households.identified_imported_by``, ``registered_imported_by`` and
#: ``closed_imported_by``, ``pj_inspections.opened_imported_by``,
#: ``pj_talks.held_imported_by``, ``pj_criticisms.noticed_imported_by``, and ``imported_by``
#: beside the ``actor`` of ``pj_key_target_amendments`` and ``pj_rules_amendments``; the
#: dossier shows the pairing's and the closure's.
#: 34 (session 30): ``pj_members_voided`` keeps each change of members voided and the
#: correction's version, for the exits resting on an assessment made for it (re-tester S).
SCHEMA_VERSION = 34

_SCHEMA_DDL = "CREATE TABLE IF NOT EXISTS pj_schema (id INTEGER PRIMARY KEY, version INTEGER)"

#: The schema version a restore leaves (``distrust``): a backup's read models are not what its
#: verified events say until rebuilt from them.
RESTORED = 0


def distrust(db: Database) -> None:
    """Have the next catch-up rebuild the read models from the events, whatever they hold:
    a restored backup's read models were never verified (a ``pj_households`` row edited in the
    backup file served its figures until someone ran ``projections check``)."""
    if db.missing_relations(["pj_schema"]):
        return  # nothing built: the first catch-up builds them from the events
    with db.transaction():
        db.execute("UPDATE pj_schema SET version = ? WHERE id = 1", (RESTORED,))


class AlteredReadModels(InputError):
    """The read models hold more than their tracked positions say: ``pj_tracking`` was moved
    back (or rows were added), and catching up would apply events a second time."""

    def __init__(self, what: str) -> None:
        super().__init__(
            "store",
            f"the read models were changed behind the ledger's back ({what}): reports cannot "
            "read them. `fupin projections rebuild` makes them anew from the events; then find "
            "out who changed them",
        )


def refuse_foreign_schema(db: Database) -> None:
    """Refuse to catch up, rebuild or read the read models of a SQLite file holding a trigger
    or a view, which the ledger never creates (``ledger.schema``): a trigger on a read model's
    table runs in the catch-up's own transaction (one on ``pj_schema`` rewrote an event during
    a rebuild), and a view named as a read model's table stands in for it in every report (one
    left out a tenth of the households). One read of ``sqlite_master``, before anything is
    written; ``fupin verify`` still runs and names each (since session 22)."""
    found = db.foreign_schema()
    if not found:
        return
    named = ", ".join(f"{kind} {name!r} on {table}" for kind, name, table in found[:3])
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    raise StoreAlteredError(
        "store",
        f"the store holds {named}{more}, which fupin never creates: the file was altered "
        "outside the ledger, and a trigger runs in what the read models write, a view stands "
        "in for what they read; the read models were not caught up, nothing was written and no "
        "report is made from them. Run fupin verify, examine what it changed, remove it (DROP "
        "TRIGGER, DROP VIEW; a read model's table it stood for comes back with fupin "
        "projections rebuild), then try again",
    )


def _catch_up(
    db: Database, ledger: Ledger, pages_per_transaction: int = 1, *, fresh: bool = False
) -> int:
    if _prepare(db):
        return _rebuild(db, ledger)
    return _catch_up_from(db, ledger, _lowest(db), pages_per_transaction, fresh=fresh)


def _catch_up_from(
    db: Database, ledger: Ledger, start: int, pages_per_transaction: int = 1, *, fresh: bool = False
) -> int:
    """``_catch_up`` of read models that are there and current, from ``start`` (the lowest
    position, as read by the caller)."""
    if not fresh:
        _check_clock(db, ledger)
    try:
        return _apply_after(db, ledger, start, pages_per_transaction)
    except Exception as exc:
        table = None if fresh else db.duplicate_in(exc)
        if table is None:
            raise
        raise AlteredReadModels(
            f"catching up from the positions in pj_tracking met rows {table} already holds"
        ) from None


def _disagreeing(db: Database) -> str | None:
    """Say which read models are behind the others (None: all at one position). Every
    catch-up moves them together; only a model added since they were built (it catches up
    alone, from 0) or a ``pj_tracking`` row changed behind the ledger's back leaves one
    behind, and then the next catch-up applies events to it a second time: refused when it
    meets rows the model already holds (tester E, session 16: ``status`` said nothing while
    every report was refused)."""
    tracked = positions(db)
    at = {model.name: tracked.get(model.name, 0) for model in MODELS}
    head = max(at.values(), default=0)
    behind = [f"{name} at {position}" for name, position in at.items() if position < head]
    if not behind:
        return None
    return (
        f"the read models' tracked positions disagree ({', '.join(behind)}; the others at "
        f"{head}): a model added since they were built catches up alone, but otherwise "
        "pj_tracking was changed behind the ledger's back, and catching up applies events a "
        "second time (refused where it meets rows already there): `fupin projections "
        "rebuild` makes them anew"
    )


def _check_not_ahead(ledger: Ledger, position: int, counted: str | None) -> None:
    """Refuse read models that hold events the ledger no longer has (``_ahead``)."""
    what = _ahead(ledger, position, counted)
    if what is not None:
        raise _lost(what)


def _ahead(ledger: Ledger, position: int, counted: str | None) -> str | None:
    """What shows the read models hold events the ledger no longer has (None: nothing). The
    clock's position is the id of the last event they counted, and ``pj_clock.latest_recorded``
    that event's recording time: the ledger must still hold an event at that id, recorded
    then. The ledger never removes an event, so when it does not, the log lost its last events
    (deleted from the end of the file: a truncation ``fupin verify`` sees only against a
    checkpoint), or the read models came from a longer copy of it. Reports went on serving
    figures from the missing events; and once new events were recorded, SQLite gave them
    the deleted events' ids, and the read models skipped them as counted. One read of one
    event, by its id (``position``: the clock's; ``counted``: its ``latest_recorded``):
    positions compared, never counted (PostgreSQL's ids have gaps where a save failed)."""
    if position <= 0:
        return None
    page = ledger.recorder.select_notifications(start=position, limit=1)
    held = page[0] if page and page[0].id == position else None
    if held is None:
        last = ledger.recorder.max_notification_id() or 0
        gone = (
            f"the ledger's last is {last}"
            if last < position
            else f"the ledger holds no event {position} (deleted)"
        )
        return f"the read models hold events up to notification {position}, but {gone}"
    recorded = _recorded_text(held.state)
    if counted is not None and recorded is not None and recorded != counted:
        return (
            f"{_ANOTHER_EVENT} {position} (recorded {recorded}) is not the one the read models "
            f"counted there (recorded {counted})"
        )
    return None


#: What ``ahead_of_ledger`` says of ``pj_clock``'s count above the ledger's events.
_ABOVE = "its count is above the ledger's {} events"
#: How ``_ahead`` begins when the event at the position counted last is another, by its time.
_ANOTHER_EVENT = "the event the ledger holds at notification"


def _lost(what: str) -> InputError:
    return InputError(
        "store",
        f"{what}: events were removed from the end of the ledger (and others may have been "
        "recorded since, under the removed ones' ids; `fupin verify` reports it, and with "
        "`--checkpoint` a checkpoint signed after the removed events were recorded says what "
        "is missing), or the read models came from another copy of it. Reports cannot read "
        "them; back the store up first (the read models are the evidence), then `fupin "
        "projections rebuild` makes them anew from the events that are there",
    )


def _recorded_text(state: bytes) -> str | None:
    """An event's recording time as stored (ISO text), or None if its state does not say."""
    try:
        found = orjson.loads(state)["timestamp"]["__datetime__"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None
    return found if isinstance(found, str) else None


def _check_clock(db: Database, ledger: Ledger) -> None:
    """Refuse read models whose clock disagrees with its tracked position or with the log:
    it counted more events than its position (every event counts once and positions start
    at 1, so ``pj_tracking`` was moved back), or the log no longer holds the event it counted
    last (``_check_not_ahead``). Once a catch-up."""
    found = _clock(db)
    if found is None:
        return
    events, recorded, position = found
    if events is not None and int(events) > position:
        raise AlteredReadModels(
            f"pj_tracking puts them at event {position}, but pj_clock has counted {events}"
        )
    _check_not_ahead(ledger, position, recorded)


def _clock(db: Database) -> tuple[Any, Any, int] | None:
    """The clock's events counted, the recording time of the last, and its tracked position
    (None: not tracked). One statement (one snapshot: a catch-up elsewhere moves them
    together)."""
    found = _clock_row(db)
    if found is None or found[2] is None:
        return None
    return found[0], found[1], int(found[2])


def _clock_row(db: Database) -> tuple[Any, ...] | None:
    return db.one(
        "SELECT (SELECT events FROM pj_clock WHERE id = 1), "
        "(SELECT latest_recorded FROM pj_clock WHERE id = 1), "
        "(SELECT position FROM pj_tracking WHERE projection = ?)",
        (reference.CLOCK.name,),
    )


@dataclass(frozen=True)
class Position:
    """What ``fupin verify`` says of the read models' record of their position
    (``ahead_of_ledger``): ``what`` the evidence; ``past_end``: what they recorded puts them
    past the ledger's end (a failure), else they disagree only among themselves (a note);
    ``both``: their two records (``pj_tracking`` and ``pj_clock``) agree on it. ``what`` is ""
    when they were compared and nothing was found."""

    what: str
    past_end: bool
    both: bool
    #: The ledger's last event is the one they counted last, but the ledger holds fewer events
    #: than they counted: events were removed from within the log, not from its end, and the
    #: reports, which compare the last event, serve (since session 34, tester b).
    within: bool = False
    #: The event at the position they counted last is another, by its recording time: removed
    #: and others recorded under its id, or its time changed.
    retimed: bool = False


def ahead_of_ledger(ledger: Ledger, size: int) -> Position | None:
    """What the store shows of events removed from the end of the ledger after the read
    models counted them, the evidence every report refuses on, for ``fupin verify`` (None: no
    read models built; ``what`` "": compared, nothing found; ``size``: the events verify
    counted). Both records of their position are judged, as the reports' refusal does
    (``_check_clock``): the clock's tracked position, an id (``_ahead``), and ``pj_clock``'s
    count of events and last recording time, compared with the ledger's count and its last
    event's time (counts with counts, ids with ids: PostgreSQL's have gaps). Either past the
    ledger's end fails; when only the tracked position is off (moved, deleted) while
    ``pj_clock`` counted exactly the ledger's events up to its last, the read models were
    edited, not the ledger: a note (since session 32, testers e and h). Only looks, whatever
    their version: a restore brings the read models with the events of the same backup, and a
    rebuild, an upgrade's included, makes them from the events there are, so neither leaves
    them ahead. Raises what the store raises when they cannot be read."""
    db = open_database(ledger.location)
    try:
        if db.missing_relations(["pj_clock", "pj_tracking"]):
            return None
        found = _clock_record(db)  # read before the ledger's end: what they counted is there
    finally:
        db.close()
    events, recorded, position = found
    counted = None if events is None else int(events)
    if counted is None and not position:
        return None  # never built (or emptied by a rebuild that has not begun counting)
    tracking = _ahead(ledger, position, recorded)
    last_id = ledger.recorder.max_notification_id() or 0
    page = ledger.recorder.select_notifications(start=last_id, limit=1) if last_id else []
    last_time = _recorded_text(page[0].state) if page else None
    if counted is not None and counted > size:  # events recorded since verify's pass?
        size = ledger.event_count()
    clock: list[str] = []
    if counted is not None and counted > size:
        clock.append(_ABOVE.format(size))
    if recorded is not None and last_time is not None and str(recorded) > last_time:
        clock.append(f"the ledger's last event was recorded {last_time}, before it")
    moved_back = counted is not None and counted > position
    if tracking is None and not clock and not moved_back:
        return Position("", past_end=False, both=True)
    said_clock = (
        "pj_clock holds no count"
        if counted is None
        else f"pj_clock has counted {counted} events, the last recorded {recorded}"
    )
    said_tracking = tracking or (
        f"pj_tracking puts them at event {position}"
        if position
        else "pj_tracking holds no position for them"
    )
    if tracking is not None and (clock or counted is None):  # both records past the end
        retimed = tracking.startswith(_ANOTHER_EVENT)
        return Position(tracking, past_end=True, both=True, retimed=retimed)
    last_counted = recorded is not None and str(recorded) == last_time
    if tracking is None and position == last_id and last_counted and clock == [_ABOVE.format(size)]:
        return Position(
            f"pj_clock has counted {counted} events, the last recorded {recorded}, which is "
            f"the ledger's last event (notification {last_id}), but the ledger holds {size} "
            "events",
            past_end=True,
            both=True,
            within=True,
        )
    if clock:
        return Position(f"{said_tracking}; while {said_clock}: {'; '.join(clock)}", True, False)
    exact = counted == size and recorded is not None and str(recorded) == last_time
    if tracking is not None and not exact:
        return Position(f"{said_tracking}; while {said_clock}", past_end=True, both=False)
    return Position(
        f"{said_tracking}; while {said_clock}, as the ledger holds {size} events, the last "
        f"recorded {last_time}",
        past_end=False,
        both=False,
    )


def _clock_record(db: Database) -> tuple[Any, Any, int]:
    """``_clock``, with no tracked position read as 0 (and no ``pj_clock`` row as None)."""
    found = _clock_row(db)
    if found is None:
        return None, None, 0
    return found[0], found[1], int(found[2] or 0)


class _Reset(Exception):
    """The read models' positions went back behind this catch-up's (a rebuild began
    meanwhile and emptied them): go on from where they are now."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


def _apply_after(db: Database, ledger: Ledger, start: int, pages_per_transaction: int) -> int:
    """Apply the events after ``start``; returns how many this process applied to the read
    models as they stand at the end. While a rebuild is under way (``_REBUILDING``), a
    writer finishes it and clears the mark in a transaction that finds them at the head; a
    reader that cannot write is refused instead of reading them half made."""
    applied = 0
    while True:
        try:
            applied += _apply_pages(db, ledger, start, pages_per_transaction)
        except _Reset as reset:  # emptied by a rebuild: its pages and ours now build them anew
            start, applied = reset.position, 0
            continue
        if not _rebuilding(db) or db.cannot_write() is not None:
            return applied
        with db.transaction():
            at = _lowest(db)
            with closing(facts(ledger, after=at)) as ahead:
                at_head = next(ahead, None) is None
            if at_head:  # in this transaction: whoever commits it finished the rebuild
                db.execute("DELETE FROM pj_schema WHERE id = ?", (_REBUILDING,))
                return applied
        start = at  # events recorded meanwhile, or another rebuild began: go on from there


def _apply_pages(db: Database, ledger: Ledger, start: int, pages_per_transaction: int) -> int:
    applied = 0
    expected = start  # positions only move forward, unless a rebuild empties them
    with closing(facts(ledger, after=start)) as stream:
        paged = pages(stream)
        page = next(paged, None)  # nothing new: no write transaction at all
        if page is not None:
            cannot = db.cannot_write()
            if cannot is not None:  # a replica, an analysts' role: read them as they are
                _refuse_mid_rebuild(db, ledger, cannot)
                _note_behind(ledger, start, cannot)
                return 0
        while page is not None:
            with db.transaction():
                now = _lowest(db)
                if now < expected:
                    raise _Reset(now)
                for taken in range(1, pages_per_transaction + 1):
                    applied += apply_facts(db, MODELS, page)
                    if taken == pages_per_transaction:
                        break
                    page = next(paged, None)
                    if page is None:
                        break
                expected = _lowest(db)
            if page is not None:
                # The next page is read once this transaction is committed: no read of the
                # events is open when it commits, so SQLite can checkpoint its write-ahead log
                # in full and start it again (a rebuild's log grew to all it wrote: ~300 MB
                # a million events).
                page = next(paged, None)
    return applied


def _lowest(db: Database) -> int:
    """The lowest position of any read model (inside a transaction: as this one sees it)."""
    tracked = positions(db)
    return min(tracked.get(m.name, 0) for m in MODELS)


#: ``pj_schema``'s row that says a rebuild is under way: written by the rebuild's first
#: transaction (the one that empties the tables), deleted by the transaction that brings the
#: read models to the head (the rebuild's, or a later catch-up's once a rebuild died). Its
#: ``version`` is the schema being built. A row, not a column: no table changes its shape
#: (``SCHEMA_VERSION`` stays), and every role that reads or keeps ``pj_schema`` already may.
_REBUILDING = 2


#: ``pj_schema``'s row that counts the rebuilds begun (in ``version``): one more in every
#: rebuild's first transaction, never fewer, never deleted (a rebuild empties every other row
#: and keeps this one). A reader reads it as it begins and again once it has read (``Seen``):
#: a rebuild that began meanwhile, even one that has finished since, changed it. Written only
#: by roles that rebuild, which may already write ``pj_schema``: no new grant, no new shape.
_REBUILDS = 3


def _rebuilding(db: Database) -> bool:
    """Whether a rebuild of the read models is under way (or was stopped before the head)."""
    return db.one("SELECT 1 FROM pj_schema WHERE id = ?", (_REBUILDING,)) is not None


def _refuse_mid_rebuild(
    db: Database, ledger: Ledger, cannot: str, seen: Seen | None = None
) -> None:
    """Refuse a reader that cannot write read models a rebuild has not finished: they hold
    only the events it has applied so far (none at first), not the ledger's figures. Looked
    at once the reader knows it is behind (the mark and the positions are committed together,
    so positions read before a rebuild's first commit and the mark read after it are seen
    together here), or with ``seen``, the mark and positions read in one statement: refused
    if they lie behind the ledger's head (a mark left at the head is read)."""
    if seen is None and not _rebuilding(db):
        return
    at = _lowest(db) if seen is None else seen.lowest
    last = ledger.recorder.max_notification_id() or 0
    if seen is not None and (not seen.marked or at >= last):
        return
    raise InputError(
        "store",
        f"the read models are being rebuilt (at notification {at}; the ledger's last is {last}, "
        "and ids may skip numbers) and this "
        f"connection cannot finish the rebuild ({cannot}): try again when `fupin projections "
        "rebuild` has finished (or, if it was stopped, ask the store's owner to run it again)",
    )


def rebuild(ledger: Ledger) -> int:
    """Drop every read model's tables and rebuild them from the first event."""
    db = open_database(ledger.location)
    try:
        refuse_foreign_schema(db)
        return _rebuild(db, ledger)
    finally:
        db.close()


def counted(ledger: Ledger) -> int:
    """How many events the read models hold, as their clock counted them (every event once,
    whoever applied it): after a rebuild, what it was rebuilt from, though another process
    applied some of them meanwhile (a second rebuild at once, a report's catch-up)."""
    db = open_database(ledger.location)
    try:
        found = db.one("SELECT events FROM pj_clock WHERE id = 1")
    finally:
        db.close()
    return 0 if found is None or found[0] is None else int(found[0])


def _rebuild(db: Database, ledger: Ledger) -> int:
    cannot = db.cannot_write()
    if cannot is not None:
        raise InputError(
            "store",
            f"this connection cannot rebuild the read models ({cannot}){db.read_only_advice}",
        )
    _begin_rebuild(db)
    try:
        return _catch_up(db, ledger, REBUILD_PAGES, fresh=True)
    except WriteFailedError as exc:  # a full disk part way (tester B, session 26)
        raise WriteFailedError(exc.lead, REBUILD_STOPPED, exc.after) from None


#: What a rebuild that SQLite stopped part way leaves (``WriteFailedError``).
REBUILD_STOPPED = (
    "the rebuild stopped part way: the read models hold what it had committed and stay marked "
    "as being rebuilt (`fupin projections status`), the rest was not written, and the "
    "ledger's events are as they were"
)


def _begin_rebuild(db: Database) -> None:
    """A rebuild's first transaction: every read model emptied, made again and marked."""
    with db.transaction():
        # Counted first, and the count kept: a reader that read the count before this
        # transaction commits finds it changed once it has read (``Seen``), whatever this
        # rebuild has done by then. On PostgreSQL the row's lock makes two rebuilds' first
        # transactions run one after the other, each counted (never a count lost).
        kept = not db.missing_relations(["pj_schema"])
        if kept:
            _count_rebuild(db)
        tables = [table for model in MODELS for table in model.tables]
        # In this version's shape first (an older fupin's columns, keys or indexes: on
        # PostgreSQL the tables are kept, and CREATE TABLE IF NOT EXISTS keeps them as found).
        db.reshape_tables(_all_ddl())
        db.clear_tables([*tables, "pj_tracking"])
        if kept:  # emptied but for the count (its shape never changes: kept, not remade)
            db.execute("DELETE FROM pj_schema WHERE id <> ?", (_REBUILDS,))
        db.memo("engine.positions").clear()
        # Emptied and made again in one transaction: a reader never finds them half there
        # (only at position 0, behind), and a catch-up meanwhile finds every model tracked.
        create_tables(db)
        if not kept:
            _count_rebuild(db)
        # Marked in the same transaction: until the transaction that brings them to the head
        # clears the mark, a reader that cannot finish the rebuild is refused, never shown
        # the emptied or half-filled tables as the ledger's figures (docs/operations.md).
        db.execute(
            "INSERT INTO pj_schema (id, version) VALUES (?, ?)", (_REBUILDING, SCHEMA_VERSION)
        )


def _count_rebuild(db: Database) -> None:
    db.execute(
        "INSERT INTO pj_schema (id, version) VALUES (?, 1) "
        "ON CONFLICT (id) DO UPDATE SET version = pj_schema.version + 1",
        (_REBUILDS,),
    )


def _prepare(db: Database) -> bool:
    """Make the read models' tables if they are not all there, and say whether they were
    built by an older ``fupin`` and need a rebuild. Looks first: read models that are there
    and current are left alone (nothing written, no write lock), so readers that may not
    write (a replica, an analysts' role) read them; such a reader is refused in one line when
    they need building or rebuilding."""
    unready = _unready(db)
    if unready is None:
        return False
    cannot = db.cannot_write()
    if cannot is not None:
        raise InputError(
            "store",
            f"the read models {unready} and this connection cannot bring them up to date "
            f"({cannot}){db.read_only_advice}",
        )
    with db.transaction():
        # What the rebuild that may follow would refuse (a table it cannot make again), before
        # anything is created (since session 26, tester L: a new table was committed, then
        # the rebuild refused saying "nothing was changed").
        db.reshape_tables(_all_ddl(), trial=True)
        return create_tables(db)


def _all_ddl() -> list[str]:
    """Every read model's DDL, and the tracking table's."""
    return [TRACKING_DDL, *(ddl for model in MODELS for ddl in model.schema)]


def _unready(db: Database) -> str | None:
    """What keeps the read models from being read as they are (None: nothing), by looking
    only. Read models a newer ``fupin`` built are refused."""
    if not schema_built(db, MODELS) or db.missing_relations(["pj_schema"]):
        return "are not built yet (or lack a table this version of fupin adds)"
    found = db.one("SELECT version FROM pj_schema WHERE id = 1")
    if found is None:
        return "keep no schema version"
    version = _version(found[0])
    if version is None:
        return "keep a schema row that is no version"
    if version == RESTORED:
        return "came with a restored backup and are rebuilt from its events before any report"
    if version < SCHEMA_VERSION:
        return f"were built by an older fupin (schema {version}, this one reads {SCHEMA_VERSION})"
    return None


def _version(found: Any) -> int | None:
    """The schema version stored (None: not a version); refuses a newer one."""
    try:
        version = int(found)
    except (TypeError, ValueError):
        return None
    if version > SCHEMA_VERSION:
        raise InputError(
            "store",
            f"its read models were built by a newer fupin (schema {version}, this one reads "
            f"{SCHEMA_VERSION}): upgrade fupin",
        )
    return version


def _note_behind(ledger: Ledger, position: int, cannot: str) -> None:
    """Say, in one line, how far behind the read models read as they are lie: a warning of
    the ``projections`` logger, which the command line prints as a note on stderr."""
    last = ledger.recorder.max_notification_id() or 0
    log.warning(
        "the read models are up to %d events behind the ledger (at notification %d; the "
        "ledger's last is %d, and ids may skip numbers) and this connection cannot update them "
        "(%s): read as they are",
        max(last - position, 1),
        position,
        last,
        cannot,
    )


def create_tables(db: Database) -> bool:
    """Every read model's tables and the schema version (inside a transaction); returns
    whether the read models were built by an older ``fupin`` and need a rebuild."""
    create_schema(db, MODELS)
    return _stale(db)


def _stale(db: Database) -> bool:
    """Whether the read models were built by an older ``fupin`` (``SCHEMA_VERSION``); read
    models not built yet are marked current. Inside the schema's transaction."""
    db.execute(_SCHEMA_DDL)
    found = db.one("SELECT version FROM pj_schema WHERE id = 1")
    if found is None:
        if any(position > 0 for position in positions(db).values()):
            return True  # built before the version was kept
        db.execute("INSERT INTO pj_schema (id, version) VALUES (1, ?)", (SCHEMA_VERSION,))
        return False
    version = _version(found[0])
    # A schema row that is no version: rebuilt as read models of unknown age.
    return version is None or version < SCHEMA_VERSION


def status(ledger: Ledger) -> list[dict[str, Any]]:
    """Each read model's tracked position against the ledger's last notification, and
    those of its tables the store holds. Only looks (since session 26, tester E: it made the
    tables a store lacked, 15 in a store an older fupin built, and listed them as that
    store's): a model not tracked is at 0, and ``readiness`` says what the next report does."""
    db = open_database(ledger.location)
    try:
        tracked = {} if db.missing_relations(["pj_tracking"]) else positions(db)
        wanted = [table for m in MODELS for table in m.tables]
        missing = set(db.missing_relations(wanted))
    finally:
        db.close()
    last = ledger.recorder.max_notification_id() or 0
    return [
        {
            "projection": m.name,
            "position": tracked.get(m.name, 0),
            "behind": max(last - tracked.get(m.name, 0), 0),
            "tables": [table for table in m.tables if table not in missing],
        }
        for m in MODELS
    ]


def readiness(ledger: Ledger) -> str | None:
    """What a report will do before it reads the read models, beyond catching up (None:
    nothing): build them, rebuild them (another version of ``fupin`` built them, a restored
    backup brought them), or finish a rebuild under way or stopped before the head (a
    reader that may not write is refused until then); or that every report is refused (read
    models a newer ``fupin`` built, positions moved back, or past the events there are).
    ``fupin projections status`` says it under the positions, which alone read as an
    ordinary catch-up. Only looks."""
    db = open_database(ledger.location)
    try:
        unready = _unready(db)
        if unready is not None:
            return (
                f"the read models {unready}: the next report (or `fupin projections rebuild`) "
                "builds them anew from the events; until then a reader that may not write is "
                "refused"
            )
        if _rebuilding(db):
            return (
                "a rebuild of the read models is under way, or was stopped before it reached "
                "the ledger's head: the next report (or `fupin projections rebuild`) finishes "
                "it; until then a reader that may not write is refused"
            )
        # What refuses every report: positions moved back, or past the events there are.
        _check_clock(db, ledger)
        return _disagreeing(db)
    except InputError as exc:  # read models a newer fupin built, or changed: said, not refused
        return f"every report is refused: {exc.rule}"
    finally:
        db.close()


def check(ledger: Ledger) -> list[dict[str, Any]]:
    """Whether the stored read models are what the events make (``fupin projections check``):
    each table's rows, as stored and as folded afresh from the events up to the same position,
    compared as multisets (a count and a sum of row hashes, streamed: flat memory). A read
    model changed behind the ledger's back (an ``UPDATE`` on ``pj_allocations``) shows here;
    ``fupin verify`` checks the events themselves. Costs about a rebuild (into a temporary
    file: memory stays flat)."""
    key = os.urandom(32)  # the rows' hash is keyed anew each run: no change can be made ahead
    db = open_database(ledger.location)
    try:
        refuse_foreign_schema(db)
        unready = _unready(db)
        if _prepare(db):
            # Caught up, they would be rebuilt, and whatever was changed would be gone.
            if unready is not None and unready.startswith("came with a restored backup"):
                # Tester J, session 23: a fresh restore's check blamed another version.
                raise InputError(
                    "store",
                    f"the read models {unready}: there is nothing to compare yet. Run any "
                    "report (or `fupin projections rebuild`) once, then check",
                )
            raise InputError(
                "store",
                "the read models were built by another version of fupin, or their schema row "
                "was removed: there is nothing to compare. `fupin projections rebuild` makes "
                "them anew from the events",
            )
        seen = _seen(db, ledger)
        try:
            _catch_up_from(db, ledger, seen.lowest)
            altered = False
        except AlteredReadModels:  # compared as they are: what they hold beyond their position
            altered = True
        # One state of the read models, their position with it, whatever other commands
        # catch them up meanwhile (since session 33: read up to three times until no report
        # had caught them up between two readings, it was refused "the read models kept
        # moving" while officers worked, tester d)
        with db.snapshot():
            upto = positions(db)
            stored = {t: _multiset(db.stream(f"SELECT * FROM {t}"), key) for t in _CHECKED}
        seen.unmoved(db, ledger, "check")
    finally:
        db.close()
    last = min(upto[model.name] for model in MODELS)
    with closing(facts(ledger)) as stream:
        upto_last = takewhile(lambda fact: fact.position <= last, stream)
        fresh = fold(upto_last, MODELS, scratch_database())
    try:
        rebuilt = {t: _multiset(fresh.stream(f"SELECT * FROM {t}"), key) for t in _CHECKED}
    finally:
        fresh.close()
    # Positions moved back: the table that says so leads (a rebuild makes one row a model).
    tracking = {"table": "pj_tracking", "stored_rows": len(upto), "rebuilt_rows": len(MODELS)}
    return ([{**tracking, "same": False}] if altered else []) + [
        {
            "table": table,
            "stored_rows": stored[table][0],
            "rebuilt_rows": rebuilt[table][0],
            "same": stored[table] == rebuilt[table],
        }
        for table in _CHECKED
    ]


#: Every read model's tables, in model order.
_CHECKED = tuple(table for model in MODELS for table in model.tables)


def _multiset(rows: Iterator[tuple[Any, ...]], key: bytes) -> tuple[int, int]:
    """(count, sum of 128-bit keyed row hashes mod 2**128): equal for the same rows in any
    order. Keyed with a secret drawn for this run: with a known hash, rows could be changed
    so that their sum stays the same (a generalised birthday search); without the key, no
    such change can be prepared."""
    count = total = 0
    for row in rows:
        digest = hashlib.blake2b(orjson.dumps(row), key=key, digest_size=16).digest()
        total = (total + int.from_bytes(digest, "big")) & _MASK
        count += 1
    return count, total


_MASK = (1 << 128) - 1


@dataclass(frozen=True)
class Seen:
    """What a reader of the persistent read models saw of rebuilds as it began (read in one
    statement, one snapshot on PostgreSQL as on SQLite): how many had begun (``_REBUILDS``),
    whether one is under way (``_REBUILDING``), and the lowest position."""

    rebuilds: int
    marked: bool
    lowest: int

    def unmoved(self, db: Database, ledger: Ledger, reader: str) -> None:
        """Refuse, once the reader has read, what it read while a rebuild began (its count
        changed: it emptied the tables, though it may have finished since) or the positions
        moved back; and a reader that cannot write that now finds the read models marked
        and behind the ledger's head. One statement when nothing is amiss."""
        now = _seen(db)
        if now.rebuilds != self.rebuilds or now.lowest < self.lowest:
            raise ConflictError(
                "store",
                f"a rebuild of the read models began while this {reader} read them, and what "
                "it read may be partly empty: try again (once `fupin projections rebuild` has "
                "finished)",
            )
        _refuse_unfinished(db, ledger, now)


def _seen(db: Database, ledger: Ledger | None = None) -> Seen:
    """The rebuilds' count and mark and the lowest position, in one statement; with
    ``ledger``, a reader that cannot write is refused read models marked and behind."""
    names = [model.name for model in MODELS]
    marks = ", ".join("?" for _ in names)
    found = db.one(
        "SELECT (SELECT version FROM pj_schema WHERE id = ?), "
        "(SELECT COUNT(*) FROM pj_schema WHERE id = ?), "
        f"(SELECT COUNT(*) FROM pj_tracking WHERE projection IN ({marks})), "
        f"(SELECT MIN(position) FROM pj_tracking WHERE projection IN ({marks}))",
        (_REBUILDS, _REBUILDING, *names, *names),
    )
    rebuilds, marked, tracked, lowest = found if found is not None else (None, 0, 0, None)
    seen = Seen(
        rebuilds=_count(rebuilds),
        marked=bool(marked),
        lowest=int(lowest) if tracked == len(names) and lowest is not None else 0,
    )
    if ledger is not None:
        _refuse_unfinished(db, ledger, seen)
    return seen


def _count(found: Any) -> int:
    try:
        return int(found)
    except (TypeError, ValueError):
        return 0  # no rebuild counted (a store from before the count, or read models new)


def _refuse_unfinished(db: Database, ledger: Ledger, seen: Seen) -> None:
    if not seen.marked:
        return  # the usual case: nothing more is read
    cannot = db.cannot_write()
    if cannot is not None:
        _refuse_mid_rebuild(db, ledger, cannot, seen)


def _start_reading(db: Database, ledger: Ledger) -> Seen:
    """Bring the read models up to date (made, rebuilt after an upgrade, caught up) for a
    reader, and return what it saw of rebuilds before it caught up (``Seen.unmoved``)."""
    refuse_foreign_schema(db)
    if _prepare(db):
        _rebuild(db, ledger)  # this reader's own rebuild: counted before the reader looks
    seen = _seen(db, ledger)
    _catch_up_from(db, ledger, seen.lowest)
    return seen


@contextmanager
def steady(ledger: Ledger, reader: str) -> Iterator[None]:
    """The persistent read models caught up, for a reader that reads them on another
    connection inside the ``with`` (``fupin query``): refused as ``Seen.unmoved`` says once
    it has read (also when what it read failed: a rebuild meanwhile is the cause named)."""
    db = open_database(ledger.location)
    try:
        seen = _start_reading(db, ledger)
        try:
            yield
        except Exception:
            seen.unmoved(db, ledger, reader)
            raise
        seen.unmoved(db, ledger, reader)
    finally:
        db.close()


@dataclass(frozen=True)
class View:
    """Read models to report from, and the day the report speaks of."""

    db: Database
    today: date | None  # as-of date, else the latest effective date in the view


@contextmanager
def open_view(
    ledger: Ledger, as_of: date | None = None, known_at: datetime | None = None
) -> Iterator[View]:
    """The persistent read models (caught up) when neither time is given; otherwise the same
    models folded in memory from the events effective by ``as_of`` / recorded by ``known_at``.
    A report from the persistent read models is refused if a rebuild began while it read
    them (``Seen.unmoved``)."""
    seen: Seen | None = None
    if known_at is not None:
        check_known_at_after_move(ledger, known_at)
    if as_of is None and known_at is None:
        db = open_database(ledger.location)
        try:
            seen = _start_reading(db, ledger)
        except BaseException:
            db.close()
            raise
    else:
        known = None if known_at is None else known_prefix(ledger.recorder, known_at)
        with closing(facts(ledger)) as stream:
            db = fold(filter_facts(continuous(stream), as_of, known), MODELS)
    try:
        try:
            yield View(db, as_of or _latest_effective(db))
        except Exception:
            if seen is not None:  # a household not found in emptied tables: the rebuild's doing
                seen.unmoved(db, ledger, "report")
            raise
        if seen is not None:
            seen.unmoved(db, ledger, "report")
    finally:
        db.close()


def _latest_effective(db: Database) -> date | None:
    row = db.one("SELECT latest_effective FROM pj_clock WHERE id = 1")
    # Empty until the programme's own work starts (reference data does not move it).
    return None if row is None or not row[0] else date.fromisoformat(str(row[0]))
