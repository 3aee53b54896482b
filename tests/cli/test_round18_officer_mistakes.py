"""Session 18, testers J (a finance auditor) and K (a new street officer):

- a city, district or street account opened with a donor was recorded, and showed the donor
  in every report for good (an opening is neither correctable nor amendable);
- an offset from UTC past ±23:59 in ``--known-at`` was refused in Python's words;
- ``correct household N 1`` (the identification) said only which entries are correctable,
  not what to do about a field typed wrong at identification;
- a return's approval run again was refused as "has not exited; no return to record"."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from ledger.funds import FundAccount

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.cli.test_round13_unpairings import EXIT, RETURN

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the rules' own words


@SQLITE
@pytest.mark.parametrize("source", ["city", "district"])
def test_a_fiscal_account_naming_a_donor_is_refused(seeded: Fupin, source: str) -> None:
    before = seeded.event_count()

    result = seeded(
        f"fund open {source}-x --source {source} --year 2016 --donor 某爱心企业 "
        f"{doc('2016-08-01')}",
        "qu-01",
    )

    assert_refused(result, "donor", "a donation account names its donor; no other account does")
    assert seeded.event_count() == before


@SQLITE
def test_an_offset_past_a_day_says_so(seeded: Fupin) -> None:
    result = seeded("report funds --known-at 2016-08-05T10:00+25:00", "ana-1")

    assert_refused(
        result,
        "known-at",
        "'2016-08-05T10:00+25:00': +25:00 is no offset from UTC (at most ±23:59; China's is "
        "+08:00)",
    )


@SQLITE
def test_voiding_an_identification_says_what_to_do_instead(seeded: Fupin) -> None:
    result = seeded(f"correct household JH-0002 1 --reason 村录错 {doc('2016-08-20')}", "jn-01")

    assert_refused(result, "version", "1 is not a correctable entry here (correctable: ")
    assert "fupin household amend NUMBER" in result.stderr
    assert "fupin household members NUMBER" in result.stderr
    assert "fupin household review NUMBER --rejected" in result.stderr


@SQLITE
def test_a_return_approved_again_is_said_to_be_done(seeded: Fupin) -> None:
    for actor, line in [*EXIT, *RETURN]:
        seeded.ok(line, actor)
    before = seeded.event_count()

    result = seeded(RETURN[-1][1], RETURN[-1][0])

    assert_refused(
        result,
        "step",
        "return approved of JH-0001 is already done (the return was approved on 2017-09-20); "
        "the household is back in the plan of 2018",
    )
    assert seeded.event_count() == before


@SQLITE
def test_an_export_holding_a_fiscal_account_with_a_donor_replays_as_recorded(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A ledger written before session 18 may hold one: its export must still re-import.
    checked = FundAccount.check_opening
    monkeypatch.setattr(
        FundAccount, "check_opening", staticmethod(lambda source, street, donor, **_: None)
    )
    seeded.ok(
        f"fund open city-x --source city --year 2016 --donor 某企业 {doc('2016-08-01')}", "qu-01"
    )
    monkeypatch.setattr(FundAccount, "check_opening", staticmethod(checked))

    result = reimported(seeded, tmp_path)

    assert result.exit_code == 0, result.output


def test_history_says_which_correction_voided_an_entry(seeded: Fupin) -> None:
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "jn-01")
    entries = orjson.loads(seeded.ok("history JH-0001 --format json", "admin").stdout)
    visit = entries[-1]["version"]
    seeded.ok(f"correct household JH-0001 {visit} --reason 重复录入 {doc('2016-09-02')}", "jn-01")

    entries = orjson.loads(seeded.ok("history JH-0001 --format json", "admin").stdout)
    table = seeded.ok("history JH-0001", "admin").stdout

    correction = entries[-1]["version"]
    assert entries[visit - 1]["voided_by"] == correction
    assert [e["version"] for e in entries if "voided_by" in e] == [visit]
    assert f"VisitRecorded 走访 (voided by #{correction})" in table
