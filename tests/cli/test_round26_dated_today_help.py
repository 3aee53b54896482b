"""Session 26, tester Y (L1): ``fupin correct --help`` said "after it, a step of the programme
needs -e", while a correction without ``-e`` was taken and dated today, as docs/cli.md's ``-e``
rule wants (corrections, amendments, erasures, reference data and keys still default to today
after the programme). The help of every command that is no step of the programme now says so;
a step's still says it needs ``-e``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.cli.conftest import Fupin, history_rows

STORE_INDEPENDENT = "the help pages and one correction, the same code on either store"

CHINA = ZoneInfo("Asia/Shanghai")

NOT_A_STEP = [
    "correct",
    "household amend",
    "programme amend",
    "programme set-year",
    "helper amend",
    "officer add",
    "place add-street",
    "keys revoke",
    "erase",
]


def _shown(fupin: Fupin, command: str) -> str:
    return " ".join(fupin.ok(f"{command} --help").stdout.split())


@pytest.mark.parametrize("command", NOT_A_STEP)
def test_a_command_that_is_no_step_says_it_is_dated_today_after_the_programme(
    seeded: Fupin, command: str
) -> None:
    shown = _shown(seeded, command)

    assert "needs -e" not in shown
    assert "default: today in China, after the programme too" in shown


@pytest.mark.parametrize("command", ["household visit", "household close", "fund disburse"])
def test_a_step_of_the_programme_still_says_it_needs_e(seeded: Fupin, command: str) -> None:
    assert "(after it, a step of the programme needs -e)" in _shown(seeded, command)


def test_a_correction_without_e_after_the_programme_is_dated_the_day_it_is_made(
    seeded: Fupin,
) -> None:
    visit = "household visit JH-0001 --helper c-1 -d 走访记录 -e 2016-09-01"
    seeded.ok(visit, "jn-01")
    entry = max(int(str(row["version"])) for row in history_rows(seeded, "JH-0001"))

    seeded.ok(f"correct household JH-0001 {entry} --reason 重复录入 -d 更正1号", "jn-01")

    last = history_rows(seeded, "JH-0001")[-1]
    assert last["event"] == "Corrected"
    assert last["effective"] == datetime.now(CHINA).date().isoformat()
