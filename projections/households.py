"""Read model ``households``: each household's state, its assistance periods, exit steps,
income assessments.

Tables: ``pj_households`` (one row per household), ``pj_periods`` (from registration or
return to exit: when the household is assisted), ``pj_exit_steps`` (one row per exit step, by
exit cycle), ``pj_return_steps`` (one row per step of a return to poverty 返贫 and per
withdrawal, by return cycle; since session 23), ``pj_incomes`` (one row per assessment;
``voided`` once corrected), ``pj_key_target_amendments`` (a row a field of an amendment of a
registered household's key-target mark; since session 26).

A household's row changes many times (reviewed, noticed, signed, registered...). Within a
transaction the rows a handler touches are held in memory (``Held``), changed there, and
written back when the queue of writes runs (``Database.before_flush``: before anything else
reads, or at commit): inserted if new, else only the columns that changed. Every change to
``pj_households`` goes through ``Held``, so a row it does not hold has no change waiting.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from ledger.household import exit_in_force_on

from projections.engine import Fact, ReadModel
from projections.storage import Database

__all__ = [
    "COLUMNS",
    "MODEL",
    "NOWHERE",
    "Held",
    "assisted_periods",
    "before_exit",
    "moved_entry",
    "out_on",
    "place",
    "place_of_number",
    "stage",
    "village_on",
    "voided_return",
]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pj_households (aggregate_id TEXT PRIMARY KEY, "
    "number TEXT UNIQUE, street TEXT, village TEXT, area TEXT, members INTEGER, "
    "labour INTEGER, willing INTEGER, disabled INTEGER, key_target INTEGER, stage TEXT, "
    "identified_on TEXT, identified_by TEXT, identified_imported_by TEXT, reviewed_on TEXT, "
    "notice_start TEXT, notice_end TEXT, signed_on TEXT, signed_version INTEGER, "
    "registered_on TEXT, registered_by TEXT, registered_imported_by TEXT, agreement_on TEXT, "
    "exit_cycle INTEGER, exit_year INTEGER, exited_on TEXT, returned_on TEXT, "
    "plan_year INTEGER, closed_on TEXT, closed_because TEXT, closed_into TEXT, closed_by TEXT, "
    "closed_imported_by TEXT, closed_document TEXT, closed_reason TEXT, "
    "closed_version INTEGER)",
    "CREATE TABLE IF NOT EXISTS pj_periods (aggregate_id TEXT, version INTEGER, "
    "household TEXT, started_on TEXT, ended_on TEXT, PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_exit_steps (aggregate_id TEXT, version INTEGER, "
    "household TEXT, exit_cycle INTEGER, step TEXT, effective TEXT, notice_start TEXT, "
    "notice_end TEXT, recorded_by TEXT, imported_by TEXT, year INTEGER, "
    "PRIMARY KEY (aggregate_id, version))",
    # Each step of a return to poverty 返贫 (recognised, applied, reviewed, approved) with what
    # it said of the disaster and the recognising authority, and each withdrawal with its
    # reason (step ``withdrawn``); a return's steps share a cycle, the next return starts the
    # next. Since session 23: only ``fupin history`` showed them (testers, session 22).
    "CREATE TABLE IF NOT EXISTS pj_return_steps (aggregate_id TEXT, version INTEGER, "
    "household TEXT, return_cycle INTEGER, step TEXT, effective TEXT, disaster TEXT, "
    "authority TEXT, reason TEXT, recorded_by TEXT, imported_by TEXT, "
    "PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_incomes (aggregate_id TEXT, version INTEGER, "
    "household TEXT, year INTEGER, income_fen INTEGER, assessed_on TEXT, recorded_by TEXT, "
    "imported_by TEXT, voided INTEGER, PRIMARY KEY (aggregate_id, version))",
    # A household's members by effective date, once they changed (the identification's count,
    # then each change): an exit's people are the members on the day it took effect, however
    # late either was recorded. Households never changed have no rows (pj_households has it).
    "CREATE TABLE IF NOT EXISTS pj_members (aggregate_id TEXT, version INTEGER, "
    "effective TEXT, members INTEGER, PRIMARY KEY (aggregate_id, version))",
    # Each change of members voided, as it was, and the correction's version (since session
    # 30): an assessment recorded before the correction was made for the members it had.
    "CREATE TABLE IF NOT EXISTS pj_members_voided (aggregate_id TEXT, version INTEGER, "
    "effective TEXT, members INTEGER, voided_by INTEGER, PRIMARY KEY (aggregate_id, version))",
    # The entry that posted each identification notice and its first day (its effective
    # date), for a correction that voids it.
    "CREATE TABLE IF NOT EXISTS pj_notice_entries (aggregate_id TEXT, version INTEGER, "
    "start TEXT, PRIMARY KEY (aggregate_id, version))",
    # The entry of each village review and its day, for a correction that voids it (since
    # session 24: the household is back at its identification).
    "CREATE TABLE IF NOT EXISTS pj_review_entries (aggregate_id TEXT, version INTEGER, "
    "reviewed_on TEXT, PRIMARY KEY (aggregate_id, version))",
    # Each move 迁移 to another village of its street (since session 25), by entry: the
    # village before and after, from its effective date; ``voided`` once corrected.
    "CREATE TABLE IF NOT EXISTS pj_moves (aggregate_id TEXT, version INTEGER, household TEXT, "
    "effective TEXT, from_village TEXT, to_village TEXT, reason TEXT, recorded_by TEXT, "
    "imported_by TEXT, voided INTEGER, PRIMARY KEY (aggregate_id, version))",
    # Each amendment of a registered household's key-target mark, a row a field it restated
    # (key_target, and labour or willing with it; since session 26): from the start, so it
    # moves its street's K of every plan year since its registration, closed ones too. The
    # accountability report lists them (``key_target_amendments``).
    "CREATE TABLE IF NOT EXISTS pj_key_target_amendments (position INTEGER, field TEXT, "
    "aggregate_id TEXT, household TEXT, effective TEXT, recorded TEXT, actor TEXT, "
    "imported_by TEXT, document TEXT, reason TEXT, before TEXT, after TEXT, "
    "PRIMARY KEY (position, field))",
)


#: The columns of ``pj_households``, in table order.
COLUMNS = (
    "aggregate_id",
    "number",
    "street",
    "village",
    "area",
    "members",
    "labour",
    "willing",
    "disabled",
    "key_target",
    "stage",
    "identified_on",
    "identified_by",
    "identified_imported_by",
    "reviewed_on",
    "notice_start",
    "notice_end",
    "signed_on",
    "signed_version",
    "registered_on",
    "registered_by",
    "registered_imported_by",
    "agreement_on",
    "exit_cycle",
    "exit_year",
    "exited_on",
    "returned_on",
    "plan_year",
    # The closure 注销 in force (since session 25): from ``closed_on`` the household is counted
    # in no report (docs/reports.md); null while it is open.
    "closed_on",
    "closed_because",
    "closed_into",
    "closed_by",
    "closed_imported_by",
    "closed_document",
    "closed_reason",
    "closed_version",
)
#: The day from which household ``h`` leaves the 2:3:5 plan's K and exits, ``caseload``'s
#: exits and the per-person base (since session 25, docs/reports.md "Closed households"):
#: null while it is open, and for a natural decrease 自然减少 (merged, died out, moved away)
#: closed while an approved exit was in force (by ``pj_periods``, as ``out_on``): its exit
#: counts in its year and its people as at its exit; ``0000-01-01`` (every year) for a
#: ``duplicate`` or ``in-error`` closure, which says it should never have been counted;
#: ``closed_on`` for a natural decrease of a household not out of poverty that day. The
#: per-person base reads it for every closure but a merge 合户, which moves people and
#: changes no count there (``projections.fund_report._PEOPLE``).
LEAVES_ON = (
    "(CASE WHEN h.closed_on IS NULL THEN NULL "
    "WHEN h.closed_because IN ('duplicate', 'in-error') THEN '0000-01-01' "
    "WHEN EXISTS (SELECT 1 FROM pj_periods p WHERE p.aggregate_id = h.aggregate_id "
    "AND p.ended_on IS NOT NULL AND p.ended_on <= h.closed_on AND NOT EXISTS (SELECT 1 "
    "FROM pj_periods n WHERE n.aggregate_id = p.aggregate_id AND n.version > p.version "
    "AND n.started_on <= h.closed_on)) THEN NULL "
    "ELSE h.closed_on END)"
)
_SELECT_ROW = f"SELECT {', '.join(COLUMNS)} FROM pj_households WHERE aggregate_id = ?"
_INSERT_ROW = (
    f"INSERT INTO pj_households ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
)

Row = dict[str, Any]
Place = tuple[str, str]  # number, street: never change once identified

_in_order = itemgetter(*COLUMNS)  # a row's values in column order


class Held:
    """The households rows this transaction holds, and what it remembers of households."""

    __slots__ = ("changed", "new", "numbers", "pending", "places", "rows")

    def __init__(self) -> None:
        self.rows: dict[str, Row | None] = {}  # aggregate id -> row (None: no such household)
        self.new: dict[str, Row] = {}  # rows to insert
        self.changed: dict[str, set[str]] = {}  # aggregate id -> columns to update
        # Changes to rows not read (most events only set columns): the new values alone, for
        # the UPDATE; merged into the stored row if a handler reads the row after all.
        self.pending: dict[str, Row] = {}
        # Number and street never change once identified (a village may be amended: it is
        # read from the row, or from ``numbers``, which ``amended`` restates):
        self.places: dict[str, Place] = {}  # by aggregate id (NOWHERE: none)
        self.numbers: dict[str, tuple[str, str] | None] = {}  # number -> street, village

    def row(self, db: Database, aggregate_id: str) -> Row | None:
        """The household's row as the transaction has it so far (None if there is none)."""
        rows = self.rows
        if aggregate_id in rows:
            return rows[aggregate_id]
        # Not held: no write of it waits in the queue, so what is stored is current, bar the
        # pending changes, which are newer.
        stored = db.peek(_SELECT_ROW, (aggregate_id,))
        found = rows[aggregate_id] = (
            None if stored is None else dict(zip(COLUMNS, stored, strict=True))
        )
        pending = self.pending.pop(aggregate_id, None)
        if pending is not None:
            if found is None:  # no such household: its changes update nothing
                self.changed.pop(aggregate_id, None)
            else:
                found.update(pending)
        return found

    def add(self, db: Database, row: Row) -> None:
        aggregate_id = row["aggregate_id"]
        self.rows[aggregate_id] = self.new[aggregate_id] = row
        self.pending.pop(aggregate_id, None)  # changes before it was identified change nothing
        self.changed.pop(aggregate_id, None)
        found = self.places[aggregate_id] = (row["number"], row["street"])
        _keep_place(db, aggregate_id, found)
        self.numbers[row["number"]] = (row["street"], row["village"])
        db.before_flush("households", self.write_back)

    def change(self, db: Database, aggregate_id: str, values: Row) -> None:
        """``UPDATE pj_households SET ... WHERE aggregate_id = ?``, on the held row (or on the
        pending changes, if the row was not read: no household, no row updated)."""
        row = self.rows.get(aggregate_id)
        if row is None:
            if aggregate_id in self.rows:  # held, and there is no such household
                return
            row = self.pending.get(aggregate_id)
            if row is None:
                row = self.pending[aggregate_id] = {}
        row.update(values)
        if aggregate_id not in self.new:
            columns = self.changed.get(aggregate_id)
            if columns is None:
                columns = self.changed[aggregate_id] = set()
            columns.update(values)
            db.before_flush("households", self.write_back)

    def write_back(self, db: Database) -> None:
        for row in self.new.values():
            db.write(_INSERT_ROW, _in_order(row))
        self.new.clear()
        rows, pending = self.rows, self.pending
        for aggregate_id, columns in self.changed.items():
            names = sorted(columns)
            current = rows.get(aggregate_id) or pending[aggregate_id]
            db.write(
                f"UPDATE pj_households SET {', '.join(f'{c} = ?' for c in names)} "
                "WHERE aggregate_id = ?",
                (*(current[c] for c in names), aggregate_id),
            )
        self.changed.clear()
        pending.clear()  # written: the stored rows now hold them


