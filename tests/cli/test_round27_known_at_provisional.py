"""Session 27, re-tester I (H1): the same ``--known-at`` label gave other figures later. An
entry saved on a machine 20 minutes ahead labelled "known now" with its time; after one saved
on a machine 12 minutes ahead, a save from a machine whose clock was right was taken (the save
rule compares a save with the save stored before it, less 10 minutes), recorded before that
label, which a later run then counted. An answer as known at a time later than now less
``CLOCK_TOLERANCE`` is not final: every command taking ``--known-at`` says, where it says its
time, that it is provisional until that time plus the allowance (on standard error beside CSV
and JSON, whose data is unchanged); one as known at a time more than the allowance before now
says nothing of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from cli.privacy import chinese_moment
from ledger import clock

from tests.cli.conftest import Fupin, doc
from tests.support import TickingClock

STORE_INDEPENDENT = "the commands' own labels: SQLite is enough (tests/conftest.py)"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

START = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
WHY = "a machine whose clock is behind may still record an entry before it"
COMMANDS = [
    "report caseload",
    "report funds --format csv",
    "report accountability --format json",
    "export report caseload --format json",
    "officer list",
    "household show JH-0004",
    "history JH-0004",
    "history JH-0004 --format json",
    "notice --street 江南 --from 2016-08-01 --to 2016-08-31",
    "notice --street 江南 --from 2016-08-01 --to 2016-08-31 --format html",
]


def _compact(text: str) -> str:
    """``text`` without its spaces and line breaks (a table folds its cells)."""
    return "".join(text.replace("│", "").split())


def _amend(fupin: Fupin, at: datetime, labour: str) -> None:
    with clock.using_clock(TickingClock(at)):
        fupin.ok(f"household amend JH-0004 {labour} --reason 勾选错误 {doc('2016-08-04')}", "jn-01")


def _label(fupin: Fupin, at: datetime) -> str:
    """The label of ``report funds`` as known now, read at ``at``."""
    with clock.using_clock(TickingClock(at)):
        shown = fupin.ok("report funds --format json --known-at 2026-11-30", "admin")
    return str(orjson.loads(shown.stdout)["known_at"])


def _said(fupin: Fupin, command: str, label: str, at: datetime, tmp: Path) -> str:
    with clock.using_clock(TickingClock(at)):
        result = fupin.ok(f"{command} --known-at {label}", "admin")
    return result.stdout + result.stderr


@SQLITE
def test_a_label_a_machine_behind_may_still_precede_is_provisional(seeded: Fupin) -> None:
    _amend(seeded, START + timedelta(minutes=20), "--no-labour")  # a machine 20 minutes ahead
    _amend(seeded, START + timedelta(minutes=12), "--labour")  # one 12 minutes ahead
    label = _label(seeded, START + timedelta(minutes=2, seconds=30))
    until = (datetime.fromisoformat(label) + clock.CLOCK_TOLERANCE).isoformat()
    with clock.using_clock(TickingClock(START + timedelta(minutes=2, seconds=30))):
        csv = seeded.ok("report funds --format csv --known-at 2026-11-30", "admin")
        table = seeded.ok("report funds --known-at 2026-11-30", "admin")
        typed = seeded.ok("report funds --format json --known-at 2026-11-30T10:05Z", "admin")
    _amend(seeded, START + timedelta(minutes=3), "--no-labour")  # a right clock: taken, before it

    assert f"provisional until {until}: {WHY}" in csv.stderr
    assert f"provisional until {until}" not in csv.stdout  # the CSV's data unchanged
    assert _compact(f"provisional until {until}") in _compact(table.stdout)  # its known_at
    assert f"provisional until {datetime(2026, 11, 30, 10, 15, tzinfo=UTC).isoformat()}" in (
        typed.stderr
    )
    assert "provisional" not in typed.stdout  # the JSON's data unchanged
    with clock.using_clock(TickingClock(START + timedelta(minutes=40))):
        later = seeded.ok(f"report funds --format csv --known-at {label}", "admin")
    assert "provisional" not in later.stdout + later.stderr  # final: 10 minutes have passed


@SQLITE
@pytest.mark.parametrize("command", [*COMMANDS, "report html --out {out}"])
def test_every_command_says_it_until_the_allowance_has_passed(
    seeded: Fupin, command: str, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    command = command.format(out=page)
    recent = (START + timedelta(minutes=5)).isoformat()
    until = (START + timedelta(minutes=15)).isoformat()
    soon = _said(seeded, command, recent, START + timedelta(minutes=6), tmp_path)
    soon += page.read_text(encoding="utf-8") if page.exists() else ""
    page.unlink(missing_ok=True)
    late = _said(seeded, command, recent, START + timedelta(minutes=16), tmp_path)
    late += page.read_text(encoding="utf-8") if page.exists() else ""

    if "notice" in command and "html" in command:  # the public page says it in Chinese
        final = chinese_moment((START + timedelta(minutes=15)).replace(microsecond=0))
        assert f"（暂定：{final}前，时钟偏慢的电脑仍可能补录此前的记录）" in soon
        assert "暂定" not in late
        return
    assert _compact(f"provisional until {until}: {WHY}") in _compact(soon)
    assert "provisional" not in late
