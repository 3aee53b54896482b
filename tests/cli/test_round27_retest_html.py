"""Session 27, re-tester J (the HTML report's re-test): a dossier said "stage registered" of a
household with four helpers paired, which the caseload counts as paired 结对帮扶, and named its
stage in English only (M3); a chart's aria-describedby gave a screen reader its title again,
not its figures (M1); ``report accountability --help`` named overdue findings 限期整改 (the
deadline itself) and over-budget measures 预算 (L3); heat-map percentages were cut down where
the docs said rounded, and the caseload axis read 62 and 187 at 62.5 and 187.5 households
(L1, L2); the English prose of the page was not marked lang="en" (M2).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from projections.html_report import STATUS_LABELS, STATUS_NAMES
from typer.testing import CliRunner

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the demo copied as a SQLite file"


@pytest.fixture(scope="module")
def fupin(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Fupin:
    store = tmp_path_factory.mktemp("store") / "demo.db"
    shutil.copyfile(demo_file, store)
    env = {"LEDGER_STORE": str(store), "LEDGER_ACTOR": None, "LEDGER_KEY": None, "COLUMNS": "400"}
    return Fupin(str(store), CliRunner(env=env))


def _page(fupin: Fupin, folder: Path, options: str = "") -> str:
    out = folder / "report.html"
    fupin.ok(f"report html {options} --out {out}", "ana-1")
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(fupin: Fupin, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo's report as analyst ana-1, as a user makes it."""
    return _page(fupin, tmp_path_factory.mktemp("page"))


@pytest.fixture(scope="module")
def august(fupin: Fupin, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report as of 2018-08-31, when WH-000006 was registered with four helpers paired."""
    return _page(fupin, tmp_path_factory.mktemp("august"), "--as-of 2018-08-31")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _dossiers(page: str) -> dict[str, str]:
    """Each dossier's text by household number."""
    return {
        number: _text(body)
        for number, body in re.findall(
            r'<section class="dossier" id="household-([^"]+)">(.*?)</section>', page
        )
    }


def _status(dossier: str) -> str:
    found = re.search(r"· status (.+?) · key target", dossier)
    assert found, dossier
    return found.group(1)


def test_a_dossier_shows_the_status_the_caseload_counts_with_its_chinese_term(
    page: str, august: str
) -> None:
    wh6 = _dossiers(august)["WH-000006"]
    assert "cadre-00096 cadre 2016-09-11" in wh6  # paired, never unpaired
    assert _status(wh6) == "paired 结对帮扶"
    assert "stage registered" not in august

    terms = {f"{STATUS_LABELS.get(s, s)} {chinese}" for s, chinese in STATUS_NAMES.items()}
    shown = {_status(dossier) for dossier in (*_dossiers(page).values(), wh6)}
    assert shown <= terms | {"closed 注销 (counted in no caseload status)"}, shown
    assert "exited 退出" in shown
    assert " stage " not in page
