"""Session 27, the clock tester (B): a machine whose clock is a few minutes behind (within the
10 minutes allowed) saved after one a little ahead, and ``--known-at`` a time between the two
showed a state the ledger never had: a disbursement without the allocation saved before it (a
negative balance), a review without the identification saved before it. "As known at T" is
now the shortest prefix of the log holding every event recorded by T: what a backup taken
then holds (``ledger.known``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from ledger import clock

from tests.cli.conftest import Fupin, doc
from tests.support import id_card

STORE_INDEPENDENT = "the log's order and recording times: SQLite is enough (tests/conftest.py)"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

BASE = datetime(2020, 1, 2, 2, 0, tzinfo=UTC)
BETWEEN = (BASE + timedelta(minutes=8)).isoformat()  # after the late save, before the early one


@dataclass
class SetClock:
    """A recording clock reading what it was set to (machines whose clocks differ)."""

    current: datetime

    def __call__(self) -> datetime:
        return self.current


def _at(fupin: Fupin, minutes: int, line: str, actor: str) -> None:
    with clock.using_clock(SetClock(BASE + timedelta(minutes=minutes))):
        fupin.ok(line, actor)


def _funds_ahead_then_behind(fupin: Fupin) -> None:
    """An allocation saved at 02:10 (a clock ahead), then a disbursement at 02:05."""
    _at(fupin, 0, f"fund open city-2018 --source city --year 2018 {doc('2018-01-02')}", "qu-01")
    _at(fupin, 10, f"fund allocate city-2018 --amount 1000 {doc('2018-01-02')}", "qu-01")
    _at(
        fupin,
        5,
        "fund disburse city-2018 --amount 300 --category facilities --purpose village "
        f"--street 江南 --village 雄光 {doc('2018-01-02')}",
        "qu-01",
    )


@SQLITE
def test_a_fund_as_known_between_two_saves_holds_the_first_saved(seeded: Fupin) -> None:
    _funds_ahead_then_behind(seeded)

    report = orjson.loads(seeded.ok(f"report funds --known-at {BETWEEN} --format json").stdout)
    shown = orjson.loads(
        seeded.ok(f"history --kind fund city-2018 --known-at {BETWEEN} --format json").stdout
    )

    account = next(a for a in report["accounts"] if a["account"] == "city-2018")
    assert account["allocated_fen"] == 100_000
    assert account["balance_fen"] == 70_000  # never negative: the allocation was saved first
    assert [e["event"] for e in shown] == ["AccountOpened", "AllocationReceived", "Disbursed"]


@SQLITE
def test_before_both_saves_neither_is_known(seeded: Fupin) -> None:
    _funds_ahead_then_behind(seeded)
    early = (BASE + timedelta(minutes=1)).isoformat()

    shown = orjson.loads(
        seeded.ok(f"history --kind fund city-2018 --known-at {early} --format json").stdout
    )

    assert [e["event"] for e in shown] == ["AccountOpened"]


def _identified_ahead_reviewed_behind(fupin: Fupin) -> None:
    _at(
        fupin,
        10,
        "household identify JH-0050 --street 江南 --village 雄光 --area rural --members 2 "
        f"--head-name 张三 --id-card {id_card(50)} {doc('2018-01-01')}",
        "jn-01",
    )
    _at(fupin, 5, f"household review JH-0050 --accepted {doc('2018-01-01')}", "jn-01")


@SQLITE
def test_a_review_as_known_between_two_saves_comes_with_its_identification(
    seeded: Fupin,
) -> None:
    _identified_ahead_reviewed_behind(seeded)

    shown = orjson.loads(
        seeded.ok(f"history JH-0050 --known-at {BETWEEN} --format json", "admin").stdout
    )
    dossier = orjson.loads(
        seeded.ok(f"household show JH-0050 --known-at {BETWEEN} --format json", "admin").stdout
    )
    cases = orjson.loads(seeded.ok(f"report caseload --known-at {BETWEEN} --format json").stdout)
    now = orjson.loads(seeded.ok("report caseload --format json").stdout)

    assert [e["event"] for e in shown] == ["Identified", "Reviewed"]
    assert dossier["household"]["number"] == "JH-0050"
    assert cases["totals"] == now["totals"]


@SQLITE
@pytest.mark.parametrize(
    "command",
    [
        "report caseload --format json",
        "household show JH-0050 --format json",
        "history JH-0050 --format json",
    ],
)
def test_an_entry_recorded_far_ahead_is_known_now(seeded: Fupin, command: str) -> None:
    """Item 2: a clock set 20 minutes ahead recorded an entry; today's date as --known-at
    (everything on record) left it out, labelled with a time before it."""
    ahead = BASE + timedelta(minutes=20)
    _at(
        seeded,
        20,
        "household identify JH-0050 --street 江南 --village 雄光 --area rural --members 2 "
        f"--head-name 张三 --id-card {id_card(50)} {doc('2018-01-01')}",
        "jn-01",
    )

    with clock.using_clock(SetClock(BASE)):
        result = seeded(f"{command} --known-at {BASE.isoformat()}", "admin")
        known = seeded.ok(f"{command} --known-at 2020-01-02", "admin")

    if command.startswith("report"):
        label = datetime.fromisoformat(orjson.loads(known.stdout)["known_at"])
        assert label == ahead
    else:
        assert result.exit_code == 0, result.output  # as known now: on record
        assert "JH-0050" in known.stdout
