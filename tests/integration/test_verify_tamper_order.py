"""``fupin verify`` on alterations that leave every seal and every leaf hash intact: versions
stored out of the log's order (whole signed saves moved), an id respelled, a recording clock set
back; and what it says when a checkpoint differs or the check stops early.

Each test copies a ledger built once per module and rewrites its rows behind the ledger's back,
as someone with write access to the database would (docs/audit-guide.md §5)."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest
from eventsourcing.sqlite import SQLiteApplicationRecorder
from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.base import natural_id
from ledger.core import LedgerCore
from ledger.keys import generate_key, public_key_text
from ledger.transparency import (
    Checkpoint,
    record_checkpoint,
    register_log_key,
    stored_rows,
)
from ledger.values import replayed_as_recorded
from ledger.verification import Problem, VerifyReport, verify_ledger

from tests.integration.test_verify_support import (
    Row,
    SignedLedger,
    build_signed_ledger,
    is_seal,
    read_rows,
    rewrite_rows,
    verify_file,
)
from tests.support import TickingClock, ledger_at, register, stamp

HOUSEHOLD = "JH-0001"
UID = natural_id("household", HOUSEHOLD)
#: The events of ``tests.support.register``, by version.
NAMES = {1: "Identified", 2: "Reviewed", 3: "NoticePosted", 4: "Signed", 5: "Registered"}
MOVED = "its versions must follow the log's order (an event or a save was moved)"
A_SAVE = "a whole signed save removed, inserted or moved"
OWN_CHECKPOINT = "the ledger's own checkpoint"


def label(version: int, uid: UUID = UID) -> str:
    return f"Household.{NAMES[version]} {uid} v{version}"


def fresh_copy(source: Path, path: Path) -> list[Row]:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(source, path)
    return read_rows(path)


def at(rows: list[Row], version: int, uid: UUID = UID) -> int:
    """The position of ``uid``'s event of ``version`` (its id as the recorder writes it)."""
    return next(i for i, r in enumerate(rows) if r[0] == uid.hex and r[1] == version)


def moved(rows: list[Row], block: list[int], before: int) -> list[Row]:
    """``rows`` with the rows at the positions ``block`` taken out and put before ``before``."""
    taken = [rows[i] for i in block]
    kept = [(i, r) for i, r in enumerate(rows) if i not in block]
    out: list[Row] = []
    for i, r in kept:
        if i == before:
            out.extend(taken)
        out.append(r)
    return out


def found(report: VerifyReport) -> list[Problem]:
    """The problems, but the ledger's own checkpoints that no longer match: every alteration
    here changes the bytes of an event they cover (test_verify_own_checkpoints.py checks
    those); the tests here are about the checks that locate the alteration."""
    return [p for p in report.problems if OWN_CHECKPOINT not in p.reason]


def problems(report: VerifyReport) -> list[tuple[int, str, str]]:
    return [(p.position, p.event, p.reason) for p in found(report)]


# -- ledgers built once --------------------------------------------------------------------------


@dataclass
class PlainLedger:
    """No officer signs: JH-0001, checkpoint 1, JH-0002, checkpoint 2."""

    path: Path
    first: Checkpoint
    second: Checkpoint


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> PlainLedger:
    path = tmp_path_factory.mktemp("plain") / "plain.db"
    log_key = generate_key()
    with ledger_at(path) as app:
        register(app, HOUSEHOLD)
        register_log_key(app, stamp(), public_key_text(log_key))
        first = record_checkpoint(app, stamp(), log_key)
        register(app, "JH-0002", serial=2)
        second = record_checkpoint(app, stamp(), log_key)
    return PlainLedger(path, first, second)


