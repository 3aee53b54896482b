"""Tester A, session 28 (a district finance officer): ``fund open CITY-2016`` opened a second
account beside ``city-2016``, and allocations typed in capitals went into it, while ``fund
allocate City-2016`` was refused with the hint ``('city-2016'?)``. A new account's code is
refused as a household's, helper's or street's is when it differs from one on record only in
the case of its letters (docs/cli.md, Numbers and codes); an export of a ledger that holds
such a pair still moves."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger.funding import FundCommands

from tests.cli.conftest import Fupin, assert_refused, reimported, rule_came_in

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

OPEN = "fund open {} --source city --year 2016 -d O1 -e 2016-08-01"
HEADER = "ref,actor,effective,document,note,account,source,year\n"


@pytest.mark.parametrize("typed", ["CITY-2016", "City-2016"])
def test_an_account_differing_only_in_case_is_not_opened(seeded: Fupin, typed: str) -> None:
    before = seeded.event_count()

    result = seeded(OPEN.format(typed), "qu-01")

    assert_refused(
        result,
        "account",
        f"{typed!r} differs from 'city-2016', on record, only in the case of its letters: "
        "use 'city-2016', or another account",
    )
    assert seeded.event_count() == before


def test_nor_by_an_import_row_nor_beside_an_earlier_row(seeded: Fupin, tmp_path: Path) -> None:
    sheet = tmp_path / "open_account.csv"
    sheet.write_text(
        f"{HEADER}A-1,qu-01,2016-08-01,O1,,CITY-2016,city,2016\n"
        "A-2,qu-01,2016-08-01,O1,,town-2016,city,2016\n"
        "A-3,qu-01,2016-08-01,O1,,TOWN-2016,city,2016\n",
        encoding="utf-8",
    )
    sheet.chmod(0o600)
    before = seeded.event_count()

    result = seeded(f"import {sheet}", "qu-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "row 2, account: 'CITY-2016' differs from 'city-2016', on record, only in" in said
    assert "row 4, account: 'TOWN-2016' differs from 'town-2016', earlier in this import" in said
    assert seeded.event_count() == before


def test_another_code_is_still_opened(seeded: Fupin) -> None:
    seeded.ok(OPEN.format("city-2016b"), "qu-01")


@pytest.mark.spared_on_replay("account_case_lookalike")
def test_a_ledger_holding_such_a_pair_is_moved_as_recorded(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as before_the_rule:
        before_the_rule.setattr(FundCommands, "check_no_lookalike", lambda *args: None)
        seeded.ok(OPEN.format("CITY-2016"), "qu-01")

    rule_came_in(monkeypatch, "account_case_lookalike", after_now=True)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    shown = seeded.ok(f"--store {tmp_path / 'fresh.db'} report funds --format json", "admin")
    assert '"CITY-2016"' in shown.stdout
    assert '"city-2016"' in shown.stdout
