"""Session 25, the inspector checking the bitemporal promises: a ``--known-at`` a few minutes
ahead (within the 10 minutes allowed for officers' clocks) was taken as typed and printed as the
report's ``known_at``, yet an entry recorded before that moment changed the figures under the
same label. A time at or after now is read as now, as today's date alone is: everything on
record, labelled with the moment it was read (or the latest recording time on record, if a
machine a little ahead recorded later), by every command that takes ``--known-at``."""

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
AHEAD = (START + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")


def _json(fupin: Fupin, line: str, actor: str = "admin") -> dict[str, object]:
    loaded: dict[str, object] = orjson.loads(fupin.ok(line, actor).stdout)
    return loaded


@SQLITE
@pytest.mark.parametrize(
    "command",
    [
        "report caseload --format json",
        "report funds --format json",
        "report accountability --format json",
        "export report caseload --format json",
        "officer list --format json",
        "household show JH-0001 --format json",
    ],
)
def test_a_known_at_ahead_is_now_and_its_label_makes_the_same_report(
    seeded: Fupin, command: str
) -> None:
    ticking = TickingClock(START)
    with clock.using_clock(ticking):
        first = _json(seeded, f"{command} --known-at {AHEAD}")
        label = str(first["known_at"])
        assert datetime.fromisoformat(label) <= ticking.current  # not in the future
        # An entry recorded after the report, before the time typed.
        seeded.ok(
            f"household amend JH-0004 --no-labour --reason 勾选错误 {doc('2016-08-04')}", "jn-01"
        )
        again = _json(seeded, f"{command} --known-at {label}")

    assert again == first


@SQLITE
def test_the_html_report_says_the_moment_read(seeded: Fupin, tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    ticking = TickingClock(START)
    with clock.using_clock(ticking):
        seeded.ok(f"report html --out {page} --known-at {AHEAD}", "admin")
        now = ticking.current

    text = page.read_text(encoding="utf-8")
    assert f"as known at {AHEAD.replace('Z', '+00:00')}" not in text
    assert "as known at 2026-11-30T04:00:0" in text
    assert now < START + timedelta(minutes=1)


@SQLITE
def test_an_entry_recorded_ahead_of_now_is_counted_and_labels_the_report(seeded: Fupin) -> None:
    # A machine four minutes ahead records an amendment...
    with clock.using_clock(TickingClock(START + timedelta(minutes=4))):
        seeded.ok(
            f"household amend JH-0004 --no-labour --reason 勾选错误 {doc('2016-08-04')}", "jn-01"
        )
    everything = _json(seeded, "report caseload --format json")
    # ...read on this machine, at START: "now" covers it, and says its recording time.
    with clock.using_clock(TickingClock(START)):
        for known_at in (AHEAD, "2026-11-30"):
            report = _json(seeded, f"report caseload --format json --known-at {known_at}")
            assert report["events"] == everything["events"]
            assert report["known_at"] == everything["recorded_through"]


@SQLITE
def test_an_entry_ahead_far_back_in_the_log_still_labels_the_report(seeded: Fupin) -> None:
    # The label is found from the log's end backwards, a growing page at a time (not by reading
    # every event again): an entry recorded ahead with more than a page of entries after it,
    # recorded on time, still labels a report as known now.
    with clock.using_clock(TickingClock(START + timedelta(minutes=4))):
        seeded.ok(
            f"household amend JH-0004 --no-labour --reason 勾选错误 {doc('2016-08-04')}", "jn-01"
        )
    ahead = str(_json(seeded, "report caseload --format json")["recorded_through"])
    with clock.using_clock(TickingClock(START)):
        for n in range(70):
            seeded.ok(
                f"officer add an-{n:02d} --name 分析{n} --role analyst {doc('2016-08-05')}", "admin"
            )
        report = _json(seeded, f"report caseload --format json --known-at {AHEAD}")
    assert report["known_at"] == ahead
    assert datetime.fromisoformat(ahead) > START + timedelta(minutes=3)