#: What ``place`` answers for a household there is none of.
NOWHERE: Place = ("", "")


#: Places remembered across transactions (``Database.lasting``), at most.
_PLACES_KEPT = 100_000


def place(db: Database, aggregate_id: str) -> Place:
    """The household's number and street (``NOWHERE`` if there is none): fixed once
    identified, so kept past the transaction (``Database.lasting``). Not its village, which
    an amendment may restate (``place_of_number``, the row)."""
    lasting: dict[str, Place] = db.lasting("households.places")
    found = lasting.get(aggregate_id)
    if found is not None:
        return found
    mine = db.held("households", Held)
    found = mine.places.get(aggregate_id)
    if found is None:
        row = mine.row(db, aggregate_id)
        found = mine.places[aggregate_id] = (
            NOWHERE if row is None else (str(row["number"]), str(row["street"]))
        )
    if found is not NOWHERE:  # "none yet" may change: never kept past the transaction
        _keep_place(db, aggregate_id, found)
    return found


def _keep_place(db: Database, aggregate_id: str, found: Place) -> None:
    """Remember a household's place past the transaction: it follows from the event that
    identified the household, whether or not this transaction commits."""
    lasting: dict[str, Place] = db.lasting("households.places")
    if len(lasting) >= _PLACES_KEPT:
        lasting.clear()
    lasting[aggregate_id] = found


