"""Session 23, re-test M of the day's rules on notes and dates:

* a note, a document or a reason of characters that draw nothing but are no format or space
  characters (a Hangul filler U+3164, a blank Braille pattern U+2800, a combining mark alone)
  passed for text that says something;
* a step dated after 2020 passed when its note held the year's four digits inside another
  number (``原表第20251行``), and was refused when it named the year in Chinese numerals;
* an export edited by hand, a 2018 visit redated 2025, was replayed by ``import --create``
  as the ledger had recorded it, though no entry takes effect after the day it is entered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ALLOCATE = ["--as", "qu-01", "fund", "allocate", "city-2016", "--amount", "10"]


@pytest.mark.parametrize("blank", ["\u3164", "\u2800", "\u115f", "\u034f", "\U0001d159"])
@pytest.mark.parametrize("field", ["note", "document"])
def test_text_that_draws_nothing_says_nothing(seeded: Fupin, blank: str, field: str) -> None:
    before = seeded.event_count()
    given = {"note": ["-d", "拨款", "--note", blank], "document": ["-d", blank]}[field]

    refused = seeded.runner.invoke(app, [*ALLOCATE, *given, "-e", "2016-09-01"])

    assert refused.exit_code == 2, refused.output
    assert refused.stderr.startswith(f"refused {field}: ")
    assert seeded.event_count() == before


def test_a_reason_that_draws_nothing_is_refused(seeded: Fupin) -> None:
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "jn-01")
    refused = seeded.runner.invoke(
        app,
        [
            "--as",
            "jn-01",
            "correct",
            "household",
            "JH-0001",
            "8",
            "--reason",
            "\u3164",
            "-d",
            "更正单",
            "-e",
            "2016-09-02",
        ],
    )
    assert_refused(refused, "reason", "a correction must say why")


@pytest.mark.parametrize(
    ("note", "ok"),
    [
        ("补录，原表第20251行", False),
        ("2018年补录 金额12022元", False),
        ("二〇二五年补录", True),
        ("２０２５年审计整改", True),
        ("审计 2025", True),
    ],
)
def test_the_note_names_the_year_as_a_year(seeded: Fupin, note: str, ok: bool) -> None:
    result = seeded.runner.invoke(
        app, [*ALLOCATE, "-d", "拨款", "-e", "2025-12-20", "--note", note]
    )
    if ok:
        assert result.exit_code == 0, result.output
    else:
        assert_refused(result, "effective", "naming its year 2025")


def test_an_export_row_redated_after_its_recording_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "jn-01")
    log = tmp_path / "events.jsonl"
    seeded.ok(f"export events -o {log}", "admin")
    lines = log.read_bytes().splitlines()
    edited = []
    for line in lines:
        row = orjson.loads(line)
        if "recorded_at" in row:  # as a ledger entered in 2016 has them, in order
            row["recorded_at"] = "2016-12-31T01:00:00+00:00"
        if row.get("command") == "record_visit":
            row["effective"] = "2017-01-05"  # redated by hand after the day it was entered
        edited.append(orjson.dumps(row))
    log.write_bytes(b"\n".join(edited) + b"\n")
    fresh = tmp_path / "fresh.db"

    refused = seeded.runner.invoke(app, ["--store", str(fresh), "import", "--create", str(log)])

    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.stderr.split())
    assert "effective: 2017-01-05 is after the day this row was recorded (2016-12-31" in said
    assert "the export was altered; export it again from its store" in said


# -- re-test P (the same session) -------------------------------------------------------------


def _export_with_visit(seeded: Fupin, tmp_path: Path, edit: Any) -> Path:
    """The seeded ledger's export, its visit row passed to ``edit`` (and a second visit after
    it, so that a row follows the edited one)."""
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "jn-01")
    seeded.ok("household visit JH-0001 --helper c-1 -d 走访二 -e 2016-09-02", "jn-01")
    log = tmp_path / "events.jsonl"
    seeded.ok(f"export events -o {log}", "admin")
    rows = [orjson.loads(line) for line in log.read_bytes().splitlines()]
    first = next(row for row in rows if row.get("command") == "record_visit")
    edit(first)
    log.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return log


def _create(seeded: Fupin, tmp_path: Path, log: Path) -> str:
    fresh = tmp_path / "fresh.db"
    refused = seeded.runner.invoke(app, ["--store", str(fresh), "import", "--create", str(log)])
    assert refused.exit_code == 2, refused.output
    assert not fresh.exists()
    return " ".join(refused.stderr.split())


@pytest.mark.parametrize("recorded", [None, 0])
def test_an_export_row_without_its_recording_time_is_judged_by_todays_rules(
    seeded: Fupin, tmp_path: Path, recorded: Any
) -> None:
    """Re-test P: a row redated 2025 whose recorded_at was deleted (or made no time) was
    replayed as entered then, so neither the after-2020 rule nor its recording day held it."""

    def edit(row: dict[str, Any]) -> None:
        row["effective"] = "2025-12-20"
        if recorded is None:
            del row["recorded_at"]
        else:
            row["recorded_at"] = recorded

    said = _create(seeded, tmp_path, _export_with_visit(seeded, tmp_path, edit))

    assert "says why in its note, naming its year 2025" in said


def test_an_export_row_recorded_out_of_order_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    def edit(row: dict[str, Any]) -> None:
        row["recorded_at"] = "2099-01-01T00:00:00+00:00"  # and every row after it is earlier

    said = _create(seeded, tmp_path, _export_with_visit(seeded, tmp_path, edit))

    assert "by more than the 10 minutes officers' clocks may differ" in said
    assert "an export is written in recording order, so the export was altered" in said


@pytest.mark.parametrize("note", ["二○二五年补录", "审计2025一季度补拨", "补录2025三户"])
def test_the_year_in_other_forms_of_the_chinese_zero_and_next_to_a_word(
    seeded: Fupin, note: str
) -> None:
    seeded.ok(f"fund allocate city-2016 --amount 10 -d 拨款 -e 2025-12-20 --note {note}", "qu-01")


def test_the_half_fill_space_says_nothing(seeded: Fupin) -> None:
    refused = seeded.runner.invoke(
        app, ["--as", "admin", "place", "add-street", "\u303f", "-d", "设立", "-e", "2016-08-20"]
    )

    assert refused.exit_code == 2, refused.output
    assert refused.stderr.startswith("refused street: ")


@pytest.mark.parametrize(
    ("recorded", "said"),
    [
        ("2099-01-01T00:00:00+00:00", "recorded_at: recorded_at 2"),
        ("2016-12-20T10:00:00", "recorded_at: recorded_at '2016-12-20T10:00:00' is not a time"),
    ],
)
def test_a_recording_times_fault_is_named_under_recorded_at(
    seeded: Fupin, tmp_path: Path, recorded: str, said: str
) -> None:
    """Re-tester W, session 28: a recorded_at with no offset, or out of recording order, was
    refused under the field effective."""

    def edit(row: dict[str, Any]) -> None:
        row["recorded_at"] = recorded

    refused = _create(seeded, tmp_path, _export_with_visit(seeded, tmp_path, edit))

    assert said in refused
    assert "effective: recorded_at" not in refused
