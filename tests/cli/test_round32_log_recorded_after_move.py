"""Session 32, tester e (finding F2): on a store rebuilt by ``import --create``, ``fupin log
--recorded-from 2017-01-01 --recorded-to 2017-02-01`` ("who recorded what in January 2017")
wrote nothing, exit 0, where the store it came from wrote 224 events and ``report caseload
--known-at 2017-02-01`` of the moved store was refused naming the move. Every entry the move
replayed carries the move's recording time, so a recording-time bound before the move is
refused as ``--known-at`` is, saying where to ask instead; a window from the start to a time
after the move is answered (every replayed entry was first recorded before the move).

Re-tester h (session 32, finding F3): the refusal named the move's record's time, a second or
more after the time ``fupin log`` printed of every entry the move replayed (its import's save),
said the store "holds no recording time before then" and refused ``--recorded-to`` that very
printed time. The move's time is now the one its replayed entries carry, for ``--known-at``
too."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from cli.main import app
from ledger.values import china_and_utc
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused, reimported

STORE_INDEPENDENT = "a moved SQLite ledger's log: SQLite is enough (tests/conftest.py)"


def _moved(seeded: Fupin, folder: Path) -> list[str]:
    """``seeded`` moved into ``folder / "fresh.db"``: the options that read it."""
    moved = reimported(seeded, folder)
    assert moved.exit_code == 0, moved.output
    return ["--store", str(folder / "fresh.db"), "--as", "admin"]


def _log(seeded: Fupin, store: list[str], options: str) -> Result:
    return seeded.runner.invoke(app, [*store, "log", *options.split()])


def _lines(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    return [orjson.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        # tests.support's clock recorded seeded's entries on 2019-01-01: January 2019 is the
        # tester's January 2017, a window wholly before the move
        ("--recorded-from 2019-01-01 --recorded-to 2019-01-31", "recorded-from"),
        ("--recorded-to 2019-01-31", "recorded-to"),
        # a window reaching both before and after the move: it would list every replayed entry
        ("--recorded-from 2019-01-01", "recorded-from"),
    ],
)
def test_a_recording_time_before_the_move_is_refused_naming_it(
    seeded: Fupin, tmp_path: Path, options: str, field: str
) -> None:
    store = _moved(seeded, tmp_path)
    old = seeded.ok(f"log {options}", "admin")
    assert old.stdout.count("\n") > 0  # the store it came from answers

    refused = _log(seeded, store, options)

    assert_refused(refused, field, "is before this ledger was rebuilt from an export by")
    assert refused.stdout == ""
    said = " ".join(refused.stderr.split())
    assert "import --create on " in said
    assert "ask the store it came from (or a backup of it) who recorded what then" in said
    assert "recorded_at in the export (events.jsonl)" in said


def test_the_time_the_refusal_gives_keeps_what_was_recorded_since_the_move(
    seeded: Fupin, tmp_path: Path
) -> None:
    store = _moved(seeded, tmp_path)
    refused = _log(seeded, store, "--recorded-from 2019-01-01")
    given = re.search(r"give a time after the move \(--recorded-from (\S+) ", refused.stderr)
    assert given is not None, refused.stderr
    street = ["place", "add-street", "江北", "-d", "江高发〔2016〕4号"]
    added = seeded.runner.invoke(app, [*store, *street])
    assert added.exit_code == 0, added.output

    since = _lines(_log(seeded, store, f"--recorded-from {given.group(1)}"))

    # the move's record and what was recorded after it; none of the entries it replayed
    assert [line["event"] for line in since] == ["RebuiltFromExport", "StreetRegistered"]


def test_a_window_from_the_start_to_after_the_move_holds_every_replayed_entry(
    seeded: Fupin, tmp_path: Path
) -> None:
    store = _moved(seeded, tmp_path)
    everything = _lines(_log(seeded, store, ""))

    upto = _lines(_log(seeded, store, f"--recorded-to {everything[-1]['recorded_at']}"))

    assert upto == everything
    assert len(everything) > seeded.event_count()  # the replayed entries, and the move's


def test_a_ledger_never_moved_answers_before_its_first_entry_with_no_events(
    seeded: Fupin,
) -> None:
    """Not moved: nothing was recorded before its first entry, which an empty stream says."""
    assert seeded.ok("log --recorded-to 2018-12-31", "admin").stdout == ""


def _replayed(seeded: Fupin, store: list[str]) -> tuple[list[dict[str, Any]], datetime]:
    """The entries the move replayed, as ``fupin log`` prints them, and the recording time
    they carry (one: the import's save), a second or more before the move's record's."""
    everything = _lines(_log(seeded, store, ""))
    rebuilt = [line["event"] for line in everything].index("RebuiltFromExport")
    replayed = everything[:rebuilt]
    assert {line["recorded_at"] for line in replayed} == {replayed[0]["recorded_at"]}
    at = datetime.fromisoformat(replayed[0]["recorded_at"])
    assert at < datetime.fromisoformat(everything[rebuilt]["recorded_at"])  # a later save
    return replayed, at


def test_recorded_to_the_time_log_prints_of_the_replayed_entries_lists_them(
    seeded: Fupin, tmp_path: Path
) -> None:
    store = _moved(seeded, tmp_path)
    replayed, at = _replayed(seeded, store)

    upto = _lines(_log(seeded, store, f"--recorded-to {at.isoformat()}"))

    assert upto == replayed


#: A bound given a microsecond before (-1) or at (0) the time the replayed entries carry, and
#: how the refusal places it: a window from that very time would list every entry replayed.
_BY_THE_REPLAY = [
    ("--recorded-to", -1, "before"),
    ("--recorded-from", -1, "before"),
    ("--recorded-from", 0, "when"),
]


@pytest.mark.parametrize("bound", _BY_THE_REPLAY)
def test_the_refusal_names_the_time_the_replayed_entries_carry(
    seeded: Fupin, tmp_path: Path, bound: tuple[str, int, str]
) -> None:
    option, shift, when = bound
    store = _moved(seeded, tmp_path)
    _replayed_lines, at = _replayed(seeded, store)
    given = at + timedelta(microseconds=shift)

    refused = _log(seeded, store, f"{option} {given.isoformat()}")

    assert_refused(refused, option[2:], f"is {when} this ledger was rebuilt from an export by")
    said = " ".join(refused.stderr.split())
    assert f", at {china_and_utc(at)}: the move recorded every event anew, so it holds no " in said
    assert "each entry it replayed carries that time, the move's, not its own" in said


def test_known_at_is_refused_before_the_time_the_replayed_entries_carry_and_named_by_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    store = _moved(seeded, tmp_path)
    replayed, at = _replayed(seeded, store)
    caseload = ["report", "caseload", "--format", "json", "--known-at"]
    before = (at - timedelta(microseconds=1)).isoformat()

    refused = seeded.runner.invoke(app, [*store, *caseload, before])
    shown = seeded.runner.invoke(app, [*store, *caseload, at.isoformat()])

    assert_refused(refused, "known-at", "is before this ledger was rebuilt from an export by")
    said = " ".join(refused.stderr.split())
    assert f", at {china_and_utc(at)}: the move recorded every event anew, so it holds no " in said
    assert shown.exit_code == 0, shown.output
    assert orjson.loads(shown.stdout)["events"] == len(replayed)
