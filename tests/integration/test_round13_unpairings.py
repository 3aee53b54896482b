"""不脱贫不脱钩 after a return to poverty: ``early_unpairings`` judges an unpairing by its
effective date against the household's exit and return approvals (by effective date too), as
the ledger's ``Household.exit_in_force`` does, in whichever order the three were recorded.

JH-1 is paired with all four 4+1 helpers on 2016-08-11, exits on 2016-12-20 and returns to
poverty on 2017-09-20 (approvals): an unpairing dated between the two ended no pairing before
an exit; one dated from the return on did.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from ledger.application import Ledger
from projections import api

from tests.support import register, stamp

HELPERS = ("c-1", "e-1", "sw-1", "v-1")


@pytest.fixture
def ledger(store_ledger: Ledger) -> Ledger:
    """Every test here runs on SQLite and on PostgreSQL (the ``store`` fixture)."""
    return store_ledger


def early(app: Ledger, as_of: date | None = None) -> list[tuple[str, str, str, str]]:
    found: list[dict[str, Any]] = api.accountability(app, as_of=as_of)["early_unpairings"]
    return [(e["household"], e["helper"], e["replacement"], e["unpaired_on"]) for e in found]


def paired(app: Ledger) -> None:
    register(app, "JH-1")
    for helper in HELPERS:
        app.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", helper)


def exited(app: Ledger) -> None:
    """The 2016 exit, approved 2016-12-20."""
    app.assess_income(stamp("jn-01", date(2016, 11, 30)), "JH-1", 2016, 900_000)
    app.propose_exit(stamp("jn-01", date(2016, 12, 1)), "JH-1", 2016)
    app.verify_exit(stamp("jn-01", date(2016, 12, 5)), "JH-1")
    app.post_exit_notice(
        stamp("jn-01", date(2016, 12, 6)), "JH-1", date(2016, 12, 6), date(2016, 12, 12)
    )
    app.approve_exit(stamp("qu-01", date(2016, 12, 20)), "JH-1")


def returned(app: Ledger) -> None:
    """The return to poverty 返贫, approved 2017-09-20."""
    app.advance_return(
        stamp("jn-01", date(2017, 8, 25)), "JH-1", "recognised", "台风", "江海区民政局"
    )
    app.advance_return(stamp("jn-01", date(2017, 8, 28)), "JH-1", "applied")
    app.advance_return(stamp("qu-01", date(2017, 9, 5)), "JH-1", "reviewed")
    app.advance_return(stamp("qu-01", date(2017, 9, 20)), "JH-1", "approved")


def exited_again(app: Ledger) -> None:
    """The 2018 exit after the return, approved 2018-12-20."""
    app.assess_income(stamp("jn-01", date(2018, 11, 30)), "JH-1", 2018, 1_000_000)
    app.propose_exit(stamp("jn-01", date(2018, 12, 1)), "JH-1", 2018)
    app.verify_exit(stamp("jn-01", date(2018, 12, 5)), "JH-1")
    app.post_exit_notice(
        stamp("jn-01", date(2018, 12, 6)), "JH-1", date(2018, 12, 6), date(2018, 12, 12)
    )
    app.approve_exit(stamp("qu-01", date(2018, 12, 20)), "JH-1")


def second_team(app: Ledger) -> None:
    """v-2, a volunteer team to take over from v-1."""
    app.register_helper(
        stamp("admin", date(2016, 7, 26)), "v-2", "volunteer-team", "青年队", team_size=10
    )


def unpair_v1(app: Ledger, day: date, replacement: str = "") -> None:
    app.unpair(stamp("jn-01", day), "JH-1", "v-1", "已脱贫脱钩", replacement)


def test_an_unpairing_dated_during_the_exit_and_entered_after_the_return_is_not_early(
    ledger: Ledger,
) -> None:
    paired(ledger)
    exited(ledger)
    returned(ledger)
    unpair_v1(ledger, date(2017, 1, 10))  # the ledger takes it: the exit was in force then

    assert early(ledger) == []
    assert early(ledger, as_of=date(2017, 6, 30)) == []
    assert early(ledger, as_of=date(2017, 12, 31)) == []


def test_an_unpairing_dated_during_the_exit_stays_not_early_when_the_return_comes_later(
    ledger: Ledger,
) -> None:
    paired(ledger)
    exited(ledger)
    unpair_v1(ledger, date(2017, 1, 10))
    returned(ledger)  # recorded after the unpairing, dated after it

    assert early(ledger) == []
    assert early(ledger, as_of=date(2017, 6, 30)) == []


def test_both_entry_orders_give_the_same_report_after_a_second_exit(ledger: Ledger) -> None:
    paired(ledger)
    exited(ledger)
    returned(ledger)
    unpair_v1(ledger, date(2017, 1, 10))
    exited_again(ledger)

    assert early(ledger) == []


def test_an_unpairing_dated_after_a_return_entered_later_is_early(ledger: Ledger) -> None:
    # Entered while JH-1 was out (the ledger allowed it then), dated 2017-10-01: the return
    # approved on 2017-09-20, entered afterwards, made JH-1 assisted again that day.
    paired(ledger)
    exited(ledger)
    unpair_v1(ledger, date(2017, 10, 1))
    before_the_return_was_entered = early(ledger)
    returned(ledger)

    assert before_the_return_was_entered == []
    assert early(ledger) == [("JH-1", "v-1", "", "2017-10-01")]
    assert early(ledger, as_of=date(2017, 10, 1)) == [("JH-1", "v-1", "", "2017-10-01")]
    assert early(ledger, as_of=date(2017, 9, 30)) == []  # the unpairing had not taken effect


def test_a_replacement_entered_before_the_exit_and_the_return_is_judged_by_its_date(
    ledger: Ledger,
) -> None:
    # A replacement dated 2017-10-01 entered first; then the exit (2016-12-20) and the return
    # (2017-09-20) are entered: the replacement came after the return, before the next exit.
    second_team(ledger)
    paired(ledger)
    unpair_v1(ledger, date(2017, 10, 1), replacement="v-2")
    while_registered = early(ledger)
    exited(ledger)
    after_the_exit = early(ledger)
    returned(ledger)

    assert while_registered == [("JH-1", "v-1", "v-2", "2017-10-01")]
    assert after_the_exit == []
    assert early(ledger) == [("JH-1", "v-1", "v-2", "2017-10-01")]
    assert early(ledger, as_of=date(2017, 9, 19)) == []


def test_an_unpairing_on_the_return_day_is_early_and_on_the_exit_day_is_not(
    ledger: Ledger,
) -> None:
    # As ``exit_in_force``: out from the exit's approval day, assisted again from the return's.
    second_team(ledger)
    paired(ledger)
    exited(ledger)
    returned(ledger)
    ledger.unpair(stamp("jn-01", date(2016, 12, 20)), "JH-1", "c-1", "已脱贫脱钩")
    ledger.unpair(stamp("jn-01", date(2017, 9, 20)), "JH-1", "v-1", "调岗", "v-2")

    assert early(ledger) == [("JH-1", "v-1", "v-2", "2017-09-20")]
