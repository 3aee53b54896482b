"""Session 27, the clock tester (B): a machine whose clock was 20 minutes ahead saved an entry;
every machine with a right clock was then refused, told to "set the clock right", with no word
of which entry blocks it or that the other machine may be the one that is wrong. The refusal
names the ledger's last entry (its position, who recorded it, its time) and says either this
clock is behind or the machine that recorded it was ahead (docs/operations.md); and ``verify``,
which said nothing of it, notes an entry recorded more than the clock allowance after the
verifying machine's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from ledger import clock

from tests.cli.conftest import Fupin, doc
from tests.support import TickingClock

STORE_INDEPENDENT = (
    "the save rule's refusal and verify's notes: SQLite is enough (tests/conftest.py)"
)

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

START = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


def _ahead(fupin: Fupin) -> dict[str, object]:
    """JH-0004 amended on a machine 20 minutes ahead of START: its entry in ``log``."""
    with clock.using_clock(TickingClock(START + timedelta(minutes=20))):
        fupin.ok(
            f"household amend JH-0004 --no-labour --reason 勾选错误 {doc('2016-08-04')}", "jn-01"
        )
    last: dict[str, object] = orjson.loads(
        fupin.ok("history JH-0004 --format json", "admin").stdout
    )[-1]
    return last


@SQLITE
def test_the_refusal_names_the_last_entry_and_both_clocks(seeded: Fupin) -> None:
    _ahead(seeded)
    before = seeded.event_count()
    with clock.using_clock(TickingClock(START)):
        result = seeded(
            f"household amend JH-0003 --no-labour --reason 勾选错误 {doc('2016-08-04')}", "jn-01"
        )

    assert result.exit_code != 0
    assert "Traceback" not in result.output
    said = " ".join(result.output.split())
    assert said.startswith("refused clock: this machine's clock says 2026-11-30T04:00")
    assert f"entry {before}, recorded by jn-01 at 2026-11-30T04:20" in said
    assert "either this clock is behind" in said
    assert "or the machine that recorded that entry was ahead" in said
    assert '"A clock set ahead"' in said
    assert seeded.event_count() == before


@SQLITE
def test_the_refusal_gives_the_entrys_time_whole(seeded: Fupin) -> None:
    """Re-tester I, L1: the refusal cut the entry's time to the second (stored
    12:46:19.019837); it is given whole, as ``history`` prints it, to paste."""
    ahead = START + timedelta(minutes=20, microseconds=19837)
    with clock.using_clock(TickingClock(ahead, step=timedelta(0))):
        seeded.ok(
            f"household amend JH-0004 --no-labour --reason 勾选错误 {doc('2016-08-04')}", "jn-01"
        )
    with clock.using_clock(TickingClock(START)):
        result = seeded(
            f"household amend JH-0003 --no-labour --reason 勾选错误 {doc('2016-08-04')}", "jn-01"
        )

    assert result.exit_code != 0
    assert f"at {ahead.isoformat()})" in " ".join(result.output.split())


@SQLITE
def test_verify_notes_an_entry_recorded_after_this_machines_clock(seeded: Fupin) -> None:
    last = _ahead(seeded)
    position = seeded.event_count()
    with clock.using_clock(TickingClock(START)):
        ahead = seeded("verify", "admin")
    with clock.using_clock(TickingClock(START + timedelta(minutes=15))):
        within = seeded("verify", "admin")

    assert ahead.exit_code == 0, ahead.output  # a note, not a fault
    said = " ".join(ahead.output.split())
    recorded = datetime.fromisoformat(str(last["recorded_at"]).replace("Z", "+00:00"))
    assert (
        f"note: the ledger's last entry, entry {position}, recorded by jn-01 at "
        f"{recorded.isoformat()}, is more than 10 minutes after this machine's clock "
        "(2026-11-30T04:00" in said
    )
    resume = (recorded - clock.CLOCK_TOLERANCE).isoformat()
    assert "with a right clock is refused as before the ledger's last entry until real " in said
    assert f"time passes {resume} (its time less the 10 minutes;" in said
    assert within.exit_code == 0
    assert "after this machine's clock" not in within.output


@SQLITE
def test_verify_and_the_refusal_name_the_entry_that_blocks_and_when_saves_resume(
    seeded: Fupin,
) -> None:
    """Re-tester I, M1: after an entry 20 minutes ahead and one 12 minutes ahead stored after
    it, verify named the first, the refusal the second (the last stored, which the save rule
    compares with) and said saves resume once real time passes its time; a right clock's
    save 10 minutes before that was taken while verify still said saves were refused. Both
    name the last stored entry and the moment saves resume: its time less 10 minutes."""
    amend = "household amend JH-0004 --{}labour --reason 勾选错误 " + doc("2016-08-04")
    for minutes, labour in ((20, "no-"), (12, "")):
        with clock.using_clock(TickingClock(START + timedelta(minutes=minutes))):
            seeded.ok(amend.format(labour), "jn-01")
    last = seeded.event_count()
    recorded = datetime.fromisoformat(
        str(orjson.loads(seeded.ok("history JH-0004 --format json").stdout)[-1]["recorded_at"])
    )
    resume = (recorded - clock.CLOCK_TOLERANCE).isoformat()
    with clock.using_clock(TickingClock(START + timedelta(minutes=1))):
        noted = " ".join(seeded("verify", "admin").output.split())
        refused = " ".join(seeded(amend.format("no-"), "jn-01").output.split())
    with clock.using_clock(TickingClock(START + timedelta(minutes=2, seconds=30))):
        later = seeded("verify", "admin")
        taken = seeded(amend.format("no-"), "jn-01")

    assert (
        f"the ledger's last entry, entry {last}, recorded by jn-01 at {recorded.isoformat()}"
        in (noted)
    )
    assert f"until real time passes {resume}" in noted
    assert f"entry {last}, recorded by jn-01 at {recorded.isoformat()})" in refused
    assert f"saves are taken again once real time passes {resume}" in refused
    assert "after this machine's clock" not in later.output  # saves are taken: no note
    assert taken.exit_code == 0, taken.output