def place_of_number(db: Database, number: str) -> tuple[str, str] | None:
    """The street and village of household ``number`` (None if there is no such household)."""
    numbers = db.held("households", Held).numbers
    if number in numbers:
        return numbers[number]
    # Read as stored: a household added since is held, and no write changes these columns.
    row = db.peek("SELECT street, village FROM pj_households WHERE number = ?", (number,))
    found = numbers[number] = None if row is None else (str(row[0]), str(row[1]))
    return found


def _set(db: Database, fact: Fact, **values: Any) -> None:
    db.held("households", Held).change(db, fact.aggregate_id, values)


def stage(db: Database, aggregate_id: str) -> str:
    """The household's stage ('' if there is no such household)."""
    row = db.held("households", Held).row(db, aggregate_id)
    return "" if row is None else str(row["stage"])


def before_exit(db: Database, aggregate_id: str, effective: str) -> bool:
    """Whether a pairing ending on ``effective`` (ISO) ends before the household's exit
    (不脱贫不脱钩): no exit approved by then was in force that day (``out_on``)."""
    return not out_on(assisted_periods(db, aggregate_id), effective)


def assisted_periods(db: Database, aggregate_id: str) -> list[tuple[str, str | None]]:
    """The household's ``pj_periods`` in the order they were recorded: (registration or
    return approval, the exit approval that ended it or None)."""
    rows = db.rows(
        "SELECT started_on, ended_on FROM pj_periods WHERE aggregate_id = ? ORDER BY version",
        (aggregate_id,),
    )
    return [(str(started), None if ended is None else str(ended)) for started, ended in rows]


