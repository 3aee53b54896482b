"""Session 18 (tester I, the district's IT operator): each allocation or payment checked
against those on record (``FundAccount.check_not_alike``) read every earlier flow of the same
day and amount again, so an import of n allocations alike but for their documents made n²/2
comparisons of normalised text: 3,000 rows on one account took 35 s in a dry run, and a long
import lost more races to officers' saves. Each flow's text is now read once."""

from __future__ import annotations

from datetime import date

import pytest
from ledger import funds, typed
from ledger.base import Provenance
from ledger.errors import RuleError
from ledger.funds import FundAccount


def test_each_flow_is_compared_by_its_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    said = typed.said_as_read

    def counted(document: str, note: str) -> tuple[str, str]:
        nonlocal calls
        calls += 1
        return said(document, note)

    monkeypatch.setattr(funds, "said_as_read", counted)
    opened = Provenance("qu-01", "officer", date(2016, 7, 1), "开户")
    fund = FundAccount(code="c", source="city", year=2016, street="", donor="", prov=opened)
    rows = 400
    for n in range(rows):
        fund.receive(100, Provenance("qu-01", "officer", date(2016, 7, 2), f"拨款通知{n}号"))

    # Once as the row checked, once as an entry on record: not once per earlier entry.
    assert calls <= 2 * rows
    assert fund.balance_fen == 100 * rows
    with pytest.raises(RuleError):  # still refused when alike
        fund.receive(100, Provenance("qu-01", "officer", date(2016, 7, 2), "拨款通知７号"))
