"""Session 27, tester E (a district officer and editor) and tester A (LOW 6): the HTML report's
Chinese terms. It said 拨付 of the disbursements ("Disbursed 已拨付") where the CLI's help and
docs/events.md say allocation 拨付 and disbursement 支出; its caseload legend read
"registered 建档立卡" as if the paired, exited and returned households were not registered; the
category chart's axis was English only and read 0万 at its foot; exit was named three ways;
accountability read 责任追究, a word the plan never uses (it cites 问责); and its English
headings were read by a screen reader with Chinese rules, no lang="en" on them.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import orjson
import pytest
from ledger.funds import USE_WORDS
from projections.html_report import STATUS_NAMES
from typer.testing import CliRunner

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the demo copied as a SQLite file"


@pytest.fixture(scope="module")
def fupin(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Fupin:
    """A copy, for the module, of the demo at scale 1 that the run builds once (``demo_file``;
    built here again until session 33, ~8 s)."""
    store = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(demo_file, store)
    env = {"LEDGER_STORE": str(store), "LEDGER_ACTOR": None, "LEDGER_KEY": None, "COLUMNS": "200"}
    return Fupin(str(store), CliRunner(env=env))


@pytest.fixture(scope="module")
def page(fupin: Fupin, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo's report as analyst ana-1, as a user makes it."""
    out = tmp_path_factory.mktemp("page") / "report.html"
    fupin.ok(f"report html --out {out}", "ana-1")
    return out.read_text(encoding="utf-8")


def _legends(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", legend)
        for legend in re.findall(r'<div class="legend"[^>]*>(.*?)</div>', page)
    ]


def test_allocation_and_disbursement_are_named_as_the_cli_names_them(
    fupin: Fupin, page: str
) -> None:
    assert "allocations 拨付 and disbursements 支出" in fupin.ok("fund --help").stdout

    for old in ("已拨付", "到位", "已脱贫退出", "已退出", "超预算支付"):
        assert old not in page, old
    assert '<span lang="en">Allocated <span lang="zh-CN">拨付</span></span>' in page
    assert '<span lang="en">Disbursed <span lang="zh-CN">支出</span></span>' in page
    assert "allocated 拨付disbursed 支出" in _legends(page)
    assert '<span lang="en">Disbursed</span> 支出 <span lang="en">by category of use</span>' in page


def test_accountability_is_named_as_the_plan_names_it_in_page_and_help(
    fupin: Fupin, page: str
) -> None:
    assert "责任追究" not in page
    assert '<h2><span lang="en">Accountability</span> 问责 [六(三)、(七)]</h2>' in page
    assert "Accountability 问责" in fupin.ok("report accountability --help").stdout


def test_the_caseload_statuses_are_named_as_report_caseload_names_them(
    fupin: Fupin, page: str
) -> None:
    shown = " ".join(fupin.ok("report caseload --help").stdout.split())
    legend = _legends(page)[0]

    assert "registered, not paired 已建档未结对" in legend
    assert "建档立卡" not in legend
    assert "exited 退出" in legend
    for status, chinese in STATUS_NAMES.items():
        assert f"{status} {chinese}" in shown, status


def _category_chart(page: str) -> str:
    start = page.index('<svg class="chart" role="img" id="chart-Disbursed-')
    return page[start : page.index("</details>", start)]


def test_every_category_of_use_is_labelled_by_its_chinese_term(fupin: Fupin, page: str) -> None:
    chart = _category_chart(page)
    labels = re.findall(r'<text class="tick"[^>]*transform[^>]*>([^<]+)</text>', chart)
    rows = re.findall(r'<th scope="row">([^<]+)</th>', chart)

    assert labels
    assert labels == rows
    assert set(labels) <= set(USE_WORDS), labels
    assert {"教育", "就业"} <= set(labels)
    # the axis starts at 0, not 0万
    ticks = re.findall(r'<text class="tick"[^>]*text-anchor="end">([^<]+)</text>', chart)
    assert "0" in ticks
    assert "0万" not in ticks
    # the figures are the funds report's, by category (its Chinese term) and source
    funds = orjson.loads(fupin.ok("report funds --format json", "ana-1").stdout)
    totals: dict[str, int] = defaultdict(int)
    for row in funds["disbursements"]:
        totals[f"disbursed-{row['category']}-{row['source']}"] += row["amount_fen"]
    drawn = {
        name: int(value)
        for name, value in re.findall(
            r'class="mark"[^>]*data-figure="([^"]+)" data-value="(\d+)"', chart
        )
    }
    assert {name: value for name, value in drawn.items() if value} == {
        name: value for name, value in totals.items() if value
    }
    assert sum(drawn.values()) == sum(totals.values())


class Headings(HTMLParser):
    """The text of every heading, caption and column heading, and whether each piece of it
    is inside an element marked lang="en"."""

    HEADS = ("h1", "h2", "h3", "caption", "th", "summary")

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, bool, bool]] = []  # tag, marked English, a heading
        self.pieces: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        english = found.get("lang") == "en" or bool(self.open and self.open[-1][1])
        head = (tag in self.HEADS and found.get("scope") != "row") or bool(
            self.open and self.open[-1][2]
        )
        self.open.append((tag, english, head))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1][2]:
            self.pieces.append((data, self.open[-1][1]))


def test_english_in_headings_and_column_headings_is_marked_lang_en(page: str) -> None:
    found = Headings()
    found.feed(page)
    words = re.compile(r"[a-z]{2}")  # an English word, not an id (JN-000002) nor 2016Q1

    unmarked = [text for text, english in found.pieces if not english and words.search(text)]
    marked = [text for text, english in found.pieces if english]
    assert marked
    assert unmarked == []
    assert not any(re.search(r"[\u4e00-\u9fff]", text) for text in marked)
    assert '<tr lang="en"><th>street</th>' in page  # a row of English headings, marked once
    assert '<th lang="en">key-target people</th>' in page
    assert '<h2><span lang="en">Funds</span> 资金 [六(四)]</h2>' in page
