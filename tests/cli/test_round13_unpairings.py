"""``fupin report accountability``'s ``early_unpairings`` after a return to poverty, through
``fupin``: an unpairing dated while the exit was in force is not early, whether it was entered
before or after the return; the report is the same ``--as-of`` a day before the return."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

EXIT = [
    ("jn-01", "household assess JH-0001 2016 --income 9000 -d 收入核算表 -e 2016-11-30"),
    ("jn-01", "household propose-exit JH-0001 2016 -d 江南扶贫〔2016〕30号 -e 2016-12-01"),
    ("jn-01", "household verify-exit JH-0001 -d 核实表 -e 2016-12-05"),
    (
        "jn-01",
        "household exit-notice JH-0001 --start 2016-12-06 --end 2016-12-12 "
        "-d 雄光村公示〔2016〕9号 -e 2016-12-06",
    ),
    ("qu-01", "household approve-exit JH-0001 -d 江海扶贫〔2016〕40号 -e 2016-12-20"),
]

RETURN = [
    (
        "jn-01",
        "household return JH-0001 recognised --disaster 台风天鸽 --authority 江海区民政局 "
        "-d 江海民〔2017〕8号 -e 2017-08-25",
    ),
    ("jn-01", "household return JH-0001 applied -d 江南扶贫〔2017〕15号 -e 2017-08-28"),
    ("qu-01", "household return JH-0001 reviewed -d 江海扶贫〔2017〕22号 -e 2017-09-05"),
    ("qu-01", "household return JH-0001 approved -d 江门扶贫〔2017〕5号 -e 2017-09-20"),
]

UNPAIR = [
    (
        "jn-01",
        "household unpair JH-0001 v-1 --reason 已脱贫脱钩 -d 江南扶贫〔2017〕2号 -e 2017-01-10",
    )
]


def early_unpairings(fupin: Fupin, as_of: str = "") -> list[dict[str, Any]]:
    when = f" --as-of {as_of}" if as_of else ""
    shown = fupin.ok(f"report accountability --format json{when}", actor="admin")
    found: list[dict[str, Any]] = orjson.loads(shown.stdout)["early_unpairings"]
    return found


def paired_with_all_four(seeded: Fupin) -> None:
    """JH-0001 (c-1 paired on 2016-08-11 by ``seeded``) with the rest of 4+1 that day."""
    for helper in ("e-1", "sw-1", "v-1"):
        seeded.ok(f"household pair JH-0001 {helper} -d 江南扶贫〔2016〕9号 -e 2016-08-11", "jn-01")


@pytest.mark.parametrize(
    "entered",
    [
        pytest.param(EXIT + RETURN + UNPAIR, id="unpairing-entered-after-the-return"),
        pytest.param(EXIT + UNPAIR + RETURN, id="unpairing-entered-before-the-return"),
    ],
)
def test_an_unpairing_dated_while_exited_is_not_early_in_either_entry_order(
    seeded: Fupin, entered: list[tuple[str, str]]
) -> None:
    paired_with_all_four(seeded)
    for actor, line in entered:
        seeded.ok(line, actor=actor)

    now = early_unpairings(seeded)
    before_the_return = early_unpairings(seeded, as_of="2017-06-30")
    after_the_return = early_unpairings(seeded, as_of="2017-12-31")

    assert now == []
    assert before_the_return == []
    assert after_the_return == []


def test_an_unpairing_dated_after_a_return_entered_later_is_early(seeded: Fupin) -> None:
    # Entered while JH-0001 was out, so the ledger took it; the return approved on 2017-09-20,
    # entered afterwards, made it assisted again on the unpairing's day.
    paired_with_all_four(seeded)
    for actor, line in EXIT:
        seeded.ok(line, actor=actor)
    seeded.ok(
        "household unpair JH-0001 v-1 --reason 已脱贫脱钩 -d 江南扶贫〔2017〕40号 -e 2017-10-01",
        "jn-01",
    )
    for actor, line in RETURN:
        seeded.ok(line, actor=actor)

    now = early_unpairings(seeded)
    before_the_unpairing = early_unpairings(seeded, as_of="2017-09-30")

    assert [(e["household"], e["helper"], e["unpaired_on"]) for e in now] == [
        ("JH-0001", "v-1", "2017-10-01")
    ]
    assert before_the_unpairing == []