def out_on(periods: list[tuple[str, str | None]], day: str) -> bool:
    """Whether an approved exit was in force on ``day`` (ISO), by effective date and not by the
    stage now, as ``ledger.household.Household.exit_in_force``: on or after an exit's approval
    (a period's end) and before the next return's approval (the next period's start), in
    whichever order the exit, the return and the entry dated ``day`` were recorded."""
    exits = [ended for _, ended in periods if ended is not None]  # only the last runs on
    returns = [started for started, _ in periods[1:]]
    return exit_in_force_on(exits, returns, day) is not None


def _number(db: Database, fact: Fact) -> str:
    return place(db, fact.aggregate_id)[0]


def identified(db: Database, fact: Fact) -> None:
    row: Row = {
        "aggregate_id": fact.aggregate_id,
        "number": fact["number"],
        "street": fact["street"],
        "village": fact["village"],
        "area": fact["area"],
        "members": fact["members"],
        "labour": int(fact["labour"]),
        "willing": int(fact["willing"]),
        "disabled": int(fact["disabled"]),
        "key_target": 0,
        "stage": "identified",
        "identified_on": fact.effective,
        "identified_by": fact.actor,
        "identified_imported_by": fact.imported_by,
        "reviewed_on": None,
        "notice_start": None,
        "notice_end": None,
        "signed_on": None,
        "signed_version": None,
        "registered_on": None,
        "registered_by": None,
        "registered_imported_by": None,
        "agreement_on": None,
        "exit_cycle": 0,
        "exit_year": None,
        "exited_on": None,
        "returned_on": None,
        "plan_year": None,
        "closed_on": None,
        "closed_because": None,
        "closed_into": None,
        "closed_by": None,
        "closed_imported_by": None,
        "closed_document": None,
        "closed_reason": None,
        "closed_version": None,
    }
    db.held("households", Held).add(db, row)


def members_changed(db: Database, fact: Fact) -> None:
    row = db.held("households", Held).row(db, fact.aggregate_id)
    found = db.one(
        "SELECT MAX(effective) FROM pj_members WHERE aggregate_id = ?", (fact.aggregate_id,)
    )
    latest = None if found is None else found[0]
    if row is not None and latest is None:
        # the first change: the identification's count first (its event is version 1)
        db.write(
            "INSERT INTO pj_members VALUES (?, 1, ?, ?)",
            (fact.aggregate_id, row["identified_on"], row["members"]),
        )
        latest = str(row["identified_on"])
    db.write(
        "INSERT INTO pj_members VALUES (?, ?, ?, ?)",
        (fact.aggregate_id, fact.version, fact.effective, fact["members"]),
    )
    # A change entered late, dated before the one in force, is history: the household's
    # members now are those of its latest change by effective date (ledger.household).
    if latest is None or fact.effective >= str(latest):
        _set(db, fact, members=fact["members"])


def closed(db: Database, fact: Fact) -> None:
    """The household's record closed 注销 (since session 25)."""
    _set(
        db,
        fact,
        closed_on=fact.effective,
        closed_because=fact["because"],
        closed_into=fact["into"] or None,
        closed_by=fact.actor,
        closed_imported_by=fact.imported_by,
        closed_document=fact.prov.document,
        closed_reason=fact["reason"],
        closed_version=fact.version,
    )


#: The memo of every live move by household number: (effective, from, to), in date order.
_MOVES = "households.moves"


def _moves(db: Database) -> dict[str, list[tuple[str, str, str]]]:
    """Every household's live moves, read once a transaction (moves are few)."""
    moves = db.memo(_MOVES)
    if not moves:
        moves[""] = []  # read: an empty table is not read again
        for number, effective, before, after in db.rows(
            "SELECT household, effective, from_village, to_village FROM pj_moves "
            "WHERE voided = 0 ORDER BY effective, version"
        ):
            moves.setdefault(str(number), []).append((str(effective), str(before), str(after)))
    return moves


def village_on(db: Database, number: str, day: str, village: str) -> str:
    """The village household ``number`` was in on ``day`` (ISO): its latest move dated by
    then, or the village before its first move; ``village`` (where it is now) if it never
    moved (since session 25)."""
    found = _moves(db).get(number)
    if not found:
        return village
    for effective, _, after in reversed(found):
        if effective <= day:
            return after
    return found[0][1]


def moved(db: Database, fact: Fact) -> None:
    """A move 迁移 (since session 25): the household is in the new village from its date on;
    moves are dated in order, so the latest recorded is the one in force now."""
    row = db.held("households", Held).row(db, fact.aggregate_id)
    if row is None:
        return
    number = str(row["number"])
    # the memo read before the row is written (a first read would hold it already)
    _moves(db).setdefault(number, []).append((fact.effective, fact["was"], fact["village"]))
    db.write(
        "INSERT INTO pj_moves VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        (
            *(fact.aggregate_id, fact.version, number, fact.effective),
            *(fact["was"], fact["village"], fact["reason"], fact.actor, fact.imported_by),
        ),
    )
    _set(db, fact, village=fact["village"])
    _replace_village(db, row, fact["village"])