@dataclass
class TwoCheckpoints:
    """``build_signed_ledger`` (its checkpoint the first), then JH-0003 and a second one."""

    signed: SignedLedger
    second: Checkpoint


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> TwoCheckpoints:
    built = build_signed_ledger(tmp_path_factory.mktemp("signed") / "signed.db")
    with _reopened(built, TickingClock(datetime(2019, 1, 2, tzinfo=UTC))) as app:
        register(app, "JH-0003", serial=3)
        second = record_checkpoint(app, stamp(), built.log_key)
    return TwoCheckpoints(built, second)


class _reopened:
    """The signed ledger open again, every key in its sealer, recording with ``ticking``."""

    def __init__(self, built: SignedLedger, ticking: Any, path: Path | None = None) -> None:
        self.built, self.ticking, self.path = built, ticking, path or built.path

    def __enter__(self) -> Ledger:
        self.clock = clock.using_clock(self.ticking)
        self.clock.__enter__()
        self.app = open_ledger(str(self.path))
        for key in self.built.keys.values():
            self.app.sealer.add_key(key)
        return self.app

    def __exit__(self, *exc: object) -> None:
        self.app.close()
        self.clock.__exit__(None, None, None)


# -- 1. versions stored out of the log's order ---------------------------------------------------


def test_two_whole_signed_saves_of_one_aggregate_swapped_are_reported_where_the_later_sits(
    signed: TwoCheckpoints, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(signed.signed.path, copy)
    v4, v5 = at(rows, 4), at(rows, 5)
    assert is_seal(rows[v4 - 1])
    assert is_seal(rows[v5 - 1])
    assert v5 == v4 + 2
    # the save of version 5 (its seal and its event) moved before the save of version 4
    rewrite_rows(copy, lambda rs: moved(rs, [v5 - 1, v5], before=v4 - 1))

    without = verify_file(copy)
    with_checkpoints = verify_file(copy, [signed.signed.checkpoint, signed.second])

    expected = (v4, label(5), f"stored before version 4 of this aggregate (position {v5}): {MOVED}")
    assert problems(without) == [expected]
    assert problems(with_checkpoints)[0] == expected


def test_a_version_moved_over_two_saves_is_reported_once_naming_the_first_it_jumped(
    plain: PlainLedger, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    v3, v5 = at(rows, 3), at(rows, 5)
    rewrite_rows(copy, lambda rs: moved(rs, [v5], before=v3))  # 1, 2, 5, 3, 4

    report = verify_file(copy)

    assert problems(report) == [
        (v3, label(5), f"stored before version 3 of this aggregate (position {v3 + 1}): {MOVED}")
    ]


def test_only_the_first_break_of_an_aggregate_is_reported(
    plain: PlainLedger, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    q = at(rows, 1)
    assert [at(rows, v) for v in range(1, 6)] == list(range(q, q + 5))
    r1, r2, _r3, r4, r5 = rows[q : q + 5]
    # version 3 deleted; version 5 moved before version 2: 1, 5, 2, 4
    rewrite_rows(copy, lambda rs: [*rs[:q], r1, r5, r2, r4, *rs[q + 5 :]])

    report = verify_file(copy)

    assert problems(report) == [
        (q + 1, label(5), f"stored before version 2 of this aggregate (position {q + 2}): {MOVED}")
    ]


def test_a_version_stored_before_a_row_that_stops_the_check_is_reported(
    plain: PlainLedger, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    v3 = at(rows, 3)
    unreadable = ("not-a-uuid", *rows[v3][1:])
    # 1, 2, 5, a row the store cannot give, 3, 4
    rewrite_rows(
        copy,
        lambda rs: [
            *moved(rs, [at(rs, 5)], before=v3)[: v3 + 1],
            unreadable,
            *moved(rs, [at(rs, 5)], before=v3)[v3 + 1 :],
        ],
    )

    report = verify_file(copy)

    stop = v3 + 1
    assert problems(report) == [
        (
            v3,
            label(5),
            "stored before version 3 of this aggregate, which the check did not reach "
            f"(it stopped at position {stop}): {MOVED}",
        ),
        (
            stop,
            "(unreadable row)",
            "the store cannot read the next row: ValueError: badly formed hexadecimal UUID string",
        ),
    ]


@pytest.fixture
def ledger(store_ledger: Ledger) -> Ledger:
    """On SQLite and on PostgreSQL (the ``store`` fixture)."""
    return store_ledger


def _swap_positions(app: Ledger, first: int, second: int) -> None:
    """Exchange where the events of ``UID`` of versions ``first`` and ``second`` sit in the log:
    their rowids (SQLite) or notification ids (PostgreSQL), all else unchanged."""
    recorder = app.recorder
    sqlite = isinstance(recorder, SQLiteApplicationRecorder)
    table = recorder.events_table_name  # type: ignore[attr-defined]
    column, mark, uid = ("rowid", "?", UID.hex) if sqlite else ("notification_id", "%s", UID)
    with recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
        found = []
        for version in (first, second):
            cursor.execute(
                f"SELECT {column} FROM {table} "
                f"WHERE originator_id = {mark} AND originator_version = {mark}",
                (uid, version),
            )
            row = cursor.fetchone()
            found.append(row[column] if isinstance(row, dict) else row[0])
        a, b = found
        for old, new in ((a, -1), (b, a), (-1, b)):
            cursor.execute(
                f"UPDATE {table} SET {column} = {mark} WHERE {column} = {mark}", (new, old)
            )


def _positions(app: Ledger) -> dict[tuple[bytes, int], int]:
    found: dict[tuple[bytes, int], int] = {}
    with stored_rows(app.recorder) as rows:
        for position, (originator, version, _, _) in enumerate(rows):
            uid = originator if isinstance(originator, UUID) else UUID(originator)
            found[(uid.bytes, version)] = position
    return found


def test_two_unsigned_events_swapped_are_reported_on_both_stores(ledger: Ledger) -> None:
    register(ledger, HOUSEHOLD)
    assert verify_ledger(ledger.recorder, ledger.mapper).ok

    _swap_positions(ledger, 2, 3)
    where = _positions(ledger)
    report = verify_ledger(ledger.recorder, ledger.mapper)

    v2, v3 = where[(UID.bytes, 2)], where[(UID.bytes, 3)]
    assert v3 < v2
    assert problems(report) == [
        (v3, label(3), f"stored before version 2 of this aggregate (position {v2}): {MOVED}")
    ]


# -- 2. an id spelled otherwise than the recorder writes it --------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [str, lambda u: u.hex.upper(), lambda u: str(u).upper()],
    ids=["dashed", "HEX", "UP"],
)
def test_an_id_respelled_is_reported_at_its_row(
    plain: PlainLedger, tmp_path: Path, spelling: Any
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    v5 = at(rows, 5)  # the household's last event: no gap is left behind
    respelled = spelling(UID)
    rewrite_rows(copy, lambda rs: [*rs[:v5], (respelled, *rs[v5][1:]), *rs[v5 + 1 :]])

    report = verify_file(copy, [plain.first, plain.second])

    assert problems(report) == [
        (
            v5,
            label(5),
            f"its id is stored as {respelled!r}; the recorder writes and reads it as {UID.hex}, "
            "so this event is not found in its aggregate's history",
        )
    ]


def test_versions_are_checked_by_the_id_whatever_its_spelling(
    plain: PlainLedger, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    v3, v5 = at(rows, 3), at(rows, 5)
    dashed = str(UID)
    # version 3 respelled (its spelling alone leaves no gap), then a second version 5, as the
    # recorder writes the next event once version 5 is respelled and no longer found
    rewrite_rows(
        copy,
        lambda rs: [
            *rs[:v3],
            (dashed, *rs[v3][1:]),
            *rs[v3 + 1 : v5],
            (dashed, *rs[v5][1:]),
            *rs[v5 + 1 :],
            rs[v5],
        ],
    )

    report = verify_file(copy)

    respelled = "the recorder writes and reads it as"
    assert [(p.position, p.event) for p in found(report)] == [
        (v3, label(3)),
        (v5, label(5)),
        (len(rows), label(5)),
    ]
    assert respelled in found(report)[0].reason
    assert respelled in found(report)[1].reason
    assert found(report)[2].reason == "version 5 of this aggregate is stored more than once"


# -- 3. a recording clock set back ---------------------------------------------------------------


def _retimed(row: Row, when: datetime) -> Row:
    tree = orjson.loads(row[3])
    tree["timestamp"] = {"__datetime__": when.isoformat()}
    return (row[0], row[1], row[2], orjson.dumps(tree, option=orjson.OPT_SORT_KEYS))


def _time(row: Row) -> datetime:
    return datetime.fromisoformat(orjson.loads(row[3])["timestamp"]["__datetime__"])


@pytest.mark.parametrize(
    ("back", "reported"),
    [(timedelta(minutes=9), False), (timedelta(minutes=11), True), (timedelta(days=3 * 365), True)],
    ids=["9 min", "11 min", "3 years"],
)
def test_an_event_recorded_with_a_clock_set_back_is_reported(
    plain: PlainLedger, tmp_path: Path, back: timedelta, reported: bool
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    v5 = at(rows, 5)
    latest = max(_time(r) for r in rows[:v5])
    assert latest == _time(rows[v5 - 1])
    when = latest - back
    rewrite_rows(copy, lambda rs: [*rs[:v5], _retimed(rs[v5], when), *rs[v5 + 1 :]])

    report = verify_file(copy)

    if not reported:
        assert not found(report), report.problems
        return
    assert problems(report) == [
        (
            v5,
            label(5),
            f"recorded at {when.isoformat()}, earlier than position {v5 - 1} before it "
            f"({latest.isoformat()}) by more than the 10 minutes clocks may differ: "
            "a clock set back",
        )
    ]


def _three_retimed(plain: PlainLedger, copy: Path, shifts: list[timedelta]) -> int:
    """JH-0001's versions 3 to 5 recorded at its version 2's time plus ``shifts``: as three
    machines would record them in turn. Returns the position of version 3."""
    rows = fresh_copy(plain.path, copy)
    first = at(rows, 3)
    assert [at(rows, v) for v in (4, 5)] == [first + 1, first + 2]
    base = _time(rows[first - 1])
    times = [base + shift for shift in shifts]
    rewrite_rows(
        copy,
        lambda rs: [
            *rs[:first],
            *(_retimed(r, t) for r, t in zip(rs[first : first + 3], times, strict=True)),
            *rs[first + 3 :],
        ],
    )
    return first


def test_machines_a_few_minutes_apart_recording_in_turn_pass(
    plain: PlainLedger, tmp_path: Path
) -> None:
    # +9, 0 and -9 minutes: each save within CLOCK_TOLERANCE of the one before it, as the
    # ledger checks when it records; 18 minutes from the latest was reported as set back.
    copy = tmp_path / "copy.db"
    minutes = [timedelta(minutes=m) for m in (9, 0, -9)]
    _three_retimed(plain, copy, minutes)

    assert not found(verify_file(copy))


def test_a_clock_set_forward_is_reported_once_where_it_came_back(
    plain: PlainLedger, tmp_path: Path
) -> None:
    # A year ahead, then honest again: one problem, not one for every honest save after it.
    copy = tmp_path / "copy.db"
    shifts = [timedelta(days=365), timedelta(seconds=1), timedelta(seconds=2)]
    first = _three_retimed(plain, copy, shifts)

    report = verify_file(copy)

    assert [(p.position, p.event) for p in found(report)] == [(first + 1, label(4))]
    assert "a clock set back" in found(report)[0].reason


def test_a_signed_save_recorded_with_a_clock_set_back_is_reported(
    signed: TwoCheckpoints, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copy.db"
    fresh_copy(signed.signed.path, copy)
    # as an older fupin recorded, before saves were refused for a clock behind the ledger's
    monkeypatch.setattr(LedgerCore, "_check_clock", lambda self, events: None, raising=False)
    back = TickingClock(datetime(2017, 1, 1, tzinfo=UTC))
    # (its signature voided under its registration, as a fupin before session 29 took it)
    with _reopened(signed.signed, back, copy) as app, replayed_as_recorded():
        app.correct(stamp(day=date(2016, 8, 10)), "household", HOUSEHOLD, 4, "录入错误")
    rows = read_rows(copy)

    report = verify_file(copy)

    seal = len(rows) - 2
    assert is_seal(rows[seal])
    assert [p.position for p in found(report)] == [seal, seal + 1]
    assert all("by more than the 10 minutes clocks may differ" in p.reason for p in found(report))


def test_a_save_whose_seal_is_much_later_than_its_events_is_not_reported(
    signed: TwoCheckpoints, tmp_path: Path
) -> None:
    """A seal is made when its save is stored, after its events: a long batch may take more
    than the tolerance between its first event and its seal."""
    copy = tmp_path / "copy.db"
    fresh_copy(signed.signed.path, copy)
    now = [datetime(2019, 1, 3, tzinfo=UTC)]

    def stepping() -> datetime:
        now[0] += timedelta(seconds=1)
        return now[0]

    with _reopened(signed.signed, stepping, copy) as app, app.batch():
        register(app, "JH-0100", serial=100)
        now[0] += timedelta(hours=1)  # the batch is stored an hour after its first event
    rows = read_rows(copy)

    report = verify_file(copy)

    assert report.ok, report.problems
    seal = next(i for i in range(len(rows) - 1, -1, -1) if is_seal(rows[i]))
    assert _time(rows[seal]) - _time(rows[seal + 1]) > timedelta(minutes=59)


def test_an_event_earlier_than_a_checkpoint_recorded_before_it_is_reported(
    plain: PlainLedger, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    recorded = next(i for i, r in enumerate(rows) if r[2].endswith("CheckpointRecorded"))
    tree = orjson.loads(rows[recorded][3])
    later = _time(rows[recorded]) + timedelta(days=1)
    tree["time"] = later.isoformat()
    changed = (*rows[recorded][:3], orjson.dumps(tree, option=orjson.OPT_SORT_KEYS))
    rewrite_rows(copy, lambda rs: [*rs[:recorded], changed, *rs[recorded + 1 :]])

    report = verify_file(copy)

    assert report.problems
    assert found(report)[0].position == recorded + 1
    assert f"earlier than position {recorded} before it ({later.isoformat()})" in (
        found(report)[0].reason
    )


ARABIC_INDIC_2019 = "\u0662\u0660\u0661\u0669-01-01T00:00:00+00:00"  # \d takes these digits


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("20190101T000000+00:00", "is not written as the ledger writes it"),
        ("2019-W01-1T00:00:00+00:00", "is not written as the ledger writes it"),
        (ARABIC_INDIC_2019, "is not a time the ledger can read"),
    ],
    ids=["compact", "week date", "Arabic-Indic digits"],
)
def test_a_recording_time_written_otherwise_is_reported_not_compared_as_text(
    plain: PlainLedger, tmp_path: Path, written: str, said: str
) -> None:
    # '2019…T' sorts after every '2019-…' time: compared as text it passed, read as a time
    # it is months earlier (the week date even in the year before).
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    v5 = at(rows, 5)
    tree = orjson.loads(rows[v5][3])
    tree["timestamp"] = {"__datetime__": written}
    changed = (*rows[v5][:3], orjson.dumps(tree, option=orjson.OPT_SORT_KEYS))
    rewrite_rows(copy, lambda rs: [*rs[:v5], changed, *rs[v5 + 1 :]])

    report = verify_file(copy)

    assert [(p.position, p.event) for p in found(report)] == [(v5, label(5))]
    assert f"its recording time {written!r} {said}" in found(report)[0].reason


_GONE = object()


@dataclass(frozen=True)
class _Beside:
    """The event's own recording time, tagged, with another key ``key`` beside its tag: the
    transcoder reads a tag only alone in its object, so this is an object, not a time."""

    key: str


@pytest.mark.parametrize(
    ("stored", "said"),
    [
        (_GONE, "it carries no recording time"),
        (None, "it carries no recording time"),
        (12345, "its recording time 12345 is not a time"),
        ("2019-01-01T00:00:00+00:00", "its recording time '2019-01-01T00:00:00+00:00' is not a"),
        ({"__date__": "2019-01-01"}, "its recording time {'__date__': '2019-01-01'} is not a"),
        ({"__datetime__": 5}, "its recording time {'__datetime__': 5} is not a time"),
        # in order and canonical (sorted keys): until 2026-11-30 these passed verify
        (_Beside("x"), "', 'x': 1} is not a time the ledger can read"),
        (_Beside("A"), "its recording time {'A': 1, '__datetime__': '"),
    ],
    ids=["removed", "null", "number", "untagged", "a date", "tagged number", "beside", "before"],
)
def test_an_unsigned_event_without_a_recording_time_is_reported(
    plain: PlainLedger, tmp_path: Path, stored: object, said: str
) -> None:
    # Every command that reads it refuses the store and sends the inspector to verify, which
    # passed it: only a time written otherwise was reported.
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    v5 = at(rows, 5)
    tree = orjson.loads(rows[v5][3])
    if stored is _GONE:
        del tree["timestamp"]
    elif isinstance(stored, _Beside):
        tree["timestamp"][stored.key] = 1
    else:
        tree["timestamp"] = stored
    changed = (*rows[v5][:3], orjson.dumps(tree, option=orjson.OPT_SORT_KEYS))
    rewrite_rows(copy, lambda rs: [*rs[:v5], changed, *rs[v5 + 1 :]])

    report = verify_file(copy)

    assert [(p.position, p.event) for p in found(report)] == [(v5, label(5))]
    assert said in found(report)[0].reason


def test_a_checkpoints_signed_time_moved_back_does_not_let_the_next_save_go_back(
    plain: PlainLedger, tmp_path: Path
) -> None:
    # Verify does not check that signature inside the log: the field only raises the bar.
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    recorded = next(i for i, r in enumerate(rows) if r[2].endswith("CheckpointRecorded"))
    past = datetime(2000, 1, 1, tzinfo=UTC)
    tree = orjson.loads(rows[recorded][3])
    tree["time"] = past.isoformat()
    changed = (*rows[recorded][:3], orjson.dumps(tree, option=orjson.OPT_SORT_KEYS))
    after = recorded + 1
    rewrite_rows(
        copy,
        lambda rs: [
            *rs[:recorded],
            changed,
            _retimed(rs[after], past + timedelta(minutes=5)),
            *rs[after + 1 :],
        ],
    )

    report = verify_file(copy)

    assert [p.position for p in found(report)][:1] == [after]
    assert "a clock set back" in found(report)[0].reason


def test_a_recording_time_without_an_offset_is_reported(plain: PlainLedger, tmp_path: Path) -> None:
    """Decoded in full (an officer's event), it reads as a time with no offset: the ledger
    writes none such (until 2026-11-29 it was left to a checkpoint, and the commands reading
    the event refused the store, sending the inspector to verify)."""
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    officer = next(i for i, r in enumerate(rows) if r[2].endswith("OfficerRegistered") and i)
    naive = _time(rows[officer]).replace(tzinfo=None) - timedelta(days=365)
    rewrite_rows(copy, lambda rs: [*rs[:officer], _retimed(rs[officer], naive), *rs[officer + 1 :]])

    report = verify_file(copy)

    assert [p.position for p in found(report)] == [officer]
    assert f"its recording time {naive.isoformat()} has no offset (UTC)" in (
        found(report)[0].reason
    )


# -- 4. where to look when a checkpoint differs --------------------------------------------------


def test_the_suspects_of_a_checkpoint_mismatch_start_after_the_checkpoint_that_matched(
    plain: PlainLedger, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    target = plain.first.size + 3
    tree = orjson.loads(rows[target][3])
    tree["prov"]["__Provenance__"]["document"] = "改过的文件"
    changed = (*rows[target][:3], orjson.dumps(tree, option=orjson.OPT_SORT_KEYS))
    rewrite_rows(copy, lambda rs: [*rs[:target], changed, *rs[target + 1 :]])

    report = verify_file(copy, [plain.first, plain.second])

    start = plain.first.size
    unsigned = plain.second.size - start
    listed = ", ".join(str(p) for p in range(start, start + min(unsigned, 10)))
    more = f" and {unsigned - 10:,} more" if unsigned > 10 else ""
    assert problems(report) == [
        (
            plain.second.size - 1,
            "checkpoint cp1",
            f"the first {plain.second.size} events do not hash to its root; every signed event "
            f"matched its seal, so look at the {unsigned} unsigned from position {start} on "
            f"(checkpoint cp0 matched the first {start}): {listed}{more}, or for {A_SAVE}",
        )
    ]


def test_a_whole_signed_save_removed_after_a_checkpoint_that_matched_is_named(
    signed: TwoCheckpoints, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(signed.signed.path, copy)
    last = at(rows, 5, natural_id("household", "JH-0003"))  # its last event: no gap left
    assert is_seal(rows[last - 1])
    rewrite_rows(copy, lambda rs: [r for i, r in enumerate(rs) if i not in (last - 1, last)])

    report = verify_file(copy, [signed.signed.checkpoint, signed.second])

    start = signed.signed.checkpoint.size
    assert problems(report)[0] == (
        signed.second.size - 1,
        "checkpoint cp1",
        f"the first {signed.second.size} events do not hash to its root; every event from "
        f"position {start} on (checkpoint cp0 matched the first {start}) is signed and matched "
        f"its seal: look for {A_SAVE}",
    )


# -- 6. a version that is no positive integer ----------------------------------------------------


@pytest.mark.parametrize("version", [-1, "x", 1.5], ids=["negative", "text", "fraction"])
def test_a_version_that_is_no_positive_integer_is_named_and_stops_the_check(
    plain: PlainLedger, tmp_path: Path, version: object
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    v3 = at(rows, 3)
    with sqlite3.connect(copy) as db:
        db.execute(
            "UPDATE stored_events SET originator_version = ? "
            "WHERE originator_id = ? AND originator_version = 3",
            (version, UID.hex),
        )
    db.close()

    report = verify_file(copy, [plain.first, plain.second])

    shown = version if isinstance(version, int) else repr(version)
    assert report.problems == [
        Problem(
            v3,
            f"Household.NoticePosted {UID} v{version}",
            f"version {shown} is not a positive integer (the check stopped here)",
        ),
        Problem(
            v3,
            "checkpoint cp0",
            f"it covers {plain.first.size} events; the check stopped at position {v3}",
        ),
        Problem(
            v3,
            "checkpoint cp1",
            f"it covers {plain.second.size} events; the check stopped at position {v3}",
        ),
        *(
            Problem(
                -1,
                f"checkpoint cp{i}",
                f"key {plain.first.key_id} is not a log key registered before position {v3}, "
                "where the check stopped",
            )
            for i in (0, 1)
        ),
    ]


def test_a_version_zero_is_named_and_the_check_goes_on(plain: PlainLedger, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(plain.path, copy)
    v1 = at(rows, 1)
    rewrite_rows(copy, lambda rs: [*rs[:v1], (rs[v1][0], 0, *rs[v1][2:]), *rs[v1 + 1 :]])

    report = verify_file(copy)

    assert report.size == len(rows)
    assert problems(report)[0] == (
        v1,
        f"Household.Identified {UID} v0",
        "version 0 is not a positive integer",
    )
