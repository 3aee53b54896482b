"""Session 25, the inspector checking the bitemporal promises: ``fupin history`` and ``fupin
notice`` took no ``--known-at``, so a timeline or a public notice list as it stood at a time
could be seen only in a backup from then. Both take it now, read as the reports read it: the
entries (notices) recorded by then, as they were then; a correction recorded later is not
applied. Each is compared with a copy of the ledger taken at that time."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ledger import clock

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry
from tests.support import TickingClock

STORE_INDEPENDENT = "a copy of the SQLite file is the backup compared: SQLite is enough"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

START = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
NOTICE = "notice --street 江南 --from 2016-08-01 --to 2016-08-31"


def _copy(fupin: Fupin, folder: Path) -> str:
    """The ledger as it stands now, copied with its master key: a backup taken then."""
    copy = folder / "then.db"
    shutil.copyfile(fupin.path, copy)
    key = Path(f"{fupin.path}.master-key")
    if key.exists():
        shutil.copyfile(key, f"{copy}.master-key")
    return str(copy)


def _then(fupin: Fupin, copy: str, line: str, actor: str) -> str:
    return fupin.ok(f"--store {copy} {line}", actor).stdout


def _unlabelled(shown: str, then: str) -> str:
    """``shown`` without the time it says it shows (since the session 25 re-test: a table's
    title, a line of the HTML page; tests/cli/test_round25_known_at_said.py), to compare with
    the copy's, which says none."""
    label = f"as known at {then}"
    if "<!DOCTYPE html>" in shown:
        # The public notice page says it in Chinese, in China's time (since the session 27
        # re-test, tester H), with when a recent time becomes final (暂定).
        assert '<p class="known-at">截至' in shown
        return re.sub('<p class="known-at">截至[^<]*</p>', "", shown).rstrip("\n")
    assert label in shown
    # A recent time is provisional (since session 27): the line says until when.
    shown = re.sub(f'<p class="known-at">{re.escape(label)}( \\([^<]*\\))?</p>', "", shown)
    return "\n".join(line for line in shown.splitlines() if label not in line)


def _untitled(shown: str) -> str:
    return "\n".join(shown.splitlines()[1:])


@SQLITE
@pytest.mark.parametrize("output", ["table", "json"])
def test_history_known_at_is_the_timeline_a_copy_taken_then_shows(
    seeded: Fupin, tmp_path: Path, output: str
) -> None:
    ticking = TickingClock(START)
    with clock.using_clock(ticking):
        then = ticking.current.isoformat()
        copy = _copy(seeded, tmp_path)
        ticking.current += timedelta(minutes=1)
        # JH-0003's review, recorded before that time, voided after it.
        reviewed = last_entry(seeded, "JH-0003", "Reviewed")
        seeded.ok(
            f"correct household JH-0003 {reviewed} --reason 审核录错 {doc('2016-08-05')}", "jn-01"
        )
        line = f"history JH-0003 --format {output}"
        now = seeded.ok(line, "admin").stdout
        replayed = seeded.ok(f"{line} --known-at {then}", "admin").stdout

    assert "voided by" in now or "voided_by" in now
    if output == "table":  # the title says the time shown, centred over the table
        assert _unlabelled(replayed, then) == _untitled(_then(seeded, copy, line, "admin"))
    else:
        assert replayed == _then(seeded, copy, line, "admin")
    assert "voided" not in replayed


@SQLITE
def test_history_of_a_record_not_made_yet_says_so(seeded: Fupin) -> None:
    result = seeded("history JH-0001 --known-at 2017-01-01", "admin")

    assert_refused(result, "household", "'JH-0001' was not on record yet as known at 2017-01-01")


@SQLITE
@pytest.mark.parametrize("output", ["csv", "html"])
def test_notice_known_at_is_the_list_a_copy_taken_then_shows(
    seeded: Fupin, tmp_path: Path, output: str
) -> None:
    ticking = TickingClock(START)
    with clock.using_clock(ticking):
        then = ticking.current.isoformat()
        copy = _copy(seeded, tmp_path)
        ticking.current += timedelta(minutes=1)
        # JH-0004's notice voided, JH-0003's posted, after that time.
        posted = last_entry(seeded, "JH-0004", "NoticePosted")
        seeded.ok(
            f"correct household JH-0004 {posted} --reason 公示录错 {doc('2016-08-10')}", "jn-01"
        )
        seeded.ok(
            "household notice JH-0003 --start 2016-08-04 --end 2016-08-10 " + doc("2016-08-04"),
            "jn-01",
        )
        line = f"{NOTICE} --format {output}"
        now = seeded.ok(line, "jn-01").stdout
        replayed = seeded.ok(f"{line} --known-at {then}", "jn-01").stdout

    assert "JH-0003" in now
    assert "JH-0004" not in now
    if output == "html":  # the page says the time shown
        assert _unlabelled(replayed, then) == _then(seeded, copy, line, "jn-01").rstrip("\n")
    else:
        assert replayed == _then(seeded, copy, line, "jn-01")
    assert "JH-0004" in replayed
    assert "JH-0003" not in replayed


@SQLITE
def test_notice_and_history_read_known_at_as_the_reports_do(seeded: Fupin) -> None:
    later = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()

    for line in (f"{NOTICE} --known-at {later}", f"history JH-0004 --known-at {later}"):
        assert_refused(seeded(line, "admin"), "known-at", f"'{later}' has not come yet (it is ")