_MOVE_ENTRY = (
    "SELECT household, effective, from_village FROM pj_moves WHERE aggregate_id = ? AND version = ?"
)


def moved_entry(db: Database, aggregate_id: str, version: int) -> tuple[str, str, str] | None:
    """The move recorded at ``version`` (its household, date and the village before), if it
    is one (a voided one too: the funds model reads it after the correction)."""
    found = db.one(_MOVE_ENTRY, (aggregate_id, version))
    return None if found is None else (str(found[0]), str(found[1]), str(found[2]))


def _move_voided(db: Database, fact: Fact, row: Row) -> bool:
    """A move voided (the latest live one: ``Household.check_move_voidable``): the household
    is back in the village before it. False if the voided entry is no move."""
    found = moved_entry(db, fact.aggregate_id, fact["corrects"])
    if found is None:
        return False
    number, _, before = found
    live = _moves(db).get(number, [])  # read before the row is marked voided
    if live:
        live.pop()  # the latest live move: the one voided
    db.write(
        "UPDATE pj_moves SET voided = 1 WHERE aggregate_id = ? AND version = ?",
        (fact.aggregate_id, fact["corrects"]),
    )
    _set(db, fact, village=before)
    _replace_village(db, row, before)
    return True


def reviewed(db: Database, fact: Fact) -> None:
    db.memo(_REVIEWS)[(fact.aggregate_id, fact.version)] = fact.effective
    db.write(
        "INSERT INTO pj_review_entries VALUES (?, ?, ?)",
        (fact.aggregate_id, fact.version, fact.effective),
    )
    _set(
        db,
        fact,
        stage="reviewed" if fact["accepted"] else "rejected",
        reviewed_on=fact.effective,
    )


def notice_posted(db: Database, fact: Fact) -> None:
    db.memo(_NOTICES)[(fact.aggregate_id, fact.version)] = fact.effective
    db.write(
        "INSERT INTO pj_notice_entries VALUES (?, ?, ?)",
        (fact.aggregate_id, fact.version, fact.effective),
    )
    _set(
        db,
        fact,
        stage="under-notice",
        notice_start=fact.iso("start"),
        notice_end=fact.iso("end"),
    )


def objection_resolved(db: Database, fact: Fact) -> None:
    if fact["upheld"]:
        _set(db, fact, stage="rejected")


def signed(db: Database, fact: Fact) -> None:
    _set(db, fact, signed_on=fact.effective, signed_version=fact.version)


def registered(db: Database, fact: Fact) -> None:
    _set(
        db,
        fact,
        stage="registered",
        key_target=int(fact["key_target"]),
        registered_on=fact.effective,
        registered_by=fact.actor,
        registered_imported_by=fact.imported_by,
    )
    _open_period(db, fact)


def _open_period(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_periods VALUES (?, ?, ?, ?, NULL)",
        (fact.aggregate_id, fact.version, _number(db, fact), fact.effective),
    )


def agreement_signed(db: Database, fact: Fact) -> None:
    db.memo(_AGREEMENTS)[(fact.aggregate_id, fact.version)] = fact.effective
    _set(db, fact, agreement_on=fact.effective)


def income_assessed(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_incomes VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
        (
            fact.aggregate_id,
            fact.version,
            _number(db, fact),
            fact["year"],
            fact["income_fen"],
            fact.effective,
            fact.actor,
            fact.imported_by,
        ),
    )


def _exit_step(db: Database, fact: Fact, step: str, start: str | None, end: str | None) -> None:
    """One row per step, with the household's number, exit cycle and year (none if unknown)."""
    row = db.held("households", Held).row(db, fact.aggregate_id)
    if row is None:
        return
    db.write(
        "INSERT INTO pj_exit_steps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fact.aggregate_id,
            fact.version,
            row["number"],
            row["exit_cycle"],
            step,
            fact.effective,
            start,
            end,
            fact.actor,
            fact.imported_by,
            row["exit_year"],
        ),
    )


def exit_proposed(db: Database, fact: Fact) -> None:
    _set(db, fact, exit_year=fact["year"])
    _exit_step(db, fact, "proposed", None, None)


def exit_noticed(db: Database, fact: Fact) -> None:
    _exit_step(db, fact, "noticed", fact.iso("start"), fact.iso("end"))


def exit_advanced(db: Database, fact: Fact) -> None:
    _exit_step(db, fact, fact["step"], None, None)
    if fact["step"] == "approved":
        db.memo(_APPROVALS)[(fact.aggregate_id, fact.version)] = fact.effective
        _set(db, fact, stage="exited", exited_on=fact.effective)
        db.write(
            "UPDATE pj_periods SET ended_on = ? WHERE aggregate_id = ? AND ended_on IS NULL",
            (fact.effective, fact.aggregate_id),
        )


