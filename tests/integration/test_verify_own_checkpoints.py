"""``fupin verify`` compares the log with the checkpoints the ledger itself recorded
(``CheckpointRecorded``) as it reaches each one's size: an unsigned event altered in the store
no longer passes unless the inspector brings a checkpoint file (inspector's note). A
checkpoint file of the same size and root is that comparison already: it is reported once.
Each recorded checkpoint's signature is checked with the log key in force when it was
recorded: one altered in the store is reported at its own event, not blamed on the events
(review of the inspector's findings, 4)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from ledger.base import natural_id
from ledger.keys import generate_key, public_key_text
from ledger.transparency import Checkpoint, record_checkpoint, register_log_key

from tests.integration.test_verify_support import read_rows, verify_file
from tests.integration.test_verify_tamper_order import fresh_copy
from tests.support import ledger_at, register, stamp

RECORDED = "ledger.transparency:TransparencyLog.CheckpointRecorded"
LOG = natural_id("log", "fupin-jianghai")


@dataclass
class Plain:
    """No officer signs: JH-0001, checkpoint ``first``, JH-0002, checkpoint ``second``."""

    path: Path
    first: Checkpoint
    second: Checkpoint


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Plain:
    path = tmp_path_factory.mktemp("own") / "own.db"
    log_key = generate_key()
    with ledger_at(path) as app:
        register(app, "JH-0001", serial=1)
        register_log_key(app, stamp(), public_key_text(log_key))
        first = record_checkpoint(app, stamp(), log_key)
        register(app, "JH-0002", serial=2)
        second = record_checkpoint(app, stamp(), log_key)
    return Plain(path, first, second)


def rewrite_state(path: Path, position: int, change: Callable[[dict[str, Any]], None]) -> None:
    """Change the state of the event at ``position`` and store it canonical (sorted keys), as
    a naive edit of the store would: every event stays readable, and it is unsigned."""
    with sqlite3.connect(path) as db:
        rowid, state = db.execute(
            "SELECT rowid, state FROM stored_events ORDER BY rowid LIMIT 1 OFFSET ?", (position,)
        ).fetchone()
        tree = orjson.loads(state)
        change(tree)
        db.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            (orjson.dumps(tree, option=orjson.OPT_SORT_KEYS), rowid),
        )
    db.close()


def recorded_at(path: Path) -> list[int]:
    return [i for i, r in enumerate(read_rows(path)) if r[2] == RECORDED]


def own(version: int) -> str:
    return f"TransparencyLog.CheckpointRecorded {LOG} v{version}"


def test_an_unsigned_event_altered_no_longer_matches_the_ledgers_own_checkpoints(
    plain: Plain, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    fresh_copy(plain.path, copy)

    def renamed(tree: dict[str, Any]) -> None:
        tree["prov"]["__Provenance__"]["document"] = "江高发〔2016〕5号"

    rewrite_state(copy, 10, renamed)  # within the first checkpoint

    report = verify_file(copy)
    with_files = verify_file(copy, [plain.first, plain.second])

    first, second = plain.first.size, plain.second.size
    assert first > 10
    # each where its event is, with its store id (until 2026-11-30 at the last position it
    # covers, one before, and with none)
    own_first, own_second = recorded_at(copy)
    assert [(p.position, p.event, p.log_id) for p in report.problems] == [
        (own_first, own(2), own_first + 1),
        (own_second, own(3), own_second + 1),
    ]
    assert report.problems[0].reason.startswith(
        f"the ledger's own checkpoint at size {first} no longer matches the events before it: "
        f"the first {first} events do not hash to its root; every signed event matched its "
        f"seal, so look at the {first} unsigned: 0, 1, 2"
    )
    # the files of the same sizes and roots say it, once
    assert [(p.position, p.event) for p in with_files.problems] == [
        (first - 1, "checkpoint cp0"),
        (second - 1, "checkpoint cp1"),
    ]


def test_the_ledgers_own_checkpoints_are_compared_when_no_file_covers_them(
    plain: Plain,
) -> None:
    alone = verify_file(plain.path)
    with_files = verify_file(plain.path, [plain.first, plain.second])

    assert alone.ok, alone.problems
    assert alone.recorded_checkpoints == [plain.first.size, plain.second.size]
    assert with_files.ok, with_files.problems
    assert with_files.recorded_checkpoints == []


def altered(position: int) -> str:
    said = "was altered (its signature does not verify)"
    return f"the ledger's own checkpoint at position {position} {said}"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("root", "0" * 64),
        ("size", -1),  # one fewer: the first N - 1 events, which have another root
        ("time", "2000-01-01T00:00:00+00:00"),  # earlier: it raises no bar
        ("signature", None),  # another checkpoint's signature
    ],
    ids=["root", "size", "time", "signature"],
)
def test_a_recorded_checkpoint_altered_is_reported_at_its_event_not_blamed_on_the_events(
    plain: Plain, tmp_path: Path, field: str, value: object
) -> None:
    # Until 2026-11-30 a root or size edited was "the first N events no longer match", at the
    # position before the checkpoint's own, with no log id: the inspector was sent to events
    # nobody had touched.
    copy = tmp_path / "copy.db"
    fresh_copy(plain.path, copy)
    first, second = recorded_at(copy)

    def edited(tree: dict[str, Any]) -> None:
        if field == "size":
            tree["size"] += value
        elif field == "signature":
            tree["signature"] = plain.second.signature
        else:
            tree[field] = value

    rewrite_state(copy, first, edited)

    report = verify_file(copy)

    # the second covers the first's event: its root no longer matches, rightly
    assert [(p.position, p.event, p.log_id) for p in report.problems] == [
        (first, own(2), first + 1),
        (second, own(3), second + 1),
    ]
    assert report.problems[0].reason.startswith(altered(first))
    assert report.problems[1].reason.startswith(
        f"the ledger's own checkpoint at size {plain.second.size} no longer matches the events "
        "before it"
    )


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("root", "zz", "its root 'zz' is not a Merkle root (64 hex digits): the value was altered"),
        ("size", "12", "its size '12' is not a number of events (a whole number, at least 1)"),
        ("size", 0, "its size 0 is not a number of events (a whole number, at least 1)"),
    ],
)
def test_a_recorded_checkpoint_that_is_none_is_reported_where_it_sits(
    plain: Plain, tmp_path: Path, field: str, value: object, said: str
) -> None:
    copy = tmp_path / "copy.db"
    fresh_copy(plain.path, copy)
    first = recorded_at(copy)[0]

    def altered(tree: dict[str, Any]) -> None:
        tree[field] = value

    rewrite_state(copy, first, altered)

    report = verify_file(copy)

    assert [(p.position, p.event) for p in report.problems] == [
        (first, own(2)),
        (recorded_at(copy)[1], own(3)),  # it covers the altered event
    ]
    assert report.problems[0].reason.startswith(said)
    assert report.problems[0].log_id == first + 1


def test_a_recorded_checkpoint_larger_than_the_ledger_is_reported(
    plain: Plain, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    fresh_copy(plain.path, copy)
    last = recorded_at(copy)[1]
    # JH-0002's last two events, right before it: no version gap is left
    with sqlite3.connect(copy) as db:
        db.execute(
            "DELETE FROM stored_events WHERE rowid IN (SELECT rowid FROM stored_events "
            "ORDER BY rowid LIMIT 2 OFFSET ?)",
            (last - 2,),
        )
    db.close()

    report = verify_file(copy)

    size = len(read_rows(copy))
    found = [(p.position, p.event, p.reason) for p in report.problems]
    # The file's row ids skip the two rows (since session 27), then the checkpoint says it.
    assert found[0][1] == "the store's row ids", found
    assert "so 2 row(s) were deleted here" in found[0][2]
    assert found[1:] == [
        (
            size,
            own(3),
            f"the ledger's own checkpoint covers {plain.second.size} events; the ledger has "
            f"only {size} (events were removed, or its size was altered)",
        )
    ]


def test_a_row_deleted_before_a_recorded_checkpoint_is_reported_at_its_event_with_its_log_id(
    plain: Plain, tmp_path: Path
) -> None:
    # Inspector's round, 2026-11-29: with a row before it deleted, the checkpoint's event is
    # read before the log reaches its size; the mismatch was then kept where the size ends
    # (its own position, by chance) with no store id, against docs/audit-guide.md §5.
    copy = tmp_path / "copy.db"
    fresh_copy(plain.path, copy)
    with sqlite3.connect(copy) as db:
        (rowid,) = db.execute("SELECT rowid FROM stored_events ORDER BY rowid LIMIT 1 OFFSET 5")
        db.execute("DELETE FROM stored_events WHERE rowid = ?", rowid)
    db.close()

    report = verify_file(copy)

    own_first, _ = recorded_at(copy)  # one position earlier than it was stored at
    found = [(p.position, p.log_id) for p in report.problems if p.event == own(2)]
    assert found == [(own_first, own_first + 2)]  # its store id: the deleted row's is gone
    assert not report.ok


def test_a_recorded_checkpoint_that_matched_is_said_beside_where_to_look(
    plain: Plain, tmp_path: Path
) -> None:
    # Session 34, tester b: an event after the first recorded checkpoint altered, verify sent
    # the inspector to every unsigned event from 0 and said nothing of the recorded
    # checkpoint that matched; it still narrows nothing (the store holds it beside the events),
    # but it is said, and a checkpoint file of the same head narrows.
    copy = tmp_path / "copy.db"
    fresh_copy(plain.path, copy)
    first, second = plain.first.size, plain.second.size

    def renamed(tree: dict[str, Any]) -> None:
        tree["prov"]["__Provenance__"]["document"] = "江高发〔2016〕5号"

    rewrite_state(copy, first + 1, renamed)  # after the first checkpoint, within the second

    [problem] = verify_file(copy).problems
    [with_file] = verify_file(copy, [plain.first]).problems

    assert problem.reason.startswith(
        f"the ledger's own checkpoint at size {second} no longer matches the events before it"
    )
    assert f"so look at the {second} unsigned: 0, 1, 2" in problem.reason
    assert problem.reason.endswith(
        f" (the ledger's own checkpoint at size {first} matched, but narrows nothing: the store "
        "holds it beside the events, and whoever holds the log key could sign another; a "
        "checkpoint file you kept does, given with --checkpoint)"
    )
    assert f"from position {first} on (checkpoint cp0 matched the first {first})" in (
        with_file.reason
    )
    assert "the ledger's own checkpoint at size" not in with_file.reason.split(":", 1)[1]
