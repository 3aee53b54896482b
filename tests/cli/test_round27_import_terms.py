"""Session 27, tester H (re-test of the Chinese wording, L3): the same action had two Chinese
names, one in ``fupin history`` and docs/events.md, another as the import command's: 拨付 /
资金到账 (the seed says 拨付到账 [六(四)]), 人均可支配收入 / 收入核查, 一户一策 / 帮扶措施,
核实 / 批准 / 批准退出 (the seed: 核实公示并退出帮扶 [六(六)]), 村（社区）登记 / 增加村居,
更正登记事项 / 更正登记, 问题销号 / 销号. Each action has one term, in history, the
template's notes (说明) and the docs; a file, sheet or command cell under a former name is still
read (docs/import.md, docs/events.md)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "the commands' names: SQLite is enough (tests/conftest.py)"

#: Each action's one term, and the import command's former name.
TERMS = {
    "拨付到账": "资金到账",
    "收入核查": None,
    "帮扶措施": None,
    "退出帮扶": "批准退出",
    "村（社区）登记": "增加村居",
    "村（社区）更正": "更正村居",
    "更正登记事项": "更正登记",
    "问题销号": "销号",
}
ALLOCATION = (
    "编号,记录人,生效日期,文件,备注,账户,金额\n{ref},qu-01,2016-10-01,追加拨款,,city-2016,100.00\n"
)


def test_history_and_the_template_name_each_action_alike(seeded: Fupin, tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    seeded.ok(f"import template -o {template}")
    seeded.ok(f"household assess JH-0001 2016 --income 6050.00 {doc('2016-11-20')}", "jn-01")

    notes = openpyxl.load_workbook(template, read_only=True)["说明"]
    named = {row[1] for row in notes.iter_rows(values_only=True)}  # (sheet, 命令, column, …)
    funds = seeded.ok("history --kind fund city-2016", "admin").stdout
    household = seeded.ok("history JH-0001", "admin").stdout

    assert set(TERMS) <= named
    assert not {old for old in TERMS.values() if old} & named
    assert "AllocationReceived 拨付到账 " in funds
    assert "IncomeAssessed 收入核查 " in household
    assert "MeasurePlanned 帮扶措施 " in household


@pytest.mark.parametrize("name", ["拨付到账", "资金到账"])
def test_a_file_named_either_way_is_imported(seeded: Fupin, tmp_path: Path, name: str) -> None:
    sheet = tmp_path / f"{name}.csv"
    sheet.write_text(ALLOCATION.format(ref=f"AL-{name}"), encoding="utf-8")

    result = seeded.ok(f"import {sheet}", "qu-01")

    assert "imported 1 row(s)" in result.stdout