def exit_withdrawn(db: Database, fact: Fact) -> None:
    """The exit under way ends as ``withdrawn``; the next proposal starts a new exit cycle."""
    _exit_step(db, fact, "withdrawn", None, None)
    row = db.held("households", Held).row(db, fact.aggregate_id)
    if row is not None:
        cycle = row["exit_cycle"]
        db.memo(_WITHDRAWALS)[(fact.aggregate_id, fact.version)] = (cycle, row["exit_year"])
        _set(db, fact, exit_year=None, exit_cycle=None if cycle is None else cycle + 1)


def _return_step(db: Database, fact: Fact, step: str, said: dict[str, str]) -> None:
    """One row per step of a return or withdrawal, numbered by the returns ended before it
    (approved or withdrawn)."""
    row = db.held("households", Held).row(db, fact.aggregate_id)
    if row is None:
        return
    ended = db.one(_RETURNS_ENDED, (fact.aggregate_id,))
    db.write(
        "INSERT INTO pj_return_steps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            *(fact.aggregate_id, fact.version, row["number"], 1 + int((ended or (0,))[0])),
            *(step, fact.effective, said.get("disaster", ""), said.get("authority", "")),
            *(said.get("reason", ""), fact.actor, fact.imported_by),
        ),
    )


_RETURNS_ENDED = (
    "SELECT COUNT(*) FROM pj_return_steps WHERE aggregate_id = ? "
    "AND step IN ('approved', 'withdrawn')"
)


def return_withdrawn(db: Database, fact: Fact) -> None:
    _return_step(db, fact, "withdrawn", {"reason": str(fact["reason"])})


def return_advanced(db: Database, fact: Fact) -> None:
    said = {"disaster": str(fact["disaster"]), "authority": str(fact["authority"])}
    _return_step(db, fact, str(fact["step"]), said)
    if fact["step"] != "approved":
        return
    row = db.held("households", Held).row(db, fact.aggregate_id)
    if row is not None:
        cycle = row["exit_cycle"]
        _set(
            db,
            fact,
            stage="returned",
            exited_on=None,
            returned_on=fact.effective,
            plan_year=fact.prov.effective.year + 1,
            exit_cycle=None if cycle is None else cycle + 1,
            exit_year=None,
        )
    db.memo(_RETURNS)[(fact.aggregate_id, fact.version)] = fact.effective
    _open_period(db, fact)


#: The memo of the exit approvals this transaction wrote: (aggregate id, version) -> day.
#: The memo of the exit withdrawals this transaction wrote: their cycle and exit year.
_WITHDRAWALS = "households.withdrawals"
_WITHDRAWAL = (
    "SELECT exit_cycle, year FROM pj_exit_steps WHERE aggregate_id = ? AND version = ? "
    "AND step = 'withdrawn'"
)
_APPROVALS = "households.approvals"
#: The memo of the return approvals this transaction wrote, as ``_APPROVALS``; and of those it
#: voided (``voided_return``: the casework model judges the unpairings since again).
_RETURNS = "households.returns"
_RETURNS_VOIDED = "households.returns_voided"
_RETURN_DAY = (
    "SELECT started_on FROM pj_periods WHERE aggregate_id = ? AND version = ? AND version > "
    "(SELECT MIN(q.version) FROM pj_periods q WHERE q.aggregate_id = pj_periods.aggregate_id)"
)
#: The memo of the identification notices this transaction wrote: (aggregate id, version) -> day.
_NOTICES = "households.notices"
#: The memo of the village reviews this transaction wrote, as ``_NOTICES``.
_REVIEWS = "households.reviews"
_REVIEW_DAY = "SELECT reviewed_on FROM pj_review_entries WHERE aggregate_id = ? AND version = ?"
#: The memo of the agreements this transaction wrote, as ``_NOTICES`` (``pj_agreements`` is
#: the casework model's).
_AGREEMENTS = "households.agreements"
_AGREEMENT_DAY = "SELECT signed_on FROM pj_agreements WHERE aggregate_id = ? AND version = ?"
_NOTICE_DAY = "SELECT start FROM pj_notice_entries WHERE aggregate_id = ? AND version = ?"
_APPROVAL_DAY = (
    "SELECT effective FROM pj_exit_steps WHERE aggregate_id = ? AND version = ? "
    "AND step = 'approved'"
)


