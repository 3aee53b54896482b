"""Session 28, tester I (an analyst): docs/reports.md counted exits with ``select year,
count(*) from pj_exit_steps where step = 'approved' group by year``, "as the caseload's
``exits`` section does"; but a household closed ``in-error`` or ``duplicate`` keeps its
approved row, which the caseload leaves out (江南 2016: 14 by the page's SQL, 13 in the
caseload once JN-000001 was closed in error). The page's SQL now is the caseload's rule
(*Counting exits in SQL*): run here through ``fupin query`` and compared with ``report
caseload --format json`` on the demo, and after closures of each kind."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import orjson
import pytest
from cli.main import app
from typer.testing import CliRunner

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the demo copied as a SQLite file; the SQL is the page's, run as written"

REPORTS_MD = Path(__file__).resolve().parents[2] / "docs" / "reports.md"

OLD_SQL = "select year, count(*) from pj_exit_steps where step = 'approved' group by year"


def _page_sql() -> str:
    """The SQL block of docs/reports.md's *Counting exits in SQL*."""
    text = REPORTS_MD.read_text(encoding="utf-8")
    section = text.split("### Counting exits in SQL", 1)[1]
    found = re.search(r"```sql\n(.*?)```", section, re.DOTALL)
    assert found is not None
    return found[1]


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Fupin:
    store = tmp_path / "demo.db"
    shutil.copyfile(demo_file, store)
    env = {"LEDGER_STORE": str(store), "LEDGER_ACTOR": None, "LEDGER_KEY": None}
    return Fupin(str(store), CliRunner(env=env))


def _caseload_exits(fupin: Fupin) -> list[list[object]]:
    report = orjson.loads(fupin.ok("report caseload --format json", "qu-01").stdout)
    return [[e["year"], e["street"], e["households"]] for e in report["exits"]]


def _queried(fupin: Fupin, sql: str) -> list[list[object]]:
    answer = fupin.runner.invoke(
        app,
        ["--as", "qu-01", "query", "--format", "json", sql],
    )
    assert answer.exit_code == 0, answer.output
    rows: list[list[object]] = orjson.loads(answer.stdout)["rows"]
    return rows


def _naive_jiangnan_2016(fupin: Fupin) -> int:
    sql = OLD_SQL.replace("group by year", "and household like 'JN-%' and year = 2016")
    [[_, count]] = _queried(fupin, sql)
    return int(str(count))


def test_the_pages_sql_counts_the_caseloads_exits_on_the_demo(demo: Fupin) -> None:
    assert _queried(demo, _page_sql()) == _caseload_exits(demo)


@pytest.mark.parametrize(
    ("number", "because", "day"),
    [
        ("JN-000001", "in-error", "2018-12-01"),  # the tester's: exited 2016, in no year now
        ("JN-000001", "died-out", "2018-12-01"),  # exited and out of poverty: counts
        ("JN-000003", "moved-away", "2019-01-10"),  # returned 2018: its 2016 exit counts
    ],
)
def test_the_pages_sql_counts_the_caseloads_exits_after_a_closure(
    demo: Fupin, number: str, because: str, day: str
) -> None:
    before = _naive_jiangnan_2016(demo)
    demo.ok(
        f"household close {number} --because {because} --reason 核查注销 -d CL1 -e {day}",
        "jn-01",
    )

    assert _queried(demo, _page_sql()) == _caseload_exits(demo)
    # the approved row stays, whatever the closure: the old SQL counted it still
    assert _naive_jiangnan_2016(demo) == before


def test_a_closed_household_keeps_its_stage(demo: Fupin) -> None:
    demo.ok(
        "household close JN-000001 --because in-error --reason 核查注销 -d CL1 -e 2018-12-01",
        "jn-01",
    )

    rows = _queried(
        demo, "select stage, closed_because from pj_households where number = 'JN-000001'"
    )

    assert rows == [["exited", "in-error"]]


def test_a_households_exit_cycle_is_the_one_its_next_exit_steps_take(demo: Fupin) -> None:
    """JN-000003 exited in 2016 and returned in 2018: its steps read cycle 0, the household 1."""
    rows = _queried(
        demo,
        "select h.exit_cycle, group_concat(distinct e.exit_cycle) from pj_households h "
        "join pj_exit_steps e on e.aggregate_id = h.aggregate_id where h.number = 'JN-000003'",
    )

    assert rows == [[1, "0"]]
