"""Session 23 (tester Z, an analyst): a dossier's table or CSV never said which day or moment
it showed (only its JSON did), so one saved as of 2016 read like today's; and the HTML
report's over_budget section headed its yuan cells budget_fen, paid_fen, over_fen."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.cli.conftest import Fupin, doc
from tests.cli.test_round23_return_void import RETURNED

STORE_INDEPENDENT = "the dossier's and the HTML report's shapes: SQLite is enough"


def test_a_dossier_table_and_csv_say_which_view_they_show(seeded: Fupin) -> None:
    csv = seeded.ok("household show JH-0001 --as-of 2016-08-31 --format csv", "admin").stdout
    table = seeded.ok("household show JH-0001 --as-of 2016-08-31", "admin").stdout

    assert csv.splitlines()[:3] == [
        "# report",
        "report,as_of,known_at,today,events,recorded_through",
        csv.splitlines()[2],
    ]
    assert csv.splitlines()[2].startswith("household,2016-08-31,,2016-08-31,")
    assert "2016-08-31" in table.split("facts")[0]


def test_the_html_over_budget_headings_say_yuan(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(
        f"household plan-measure JH-0001 m-7 --category relief --budget 10 {doc('2016-08-20')}",
        "jn-01",
    )
    seeded.ok(
        "fund disburse city-2016 --amount 20 --category relief --purpose household "
        f"--household JH-0001 --measure m-7 {doc('2016-09-01')}",
        "qu-01",
    )
    out = tmp_path / "r.html"

    seeded.ok(f"report html --out {out}", "admin")

    page = out.read_text(encoding="utf-8")
    section = page[page.index("超预算支出") :]
    assert '<span lang="en">budget</span> (元)' in section
    assert "budget_fen" not in section.split("</details>")[0]


def _income_below(seeded: Fupin) -> list[object]:
    found = orjson.loads(seeded.ok("report accountability --format json", "ana-1").stdout)
    return [r["year"] for r in found["exit_faults"] if r["fault"] == "income-below"]


@pytest.mark.parametrize(("assessed", "faulted"), [("2017-07-01", False), ("2017-05-01", True)])
def test_an_income_assessed_after_the_disaster_does_not_fault_the_exit_before_it(
    seeded: Fupin, assessed: str, faulted: bool
) -> None:
    """Tester Z: after a return to poverty (a typhoon recognised 2017-06-01, approved
    2017-06-20), the household's 2016 income assessed anew, low, made its 2016 exit an
    ``income-below`` fault; one assessed before the disaster still does."""
    for actor, line in RETURNED:
        seeded.ok(line, actor)

    seeded.ok(f"household assess JH-0001 2016 --income 100 {doc(assessed)}", "jn-01")

    assert _income_below(seeded) == ([2016] if faulted else [])


def test_a_measure_budget_beyond_any_household_s_is_refused(seeded: Fupin) -> None:
    """Tester Z: ``--budget 99999999999`` was taken; a budget typed too large hides every
    payment above the real one from over_budget for good (a budget is not amended)."""
    before = seeded.event_count()

    refused = seeded(
        "household plan-measure JH-0001 m-9 --category relief --budget 99999999999 "
        + doc("2016-08-20"),
        "jn-01",
    )

    assert refused.exit_code == 2, refused.output
    assert refused.stderr.startswith("refused budget: 99999999999.00 yuan cannot be one house")
    assert seeded.event_count() == before
    largest = "household plan-measure JH-0001 m-9 --category relief --budget 1000000 "
    seeded.ok(largest + doc("2016-08-20"), "jn-01")


def test_a_header_with_one_half_right_names_the_column_s_header(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Tester X: ``落实情况 outcome`` (the English half right) was refused as an unknown column,
    without saying that ``outcome`` is headed ``成效``."""
    sheet = tmp_path / "complete_measure.csv"
    sheet.write_text(
        "编号 ref,记录人 actor,生效日期 effective,文件 document,户号 household,"
        "措施 measure,落实情况 outcome\n"
        "x-1,jn-01,2016-09-01,完成单,JH-0001,m-1,已完成\n",
        encoding="utf-8",
    )

    refused = seeded(f"import file {sheet}", "jn-01")

    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.stderr.split())
    assert "落实情况 outcome: unknown column" in said
    assert "its column outcome is headed `成效 outcome`, `outcome` or `成效`" in said


def test_the_html_dossier_of_a_returned_household_shows_its_return(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Tester Z: a returned household's HTML dossier said only "stage returned … exited"."""
    for actor, line in RETURNED:
        seeded.ok(line, actor)
    seeded.ok(f"household assess JH-0001 2016 --income 100 {doc('2017-05-01')}", "jn-01")
    out = tmp_path / "r.html"

    seeded.ok(f"report html --out {out}", "admin")

    assert "returned 2017-06-20, in the 2018 plan" in out.read_text(encoding="utf-8")
