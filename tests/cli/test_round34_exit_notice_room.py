"""Session 34, tester a (a policy checker): a 2018 exit — the programme's last year — proposed
or verified after 2019-01-24 was taken, though no exit notice 公示 of 7 days starting no
earlier could then end before 2019-01-31, the last day its approval may be dated: every notice
and approval after it was refused, and the household stood with an exit it could only withdraw.
Since session 34 such a proposal or verification is refused, as an identification leaving no
room for its registration is (``Household.check_room_for_exit_notice``); one an older fupin
took still moves, and ``report accountability`` lists the exit as ``no-notice-room``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry, reimported
from tests.support import stamp

STORE_INDEPENDENT = "an exit's dates against the programme's last day: SQLite is enough"

JN = "jn-01"
PROPOSE = "household propose-exit JH-0001 2018 {}"
VERIFY = "household verify-exit JH-0001 {}"


def _assessed(fupin: Fupin) -> None:
    fupin.ok(f"household assess JH-0001 2018 --income 9000 {doc('2018-11-30')}", JN)


def _exit_faults(fupin: Fupin) -> list[dict[str, object]]:
    report = orjson.loads(fupin.ok("report accountability --format json", "admin").stdout)
    faults: list[dict[str, object]] = report["exit_faults"]
    return faults


def test_a_last_year_exit_proposed_too_late_for_its_notice_is_refused(seeded: Fupin) -> None:
    _assessed(seeded)
    before = seeded.event_count()

    refused = seeded(PROPOSE.format(doc("2019-01-25")), JN)

    assert_refused(
        refused,
        "effective",
        "the 2018 exit's proposal is dated 2019-01-25, after 2019-01-24: a 2018 exit is "
        "approved by 2019-01-31",
    )
    assert (
        "a notice 公示 of at least 7 days (the programme's notice days, 四(一)'s, for the exit "
        "notice of 六(六)) that starts no earlier"
    ) in refused.stderr
    assert "ends by 2019-01-30" in refused.stderr
    assert "could never be approved (date it on or before 2019-01-24)" in refused.stderr
    assert seeded.event_count() == before


def test_on_the_last_day_that_leaves_room_the_exit_runs_to_its_approval(seeded: Fupin) -> None:
    _assessed(seeded)
    seeded.ok(PROPOSE.format(doc("2019-01-24")), JN)
    seeded.ok(VERIFY.format(doc("2019-01-24")), JN)
    seeded.ok("household exit-notice JH-0001 --start 2019-01-24 --end 2019-01-30 -d 公示", JN)
    seeded.ok(f"household approve-exit JH-0001 {doc('2019-01-31')}", "qu-01")

    assert not [f for f in _exit_faults(seeded) if f["fault"] == "no-notice-room"]


def test_a_verification_too_late_for_its_notice_is_refused_naming_the_withdrawal(
    seeded: Fupin,
) -> None:
    _assessed(seeded)
    seeded.ok(PROPOSE.format(doc("2019-01-20")), JN)
    before = seeded.event_count()

    refused = seeded(VERIFY.format(doc("2019-01-25")), JN)

    assert_refused(
        refused,
        "effective",
        "the 2018 exit's verification 核实 is dated 2019-01-25, after 2019-01-24",
    )
    assert "or withdraw the exit (fupin household withdraw-exit JH-0001)" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(VERIFY.format(doc("2019-01-24")), JN)


def test_an_earlier_years_exit_keeps_its_own_closing_day(seeded: Fupin) -> None:
    # A 2016 exit is proposed by 2017-01-31 and approved by 2019-01-31: the new rule is
    # never the one that speaks for it.
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)

    refused = seeded("household propose-exit JH-0001 2016 " + doc("2019-01-28"), JN)

    assert_refused(refused, "effective", "after 2017-01-31, the 2016 closing day")


def _stranded(fupin: Fupin) -> None:
    """JH-0001's 2018 exit proposed on 2019-01-28, as a fupin before session 34 took it."""
    _assessed(fupin)
    app = open_ledger(fupin.store)
    try:
        with replayed_as_recorded():
            app.propose_exit(stamp(JN, date(2019, 1, 28)), "JH-0001", 2018)
    finally:
        app.close()


@pytest.mark.spared_on_replay("exit_without_notice_room")
def test_an_older_ledgers_stranded_exit_moves_and_the_report_lists_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    _stranded(seeded)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    stranded = [f for f in _exit_faults(seeded) if f["fault"] == "no-notice-room"]
    assert [(f["household"], f["year"]) for f in stranded] == [("JH-0001", 2018)]
    assert str(stranded[0]["detail"]).startswith(
        "proposed on 2019-01-28, after 2019-01-24: no notice of at least 7 days from then "
        "ends before 2019-01-31"
    )
    seeded.ok(f"household withdraw-exit JH-0001 --reason 来不及公示 {doc('2019-01-29')}", JN)
    assert not [f for f in _exit_faults(seeded) if f["fault"] == "no-notice-room"]
    seeded.ok("verify", "admin")


def _stranded_then_withdrawn(fupin: Fupin) -> int:
    """JH-0001's 2018 exit proposed on 2019-01-28 as an older fupin took it, then withdrawn on
    the 29th: the withdrawal's entry."""
    _stranded(fupin)
    fupin.ok(f"household withdraw-exit JH-0001 --reason 来不及公示 {doc('2019-01-29')}", JN)
    return last_entry(fupin, "JH-0001", "ExitWithdrawn")


def test_the_withdrawal_of_a_stranded_exit_is_not_voided(seeded: Fupin) -> None:
    # Re-tester r, session 34 (F5): voided, the withdrawal brought back the exit no notice
    # could follow, and the report listed it no-notice-room again
    entry = _stranded_then_withdrawn(seeded)
    before = seeded.event_count()

    refused = seeded(f"correct household JH-0001 {entry} --reason 误撤回 {doc('2019-01-29')}", JN)

    assert_refused(
        refused,
        "version",  # the entry chosen (re-tester r, session 35: it named effective)
        "the 2018 exit's proposal is dated 2019-01-28, after 2019-01-24: a 2018 exit is "
        "approved by 2019-01-31",
    )
    assert (
        f"could never be approved (it stays withdrawn; this withdrawal (entry {entry}) is not "
        "voided)"
    ) in refused.stderr
    assert seeded.event_count() == before
    assert not [f for f in _exit_faults(seeded) if f["fault"] == "no-notice-room"]


@pytest.mark.spared_on_replay("exit_without_notice_room")
def test_an_older_ledgers_voided_withdrawal_of_a_stranded_exit_moves(
    seeded: Fupin, tmp_path: Path
) -> None:
    entry = _stranded_then_withdrawn(seeded)
    app = open_ledger(seeded.store)
    try:
        with replayed_as_recorded():  # as the fupin of session 34 took it
            app.correct(stamp(JN, date(2019, 1, 29)), "household", "JH-0001", entry, "误撤回")
    finally:
        app.close()

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    stranded = [f for f in _exit_faults(seeded) if f["fault"] == "no-notice-room"]
    assert [(f["household"], f["year"]) for f in stranded] == [("JH-0001", 2018)]
