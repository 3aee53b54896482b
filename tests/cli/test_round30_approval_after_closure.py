"""Session 30 (brief, after session 29's ``closure_during_exit``): ``fupin correct`` voided the
approval of an exit of a household closed 注销 since; the exit was then back at its notice,
under way on a closed record, which takes no step: it could be neither approved again nor
withdrawn, the state session 29 refuses a closure to leave. Since session 30 such a correction
is refused, naming the closure, until the closure is voided first; an older ledger holding one
still moves (``import --create``), and ``fupin verify`` passes it, noting the household once
(``ledger.closed_under_way``). So is the voiding of a
return's 返贫 approval (since re-tester R's F3, session 30: a closure is refused while a return
is under way, and the voided approval put the return back at its review on the closed record),
and the refusal of a withdrawal of the approved exit or return says the approval stands for the
closure, rather than sending the officer to the correction refused."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry, reimported
from tests.cli.test_round28_late_pairings import exit_2016
from tests.cli.test_round30_exit_spared_notes import verified_said
from tests.cli.test_round30_under_way_past_closure import RECOGNISE
from tests.support import stamp

STORE_INDEPENDENT = "the correction's own rule: SQLite is enough"

JN, QU = "jn-01", "qu-01"
#: the refusal, the closure's version in the braces
REFUSED = (
    "JH-0001 was closed on 2016-12-20 (died-out) (entry {0}): voiding the approval of its exit "
    "would leave the exit under way on a closed record, which takes no step; void the closure "
    "first (fupin correct household JH-0001 {0} --reason …), then the approval"
)
CLOSE = "household close JH-0001 --because 全户死亡 --reason 户主去世 " + doc("2016-12-20")
#: the refusal of a return's, the closure's version in the braces
REFUSED_RETURN = (
    "JH-0001 was closed on 2017-09-01 (died-out) (entry {0}): voiding the approval of its "
    "return 返贫 would leave the return 返贫 under way on a closed record, which takes no step; "
    "void the closure first (fupin correct household JH-0001 {0} --reason …), then the approval"
)


def _exited_and_closed(fupin: Fupin) -> tuple[int, int]:
    """JH-0001's 2016 exit approved on 2016-12-12, the household closed on the 20th: the
    versions of the approval and of the closure."""
    exit_2016(fupin)
    fupin.ok(CLOSE, JN)
    return last_entry(fupin, "JH-0001", "ExitAdvanced"), last_entry(fupin, "JH-0001", "Closed")


def _returned_and_closed(fupin: Fupin) -> tuple[int, int]:
    """JH-0001 exited (2016-12-12), its return approved on 2017-08-28, the household closed
    on 2017-09-01: the versions of the return's approval and of the closure."""
    exit_2016(fupin)
    fupin.ok(RECOGNISE.format("2017-08-25"), JN)
    fupin.ok(f"household return JH-0001 applied {doc('2017-08-26')}", JN)
    fupin.ok(f"household return JH-0001 reviewed {doc('2017-08-27')}", QU)
    fupin.ok(f"household return JH-0001 approved {doc('2017-08-28')}", QU)
    fupin.ok(CLOSE.replace("2016-12-20", "2017-09-01"), JN)
    return last_entry(fupin, "JH-0001", "ReturnAdvanced"), last_entry(fupin, "JH-0001", "Closed")


#: Each process an approval of which is voided: how it is approved and the household closed,
#: the refusal, the day of the correction and the withdrawal, the withdrawal's command and field.
VOIDED = {
    "exit": (_exited_and_closed, REFUSED, "2016-12-21", "withdraw-exit", "exit"),
    "return": (_returned_and_closed, REFUSED_RETURN, "2017-09-02", "withdraw-return", "return"),
}


@pytest.mark.parametrize("process", sorted(VOIDED))
def test_the_approval_of_a_closed_households_exit_or_return_is_voided_once_the_closure_is(
    seeded: Fupin, process: str
) -> None:
    recorded, refusal, day, command, field = VOIDED[process]
    approval, closure = recorded(seeded)
    before = seeded.event_count()
    void = f"correct household JH-0001 {approval} --reason 审定有误 {doc(day)}"
    withdraw = f"household {command} JH-0001 --reason 全户死亡 {doc(day)}"

    assert_refused(seeded(void, QU), "version", refusal.format(closure))
    # the approved one's withdrawal says its approval stands for the closure (since session 30)
    assert_refused(
        seeded(withdraw, JN),
        field,
        f"(entry {approval}): an approved {process} is not withdrawn, and its approval stands: "
        + refusal.format(closure),
    )
    assert seeded.event_count() == before
    seeded.ok(f"correct household JH-0001 {closure} --reason 录错户 {doc(day)}", "admin")
    seeded.ok(void, QU)
    seeded.ok(withdraw, JN)
    seeded.ok(CLOSE.replace("2016-12-20", day), JN)


@pytest.mark.parametrize(
    ("recorded", "day", "left"),
    [
        pytest.param(
            _exited_and_closed,
            date(2016, 12, 21),
            "with its 2016 exit noticed",
            marks=pytest.mark.spared_on_replay("approval_after_closure"),
        ),
        pytest.param(
            _returned_and_closed,
            date(2017, 9, 2),
            "with its return 返贫 reviewed",
            marks=pytest.mark.spared_on_replay("return_approval_after_closure"),
        ),
    ],
)
def test_an_older_ledger_holding_such_a_correction_moves_and_verifies(
    seeded: Fupin,
    tmp_path: Path,
    recorded: Callable[[Fupin], tuple[int, int]],
    day: date,
    left: str,
) -> None:
    approval, closure = recorded(seeded)
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        # as a fupin before session 30 took it
        ledger.correct(stamp(QU, day), "household", "JH-0001", approval, "审定有误")

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    # both verify, noting the household once, its exit or return back under way on the closed
    # record (since session 30; an exit's was noted twice until helper n)
    for store in (seeded.store, tmp_path / "fresh.db"):
        said = verified_said(seeded, store)
        assert f"(entry {closure}) {left} (" in said, said
        assert said.count("under today's rules") == 1, said
