"""Session 24, testers: ``report accountability`` without ``--as-of`` judges deadlines by its
``today``, the last day on record, never the wall clock (a report is a function of the log):
a finding nobody acted on showed as overdue only once some unrelated later step moved
``today``, and nothing said so. The table and the HTML report now add one line, CSV and JSON
a ``note:`` on stderr (stdout unchanged), when that day is before the real date."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from html import unescape
from pathlib import Path

import orjson
from ledger import clock

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 12, 1, 4, tzinfo=UTC)  # 12:00 on 1 December 2026 in China
#: Which entries make today (said since session 27, tester F).
COUNTED = (
    "the programme's casework, funds and oversight; a year's standards, reference data, "
    "corrections and amendments do not move it"
)
#: What the accountability report judges by its today (since the re-test: findings alone before).
JUDGED = (
    "quarters ended (missed visits), years over (the reduction plan, talks due 约谈) and "
    "deadlines passed (overdue findings) are judged by it"
)
NOTE = (
    f"today 2017-01-05 is the last day on record that counts ({COUNTED}), not today's date "
    f"(2026-12-01): {JUDGED}; "
    "to judge them by today's date, run with --as-of 2026-12-01"
)


def _with_a_finding(fupin: Fupin) -> None:
    """A finding about 江南 due by 2017-03-31, recorded on 2017-01-05: the last day on record."""
    fupin.ok(f"inspection open DI-1 --level district --year 2016 {doc('2017-01-05')}", "insp-1")
    fupin.ok(
        "inspection find DI-1 F1 --subject-kind street --subject 江南 "
        f"--description 进度滞后 --deadline 2017-03-31 {doc('2017-01-05')}",
        "insp-1",
    )


def _report(fupin: Fupin, options: str) -> tuple[str, str]:
    with clock.using_clock(lambda: NOW):
        result = fupin.ok(f"report accountability {options}", "ana-1")
    return result.stdout, result.stderr


def test_the_table_says_its_today_is_the_last_day_on_record(seeded: Fupin) -> None:
    _with_a_finding(seeded)

    stdout, _ = _report(seeded, "")

    assert " ".join(stdout.split()).endswith(NOTE)
    overdue, _ = _report(seeded, "--as-of 2026-12-01 --format json")
    assert [f["finding"] for f in orjson.loads(overdue)["overdue_findings"]] == ["F1"]


def test_json_and_csv_say_it_on_stderr_and_keep_stdout(seeded: Fupin) -> None:
    _with_a_finding(seeded)

    as_json, said = _report(seeded, "--format json")
    as_csv, said_csv = _report(seeded, "--format csv")

    report = orjson.loads(as_json)
    assert (report["today"], report["overdue_findings"]) == ("2017-01-05", [])
    assert "note" not in report
    assert " ".join(said.split()) == f"note: {NOTE}"
    assert " ".join(said_csv.split()) == f"note: {NOTE}"
    assert "last day on record" not in as_csv


def test_a_report_as_of_a_day_says_nothing_of_it(seeded: Fupin) -> None:
    _with_a_finding(seeded)

    stdout, stderr = _report(seeded, "--as-of 2017-01-05")

    assert "last day on record" not in stdout + stderr


def _stale_today(page: str) -> str:
    """The line under the header, as read (English, since session 27 marked lang="en")."""
    found = re.search(r'<p class="meta" id="stale-today" lang="en">(.*?)</p>', page)
    assert found, "no stale-today line"
    return unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def test_the_html_report_says_it_under_its_header(seeded: Fupin, tmp_path: Path) -> None:
    _with_a_finding(seeded)
    out, dated = tmp_path / "r.html", tmp_path / "d.html"

    with clock.using_clock(lambda: NOW):
        seeded.ok(f"report html --out {out}", "ana-1")
        seeded.ok(f"report html --out {dated} --as-of 2017-01-05", "ana-1")

    assert _stale_today(out.read_text()) == NOTE
    assert "stale-today" not in dated.read_text()


def test_with_known_at_the_advice_keeps_it(seeded: Fupin, tmp_path: Path) -> None:
    # Re-tester, session 24: the note advised --as-of alone, dropping the reader's --known-at.
    _with_a_finding(seeded)
    later = datetime.now(UTC) + timedelta(days=2)  # the report's real date: after the records
    known = (datetime.now(UTC) + timedelta(days=1)).astimezone(CHINA).replace(microsecond=0)
    real_today = later.astimezone(CHINA).date()
    option = f"--known-at {known.isoformat()}"
    note = (
        f"today 2017-01-05 is the last day on record as known at {known.isoformat()} that "
        f"counts ({COUNTED}), not today's date ({real_today}): {JUDGED}; to judge them by "
        "today's date, run with "
        f"--as-of {real_today} --known-at {known.isoformat()}"
    )
    out = tmp_path / "r.html"

    with clock.using_clock(lambda: later):
        table = seeded.ok(f"report accountability {option}", "ana-1").stdout
        said = seeded.ok(f"report accountability {option} --format json", "ana-1").stderr
        seeded.ok(f"report html --out {out} {option}", "ana-1")

    assert " ".join(table.split()).endswith(note)
    assert " ".join(said.split()) == f"note: {note}"
    assert _stale_today(out.read_text()) == note


def test_report_funds_says_it_too(seeded: Fupin) -> None:
    # Re-test R, session 24: report funds said 2018 and the programme were not over, eight
    # years on, with no word that its today was the last day on record.
    _with_a_finding(seeded)
    note = (
        f"today 2017-01-05 is the last day on record that counts ({COUNTED}), not today's date "
        "(2026-12-01): years over (the yearly splits' rules) and the programme's end (the "
        "per-person rule) are judged by "
        "it; to judge them by today's date, run with --as-of 2026-12-01"
    )

    with clock.using_clock(lambda: NOW):
        table = seeded.ok("report funds", "ana-1").stdout
        as_json = seeded.ok("report funds --format json", "ana-1")
        dated = seeded.ok("report funds --as-of 2026-12-01 --format json", "ana-1")

    assert " ".join(table.split()).endswith(note)
    assert " ".join(as_json.stderr.split()) == f"note: {note}"
    assert orjson.loads(as_json.stdout)["today"] == "2017-01-05"
    assert dated.stderr == ""
