"""``fupin verify`` compares the log with the checkpoints the ledger itself recorded
(``CheckpointRecorded``) as it reaches each one's size: an unsigned event altered in the store
no longer passes unless the inspector brings a checkpoint file (inspector's note). A
checkpoint file of the same size and root is that comparison already: it is reported once."""

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
    assert [(p.position, p.event) for p in report.problems] == [
        (first - 1, own(2)),
        (second - 1, own(3)),
    ]
    assert report.problems[0].reason.startswith(
        f"the ledger's own checkpoint at size {first} no longer matches the events before it: "
        f"the first {first} events do not hash to its root; every signed event matched its "
        f"seal, so look at the {first} unsigned: 0, 1, 2"
    )
    assert report.problems[0].log_id is None  # not the event at that position's problem
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


def test_a_recorded_root_altered_no_longer_matches_the_log(plain: Plain, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    fresh_copy(plain.path, copy)
    first = recorded_at(copy)[0]

    def other_root(tree: dict[str, Any]) -> None:
        tree["root"] = "0" * 64

    rewrite_state(copy, first, other_root)

    report = verify_file(copy)

    # the second covers the first's event: it no longer matches either
    assert [(p.position, p.event) for p in report.problems] == [
        (plain.first.size - 1, own(2)),
        (plain.second.size - 1, own(3)),
    ]
    assert report.problems[0].reason.startswith(
        f"the ledger's own checkpoint at size {plain.first.size} no longer matches the events "
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
        (plain.second.size - 1, own(3)),  # it covers the altered event
    ]
    assert report.problems[0].reason.startswith(said)
    assert report.problems[0].log_id == first + 1


def test_a_recorded_checkpoint_larger_than_the_ledger_is_reported(
    plain: Plain, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    fresh_copy(plain.path, copy)

    def larger(tree: dict[str, Any]) -> None:
        tree["size"] = 10_000

    rewrite_state(copy, recorded_at(copy)[1], larger)

    report = verify_file(copy)

    size = len(read_rows(copy))
    assert [(p.position, p.event, p.reason) for p in report.problems] == [
        (
            size,
            own(3),
            f"the ledger's own checkpoint covers 10000 events; the ledger has only {size} "
            "(events were removed, or its size was altered)",
        )
    ]
