"""Session 27, tester H (re-test of the Chinese wording, L1 and L2): ``fupin history`` showed a
RulesAmended row as both full sets of 14 rules (``rules=(…), was=(…)``), a VillageAmended row
as ``relatively_poor=yes, was=no``, a return's step in English alone (``step=applied``) with
``authority=, disaster=`` on every later step, and both exit steps under 核实 / 批准, though the
seed says 核实公示并退出帮扶 [六(六)]; ``programme amend`` confirmed ``per_person_min_fen …``.
An amendment's row says what changed, as Amended rows do (``per_person_min 20000.00 yuan →
21000.00 yuan; reason=…``), a step its seed word (``step=applied 申请``, ``step=approved
退出帮扶``), and an empty field is left out. JSON is unchanged (docs/cli.md)."""

from __future__ import annotations

from tests.cli.conftest import Fupin, doc, history_rows
from tests.cli.test_round27_return_words import CHINESE_STEPS, EXIT

STORE_INDEPENDENT = "history's words: SQLite is enough (tests/conftest.py)"


def _rows(fupin: Fupin, line: str, event: str) -> list[str]:
    """The lines of a history table holding ``event``."""
    return [row for row in fupin.ok(line, "admin").stdout.splitlines() if f" {event} " in row]


def test_a_rules_amendment_says_only_what_changed(seeded: Fupin) -> None:
    amended = seeded.ok(
        f"programme amend --per-person-min 21000 --reason 规则录错 {doc('2016-08-20')}", "admin"
    )

    said = "per_person_min 20000.00 yuan → 21000.00 yuan"
    assert amended.stdout.strip() == f"programme rules amended: {said}"
    [row] = _rows(seeded, "history --kind programme jianghai-2016", "RulesAmended")
    assert f"{said}; reason=规则录错" in row
    assert "rules=" not in row
    assert "was=" not in row
    assert "_fen" not in row


def test_a_village_amendment_says_what_changed(seeded: Fupin) -> None:
    seeded.ok(
        f"place amend-village 江南 江南社区 --relatively-poor --reason 漏标 {doc('2016-08-20')}",
        "admin",
    )

    [row] = _rows(seeded, "history --kind street 江南", "VillageAmended")
    assert "relatively_poor no → yes; name=江南社区, reason=漏标" in row
    assert "was=" not in row


def test_steps_are_said_with_the_seeds_words_and_empty_fields_left_out(seeded: Fupin) -> None:
    for actor, line in EXIT:
        seeded.ok(line, actor)
    for actor, step, day in CHINESE_STEPS:
        seeded.ok(f"household return JH-0001 {step} {doc(day)}", actor)

    exits = _rows(seeded, "history JH-0001", "ExitAdvanced")
    returns = _rows(seeded, "history JH-0001", "ReturnAdvanced")

    assert ["step=verified 核实" in exits[0], "step=approved 退出帮扶" in exits[1]] == [True] * 2
    assert all("ExitAdvanced 核实 / 退出帮扶" in row and "批准" not in row for row in exits)
    assert "authority=江海区民政局, disaster=暴雨, step=recognised 认定" in returns[0]
    for row, word in zip(
        returns[1:], ("applied 申请", "reviewed 审核", "approved 审定"), strict=True
    ):
        assert f"│ step={word} " in row
        assert "authority=" not in row
        assert "disaster=" not in row
    json_steps = [r["details"] for r in history_rows(seeded, "JH-0001")]
    assert {"authority": "", "disaster": "", "step": "applied"} in json_steps  # JSON unchanged
