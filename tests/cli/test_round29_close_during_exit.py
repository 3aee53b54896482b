"""Session 29, tester D (a policy expert on income lines and exits): ``household close`` was
taken while an exit was under way (proposed, not approved nor withdrawn); the dossier then
showed the exit's year at stage registered, and the exit could be neither verified nor
withdrawn (every step dated on or after the closure is refused). Since session 29 the closure
is refused until the exit is withdrawn, as an enterprise's employment of a worker of it must end
first; a closure an older fupin took so still moves, and its exit is withdrawn after it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import open_ledger
from ledger.values import REPLAY_SPARED

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import stamp

STORE_INDEPENDENT = "the household's closure and exit steps: SQLite is enough"

JN = "jn-01"
CLOSE = "household close JH-0001 --because 全户死亡 --reason 户主去世 " + doc("2016-12-05")
WITHDRAW = "household withdraw-exit JH-0001 --reason 全户死亡 {}"


def _proposed(fupin: Fupin) -> None:
    """JH-0001's 2016 exit proposed on 2016-12-02 and verified on the 3rd (under way)."""
    fupin.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    fupin.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    fupin.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)
    fupin.ok(f"household verify-exit JH-0001 {doc('2016-12-03')}", JN)


def test_a_household_with_an_exit_under_way_is_closed_only_once_the_exit_is_withdrawn(
    seeded: Fupin,
) -> None:
    _proposed(seeded)
    before = seeded.event_count()

    refused = seeded(CLOSE, JN)

    assert_refused(
        refused,
        "household",
        "JH-0001's 2016 exit is verified (entry ",
    )
    assert "a household with an exit under way is not closed; withdraw the exit first" in (
        refused.stderr
    )
    assert "fupin household withdraw-exit JH-0001 --reason" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(WITHDRAW.format(doc("2016-12-04")), JN)
    seeded.ok(CLOSE, JN)


def test_an_exited_household_is_still_closed(seeded: Fupin) -> None:
    _proposed(seeded)
    seeded.ok("household exit-notice JH-0001 --start 2016-12-04 --end 2016-12-10 -d 公示", JN)
    seeded.ok(f"household approve-exit JH-0001 {doc('2016-12-12')}", "qu-01")

    seeded.ok(CLOSE.replace("2016-12-05", "2016-12-20"), JN)


@pytest.mark.spared_on_replay("closure_during_exit")
def test_an_older_ledger_closed_during_an_exit_moves_and_its_exit_is_withdrawn_after_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    _proposed(seeded)
    app = open_ledger(seeded.store)
    spared = REPLAY_SPARED.set(True)  # as a fupin before session 29 took it
    try:
        day = date(2016, 12, 5)
        app.close_household(stamp(JN, day), "JH-0001", "died-out", "", "户主去世")
    finally:
        REPLAY_SPARED.reset(spared)
        app.close()

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    # the exit left under way is withdrawn, dated after the closure; nothing else is taken
    assert_refused(
        seeded(
            "household exit-notice JH-0001 --start 2016-12-06 --end 2016-12-12 -d 公示",
            JN,
        ),
        "start",
        "JH-0001 was closed on 2016-12-05",
    )
    seeded.ok(WITHDRAW.format(doc("2016-12-06")), JN)
    shown = orjson.loads(seeded.ok("household show JH-0001 --format json", "admin").stdout)
    assert "exit_year" in str(shown)
    assert "'exit_year': None" in str(shown)
    # verify replays the closure rule: the withdrawal after the closure is no problem
    seeded.ok("verify", "admin")
