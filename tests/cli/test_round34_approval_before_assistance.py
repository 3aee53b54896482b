"""Session 34, tester a: while an exit was under way, a pairing, an agreement and a measure
dated after the day its approval was then dated were taken, and the approval with them: only a
payment held it back. Entered after the approval, each is refused (``check_assisted_on``), so
the order of entry decided whether the ledger held assistance begun after the exit. The
approval is refused now, naming the latest such entry; one an older fupin took still moves,
and ``report accountability`` lists the exit as ``assisted-after``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import open_ledger
from ledger.values import REPLAY_SPARED

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import stamp

STORE_INDEPENDENT = "an exit's approval against the household's entries: SQLite is enough"

JN = "jn-01"


def _noticed_then_assisted(fupin: Fupin) -> None:
    """JH-0001's 2016 exit noticed to 2016-12-10, then c-2 paired on the 13th, an agreement
    signed on the 13th and measure m-9 planned on the 14th."""
    fupin.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    fupin.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)
    fupin.ok(f"household verify-exit JH-0001 {doc('2016-12-03')}", JN)
    fupin.ok("household exit-notice JH-0001 --start 2016-12-04 --end 2016-12-10 -d 公示", JN)
    fupin.ok(f"household pair JH-0001 c-2 {doc('2016-12-13')}", JN)
    fupin.ok(f"household agree JH-0001 {doc('2016-12-13')}", JN)
    plan = "household plan-measure JH-0001 m-9 --category education --budget 10"
    fupin.ok(f"{plan} {doc('2016-12-14')}", JN)


def _faults(fupin: Fupin) -> list[dict[str, object]]:
    report = orjson.loads(fupin.ok("report accountability --format json", "admin").stdout)
    return [f for f in report["exit_faults"] if f["fault"] == "assisted-after"]


def test_an_approval_dated_before_assistance_on_record_is_refused(seeded: Fupin) -> None:
    _noticed_then_assisted(seeded)
    before = seeded.event_count()

    refused = seeded(f"household approve-exit JH-0001 {doc('2016-12-12')}", "qu-01")

    assert_refused(
        refused,
        "effective",
        "the exit approval is dated 2016-12-12; JH-0001's measure m-9 (entry ",
    )
    assert "is dated 2016-12-14: a helper is paired, an agreement signed" in refused.stderr
    assert "so the exit is approved on or after 2016-12-14" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(f"household approve-exit JH-0001 {doc('2016-12-14')}", "qu-01")
    assert _faults(seeded) == []


@pytest.mark.spared_on_replay("approval_before_assistance")
def test_an_older_ledgers_approval_before_assistance_moves_and_is_listed(
    seeded: Fupin, tmp_path: Path
) -> None:
    _noticed_then_assisted(seeded)
    app = open_ledger(seeded.store)
    spared = REPLAY_SPARED.set(True)  # as a fupin before session 34 took it
    try:
        app.approve_exit(stamp("qu-01", date(2016, 12, 12)), "JH-0001")
    finally:
        REPLAY_SPARED.reset(spared)
        app.close()

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    [fault] = _faults(seeded)
    assert (fault["household"], fault["year"]) == ("JH-0001", 2016)
    assert fault["detail"] == (
        "a cadre paired from 2016-12-13, an agreement signed 2016-12-13, a measure planned "
        "2016-12-14, after the exit's approval on 2016-12-12"
    )
    seeded.ok("verify", "admin")
