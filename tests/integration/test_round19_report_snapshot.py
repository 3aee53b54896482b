"""Session 19, the reviewer: a report read its figures and what it says it reflects (the
events it read, the last one's recording time, its day) by separate statements, each seeing
what was committed before it; another process's catch-up between them made a report claim
events its figures did not count, and ``--known-at RECORDED_THROUGH`` then made another. They
are now read from one state of the read models (``Database.snapshot``), on either store."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.application import Ledger
from projections import api
from projections.catchup import View

from tests.support import identify, reopened, stamp


def _clock(view: View) -> int:
    row = view.db.one("SELECT events FROM pj_clock WHERE id = 1")
    assert row is not None
    return int(row[0])


def test_a_catch_up_by_another_process_while_a_report_reads_moves_none_of_it(
    store_ledger: Ledger,
) -> None:
    identify(store_ledger, "JH-0001", serial=1)
    api.catch_up(store_ledger)

    def build(view: View) -> dict[str, Any]:
        before = _clock(view)
        with reopened(store_ledger) as other:  # another officer, another process
            other.review(stamp("jn-01", date(2016, 8, 2)), "JH-0001", True)
            assert api.catch_up(other) == 1
        return {"before": before, "after": _clock(view)}

    report = api._report("clock", store_ledger, None, None, build)

    assert report["before"] == report["after"] == report["events"]
    assert api.caseload(store_ledger)["events"] == report["events"] + 1