def corrected(db: Database, fact: Fact) -> None:
    """A correction voids a signature, an income assessment, an identification notice, an
    agreement, an exit's approval, a return's approval (since session 23), a village review or a
    change of members (since session 24) of this household."""
    version = fact["corrects"]
    db.write(
        "UPDATE pj_incomes SET voided = 1 WHERE aggregate_id = ? AND version = ?",
        (fact.aggregate_id, version),
    )
    row = db.held("households", Held).row(db, fact.aggregate_id)
    if row is None:
        return  # another record's correction
    if row["closed_version"] == version:  # a closure voided: the household counts again
        _set(
            db,
            fact,
            closed_on=None,
            closed_because=None,
            closed_into=None,
            closed_by=None,
            closed_imported_by=None,
            closed_document=None,
            closed_reason=None,
            closed_version=None,
        )
        return
    if _members_voided(db, fact) or _move_voided(db, fact, row):
        return
    if row["signed_version"] == version:
        _set(db, fact, signed_on=None)
    key = (fact.aggregate_id, version)
    approved = _entry_day(db, _APPROVALS, _APPROVAL_DAY, key)
    returned = None if approved is not None else _entry_day(db, _RETURNS, _RETURN_DAY, key)
    withdrawn = db.memo(_WITHDRAWALS).get(key) or db.peek(_WITHDRAWAL, key)
    if withdrawn is not None:  # since session 34: the exit is under way again, as it stood
        db.write("DELETE FROM pj_exit_steps WHERE aggregate_id = ? AND version = ?", key)
        _set(db, fact, exit_cycle=withdrawn[0], exit_year=withdrawn[1])
    elif approved is not None:
        _approval_voided(db, fact, row, approved)
    elif returned is not None:
        _return_voided(db, fact, row, returned)
    elif _entry_day(db, _AGREEMENTS, _AGREEMENT_DAY, key) is not None:
        # An agreement voided: the household's is the one recorded last of those left (the
        # casework model deletes the voided one's row after this, hence ``version <> ?``).
        latest = db.one(
            "SELECT signed_on FROM pj_agreements WHERE aggregate_id = ? AND version <> ? "
            "ORDER BY version DESC LIMIT 1",
            key,
        )
        _set(db, fact, agreement_on=None if latest is None else latest[0])
    elif _entry_day(db, _NOTICES, _NOTICE_DAY, key) is not None:
        # A notice voided: the household is back at its village review (nothing rested on
        # the notice: no objection, no signature, no registration).
        _set(db, fact, stage="reviewed", notice_start=None, notice_end=None)
    elif _entry_day(db, _REVIEWS, _REVIEW_DAY, key) is not None:
        # A review voided (since session 24): the household is back at its identification,
        # awaiting its review (nothing rested on the review: no notice in force).
        _set(db, fact, stage="identified", reviewed_on=None)


def _members_voided(db: Database, fact: Fact) -> bool:
    """A change of members voided (since session 24): its row leaves ``pj_members`` (the
    correction holds from the start, for every date's count) and the household's members are
    those of its latest change left by effective date, or its identification's. False if the
    voided entry is no change of members."""
    key = (fact.aggregate_id, fact["corrects"])
    if key[1] == 1 or db.one(_MEMBERS_ENTRY, key) is None:
        return False
    db.write(
        "INSERT INTO pj_members_voided SELECT aggregate_id, version, effective, members, "
        "CAST(? AS INTEGER) "
        "FROM pj_members WHERE aggregate_id = ? AND version = ?",
        (fact.version, *key),
    )
    db.write("DELETE FROM pj_members WHERE aggregate_id = ? AND version = ?", key)
    latest = db.one(
        "SELECT members FROM pj_members WHERE aggregate_id = ? "
        "ORDER BY effective DESC, version DESC LIMIT 1",
        (fact.aggregate_id,),
    )
    if latest is not None:
        _set(db, fact, members=latest[0])
    return True


_MEMBERS_ENTRY = "SELECT 1 FROM pj_members WHERE aggregate_id = ? AND version = ?"


def _entry_day(db: Database, memo: str, sql: str, key: tuple[str, int]) -> str | None:
    """The day of the entry ``key`` names, if it is one ``sql`` finds (None if not): written
    in this transaction (``memo``: its row may wait in the queue) or stored before, read
    without waiting for the queued writes."""
    day = db.memo(memo).get(key)
    if day is None:
        found = db.peek(sql, key)
        day = None if found is None else str(found[0])
    return day


def _approval_voided(db: Database, fact: Fact, row: Row, approved: str) -> None:
    """An exit approved in error never was: its step leaves ``pj_exit_steps``, the assisted
    period it ended runs on, and the household stands where it stood before (registered, or
    returned), with no exit in force: ``exited_on`` blank (since session 27; it was the exit
    approved before, undone by the return, beside the exit year of the cycle under way)."""
    key = (fact.aggregate_id, fact["corrects"])
    db.write("DELETE FROM pj_exit_steps WHERE aggregate_id = ? AND version = ?", key)
    db.write(
        "UPDATE pj_periods SET ended_on = NULL WHERE aggregate_id = ? AND ended_on = ? AND "
        "version = (SELECT MAX(version) FROM pj_periods WHERE aggregate_id = ?)",
        (fact.aggregate_id, approved, fact.aggregate_id),
    )
    stage = "registered" if row["returned_on"] is None else "returned"
    _set(db, fact, stage=stage, exited_on=None)


