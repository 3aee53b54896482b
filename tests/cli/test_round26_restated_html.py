"""Session 26: ``report accountability --restated`` listed the closed plan years whose figures
moved after the fact in JSON, CSV and the table, but ``report html`` and ``export report`` did
not carry it. ``report html --restated`` now adds the section to the page's accountability part
(rows as the CSV gives them, a moved figure in red, "none 无" when nothing moved, and a one-line
note when not asked for), and ``export report accountability --restated`` writes it in JSON,
CSV and XLSX.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import orjson
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.cli.conftest import Fupin, history_rows

STORE_INDEPENDENT = "the demo copied as a SQLite file"

CORRECT = 'correct household LL-000001 {entry} --reason 批复录入错误 -d "更正〔2026〕1号"'


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Fupin:
    store = tmp_path / "demo.db"
    shutil.copyfile(demo_file, store)
    env = {"LEDGER_STORE": str(store), "LEDGER_ACTOR": None, "LEDGER_KEY": None, "COLUMNS": "400"}
    return Fupin(str(store), CliRunner(env=env))


def _voided_2016_approval(fupin: Fupin) -> int:
    """Void LL-000001's exit approval of 30 November 2016 (礼乐 2016: exits 9 → 8, a talk
    due); its entry number."""
    [entry] = [
        int(str(row["version"]))
        for row in history_rows(fupin, "LL-000001")
        if row["event"] == "ExitAdvanced" and row["effective"] == "2016-11-30"
    ]
    fupin.ok(CORRECT.format(entry=entry), "admin")
    return entry


def _page(fupin: Fupin, tmp_path: Path, options: str = "") -> str:
    out = tmp_path / "report.html"
    fupin.ok(f"report html --out {out} {options}", "admin")
    return out.read_text(encoding="utf-8")


def _section(page: str) -> str:
    """The restated years' part of the page: from its title to the end of its <details>."""
    start = page.index("Closed plan years restated after the fact")
    return page[start : page.index("</details>", start)]


def test_report_html_restated_shows_the_moved_rows_as_the_csv_gives_them(
    demo: Fupin, tmp_path: Path
) -> None:
    entry = _voided_2016_approval(demo)

    section = _section(_page(demo, tmp_path, "--restated"))

    assert 'data-figure="rows-restated_years" data-value="2"' in section
    rows = re.findall(r"<tr>(.*?)</tr>", section)
    first = next(r for r in rows if '<td class="num">2016</td><td>礼乐</td>' in r)
    # exits 9 → 8 and cumulative exits 9 → 8 in red; K 46 → 46 not; a talk now due
    assert '<td class="num">9</td><td class="num bad">8 (moved 已变动)</td>' in first
    assert '<td class="num">46</td><td class="num">46</td>' in first
    assert '<td>no</td><td class="bad">⚠ yes (moved 已变动)</td>' in first
    # restated_by: an entry a line, as the CSV's cell
    assert f"event Corrected; record LL-000001; entry {entry + 1}; corrects {entry}" in first
    assert first.count("event ") == 1  # the one correction made


def test_restated_by_of_two_entries_is_two_lines_of_one_cell() -> None:
    from projections.html_findings import _restated_cell
    from projections.restated import RESTATED_BY_COLUMNS

    entry = dict.fromkeys(RESTATED_BY_COLUMNS, "")
    two = [{**entry, "event": "Corrected", "entry": 28}, {**entry, "event": "Closed", "entry": 9}]

    cell = _restated_cell("restated_by", {"restated_by": two, "judged": True})

    assert cell == '<td class="text">event Corrected; entry 28<br>event Closed; entry 9</td>'


def test_report_html_restated_with_nothing_moved_says_none(demo: Fupin, tmp_path: Path) -> None:
    section = _section(_page(demo, tmp_path, "--restated"))

    assert 'data-figure="rows-restated_years" data-value="0"' in section
    assert "none 无" in section


def test_report_html_without_restated_says_the_years_were_not_checked(
    demo: Fupin, tmp_path: Path
) -> None:
    _voided_2016_approval(demo)

    page = _page(demo, tmp_path)

    assert "rows-restated_years" not in page
    said = re.sub(r"<[^>]+>", "", page)  # its English and Chinese marked apart by lang
    assert "往年减贫计划事后变动: not checked (fupin report html --restated lists them" in said


def test_export_report_accountability_restated_writes_the_section(demo: Fupin) -> None:
    entry = _voided_2016_approval(demo)
    line = "export report accountability --restated --format "

    rows = orjson.loads(demo.ok(line + "json", "admin").stdout)["restated_years"]
    csv = demo.ok(line + "csv", "admin").stdout
    xlsx = demo(line + "xlsx", "admin")
    plain = orjson.loads(demo.ok("export report accountability --format json", "admin").stdout)

    assert {(r["year"], r["street"]) for r in rows} == {(2016, "礼乐"), (2017, "礼乐")}
    assert "# restated_years" in csv
    assert f"event Corrected; record LL-000001; entry {entry + 1}; corrects {entry}" in csv
    assert xlsx.exit_code == 0, xlsx.output
    sheet = load_workbook(io.BytesIO(xlsx.stdout_bytes))["restated_years"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    restated_by = [c for c in cells if f"corrects {entry}" in str(c.value)]
    assert restated_by
    # an entry a line, shown so (re-test T2, session 26: not wrapped, one line in Excel)
    assert all(c.alignment.wrap_text for c in restated_by if "\n" in str(c.value))
    assert "restated_years" not in plain


def test_export_report_restated_of_another_report_is_refused(demo: Fupin) -> None:
    result = demo("export report caseload --restated --format json", "admin")

    assert result.exit_code == 2
    assert "restated" in result.stderr
    assert "only the accountability report" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output
