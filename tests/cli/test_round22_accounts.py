"""Session 22, a finance officer's typo: ``fund open district-2019 … -e 2026-06-30`` (for
2018-06-30) was recorded, and from then on every report's "today" was 2026-06-30 (every year
and quarter up to it over: missed visits, overdue findings), for good (an opening is neither
correctable nor amendable). An account's opening carries no money: it no longer moves any
report's "today", as a village added late does not; and an account of a year opened after the
end of the next year is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from ledger.funds import FundAccount

from tests.cli.conftest import Fupin, assert_refused, doc, reimported

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

REPORTS = ("accountability", "funds")


def today(fupin: Fupin, name: str, view: str = "") -> str:
    found: dict[str, Any] = orjson.loads(
        fupin.ok(f"report {name} --format json {view}", "admin").stdout
    )
    return str(found["today"])


def test_an_account_opened_later_than_every_entry_moves_no_reports_today(
    seeded: Fupin,
) -> None:
    before = [today(seeded, name) for name in REPORTS]

    seeded.ok(f"fund open district-2019 --source district --year 2019 {doc('2020-06-30')}", "qu-01")

    assert [today(seeded, name) for name in REPORTS] == before
    assert before[0] < "2020-06-30"
    seeded.ok("projections rebuild", "admin")
    assert [today(seeded, name) for name in REPORTS] == before
    seeded.ok("projections check", "admin")


def test_an_account_opened_after_the_end_of_the_year_after_its_own_is_refused(
    seeded: Fupin,
) -> None:
    before = seeded.event_count()

    result = seeded(
        f"fund open district-2019 --source district --year 2019 {doc('2026-06-30')}", "qu-01"
    )

    assert_refused(
        result,
        "effective",
        "the 2019 account is dated 2026-06-30, after 2020-12-31: an account of a year is "
        "opened by the end of the next year (2020)",
    )
    assert seeded.event_count() == before


def test_an_account_opened_on_the_last_day_of_the_next_year_is_recorded(seeded: Fupin) -> None:
    seeded.ok(f"fund open district-2018 --source district --year 2018 {doc('2019-12-31')}", "qu-01")

    refused = seeded(
        f"fund open district-2017 --source district --year 2017 {doc('2019-01-01')}", "qu-01"
    )

    assert_refused(refused, "effective", "after 2018-12-31")


def test_an_import_row_opening_an_account_too_late_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = tmp_path / "open.jsonl"
    row = {
        "command": "open_account",
        "ref": "o-1",
        "actor": "qu-01",
        "document": "江财〔2019〕1号",
        "effective": "2026-06-30",
        "args": {"account": "district-2019", "source": "district", "year": 2019},
    }
    rows.write_bytes(orjson.dumps(row) + b"\n")
    before = seeded.event_count()

    result = seeded(f"import {rows}", "qu-01")

    assert result.exit_code == 2, result.output
    assert "line 1, effective: the 2019 account is dated 2026-06-30, after 2020-12-31" in (
        result.stderr
    )
    assert seeded.event_count() == before


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_an_export_holding_an_account_opened_late_replays_as_recorded(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A ledger written before session 22 may hold one: its export must still re-import.
    checked = FundAccount.check_opened_by
    monkeypatch.setattr(FundAccount, "check_opened_by", staticmethod(lambda year, day: None))
    opened = f"fund open district-2019 --source district --year 2019 {doc('2026-06-30')}"
    seeded.ok(opened + " --note 2026年补录", "qu-01")  # a step after the programme says why (s. 23)
    monkeypatch.setattr(FundAccount, "check_opened_by", staticmethod(checked))

    result = reimported(seeded, tmp_path)

    assert result.exit_code == 0, result.output
