"""Session 17, testers C and D: messages that sent a reader the wrong way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


def test_a_correction_of_no_entry_of_an_account_says_how_to_list_its_entries(
    seeded: Fupin,
) -> None:
    # It said "(`fupin history` lists a household's)" for an account too (tester C).
    result = seeded("correct fund city-2016 99 --reason 录错 -d 更正单 -e 2016-09-01", "qu-01")

    assert_refused(result, "version", "there is no entry 99")
    assert "(`fupin history --kind fund city-2016` lists them)" in result.stderr


@SQLITE
def test_the_html_report_says_who_sees_names_in_full(seeded: Fupin, tmp_path: Path) -> None:
    # District officers see them in full too; the report said only admins and inspectors
    # (tester D).
    out = tmp_path / "r.html"
    seeded.ok(f"report html --out {out}", actor="ana-1")

    assert "admins, inspectors and district officers see them in full" in out.read_text()


@pytest.mark.parametrize("typed", ["m-1 ", "ｍ-1", "m–1"])
def test_a_measure_typed_otherwise_says_how_it_is_typed(seeded: Fupin, typed: str) -> None:
    # The household, village and account lookups said it; the measure's did not (tester C).
    result = seeded.runner.invoke(
        app,
        [
            "--as", "qu-01", "fund", "disburse", "city-2016", "--amount", "10",
            "--category", "education", "--purpose", "household", "--household", "JH-0001",
            "--measure", typed, "-d", "支出凭证", "-e", "2016-09-02",
        ],
    )  # fmt: skip

    assert_refused(result, "measure", f"{typed!r} is not a measure of JH-0001 (it holds")
    assert "'m-1'?)" in result.stderr


@SQLITE
def test_a_money_rule_of_a_year_not_over_is_due_not_failed(seeded: Fupin, tmp_path: Path) -> None:
    # The funds flags and the HTML marked 2017 and 2018 as failed in a report as of 2016, and
    # every rule on the day the programme opened (tester D).
    report = json.loads(seeded.ok("report funds --as-of 2016-12-31 --format json").stdout)
    out = tmp_path / "r.html"
    seeded.ok(f"report html --as-of 2016-12-31 --out {out}", actor="ana-1")
    page = out.read_text()

    assert [(row["year"], row["year_over"]) for row in report["splits"]] == [
        (2016, True),
        (2017, False),
        (2018, False),
    ]
    assert report["per_person"][0]["programme_over"] is False
    assert "… due by 31 Dec 2017" in page
    assert "… due by 31 Dec 2016" not in page  # 2016 is over: met or failed


@SQLITE
def test_a_dash_names_no_output_file(seeded: Fupin, tmp_path: Path) -> None:
    # report html --out - wrote a file named "-" in the current folder (tester D).
    result = seeded("report html --out -", "ana-1")

    assert_refused(result, "output", "'-' names no file: name the file to write (./- for one")
    assert not Path("-").exists()


@pytest.mark.parametrize("when", ["9999-12-31", "2999-01-01T00:00+08:00"])
def test_a_known_at_time_to_come_is_refused_as_an_as_of_day_is(seeded: Fupin, when: str) -> None:
    result = seeded(f"report caseload --known-at {when}", "ana-1")

    assert_refused(result, "known-at", f"'{when}' has not come yet")


def test_a_negative_amount_says_amounts_are_never_negative(seeded: Fupin) -> None:
    # It said only "not an amount in yuan with at most 2 decimals" (tester C).
    result = seeded("fund allocate city-2016 --amount -5 -d 拨款 -e 2016-09-01", "qu-01")

    assert_refused(result, "amount", "an amount is never negative")
