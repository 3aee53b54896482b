"""``fupin demo`` ends with the plan's headline figures, as the reports compute them."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from cli.main import app
from typer.testing import CliRunner

from cli import common


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(common.console, "width", 160)
    return CliRunner(env={"LEDGER_ACTOR": None, "LEDGER_KEY": None})


def test_demo_summary_shows_the_plans_figures(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--store", str(tmp_path / "demo.db"), "demo"])

    assert result.exit_code == 0, result.output
    assert "884 households, 1,885 people" in result.output
    assert "176 households, 597 people" in result.output
    assert "142 households, 502 people" in result.output
    assert "88 households (50 %)" in result.output
    # The per-person rule counts fiscal money 财政资金 only, and the line says so.
    assert "fiscal money per key-target person" in result.output
    # Each year's money rules, each as the funds report's flags say it (since session 23).
    assert "(rule ≥ 20000.00: kept)" in result.output
    assert result.output.count("street share, local ≥ 1592000.00: all kept)") == 3


def test_demo_summary_as_json_carries_the_same_figures(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--store", str(tmp_path / "demo.db"), "demo", "--format", "json"])

    assert result.exit_code == 0, result.output
    figures = orjson.loads(result.output[result.output.index("{") :])
    assert figures["key_targets"]["urban"] == {"households": 34, "people": 95}
    assert [e["households"] for e in figures["exits_by_year"].values()] == [35, 53, 88]
    assert all(split["local_total_ok"] for split in figures["splits"])
    # 礼乐 missed its 2017 target and its leaders were talked to: due, and held
    duty = figures["accountability"]
    assert (duty["talks_due"], duty["talks_held"], duty["talks_not_due"]) == (1, 1, 0)