def _return_voided(db: Database, fact: Fact, row: Row, returned: str) -> None:
    """A return approved in error never was (since session 23): the assisted period it opened
    goes, its step leaves ``pj_return_steps``, and the household stands exited again, in the
    exit cycle the return ended (its exit year and ``exited_on`` that exit's), ``returned_on``
    and ``plan_year`` those of the return before, if any."""
    key = (fact.aggregate_id, fact["corrects"])
    db.memo(_RETURNS_VOIDED)[key] = returned
    db.write("DELETE FROM pj_periods WHERE aggregate_id = ? AND version = ?", key)
    # Its step leaves the dossier's return steps: the return is back at its review, in the
    # same cycle (a withdrawal or an approval again follows it there).
    db.write("DELETE FROM pj_return_steps WHERE aggregate_id = ? AND version = ?", key)
    before = db.one(
        "SELECT started_on FROM pj_periods WHERE aggregate_id = ? AND version <> ? AND version > "
        "(SELECT MIN(q.version) FROM pj_periods q WHERE q.aggregate_id = ?) "
        "ORDER BY version DESC LIMIT 1",
        (*key, fact.aggregate_id),
    )
    year = db.one(
        "SELECT year, effective FROM pj_exit_steps WHERE aggregate_id = ? AND step = 'approved' "
        "ORDER BY version DESC LIMIT 1",
        (fact.aggregate_id,),
    )
    cycle = row["exit_cycle"]
    _set(
        db,
        fact,
        stage="exited",
        returned_on=None if before is None else before[0],
        plan_year=None if before is None else int(str(before[0])[:4]) + 1,
        exit_cycle=None if cycle is None else cycle - 1,
        exit_year=None if year is None else year[0],
        exited_on=None if year is None else year[1],
    )


def voided_return(db: Database, aggregate_id: str, version: int) -> str | None:
    """The day of the return approval ``version`` a correction of this transaction voided
    (``_return_voided``), None if it voided no return's approval."""
    found = db.memo(_RETURNS_VOIDED).get((aggregate_id, version))
    return None if found is None else str(found)


#: The household columns an ``Amended`` event restates (``Household.AMENDABLE``), and how.
_AMENDED = {
    "village": str,
    "area": str,
    "labour": int,
    "willing": int,
    "disabled": int,
    "key_target": int,
}


def amended(db: Database, fact: Fact) -> None:
    """An amendment restates fields of the identification or registration, from the start.
    A past view reads it whatever its date (a correction, ``WHATEVER_THEIR_DATE``); the
    key-target mark is the registration's, so a view from before the registration keeps none."""
    row = db.held("households", Held).row(db, fact.aggregate_id)
    if row is None:
        return  # another record's amendment (a helper's)
    values = {
        field: _AMENDED[field](value)
        for field, value in fact["changes"].items()
        if field in _AMENDED and (field != "key_target" or row["registered_on"] is not None)
    }
    if values:
        _set(db, fact, **values)
    if "key_target" in values:
        _key_target_amended(db, fact, str(row["number"]))
    if "village" in values:  # where the household stands, as remembered, restated too
        _replace_village(db, row, values["village"])


#: The fields a key-target amendment's rows list: the mark, and what makes it due [三; 四(一)].
_KEY_TARGET_FIELDS = ("key_target", "labour", "willing")


def _key_target_amended(db: Database, fact: Fact, number: str) -> None:
    """Keep who restated a registered household's key-target mark, when and why, and the
    fields before → after (since session 26, tester N: 礼乐's K of closed 2016–2018 moved by an
    amendment recorded in 2026, and only ``fupin history`` showed it)."""
    changes, was = fact["changes"], fact.get("was") or {}
    for field in _KEY_TARGET_FIELDS:
        if field not in changes:
            continue
        before = was.get(field)
        db.write(
            "INSERT INTO pj_key_target_amendments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                *(fact.position, field, fact.aggregate_id, number, fact.effective),
                *(fact.recorded, fact.actor, fact.imported_by, fact.prov.document),
                fact["reason"],
                "" if before is None else "yes" if before else "no",
                "yes" if changes[field] else "no",
            ),
        )


def _replace_village(db: Database, row: Row, village: str) -> None:
    """A village amended (session 20): what the transaction remembers of the household's
    street and village (``place_of_number``) says the new village from now on (``place``
    keeps no village: nothing kept past a transaction can go stale)."""
    number, street = str(row["number"]), str(row["street"])
    db.held("households", Held).numbers[number] = (street, village)


MODEL = ReadModel(
    name="households",
    tables=(
        *("pj_households", "pj_periods", "pj_exit_steps", "pj_incomes", "pj_members"),
        "pj_members_voided",
        *("pj_notice_entries", "pj_return_steps", "pj_review_entries", "pj_moves"),
        "pj_key_target_amendments",
    ),
    schema=SCHEMA,
    handlers={
        "Identified": identified,
        "MembersChanged": members_changed,
        "Closed": closed,
        "Moved": moved,
        "Reviewed": reviewed,
        "NoticePosted": notice_posted,
        "ObjectionResolved": objection_resolved,
        "Signed": signed,
        "Registered": registered,
        "AgreementSigned": agreement_signed,
        "IncomeAssessed": income_assessed,
        "ExitProposed": exit_proposed,
        "ExitNoticed": exit_noticed,
        "ExitAdvanced": exit_advanced,
        "ExitWithdrawn": exit_withdrawn,
        "ReturnAdvanced": return_advanced,
        "ReturnWithdrawn": return_withdrawn,
        "Corrected": corrected,
        "Amended": amended,
    },
)
