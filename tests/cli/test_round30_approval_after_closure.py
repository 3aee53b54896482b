"""Session 30 (brief, after session 29's ``closure_during_exit``): ``fupin correct`` voided the
approval of an exit of a household closed 注销 since; the exit was then back at its notice,
under way on a closed record, which takes no step: it could be neither approved again nor
withdrawn, the state session 29 refuses a closure to leave. Since session 30 such a correction
is refused, naming the closure, until the closure is voided first; an older ledger holding one
still moves (``import --create``), and ``fupin verify`` passes it."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

from cli.main import app
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry, reimported
from tests.cli.test_round28_late_pairings import exit_2016
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


def _exited_and_closed(fupin: Fupin) -> tuple[int, int]:
    """JH-0001's 2016 exit approved on 2016-12-12, the household closed on the 20th: the
    versions of the approval and of the closure."""
    exit_2016(fupin)
    fupin.ok(CLOSE, JN)
    return last_entry(fupin, "JH-0001", "ExitAdvanced"), last_entry(fupin, "JH-0001", "Closed")


def test_the_approval_of_a_closed_households_exit_is_voided_only_once_the_closure_is(
    seeded: Fupin,
) -> None:
    approval, closure = _exited_and_closed(seeded)
    before = seeded.event_count()
    void = f"correct household JH-0001 {approval} --reason 公示未满 {doc('2016-12-21')}"

    assert_refused(seeded(void, QU), "version", REFUSED.format(closure))
    assert seeded.event_count() == before
    seeded.ok(f"correct household JH-0001 {closure} --reason 录错户 {doc('2016-12-21')}", "admin")
    seeded.ok(void, QU)
    seeded.ok(f"household withdraw-exit JH-0001 --reason 公示未满 {doc('2016-12-21')}", JN)
    seeded.ok(CLOSE.replace("2016-12-20", "2016-12-22"), JN)


def test_an_older_ledger_holding_such_a_correction_moves_and_verifies(
    seeded: Fupin, tmp_path: Path
) -> None:
    approval, _ = _exited_and_closed(seeded)
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        # as a fupin before session 30 took it
        ledger.correct(stamp(QU, date(2016, 12, 21)), "household", "JH-0001", approval, "公示未满")

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    verified = seeded.runner.invoke(app, ["--store", str(tmp_path / "fresh.db"), "verify"])
    assert verified.exit_code == 0, verified.output
