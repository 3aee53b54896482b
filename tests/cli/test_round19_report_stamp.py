"""Session 19: a report says what it reflects, how many of the ledger's events and when the
last of them was recorded (tester M, session 18: a report without ``--known-at`` did not say
how current it was, so two printouts of "the caseload" could not be told apart, nor one made
again). ``--known-at`` that time gives the same report."""

from __future__ import annotations

import re
from typing import Any

import orjson
import pytest

from tests.cli.conftest import Fupin, doc

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the reports' own work


def report(fupin: Fupin, line: str) -> dict[str, Any]:
    result = fupin(f"report {line} --format json", "ana-1")
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = orjson.loads(result.stdout)
    return found


@pytest.mark.parametrize("name", ["caseload", "funds", "accountability"])  # on both stores
def test_a_report_says_how_many_events_it_read_and_the_last_ones_recording(
    seeded: Fupin, name: str
) -> None:
    before = report(seeded, name)
    assert before["events"] == seeded.event_count()

    seeded.ok(f"household review JH-0002 --accepted {doc('2016-08-02')}", "jn-01")
    after = report(seeded, name)

    assert after["events"] == seeded.event_count() == before["events"] + 1
    assert after["recorded_through"] > before["recorded_through"]
    again = report(seeded, f"{name} --known-at {before['recorded_through']}")
    assert again["events"] == before["events"]
    assert again["recorded_through"] == before["recorded_through"]
    for key in ("known_at", "events", "recorded_through"):
        del again[key], before[key]
    assert again == before  # what was printed then, made again


@SQLITE
def test_a_report_as_of_a_day_counts_only_the_events_in_force_by_then(seeded: Fupin) -> None:
    now = report(seeded, "caseload")
    then = report(seeded, "caseload --as-of 2016-08-01")

    assert 0 < then["events"] < now["events"]
    assert then["recorded_through"] <= now["recorded_through"]


@SQLITE
def test_a_table_and_the_html_report_say_it_too(seeded: Fupin, tmp_path: Any) -> None:
    stamp = report(seeded, "funds")
    table = seeded("report funds --format csv", "ana-1")
    html = tmp_path / "r.html"

    made = seeded(f"report html --out {html}", "ana-1")

    assert table.exit_code == 0, table.output
    assert made.exit_code == 0, made.output
    heading = table.stdout.splitlines()[1:3]
    assert heading[0].split(",")[4:6] == ["events", "recorded_through"]
    assert heading[1].split(",")[4:6] == [str(stamp["events"]), stamp["recorded_through"]]
    # the page's text, its English and Chinese marked apart by lang (since session 27)
    text = re.sub(r"<[^>]+>", "", html.read_text(encoding="utf-8"))
    assert (
        f"{stamp['events']:,} events 条记录, the last counted (in log order) recorded at "
        f"{stamp['recorded_through']}" in text
    )


@SQLITE
def test_the_html_report_says_which_day_and_shows_a_years_late_money(
    seeded: Fupin, tmp_path: Any
) -> None:
    """Tester P, session 19: the splits table said nothing of a year's money received after
    its 31 December (the chart above it counted it), the heading said "as of" the latest day
    when no --as-of was given, and the exits card said "now" of a report as of a past day."""
    seeded.ok(f"fund allocate city-2016 --amount 10.01 {doc('2017-01-05')}", "qu-01")
    now, then = tmp_path / "now.html", tmp_path / "then.html"

    seeded.ok(f"report html --out {now}", "ana-1")
    seeded.ok(f"report html --out {then} --as-of 2016-12-31", "ana-1")

    page, past = now.read_text(encoding="utf-8"), then.read_text(encoding="utf-8")
    assert 'data-figure="split-2016-late" data-value="1001"' in page
    assert 'data-figure="split-2016-late" data-value="0"' in past
    assert "received after 31 Dec, not counted" in page
    said, said_past = (re.sub(r"<[^>]+>", "", p) for p in (page, past))  # lang spans apart
    assert "up to the latest day on record 截至最新业务日 2017-01-05" in said
    assert "as of 截至 2016-12-31" in said_past
    assert "as of 截至" not in said
    assert "Exited 退出 (households out, not returned)" in said_past
    assert "(households, now)" not in past
