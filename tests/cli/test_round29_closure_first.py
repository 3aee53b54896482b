"""Session 29, tester G: a household step dated on or after the household's closure was refused
for the step's own rules first (a proposal of exit for a missing income assessment, an
agreement for a missing pairing, a signature, review, registration or objection for the
household's stage, a closed household called "registered", a change of members for its
names), sending the officer to a command then refused for the closure. Since session 29 the
closure is the first refusal of every household step dated on or after it (docs/cli.md,
``household close``); who may record it is still judged before."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Fupin, all_commands, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the household's closure and its steps' refusals: SQLite is enough"

JN = "jn-01"
AFTER = doc("2016-09-05")
CLOSED = "JH-0001 was closed on 2016-09-01 (died-out)"
CLOSE = f"household close JH-0001 --because 全户死亡 --reason 户主去世 {doc('2016-09-01')}"
NOTICE = "--start 2016-09-05 --end 2016-09-12 -d 公示"  # -e is the notice's --start

#: Each household step of JH-0001, dated after its closure, and who records it.
STEPS = {
    "household members": (
        f"household members JH-0001 --members 2 --note 出生 --head-name 户主1 "
        f"--id-card {id_card(1)} --member-name 户主1 --member-name [erased] {AFTER}",
        JN,
    ),
    "household review": (f"household review JH-0001 --accepted {AFTER}", JN),
    "household notice": (f"household notice JH-0001 {NOTICE}", JN),
    "household object": (f"household object JH-0001 o-1 --summary 收入不实 {AFTER}", JN),
    "household resolve": (f"household resolve JH-0001 o-1 --upheld {AFTER}", JN),
    "household sign": (f"household sign JH-0001 {AFTER}", JN),
    "household register": (f"household register JH-0001 --key-target {AFTER}", JN),
    "household move": (f"household move JH-0001 --village 江南社区 --reason 搬迁 {AFTER}", JN),
    "household pair": (f"household pair JH-0001 c-2 {AFTER}", JN),
    "household unpair": (f"household unpair JH-0001 c-1 --reason 调离 {AFTER}", JN),
    "household agree": (f"household agree JH-0001 {AFTER}", JN),
    "household visit": (f"household visit JH-0001 --helper c-1 --summary 入户 {AFTER}", JN),
    "household plan-measure": (
        f"household plan-measure JH-0001 m-2 --category education {AFTER}",
        JN,
    ),
    "household complete-measure": (
        f"household complete-measure JH-0001 m-1 --outcome 已入学 {AFTER}",
        JN,
    ),
    "household assess": (f"household assess JH-0001 2016 --income 9000 {AFTER}", JN),
    "household propose-exit": (f"household propose-exit JH-0001 2016 {AFTER}", JN),
    "household verify-exit": (f"household verify-exit JH-0001 {AFTER}", JN),
    "household exit-notice": (f"household exit-notice JH-0001 {NOTICE}", JN),
    "household approve-exit": (f"household approve-exit JH-0001 {AFTER}", "qu-01"),
    "household return": (f"household return JH-0001 applied {AFTER}", JN),
    "fund disburse": (
        "fund disburse city-2016 --amount 100 --category education --purpose household "
        f"--household JH-0001 --measure m-1 {AFTER}",
        "qu-01",
    ),
}
#: Household commands that record no step of the household after its closure: a new
#: household, the closure itself (taken once), what a closed household still takes (since
#: session 30 the withdrawal of a return too, as of an exit: an older ledger's closure may have
#: left one under way), readers.
NOT_STEPS = {
    "household identify",
    "household close",
    "household amend",
    "household withdraw-exit",
    "household withdraw-return",
    "household show",
    "household duplicates",
}


def test_every_household_command_is_a_step_or_listed_as_none() -> None:
    household = {words for words in all_commands() if words.startswith("household ")}

    assert household - NOT_STEPS - set(STEPS) == set()


@pytest.mark.parametrize("words", sorted(STEPS))
def test_a_step_after_the_closure_is_refused_for_the_closure_first(
    seeded: Fupin, words: str
) -> None:
    seeded.ok(CLOSE, JN)
    line, actor = STEPS[words]
    before = seeded.event_count()

    refused = seeded(line, actor)

    # a notice's date is its --start
    field = "start" if words.endswith("notice") else "effective"
    assert_refused(refused, field, f"is dated 2016-09-05; {CLOSED}")
    assert "a closed household takes no step dated on or after its closure" in refused.stderr
    assert seeded.event_count() == before


def test_who_may_record_the_step_is_still_judged_before_the_closure(seeded: Fupin) -> None:
    seeded.ok(CLOSE, JN)

    refused = seeded(f"household sign JH-0001 {AFTER}", "ll-01")

    assert refused.exit_code == 2, refused.output
    assert CLOSED not in refused.stderr
