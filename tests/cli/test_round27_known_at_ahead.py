"""Session 27, the clock tester (B): an entry saved on a machine an hour ahead, and its own
recording time pasted from ``history`` into ``--known-at`` on a machine whose clock is right,
was refused as a time that "has not come yet". A typed time after now is taken as it is when it
is not after the latest recording time on record; one after that, and more than the clock
allowance after now, is refused as before; by every command that takes ``--known-at``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from ledger import clock

from tests.cli.conftest import Fupin, doc
from tests.support import TickingClock

STORE_INDEPENDENT = "the commands' own reading of --known-at: SQLite is enough (tests/conftest.py)"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

START = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
COMMANDS = [
    "report caseload --format json",
    "report funds --format json",
    "report accountability --format json",
    "export report caseload --format json",
    "officer list --format json",
    "household show JH-0004 --format json",
    "history JH-0004 --format json",
    "notice --street 江南 --from 2016-08-01 --to 2016-08-31",
]


def _ahead(fupin: Fupin) -> tuple[str, str]:
    """Two amendments of JH-0004 saved on machines 60 and 70 minutes ahead: their recording
    times, as ``history`` prints them."""
    for minutes, labour in ((60, "--no-labour"), (70, "--labour")):
        with clock.using_clock(TickingClock(START + timedelta(minutes=minutes))):
            fupin.ok(
                f"household amend JH-0004 {labour} --reason 勾选错误 {doc('2016-08-04')}", "jn-01"
            )
    shown = orjson.loads(fupin.ok("history JH-0004 --format json", "admin").stdout)
    return str(shown[-2]["recorded_at"]), str(shown[-1]["recorded_at"])


@SQLITE
@pytest.mark.parametrize("command", COMMANDS)
def test_a_recording_time_ahead_pasted_from_history_is_taken(seeded: Fupin, command: str) -> None:
    first, _ = _ahead(seeded)
    with clock.using_clock(TickingClock(START)):
        result = seeded.ok(f"{command} --known-at {first}", "admin")
    if command.startswith("report"):
        assert (
            orjson.loads(result.stdout)["known_at"]
            == datetime.fromisoformat(first.replace("Z", "+00:00")).isoformat()
        )


@SQLITE
def test_it_shows_the_ledger_as_known_then(seeded: Fupin) -> None:
    first, second = _ahead(seeded)
    with clock.using_clock(TickingClock(START)):
        then = orjson.loads(seeded.ok(f"history JH-0004 --format json --known-at {first}").stdout)
        table = seeded.ok(f"history JH-0004 --known-at {first}", "admin")

    assert then[-1]["recorded_at"] == first  # the first amendment, not the one after it
    assert second not in [entry["recorded_at"] for entry in then]
    assert "the moment read" not in table.stdout


@SQLITE
@pytest.mark.parametrize("command", [*COMMANDS, "report html --out {out}"])
def test_a_time_after_every_entry_and_the_allowance_is_refused(
    seeded: Fupin, command: str, tmp_path: Path
) -> None:
    _, second = _ahead(seeded)
    later = (
        datetime.fromisoformat(second.replace("Z", "+00:00")) + timedelta(minutes=1)
    ).isoformat()
    out = tmp_path / "r.html"
    with clock.using_clock(TickingClock(START)):
        result = seeded(f"{command.format(out=out)} --known-at {later}", "admin")
    assert result.exit_code != 0
    assert f"refused known-at: '{later}' has not come yet" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@SQLITE
def test_report_html_takes_a_recording_time_ahead(seeded: Fupin, tmp_path: Path) -> None:
    first, _ = _ahead(seeded)
    out = tmp_path / "r.html"
    with clock.using_clock(TickingClock(START)):
        seeded.ok(f"report html --out {out} --known-at {first}", "admin")
    assert out.exists()
